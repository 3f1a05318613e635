"""A technician on a phone records milk for a family and finds it on the family's timeline, with
its small charts; the same page on a desktop. Screenshots are kept in the test's temporary folder."""

import datetime
from decimal import Decimal

import pytest

from minka.chains import services
from minka.chains.models import IncomeSource, Measure, Practice
from minka.conftest import build_territory, ensure_value_chains, make_user, register
from minka.people.models import ValueChain
from minka.people.tests.test_browser import CHROMIUM, browser, overflowing, sign_in  # noqa: F401  (fixture)

pytestmark = pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason="make test installs chromium")


@pytest.mark.django_db(transaction=True)
def test_a_technician_records_milk_on_a_phone_and_sees_the_familys_timeline(live_server, browser, settings,  # noqa: F811
                                                                             tmp_path):
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    ensure_value_chains()
    places = build_territory()
    technician = make_user("tecnico", "technician", places["ocongate"])
    family = register(technician, places["tinki"])
    milk = ValueChain.objects.get(code="milk")
    per_day, fat = Measure.objects.get(code="milk-litres-day"), Measure.objects.get(code="milk-fat")
    today = datetime.date.today()
    for months, litres in [(14, "6"), (10, "7.5"), (6, "8"), (2, "9.5")]:
        services.record_measurements(actor=technician, household=family, purpose="production", chain=milk,
                                     date=today - datetime.timedelta(days=30 * months), values={per_day: litres})
    services.record_measurements(actor=technician, household=family, purpose="quality", chain=milk,
                                 date=today - datetime.timedelta(days=20), values={fat: "2.9"})
    services.assess_practices(actor=technician, household=family, date=today - datetime.timedelta(days=40),
                              adopted={p: None for p in Practice.objects.filter(code__in=["compost", "biol"])})
    milk_income = IncomeSource.objects.get(code="milk")
    for year, income in [(2022, "3000.00"), (2023, "3600.00")]:
        services.record_income(actor=technician, household=family, season=year, date=datetime.date(year + 1, 8, 20),
                               lines={milk_income: (Decimal(income), Decimal("900.00"))})

    page = browser.new_page(viewport={"width": 360, "height": 740})
    sign_in(page, live_server, "tecnico")
    page.goto(f"{live_server.url}/familias/{family.pk}/")

    # Record today's milk from the family's page, typing a decimal comma as people do.
    page.click("text=Producción o calidad")
    page.select_option("#id_chain", "milk")
    page.click("button:has-text('Continuar')")
    page.fill("#id_m_milk-litres-day", "-3")
    page.click("button:has-text('Guardar')")
    assert "no puede ser negativo" in page.content()
    page.fill("#id_m_milk-litres-day", "10,5")
    page.fill("#id_m_milk-cows", "3")
    page.click("button:has-text('Guardar')")
    page.wait_for_selector("text=Registro guardado")
    assert "10.5 L/día" in page.locator("#values").inner_text()

    page.click(f"text={family.name}")
    page.wait_for_load_state("load")
    story = page.locator("#story")
    timeline = story.locator(".timeline li")
    assert timeline.count() == 9  # 5 milk records, 1 test, 1 assessment, 2 income surveys
    assert "10.5 L/día" in timeline.first.inner_text()
    assert "no aprobado" in story.inner_text() and "En transición" in story.inner_text()
    assert story.locator("svg.spark.line").count() >= 1 and story.locator("svg.spark.bars").count() == 1
    assert overflowing(page) == []
    story.screenshot(path=str(tmp_path / "timeline-360.png"))

    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    page.wait_for_load_state("load")
    assert overflowing(page, 1280) == []
    page.locator("#story").screenshot(path=str(tmp_path / "timeline-1280.png"))
    assert (tmp_path / "timeline-360.png").stat().st_size > 5000
