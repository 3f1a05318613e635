"""A loan from the committee to its last instalment, for every method, exact to the céntimo in the
loans and in the books: partial, late and early payments, reversals, a refund from the enterprise,
write-off and rescheduling; bad input changes nothing; outsiders do nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from minka.books import selectors as books
from minka.books import services as ledger
from minka.books.models import Book, Entry
from minka.chains.models import IncomeLine, IncomeSource, IncomeSurvey
from minka.conftest import register
from minka.credit import services
from minka.credit.models import Application, Instalment, Loan, Repayment, Schedule

from .conftest import approved

D = Decimal
day = datetime.date


def active(loan):
    return list(Instalment.objects.filter(loan=loan, schedule__active=True).order_by("number"))


def pay_on_schedule(loan, officer):
    for instalment in active(loan):
        services.repay(actor=officer, loan=loan, date=instalment.due_date, amount=instalment.due)
    loan.refresh_from_db()


@pytest.fixture
def family(technician, places):
    return register(technician, places["tinki"], name="Familia Condori", chains=("milk", "guinea-pig"))


@pytest.mark.parametrize("method", ["equal_instalments", "equal_principal", "flat", "bullet"])
def test_from_the_committee_to_the_last_instalment(fund, family, technician, method):
    product = fund.seasonal if method == "equal_instalments" else services.define_product(
        fund=fund, code=method, name=method, min_amount=D("500"), max_amount=D("20000"), tea=D("16"),
        min_term=3, max_term=24, method=method, moratorium_months=[1, 2], instalment_fee=D("1.50"))
    application = approved(fund, family, product=product, technician=technician, term=18)
    assert application.status == Application.Status.APPROVED
    loan = services.disburse(actor=fund.officer, application=application, date=day(2026, 4, 20))
    instalments = active(loan)
    assert len(instalments) == 18 and sum(i.principal for i in instalments) == D("6000.00")
    moratorium = {12, 1, 2, 3} if product == fund.seasonal else {1, 2}
    assert all(i.principal == 0 for i in instalments[:-1] if i.due_date.month in moratorium)
    assert books.balance(fund.book, "1612", household=family) == D("6000.00")
    pay_on_schedule(loan, fund.officer)
    assert loan.status == Loan.Status.CLOSED and loan.outstanding == 0 and loan.closed_on == instalments[-1].due_date
    assert books.balance(fund.book, "1612", household=family) == 0
    interest = sum(i.interest for i in instalments)
    assert books.balance(fund.book, "7721") == interest
    assert all(i.settled_on == i.due_date for i in active(loan))
    with pytest.raises(ValidationError, match="cancelado"):
        services.repay(actor=fund.officer, loan=loan, date=day(2028, 1, 5), amount="10")


def test_a_late_partial_payment_goes_to_fees_then_penalty_then_interest_then_principal(fund, family):
    loan = services.disburse(actor=fund.officer, application=approved(fund, family), date=day(2026, 4, 20))
    first, second = active(loan)[:2]
    assert first.due_date == day(2026, 5, 20)
    # 40 days late on the first instalment (10 on the second): 200 soles
    repayment = services.repay(actor=fund.officer, loan=loan, date=day(2026, 6, 29), amount="200")
    first.refresh_from_db()
    penalty = (first.principal * services.schedules.rate_for_days(D("0.12"), 40)).quantize(D("0.01"))
    assert (repayment.fee, repayment.penalty, repayment.interest) == (D("2.00"), penalty, first.interest)
    assert repayment.principal == D("200") - 2 - penalty - first.interest
    assert first.paid_principal == repayment.principal and first.settled_on is None
    # the rest of the first one, then the second one in full: both settled
    services.repay(actor=fund.officer, loan=loan, date=day(2026, 6, 30),
                   amount=services.payoff(loan, day(2026, 6, 30)) - loan.outstanding + first.principal
                   - first.paid_principal + second.principal)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.settled_on == second.settled_on == day(2026, 6, 30)
    assert first.penalty > penalty  # one more day of penalty on what was still overdue
    loan.refresh_from_db()
    assert loan.outstanding == D("6000") - first.principal - second.principal
    assert services.days_past_due(loan, day(2026, 7, 1)) == 0


def test_an_early_payment_lowers_the_later_instalments_and_the_payoff_closes_the_loan(fund, family):
    loan = services.disburse(actor=fund.officer, application=approved(fund, family), date=day(2026, 4, 20))
    before = active(loan)
    services.repay(actor=fund.officer, loan=loan, date=day(2026, 5, 10), amount=before[0].due + D("2000"))
    loan.refresh_from_db()
    after = active(loan)
    assert Schedule.objects.get(loan=loan, active=True).reason == Schedule.Reason.PREPAYMENT
    assert [i.due_date for i in after] == [i.due_date for i in before]
    assert after[0].settled_on == day(2026, 5, 10)
    assert loan.outstanding == D("6000") - before[0].principal - D("2000")
    assert sum(i.principal for i in after[1:]) == loan.outstanding
    assert all(a.due < b.due for a, b in zip(after[1:], before[1:]))
    assert Schedule.objects.filter(loan=loan).count() == 2  # the original stays, for the history
    with pytest.raises(ValidationError, match="cancelan el préstamo"):
        services.repay(actor=fund.officer, loan=loan, date=day(2026, 8, 1), amount=loan.outstanding + 1000)
    payoff = services.payoff(loan, day(2026, 8, 1))
    services.repay(actor=fund.officer, loan=loan, date=day(2026, 8, 1), amount=payoff)
    loan.refresh_from_db()
    assert loan.status == Loan.Status.CLOSED and loan.outstanding == 0
    assert books.balance(fund.book, "1612", household=family) == 0


def test_a_repayment_is_corrected_by_its_reversal_never_edited(fund, family):
    loan = services.disburse(actor=fund.officer, application=approved(fund, family), date=day(2026, 4, 20))
    first = active(loan)[0]
    one = services.repay(actor=fund.officer, loan=loan, date=day(2026, 5, 20), amount=first.due)
    two = services.repay(actor=fund.officer, loan=loan, date=day(2026, 5, 25), amount=D("3000"))
    with pytest.raises(ValidationError, match="posteriores"):
        services.reverse_repayment(actor=fund.officer, repayment=one, date=day(2026, 5, 26), reason="error")
    with pytest.raises(ValidationError, match="motivo"):
        services.reverse_repayment(actor=fund.officer, repayment=two, date=day(2026, 5, 26), reason=" ")
    reversal = services.reverse_repayment(actor=fund.officer, repayment=two, date=day(2026, 5, 26),
                                          reason="Eran 300 soles, no 3000")
    loan.refresh_from_db()
    assert reversal.amount == -D("3000") and reversal.reverses == two
    assert loan.outstanding == D("6000") - first.principal
    assert Schedule.objects.get(loan=loan, active=True).version == 1
    assert [i.paid for i in active(loan)[1:]] == [0] * 11
    assert books.balance(fund.book, "1612", household=family) == loan.outstanding
    assert Repayment.objects.filter(loan=loan).count() == 3  # nothing deleted


def test_a_payoff_reversed_opens_the_loan_again(fund, family):
    loan = services.disburse(actor=fund.officer, application=approved(fund, family), date=day(2026, 4, 20))
    payoff = services.repay(actor=fund.officer, loan=loan, date=day(2026, 5, 1),
                            amount=services.payoff(loan, day(2026, 5, 1)))
    loan.refresh_from_db()
    assert loan.status == Loan.Status.CLOSED
    services.reverse_repayment(actor=fund.officer, repayment=payoff, date=day(2026, 5, 2), reason="Cheque rechazado")
    loan.refresh_from_db()
    assert loan.status == Loan.Status.ACTIVE and loan.outstanding == D("6000")
    assert all(i.settled_on is None and i.paid == 0 for i in active(loan))


def test_a_members_surplus_refund_pays_their_instalment(fund, family, places):
    from minka.market.models import Enterprise
    from minka.people.models import Organisation

    organisation = Organisation.objects.create(name="D'Ausangate", kind="enterprise", territory=places["quispicanchi"])
    book = Book.objects.create(code="dausangate", name="D'Ausangate", territory=places["quispicanchi"],
                               organisation=organisation)
    enterprise = Enterprise.objects.create(organisation=organisation, book=book)
    ledger.open_period(actor=fund.officer, book=book, name="2026", start=day(2026, 1, 1), end=day(2026, 12, 31))
    ledger.post_entry(actor=fund.officer, book=book, date=day(2026, 3, 1), memo="Cierre", lines=[
        ledger.Posting("5911", debit=D("250")), ledger.Posting("4419", credit=D("250"), household=family)])
    loan = services.disburse(actor=fund.officer, application=approved(fund, family), date=day(2026, 4, 20))
    with pytest.raises(ValidationError, match="convenio"):
        services.repay(actor=fund.officer, loan=loan, date=day(2026, 5, 20), amount="200", method="refund",
                       enterprise=enterprise)
    fund.offset_enterprises.add(enterprise)
    with pytest.raises(ValidationError, match="no alcanza"):
        services.repay(actor=fund.officer, loan=loan, date=day(2026, 5, 20), amount="300", method="refund",
                       enterprise=enterprise)
    repayment = services.repay(actor=fund.officer, loan=loan, date=day(2026, 5, 20), amount="200", method="refund",
                               enterprise=enterprise)
    assert books.balance(book, "4419", household=family) == D("50.00")
    assert books.balance(book, "1041") == -D("200.00")
    assert repayment.offset_entry.book == book
    services.reverse_repayment(actor=fund.officer, repayment=repayment, date=day(2026, 5, 21), reason="Duplicado")
    assert books.balance(book, "4419", household=family) == D("250.00")


def test_write_off_waits_for_the_loss_category_and_keeps_the_reason(fund, family):
    loan = services.disburse(actor=fund.officer, application=approved(fund, family), date=day(2026, 4, 20))
    with pytest.raises(ValidationError, match="días de atraso"):
        services.write_off(actor=fund.officer, loan=loan, date=day(2026, 9, 1), reason="No paga")
    services.write_off(actor=fund.officer, loan=loan, date=day(2026, 9, 20), reason="Migró a Lima")
    loan.refresh_from_db()
    assert loan.status == Loan.Status.WRITTEN_OFF and loan.write_off_reason == "Migró a Lima"
    assert books.balance(fund.book, "1612", household=family) == 0
    assert books.balance(fund.book, "6841") == D("6000.00")


def test_rescheduling_spreads_what_is_owed_over_a_new_term_and_keeps_the_history(fund, family):
    loan = services.disburse(actor=fund.officer, application=approved(fund, family), date=day(2026, 4, 20))
    assert services.days_past_due(loan, day(2026, 8, 1)) == 73
    schedule = services.reschedule(actor=fund.officer, loan=loan, date=day(2026, 8, 1), term_months=18,
                                   reason="Helada de julio")
    new = active(loan)
    assert schedule.version == 2 and len(new) == 18 and new[0].due_date == day(2026, 9, 1)
    assert sum(i.principal for i in new) == D("6000.00")
    old_interest = sum(i.interest for i in Instalment.objects.filter(schedule__version=1, loan=loan,
                                                                     due_date__lte=day(2026, 8, 1)))
    assert sum(i.interest for i in new) > old_interest
    assert services.days_past_due(loan, day(2026, 8, 2)) == 0
    assert Schedule.objects.filter(loan=loan, active=False).get().reason == Schedule.Reason.ORIGINAL


def test_the_capacity_check_reads_the_familys_recorded_income(fund, family, technician):
    survey = IncomeSurvey.objects.create(household=family, season=2025, date=day(2026, 2, 1))
    IncomeLine.objects.create(survey=survey, source=IncomeSource.objects.get(code="milk"), income=D("14000"),
                              costs=D("2000"))
    application = services.apply(actor=technician, fund=fund, product=fund.monthly, innovation=fund.shed, plan="p",
                                 investment="6000", amount="6000", term_months=12, date=day(2026, 4, 1),
                                 household=family, checklist={"identity": True})
    capacity = application.capacity
    assert capacity["income_year"] == "12000.00" and capacity["season"] == 2025
    assert D(capacity["ratio"]) > 50 and capacity["verdict"] == "insufficient"
    assert application.checklist == {"identity": True, "plan": False, "visit": False, "assembly": False}


def test_a_grant_in_euros_is_kept_in_soles_with_its_rate(fund):
    grant = services.receive_grant(actor=fund.officer, fund=fund, date=day(2026, 2, 1), donor="Région",
                                   currency="EUR", amount="25549", exchange_rate="3.9512", loan_pool="60000")
    assert grant.amount_pen == D("100949.21") and grant.guarantee_pool == D("40949.21")
    assert (grant.entry.foreign_currency, grant.entry.foreign_amount, grant.entry.exchange_rate) == (
        "EUR", D("25549.00"), D("3.951200"))
    with pytest.raises(ValidationError, match="tipo de cambio"):
        services.receive_grant(actor=fund.officer, fund=fund, date=day(2026, 2, 1), donor="Région", currency="EUR",
                               amount="100", loan_pool="0")


def counts():
    return (Entry.objects.count(), Loan.objects.count(), Repayment.objects.count(), Instalment.objects.count(),
            Application.objects.count())


def test_bad_input_is_refused_clearly_and_writes_nothing(fund, family, technician):
    application = approved(fund, family)
    neighbour = register(technician, family.community, name="Otra familia")
    before = counts()
    for changes, message in [({"tea": D("0")}, "tasa"), ({"tea": D("-3")}, "tasa"), ({"min_term": 0}, "plazo"),
                             ({"moratorium_months": [13]}, "meses")]:
        fields = dict(fund=fund, code="x", name="x", min_amount=D("100"), max_amount=D("900"), tea=D("10"),
                      min_term=1, max_term=12)
        with pytest.raises(ValidationError, match=message):
            services.define_product(**{**fields, **changes})
    with pytest.raises(ValidationError, match="supera el monto aprobado"):
        services.disburse(actor=fund.officer, application=application, date=day(2026, 4, 20), amount="6000.01")
    with pytest.raises(ValidationError, match="entre"):
        services.apply(actor=fund.officer, fund=fund, product=fund.monthly, innovation=fund.shed, plan="p",
                       investment="90000", amount="90000", term_months=12, date=day(2026, 4, 1),
                       household=neighbour)
    assert counts()[1:] == before[1:]
    loan = services.disburse(actor=fund.officer, application=application, date=day(2026, 4, 20))
    before = counts()
    with pytest.raises(ValidationError, match="anterior al desembolso"):
        services.repay(actor=fund.officer, loan=loan, date=day(2026, 4, 19), amount="100")
    for amount in ("0", "-5"):
        with pytest.raises(ValidationError, match="mayor que cero"):
            services.repay(actor=fund.officer, loan=loan, date=day(2026, 5, 1), amount=amount)
    assert counts() == before


def test_outsiders_and_technicians_do_not_run_the_fund(fund, family, technician, officer):
    with pytest.raises(PermissionDenied):
        services.apply(actor=officer, fund=fund, product=fund.monthly, innovation=fund.shed, plan="p",
                       investment="6000", amount="6000", term_months=12, date=day(2026, 4, 1), household=family)
    application = services.apply(actor=technician, fund=fund, product=fund.monthly, innovation=fund.shed, plan="p",
                                 investment="6000", amount="6000", term_months=12, date=day(2026, 4, 1),
                                 household=family)
    for actor in (technician, officer):
        with pytest.raises(PermissionDenied):
            services.decide(actor=actor, application=application, date=day(2026, 4, 8), outcome="approve",
                            members="a\nb\nc", minutes="acta")
    with pytest.raises(ValidationError, match="al menos 3"):
        services.decide(actor=fund.officer, application=application, date=day(2026, 4, 8), outcome="approve",
                        members="a\nb", minutes="acta")
    services.decide(actor=fund.officer, application=application, date=day(2026, 4, 8), outcome="reduce",
                    amount="4000", members="a\nb\nc", minutes="acta")
    application.refresh_from_db()
    for actor in (technician, officer):
        with pytest.raises(PermissionDenied):
            services.disburse(actor=actor, application=application, date=day(2026, 4, 20))
    loan = services.disburse(actor=fund.officer, application=application, date=day(2026, 4, 20))
    assert loan.amount == D("4000.00")
    with pytest.raises(PermissionDenied):
        services.repay(actor=officer, loan=loan, date=day(2026, 5, 20), amount="100")
