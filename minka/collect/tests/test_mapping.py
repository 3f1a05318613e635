"""Submissions become Minka records through the form's mapping, with the domain's own rules."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from minka.chains.models import IncomeSurvey, PracticeAssessment, Record, Visit
from minka.collect import services
from minka.collect.models import Form, Submission
from minka.collect.standard_forms import publish_standard_forms, standard_forms
from minka.collect.tests.test_openrosa import basic, post
from minka.people.models import Household

TODAY = datetime.date.today().isoformat()


def xml(form_id, body, instance_id="uuid:00000000-0000-4000-8000-0000000000a1", deprecated=""):
    meta = f"<instanceID>{instance_id}</instanceID>" + (f"<deprecatedID>{deprecated}</deprecatedID>" if deprecated
                                                        else "")
    return (f'<data id="{form_id}" version="2026010101">{body}<meta>{meta}</meta></data>').encode()


@pytest.fixture
def standard(coordinator, places):
    return {f.form_id: f for f in publish_standard_forms(actor=coordinator, territory=places["ocongate"])}


def test_the_shipped_forms_convert_and_carry_spanish_and_quechua(standard):
    assert set(standard) == set(standard_forms())
    for form in standard.values():
        assert "Runasimi (quz)" in form.current.xml and "Español (es)" in form.current.xml
        assert form.target
    assert {m.filename for m in standard["minka_leche"].media.all()} == {"households.csv"}


def test_a_milk_submission_becomes_a_production_record_once(client, technician, ocongate_family, standard):
    body = (f"<household>{ocongate_family.code}</household><date>{TODAY}</date><litres_day>11.5</litres_day>"
            "<litres_month>345</litres_month><cows>3</cows><notes/>")
    assert post(client, basic(technician), xml("minka_leche", body)).status_code == 201
    assert post(client, basic(technician), xml("minka_leche", body)).status_code == 201  # a resend
    record = Record.objects.get()
    assert record.source == "collect" and record.recorded_by == technician
    assert {v.measure.code: v.number for v in record.values.all()}["milk-litres-day"] == Decimal("11.5")
    submission = Submission.objects.get()
    assert submission.record_ref == f"chains.record:{record.pk}"
    # An edit on the phone (deprecatedID) corrects the same record instead of adding one.
    edited = xml("minka_leche", body.replace("11.5", "12"), instance_id="uuid:00000000-0000-4000-8000-0000000000a2",
                 deprecated="uuid:00000000-0000-4000-8000-0000000000a1")
    assert post(client, basic(technician), edited).status_code == 201
    assert Record.objects.count() == 1
    assert {v.measure.code: v.number for v in Record.objects.get().values.all()}["milk-litres-day"] == Decimal("12")


def test_quality_visit_practices_income_and_a_new_family(client, technician, ocongate_family, standard):
    code = ocongate_family.code
    sends = [
        ("minka_calidad_leche", f"<household>{code}</household><date>{TODAY}</date><fat>2.9</fat><solids/>"
                                "<density/><acidity/><antibiotics>false</antibiotics><tram>1</tram><photo/><notes/>"),
        ("minka_visita", f"<household>{code}</household><date>{TODAY}</date><chain>milk</chain>"
                         "<topics>animal-health feeding</topics><findings/><recommendations>Desparasitar"
                         "</recommendations><follow_up/><location>-13.6 -71.2 3900 5</location>"),
        ("minka_practicas", f"<household>{code}</household><date>{TODAY}</date><practices>compost biol waste"
                            "</practices><compost>250</compost><biol/><humus/><notes/>"),
        ("minka_ingresos", f"<household>{code}</household><season>2024-25</season><round>baseline</round>"
                           "<date>2025-08-10</date><lines><source>milk</source><income>4200.50</income><costs>900"
                           "</costs></lines><lines><source>off-farm</source><income>800</income><costs/></lines>"),
        ("minka_familia", "<community>081210-C02</community><name>Familia Ccama Sallo</name><chains>guinea-pig"
                          "</chains><phone/><members><given_names>Rosa</given_names><surnames>Ccama Sallo</surnames>"
                          "<sex>F</sex><birth_year>1990</birth_year><role>head</role><dni/><language>quz</language>"
                          "</members><members><given_names>Elvis</given_names><surnames>Turpo Ccama</surnames>"
                          "<sex>M</sex><birth_year>2012</birth_year><role>child</role><dni/><language>quz-es"
                          "</language></members>"),
    ]
    for n, (form_id, body) in enumerate(sends):
        response = post(client, basic(technician), xml(form_id, body, f"uuid:00000000-0000-4000-8000-00000000010{n}"))
        assert response.status_code == 201, form_id
    assert not Submission.objects.filter(status="failed").exists(), Submission.objects.values_list("error")
    quality = Record.objects.get(purpose="quality")
    assert quality.passed is False  # fat below 3.2 %
    visit = Visit.objects.get()
    assert {t.code for t in visit.topics.all()} == {"animal-health", "feeding"} and visit.technician == technician
    assert PracticeAssessment.objects.get().stage == "transition"
    assert IncomeSurvey.objects.get().lines.get(source__code="milk").income == Decimal("4200.50")
    family = Household.objects.get(name="Familia Ccama Sallo")
    assert [m.given_names for m in family.members.order_by("pk")] == ["Rosa", "Elvis"]
    assert family.head.given_names == "Rosa"


def test_a_submission_the_records_refuse_is_kept_with_the_reason(client, technician, ccatca_family, standard):
    body = (f"<household>{ccatca_family.code}</household><date>{TODAY}</date><litres_day>5</litres_day>"
            "<litres_month/><cows>1</cows><notes/>")
    assert post(client, basic(technician), xml("minka_leche", body)).status_code == 201  # kept, not lost
    submission = Submission.objects.get()
    assert submission.status == "failed" and "fuera de su ámbito" in submission.error
    assert not Record.objects.exists()


def test_records_wait_for_approval_when_the_form_says_so(client, technician, coordinator, ocongate_family, standard):
    form = standard["minka_leche"]
    services.set_mapping(actor=coordinator, form=form, target=form.target, mapping=form.mapping,
                         requires_approval=True)
    body = (f"<household>{ocongate_family.code}</household><date>{TODAY}</date><litres_day>9</litres_day>"
            "<litres_month/><cows>2</cows><notes/>")
    post(client, basic(technician), xml("minka_leche", body))
    assert not Record.objects.exists()
    services.review_submission(actor=coordinator, submission=Submission.objects.get(), decision="approved")
    assert Record.objects.count() == 1


def test_a_mapping_to_fields_the_form_does_not_have_is_refused(coordinator, standard):
    form = standard["minka_leche"]
    with pytest.raises(ValidationError) as refused:
        services.set_mapping(actor=coordinator, form=form, target="production",
                             mapping={"household": "household", "date": "fecha", "chain": "=milk"})
    assert "fecha" in str(refused.value)
    with pytest.raises(ValidationError, match="Falta el campo obligatorio"):
        services.set_mapping(actor=coordinator, form=form, target="visit", mapping={"date": "date"})
    assert Form.objects.get(pk=form.pk).mapping["date"] == "date"


def test_exports_have_repeats_as_sheets_labels_in_quechua_and_geopoints(client, client_for, technician, coordinator,
                                                                        officer, standard):
    from io import BytesIO

    from django.urls import reverse
    from openpyxl import load_workbook

    body = ("<community>081210-C02</community><name>Familia Ccama Sallo</name><chains/><phone/>"
            "<members><given_names>Rosa</given_names><surnames>Ccama</surnames><sex>F</sex><birth_year/><role>head"
            "</role><dni/><language/></members><members><given_names>Elvis</given_names><surnames>Turpo</surnames>"
            "<sex>M</sex><birth_year/><role>child</role><dni/><language/></members>")
    post(client, basic(technician), xml("minka_familia", body))
    visit = (f"<household>F-NOPE00</household><date>{TODAY}</date><chain/><topics/><findings/><recommendations/>"
             "<follow_up/><location>-13.6 -71.2 3900 5</location>")
    post(client, basic(technician), xml("minka_visita", visit, "uuid:00000000-0000-4000-8000-0000000000b1"))
    manager = client_for(coordinator)
    workbook = load_workbook(BytesIO(manager.get(reverse("collect_export", args=["minka_familia", "xlsx"]),
                                                 {"lang": "Runasimi (quz)"}).content))
    assert workbook.sheetnames == ["minka_familia", "members"]
    main, members = list(workbook["minka_familia"].values), list(workbook["members"].values)
    assert "Ayllup sutin" in main[0] and main[1][main[0].index("Ayllup sutin")] == "Familia Ccama Sallo"
    assert members[0][:3] == ("PARENT_KEY", "index", "Sutikuna") and [r[2] for r in members[1:]] == ["Rosa", "Elvis"]
    sex = members[0].index("Warmi/qhari")
    assert [r[sex] for r in members[1:]] == ["Warmi", "Qhari"]  # the answers' choices named in Quechua too
    assert members[1][0] == main[1][0]
    csv_text = manager.get(reverse("collect_export", args=["minka_familia", "csv"])).content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("KEY,submitted_by")
    points = manager.get(reverse("collect_export", args=["minka_visita", "geojson"])).json()
    assert points["features"][0]["geometry"]["coordinates"] == [-71.2, -13.6]
    assert client_for(officer).get(reverse("collect_export", args=["minka_familia", "csv"])).status_code == 404


def test_a_reviewer_fixes_a_wrong_family_code_and_the_record_is_made(client, client_for, technician, coordinator,
                                                                      ocongate_family, standard):
    from django.urls import reverse

    body = (f"<household>F-TYPO99</household><date>{TODAY}</date><litres_day>7</litres_day>"
            "<litres_month/><cows>2</cows><notes/>")
    post(client, basic(technician), xml("minka_leche", body))
    submission = Submission.objects.get()
    assert submission.status == "failed" and "F-TYPO99" in submission.error and not Record.objects.exists()
    manager = client_for(coordinator)
    response = manager.get(reverse("collect_submission", args=[submission.pk]))
    assert 'id="edit-answers"' in response.content.decode()
    editing = response.context["editing"]  # what the browser sends back: every answer, one of them changed
    sent = {name: field.initial for name, field in editing.fields.items()}
    sent[next(name for name, field in editing.fields.items() if field.initial == "F-TYPO99")] = ocongate_family.code
    manager.post(reverse("collect_submission", args=[submission.pk]), {"edit": "1", **sent})
    submission.refresh_from_db()
    assert submission.status == "processed" and submission.record_ref
    assert Record.objects.get().household == ocongate_family
    assert submission.community == ocongate_family.community
    assert submission.history.filter(data__household="F-TYPO99").exists() or submission.history.count() >= 1
    filtered = manager.get(reverse("collect_submissions", args=["minka_leche"]), {"community": "081210-C01"})
    assert "tecnica" in filtered.content.decode()


def test_attendance_of_a_training_is_sent_from_a_phone(client, technician, ocongate_family, standard, places):
    from minka.learning import services as learning
    from minka.learning.models import Participant

    training = learning.record_training(actor=technician, title="Taller de biol", kind="workshop",
                                        start_date=datetime.date.today(), end_date=datetime.date.today(),
                                        place=places["tinki"])
    csv_text = client.get("/xformsMedia/minka_asistencia/trainings.csv", **basic(technician)).content.decode()
    assert f"{training.pk}," in csv_text and "Taller de biol" in csv_text
    body = (f"<training>{training.pk}</training>"
            f"<participants><household>{ocongate_family.code}</household><name/><sex/><actor>family</actor>"
            "<pre_score>9</pre_score><post_score>15</post_score></participants>"
            "<participants><household/><name>Rubén Quispe</name><sex>M</sex><actor>government</actor><pre_score/>"
            "<post_score/></participants>")
    assert post(client, basic(technician), xml("minka_asistencia", body)).status_code == 201
    assert Submission.objects.get().status == "processed", Submission.objects.get().error
    assert {p.name for p in Participant.objects.all()} == {ocongate_family.head.full_name, "Rubén Quispe"}
