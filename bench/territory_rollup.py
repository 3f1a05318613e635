"""How the cost of a territory roll-up grows with the number of households.

Generates its own data in a throw-away SQLite database (or MINKA_DATABASE_URL), then times the
headline counts of a district two ways: the materialised-path prefix query Minka uses, and the
baseline of walking the tree (collecting community ids level by level). Prints a table and ends
with one JSON line. Never fails on a time."""

import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("MINKA_DATA_DIR", tempfile.mkdtemp(prefix="minka-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minka.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

call_command("migrate", verbosity=0)

from minka.people.models import Household, Person  # noqa: E402
from minka.people.selectors import headline_counts  # noqa: E402
from minka.territory.models import Territory  # noqa: E402
from minka.territory.services import create_territory  # noqa: E402


def tree():
    pe = create_territory(kind="country", code="PE", name="Perú", parent=None)
    region = create_territory(kind="region", code="08", name="Cusco", parent=pe)
    province = create_territory(kind="province", code="0812", name="Quispicanchi", parent=region)
    communities = []
    for d in range(1, 13):
        district = create_territory(kind="district", code=f"0812{d:02d}", name=f"D{d}", parent=province)
        for c in range(20):
            communities.append(create_territory(kind="community", code=f"{district.code}-C{c:02d}",
                                                name=f"C{c}", parent=district))
    return province, communities


def grow(communities, total):
    have = Household.objects.count()
    households = [Household(code=f"B-{i:08d}", name=f"F{i}", community=communities[i % len(communities)])
                  for i in range(have, total)]
    Household.objects.bulk_create(households, batch_size=5000)
    people = [Person(household_id=pk, given_names="A", surnames="B", sex="F" if pk % 3 else "M", role="head")
              for pk in Household.objects.filter(pk__gt=0, code__gte=f"B-{have:08d}").values_list("pk", flat=True)]
    Person.objects.bulk_create(people, batch_size=5000)


def timed(fn, repeat=5):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def by_path(district):
    return headline_counts(Household.objects.filter(community__path__startswith=district.path))


def by_walking(district):  # the baseline: ids collected level by level, then an IN list
    level, ids = [district.pk], []
    while level:
        level = list(Territory.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        ids += level
    return headline_counts(Household.objects.filter(community_id__in=ids))


province, communities = tree()
district = Territory.objects.get(code="081201")
results = []
print(f"{'households':>10} {'path (ms)':>10} {'walk (ms)':>10}  database={connection.vendor}")
for size in (1_000, 10_000, 50_000, 100_000):
    grow(communities, size)
    path_ms, walk_ms = timed(lambda: by_path(district)) * 1000, timed(lambda: by_walking(district)) * 1000
    results.append({"households": size, "path_ms": round(path_ms, 2), "walk_ms": round(walk_ms, 2)})
    print(f"{size:>10} {path_ms:>10.2f} {walk_ms:>10.2f}")
print(json.dumps({"bench": "territory_rollup", "baseline": "walk", "database": connection.vendor,
                  "results": results}))
