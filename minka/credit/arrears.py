"""Arrears over a whole portfolio at a date, in a few set-based queries (no loop over instalments):
days past due of every loan, its aging bucket and risk category (the configurable tables, Peru's SBS
categories by default), the provisions they call for, and the portfolio at risk: PAR30 and PAR90,
the share of the outstanding principal of loans more than 30 (90) days late.

A loan is days past due from its oldest instalment due before the date and not fully paid by then.
The outstanding principal at a past date is the amount less the principal repaid up to that date
(reversals count negative); today, it is the loan's running balance."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Min, Q, Sum

from .models import ArrearsBand, Instalment, Loan, Repayment

ZERO = Decimal("0.00")


def band_for(bands, days):
    for band in bands:
        if days >= band.min_days and (band.max_days is None or days <= band.max_days):
            return band
    return None


@dataclass
class Row:
    loan_id: int
    outstanding: Decimal
    days: int
    bucket: object = None
    category: object = None

    @property
    def provision(self):
        percent = self.category.provision_percent if self.category else Decimal(0)
        return (self.outstanding * percent / 100).quantize(Decimal("0.01"))


@dataclass
class Portfolio:
    as_of: datetime.date
    rows: list = field(default_factory=list)
    buckets: list = field(default_factory=list)
    categories: list = field(default_factory=list)

    @property
    def outstanding(self):
        return sum((r.outstanding for r in self.rows), ZERO)

    def at_risk(self, days):
        return sum((r.outstanding for r in self.rows if r.days > days), ZERO)

    def par(self, days):
        """The portfolio at risk beyond `days`, in percent of the outstanding principal (None if nothing
        is lent)."""
        whole = self.outstanding
        return (self.at_risk(days) * 100 / whole).quantize(Decimal("0.01")) if whole else None

    @property
    def par30(self):
        return self.par(30)

    @property
    def par90(self):
        return self.par(90)

    @property
    def provisions(self):
        return sum((r.provision for r in self.rows), ZERO)

    def breakdown(self, table):
        """[(band, number of loans, outstanding, provision)] for the aging buckets or risk categories."""
        bands = self.buckets if table == ArrearsBand.Table.AGING else self.categories
        attribute = "bucket" if table == ArrearsBand.Table.AGING else "category"
        result = []
        for band in bands:
            rows = [r for r in self.rows if getattr(r, attribute) == band]
            result.append((band, len(rows), sum((r.outstanding for r in rows), ZERO),
                           sum((r.provision for r in rows), ZERO)))
        return result

    @property
    def by_loan(self):
        return {r.loan_id: r for r in self.rows}


def run(loans, as_of=None):
    """The arrears of these loans (a queryset) on `as_of` (today by default)."""
    today = datetime.date.today()
    as_of = as_of or today
    current = as_of >= today
    # Closed and written-off loans carry the date they left the portfolio.
    live = loans.filter(disbursed_on__lte=as_of).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=as_of))
    if current:
        balances = dict(live.filter(status=Loan.Status.ACTIVE).values_list("pk", "outstanding"))
    else:
        amounts = dict(live.values_list("pk", "amount"))
        repaid = dict(Repayment.objects.filter(loan__in=live.values("pk"), date__lte=as_of).values("loan")
                      .annotate(p=Sum("principal")).values_list("loan", "p"))
        balances = {pk: (amount - (repaid.get(pk) or ZERO)).quantize(ZERO) for pk, amount in amounts.items()}
    late = Instalment.objects.filter(loan__in=live.values("pk"), schedule__active=True, due_date__lt=as_of)
    late = late.filter(settled_on__isnull=True) if current else late.filter(
        Q(settled_on__isnull=True) | Q(settled_on__gt=as_of))
    oldest = dict(late.values("loan").annotate(oldest=Min("due_date")).values_list("loan", "oldest"))
    buckets = list(ArrearsBand.objects.filter(table=ArrearsBand.Table.AGING))
    categories = list(ArrearsBand.objects.filter(table=ArrearsBand.Table.RISK))
    rows = []
    for pk, outstanding in balances.items():
        if outstanding <= 0:
            continue
        days = (as_of - oldest[pk]).days if pk in oldest else 0
        rows.append(Row(loan_id=pk, outstanding=outstanding, days=days, bucket=band_for(buckets, days),
                        category=band_for(categories, days)))
    return Portfolio(as_of=as_of, rows=rows, buckets=buckets, categories=categories)


def repayment_rate(loans, start, end):
    """Of what fell due between `start` and `end` (principal and interest), the share paid, in percent."""
    sums = Instalment.objects.filter(loan__in=loans.values("pk"), schedule__active=True, due_date__gte=start,
                                     due_date__lte=end).aggregate(
        due=Sum("principal") + Sum("interest"), paid=Sum("paid_principal") + Sum("paid_interest"))
    return (Decimal(sums["paid"]) * 100 / Decimal(sums["due"])).quantize(Decimal("0.1")) if sums["due"] else None
