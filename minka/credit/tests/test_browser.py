"""The fund's officer on a phone, in a real browser: the portfolio, a late borrower's page, a
payment and its receipt; nothing sticks out of a 360 px screen."""

import pytest

from minka.credit.models import Repayment
from minka.people.tests.test_browser import CHROMIUM, browser, overflowing, sign_in  # noqa: F401 (fixture)

from .conftest import today

pytestmark = pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM),
                                reason="make test installs Debian's chromium")


@pytest.mark.django_db(transaction=True)
def test_the_officer_takes_a_payment_on_a_phone(live_server, browser, settings, fund, portfolio):
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    late = portfolio["late"]
    page = browser.new_page(viewport={"width": 360, "height": 740})
    sign_in(page, live_server, fund.officer.username, landing="**/territorio/**")
    page.click("nav.mainnav >> text=Crédito")
    page.wait_for_url("**/credito/")
    assert "Cartera de crédito" in page.locator("h1").inner_text()
    assert page.locator("#portfolio-stats").inner_text().count("%") >= 3  # PAR30, PAR90, repayment rate
    assert overflowing(page) == []

    page.click("nav.tabs >> text=Préstamos")
    page.check("#id_late")  # only the late ones: the list follows without a reload
    page.wait_for_url("**late=on**")
    page.wait_for_function("document.querySelectorAll('#loans tbody tr').length === 1")
    assert late.number in page.locator("#loans tbody").inner_text()
    page.click(f"#loans >> text={late.number}")
    page.wait_for_url(f"**/credito/prestamos/{late.pk}/")
    assert overflowing(page) == []
    owed = page.input_value("#id_repay-amount")
    page.fill("#id_repay-date", today().isoformat())
    page.click("#repay-form button[type=submit]")
    page.wait_for_selector("text=Pago registrado.")
    repayment = Repayment.objects.get(loan=late)
    assert str(repayment.amount) == owed and repayment.date == today()
    assert page.locator("#days-late").inner_text() == "0"  # no longer late
    page.click("#repayments >> text=N.º 1")
    page.wait_for_selector("#receipt")
    assert "Recibo de pago N.º 1" in page.locator("h1").inner_text()
    assert overflowing(page) == []

    # The committee's queue and an application on a desk.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/credito/solicitudes/?estado=decided")
    assert page.locator("#applications tbody tr").count() == 3
    page.goto(live_server.url + f"/credito/prestamos/{late.pk}/")
    assert page.locator("#schedule tbody tr").count() == 12
    assert late.disbursed_on.strftime("%d/%m/%Y") in page.locator("dl.facts").inner_text()  # as Peru writes dates
