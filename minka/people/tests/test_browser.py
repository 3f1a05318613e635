"""A field technician's day in a real browser (Debian's Chromium driven by Playwright)."""

import os
import shutil

import pytest

from minka.conftest import PASSWORD, build_territory, ensure_value_chains, make_user

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="make test installs Debian's chromium")


def overflowing(page, width=360):
    """Elements that stick out of a phone screen (an empty list when the page fits). Inside a map or
    a container that scrolls sideways by design (the main menu) nothing can push the page wider."""
    return page.evaluate("""(width) => Array.from(document.querySelectorAll('body *'))
        .filter(e => !e.parentElement.closest('.leaflet-container, [data-scrolls]')
                     && e.getBoundingClientRect().right > width + 1)
        .map(e => e.tagName + '.' + e.className + ': ' + e.textContent.slice(0, 40))""", width)


def sign_in(page, live_server, username, landing="**/territorio/081210/"):
    """Sign in through the login page, as a person does, and wait for the landing page."""
    page.goto(live_server.url + "/cuenta/ingresar/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(landing)


@pytest.fixture
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test itself
    # are safe here because the live server answers in its own thread.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.mark.django_db(transaction=True)
def test_technician_registers_a_family_on_a_phone_and_finds_its_history(live_server, browser, settings):
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    ensure_value_chains()
    places = build_territory()
    make_user("tecnico", "technician", places["ocongate"])
    page = browser.new_page(viewport={"width": 360, "height": 740})
    sizes = {}
    page.on("requestfinished", lambda request: sizes.__setitem__(request.url, request.sizes()["responseBodySize"]))
    page.goto(live_server.url + "/")
    page.fill("#id_username", "tecnico")
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")

    # Home is the technician's district: Ocongate on its map, with its communities.
    page.wait_for_url("**/territorio/081210/")
    assert page.locator("h1").inner_text() == "Ocongate"
    page.wait_for_selector("#map[data-loaded='2']")  # the district and Tinki (the other community has no point)
    assert page.locator("#map path.leaflet-interactive").count() >= 1
    page.wait_for_load_state("networkidle")
    territory_page = {url: size for url, size in sizes.items() if "/cuenta/" not in url}
    assert sum(territory_page.values()) < 300_000, territory_page  # a slow rural link: under 300 KB, no CDN
    assert all(url.startswith(live_server.url) for url in territory_page)
    assert overflowing(page) == []  # no sideways scrolling on a phone (the map's tiles are clipped)

    page.click("text=Tinki")
    page.click("text=Registrar familia")
    page.fill("#id_name", "Familia Huillca Sutta")
    page.check("text=Cuy")
    page.fill("#id_members-0-given_names", "Martina")
    page.fill("#id_members-0-surnames", "Huillca Sutta")
    page.select_option("#id_members-0-sex", "F")
    page.fill("#id_members-0-birth_year", "1987")
    page.fill("#id_members-0-dni", "4123")  # a wrong DNI first: the page says why and keeps the input
    page.fill("#id_members-1-given_names", "Valentín")
    page.fill("#id_members-1-surnames", "Ccama Puma")
    page.select_option("#id_members-1-sex", "M")
    page.select_option("#id_members-1-role", "spouse")
    page.check("#id_consent-given")
    page.click("button:has-text('Guardar')")
    assert "8 dígitos" in page.content()
    page.fill("#id_members-0-dni", "41234567")
    page.click("button:has-text('Guardar')")
    page.wait_for_selector("text=Familia registrada")

    page.click("nav.mainnav >> text=Familias")
    page.fill("input[type=search]", "Huillca")
    page.wait_for_selector("#results >> text=1 familia")
    page.click("#results >> text=Familia Huillca Sutta")
    page.wait_for_url("**/familias/*/")
    page.wait_for_load_state("load")  # stylesheets applied before measuring widths
    members = page.locator("#members").inner_text()
    assert "Martina Huillca Sutta" in members and "Valentín Ccama Puma" in members
    history = page.locator("#history").inner_text()
    assert "tecnico" in history and "creó" in history and "Familia Huillca Sutta" in history
    assert overflowing(page) == []
