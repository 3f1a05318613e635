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
