"""The calls' pages: a technician files plans, an evaluator declares and scores on their phone, the
organiser reads the ranking and awards, everyone reads the public results without a family's name;
outsiders get nothing."""

import datetime
import os
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minka.accounts.models import Role
from minka.conftest import make_user, register
from minka.incentives import services
from minka.incentives.models import Call, Evaluation, Plan
from minka.people.tests.test_browser import CHROMIUM, browser, overflowing, sign_in  # noqa: F401 (fixture)

from .test_calls import GRID

D = Decimal


def today():
    return timezone.localdate()


@pytest.fixture
def open_call(coordinator, places):
    call = services.create_call(
        actor=coordinator, code="pn", title="Planes eco-compatibles", territory=places["quispicanchi"],
        budget="20000", opens_on=today() - datetime.timedelta(days=30), closes_on=today() + datetime.timedelta(days=5),
        applicant_kinds=["family", "association"], min_cofinancing=D("20"), evaluators_required=1)
    for group, name, weight in GRID:
        services.add_criterion(actor=coordinator, call=call, group=group, name=name, weight=weight)
    return services.publish(actor=coordinator, call=call, date=today() - datetime.timedelta(days=30))


def close(call):
    Call.objects.filter(pk=call.pk).update(closes_on=today() - datetime.timedelta(days=1))
    call.refresh_from_db()


def file_plan(client, call, household, investment, cofinancing):
    return client.post(reverse("plan_create", args=[call.code]), {
        "household": household.code, "title": f"Fitotoldo {household.pk}", "activity": "Fitotoldo",
        "investment": investment, "cofinancing": cofinancing, "requested": str(D(investment) - D(cofinancing)),
        "expected_income": "3000", "expected_jobs": "2", "women_share": "60",
        "environmental_measures": "Riego por goteo", "risks": "", "date": today().isoformat()})


def test_from_filing_to_public_results(client_for, coordinator, technician, officer, open_call, places):
    client = client_for(technician)
    a = register(technician, places["tinki"], name="Familia Quispe")
    b = register(technician, places["pacchanta"], name="Familia Mamani")
    response = file_plan(client, open_call, a, "10000", "2000")
    first = Plan.objects.get(household=a)
    assert response.url == reverse("plan_detail", args=[open_call.code, first.number]) and first.eligible
    file_plan(client, open_call, b, "10000", "1000")
    second = Plan.objects.get(household=b)
    page = client.get(reverse("plan_detail", args=[open_call.code, second.number]))
    assert "el concurso pide al menos 20.00 %" in page.content.decode()
    close(open_call)  # after the deadline: refused, with the reason, nothing written
    late = file_plan(client, open_call, register(technician, places["tinki"], name="C"), "10000", "2000")
    assert "ya no se reciben planes" in late.content.decode() and Plan.objects.count() == 2
    evaluator = Client()
    evaluator.force_login(make_user("evaluadora", Role.EVALUATOR, places["quispicanchi"]))
    url = reverse("plan_detail", args=[open_call.code, first.number])
    evaluator.post(url, {"action": "declare", "no_conflict": "yes"})
    data = {"action": "score", "comment": "Sólido"}
    for criterion in open_call.criteria.all():
        data[f"score_{criterion.pk}"] = "4"
        data[f"note_{criterion.pk}"] = "bien"
    outside = {**data, f"score_{open_call.criteria.first().pk}": "7"}
    assert "debe estar entre 0 y 5" in evaluator.post(url, outside).content.decode()
    assert not Evaluation.objects.get().submitted_on
    evaluator.post(url, data)
    assert Evaluation.objects.get().total == D("80.00")

    organiser = client_for(coordinator)
    page = organiser.get(reverse("call_detail", args=[open_call.code]))
    assert [r.plan for r in page.context["ranking"].rows] == [first]
    organiser.post(reverse("call_detail", args=[open_call.code]), {"date": today().isoformat()})
    first.refresh_from_db()
    assert first.status == Plan.Status.AWARDED and first.awarded == D("8000.00")

    public = Client().get(reverse("call_public", args=[open_call.code]))
    content = public.content.decode()
    assert public.status_code == 200 and f"Fitotoldo {a.pk}" in content
    assert "Familia Quispe" not in content and "Ocongate" in content  # the district, not the family

    outsider = client_for(officer)
    for name, args in [("call_list", []), ("call_detail", [open_call.code]),
                       ("plan_detail", [open_call.code, first.number]), ("plan_create", [open_call.code])]:
        assert outsider.get(reverse(name, args=args)).status_code == 404, name


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="make test installs Debian's chromium")
@pytest.mark.django_db(transaction=True)
def test_an_evaluator_scores_a_plan_on_a_phone(live_server, browser, settings, coordinator, technician,  # noqa: F811
                                               open_call, places):
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    household = register(technician, places["tinki"], name="Familia Quispe")
    plan = services.submit(actor=technician, call=open_call, date=today(), title="Queso madurado",
                           activity="Queso", investment="10000", cofinancing="2000", requested="8000",
                           environmental_measures="Suero a biodigestor", household=household)
    close(open_call)
    make_user("evaluadora", Role.EVALUATOR, places["quispicanchi"])
    page = browser.new_page(viewport={"width": 360, "height": 740})
    sign_in(page, live_server, "evaluadora", landing="**/")
    page.goto(live_server.url + reverse("call_list"))
    page.click(f"text={open_call.title}")
    page.click("#plans >> text=Queso madurado")
    page.check("input[value=yes]")
    page.click("#declare-form button")
    page.wait_for_selector("#score-form")
    assert overflowing(page) == []
    inputs = page.locator("#score-form input[type=number]")
    assert inputs.count() == len(GRID)
    for index in range(inputs.count()):
        inputs.nth(index).fill("3.5")
    page.click("#score-form button[type=submit]")
    page.wait_for_selector("#my-scores")
    assert "70.00 / 100" in page.locator("#my-scores h2").inner_text()
    assert Evaluation.objects.get(plan=plan).total == D("70.00")
    assert overflowing(page) == []


def test_the_public_portal_links_awarded_calls(client, coordinator, open_call, places):
    from minka.incentives.selectors import public_calls

    assert not public_calls(places["ocongate"]).exists()  # not awarded yet
    Call.objects.filter(pk=open_call.pk).update(status=Call.Status.AWARDED, awarded_on=today())
    assert list(public_calls(places["ocongate"])) == [open_call]  # the province's call, seen from a district
    assert list(public_calls(places["cusco"])) == [open_call]  # and from the region
    district = Call.objects.create(code="oc", title="Ocongate", territory=places["ocongate"], budget=1,
                                   opens_on=today(), closes_on=today(), status=Call.Status.AWARDED)
    assert set(public_calls(places["ocongate"])) == {open_call, district}
    assert list(public_calls(places["ccatca"])) == [open_call]  # a neighbour's call is not theirs


def test_a_plans_documents_until_the_deadline(client_for, settings, tmp_path, coordinator, technician, officer,
                                              open_call, places):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = client_for(technician)
    file_plan(client, open_call, register(technician, places["tinki"], name="Familia Quispe"), "10000", "2000")
    plan = Plan.objects.get()
    url = reverse("plan_detail", args=[open_call.code, plan.number])
    page = client.post(url, {"action": "attach", "label": "Cotización",
                             "file": SimpleUploadedFile("cotizacion.exe", b"MZ")})
    assert "Se adjuntan documentos PDF" in page.content.decode() and not plan.attachments.exists()
    client.post(url, {"action": "attach", "label": "Cotización",
                      "file": SimpleUploadedFile("cotizacion.pdf", b"%PDF-1.4 quote")})
    (attachment,) = plan.attachments.all()
    link = reverse("plan_attachment", args=[open_call.code, plan.number, attachment.pk])
    assert link in client_for(coordinator).get(url).content.decode()
    response = client_for(coordinator).get(link)
    assert b"".join(response.streaming_content) == b"%PDF-1.4 quote"
    assert client_for(officer).get(link).status_code == 404  # outside the call's place
    close(open_call)
    page = client_for(technician).post(url, {"action": "attach", "label": "Otra", "file": SimpleUploadedFile("otra.pdf", b"%PDF")})
    assert "ya no se adjuntan" in page.content.decode()
    assert plan.attachments.count() == 1
