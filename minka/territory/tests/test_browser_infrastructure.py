"""The inventory's map follows the list's filters without reloading the page."""

import os

import pytest

from minka.conftest import build_territory, ensure_value_chains, make_user
from minka.people.tests.test_browser import CHROMIUM, browser, overflowing, sign_in  # noqa: F401  (fixture)
from minka.territory import infrastructure

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="make test installs chromium")


@pytest.mark.django_db(transaction=True)
def test_the_map_of_works_follows_the_filters(live_server, browser, settings):  # noqa: F811
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    ensure_value_chains()
    places = build_territory()
    officer = make_user("municipal", "municipal", places["ocongate"])
    for community, name, point in [("tinki", "Qocha Tinki", [-71.2, -13.6]),
                                   ("pacchanta", "Canal Pacchanta", [-71.19, -13.61])]:
        infrastructure.save_infrastructure(actor=officer, kind="qocha", name=name, community=places[community],
                                           geometry={"type": "Point", "coordinates": point})
    page = browser.new_page(viewport={"width": 360, "height": 740})
    sign_in(page, live_server, "municipal")
    page.goto(live_server.url + "/infraestructura/")
    page.wait_for_selector("#map[data-loaded='2']")
    page.select_option("#id_place", "081210-C02")
    page.wait_for_selector("#map[data-loaded='1']")
    assert "Canal Pacchanta" in page.locator("#results").inner_text()
    assert "Qocha Tinki" not in page.locator("#results").inner_text()
    assert "place=081210-C02" in page.url
    assert overflowing(page) == []
