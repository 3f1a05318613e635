"""Arrears, PAR and guarantees, computed by hand on a small portfolio."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from minka.books import selectors as books
from minka.books.models import Entry
from minka.conftest import register
from minka.credit import arrears, guarantees, services
from minka.credit.models import ArrearsBand, GuaranteedLoan, Instalment, Loan
from minka.people.models import Organisation

from .conftest import approved

D = Decimal
day = datetime.date


@pytest.fixture
def portfolio(fund, technician, places):
    """Three loans disbursed on 20 April 2026: one paid on time, one that stopped paying after its
    first instalment, one that never paid."""
    loans = []
    for name in ("Familia Condori", "Familia Mamani", "Familia Huamán"):
        family = register(technician, places["tinki"], name=name)
        loans.append(services.disburse(actor=fund.officer, application=approved(fund, family),
                                       date=day(2026, 4, 20)))
    good, stopped, never = loans
    for loan, count in ((good, 5), (stopped, 1)):
        for instalment in Instalment.objects.filter(loan=loan).order_by("number")[:count]:
            services.repay(actor=fund.officer, loan=loan, date=instalment.due_date, amount=instalment.due)
    for loan in loans:
        loan.refresh_from_db()
    return good, stopped, never


def test_days_past_due_buckets_categories_and_par(portfolio):
    good, stopped, never = portfolio
    run = arrears.run(Loan.objects.all(), as_of=day(2026, 10, 1))
    rows = run.by_loan
    assert (rows[good.pk].days, rows[stopped.pk].days, rows[never.pk].days) == (0, 103, 134)
    assert rows[stopped.pk].bucket.code == "91-180" and rows[stopped.pk].category.code == "doubtful"
    assert rows[never.pk].category.code == "loss" and rows[good.pk].category.code == "normal"
    assert rows[never.pk].outstanding == D("6000.00")
    assert rows[stopped.pk].outstanding == stopped.outstanding  # no payment since: today's balance
    assert run.outstanding == good.outstanding + stopped.outstanding + never.outstanding
    assert run.par30 == ((stopped.outstanding + never.outstanding) * 100 / run.outstanding).quantize(D("0.01"))
    assert run.par90 == run.par30
    assert run.par(120) == (never.outstanding * 100 / run.outstanding).quantize(D("0.01"))
    expected = (good.outstanding / 100 + stopped.outstanding * D("0.60") + never.outstanding).quantize(D("0.01"))
    assert abs(run.provisions - expected) <= D("0.02")
    # A month earlier the stopped loan was 73 days late, and the good one had more to repay
    before = arrears.run(Loan.objects.all(), as_of=day(2026, 9, 1)).by_loan
    assert before[stopped.pk].days == 73 and before[stopped.pk].category.code == "doubtful"
    assert before[good.pk].outstanding > good.outstanding


def test_the_tables_are_data(portfolio):
    ArrearsBand.objects.filter(table="risk", code="loss").update(min_days=91)
    ArrearsBand.objects.filter(table="risk", code="doubtful").update(max_days=90)
    rows = arrears.run(Loan.objects.all(), as_of=day(2026, 10, 1)).by_loan
    assert rows[portfolio[1].pk].category.code == "loss"


def test_repayment_rate(portfolio):
    rate = arrears.repayment_rate(Loan.objects.all(), day(2026, 5, 1), day(2026, 5, 31))
    assert rate == D("66.7")  # two of the three May instalments paid


def test_a_guarantee_pays_the_lender_within_coverage_and_recovers(fund, technician, places):
    caja = Organisation.objects.create(name="Caja Cusco", kind="other", territory=places["cusco"])
    agreement = guarantees.sign_agreement(actor=fund.officer, fund=fund, lender=caja, reference="CV-01",
                                          signed_on=day(2026, 1, 10), coverage_percent=D("50"),
                                          cap_per_borrower=D("5000"), leverage_limit=D("3"))
    family = register(technician, places["tinki"], name="Familia Ccori")
    loan = guarantees.report_loan(actor=fund.officer, agreement=agreement, reference="P-1", amount="12000",
                                  disbursed_on=day(2026, 2, 1), outstanding="12000", reported_on=day(2026, 2, 1),
                                  household=family)
    assert guarantees.covered(loan) == D("5000.00")  # the cap, below half of 12,000
    with pytest.raises(ValidationError, match="permite hasta"):  # 3 × 50,000 is the limit
        guarantees.report_loan(actor=fund.officer, agreement=agreement, reference="P-2", amount="150000",
                               disbursed_on=day(2026, 2, 1), outstanding="140000", reported_on=day(2026, 2, 1),
                               household=register(technician, places["tinki"], name="Otra"))
    before = Entry.objects.count()
    with pytest.raises(ValidationError, match="cubre"):
        guarantees.call(actor=fund.officer, loan=loan, date=day(2026, 9, 1), outstanding="8000", claim="4000.01")
    assert Entry.objects.count() == before and GuaranteedLoan.objects.get(pk=loan.pk).status == "current"
    called = guarantees.call(actor=fund.officer, loan=loan, date=day(2026, 9, 1), outstanding="8000")
    assert called.claim == D("4000.00")
    assert guarantees.pool(fund) == D("46000.00")
    assert books.balance(fund.book, "1681", household=family) == D("4000.00")
    guarantees.recover(actor=fund.officer, guarantee_call=called, date=day(2026, 11, 1), amount="1500")
    with pytest.raises(ValidationError, match="hasta"):
        guarantees.recover(actor=fund.officer, guarantee_call=called, date=day(2026, 11, 2), amount="2500.01")
    assert guarantees.pool(fund) == D("47500.00")
    assert guarantees.pool(fund, day(2026, 10, 1)) == D("46000.00")
    solvency = guarantees.solvency(fund)
    assert solvency["pool"] == D("47500.00") and solvency["exposure"] == 0


def test_the_pool_never_pays_more_than_it_holds(fund, technician, places):
    caja = Organisation.objects.create(name="Caja Cusco", kind="other", territory=places["cusco"])
    agreement = guarantees.sign_agreement(actor=fund.officer, fund=fund, lender=caja, reference="CV-02",
                                          signed_on=day(2026, 1, 10), coverage_percent=D("80"),
                                          cap_per_borrower=D("90000"), leverage_limit=D("2"))
    loan = guarantees.report_loan(actor=fund.officer, agreement=agreement, reference="G-1", amount="90000",
                                  disbursed_on=day(2026, 2, 1), outstanding="90000", reported_on=day(2026, 2, 1),
                                  household=register(technician, places["tinki"], name="Familia grande"))
    assert guarantees.solvency(fund)["cover"] == D("69.4")  # 50,000 for 72,000 at risk
    called = guarantees.call(actor=fund.officer, loan=loan, date=day(2026, 9, 1), outstanding="90000")
    assert called.claim == D("50000.00") and guarantees.pool(fund) == 0
