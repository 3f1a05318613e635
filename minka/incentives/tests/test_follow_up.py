"""An awarded plan's follow-up: its award split into tranches tied to milestones, each paid once a
visit verified its milestone, in order, never to an abandoned plan; the results seen on the visits."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from minka.accounts.models import Role
from minka.conftest import make_user, register
from minka.incentives import services
from minka.incentives.models import Plan, Tranche, Visit

from .test_calls import GRID

D = Decimal
day = datetime.date


@pytest.fixture
def awarded(coordinator, technician, places):
    call = services.create_call(actor=coordinator, code="c", title="C", territory=places["quispicanchi"],
                                budget="20000", opens_on=day(2026, 3, 1), closes_on=day(2026, 4, 30),
                                applicant_kinds=["family"], evaluators_required=1)
    for group, name, weight in GRID:
        services.add_criterion(actor=coordinator, call=call, group=group, name=name, weight=weight)
    services.publish(actor=coordinator, call=call, date=day(2026, 3, 1))
    plan = services.submit(actor=technician, call=call, date=day(2026, 4, 2), title="Fitotoldo", activity="Hortalizas",
                           investment="10000", cofinancing="2000", requested="8000", environmental_measures="Goteo",
                           household=register(technician, places["tinki"], name="A"))
    evaluator = make_user("evaluador", Role.EVALUATOR, places["quispicanchi"])
    services.declare(actor=evaluator, plan=plan, date=day(2026, 5, 5), no_conflict=True)
    services.evaluate(actor=evaluator, plan=plan, date=day(2026, 5, 5),
                      scores={c.pk: (4, "") for c in call.criteria.all()})
    services.award(actor=coordinator, call=call, date=day(2026, 5, 20))
    return Plan.objects.get(pk=plan.pk)


def test_tranches_paid_as_their_milestones_are_verified(coordinator, technician, awarded):
    with pytest.raises(ValidationError, match="suman S/ 7,000.00; lo adjudicado es S/ 8,000.00"):
        services.plan_tranches(actor=coordinator, plan=awarded, tranches=[
            ("4000", "Firma del convenio", day(2026, 6, 1)), ("3000", "Estructura levantada", day(2026, 8, 1))])
    first, second, third = services.plan_tranches(actor=coordinator, plan=awarded, tranches=[
        ("4000", "Firma del convenio", day(2026, 6, 1)), ("3000", "Estructura levantada", day(2026, 8, 1)),
        ("1000", "Primera cosecha vendida", day(2026, 11, 1))])
    with pytest.raises(ValidationError, match="Primero se desembolsa el tramo 1"):
        services.release(actor=coordinator, tranche=second, date=day(2026, 6, 2))
    services.release(actor=coordinator, tranche=first, date=day(2026, 6, 2))
    # Without a visit that verified the milestone after the first payment, the second waits.
    services.record_visit(actor=technician, plan=awarded, date=day(2026, 7, 10), progress="delayed",
                          notes="Falta el plástico")
    with pytest.raises(ValidationError, match="Estructura levantada"):
        services.release(actor=coordinator, tranche=second, date=day(2026, 7, 11))
    visit = services.record_visit(actor=technician, plan=awarded, date=day(2026, 8, 3), progress="on_track",
                                  milestone_met=True, income="0", jobs=1, measures_in_place=D("50"))
    services.release(actor=coordinator, tranche=second, date=day(2026, 8, 5))
    assert Tranche.objects.get(pk=second.pk).verified_by == visit
    # The same visit does not verify the next milestone too; an abandoned plan gets nothing more.
    with pytest.raises(ValidationError, match="Primera cosecha vendida"):
        services.release(actor=coordinator, tranche=third, date=day(2026, 8, 6))
    services.record_visit(actor=technician, plan=awarded, date=day(2026, 11, 3), progress="abandoned",
                          milestone_met=True)
    with pytest.raises(ValidationError, match="abandonado"):
        services.release(actor=coordinator, tranche=third, date=day(2026, 11, 4))
    assert [t.status for t in Tranche.objects.order_by("number")] == ["released", "released", "pending"]
    assert Visit.objects.filter(plan=awarded).count() == 3


def test_follow_up_is_for_awarded_plans_and_their_people(coordinator, officer, awarded):
    with pytest.raises(ValidationError, match="posterior a la adjudicación"):
        services.record_visit(actor=coordinator, plan=awarded, date=day(2026, 5, 1), progress="on_track")
    with pytest.raises(PermissionDenied):
        services.record_visit(actor=officer, plan=awarded, date=day(2026, 6, 1), progress="on_track")
    with pytest.raises(PermissionDenied):
        services.plan_tranches(actor=officer, plan=awarded, tranches=[("8000", "Todo", day(2026, 6, 1))])
    assert not Visit.objects.exists() and not Tranche.objects.exists()


def test_follow_up_from_the_plans_page(client_for, coordinator, technician, awarded):
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    url = reverse("plan_detail", args=[awarded.call.code, awarded.number])
    organiser = client_for(coordinator)
    bad = organiser.post(url, {"action": "tranches", "lines": "4000 | Firma"})
    assert "Línea 1" in bad.content.decode() and not Tranche.objects.exists()
    organiser.post(url, {"action": "tranches", "lines": "5000 | Firma del convenio | 2026-06-01\n"
                                                         "3000 | Estructura levantada | 2026-08-01"})
    first, second = Tranche.objects.order_by("number")
    organiser.post(url, {"action": "release", "tranche": first.pk})
    refused = organiser.post(url, {"action": "release", "tranche": second.pk})
    assert "Estructura levantada" in refused.content.decode()
    field = Client()
    field.force_login(technician)
    field.post(url, {"action": "visit", "date": timezone.localdate().isoformat(), "progress": "on_track",
                     "milestone_met": "on", "income": "1200", "jobs": "2", "measures_in_place": "75"})
    organiser.post(url, {"action": "release", "tranche": second.pk})
    assert [t.status for t in Tranche.objects.order_by("number")] == ["released", "released"]
    assert "hito cumplido" in organiser.get(url).content.decode()
    assert field.post(url, {"action": "release", "tranche": second.pk}).status_code == 404  # not theirs to pay
