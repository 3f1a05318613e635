"""The incentives in the observatory: business plans submitted, awarded and implemented by applicant
type and sex, the jobs and income their visits found; hectares under PES agreements and verified; retribution paid to communities; the share
of retributions paid on time. Each figure is compared with what the records say, and follows a change
without a full refresh."""

import datetime
from decimal import Decimal

import pytest

from minka.accounts.models import Role
from minka.conftest import make_user, register
from minka.incentives import pes, services
from minka.incentives.models import Plan
from minka.observatory import catalogue, engine
from minka.observatory.models import Indicator, Value
from minka.people.models import Organisation
from minka.territory.models import Watershed

from .test_calls import GRID
from .test_pes import INSIDE

D = Decimal
day = datetime.date


@pytest.fixture
def indicators(db):
    from django.apps import apps

    catalogue.load(apps)


def value(code, territory, period="", breakdown=""):
    row = Value.objects.filter(indicator__code=code, territory=territory, watershed=None, period=period,
                               breakdown=breakdown).first()
    return row.value if row else None


@pytest.fixture
def plans(coordinator, technician, places):
    """Three plans in Ocongate's communities: two families (women head them) and an association; the
    budget holds two. The association and the first family win; the family's one tranche is paid."""
    call = services.create_call(actor=coordinator, code="c", title="C", territory=places["quispicanchi"],
                                budget="16000", opens_on=day(2026, 3, 1), closes_on=day(2026, 4, 30),
                                applicant_kinds=["family", "association"], evaluators_required=1)
    for group, name, weight in GRID:
        services.add_criterion(actor=coordinator, call=call, group=group, name=name, weight=weight)
    services.publish(actor=coordinator, call=call, date=day(2026, 3, 1))
    association = Organisation.objects.create(name="Asociación Ausangate", kind="association",
                                              territory=places["tinki"])
    applicants = [{"household": register(technician, places["tinki"], name="A")}, {"organisation": association},
                  {"household": register(technician, places["pacchanta"], name="B")}]
    evaluator = make_user("evaluador", Role.EVALUATOR, places["quispicanchi"])
    rows = []
    for applicant, score in zip(applicants, (4, 5, 2)):
        plan = services.submit(actor=technician, call=call, date=day(2026, 4, 2), title="Plan", activity="Hortalizas",
                               investment="10000", cofinancing="2000", requested="8000",
                               environmental_measures="Goteo", **applicant)
        services.declare(actor=evaluator, plan=plan, date=day(2026, 5, 5), no_conflict=True)
        services.evaluate(actor=evaluator, plan=plan, date=day(2026, 5, 5),
                          scores={c.pk: (score, "") for c in call.criteria.all()})
        rows.append(plan)
    services.award(actor=coordinator, call=call, date=day(2026, 5, 20))
    family, association_plan, _third = (Plan.objects.get(pk=p.pk) for p in rows)
    (tranche,) = services.plan_tranches(actor=coordinator, plan=family, tranches=[
        ("8000", "Fitotoldo levantado", day(2026, 6, 1))])
    services.release(actor=coordinator, tranche=tranche, date=day(2026, 6, 2))
    return family, association_plan


@pytest.fixture
def scheme(coordinator, technician, places):
    """A community's agreement in force (120 ha) and a family's that has ended (5 ha); both verified in
    2025 with some compliance; the community paid within the 30 days, the family 70 days after."""
    shed = Watershed.objects.create(kind="cuenca", code="MAP", name="Mapacho", path="MAP/")
    shed.communities.add(places["tinki"], places["pacchanta"])
    scheme = pes.create_scheme(actor=coordinator, code="mapacho-agua", name="Agua del Mapacho", service="water",
                               watershed=shed, territory=places["ocongate"])
    utility = Organisation.objects.create(name="EPS Ocongate", kind="water_utility", territory=places["ocongate"])
    pes.contribute(actor=coordinator, scheme=scheme, date=day(2025, 2, 1), amount="20000",
                   contributor=pes.add_contributor(actor=coordinator, scheme=scheme, organisation=utility,
                                                   yearly_amount="20000"))
    community = Organisation.objects.create(name="Comunidad de Tinki", kind="community_government",
                                            territory=places["tinki"])
    parties = [({"organisation": community}, "120", day(2030, 12, 31), day(2025, 11, 20), "partial", day(2025, 12, 5)),
               ({"household": register(technician, places["pacchanta"], name="C")}, "5", day(2025, 12, 31),
                day(2025, 11, 21), "full", day(2026, 1, 30))]
    for party, hectares, ends_on, verified_on, grade, paid_on in parties:
        deal = pes.sign_agreement(actor=coordinator, scheme=scheme, signed_on=day(2024, 12, 10),
                                  starts_on=day(2025, 1, 1), ends_on=ends_on, area=INSIDE, hectares=hectares,
                                  commitments=[("protect", "Bofedal cercado", hectares, "ha", "4000")], **party)
        (commitment,) = deal.commitments.all()
        verification = pes.verify(actor=technician, agreement=deal, period=2025, date=verified_on, grades={
            commitment.pk: (grade, 50 if grade == "partial" else None, "")})
        payment = pes.approve(actor=coordinator, verification=verification, date=verified_on)
        pes.pay(actor=coordinator, payment=payment, date=paid_on)
    return scheme


def test_business_plans_by_applicant_type_and_sex(plans, technician, places, indicators):
    family, association_plan = plans
    services.record_visit(actor=technician, plan=family, date=day(2026, 8, 3), progress="on_track", income="4000",
                          jobs=3)
    services.record_visit(actor=technician, plan=family, date=day(2026, 11, 3), progress="on_track", jobs=4)
    services.record_visit(actor=technician, plan=association_plan, date=day(2026, 9, 1), progress="delayed", jobs=6)
    engine.refresh()
    ocongate = places["ocongate"]
    assert value("plans-submitted", ocongate, "Y2026") == 3
    assert value("plans-submitted", ocongate, "S2025") == 3  # April is in the 2025-26 season
    assert value("plans-submitted", ocongate, "Y2026", "actor:family") == 2
    assert value("plans-submitted", ocongate, "Y2026", "actor:association") == 1
    assert value("plans-submitted", ocongate, "Y2026", "sex:F") == 2  # the association has no head of family
    assert value("plans-awarded", ocongate, "Y2026") == 2
    assert value("plans-awarded", ocongate, "Y2026", "actor:family") == 1
    assert value("plans-implemented", ocongate, "Y2026") == 1
    assert value("plans-implemented", ocongate, "Y2026", "actor:association") == 0
    assert value("plans-submitted", places["tinki"], "S2025") == 2
    # the results seen at each plan's latest visit that recorded them
    assert value("plan-jobs", ocongate) == 10 and value("plan-jobs", ocongate, "", "actor:family") == 4
    assert value("plan-income", ocongate) == 4000


def test_pes_hectares_payments_to_communities_and_on_time(scheme, places, indicators):
    engine.refresh()
    ocongate = places["ocongate"]
    assert value("pes-hectares", ocongate) == 120  # the family's agreement has ended
    assert value("pes-hectares", ocongate, "", "actor:community") == 120
    assert value("pes-hectares-verified", ocongate, "Y2025") == 125
    assert value("pes-hectares-verified", ocongate, "Y2025", "actor:family") == 5
    assert value("pes-paid-communities", ocongate, "Y2025") == D("2000")  # 50 % of 4,000
    assert value("pes-paid-on-time", ocongate, "Y2025") == 50  # the family was paid late
    assert value("pes-paid-on-time", ocongate, "Y2025", "actor:community") == 100
    # and in the watershed's tree
    assert Value.objects.get(indicator__code="pes-hectares", watershed__code="MAP", breakdown="").value == 120


def test_a_change_moves_the_incentive_figures_without_a_full_refresh(
        plans, coordinator, technician, places, indicators, settings, django_capture_on_commit_callbacks):
    engine.refresh()
    settings.ANALYTICS_FOLLOW_CHANGES = True
    family, association_plan = plans
    calls = []
    original = engine.refresh
    try:
        engine.refresh = lambda *args, **kwargs: calls.append(kwargs) or original(*args, **kwargs)
        with django_capture_on_commit_callbacks(execute=True):
            (tranche,) = services.plan_tranches(actor=coordinator, plan=association_plan, tranches=[
                ("8000", "Galpón listo", day(2026, 6, 1))])
            services.release(actor=coordinator, tranche=tranche, date=day(2026, 6, 3))
    finally:
        engine.refresh = original
    assert calls and all(call.get("reload") is False for call in calls)  # the incentives only
    assert value("plans-implemented", places["ocongate"], "Y2026") == 2
    assert set(Value.objects.filter(indicator__code="beneficiaries").values_list("households", flat=True))


def test_unknown_incentive_conditions_are_refused(indicators):
    from django.core.exceptions import ValidationError

    bad = Indicator(code="x", kind="count", source="plans", spec={"status": "won"})
    with pytest.raises(ValidationError, match="submitted"):
        engine.check_definition(bad)
    bad = Indicator(code="y", kind="sum", source="verifications", spec={"measure": "litres"})
    with pytest.raises(ValidationError, match="hectares, due, paid"):
        engine.check_definition(bad)
