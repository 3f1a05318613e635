"""Demo infrastructure of the watersheds: terraces, waru waru, qochas, canals, reservoirs, roads,
granaries and collection centres in the demo communities, with their condition over the years and
the works done on them."""

import datetime
from decimal import Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from .geojson import bbox, contains
from .models import Infrastructure, InfrastructureCondition, InfrastructureWork, Territory

KINDS = [
    ("terrace", "Andenes de", (2, 25)), ("waru_waru", "Waru waru de", (1, 8)), ("qocha", "Qocha", (800, 12000)),
    ("canal", "Canal de riego", (1, 9)), ("reservoir", "Reservorio", (200, 3000)), ("road", "Trocha carrozable a", (2, 15)),
    ("granary", "Almacén comunal de", (5, 40)), ("collection_centre", "Centro de acopio lechero de", (40, 200)),
]
FUNDERS = ["Municipalidad distrital", "Fondo de programa D'Ausangate", "Ecocuenca", "Faena comunal",
           "AGRO RURAL", "Presupuesto participativo"]


def _near(rng, district, point):
    """A point a little away from the community's point, still inside the district."""
    west, south, east, north = bbox(district.geometry)
    for _attempt in range(100):
        lon, lat = point[0] + rng.uniform(-0.02, 0.02), point[1] + rng.uniform(-0.02, 0.02)
        if contains(district.geometry, lon, lat) and west <= lon <= east and south <= lat <= north:
            return [round(lon, 5), round(lat, 5)]
    return point


@transaction.atomic
def create_infrastructure(rng):
    if Infrastructure.objects.filter(is_demo=True).exists():
        return 0
    works, conditions, jobs = [], [], []
    communities = Territory.objects.filter(is_demo=True, kind="community").select_related("parent").prefetch_related(
        "watersheds")
    for community in communities:
        district = community.parent
        point = (community.geometry or {}).get("coordinates")
        for number, (kind, label, (low, high)) in enumerate(rng.sample(KINDS, rng.randint(1, 3)), start=1):
            geometry = None
            if point and district.geometry:
                start = _near(rng, district, point)
                if kind in ("canal", "road"):
                    geometry = {"type": "LineString", "coordinates": [start, _near(rng, district, start)]}
                else:
                    geometry = {"type": "Point", "coordinates": start}
            sheds = sorted(community.watersheds.all(), key=lambda w: w.path, reverse=True)
            work = Infrastructure(code=f"INF-{community.code}-{number:03d}", kind=kind, name=f"{label} {community.name}",
                                  community=community, watershed=sheds[0] if sheds else None, geometry=geometry,
                                  size=Decimal(rng.randint(low, high)), size_unit=Infrastructure.DEFAULT_UNIT[kind],
                                  built_year=rng.randint(1975, 2018), is_demo=True)
            works.append(work)
            state = rng.choice(["poor", "fair", "fair", "good"])
            for year in (2020, 2022, 2024):
                conditions.append(InfrastructureCondition(infrastructure=work, date=datetime.date(year, 6, 15),
                                                          condition=state))
                if state in ("poor", "out_of_use") and rng.random() < 0.6:
                    jobs.append(InfrastructureWork(infrastructure=work, kind="rehabilitation",
                                                   start_date=datetime.date(year, 7, 1),
                                                   end_date=datetime.date(year, 10, 30),
                                                   cost=Decimal(rng.randint(30, 400) * 100), funder=rng.choice(FUNDERS),
                                                   description="Rehabilitación con faena comunal"))
                    state = "good"
                elif rng.random() < 0.3:
                    state = {"good": "fair", "fair": "poor", "poor": "out_of_use", "out_of_use": "out_of_use"}[state]
    bulk_create_with_history(works, Infrastructure, batch_size=500)
    bulk_create_with_history(conditions, InfrastructureCondition, batch_size=1000)
    bulk_create_with_history(jobs, InfrastructureWork, batch_size=1000)
    return len(works)
