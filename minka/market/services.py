"""Every write of the enterprise's daily work. Each one posts its journal entry in the enterprise's
book in the same transaction: the books and the operations cannot disagree. Nothing is edited: a
correction reverses the old row and its entry, then records the right one."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from minka.accounts.permissions import KEEP_BOOKS, can
from minka.books import selectors as books
from minka.books import services as ledger
from minka.books.models import CENT
from minka.books.services import Posting, money

from minka.chains.models import Record

from .models import Delivery, Member, Payment, Price, Product, ShareContribution

PURCHASES, PAYABLE, CASH, BANK, RECEIVABLE, SHARES = "6021", "4212", "1011", "1041", "1681", "5012"
PAID_FROM = {Payment.Method.CASH: CASH, Payment.Method.TRANSFER: BANK, Payment.Method.OFFSET: RECEIVABLE}


def check_enterprise(actor, enterprise):
    if actor is not None and not can(actor, KEEP_BOOKS, enterprise.territory):
        raise PermissionDenied(_("No administra %(e)s.") % {"e": enterprise})


def quantity_of(value):
    try:
        quantity = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except ArithmeticError as error:
        raise ValidationError(_("«%(v)s» no es una cantidad.") % {"v": value}) from error
    if not quantity.is_finite() or quantity <= 0:
        raise ValidationError(_("La cantidad debe ser mayor que cero."))
    return quantity.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def member_of(enterprise, household, date):
    member = Member.objects.filter(enterprise=enterprise, household=household, joined_on__lte=date).filter(
        Q(left_on__isnull=True) | Q(left_on__gte=date)).first()
    if member is None:
        raise ValidationError(_("%(h)s no es socio(a) de %(e)s el %(d)s.") % {"h": household, "e": enterprise,
                                                                            "d": date})
    return member


@transaction.atomic
def admit_member(*, actor, enterprise, joined_on, household=None, organisation=None):
    check_enterprise(actor, enterprise)
    member = Member(enterprise=enterprise, household=household, organisation=organisation, joined_on=joined_on)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def contribute_shares(*, actor, member, date, amount, method=Payment.Method.CASH):
    """A member pays in capital: cash or bank to the members' shares account."""
    enterprise = member.enterprise
    check_enterprise(actor, enterprise)
    amount = money(amount)
    if amount <= 0:
        raise ValidationError(_("El aporte debe ser mayor que cero."))
    entry = ledger.post_entry(actor=actor, book=enterprise.book, date=date,
                              memo=_("Aporte de capital de %(m)s") % {"m": member}, source="market.shares", lines=[
                                  Posting(PAID_FROM.get(method, CASH), debit=amount),
                                  Posting(SHARES, credit=amount, household=member.household,
                                          organisation=member.organisation)])
    return ShareContribution.objects.create(member=member, date=date, amount=amount, entry=entry)


@transaction.atomic
def set_price(*, actor, enterprise, product, grade, price, valid_from, valid_to, quality_factor=Decimal("1")):
    """A price for a raw product and grade over a span of days that no other price of the same
    product and grade covers."""
    check_enterprise(actor, enterprise)
    if product.kind != Product.Kind.RAW:
        raise ValidationError(_("Solo se fijan precios de acopio para materias primas."))
    if Price.objects.filter(enterprise=enterprise, product=product, grade=grade, valid_from__lte=valid_to,
                            valid_to__gte=valid_from).exists():
        raise ValidationError(_("Ya hay un precio de %(p)s calidad %(g)s en esas fechas.") % {"p": product.label,
                                                                                         "g": grade})
    row = Price(enterprise=enterprise, product=product, grade=grade, price=Decimal(str(price)), valid_from=valid_from,
                valid_to=valid_to, quality_factor=Decimal(str(quality_factor)))
    row.full_clean()
    row.save()
    return row


def _grade(enterprise, product, date, grade, quality_test, household):
    """The grade a delivery is paid at, and the quality test it rests on: the grade given, else the
    verdict of its quality test (the one given, or the family's test of that chain on that day: passed
    gives "A", failed "B"), else the only grade priced that day."""
    if quality_test is not None:
        if quality_test.household_id != household.pk or quality_test.purpose != "quality":
            raise ValidationError(_("La prueba de calidad no es de esta familia."))
        if quality_test.passed is None:
            raise ValidationError(_("La prueba de calidad aún no tiene resultado."))
        return grade or ("A" if quality_test.passed else "B"), quality_test
    if grade:
        return grade, None
    test = Record.objects.filter(household=household, purpose="quality", chain=product.chain, date=date,
                                 passed__isnull=False).order_by("-pk").first()
    if test is not None:  # the quality test of the day decides
        return ("A" if test.passed else "B"), test
    grades = set(Price.objects.filter(enterprise=enterprise, product=product, valid_from__lte=date,
                                      valid_to__gte=date).values_list("grade", flat=True))
    if len(grades) == 1:
        return grades.pop(), None
    if not grades:
        raise ValidationError(_("No hay precio de %(p)s vigente el %(d)s.") % {"p": product.label, "d": date})
    raise ValidationError(_("Indique la calidad de la entrega."))


def _price(enterprise, product, grade, date):
    price = Price.objects.filter(enterprise=enterprise, product=product, grade=grade, valid_from__lte=date,
                                 valid_to__gte=date).first()
    if price is None:
        raise ValidationError(_("No hay precio de %(p)s calidad %(g)s vigente el %(d)s.") % {
            "p": product.label, "g": grade, "d": date})
    return price


@transaction.atomic
def record_delivery(*, actor, enterprise, date, centre, household, product, quantity, grade="", quality_test=None):
    """A member's delivery of a raw product, priced by the price list of its day and grade; the
    enterprise now owes it (purchases to payables, in the producer's name)."""
    check_enterprise(actor, enterprise)
    if centre.enterprise_id != enterprise.pk:
        raise ValidationError(_("El centro de acopio no es de esta empresa."))
    if product.kind != Product.Kind.RAW:
        raise ValidationError(_("Los productores entregan materias primas."))
    quantity = quantity_of(quantity)
    member_of(enterprise, household, date)
    grade, quality_test = _grade(enterprise, product, date, grade, quality_test, household)
    price = _price(enterprise, product, grade, date)
    amount = (quantity * price.price).quantize(CENT, rounding=ROUND_HALF_UP)
    if amount <= 0:
        raise ValidationError(_("La entrega no alcanza un céntimo."))
    entry = ledger.post_entry(
        actor=actor, book=enterprise.book, date=date, source="market.delivery",
        memo=_("Acopio: %(q)s %(u)s de %(p)s de %(h)s") % {"q": quantity.normalize(), "u": product.unit.symbol,
                                                          "p": product.label, "h": household},
        lines=[Posting(PURCHASES, debit=amount), Posting(PAYABLE, credit=amount, household=household)])
    delivery = Delivery(enterprise=enterprise, date=date, centre=centre, household=household, product=product,
                        quantity=quantity, grade=grade, quality_test=quality_test, price=price, amount=amount,
                        entry=entry, recorded_by=actor)
    delivery.full_clean()
    delivery.save()
    return delivery


@transaction.atomic
def reverse_delivery(*, actor, delivery, date, reason):
    """Undo a delivery on a date of an open period: a row with the opposite quantity and amount, and
    the reversing entry. The delivery itself stays as it was."""
    check_enterprise(actor, delivery.enterprise)
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.reverses_id or Delivery.objects.filter(reverses=delivery).exists():
        raise ValidationError(_("Esta entrega ya fue corregida."))
    if not reason or not reason.strip():
        raise ValidationError(_("Indique el motivo de la corrección."))
    entry = ledger.reverse_entry(actor=actor, entry=delivery.entry, date=date, source="market.delivery",
                                 memo=_("Corrección de entrega: %(r)s") % {"r": reason.strip()})
    return Delivery.objects.create(
        enterprise=delivery.enterprise, date=date, centre=delivery.centre, household=delivery.household,
        product=delivery.product, quantity=-delivery.quantity, grade=delivery.grade,
        quality_test=delivery.quality_test, price=delivery.price, amount=-delivery.amount, entry=entry,
        reverses=delivery, recorded_by=actor)


@transaction.atomic
def correct_delivery(*, actor, delivery, date, reason, quantity, grade="", quality_test=None):
    """A wrong delivery is reversed and the right one recorded, both on `date` (an open period)."""
    reverse_delivery(actor=actor, delivery=delivery, date=date, reason=reason)
    return record_delivery(actor=actor, enterprise=delivery.enterprise, date=date, centre=delivery.centre,
                           household=delivery.household, product=delivery.product, quantity=quantity,
                           grade=grade or ("" if quality_test else delivery.grade),
                           quality_test=quality_test or delivery.quality_test)


def owed_to(enterprise, household, end=None):
    """What the enterprise owes a producer (its payables in their name), from the books."""
    return books.balance(enterprise.book, PAYABLE, end=end, household=household)


@transaction.atomic
def pay_producer(*, actor, enterprise, household, date, amount, method, reference=""):
    """Pay a producer what the enterprise owes them, in cash, by transfer, or by offsetting a debt of
    theirs to the enterprise; never more than is owed, nor an offset larger than their debt."""
    check_enterprise(actor, enterprise)
    amount = money(amount)
    if amount <= 0:
        raise ValidationError(_("El pago debe ser mayor que cero."))
    if method not in PAID_FROM:
        raise ValidationError(_("Forma de pago desconocida."))
    owed = owed_to(enterprise, household)
    if amount > owed:
        raise ValidationError(_("Se le debe S/ %(o)s: no se paga más.") % {"o": owed})
    if method == Payment.Method.OFFSET:
        debt = books.balance(enterprise.book, RECEIVABLE, household=household)
        if amount > debt:
            raise ValidationError(_("Su deuda con la empresa es de S/ %(d)s: no se compensa más.") % {"d": debt})
    entry = ledger.post_entry(
        actor=actor, book=enterprise.book, date=date, source="market.payment",
        memo=_("Pago a %(h)s (%(m)s)") % {"h": household, "m": Payment.Method(method).label},
        lines=[Posting(PAYABLE, debit=amount, household=household),
               Posting(PAID_FROM[method], credit=amount, household=household if method == Payment.Method.OFFSET
                       else None)])
    payment = Payment(enterprise=enterprise, household=household, date=date, amount=amount, method=method,
                      reference=reference, entry=entry, recorded_by=actor)
    payment.full_clean()
    payment.save()
    return payment


@transaction.atomic
def reverse_payment(*, actor, payment, date, reason):
    check_enterprise(actor, payment.enterprise)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.reverses_id or Payment.objects.filter(reverses=payment).exists():
        raise ValidationError(_("Este pago ya fue anulado."))
    if not reason or not reason.strip():
        raise ValidationError(_("Indique el motivo de la anulación."))
    entry = ledger.reverse_entry(actor=actor, entry=payment.entry, date=date, source="market.payment",
                                 memo=_("Anulación de pago: %(r)s") % {"r": reason.strip()})
    return Payment.objects.create(enterprise=payment.enterprise, household=payment.household, date=date,
                                  amount=-payment.amount, method=payment.method, reference=payment.reference,
                                  entry=entry, reverses=payment, recorded_by=actor)
