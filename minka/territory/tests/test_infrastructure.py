import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from minka.territory import infrastructure as services
from minka.territory.models import Infrastructure, Watershed


@pytest.fixture
def basin(places):
    shed = Watershed.objects.create(kind="cuenca", code="CU-TEST", name="Cuenca Mapacho", path="CU-TEST/")
    shed.communities.set([places["tinki"], places["ccopi"]])
    return shed


def test_a_canal_is_placed_in_its_community_and_watershed(technician, places, basin):
    canal = services.save_infrastructure(
        actor=technician, kind="canal", name="Canal Tinki alto", community=places["tinki"], size=Decimal("3.2"),
        geometry={"type": "LineString", "coordinates": [[-71.2, -13.6], [-71.19, -13.61]]})
    assert canal.code == "INF-081210-C01-001" and canal.watershed == basin and canal.size_unit == "km"
    services.record_condition(actor=technician, infrastructure=canal, date=datetime.date(2023, 5, 1), condition="poor")
    services.record_work(actor=technician, infrastructure=canal, kind="rehabilitation",
                         start_date=datetime.date(2024, 6, 1), cost=Decimal("18500.00"), funder="Municipalidad")
    services.record_condition(actor=technician, infrastructure=canal, date=datetime.date(2024, 9, 1), condition="good")
    assert canal.condition == "good"
    assert canal.history.count() == 1


def test_a_location_with_swapped_coordinates_is_refused(technician, places):
    with pytest.raises(ValidationError, match="invertidas"):
        services.save_infrastructure(actor=technician, kind="qocha", name="Qocha", community=places["tinki"],
                                     geometry={"type": "Point", "coordinates": [-13.6, -71.2]})
    with pytest.raises(ValidationError, match="Ubicación"):
        services.save_infrastructure(actor=technician, kind="qocha", name="Qocha", community=places["tinki"],
                                     geometry='{"type": "Point", "coordinates": [')
    assert not Infrastructure.objects.exists()


def test_the_municipal_officer_keeps_only_their_districts_inventory(officer, places, basin):
    services.save_infrastructure(actor=officer, kind="reservoir", name="Reservorio Ccopi", community=places["ccopi"])
    with pytest.raises(services.PermissionDenied):
        services.save_infrastructure(actor=officer, kind="road", name="Trocha", community=places["tinki"])
    other = Watershed.objects.create(kind="cuenca", code="CU-OTHER", name="Otra", path="CU-OTHER/")
    with pytest.raises(ValidationError, match="no pertenece"):
        services.save_infrastructure(actor=officer, kind="road", name="Trocha", community=places["ccopi"],
                                     watershed=other)


def test_infrastructure_import_is_all_or_nothing_and_round_trips(technician, places, basin):
    from minka.core.tabular import ImportRejected, read_csv

    header = "code,kind,name,community,watershed,longitude,latitude,size,size_unit,built_year,condition,condition_date\n"
    bad = (header + ",qocha,Qocha alta,081210-C01,,-71.2,-13.6,5000,m3,1998,good,2024-06-01\n"
                    ",pozo,Pozo,081210-C01,,,,,,,,\n"
                    ",canal,Canal,081210-C01,,-13.6,-71.2,,,,,\n"
                    ",road,Trocha,081205-C01,,,,,,,,\n")
    with pytest.raises(ImportRejected) as rejected:
        services.import_infrastructure(actor=technician, data=bad.encode(), filename="i.csv")
    assert [e.line for e in rejected.value.errors] == [3, 4, 5]
    assert not Infrastructure.objects.exists()
    services.import_infrastructure(actor=technician, filename="i.csv", data=(
        header + ",qocha,Qocha alta,081210-C01,,-71.2,-13.6,5000,m3,1998,fair,01/06/2024\n").encode())
    qocha = Infrastructure.objects.get()
    assert qocha.watershed == basin and qocha.condition == "fair" and qocha.size == Decimal("5000")
    exported = list(services.export_rows(Infrastructure.objects.all()))
    table = read_csv((",".join(services.IMPORT_COLUMNS) + "\n" + "\n".join(
        ",".join(str(v) for v in row) for row in exported)).encode())
    row = table.rows[0][1]
    assert (row["kind"], row["longitude"], row["condition"], row["condition_date"]) == (
        "qocha", "-71.2", "fair", "2024-06-01")
    # Importing the export again updates the same work instead of creating another one.
    services.import_infrastructure(actor=technician, filename="again.csv", data=(
        ",".join(services.IMPORT_COLUMNS) + "\n" + ",".join(str(v) for v in exported[0]).replace("Qocha alta",
                                                                                                  "Qocha Alta")
    ).encode())
    assert Infrastructure.objects.get().name == "Qocha Alta"
    assert Infrastructure.objects.get().conditions.count() == 1  # the same condition is not recorded twice
