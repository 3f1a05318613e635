"""The demo is what newcomers and funders see first: it must be consistent, not just present."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q

from minka.chains.models import IncomeSource, IncomeSurvey, PracticeAssessment, Record, RecordValue, Visit
from minka.chains.selectors import paired_income_change
from minka.conftest import ensure_value_chains
from minka.learning.models import Training
from minka.people.models import Enrolment, Household
from minka.territory.models import Infrastructure


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_value_chains()
        call_command("load_demo", stdout=open("/dev/null", "w"))
        yield
        # Module-scoped data outside a test transaction: leave the database as it was for other tests.
        from django.core.management import call_command as run

        run("flush", "--noinput", verbosity=0)
        ensure_value_chains()


@pytest.mark.django_db
def test_every_production_record_belongs_to_a_chain_the_family_is_enrolled_in(demo):
    enrolled = set(Enrolment.objects.filter(until__isnull=True).values_list("household", "chain"))
    pairs = set(Record.objects.filter(purpose="production").values_list("household", "chain"))
    assert pairs and pairs <= enrolled
    seasons = Record.objects.filter(purpose="production").dates("date", "year")
    assert [d.year for d in seasons] == [2020, 2021, 2022, 2023, 2024, 2025]


@pytest.mark.django_db
def test_quality_verdicts_agree_with_the_thresholds(demo):
    values = RecordValue.objects.filter(record__purpose="quality").select_related("measure")
    for value in values[:3000]:
        measure = value.measure
        assert value.passed == measure.judge(value.number if measure.is_numeric else value.text)
    failing = Record.objects.filter(purpose="quality", passed=True, values__passed=False)
    assert not failing.exists()


@pytest.mark.django_db
def test_income_trends_differ_by_district_and_chain(demo):
    milk = IncomeSource.objects.get(code="milk")
    change = {district: paired_income_change(
        IncomeSurvey.objects.filter(household__community__parent__code=district), base_season=2020, season=2024,
        source=milk)["change_pct"] for district in ["081210", "081205", "081202"]}
    assert change["081210"] > change["081202"] > Decimal("-5")


@pytest.mark.django_db
def test_the_rest_of_the_story_is_there(demo):
    assert Household.objects.count() == 1400
    assert PracticeAssessment.objects.values("stage").distinct().count() == 4
    assert Visit.objects.filter(follow_up_due__isnull=False, follow_up_done_on__isnull=True).exists()
    assert Training.objects.annotate(n=Count("participants")).filter(n__gt=0).count() == Training.objects.count()
    assert Infrastructure.objects.filter(~Q(geometry=None)).count() > 40
    assert not Visit.objects.filter(follow_up_due__lt=F("date")).exists()
    from minka.collect.models import Form

    assert Form.objects.filter(territory__code="08").exclude(target="").count() == 9


@pytest.mark.django_db
def test_three_communities_of_ocongate_went_through_their_figures(demo, client):
    from minka.observatory.models import Validation
    from minka.territory.models import Territory

    assert set(Validation.objects.values_list("territory__code", flat=True)) == {
        "081210-C01", "081210-C02", "081210-C03"}
    contested = Validation.objects.get(status="contested")
    assert contested.territory.code == "081210-C03" and contested.comment and contested.by.username == "comunidad"
    tinki = Territory.objects.get(code="081210-C01")
    text = client.get(f"/publico/{tinki.code}/").content.decode()
    card = text[text.index('id="pub-beneficiaries"'):]
    assert "<b>—</b>" not in card[:card.index("</section>")]  # confirmed, and made of enough families


@pytest.mark.django_db
def test_the_demo_enterprise_has_two_closed_periods_and_one_open_with_balanced_books(demo):
    from minka.books import selectors as books
    from minka.market.models import Closing, Enterprise, Lot, Refund

    enterprise = Enterprise.objects.get()
    periods = list(enterprise.book.periods.order_by("start"))
    assert [p.is_closed for p in periods] == [True, True, False]
    debit, credit = books.totals(books.trial_balance(enterprise.book))
    assert debit == credit
    for closing in Closing.objects.all():  # every céntimo of each surplus is accounted for
        funds = sum((Decimal(v) for v in closing.funds.values()), Decimal(0))
        refunds = sum(r.amount for r in Refund.objects.filter(closing=closing))
        assert closing.surplus > 0 and closing.reserve + funds + refunds == closing.surplus
    assert Lot.objects.filter(branded=True).exists()
    assert books.balance(enterprise.book, "1011") >= 0  # the cash box never shows a negative balance


@pytest.mark.django_db
def test_the_watershed_incentives_reach_the_observatory(demo):
    """One call with scored plans and one PES scheme in the Pomacanchi watershed, their figures in the
    observatory: plans by applicant type, hectares under agreement and verified, payments on time."""
    from minka.incentives.models import Call, Evaluation, Scheme
    from minka.observatory.models import Value

    call = Call.objects.get(territory__code="080205")
    assert call.status == "awarded" and Evaluation.objects.filter(plan__call=call, total__isnull=False).exists()
    scheme = Scheme.objects.get(code="pomacanchi-agua")
    assert scheme.watershed.code == "CU-POMA" and scheme.agreements.count() == 3

    def value(code, period=""):
        return Value.objects.get(indicator__code=code, territory__code="080205", period=period, breakdown="").value

    assert value("plans-submitted", f"Y{call.closes_on.year}") == call.plans.filter(
        submitted_on__year=call.closes_on.year).count()
    assert value("pes-hectares") == sum(a.hectares for a in scheme.agreements.all())
    assert 0 < value("pes-paid-on-time", "Y2025") < 100  # one community was paid late


@pytest.mark.django_db
def test_the_mesas_of_ocongate_and_pomacanchi_have_a_year_of_meetings(demo):
    import datetime

    from minka.governance.models import Accord, Action, Meeting, Space

    today = datetime.date.today()
    for code in ("mcl-ocongate", "mcl-pomacanchi"):
        space = Space.objects.get(code=code)
        held = space.meetings.filter(status=Meeting.Status.HELD)
        assert held.count() >= 4 and held.filter(date__lt=today - datetime.timedelta(days=240)).exists()
        assert space.meetings.filter(status=Meeting.Status.PLANNED, date__gt=today).exists()
        assert space.accords.exists() and not held.filter(decisive=True, quorum_met=False).exists()
        assert all(m.attendance.exists() for m in held)
    assert Accord.objects.filter(status="done").exists() and Accord.objects.filter(status__in=Accord.OPEN).exists()
    assert Space.objects.get(code="mcl-pomacanchi").watershed.code == "CU-POMA"
    from minka.governance import planning

    for space in Space.objects.all():  # a plan under way, linked to what Minka records
        whole = planning.tree(space.plans.get())
        assert len(whole.children) == 3 and whole.progress is not None and whole.budget > 0
    pomacanchi = Space.objects.get(code="mcl-pomacanchi").plans.get()
    assert Action.objects.filter(programme__objective__plan=pomacanchi, pes_agreements__isnull=False).exists()


@pytest.mark.django_db
def test_the_programs_budgets_by_axis_in_two_currencies(demo):
    from minka.governance import budgets
    from minka.governance.models import Expense, Program

    for program in Program.objects.all():
        assert program.axes.count() == 4
    ecocuenca = Program.objects.get(code="ecocuenca")
    rows, total = budgets.execution(ecocuenca, 2025)
    assert total.budget == Decimal("25549.00") and 0 < total.spent <= total.budget  # its first year
    assert set(Expense.objects.values_list("currency", flat=True)) == {"PEN", "EUR"}
    assert not Expense.objects.filter(currency="PEN", rate__isnull=True).exists()


@pytest.mark.django_db
def test_loading_the_demo_again_adds_nothing_and_fails_nowhere(demo):
    """A second `make run` in the same checkout finds the demo there and starts the server."""
    from minka.governance.models import Meeting, Program, Space
    from minka.observatory.models import Value

    def counts():
        return [model.objects.count() for model in (Household, Record, Training, Space, Meeting, Program, Value)]

    before = counts()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert counts() == before
