"""Web entry in a real browser: ODK Web Forms, built from npm by the Makefile, fills a Minka form
in Chromium and sends it to /submission with the session and its CSRF token."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from minka.collect import services
from minka.collect.models import Submission
from minka.collect.tests.xlsforms import xlsform
from minka.conftest import build_territory, ensure_value_chains, make_user
from minka.people.tests.test_browser import CHROMIUM, browser, sign_in  # noqa: F401  (fixture)

BUNDLE = Path(settings.BASE_DIR) / "build" / "static" / "collect" / "webform.js"
pytestmark = pytest.mark.skipif(not (os.path.exists(CHROMIUM) and BUNDLE.exists()),
                                reason="make test installs chromium and builds the bundle")

SURVEY = [["text", "observer", "Nombre de quien observa", "Qhawaqpa sutin", "yes"],
          ["integer", "cows", "Vacas en producción", "Lichiyuq wakakuna", "yes"],
          ["decimal", "litres", "Litros por día", "Sapa p'unchay litro", ""]]


@pytest.mark.django_db(transaction=True)
def test_a_form_is_filled_and_sent_from_the_browser(live_server, browser, settings, tmp_path):  # noqa: F811
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    ensure_value_chains()
    places = build_territory()
    make_user("tecnico", "technician", places["ocongate"])
    coordinator = make_user("coordinadora", "coordinator", places["cusco"])
    services.publish_xlsform(actor=coordinator, data=xlsform(form_id="conteo", title="Conteo de vacas",
                                                             survey=SURVEY), filename="conteo.xlsx",
                             territory=places["ocongate"])
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    errors = []
    page.on("console", lambda m: errors.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))
    page.on("response", lambda r: errors.append(f"{r.status}: {r.url}") if r.status >= 400 else None)
    sign_in(page, live_server, "tecnico")
    page.goto(live_server.url + "/recoleccion/conteo/llenar/")
    try:
        page.wait_for_selector("#webform[data-ready='1']", timeout=30000)
    except Exception:
        raise AssertionError(errors)
    page.get_by_label("Nombre de quien observa").fill("Juana Quispe")
    numbers = page.get_by_role("spinbutton")  # PrimeVue number inputs: typed key by key, as a person does
    numbers.nth(0).press_sequentially("4")
    numbers.nth(1).press_sequentially("12.5")
    page.get_by_role("button", name="Send").click()
    page.wait_for_selector("#webform[data-sent]", timeout=30000)
    page.screenshot(path=str(tmp_path / "web-entry.png"), full_page=True)
    assert page.get_attribute("#webform", "data-sent") == "201", page.inner_text("#webform-status")
    submission = Submission.objects.get()
    assert submission.status == "processed" and submission.submitted_by.username == "tecnico"
    assert submission.data["observer"] == "Juana Quispe" and submission.data["cows"] == "4"
