"""The fund's indicators in the observatory, against figures computed by hand from the loans:
families with credit (target 50) by chain and sex, the amount lent per month, PAR30; and a
payment moves them without a full refresh."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest

from minka.credit import arrears, selectors, services
from minka.credit.models import Loan
from minka.observatory import catalogue, engine
from minka.observatory.models import Indicator, Target, Value

from .conftest import approved, lend, today

D = Decimal


@pytest.fixture
def indicators(db):
    from django.apps import apps

    catalogue.load(apps)
    Indicator.objects.filter(code="credit-par30").update(direction="down")


def value(code, territory, period="", breakdown=""):
    row = Value.objects.filter(indicator__code=code, territory=territory, watershed=None, period=period,
                               breakdown=breakdown).first()
    return row.value if row else None


def test_families_with_credit_amount_lent_and_par30_by_hand(fund, portfolio, families, places, indicators):
    # A second loan to the Tinki family (its first is paid on time): still one family with credit.
    services.disburse(actor=fund.officer, application=_second(fund, families["tinki"]), date=today())
    engine.refresh()
    province, ocongate = places["quispicanchi"], places["ocongate"]
    assert value("families-with-credit", province) == 3 and value("families-with-credit", ocongate) == 2
    assert value("families-with-credit", province, breakdown="chain:milk") == 2
    assert value("families-with-credit", province, breakdown="chain:guinea-pig") == 2  # Tinki's second loan
    assert value("families-with-credit", province, breakdown="sex:F") == 2
    assert value("families-with-credit", province, breakdown="sex:M") == 1

    lent = defaultdict(Decimal)
    for loan in Loan.objects.all():
        lent[f"M{loan.disbursed_on:%Y-%m}"] += loan.amount
    for period, amount in lent.items():
        assert value("amount-lent", province, period) == amount, period

    run = arrears.run(Loan.objects.all(), today())
    assert run.par30 > 0
    assert value("credit-par30", province).quantize(D("0.01")) == run.par30
    ccatca = Loan.objects.get(territory__path__startswith=places["ccatca"].path)
    assert value("credit-par30", places["ccatca"]) == 0 and run.by_loan[ccatca.pk].days <= 30

    # The program's target: 50 families over the province; 3 is far from it.
    catalogue.set_program_targets(province)
    target = Target.objects.get(indicator__code="families-with-credit", territory=province, breakdown="")
    assert target.target == 50 and target.status(value("families-with-credit", province)) == "off_track"


def _second(fund, household):
    return approved(fund, household, amount="1000", term=6, date=today() - datetime.timedelta(days=10))


def test_a_payment_moves_par30_without_a_full_refresh(fund, portfolio, places, indicators, settings,
                                                       django_capture_on_commit_callbacks):
    engine.refresh()
    assert value("credit-par30", places["quispicanchi"]) > 0
    settings.ANALYTICS_FOLLOW_CHANGES = True
    late = portfolio["late"]
    with django_capture_on_commit_callbacks(execute=True):
        services.repay(actor=fund.officer, loan=late, date=today(),
                       amount=selectors.statement(late, today()).overdue)
    assert services.days_past_due(late, today()) == 0
    assert value("credit-par30", places["quispicanchi"]) == 0
    with django_capture_on_commit_callbacks(execute=True):
        lend(fund, _family(places), days_ago=5, amount="1000")
    assert value("families-with-credit", places["quispicanchi"]) == 4


def _family(places):
    from minka.conftest import register

    return register(None, places["pacchanta"], name="Familia Nueva")
