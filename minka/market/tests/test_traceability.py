"""A consumer scans the QR code of a branded lot: its public page says where it comes from, in
Spanish, English or Quechua, without a family's name unless the family consented, and without
counts of fewer than 5 families. The manager prints the lot's label sheet."""

import datetime
import os
from decimal import Decimal

import pytest
from django.urls import reverse

from minka.chains.models import PracticeAssessment, Unit
from minka.conftest import register
from minka.market import public, services
from minka.market.models import BrandRule, Lot, Product
from minka.people.models import Consent, Person, ValueChain
from minka.people.tests.test_browser import CHROMIUM, browser, overflowing, sign_in  # noqa: F401  (fixture)


@pytest.fixture
def lot(enterprise, technician, places):
    """A branded cheese lot from six families of Tinki and Pacchanta (four of them headed by women)."""
    cheese = Product.objects.create(code="cheese", name="Queso andino", name_en="Andean cheese",
                                    name_quz="Quesillo", kind="processed", unit=Unit.objects.get(code="kg"),
                                    chain=ValueChain.objects.get(code="dairy"), made_from=enterprise.milk,
                                    max_yield=Decimal("0.14"))
    BrandRule.objects.create(enterprise=enterprise, kind="stage", parameter="transition")
    deliveries = []
    for n in range(6):
        family = register(technician, places["tinki" if n % 2 else "pacchanta"], name=f"Familia Huaman {n}",
                          members=[{"given_names": "Rosa" if n < 4 else "Juan", "surnames": "Huaman",
                                    "sex": "F" if n < 4 else "M", "role": "head", "birth_year": 1980, "dni": "",
                                    "language": "quz"}])
        services.admit_member(actor=enterprise.manager, enterprise=enterprise, household=family,
                              joined_on=datetime.date(2023, 1, 1))
        PracticeAssessment.objects.create(household=family, date=datetime.date(2024, 1, 5), stage="agroecological")
        deliveries.append(services.record_delivery(actor=enterprise.manager, enterprise=enterprise,
                                                   date=datetime.date(2024, 3, 1), centre=enterprise.centre,
                                                   household=family, product=enterprise.milk, quantity="50",
                                                   grade="A"))
    lot = services.make_lot(actor=enterprise.manager, enterprise=enterprise, code="QA-2403-01", product=cheese,
                            made_on=datetime.date(2024, 3, 2), quantity="36", best_before=datetime.date(2024, 4, 2),
                            deliveries=[(d, d.quantity) for d in deliveries])
    assert lot.branded
    return lot


def test_the_public_page_of_a_lot_tells_where_it_comes_from_and_no_more(client, lot):
    url = reverse("lot_public", args=[lot.code])
    page = client.get(url).content.decode()  # no login
    assert "Queso andino" in page and "QA-2403-01" in page and "Tinki" in page and "Pacchanta" in page
    facts = page[page.index('id="lot-facts"'):]
    assert '<dd id="families">6</dd>' in facts and "67 %" in facts  # 4 of 6 heads are women
    assert "Familia Huaman" not in page and "Rosa" not in page  # no names without consent
    assert "<svg" in page  # the communities on a map
    household = Person.objects.filter(given_names="Juan").first().household
    Consent.objects.create(household=household, given_on=datetime.date(2024, 1, 1), scope=Consent.Scope.PUBLIC)
    page = client.get(url).content.decode()
    assert page.count("Familia Huaman") == 1 and household.name in page
    assert "Andean cheese" in client.get(url, {"lang": "en"}).content.decode()
    quechua = client.get(url, {"lang": "quz"}).content.decode()
    assert "Quesillo" in quechua and 'lang="quz"' in quechua
    Lot.objects.filter(pk=lot.pk).update(branded=False)
    assert client.get(url).status_code == 404  # only lots under the brand have a public page


def test_few_families_are_not_counted_in_public(client, lot):
    from minka.market.models import LotInput

    keep = LotInput.objects.filter(lot=lot).order_by("pk")[:2]
    LotInput.objects.filter(lot=lot).exclude(pk__in=[part.pk for part in keep]).delete()
    page = client.get(reverse("lot_public", args=[lot.code])).content.decode()
    assert '<dd id="families">menos de 5</dd>' in page and " %" not in page[page.index('id="lot-facts"'):]


def test_the_manager_prints_the_label_sheet_of_a_lot(client_for, lot, enterprise, officer):
    url = reverse("lot_labels", args=[enterprise.pk, lot.pk])
    response = client_for(enterprise.manager).get(url)
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert len(response.content) > 5000  # twelve labels with their QR code
    assert client_for(officer).get(url).status_code == 404
    qr = public._qr("http://testserver/lote/QA-2403-01/")
    assert qr.startswith("data:image/svg+xml;base64,")


pytestmark_browser = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="make test installs Debian's chromium")


@pytestmark_browser
@pytest.mark.django_db(transaction=True)
def test_in_a_browser_the_manager_prints_labels_and_a_consumer_opens_the_lot_on_a_phone(live_server, browser, lot,
                                                                                      enterprise, settings):
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    from minka.conftest import PASSWORD

    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(live_server.url + "/cuenta/ingresar/")
    page.fill("#id_username", enterprise.manager.username)
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.wait_for_load_state()
    page.goto(live_server.url + reverse("lot_list", args=[enterprise.pk]))
    labels = page.get_attribute("text=etiquetas", "href")
    pdf = page.request.get(live_server.url + labels)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    phone = browser.new_page(viewport={"width": 360, "height": 740})
    phone.goto(live_server.url + reverse("lot_public", args=[lot.code]))
    assert phone.locator("#families").inner_text() == "6"
    assert overflowing(phone) == []
    phone.click("text=Runasimi")
    assert "lang=quz" in phone.url and phone.locator("html").get_attribute("lang") == "quz"
