"""The observatory in a real browser: the public pages at phone and desktop width (no figure of
fewer than 5 families, nothing wider than the phone), and a coordinator's dashboard with its map,
light enough for a slow rural link."""

import os

import pytest

from minka.conftest import build_territory, ensure_value_chains, make_user, register
from minka.people.tests.test_browser import CHROMIUM, browser, overflowing, sign_in  # noqa: F401  (fixture)

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="make test installs Debian's chromium")


@pytest.fixture
def observatory(settings):
    from django.apps import apps

    from minka.observatory import catalogue, engine

    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    ensure_value_chains()
    catalogue.load(apps)
    places = build_territory()
    coordinator = make_user("coordinadora", "coordinator", places["cusco"])
    for n in range(8):
        register(coordinator, places["tinki" if n % 2 else "pacchanta"], name=f"Familia {n}")
    for n in range(2):
        register(coordinator, places["ccopi"], name=f"Familia Ccatca {n}")
    engine.refresh()
    return places


def sizes_of(page):
    sizes = {}
    page.on("requestfinished", lambda request: sizes.__setitem__(request.url, request.sizes()["responseBodySize"]))
    return sizes


@pytest.mark.django_db(transaction=True)
def test_the_public_observatory_on_a_phone_and_a_desktop(live_server, browser, observatory, tmp_path):  # noqa: F811
    for width, height in ((360, 740), (1280, 900)):
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(live_server.url + "/publico/0812/")
        card = page.locator("#pub-beneficiaries")
        assert card.locator(".figure b").inner_text() == "10"
        # Ccatca has 2 families: hidden, and Ocongate with it, or 10 − 8 would give it away.
        rows = card.locator("tr").all_inner_texts()
        assert rows and all(text.strip().endswith("—") for text in rows), rows
        assert "Familia" not in page.locator("main").inner_text().replace("Familias", "")
        if width == 360:
            assert overflowing(page) == []
        page.screenshot(path=str(tmp_path / f"public-{width}.png"), full_page=True)
        page.click("text=Ocongate")
        page.wait_for_url("**/publico/081210/")
        assert page.locator("#pub-beneficiaries .figure b").inner_text() == "—"
        page.close()


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_with_its_map_under_300_kb(live_server, browser, observatory, tmp_path):  # noqa: F811
    page = browser.new_page(viewport={"width": 360, "height": 740})
    sign_in(page, live_server, "coordinadora", landing="**/territorio/08/")
    sizes = sizes_of(page)
    page.goto(live_server.url + "/observatorio/0812/?mapa=beneficiaries")
    page.wait_for_selector("#choropleth[data-loaded]")
    assert page.locator("#choropleth").get_attribute("data-loaded") == "2"  # Ocongate and Ccatca, drawn
    assert page.locator("#ind-beneficiaries .figure b").inner_text() == "10"  # signed in: her whole scope
    assert sum(sizes.values()) < 300_000, sizes
    assert overflowing(page) == []
    page.screenshot(path=str(tmp_path / "dashboard-360.png"), full_page=True)
    page.select_option("select[name=periodo]", "year")
    page.click("text=Ver")
    page.wait_for_url("**/observatorio/0812/?periodo=year*")  # the view is in the URL: it can be shared
