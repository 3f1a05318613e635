import json

import pytest

from minka.core.tabular import ImportRejected
from minka.territory import services
from minka.territory.geojson import GeometryError, contains, validate_geometry
from minka.territory.models import Territory, Watershed


@pytest.mark.django_db
def test_the_national_list_holds_every_region_province_and_district_once():
    first = services.load_national_territory()
    assert Territory.objects.filter(kind="region").count() == 25
    assert Territory.objects.filter(kind="province").count() == 196
    assert Territory.objects.filter(kind="district").count() == 1892
    assert first["skipped"] == ["SAN ANTONIO (RENIEC 170107)"]
    ocongate = Territory.objects.get(code="081210")
    assert ocongate.name == "Ocongate"
    assert ocongate.alt_code == "071210"  # RENIEC differs from INEI for Cusco; both are kept
    assert ocongate.path == "PE/08/0812/081210/"
    assert [t.name for t in ocongate.ancestors()] == ["Perú", "Cusco", "Quispicanchi"]
    assert Territory.objects.get(code="030108").name == "San Pedro de Cachora"
    second = services.load_national_territory()
    assert second["created"] == 0 and Territory.objects.count() == 1 + 25 + 196 + 1892


@pytest.mark.django_db
def test_district_polygons_attach_to_their_ubigeo():
    services.load_national_territory()
    assert services.load_reference_polygons() == 28
    ocongate = Territory.objects.get(code="081210")
    assert ocongate.geometry["type"] == "Polygon"
    assert contains(ocongate.geometry, -71.28, -13.68)
    assert not contains(ocongate.geometry, -72.9, -13.6)  # Abancay is elsewhere


@pytest.mark.django_db
def test_malformed_polygon_file_changes_nothing(places):
    bad = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "081205", "geometry": {"type": "Polygon", "coordinates": [[[-71, -13], [-71.1, -13]]]}},
        {"type": "Feature", "id": "999999", "geometry": {"type": "Point", "coordinates": [-71, -13]}},
    ]}
    before = Territory.objects.get(code="081205").geometry
    with pytest.raises(ImportRejected) as rejected:
        services.load_district_polygons(data=json.dumps(bad).encode())
    messages = [str(e) for e in rejected.value.errors]
    assert any("4 posiciones" in m for m in messages)
    assert any("999999" in m for m in messages)
    assert Territory.objects.get(code="081205").geometry == before
    with pytest.raises(ImportRejected):
        services.load_district_polygons(data=b'{"type": "FeatureCollection", "features": [')


def test_geometry_checks_name_the_problem():
    with pytest.raises(GeometryError, match="cerrarse"):
        validate_geometry({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]})
    with pytest.raises(GeometryError, match="fuera de rango"):
        validate_geometry({"type": "Point", "coordinates": [-13.6, -171.3]})
    with pytest.raises(GeometryError, match="mal formado"):
        validate_geometry('{"type": "Point"')
    assert validate_geometry('{"type": "Point", "coordinates": [-71.3, -13.6]}')["type"] == "Point"


def test_a_unit_cannot_skip_a_level(places):
    with pytest.raises(ValueError):
        services.create_territory(kind="community", code="0812-X", name="X", parent=places["quispicanchi"])


def test_a_roll_up_is_one_prefix_query(places, django_assert_num_queries):
    with django_assert_num_queries(1):
        codes = sorted(places["ocongate"].subtree().values_list("code", flat=True))
    assert codes == ["081210", "081210-C01", "081210-C02"]


COMMUNITIES_CSV = """code,name,parent_code,kind,latitude,longitude
081210-C10,Mahuayani,081210,community,-13.65,-71.30
081210-C10-S1,Mahuayani Alto,081210-C10,sector,,
081205-C10,Sallac,081205,,,
"""


def test_communities_import_from_csv_with_sectors(places):
    result = services.import_communities(data=COMMUNITIES_CSV.encode(), filename="c.csv")
    assert result["created"] == 3
    sector = Territory.objects.get(code="081210-C10-S1")
    assert sector.kind == "sector" and sector.path == "PE/08/0812/081210/081210-C10/081210-C10-S1/"
    assert Territory.objects.get(code="081210-C10").geometry == {"type": "Point", "coordinates": [-71.3, -13.65]}
    again = services.import_communities(data=COMMUNITIES_CSV.replace("Sallac", "Sallac Grande").encode(),
                                        filename="c.csv")
    assert again == {"created": 0, "updated": 3, "notices": []}
    assert Territory.objects.get(code="081205-C10").name == "Sallac Grande"


def test_one_wrong_community_row_imports_nothing_and_says_which_line(places):
    data = (COMMUNITIES_CSV + "081210-C10,Duplicada,081210,,,\n"
            "081299-C01,Sin distrito,081299,,,\n,Sin código,081210,,,\n"
            "081210-C11,Lejos,081210,,-13.6,-200\n").encode()
    with pytest.raises(ImportRejected) as rejected:
        services.import_communities(data=data, filename="c.csv")
    by_line = {(e.line, e.column): e.message for e in rejected.value.errors}
    assert "repetido" in by_line[(5, "code")]
    assert "081299" in by_line[(6, "parent_code")]
    assert "falta el código" in by_line[(7, "code")]
    assert "fuera de rango" in by_line[(8, "geometry")]
    assert not Territory.objects.filter(code__in=["081210-C10", "081205-C10"]).exists()


def test_community_import_reads_latin1_semicolon_files_from_excel(places):
    data = "code;name;parent_code\n081210-C20;Ñaupa Ccoñamuro;081210\n".encode("cp1252")
    result = services.import_communities(data=data, filename="excel.csv")
    assert Territory.objects.get(code="081210-C20").name == "Ñaupa Ccoñamuro"
    assert "Latin-1" in result["notices"][0]


def test_community_code_taken_by_another_unit_is_refused(places):
    data = b"code,name,parent_code\n081205-C01,Ccopi,081210\n"  # Ccopi is in Ccatca, not Ocongate
    with pytest.raises(ImportRejected, match="ya existe"):
        services.import_communities(data=data, filename="c.csv")


def test_communities_and_watersheds_import_from_geojson(places):
    communities = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "081205-C30", "name": "Huayllapata", "parent_code": "081205"},
         "geometry": {"type": "Point", "coordinates": [-71.55, -13.6]}}]}
    services.import_communities(data=json.dumps(communities).encode(), filename="c.geojson")
    sheds = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "CU-MAP", "name": "Cuenca Mapacho", "kind": "cuenca",
                                           "communities": "081210-C01;081205-C30"},
         "geometry": {"type": "Polygon", "coordinates": [[[-71.6, -13.7], [-71.3, -13.7], [-71.3, -13.5], [-71.6, -13.7]]]}},
        {"type": "Feature", "properties": {"code": "MC-MAP-1", "name": "Microcuenca 1", "kind": "microcuenca",
                                           "parent_code": "CU-MAP", "communities": "081210-C01"}, "geometry": None}]}
    result = services.import_watersheds(data=json.dumps(sheds).encode(), filename="w.geojson")
    assert result["created"] == 2
    basin = Watershed.objects.get(code="CU-MAP")
    # A watershed crosses district lines: its communities come from Ocongate and Ccatca.
    assert {c.parent.code for c in basin.communities.all()} == {"081210", "081205"}
    assert Watershed.objects.get(code="MC-MAP-1").path == "CU-MAP/MC-MAP-1/"


def test_watershed_with_unknown_community_imports_nothing(places):
    data = b"code,name,kind,communities\nCU-A,Cuenca A,cuenca,081210-C01\nCU-B,Cuenca B,rio,081210-C99\n"
    with pytest.raises(ImportRejected) as rejected:
        services.import_watersheds(data=data, filename="w.csv")
    messages = {(e.line, e.column) for e in rejected.value.errors}
    assert messages == {(3, "kind"), (3, "communities")}
    assert not Watershed.objects.exists()


def test_binary_garbage_is_reported_not_crashed(places):
    with pytest.raises(ImportRejected, match="binario"):
        services.import_communities(data=b"\x00\x01\x02\xff" * 10, filename="c.csv")
    with pytest.raises(ImportRejected, match="XLSX"):
        services.import_communities(data=b"PK\x03\x04broken", filename="c.xlsx")
