"""Reading the fund: what a user may see (by the borrower's place), and a borrower's statement."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from minka.accounts.permissions import VIEW_CREDIT, scope_q

from . import services
from .models import Application, Fund, Instalment, Loan, Repayment, Schedule

ZERO = Decimal("0.00")


def loans_for(user, capability=VIEW_CREDIT):
    return Loan.objects.filter(scope_q(user, "territory__path", capability))


def applications_for(user, capability=VIEW_CREDIT):
    return Application.objects.filter(scope_q(user, "territory__path", capability))


@dataclass
class Statement:
    loan: Loan
    instalments: list
    repayments: list
    schedules: list
    as_of: datetime.date
    days_past_due: int
    payoff: Decimal
    overdue: Decimal  # due by `as_of` and unpaid, with the penalty interest run up so far
    upcoming: Decimal  # the next instalment not yet due (None when there is none)

    @property
    def next_due(self):
        """What is owed today, or else the next instalment (what a borrower usually comes to pay)."""
        return self.overdue or self.upcoming


def statement(loan, as_of=None):
    """A borrower's statement of one loan: the schedule in force with what was paid of each
    instalment, every repayment and reversal, the versions of the schedule, and what is overdue."""
    as_of = as_of or datetime.date.today()
    instalments = list(Instalment.objects.filter(loan=loan, schedule__active=True).order_by("due_date", "number"))
    repayments = list(Repayment.objects.filter(loan=loan).order_by("date", "number"))
    oldest = next((i.due_date for i in instalments if i.settled_on is None and i.due_date < as_of), None)
    active = loan.status == Loan.Status.ACTIVE
    owed = services.owed_on(loan, as_of, instalments) if active else []
    return Statement(loan=loan, instalments=instalments, repayments=repayments,
                     schedules=list(Schedule.objects.filter(loan=loan).order_by("version")), as_of=as_of,
                     days_past_due=(as_of - oldest).days if oldest else 0,
                     payoff=services.payoff(loan, as_of, instalments) if active else ZERO,
                     overdue=sum((o.total for i, o in owed if i.due_date <= as_of), ZERO),
                     upcoming=next((o.total for i, o in owed if i.due_date > as_of), None))


def funds_for(user, capability=VIEW_CREDIT):
    """The funds whose place overlaps the user's scope (a technician in a district sees the fund of
    the province, for the families of the district)."""
    from minka.accounts.permissions import overlap_q

    query = overlap_q(user, "book__territory__path", capability)
    return Fund.objects.filter(query).select_related("book__territory")


@dataclass
class Group:
    """A slice of the portfolio (a value chain, the sex of the head of family, a district)."""

    label: str
    loans: int = 0
    families: set = None
    disbursed: Decimal = ZERO
    outstanding: Decimal = ZERO
    at_risk: Decimal = ZERO

    @property
    def par30(self):
        return (self.at_risk * 100 / self.outstanding).quantize(Decimal("0.01")) if self.outstanding else None


@dataclass
class Dashboard:
    portfolio: object
    disbursed: Decimal
    loans: int
    families: int
    repayment_rate: Decimal
    by_chain: list
    by_sex: list
    by_district: list


def dashboard(loans, as_of):
    """The portfolio on `as_of`: what was disbursed, is outstanding and at risk, the repayment rate of
    the last twelve months, and the same by value chain, sex of the head of family and district."""
    from minka.people.models import Person, ValueChain
    from minka.territory.selectors import district_names

    from . import arrears

    result = arrears.run(loans, as_of)
    by_loan = result.by_loan
    rows = list(loans.filter(disbursed_on__lte=as_of).values_list(
        "pk", "household", "organisation", "amount", "chain", "territory__path"))
    heads = dict(Person.objects.filter(household__in={r[1] for r in rows if r[1]}, role=Person.Role.HEAD)
                 .values_list("household", "sex"))
    chains = {c.pk: c.label for c in ValueChain.objects.all()}
    districts = district_names(path for *_r, path in rows)
    sexes = dict(Person.Sex.choices)
    groups = {"chain": {}, "sex": {}, "district": {}}
    for pk, household, organisation, amount, chain, path in rows:
        arrear = by_loan.get(pk)
        keys = {"chain": chains.get(chain) or _("Sin cadena"),
                "sex": sexes.get(heads.get(household), _("Sin dato")) if household else _("Organización"),
                "district": districts.get(path, _("Sin distrito"))}
        for dimension, key in keys.items():
            group = groups[dimension].setdefault(key, Group(label=str(key), families=set()))
            group.loans += 1
            group.families.add(("h", household) if household else ("o", organisation))
            group.disbursed += amount
            if arrear is not None:
                group.outstanding += arrear.outstanding
                if arrear.days > 30:
                    group.at_risk += arrear.outstanding

    def ordered(dimension):
        return sorted(groups[dimension].values(), key=lambda g: (-g.disbursed, g.label))

    year_before = as_of - datetime.timedelta(days=365)
    return Dashboard(portfolio=result, disbursed=sum((r[3] for r in rows), ZERO), loans=len(rows),
                     families=len({r[1] for r in rows if r[1]}),
                     repayment_rate=arrears.repayment_rate(loans, year_before, as_of),
                     by_chain=ordered("chain"), by_sex=ordered("sex"), by_district=ordered("district"))


def due_soon(user, today, days=7):
    """The instalments of the loans in the user's scope due in the next `days` days, and those overdue,
    unpaid, with the borrower and where they live (a technician's round of reminders)."""
    instalments = (Instalment.objects.filter(scope_q(user, "loan__territory__path", VIEW_CREDIT),
                                             schedule__active=True, settled_on__isnull=True,
                                             loan__status=Loan.Status.ACTIVE)
                   .select_related("loan__household__community", "loan__organisation", "loan__territory")
                   .order_by("due_date", "loan__number"))
    return {"soon": list(instalments.filter(due_date__gte=today, due_date__lte=today + datetime.timedelta(days=days))),
            "overdue": list(instalments.filter(due_date__lt=today)[:200])}


def balances_after(instalments):
    """The principal the schedule still has to collect after each instalment."""
    left, balances = sum((i.principal for i in instalments), ZERO), []
    for instalment in instalments:
        left -= instalment.principal
        balances.append(left)
    return balances


def schedule_rows(instalments):
    """The instalments as the printed schedule shows them, with the principal left after each."""
    return [{"number": i.number, "due_date": i.due_date, "principal": i.principal, "interest": i.interest,
             "fee": i.fee, "total": i.due, "balance": balance}
            for i, balance in zip(instalments, balances_after(instalments))]


def totals(rows):
    return {part: sum((row[part] for row in rows), ZERO) for part in ("principal", "interest", "fee", "total")}


def outstanding_after(repayment):
    """The loan's principal balance once this payment (and those before it) was applied."""
    from django.db.models import Sum

    repaid = Repayment.objects.filter(loan_id=repayment.loan_id, number__lte=repayment.number).aggregate(
        p=Sum("principal"))["p"] or ZERO
    return repayment.loan.amount - repaid


def position(fund, date):
    """The fund's pools on a date, from its books: the loan pool's cash, what is lent, the guarantee
    pool, and the capital received."""
    from django.db.models import Sum

    from minka.books import selectors as books

    return {"cash": books.balance(fund.book, services.CASH, end=date),
            "lent": books.balance(fund.book, services.LOANS, end=date),
            "guarantee": books.balance(fund.book, services.GUARANTEE_CASH, end=date),
            "capital": fund.grants.filter(date__lte=date).aggregate(s=Sum("amount_pen"))["s"] or ZERO}


def of_household(user, household):
    """A family's loans and applications as the user may see them, and whether they may file one."""
    from minka.accounts.permissions import APPLY_CREDIT, can

    if not can(user, VIEW_CREDIT, household.community):
        return None
    return {"loans": list(Loan.objects.filter(household=household).order_by("-disbursed_on")),
            "applications": list(Application.objects.filter(household=household).exclude(
                status=Application.Status.DISBURSED).select_related("innovation").order_by("-submitted_on")),
            "applies": can(user, APPLY_CREDIT, household.community)}
