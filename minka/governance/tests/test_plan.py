"""The local development plan: objectives, programmes and actions; an action's progress said with what
was done; progress adding up by budget (dropped actions left out); links only to what happens in the
mesa's place; bad input refused."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from minka.governance import planning
from minka.governance.models import Action
from minka.observatory.models import Indicator
from minka.territory.models import Infrastructure

from .test_spaces import mesa  # noqa: F401 (fixture)

day = datetime.date


@pytest.fixture
def plan(technician, mesa):  # noqa: F811
    from django.apps import apps

    from minka.observatory import catalogue

    catalogue.load(apps)  # (the preloaded indicators: a module before may have flushed them)
    plan = planning.create_plan(actor=technician, space=mesa, title="Plan de desarrollo concertado de Ocongate",
                                first_year=2025, last_year=2030, vision="Ocongate agroecológico y con agua.")
    plan.water = planning.add_objective(actor=technician, plan=plan, text="Agua para todas las comunidades",
                                        indicators=[Indicator.objects.get(code="pes-hectares")])
    plan.irrigation = planning.add_programme(actor=technician, objective=plan.water, name="Riego")
    plan.protection = planning.add_programme(actor=technician, objective=plan.water, name="Protección de manantes")
    plan.markets = planning.add_objective(actor=technician, plan=plan, text="Mercados para la producción local")
    return plan


def action(technician, programme, name, budget, responsible, **links):
    return planning.add_action(actor=technician, programme=programme, name=name, responsible=responsible,
                               budget=budget, funding="participatory", starts_on=day(2026, 1, 1),
                               ends_on=day(2026, 12, 31), **links)


def test_progress_adds_up_by_budget(technician, mesa, plan, places):  # noqa: F811
    muni, tinki = mesa.orgs["muni"], mesa.orgs["tinki"]
    canal = Infrastructure.objects.create(code="CAN-1", kind="canal", name="Canal de Tinki", community=places["tinki"])
    a = action(technician, plan.irrigation, "Canal de Tinki", "30000", muni, works=[canal])
    b = action(technician, plan.irrigation, "Reservorio", "10000", muni)
    c = action(technician, plan.irrigation, "Aspersores", "5000", tinki)
    d = action(technician, plan.protection, "Cercos", "0", tinki)
    planning.update_action(actor=technician, action=a, date=day(2026, 6, 1), progress=50, status="in_progress",
                           note="Zanja abierta")
    planning.update_action(actor=technician, action=b, date=day(2026, 7, 1), progress=100, status="done",
                           note="Reservorio entregado")
    planning.update_action(actor=technician, action=c, date=day(2026, 7, 1), progress=10, status="dropped",
                           note="Sin presupuesto")
    planning.update_action(actor=technician, action=d, date=day(2026, 8, 1), progress=20, status="in_progress",
                           note="Faena comunal")
    whole = planning.tree(plan)
    water, markets = whole.children
    irrigation, protection = water.children
    assert irrigation.progress == 62.5 and irrigation.budget == Decimal("40000")  # (30,000×50 + 10,000×100) / 40,000
    assert protection.progress == 20 and protection.budget == 0  # no budget: its actions count alike
    assert water.progress == 62.5 and markets.progress is None and whole.progress == 62.5
    assert list(a.works.all()) == [canal] and list(water.item.indicators.values_list("code", flat=True)) == [
        "pes-hectares"]


def test_bad_input_changes_nothing(technician, officer, mesa, plan, places):  # noqa: F811
    muni = mesa.orgs["muni"]
    with pytest.raises(ValidationError, match="organización responsable"):
        action(technician, plan.irrigation, "Sin responsable", "1000", None)
    with pytest.raises(ValidationError, match="años del plan"):
        planning.add_action(actor=technician, programme=plan.irrigation, name="Tarde", responsible=muni,
                            budget="1000", funding="municipal", starts_on=day(2030, 6, 1), ends_on=day(2031, 6, 1))
    elsewhere = Infrastructure.objects.create(code="CAN-2", kind="canal", name="Canal de Ccopi",
                                              community=places["ccopi"])
    with pytest.raises(ValidationError, match="Fuera del ámbito de la mesa: Canal de Ccopi"):
        action(technician, plan.irrigation, "Canal ajeno", "1000", muni, works=[elsewhere])
    assert not Action.objects.exists()
    real = action(technician, plan.irrigation, "Canal", "1000", muni)
    with pytest.raises(ValidationError, match="100 por ciento"):
        planning.update_action(actor=technician, action=real, date=day(2026, 6, 1), progress=80, status="done",
                               note="Casi")
    with pytest.raises(PermissionDenied):
        planning.update_action(actor=officer, action=real, date=day(2026, 6, 1), progress=80, status="in_progress",
                               note="Desde Ccatca")
    real.refresh_from_db()
    assert (real.progress, real.status, real.updates.count()) == (0, "planned", 0)


def test_the_plan_page_and_its_public_execution(client_for, technician, officer, mesa, places):  # noqa: F811
    from django.urls import reverse

    url = reverse("development_plan", args=[mesa.code])
    client = client_for(technician)
    assert "aún no registró su plan" in client.get(url).content.decode()
    client.post(url, {"action": "plan", "title": "Plan concertado de Ocongate", "first_year": "2025",
                      "last_year": "2030", "vision": "Agua y mercados"})
    client.post(url, {"action": "objective", "text": "Agua para todas las comunidades"})
    objective = mesa.plans.get().objectives.get()
    client.post(url, {"action": "programme", "objective": objective.pk, "name": "Riego"})
    programme = objective.programmes.get()
    from minka.learning.models import Training

    workshop = Training.objects.create(title="Taller de riego", kind="workshop", place=places["tinki"],
                                       start_date=datetime.date(2026, 2, 1), end_date=datetime.date(2026, 2, 1))
    client.post(url, {"action": "add", "programme": programme.pk, "name": "Canal de Tinki",
                      "responsible": mesa.orgs["muni"].pk, "budget": "30000", "funding": "participatory",
                      "starts_on": "2026-01-01", "ends_on": "2026-12-31", "trainings": [workshop.pk]})
    canal = Action.objects.get()
    assert list(canal.trainings.all()) == [workshop]
    page = client.post(url, {"action": "update", "target": canal.pk, "date": "2026-06-01", "progress": "80",
                             "status": "done", "note": "Casi"})
    assert "100 por ciento" in page.content.decode()
    client.post(url, {"action": "update", "target": canal.pk, "date": "2026-06-01", "progress": "40",
                      "status": "in_progress", "note": "Zanja abierta"})
    page = client.get(url).content.decode()
    assert "Canal de Tinki" in page and "40 %" in page and "30,000.00" in page
    public = client_for(officer).get(reverse("space_public", args=[mesa.code])).content.decode()
    assert "Plan concertado de Ocongate" in public and "Canal de Tinki" in public and "40 %" in public
    assert client_for(officer).get(url).status_code == 404
    assert client_for(officer).post(url, {"action": "objective", "text": "Ajeno"}).status_code == 404
