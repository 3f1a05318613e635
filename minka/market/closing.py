"""Closing a period of the enterprise: its surplus (branded revenue − purchases − costs) shared as the
statute says (see redistribution.py), posted in one closing entry, then the period locked. The
preview is the same computation, without writing anything."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from minka.books import services as ledger
from minka.books.models import Account, Line, Period
from minka.books.services import Posting

from . import lots as tracing
from .models import Closing, Enterprise, Lot, Refund, SaleLine, ShareContribution
from .redistribution import ZERO, allocate
from .services import PURCHASES, SHARES, check_enterprise

REFUNDS_PAYABLE, RESERVE, RETAINED, LOSSES = "4419", "5821", "5911", "5921"


@dataclass
class Preview:
    period: Period
    branded_revenue: Decimal
    other_revenue: Decimal
    purchases: Decimal
    costs: Decimal
    pools: dict  # product → (branded revenue, {household: patronage})
    allocation: object
    balances: dict  # account → (debit, credit) of the period, before closing

    @property
    def surplus(self):
        return self.branded_revenue - self.purchases - self.costs

    @property
    def result(self):
        return self.branded_revenue + self.other_revenue - self.purchases - self.costs


def _balances(book, period):
    rows = Line.objects.filter(entry__book=book, entry__period=period, account__kind__in=[
        Account.Kind.INCOME, Account.Kind.EXPENSE]).values("account").annotate(d=Sum("debit"), c=Sum("credit"))
    accounts = Account.objects.in_bulk([row["account"] for row in rows])
    return {accounts[row["account"]]: (row["d"] or ZERO, row["c"] or ZERO) for row in rows}


def preview(enterprise, period):
    """What closing the period would do."""
    sold = SaleLine.objects.filter(sale__enterprise=enterprise, sale__date__gte=period.start,
                                   sale__date__lte=period.end).select_related("lot__product")
    branded = defaultdict(lambda: ZERO)
    for line in sold:
        if line.lot.branded:
            branded[line.lot.product] += line.amount
    balances = _balances(enterprise.book, period)
    purchases = sum((d - c for account, (d, c) in balances.items() if account.code == PURCHASES), ZERO)
    costs = sum((d - c for account, (d, c) in balances.items()
                 if account.kind == Account.Kind.EXPENSE and account.code != PURCHASES), ZERO)
    # the rest of the period's income (unbranded sales, other income) stays with the enterprise
    other = sum((c - d for account, (d, c) in balances.items() if account.kind == Account.Kind.INCOME), ZERO) - sum(
        branded.values(), ZERO)
    pools = {}
    by_value = enterprise.refund_basis == Enterprise.Basis.VALUE
    for lot in Lot.objects.filter(enterprise=enterprise, branded=True).select_related("product"):
        patronage = pools.setdefault(lot.product, (branded.get(lot.product, ZERO), defaultdict(Decimal)))[1]
        for delivery, quantity in tracing.origins(lot).items():
            if not (period.start <= delivery.date <= period.end):
                continue
            basis = delivery.amount * quantity / delivery.quantity if by_value else quantity
            patronage[delivery.household] += basis * delivery.price.quality_factor
    for product, revenue in branded.items():
        pools.setdefault(product, (revenue, {}))
    surplus = sum(branded.values(), ZERO) - purchases - costs
    allocation = allocate(surplus, reserve_percent=enterprise.reserve_percent,
                          funds={fund: fund.percent for fund in enterprise.funds.select_related("account")},
                          pools={product: (revenue, dict(patronage)) for product, (revenue, patronage) in pools.items()},
                          retained_percent=enterprise.retained_percent)
    return Preview(period, sum(branded.values(), ZERO), other, purchases, costs, pools, allocation, balances)


@transaction.atomic
def close(*, actor, enterprise, period):
    """Share the period's surplus and lock the period: one closing entry takes every income and
    expense account of the period to nil; the surplus goes to the reserve, the funds, the producers
    (refunds payable, and the part the statute keeps in their capital account); what is left of the
    result stays with the enterprise (retained earnings, or losses). Periods close in order."""
    check_enterprise(actor, enterprise)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.book_id != enterprise.book_id:
        raise ValidationError(_("El periodo no es de esta empresa."))
    if period.is_closed:
        raise ValidationError(_("El periodo %(p)s ya está cerrado.") % {"p": period})
    if Period.objects.filter(book=period.book, start__lt=period.start, closed_at__isnull=True).exists():
        raise ValidationError(_("Cierre antes los periodos anteriores."))
    result = preview(enterprise, period)
    allocation = result.allocation
    lines = []
    for account, (debit, credit) in result.balances.items():  # income and expenses to nil
        balance = debit - credit
        if balance > 0:
            lines.append(Posting(account.code, credit=balance))
        elif balance < 0:
            lines.append(Posting(account.code, debit=-balance))
    if allocation.reserve:
        lines.append(Posting(RESERVE, credit=allocation.reserve))
    for fund, amount in allocation.funds.items():
        if amount:
            lines.append(Posting(fund.account.code, credit=amount))
    for household, share in allocation.refunds.items():
        if share.paid_out:
            lines.append(Posting(REFUNDS_PAYABLE, credit=share.paid_out, household=household))
        if share.retained:
            lines.append(Posting(SHARES, credit=share.retained, household=household))
    kept = result.result - (allocation.total - allocation.unallocated)
    if kept > 0:
        lines.append(Posting(RETAINED, credit=kept))
    elif kept < 0:
        lines.append(Posting(LOSSES, debit=-kept))
    entry = None
    if len(lines) >= 2:
        entry = ledger.post_entry(actor=actor, book=enterprise.book, date=period.end, source="market.closing",
                                  memo=_("Cierre del periodo %(p)s y reparto del excedente") % {"p": period},
                                  lines=lines)
    closing = Closing.objects.create(
        enterprise=enterprise, period=period, branded_revenue=result.branded_revenue,
        other_revenue=result.other_revenue, purchases=result.purchases, costs=result.costs,
        surplus=allocation.surplus, reserve=allocation.reserve,
        funds={fund.name: str(amount) for fund, amount in allocation.funds.items()},
        statute={"reserve_percent": str(enterprise.reserve_percent), "refund_basis": enterprise.refund_basis,
                 "retained_percent": str(enterprise.retained_percent),
                 "funds": {fund.name: str(fund.percent) for fund in allocation.funds}},
        entry=entry, closed_by=actor)
    for household, share in allocation.refunds.items():
        Refund.objects.create(closing=closing, household=household, amount=share.amount, retained=share.retained,
                              pools=[{"product": pool["line"].label, "patronage": str(pool["patronage"]),
                                      "pool_patronage": str(pool["pool_patronage"]),
                                      "pool_amount": str(pool["pool_amount"]), "amount": str(pool["amount"])}
                                     for pool in share.pools])
        if share.retained:
            member = enterprise.members.filter(household=household).first()
            if member is not None:
                ShareContribution.objects.create(member=member, date=period.end, amount=share.retained,
                                                 kind=ShareContribution.Kind.RETAINED, entry=entry)
    ledger.close_period(actor=actor, period=period)
    return closing
