"""Every write of the enterprise's daily work. Each one posts its journal entry in the enterprise's
book in the same transaction: the books and the operations cannot disagree. Nothing is edited: a
correction reverses the old row and its entry, then records the right one."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.formats import date_format
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


def shown(value):
    """A quantity or a date as a person reads it: 100 (not 1E+2), 01/03/2024."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return date_format(value, "SHORT_DATE_FORMAT")


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
                                                                            "d": shown(date)})
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
        raise ValidationError(_("No hay precio de %(p)s vigente el %(d)s.") % {"p": product.label, "d": shown(date)})
    raise ValidationError(_("Indique la calidad de la entrega."))


def _price(enterprise, product, grade, date):
    price = Price.objects.filter(enterprise=enterprise, product=product, grade=grade, valid_from__lte=date,
                                 valid_to__gte=date).first()
    if price is None:
        raise ValidationError(_("No hay precio de %(p)s calidad %(g)s vigente el %(d)s.") % {
            "p": product.label, "g": grade, "d": shown(date)})
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
        memo=_("Acopio: %(q)s %(u)s de %(p)s de %(h)s") % {"q": shown(quantity), "u": product.unit.symbol,
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


# --- lots ----------------------------------------------------------------------------------------


@transaction.atomic
def make_lot(*, actor, enterprise, code, product, made_on, quantity, deliveries=(), lots=(), best_before=None):
    """A processing lot of `product` from parts of deliveries [(delivery, quantity)] and of other
    lots [(lot, quantity)] of its raw product. It cannot yield more than its inputs allow (inputs ×
    the product's maximum yield), nor use more of a delivery or a lot than is left of it. The brand
    charter decides whether it carries the brand; the reasons are kept when it does not."""
    from . import lots as tracing
    from .models import Lot, LotInput

    check_enterprise(actor, enterprise)
    quantity = quantity_of(quantity)
    if not code or not code.strip():
        raise ValidationError(_("Indique el código del lote."))
    if Lot.objects.filter(code=code.strip()).exists():
        raise ValidationError(_("Ya existe un lote %(c)s.") % {"c": code})
    raw = product.made_from if product.kind == Product.Kind.PROCESSED else product
    parts, total = [], Decimal(0)
    for delivery, used in deliveries:
        delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
        used = quantity_of(used)
        if delivery.enterprise_id != enterprise.pk or delivery.product_id != raw.pk:
            raise ValidationError(_("La entrega del %(d)s de %(h)s no es de %(p)s.") % {
                "d": shown(delivery.date), "h": delivery.household, "p": raw.label})
        if delivery.date > made_on:
            raise ValidationError(_("Un lote no se elabora antes de sus entregas."))
        if used > tracing.available_of_delivery(delivery):
            raise ValidationError(_("De la entrega del %(d)s de %(h)s quedan %(q)s %(u)s.") % {
                "d": shown(delivery.date), "h": delivery.household, "q": shown(tracing.available_of_delivery(delivery)),
                "u": raw.unit.symbol})
        parts.append(LotInput(delivery=delivery, quantity=used))
        total += used
    for source, used in lots:
        source = Lot.objects.select_for_update().get(pk=source.pk)
        used = quantity_of(used)
        if source.enterprise_id != enterprise.pk or source.product_id != raw.pk:
            raise ValidationError(_("El lote %(l)s no es de %(p)s.") % {"l": source, "p": raw.label})
        if used > tracing.available_of_lot(source):
            raise ValidationError(_("Del lote %(l)s quedan %(q)s %(u)s.") % {
                "l": source, "q": shown(tracing.available_of_lot(source)), "u": raw.unit.symbol})
        parts.append(LotInput(source=source, quantity=used))
        total += used
    if not parts:
        raise ValidationError(_("Un lote se elabora con entregas u otros lotes."))
    most = total * (product.max_yield if product.kind == Product.Kind.PROCESSED else Decimal(1))
    if quantity > most:
        raise ValidationError(_("Con %(i)s %(u)s de %(r)s se obtienen como máximo %(m)s %(o)s de %(p)s.") % {
            "i": shown(total), "u": raw.unit.symbol, "r": raw.label, "m": shown(most.quantize(Decimal("0.001"))),
            "o": product.unit.symbol, "p": product.label})
    lot = Lot(enterprise=enterprise, code=code.strip(), product=product, made_on=made_on, best_before=best_before,
              quantity=quantity, recorded_by=actor)
    lot.full_clean()
    lot.save()
    for part in parts:
        part.lot = lot
    LotInput.objects.bulk_create(parts)
    reasons = tracing.charter_reasons(enterprise, list(tracing.origins(lot)), made_on)
    lot.branded, lot.not_branded_because = not reasons, reasons
    lot.save(update_fields=["branded", "not_branded_because"])
    return lot


# --- sales, receipts, costs ----------------------------------------------------------------------

SALES, RECEIVABLES = "7021", "1212"


@transaction.atomic
def sell(*, actor, enterprise, customer, date, lines):
    """A sale of quantities of lots [(lot, quantity, unit price)], invoiced under the next number; a
    lot sells no more than is left of it."""
    from . import lots as tracing
    from .models import Lot, Sale, SaleLine

    check_enterprise(actor, enterprise)
    if customer.enterprise_id != enterprise.pk:
        raise ValidationError(_("El cliente no es de esta empresa."))
    rows, total = [], Decimal("0.00")
    for lot, quantity, unit_price in lines:
        lot = Lot.objects.select_for_update().get(pk=lot.pk)
        quantity = quantity_of(quantity)
        unit_price = Decimal(str(unit_price))
        if unit_price <= 0:
            raise ValidationError(_("El precio debe ser mayor que cero."))
        if lot.enterprise_id != enterprise.pk:
            raise ValidationError(_("El lote %(l)s no es de esta empresa.") % {"l": lot})
        if lot.made_on > date:
            raise ValidationError(_("El lote %(l)s aún no existía el %(d)s.") % {"l": lot, "d": shown(date)})
        left = tracing.available_of_lot(lot) - sum((q for l, q, _p in rows if l.pk == lot.pk), Decimal(0))
        if quantity > left:
            raise ValidationError(_("Del lote %(l)s quedan %(q)s %(u)s.") % {"l": lot, "q": shown(left),
                                                                         "u": lot.product.unit.symbol})
        amount = (quantity * unit_price).quantize(CENT, rounding=ROUND_HALF_UP)
        rows.append((lot, quantity, unit_price, amount))
        total += amount
    if not rows:
        raise ValidationError(_("Una venta tiene al menos una línea."))
    type(enterprise).objects.select_for_update().get(pk=enterprise.pk)  # invoices are numbered one at a time
    number = (Sale.objects.filter(enterprise=enterprise).aggregate(n=models.Max("number"))["n"] or 0) + 1
    entry = ledger.post_entry(actor=actor, book=enterprise.book, date=date, source="market.sale",
                              memo=_("Venta N.º %(n)s a %(c)s") % {"n": number, "c": customer},
                              lines=[Posting(RECEIVABLES, debit=total), Posting(SALES, credit=total)])
    sale = Sale.objects.create(enterprise=enterprise, customer=customer, date=date, number=number, amount=total,
                               entry=entry, recorded_by=actor)
    SaleLine.objects.bulk_create([SaleLine(sale=sale, lot=lot, quantity=quantity, unit_price=price, amount=amount)
                                  for lot, quantity, price, amount in rows])
    return sale


def unpaid(sale):
    return sale.amount - (sale.receipts.aggregate(a=models.Sum("amount"))["a"] or Decimal("0.00"))


@transaction.atomic
def receive(*, actor, sale, date, amount, method):
    """Money received for a sale: no more than is unpaid of it."""
    from .models import Receipt, Sale

    check_enterprise(actor, sale.enterprise)
    sale = Sale.objects.select_for_update().get(pk=sale.pk)
    amount = money(amount)
    if amount <= 0:
        raise ValidationError(_("El cobro debe ser mayor que cero."))
    if amount > unpaid(sale):
        raise ValidationError(_("De esta venta quedan S/ %(u)s por cobrar.") % {"u": unpaid(sale)})
    if method not in (Payment.Method.CASH, Payment.Method.TRANSFER):
        raise ValidationError(_("Forma de pago desconocida."))
    entry = ledger.post_entry(actor=actor, book=sale.enterprise.book, date=date, source="market.receipt",
                              memo=_("Cobro de la venta N.º %(n)s") % {"n": sale.number},
                              lines=[Posting(PAID_FROM[method], debit=amount), Posting(RECEIVABLES, credit=amount)])
    return Receipt.objects.create(sale=sale, date=date, amount=amount, method=method, entry=entry)


COST_ACCOUNTS = {"6211", "6311", "6361", "6391", "6561"}


@transaction.atomic
def record_cost(*, actor, enterprise, date, kind, account, description, amount, paid_by):
    """A cost of processing, transport or overheads, to an expense account, paid from cash or bank."""
    from minka.books.models import Account

    from .models import Cost

    check_enterprise(actor, enterprise)
    amount = money(amount)
    if amount <= 0:
        raise ValidationError(_("El costo debe ser mayor que cero."))
    account = Account.objects.filter(code=getattr(account, "code", account)).first()
    if account is None or account.kind != Account.Kind.EXPENSE or not account.postable:
        raise ValidationError(_("Elija una cuenta de gasto."))
    if paid_by not in (Payment.Method.CASH, Payment.Method.TRANSFER):
        raise ValidationError(_("Forma de pago desconocida."))
    if not description or not description.strip():
        raise ValidationError(_("Describa el costo."))
    entry = ledger.post_entry(actor=actor, book=enterprise.book, date=date, source="market.cost",
                              memo=description.strip(), lines=[Posting(account.code, debit=amount),
                                                               Posting(PAID_FROM[paid_by], credit=amount)])
    cost = Cost(enterprise=enterprise, date=date, kind=kind, account=account, description=description.strip(),
                amount=amount, paid_by=paid_by, entry=entry)
    cost.full_clean()
    cost.save()
    return cost


@transaction.atomic
def pay_refund(*, actor, enterprise, household, date, amount, method):
    """Pay a producer their share of a closed period's surplus (what the closing left payable)."""
    check_enterprise(actor, enterprise)
    amount = money(amount)
    owed = books.balance(enterprise.book, "4419", household=household)
    if amount <= 0:
        raise ValidationError(_("El pago debe ser mayor que cero."))
    if amount > owed:
        raise ValidationError(_("Se le debe S/ %(o)s de excedentes: no se paga más.") % {"o": owed})
    if method not in (Payment.Method.CASH, Payment.Method.TRANSFER):
        raise ValidationError(_("Forma de pago desconocida."))
    return ledger.post_entry(actor=actor, book=enterprise.book, date=date, source="market.refund",
                             memo=_("Pago de excedentes a %(h)s") % {"h": household},
                             lines=[Posting("4419", debit=amount, household=household),
                                    Posting(PAID_FROM[method], credit=amount)])
