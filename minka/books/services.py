"""Every write to the books. An entry is posted whole and balanced, in an open period, or not at
all; it is never edited: a mistake is undone by a reversing entry, and a closed period takes no
entry any more."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from minka.accounts.permissions import KEEP_BOOKS, can

from .models import CENT, Account, Book, Entry, Line, Period


@dataclass
class Posting:
    """One line to post: an account code, a debit or a credit, and who it is about."""

    account: str
    debit: Decimal = Decimal("0")
    credit: Decimal = Decimal("0")
    household: object = None
    organisation: object = None


def soles(amount):
    """An amount as a message shows it: S/ 1,234.50."""
    return f"S/ {amount:,.2f}"


def money(value):
    """A Decimal to the céntimo (half up), from a Decimal, an int or a string; never a float."""
    if isinstance(value, float):
        raise TypeError("money is never a float")
    try:
        return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError) as error:
        raise ValidationError(_("«%(v)s» no es un importe.") % {"v": value}) from error


def check_books(actor, book):
    if actor is not None and not can(actor, book.keepers or KEEP_BOOKS, book.territory):
        raise PermissionDenied(_("No lleva los libros de %(book)s.") % {"book": book})


def period_for(book, date, lock=False):
    """The open period of the book that holds this date; a clear error when there is none."""
    periods = Period.objects.filter(book=book, start__lte=date, end__gte=date)
    if lock:
        periods = periods.select_for_update()
    period = periods.first()
    if period is None:
        raise ValidationError(_("No hay un periodo contable que contenga el %(d)s.") % {
            "d": date_format(date, "SHORT_DATE_FORMAT")})
    if period.is_closed:
        raise ValidationError(_("El periodo %(p)s está cerrado: registre la corrección en un periodo abierto.")
                              % {"p": period})
    return period


@transaction.atomic
def open_period(*, actor, book, name, start, end):
    """A new period of the book, which may not overlap another one."""
    check_books(actor, book)
    if Period.objects.filter(book=book, start__lte=end, end__gte=start).exists():
        raise ValidationError(_("El periodo se superpone con otro del mismo libro."))
    period = Period(book=book, name=name, start=start, end=end)
    period.full_clean()
    period.save()
    return period


@transaction.atomic
def post_entry(*, actor, book, date, memo, lines, source="", reverses=None, foreign=None, agreed=False):
    """Post one balanced entry: at least two lines, each a positive debit or credit to a postable
    account, debits equal to credits to the céntimo, dated in an open period. `foreign` is
    (currency, amount, rate) for an operation in another currency, kept with the entry. `agreed`: the
    caller has checked an agreement between two entities that lets the actor post this entry in a book
    they do not keep (a refund paid by the enterprise into a member's loan)."""
    if not agreed:
        check_books(actor, book)
    if not memo or not memo.strip():
        raise ValidationError(_("El asiento necesita una glosa."))
    Book.objects.select_for_update().get(pk=book.pk)  # entries of a book are numbered one at a time
    period = period_for(book, date, lock=True)
    codes = {posting.account for posting in lines}
    accounts = {a.code: a for a in Account.objects.filter(code__in=codes)}
    rows, debits, credits = [], Decimal("0.00"), Decimal("0.00")
    for posting in lines:
        account = accounts.get(posting.account)
        if account is None:
            raise ValidationError(_("La cuenta %(c)s no existe.") % {"c": posting.account})
        if not account.postable:
            raise ValidationError(_("La cuenta %(c)s agrupa otras: use una de sus subcuentas.") % {"c": account})
        debit, credit = money(posting.debit), money(posting.credit)
        if debit < 0 or credit < 0 or (debit == 0) == (credit == 0):
            raise ValidationError(_("Cada línea va al debe o al haber, con un importe positivo (cuenta %(c)s).")
                                  % {"c": account.code})
        debits, credits = debits + debit, credits + credit
        rows.append(Line(account=account, debit=debit, credit=credit, household=posting.household,
                         organisation=posting.organisation))
    if len(rows) < 2:
        raise ValidationError(_("Un asiento tiene al menos dos líneas."))
    if debits != credits:
        raise ValidationError(_("El asiento no cuadra: debe %(d)s, haber %(c)s.") % {"d": debits, "c": credits})
    number = (Entry.objects.filter(book=book).aggregate(n=Max("number"))["n"] or 0) + 1
    currency, amount, rate = foreign or ("", None, None)
    entry = Entry(book=book, period=period, number=number, date=date, memo=memo.strip()[:255], source=source,
                  reverses=reverses, recorded_by=actor, foreign_currency=currency, foreign_amount=amount,
                  exchange_rate=rate)
    entry.full_clean()
    entry.save()
    for row in rows:
        row.entry = entry
    Line.objects.bulk_create(rows)
    return entry


@transaction.atomic
def reverse_entry(*, actor, entry, date, memo="", source="", agreed=False):
    """Undo an entry with its mirror image (each debit becomes a credit), dated in an open period:
    the original stays as it was. An entry is reversed once. `agreed`: as for `post_entry`."""
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if Entry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("El asiento %(n)s ya fue revertido.") % {"n": entry.number})
    if entry.reverses_id:
        raise ValidationError(_("Un asiento de reversión no se revierte: registre uno nuevo."))
    lines = [Posting(account=line.account.code, debit=line.credit, credit=line.debit, household=line.household,
                     organisation=line.organisation) for line in entry.lines.select_related("account")]
    return post_entry(actor=actor, book=entry.book, date=date, memo=memo or _("Reversión del asiento %(n)s: %(m)s")
                      % {"n": entry.number, "m": entry.memo}, lines=lines, source=source or entry.source,
                      reverses=entry, agreed=agreed)


@transaction.atomic
def close_period(*, actor, period):
    """Lock a period: from now on it takes no entry."""
    check_books(actor, period.book)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.is_closed:
        raise ValidationError(_("El periodo %(p)s ya está cerrado.") % {"p": period})
    period.closed_at, period.closed_by = timezone.now(), actor
    period.save(update_fields=["closed_at", "closed_by"])
    return period
