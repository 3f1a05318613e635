"""Open data (XLSX, GeoJSON, IATI 2.03 XML) and the JSON API: the public parts apply the portal's
suppression, the signed-in parts the user's scope."""

import base64
import io
import json

import pytest
from django.urls import reverse
from lxml import etree

from minka.conftest import PASSWORD, register
from minka.observatory import engine, iati
from minka.observatory.models import Target
from minka.observatory.tests.test_engine import ensure_indicators  # noqa: F401  (fixture)
from minka.observatory.tests.test_incremental import watershed  # noqa: F401  (fixture)


@pytest.fixture
def district(technician, coordinator, places, ensure_indicators, watershed):  # noqa: F811
    """Ocongate 10 families (7 women heads, 3 men), Ccatca 3: Ccatca and its sibling are suppressed."""
    women = [{"given_names": "Juana", "surnames": "Q", "sex": "F", "role": "head", "birth_year": 1980}]
    men = [{"given_names": "Lucio", "surnames": "H", "sex": "M", "role": "head", "birth_year": 1978}]
    for n in range(10):
        register(technician, places["tinki"], name=f"Familia Ocongate {n}", members=women if n < 7 else men)
    for n in range(3):
        register(coordinator, places["ccopi"], name=f"Familia Ccatca {n}")
    engine.refresh()


def rows_of(content):
    """The sheet's rows with their cells as typed in the file (numbers stay numbers)."""
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    header, *rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(header, row)) for row in rows]


def test_xlsx_and_geojson_hide_what_the_page_hides(client, district):
    response = client.get(reverse("public_data_xlsx", args=["0812"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = [r for r in rows_of(response.content) if r["indicator"] == "beneficiaries"]
    by_place = {(r["territory_code"], r["breakdown"] or ""): r for r in rows}
    assert by_place[("0812", "")]["value"] == 13 and by_place[("0812", "")]["status"] == "published"
    assert by_place[("081205", "")]["value"] is None and by_place[("081205", "")]["status"] == "suppressed"
    assert by_place[("081210", "")]["value"] is None  # the sibling that would give Ccatca away
    geo = json.loads(client.get(reverse("public_geojson", args=["0812"])).content)
    features = {f["properties"]["code"]: f["properties"] for f in geo["features"]}
    assert set(features) == {"081210", "081205"}  # the districts with a polygon, no community, no person
    assert features["081205"]["beneficiaries"] is None and features["081210"]["beneficiaries"] is None
    assert "Familia Ocongate" not in json.dumps(geo)


def test_the_iati_file_is_valid_and_public_safe(client, district, places):
    Target.objects.create(indicator_id=_pk("milk-producers"), territory=places["quispicanchi"], target=490)
    xml = client.get(reverse("public_iati")).content
    assert iati.errors(xml) == []
    tree = etree.fromstring(xml)
    dausangate = tree.xpath("//iati-activity[iati-identifier='XX-MINKA-DEMO-DAUSANGATE']")[0]
    milk = dausangate.xpath(".//indicator[title/narrative='Familias productoras de leche']")[0]
    assert milk.xpath("period/target/@value") == ["490"] and milk.xpath("period/actual[not(dimension)]/@value") == [
        "13"]
    # 10 women heads and 3 men: 3 is fewer than 5, so neither split by sex is published.
    assert milk.xpath("period/actual/dimension") == []
    assert b"Familia Ocongate" not in xml and b"Juana" not in xml
    # The province's figures: Ccatca's 3 families appear only inside the total of 13.
    assert not tree.xpath("//actual[@value='3']")
    # Bad schema input is reported, not silently accepted.
    assert iati.errors(xml.replace(b"<iati-identifier>", b"<iati-identifier-x>").replace(
        b"</iati-identifier>", b"</iati-identifier-x>"))


def _pk(code):
    from minka.observatory.models import Indicator

    return Indicator.objects.get(code=code).pk


def basic(user):
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()}


def test_the_api_public_subset_needs_no_account_and_suppresses(client, district):
    indicators = client.get("/api/observatory/indicators").json()
    assert {"code": "beneficiaries", "kind": "count"}.items() <= next(
        i for i in indicators if i["code"] == "beneficiaries").items()
    unit = client.get("/api/observatory/public/territories/0812").json()
    cells = {(r["indicator"], r["territory_code"], r["breakdown"]): r["value"] for r in unit["rows"]}
    assert cells[("beneficiaries", "0812", "")] == "13.0000"
    assert cells[("beneficiaries", "081205", "")] is None and cells[("beneficiaries", "081210", "")] is None
    assert client.get("/api/observatory/public/territories/NOPE").status_code == 404
    schema = client.get("/api/openapi.json").json()
    assert "/api/observatory/territories/{code}/values" in schema["paths"]
    assert client.get("/api/docs").status_code == 200


def test_the_api_reads_values_within_the_scope(client, district, technician, officer, coordinator):
    url = "/api/observatory/territories/081210/values"
    assert client.get(url).status_code == 401
    assert client.get(url, **{"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"tecnica:wrong").decode()}
                      ).status_code == 401
    page = client.get(url + "?indicator=beneficiaries&period=", **basic(technician)).json()
    cells = {row["breakdown"]: row for row in page["items"]}
    assert cells[""]["value"] == "10.0000" and cells[""]["households"] == 10  # unsuppressed: her own scope
    assert cells["sex:M"]["value"] == "3.0000"
    assert client.get(url, **basic(officer)).status_code == 404  # Ccatca's officer: not Ocongate
    assert client.get("/api/observatory/territories/0812/values", **basic(technician)).status_code == 404  # above
    client.force_login(technician)  # the session works too
    assert client.get(url + "?indicator=beneficiaries&limit=1").json()["count"] == len(page["items"])
    # The microwatershed holds Tinki (Ocongate) and Ccopi (Ccatca): only a user over both reads it.
    assert client.get("/api/observatory/watersheds/MAP-1/values").status_code == 404
    client.logout()
    rows = client.get("/api/observatory/watersheds/MAP-1/values?indicator=beneficiaries&breakdown=",
                      **basic(coordinator)).json()["items"]
    assert [(r["period"], r["value"]) for r in rows] == [("", "13.0000")]
