"""Every page of the field records, for an insider (the Ocongate technician) and an outsider (the
Ccatca officer), with the queries of the lists bounded."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from minka.chains import services
from minka.chains.models import IncomeSource, Measure, Practice, Record, Topic
from minka.learning import services as learning
from minka.people.models import ValueChain
from minka.territory import infrastructure

TODAY = datetime.date.today()


@pytest.fixture
def field_data(technician, ocongate_family, places):
    milk = ValueChain.objects.get(code="milk")
    measures = {m.code: m for m in Measure.objects.all()}
    records = [services.record_measurements(actor=technician, household=ocongate_family, purpose="production",
                                            chain=milk, date=TODAY - datetime.timedelta(days=60 * i),
                                            values={measures["milk-litres-day"]: str(8 + i)}) for i in range(3)]
    quality = services.record_measurements(actor=technician, household=ocongate_family, purpose="quality",
                                           chain=milk, date=TODAY, values={measures["milk-fat"]: "2.8"})
    assessment = services.assess_practices(actor=technician, household=ocongate_family, date=TODAY,
                                           adopted={p: None for p in Practice.objects.all()[:3]})
    visit = services.record_visit(actor=technician, household=ocongate_family, date=TODAY,
                                  topics=Topic.objects.all()[:2], recommendations="Mejorar el ordeño",
                                  follow_up_due=TODAY + datetime.timedelta(days=7))
    milk_income = IncomeSource.objects.get(code="milk")
    surveys = [services.record_income(actor=technician, household=ocongate_family, season=year,
                                      date=datetime.date(year + 1, 8, 15),
                                      lines={milk_income: (Decimal(3000 + 400 * n), Decimal("800.00"))})
               for n, year in enumerate([2022, 2023])]
    training = learning.record_training(actor=technician, title="Pastos mejorados en Tinki", kind="field_school",
                                        start_date=TODAY, end_date=TODAY, place=places["tinki"])
    learning.record_attendance(actor=technician, training=training, participants=[{"person": ocongate_family.head}])
    work = infrastructure.save_infrastructure(actor=technician, kind="qocha", name="Qocha Tinki",
                                              community=places["tinki"])
    return {"record": records[0], "quality": quality, "assessment": assessment, "visit": visit, "survey": surveys[0],
            "training": training, "work": work}


DETAILS = [("record_detail", "record"), ("record_edit", "record"), ("assessment_detail", "assessment"),
           ("assessment_edit", "assessment"), ("visit_detail", "visit"), ("visit_edit", "visit"),
           ("income_detail", "survey"), ("income_edit", "survey"), ("training_detail", "training"),
           ("training_edit", "training"), ("participant_import", "training"),
           ("infrastructure_detail", "work"), ("infrastructure_edit", "work")]
LISTS = ["record_list", "assessment_list", "visit_list", "income_list", "training_list", "infrastructure_list"]
EXPORTS = ["record_export", "assessment_export", "visit_export", "income_export", "training_export",
           "infrastructure_export"]


@pytest.mark.parametrize("name, key", DETAILS)
def test_details_are_404_for_the_outsider(client_for, technician, officer, field_data, name, key):
    url = reverse(name, args=[field_data[key].pk])
    assert client_for(technician).get(url).status_code == 200
    assert client_for(officer).get(url).status_code == 404


@pytest.mark.parametrize("name", LISTS)
def test_lists_show_only_the_scope_in_bounded_queries(client_for, technician, officer, field_data, name,
                                                      django_assert_max_num_queries):
    client = client_for(technician)
    with django_assert_max_num_queries(16):
        page = client.get(reverse(name))
    assert page.status_code == 200 and ("Quispe" in page.content.decode() or "Qocha" in page.content.decode()
                                        or "Pastos mejorados" in page.content.decode())
    outsider = client_for(officer).get(reverse(name)).content.decode()
    assert "Quispe" not in outsider and "Qocha Tinki" not in outsider and "Pastos mejorados" not in outsider
    fragment = client.get(reverse(name), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment


@pytest.mark.parametrize("name", EXPORTS)
def test_exports_hold_only_the_scope(client_for, technician, officer, coordinator, field_data, name):
    for fmt in ("csv", "xlsx"):
        assert client_for(technician).get(reverse(name, args=[fmt])).status_code == 200
    mine = client_for(technician).get(reverse(name, args=["csv"])).content.decode("utf-8-sig")
    theirs = client_for(officer).get(reverse(name, args=["csv"])).content.decode("utf-8-sig")
    assert len(mine.splitlines()) >= 2
    assert len(theirs.splitlines()) == 1  # the header only


def test_a_technician_records_milk_through_the_form(client_for, technician, ocongate_family, places):
    client = client_for(technician)
    start = client.get(reverse("record_create"), {"household": ocongate_family.pk})
    assert ocongate_family.code in start.content.decode()
    url = reverse("record_create") + f"?code={ocongate_family.code}&purpose=quality&chain=milk"
    form = client.get(url).content.decode()
    assert "Grasa" in form and "Antibióticos" in form and "Hongos" not in form
    refused = client.post(url, {"date": TODAY.isoformat(), "m_milk-fat": "90"})
    assert "máximo posible" in refused.content.decode() and not Record.objects.exists()
    saved = client.post(url, {"date": TODAY.isoformat(), "m_milk-fat": "3,4", "m_milk-antibiotics": "false"})
    record = Record.objects.get()
    assert saved.url == reverse("record_detail", args=[record.pk]) and record.passed is True


def test_the_outsider_cannot_record_for_an_ocongate_family(client_for, officer, technician, ocongate_family):
    client = client_for(officer)
    assert client.get(reverse("record_create")).status_code == 404
    assert client.get(reverse("visit_create")).status_code == 404
    assert client.get(reverse("assessment_create"), {"household": ocongate_family.pk}).status_code == 404
    # A technician of Ocongate cannot type a Ccatca family's code either.
    page = client_for(technician).get(reverse("record_create") + "?code=F-ZZZZZZ&purpose=production&chain=milk")
    assert "No hay una familia" in page.content.decode()


def test_the_household_page_tells_the_whole_story(client_for, technician, ocongate_family, field_data):
    page = client_for(technician).get(reverse("household_detail", args=[ocongate_family.pk])).content.decode()
    for text in ["Trayectoria", "Producción · Leche", "no aprobado", "Visita de tecnica", "Pastos mejorados en Tinki",
                 "Ingresos 2023-24", "<svg class=\"spark line\"", "<svg class=\"spark bars\""]:
        assert text in page, text


def test_income_change_page_compares_the_same_families(client_for, technician, field_data):
    page = client_for(technician).get(reverse("income_change"), {"base_season": 2022, "follow_season": 2023})
    text = page.content.decode()
    assert "+18.2 %" in text  # net 2200 → 2600


def test_standards_are_readable_by_all_and_set_by_the_coordination(client_for, technician, coordinator, places):
    assert "≥ 3.2 %" in client_for(technician).get(reverse("standards")).content.decode()
    assert client_for(technician).get(reverse("threshold_edit", args=["milk-fat"])).status_code == 404
    client = client_for(coordinator)
    response = client.post(reverse("threshold_edit", args=["milk-fat"]), {"pass_min": "3.4"})
    assert response.status_code == 302
    assert Measure.objects.get(code="milk-fat").pass_min == Decimal("3.4")
    response = client.post(reverse("rule_edit", args=["transition"]), {"min_practices": "3"})
    assert response.status_code == 302


def test_agenda_lists_the_follow_ups_due(client_for, technician, officer, field_data):
    assert "Mejorar el ordeño" in client_for(technician).get(reverse("agenda")).content.decode()
    assert "Mejorar el ordeño" not in client_for(officer).get(reverse("agenda") + "?todos=1").content.decode()


def test_a_follow_up_is_closed_from_the_agenda_by_someone_in_scope(client_for, technician, officer, field_data):
    visit = field_data["visit"]
    url = reverse("follow_up_done", args=[visit.pk])
    assert client_for(officer).post(url).status_code == 404
    response = client_for(technician).post(url, {"next": "https://evil.example/"})
    assert response.url == reverse("visit_detail", args=[visit.pk])
    visit.refresh_from_db()
    assert visit.follow_up_done_on == TODAY
    assert "Mejorar el ordeño" not in client_for(technician).get(reverse("agenda")).content.decode()


def test_corrections_keep_the_family_and_the_period_and_leave_a_history(client_for, technician, field_data):
    client = client_for(technician)
    survey = field_data["survey"]
    response = client.post(reverse("income_edit", args=[survey.pk]), {
        "season": "2019", "round": "baseline", "date": survey.date.isoformat(), "i_milk": "3100.50", "c_milk": "800",
        "i_off-farm": "1200"})
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.season == 2022 and survey.round == "baseline"  # the season of a survey does not move
    assert {l.source.code: l.income for l in survey.lines.all()} == {"milk": Decimal("3100.50"),
                                                                     "off-farm": Decimal("1200.00")}
    assessment = field_data["assessment"]
    compost = Practice.objects.get(code="compost")
    client.post(reverse("assessment_edit", args=[assessment.pk]), {
        "date": "2001-01-01", "p_compost": "on", "q_compost": "250"})
    assessment.refresh_from_db()
    assert assessment.date == TODAY and [a.practice for a in assessment.adopted.all()] == [compost]
    visit = field_data["visit"]
    client.post(reverse("visit_edit", args=[visit.pk]), {
        "date": TODAY.isoformat(), "recommendations": "Vacunar contra carbunco", "household_code": "F-OTHER1"})
    visit.refresh_from_db()
    assert visit.recommendations == "Vacunar contra carbunco" and visit.follow_up_due is None
    assert visit.history.filter(recommendations="Mejorar el ordeño").exists()  # what was there before


def test_the_story_costs_a_bounded_number_of_queries(client_for, technician, ocongate_family, field_data,
                                                     django_assert_max_num_queries):
    milk = ValueChain.objects.get(code="milk")
    per_day = Measure.objects.get(code="milk-litres-day")
    for days in range(20):  # more records must not mean more queries
        services.record_measurements(actor=technician, household=ocongate_family, purpose="production", chain=milk,
                                     date=TODAY - datetime.timedelta(days=days), values={per_day: "5"})
    client = client_for(technician)
    with django_assert_max_num_queries(40):
        assert client.get(reverse("household_detail", args=[ocongate_family.pk])).status_code == 200


def test_the_practices_page_counts_each_family_once_by_its_latest_stage(client_for, technician, ocongate_family,
                                                                        places):
    biol, compost, waste = Practice.objects.filter(code__in=["compost", "biol", "waste"]).order_by("code")
    services.assess_practices(actor=technician, household=ocongate_family, date=TODAY - datetime.timedelta(days=400),
                              adopted={})
    services.assess_practices(actor=technician, household=ocongate_family, date=TODAY,
                              adopted={compost: Decimal("120"), biol: Decimal("40"), waste: None})
    response = client_for(technician).get(reverse("assessment_list"))
    stages = dict(response.context["stages"])
    assert sum(stages.values()) == 1 and stages["transition"] == 1
    assert sorted(response.context["fertiliser"]) == [("L", Decimal("40")), ("kg", Decimal("120"))]
