"""A business plan call from its grid to its award: eligibility with its reasons, evaluators who
declare no conflict of interest, scores within the scale, the spread between evaluators, a tie
broken by eco-compatibility, the budget down to its last céntimo; bad input and outsiders change
nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from minka.accounts.models import Role
from minka.conftest import make_user, register
from minka.incentives import services
from minka.incentives.models import Call, Evaluation, Plan, Score
from minka.people.models import Organisation

D = Decimal
day = datetime.date
GRID = [("water", "Cuidado del agua", 15), ("soil", "Conservación del suelo", 15),
        ("biodiversity", "Biodiversidad nativa", 10), ("waste", "Manejo de residuos", 10),
        ("viability", "Viabilidad económica", 25), ("inclusion", "Mujeres y jóvenes", 15),
        ("innovation", "Innovación", 10)]
ECO = {"water", "soil", "biodiversity", "waste"}


@pytest.fixture
def call(coordinator, places):
    call = services.create_call(
        actor=coordinator, code="pn-2026", title="Planes de negocio eco-compatibles 2026",
        territory=places["quispicanchi"], budget="30000", opens_on=day(2026, 3, 1), closes_on=day(2026, 4, 30),
        applicant_kinds=["family", "association"], min_cofinancing=D("20"), max_award=D("12000"))
    for group, name, weight in GRID:
        services.add_criterion(actor=coordinator, call=call, group=group, name=name, weight=weight)
    return services.publish(actor=coordinator, call=call, date=day(2026, 3, 1))


@pytest.fixture
def evaluators(places):
    return [make_user(f"evaluador{n}", Role.EVALUATOR, places["quispicanchi"]) for n in (1, 2, 3)]


def plan(actor, call, applicant, *, investment, cofinancing, date=day(2026, 4, 10), title="Plan"):
    owner = {"organisation": applicant} if isinstance(applicant, Organisation) else {"household": applicant}
    return services.submit(actor=actor, call=call, date=date, title=title, activity="Queso fresco madurado",
                           investment=investment, cofinancing=cofinancing, requested=D(investment) - D(cofinancing),
                           environmental_measures="Suero para los cerdos; biodigestor", **owner)


def scores(call, eco, other):
    return {c.pk: (eco if c.group in ECO else other, "") for c in call.criteria.all()}


def test_grid_must_weigh_100_and_score_eco_compatibility(coordinator, places):
    call = services.create_call(actor=coordinator, code="x", title="X", territory=places["quispicanchi"],
                                budget="1000", opens_on=day(2026, 1, 1), closes_on=day(2026, 2, 1),
                                applicant_kinds=["family"])
    services.add_criterion(actor=coordinator, call=call, group="viability", name="Viabilidad", weight=60)
    with pytest.raises(ValidationError, match="suman 60"):
        services.publish(actor=coordinator, call=call, date=day(2026, 1, 1))
    services.add_criterion(actor=coordinator, call=call, group="innovation", name="Innovación", weight=40)
    with pytest.raises(ValidationError, match="eco-compatibilidad"):
        services.publish(actor=coordinator, call=call, date=day(2026, 1, 1))
    assert Call.objects.get(pk=call.pk).status == Call.Status.DRAFT


@pytest.mark.parametrize("budget, winners, remaining", [
    ("30000", ["P2", "P3", "P1"], D("0.00")),        # the budget exactly covers the first three plans
    ("29999.99", ["P2", "P3", "P6"], D("5199.99")),  # one céntimo short: P1 is passed over, P6 (next) fits
])
def test_a_call_from_publication_to_award(coordinator, technician, officer, call, evaluators, places, budget,
                                          winners, remaining):
    Call.objects.filter(pk=call.pk).update(budget=D(budget))
    call.refresh_from_db()
    tinki, pacchanta, ccopi = places["tinki"], places["pacchanta"], places["ccopi"]
    association = Organisation.objects.create(name="Asociación de Queseros de Ocongate", kind="association",
                                              territory=places["ocongate"])
    community = Organisation.objects.create(name="Comunidad de Tinki", kind="community_government",
                                            territory=tinki)
    plans = {
        "P1": plan(technician, call, register(technician, tinki, name="A"), investment="12500", cofinancing="2500"),
        "P2": plan(technician, call, association, investment="15000", cofinancing="3000"),
        "P3": plan(technician, call, register(technician, pacchanta, name="B"), investment="10000",
                   cofinancing="2000"),
        "P4": plan(technician, call, register(technician, tinki, name="C"), investment="10000", cofinancing="1000"),
        "P5": plan(technician, call, community, investment="6000", cofinancing="2000"),
        "P6": plan(coordinator, call, register(coordinator, ccopi, name="D"), investment="6000", cofinancing="1200"),
        "P7": plan(technician, call, register(technician, pacchanta, name="E"), investment="3000", cofinancing="600"),
    }
    # Eligibility is decided when the plan comes in, with the reasons the applicant reads.
    assert [p.eligible for p in plans.values()] == [True, True, True, False, False, True, True]
    assert plans["P4"].reasons == ["El cofinanciamiento propio es 10.0 % de la inversión; el concurso pide al menos "
                                   "20.00 %."]
    assert "no recibe planes de: Comunidad campesina" in plans["P5"].reasons[0]
    # After the deadline, nothing more comes in; an outsider files nothing.
    with pytest.raises(ValidationError, match="cerró el 30/04/2026"):
        plan(technician, call, register(technician, tinki, name="F"), investment="5000", cofinancing="1000",
             date=day(2026, 5, 1))
    with pytest.raises(PermissionDenied):
        plan(officer, call, register(None, ccopi, name="G"), investment="5000", cofinancing="1000")
    assert Plan.objects.count() == 7

    first, second, third = evaluators
    on = day(2026, 5, 5)
    with pytest.raises(ValidationError, match="cuando cierra el concurso"):
        services.declare(actor=first, plan=plans["P1"], date=day(2026, 4, 20), no_conflict=True)
    for key in ("P1", "P2", "P3", "P6", "P7"):
        for evaluator in (first, second):
            services.declare(actor=evaluator, plan=plans[key], date=on, no_conflict=True)
    # A score outside the scale is refused and nothing of that evaluation is written.
    with pytest.raises(ValidationError, match="entre 0 y 5"):
        services.evaluate(actor=first, plan=plans["P2"], date=on, scores={**scores(call, 4, 4),
                                                                          call.criteria.first().pk: (6, "")})
    assert not Score.objects.exists()
    # A third evaluator has a conflict with the association: declared, and they step aside.
    services.declare(actor=third, plan=plans["P2"], date=on, no_conflict=False, note="Mi hermano es socio")
    with pytest.raises(ValidationError, match="conflicto de interés"):
        services.evaluate(actor=third, plan=plans["P2"], date=on, scores=scores(call, 5, 5))
    # The award waits for every evaluation.
    with pytest.raises(ValidationError, match="Faltan evaluaciones"):
        services.award(actor=coordinator, call=call, date=day(2026, 5, 20))

    for evaluator in (first, second):
        services.evaluate(actor=evaluator, plan=plans["P2"], date=on, scores=scores(call, 4, 4))  # 80
        services.evaluate(actor=evaluator, plan=plans["P1"], date=on, scores=scores(call, 3, 4))  # 70, eco 30
        services.evaluate(actor=evaluator, plan=plans["P3"], date=on, scores=scores(call, 4, 3))  # 70, eco 40
        services.evaluate(actor=evaluator, plan=plans["P7"], date=on, scores=scores(call, 2, 2))  # 40
    services.evaluate(actor=first, plan=plans["P6"], date=on, scores=scores(call, 1, 1))  # 20
    services.evaluate(actor=second, plan=plans["P6"], date=on, scores=scores(call, 5, 5))  # 100
    with pytest.raises(ValidationError, match="ya fue enviada"):
        services.evaluate(actor=first, plan=plans["P6"], date=on, scores=scores(call, 5, 5))

    ranking = services.results(call)
    order = [r.plan.pk for r in ranking.rows]
    assert order == [plans[k].pk for k in ("P2", "P3", "P1", "P6", "P7")]
    rows = {r.plan.pk: r for r in ranking.rows}
    assert rows[plans["P3"].pk].score == rows[plans["P1"].pk].score == D("70.00")
    assert rows[plans["P3"].pk].tie == "empate resuelto por la eco-compatibilidad"
    assert rows[plans["P6"].pk].score == D("60.00") and rows[plans["P6"].pk].spread == D("80.00")
    assert rows[plans["P6"].pk].flagged and not rows[plans["P2"].pk].flagged
    assert Evaluation.objects.get(plan=plans["P6"], evaluator=second).total == D("100.00")

    # More than the budget, or more than a plan asked, is refused; nothing is awarded.
    with pytest.raises(ValidationError, match="superan el presupuesto"):
        services.award(actor=coordinator, call=call, date=day(2026, 5, 20), amounts={
            plans["P2"].pk: "12000", plans["P3"].pk: "8000", plans["P1"].pk: "10000", plans["P6"].pk: "4800"})
    with pytest.raises(ValidationError, match="hasta eso"):
        services.award(actor=coordinator, call=call, date=day(2026, 5, 20), amounts={plans["P3"].pk: "8000.01"})
    assert not Plan.objects.filter(status=Plan.Status.AWARDED).exists()

    done = services.award(actor=coordinator, call=call, date=day(2026, 5, 20))
    awarded = [key for key, p in plans.items() if Plan.objects.get(pk=p.pk).status == Plan.Status.AWARDED]
    assert sorted(awarded) == sorted(winners)
    assert done.remaining == remaining
    assert services.awarded_total(call) == D(budget) - remaining
    assert Plan.objects.get(pk=plans["P7"].pk).status == Plan.Status.NOT_AWARDED  # 40 < 60
    assert "puntaje menor" in next(r.why_not for r in done.rows if r.plan.pk == plans["P7"].pk)
    if "P6" in winners:
        assert Plan.objects.get(pk=plans["P1"].pk).status == Plan.Status.NOT_AWARDED
        assert "no alcanza el presupuesto" in next(r.why_not for r in done.rows if r.plan.pk == plans["P1"].pk)
    else:
        assert Plan.objects.get(pk=plans["P6"].pk).status == Plan.Status.NOT_AWARDED
    assert Plan.objects.get(pk=plans["P2"].pk).rank == 1
    with pytest.raises(ValidationError, match="una vez"):
        services.award(actor=coordinator, call=call, date=day(2026, 5, 21))


def test_evaluators_outside_the_calls_place_and_organisers_do_not_score(coordinator, technician, call, places):
    entry = plan(technician, call, register(technician, places["tinki"], name="A"), investment="5000",
                 cofinancing="1000")
    elsewhere = make_user("evaluadora", Role.EVALUATOR, places["ccatca"])
    with pytest.raises(PermissionDenied):
        services.declare(actor=elsewhere, plan=entry, date=day(2026, 5, 5), no_conflict=True)
    with pytest.raises(PermissionDenied):  # the organiser runs the call; others score it
        services.declare(actor=coordinator, plan=entry, date=day(2026, 5, 5), no_conflict=True)
    assert not Evaluation.objects.exists()
