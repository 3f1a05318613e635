"""Reading the enterprise's work: a producer's statement, what is owed."""

from dataclasses import dataclass, field
from decimal import Decimal

from .models import Delivery, Payment

ZERO = Decimal("0.00")


@dataclass
class StatementLine:
    date: object
    what: str
    quantity: Decimal | None
    unit: str
    price: Decimal | None
    owed: Decimal  # what the line adds to the amount owed (a payment subtracts)
    balance: Decimal = ZERO
    reversal: bool = False


@dataclass
class Statement:
    household: object
    start: object
    end: object
    opening: Decimal
    lines: list = field(default_factory=list)

    @property
    def closing(self):
        return self.lines[-1].balance if self.lines else self.opening

    @property
    def delivered(self):
        return sum((line.owed for line in self.lines if line.quantity is not None), ZERO)

    @property
    def paid(self):
        return -sum((line.owed for line in self.lines if line.quantity is None), ZERO)


def statement(enterprise, household, start, end):
    """A producer's deliveries and payments between two dates, with the amount owed before, after
    each line, and at the end (the same as the books say: every line is one of their entries)."""
    from django.utils.translation import gettext as _

    deliveries = Delivery.objects.filter(enterprise=enterprise, household=household).select_related(
        "product__unit", "price")
    payments = Payment.objects.filter(enterprise=enterprise, household=household)
    opening = sum((d.amount for d in deliveries.filter(date__lt=start)), ZERO) - sum(
        (p.amount for p in payments.filter(date__lt=start)), ZERO)
    rows = []
    for d in deliveries.filter(date__gte=start, date__lte=end):
        what = d.product.label + (f" · {_('calidad')} {d.grade}" if d.grade else "")
        if d.reverses_id:
            what = _("Corrección: %(w)s") % {"w": what}
        rows.append((d.date, d.entry_id, StatementLine(d.date, what, d.quantity, d.product.unit.symbol, d.price.price,
                                                       d.amount, reversal=bool(d.reverses_id))))
    for p in payments.filter(date__gte=start, date__lte=end):
        what = _("Pago (%(m)s)") % {"m": p.get_method_display()}
        if p.reverses_id:
            what = _("Anulación: %(w)s") % {"w": what}
        rows.append((p.date, p.entry_id, StatementLine(p.date, what, None, "", None, -p.amount,
                                                       reversal=bool(p.reverses_id))))
    result = Statement(household=household, start=start, end=end, opening=opening)
    balance = opening
    for _date, _entry, line in sorted(rows, key=lambda row: (row[0], row[1])):
        balance += line.owed
        line.balance = balance
        result.lines.append(line)
    return result


def enterprises_for(user, capability=None):
    """The enterprises whose books the user may read (or keep, with KEEP_BOOKS)."""
    from minka.accounts.permissions import VIEW_BOOKS, scope_q

    from .models import Enterprise

    return Enterprise.objects.filter(scope_q(user, "book__territory__path", capability or VIEW_BOOKS)).select_related(
        "organisation", "book")


def get_enterprise_for_user(user, pk, capability=None):
    """The enterprise, or 404 outside the user's scope."""
    from django.http import Http404

    enterprise = enterprises_for(user, capability).filter(pk=pk).first()
    if enterprise is None:
        raise Http404
    return enterprise


def producers(enterprise):
    """Members who are families, with what the enterprise owes each (from the books) and what they
    delivered in all."""
    from django.db.models import Sum

    from minka.books.models import Line
    from minka.people.models import Household

    owed = {household: (credit or ZERO) - (debit or ZERO) for household, credit, debit in Line.objects.filter(
        entry__book=enterprise.book, account__code="4212", household__isnull=False).values("household").annotate(
        credit=Sum("credit"), debit=Sum("debit")).values_list("household", "credit", "debit")}
    delivered = dict(Delivery.objects.filter(enterprise=enterprise).values("household").annotate(
        amount=Sum("amount")).values_list("household", "amount"))
    households = Household.objects.filter(memberships__enterprise=enterprise).select_related("community")
    return [(household, owed.get(household.pk, ZERO), delivered.get(household.pk, ZERO))
            for household in households.order_by("name")]


def revenue_by(enterprise, field, start=None, end=None):
    """Sales revenue per value of a field of the sale line (channel, product, customer …), largest first."""
    from django.db.models import Sum

    from .models import SaleLine

    lines = SaleLine.objects.filter(sale__enterprise=enterprise)
    if start:
        lines = lines.filter(sale__date__gte=start)
    if end:
        lines = lines.filter(sale__date__lte=end)
    return list(lines.values_list(field).annotate(total=Sum("amount")).order_by("-total"))
