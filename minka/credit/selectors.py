"""Reading the fund: what a user may see (by the borrower's place), and a borrower's statement."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from minka.accounts.permissions import VIEW_CREDIT, scope_q

from . import services
from .models import Application, Instalment, Loan, Repayment, Schedule

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

    @property
    def overdue(self):
        return sum((i.owed for i in self.instalments if i.settled_on is None and i.due_date < self.as_of), ZERO)

    @property
    def paid(self):
        return sum((r.amount for r in self.repayments), ZERO)


def statement(loan, as_of=None):
    """A borrower's statement of one loan: the schedule in force with what was paid of each
    instalment, every repayment and reversal, the versions of the schedule, and what is overdue."""
    as_of = as_of or datetime.date.today()
    instalments = list(Instalment.objects.filter(loan=loan, schedule__active=True).order_by("due_date", "number"))
    repayments = list(Repayment.objects.filter(loan=loan).order_by("date", "number"))
    oldest = next((i.due_date for i in instalments if i.settled_on is None and i.due_date < as_of), None)
    return Statement(loan=loan, instalments=instalments, repayments=repayments,
                     schedules=list(Schedule.objects.filter(loan=loan).order_by("version")), as_of=as_of,
                     days_past_due=(as_of - oldest).days if oldest else 0,
                     payoff=services.payoff(loan, as_of, instalments) if loan.status == Loan.Status.ACTIVE else ZERO)
