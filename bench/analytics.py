"""The observatory's engine at national replication scale, on PostgreSQL.

Generates, with SQL inside a throw-away PostgreSQL database (MINKA_DATABASE_URL; `make bench` starts
one): Peru's 1,874 real districts (INEI), 10,000 communities, 200 watersheds with 1,000
microwatersheds, N households (2.2 million by default) with their heads and value chains, and five
agricultural seasons of records: one production record per family and season, a milk test per
dairy family and season, a practice assessment with organic fertiliser per family and season,
income in the base and the last season, and 20,000 trainings with 25 participants each; the tables
are then vacuumed and analysed, as after any bulk load, and written to disk (checkpoint and sync) so
that the refresh is not timed against their write-back. Then 30 indicators are defined and it times,
in one run:

- `full_refresh_s`: every indicator for every unit, watershed and period, from the database into
  the `Value` table (mirror built by DuckDB reading PostgreSQL, computed, written back);
- `incremental_s`: after 1,000 production records of 1,000 random families are changed;
- `dashboard_ms`: the dashboard query of one district (all indicators, all periods), warm;
- `peak_mb`: the peak resident memory of this process (DuckDB included) up to the dashboard query,
  before the limit runs;
- `limit_s`: the limit to compare with: the same PostgreSQL tables copied into DuckDB once each (as
  Minka's mirror is), then one plain hand-written GROUP BY per indicator rolled up to every unit
  through an ancestors join (seasons, and months where Minka has them; fewer breakdowns), without
  Minka's generality, its incremental store or writing the values back.

Prints the figures against the issue's targets; the last line is one JSON object. Never fails on a
time.

    scripts/with-postgres.sh python bench/analytics.py [--households 2200000]
"""

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MINKA_DATA_DIR", tempfile.mkdtemp(prefix="minka-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minka.settings")
os.environ["MINKA_ANALYTICS_FOLLOW_CHANGES"] = "0"

TARGETS = {"full_refresh_s": 60, "incremental_s": 2, "dashboard_ms": 100, "peak_mb": 4096, "ratio_to_limit": 3}
SEASONS = [2020, 2021, 2022, 2023, 2024]
MAIN_MEASURE = {"milk": "milk-litres-month", "dairy": "milk-litres-month", "guinea-pig": None,
                "mushroom": "mushroom-fresh", "native-potato": "potato-harvest", "restaurant": None}


def parse():
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=2_200_000)
    parser.add_argument("--communities", type=int, default=10_000)
    return parser.parse_args()


def step(label, started):
    print(f"  {label}: {time.monotonic() - started:.1f} s", flush=True)
    return time.monotonic()


BULK_TABLES = ["people_household", "people_person", "people_enrolment", "chains_record", "chains_recordvalue",
               "chains_practiceassessment", "chains_adoptedpractice", "chains_incomesurvey", "chains_incomeline",
               "learning_training", "learning_participant"]


def generate(cursor, households, communities):
    """Everything in SQL, inside PostgreSQL: no Python loop over families. As for any bulk load, the
    tables' plain indexes are dropped first and built again at the end (constraints stay)."""
    t = time.monotonic()
    cursor.execute("SET session_replication_role = replica")  # generated rows are consistent: no FK triggers
    cursor.execute("""SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
        JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = ANY(%s)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""", [BULK_TABLES])
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    cursor.execute("SELECT id, path FROM territory_territory WHERE kind = 'district' ORDER BY code")
    districts = cursor.fetchall()
    cursor.execute("""
        INSERT INTO territory_territory (kind, code, alt_code, name, parent_id, path, depth, attributes, is_demo)
        SELECT 'community', d.code || '-B' || lpad(g::text, 5, '0'), '', 'Comunidad ' || g, d.id,
               d.path || d.code || '-B' || lpad(g::text, 5, '0') || '/', d.depth + 1, '{}', false
        FROM generate_series(1, %s) g
        JOIN (SELECT id, code, path, depth, row_number() OVER (ORDER BY code) - 1 AS i
              FROM territory_territory WHERE kind = 'district') d ON d.i = g %% %s""",
                   [communities, len(districts)])
    cursor.execute("""
        INSERT INTO territory_watershed (kind, code, name, parent_id, path, is_demo)
        SELECT 'cuenca', 'W' || g, 'Cuenca ' || g, NULL, 'W' || g || '/', false FROM generate_series(1, 200) g""")
    cursor.execute("""
        INSERT INTO territory_watershed (kind, code, name, parent_id, path, is_demo)
        SELECT 'microcuenca', 'W' || (g % 200 + 1) || '-' || g, 'Microcuenca ' || g, w.id,
               w.path || 'W' || (g % 200 + 1) || '-' || g || '/', false
        FROM generate_series(1, 1000) g JOIN territory_watershed w ON w.code = 'W' || (g % 200 + 1)""")
    cursor.execute("""
        INSERT INTO territory_watershed_communities (watershed_id, territory_id)
        SELECT w.id, c.id FROM (SELECT id, row_number() OVER (ORDER BY id) % 1000 AS i FROM territory_territory
                                WHERE kind = 'community') c
        JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i FROM territory_watershed
              WHERE kind = 'microcuenca') w ON w.i = c.i""")
    t = step(f"{communities} communities, 1,200 watersheds", t)
    cursor.execute("SELECT min(id), count(*) FROM territory_territory WHERE kind = 'community'")
    first_community, count = cursor.fetchone()
    cursor.execute(f"""
        INSERT INTO people_household (code, name, community_id, address, phone, notes, is_demo, created_at, updated_at)
        SELECT 'B' || lpad(g::text, 8, '0'), 'Familia ' || g, {first_community} + (g::bigint * 7919) % {count},
               '', '', '', false, now(), now()
        FROM generate_series(1, {households}) g""")
    cursor.execute("""
        INSERT INTO people_person (household_id, given_names, surnames, dni, sex, birth_year, role, language)
        SELECT id, 'N', 'S', '', CASE WHEN id % 4 = 0 THEN 'M' ELSE 'F' END, 1950 + id % 55, 'head', 'quz'
        FROM people_household""")
    cursor.execute("SELECT id, code FROM people_valuechain ORDER BY id")
    chains = cursor.fetchall()
    cursor.execute(f"""
        INSERT INTO people_enrolment (household_id, chain_id, since)
        SELECT h.id, c.id, DATE '2020-08-01' FROM people_household h
        JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i FROM people_valuechain
              WHERE code IN ({', '.join(f"'{code}'" for _id, code in chains if code in MAIN_MEASURE)})) c
          ON c.i = h.id % {len(MAIN_MEASURE)}""")
    t = step(f"{households:,} households, heads, enrolments", t)
    for season in SEASONS:  # one production record per family and season, of its chain's main measure
        cursor.execute(f"""
            INSERT INTO chains_record (purpose, household_id, chain_id, date, passed, notes, source, created_at)
            SELECT 'production', e.household_id, e.chain_id,
                   DATE '{season}-08-01' + (e.household_id % 365)::int, NULL, '', 'form', now()
            FROM people_enrolment e JOIN people_valuechain c ON c.id = e.chain_id
            WHERE c.code IN ({', '.join(f"'{k}'" for k, v in MAIN_MEASURE.items() if v)})""")
        cursor.execute(f"""
            INSERT INTO chains_record (purpose, household_id, chain_id, date, passed, notes, source, created_at)
            SELECT 'quality', e.household_id, e.chain_id, DATE '{season}-09-01' + (e.household_id % 300)::int,
                   (e.household_id + {season}) % 5 <> 0, '', 'form', now()
            FROM people_enrolment e JOIN people_valuechain c ON c.id = e.chain_id WHERE c.code = 'milk'""")
        cursor.execute(f"""
            INSERT INTO chains_practiceassessment (household_id, date, stage, notes, source)
            SELECT id, DATE '{season}-10-01' + (id % 200)::int,
                   (ARRAY['conventional', 'transition', 'agroecological', 'organic'])[1 + (id + {season}) % 4], '',
                   'form'
            FROM people_household""")
    cursor.execute("""
        INSERT INTO chains_recordvalue (record_id, measure_id, number, text, passed, threshold)
        SELECT r.id, m.id, 20 + r.household_id % 400, '', NULL, '' FROM chains_record r
        JOIN people_valuechain c ON c.id = r.chain_id
        JOIN chains_measure m ON m.code = CASE WHEN r.purpose = 'quality' THEN 'milk-fat' ELSE
             (CASE c.code """ + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in MAIN_MEASURE.items() if v) + " END) END")
    t = step("production and quality records with their values", t)
    cursor.execute("""
        INSERT INTO chains_adoptedpractice (assessment_id, practice_id, quantity)
        SELECT a.id, p.id, 50 + a.household_id % 500 FROM chains_practiceassessment a
        JOIN chains_practice p ON p.code = CASE WHEN a.household_id % 2 = 0 THEN 'compost' ELSE 'humus' END""")
    t = step("assessments and adopted practices", t)
    for season in (SEASONS[0], SEASONS[-1]):
        cursor.execute(f"""
            INSERT INTO chains_incomesurvey (household_id, season, round, date, currency, notes, source)
            SELECT id, {season}, 'follow_up', DATE '{season + 1}-08-01', 'PEN', '', 'form' FROM people_household""")
    cursor.execute("""
        INSERT INTO chains_incomeline (survey_id, source_id, income, costs)
        SELECT s.id, src.id, 1000 + s.household_id % 3000 + (s.season - 2020) * 40, 200 FROM chains_incomesurvey s
        JOIN people_enrolment e ON e.household_id = s.household_id
        JOIN people_valuechain c ON c.id = e.chain_id JOIN chains_incomesource src ON src.code = c.code""")
    cursor.execute(f"""
        INSERT INTO learning_training (title, kind, start_date, end_date, place_id, venue, target_actors, score_max,
                                       notes, is_demo)
        SELECT 'Taller ' || g, 'workshop', DATE '2020-08-01' + (g % 1800), DATE '2020-08-01' + (g % 1800),
               {first_community} + g % {count}, '', '[]', 20, '', false FROM generate_series(1, 20000) g""")
    cursor.execute("""
        INSERT INTO learning_participant (training_id, name, sex, actor)
        SELECT t.id, 'P', CASE WHEN g % 3 = 0 THEN 'M' ELSE 'F' END,
               (ARRAY['family', 'leader', 'government', 'organisation'])[1 + g % 4]
        FROM learning_training t, generate_series(1, 25) g""")
    t = step("income surveys, 20,000 trainings and their participants", t)
    for _name, definition in indexes:
        cursor.execute(definition)
    t = step(f"{len(indexes)} indexes built again", t)
    cursor.execute("SET session_replication_role = DEFAULT")
    # Vacuumed as PostgreSQL's documentation advises after a bulk load (and as a database fed over
    # months is): the refresh is not timed against autovacuum's first pass over the new tables.
    cursor.execute("VACUUM (ANALYZE)")
    # Then written out: the generated gigabytes sit dirty in PostgreSQL's buffers and the system's
    # page cache, and would be flushed to disk during the refresh, against which it is not timed.
    cursor.execute("CHECKPOINT")
    os.sync()
    step("vacuumed, analysed and written to disk", t)


def bench_indicators():
    """The programs' indicators and enough variants of them to make 30."""
    from django.apps import apps

    from minka.observatory import catalogue
    from minka.observatory.models import Indicator

    catalogue.load(apps)
    seasonal = ["season", "year", "quarter", "month"]
    extra = [(f"producers-{c}", "count", "households", {"chain": c}, ["sex", "age"], []) for c in
             ("dairy", "mushroom", "native-potato", "restaurant")]
    extra += [(f"volume-{c}", "sum", "measures", {"measure": m}, ["sex"], seasonal)
              for c, m in (("mushroom", "mushroom-fresh"), ("potato", "potato-harvest"))]
    extra += [("milk-litres-avg", "mean", "measures", {"measure": "milk-litres-month"}, ["sex"], seasonal),
              ("big-milk-producers", "count", "measures", {"measure": "milk-litres-month", "min": 300}, ["sex"],
               ["season", "year"]),
              ("agroecological", "count", "assessments", {"stage": "agroecological"}, ["sex", "chain"],
               ["season", "year"]),
              ("organic", "share", "assessments", {"stage": "organic"}, ["sex"], ["season"]),
              ("humus-kg", "sum", "practices", {"practice": "humus"}, ["sex"], seasonal),
              ("persons", "count", "persons", {}, ["sex", "age", "chain"], []),
              ("women-participants", "count", "participants", {"sex": "F"}, ["actor"], ["season", "year"]),
              ("leaders-trained", "count", "participants", {"actor": "leader"}, ["sex"], ["season", "year"]),
              ("income-mushroom", "change", "income", {"income_source": "mushroom", "base_season": 2020}, ["sex"],
               ["season"]),
              ("income-potato", "change", "income", {"income_source": "native-potato", "base_season": 2020}, ["sex"],
               ["season"])]
    for order, (code, kind, source, spec, breakdowns, periods) in enumerate(extra, start=100):
        Indicator.objects.update_or_create(code=code, defaults={
            "name": code, "kind": kind, "source": source, "spec": spec, "breakdowns": breakdowns,
            "periods": periods, "order": order})
    # the catalogue's indicators of what is not generated here (loans, business plans, PES): left out
    Indicator.objects.exclude(source__in=LIMIT_QUERIES).delete()
    return list(Indicator.objects.all())


# The tables the limit reads, copied from PostgreSQL once each (as Minka's mirror is), as they are.
LIMIT_TABLES = ["territory_territory", "people_household", "people_enrolment", "people_person", "chains_record",
                "chains_recordvalue", "chains_practiceassessment", "chains_adoptedpractice", "chains_incomesurvey",
                "chains_incomeline", "learning_training", "learning_participant"]
SEASON_OF = "CASE WHEN month({d}) >= 8 THEN year({d}) ELSE year({d}) - 1 END"
# Each source's figures per community and period (and breakdown), then added up to every unit above
# through a plain ancestors join: what anyone would write by hand for one indicator. Families counted in
# a community are distinct, so their numbers add up along the tree.
ROLLED = "SELECT a.node, {keys}, {sums} FROM ({leaf}) l JOIN anc a USING (place) GROUP BY ALL"
LIMIT_QUERIES = {
    "households": ROLLED.format(keys="l.chain", sums="sum(l.n)", leaf="""
        SELECT h.community_id AS place, e.chain_id AS chain, count(*) AS n FROM people_household h
        LEFT JOIN people_enrolment e ON e.household_id = h.id GROUP BY ROLLUP (h.community_id, e.chain_id)"""),
    "persons": ROLLED.format(keys="l.sex", sums="sum(l.n), sum(l.f)", leaf="""
        SELECT h.community_id AS place, p.sex, count(*) AS n, count(DISTINCT p.household_id) AS f
        FROM people_person p JOIN people_household h ON h.id = p.household_id GROUP BY ROLLUP (h.community_id, p.sex)"""),
    "measures": ROLLED.format(keys="l.s, l.m, l.sex", sums="sum(l.v), sum(l.f)", leaf=f"""
        SELECT h.community_id AS place, {SEASON_OF.format(d='r.date')} AS s, strftime(r.date, '%Y-%m') AS m,
        p.sex, sum(v.number) AS v, count(DISTINCT r.household_id) AS f
        FROM chains_recordvalue v JOIN chains_record r ON r.id = v.record_id
        JOIN people_household h ON h.id = r.household_id LEFT JOIN people_person p ON p.household_id = h.id
        AND p.role = 'head' GROUP BY GROUPING SETS ((place, s), (place, s, p.sex), (place, m))"""),
    "tests": ROLLED.format(keys="l.s, l.sex", sums="sum(l.ok), sum(l.n), sum(l.f)", leaf=f"""
        SELECT h.community_id AS place, {SEASON_OF.format(d='r.date')} AS s, p.sex,
        count(*) FILTER (WHERE r.passed) AS ok, count(*) AS n, count(DISTINCT r.household_id) AS f
        FROM chains_record r JOIN people_household h ON h.id = r.household_id
        LEFT JOIN people_person p ON p.household_id = h.id AND p.role = 'head'
        WHERE r.purpose = 'quality' GROUP BY GROUPING SETS ((place, s), (place, s, p.sex))"""),
    "assessments": ROLLED.format(keys="l.s, l.sex", sums="sum(l.ok), sum(l.f)", leaf=f"""
        SELECT place, s, sex, count(*) FILTER (WHERE stage <> 'conventional') AS ok, count(*) AS f FROM (
            SELECT h.community_id AS place, {SEASON_OF.format(d='x.date')} AS s, p.sex, x.household_id,
            arg_max(x.stage, x.date) AS stage FROM chains_practiceassessment x
            JOIN people_household h ON h.id = x.household_id
            LEFT JOIN people_person p ON p.household_id = h.id AND p.role = 'head' GROUP BY ALL)
        GROUP BY GROUPING SETS ((place, s), (place, s, sex))"""),
    "practices": ROLLED.format(keys="l.s, l.m, l.sex", sums="sum(l.q), sum(l.f)", leaf=f"""
        SELECT h.community_id AS place, {SEASON_OF.format(d='x.date')} AS s, strftime(x.date, '%Y-%m') AS m,
        p.sex, sum(a.quantity) AS q, count(DISTINCT x.household_id) AS f FROM chains_adoptedpractice a
        JOIN chains_practiceassessment x ON x.id = a.assessment_id JOIN people_household h ON h.id = x.household_id
        LEFT JOIN people_person p ON p.household_id = h.id AND p.role = 'head'
        GROUP BY GROUPING SETS ((place, s), (place, s, p.sex), (place, m))"""),
    "income": ROLLED.format(keys="l.season", sums="sum(l.v), sum(l.b), sum(l.f)", leaf="""
        WITH net AS (SELECT s.household_id, s.season, sum(l.income - l.costs) AS v
        FROM chains_incomeline l JOIN chains_incomesurvey s ON s.id = l.survey_id GROUP BY ALL)
        SELECT h.community_id AS place, f.season, sum(f.v) AS v, sum(b.v) AS b, count(*) AS f FROM net f JOIN net b
        ON b.household_id = f.household_id AND b.season = 2020 AND f.season > 2020
        JOIN people_household h ON h.id = f.household_id GROUP BY ALL"""),
    "participants": ROLLED.format(keys="l.s, l.actor, l.sex", sums="sum(l.n)", leaf=f"""
        SELECT t.place_id AS place, {SEASON_OF.format(d='t.start_date')} AS s, p.actor, p.sex, count(*) AS n
        FROM learning_participant p JOIN learning_training t ON t.id = p.training_id
        GROUP BY GROUPING SETS ((place, s), (place, s, p.actor), (place, s, p.sex))"""),
    "trainings": ROLLED.format(keys="l.s", sums="sum(l.n)", leaf=f"""
        SELECT t.place_id AS place, {SEASON_OF.format(d='t.start_date')} AS s, count(*) AS n
        FROM learning_training t GROUP BY ALL"""),
}


def limit(indicators):
    """The limit: the tables copied from PostgreSQL into DuckDB once each, then one hand-written
    GROUP BY per indicator (by its source), rolled up to every unit through a plain ancestors join."""
    import duckdb
    from django.conf import settings

    from minka.observatory import engine

    con = duckdb.connect(os.path.join(tempfile.mkdtemp(prefix="minka-limit-"), "limit.duckdb"))
    con.execute(f"SET memory_limit = '{settings.ANALYTICS_MEMORY}'")  # the same memory as Minka's store
    engine._load_extension(con, "postgres_scanner")
    con.execute(f"ATTACH '{engine._conninfo()}' AS pg (TYPE postgres, READ_ONLY)")
    started = time.monotonic()
    for table in LIMIT_TABLES:
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM pg.public.{table}")
    con.execute("""CREATE TABLE anc AS SELECT t.id AS place, a.id AS node FROM territory_territory t
        JOIN territory_territory a ON starts_with(t.path, a.path)""")  # (watersheds left out: less work)
    rows = 0
    for indicator in indicators:
        rows += len(con.execute(LIMIT_QUERIES[indicator.source]).fetchall())
    elapsed = time.monotonic() - started
    con.close()
    return elapsed, rows


def main():
    args = parse()
    if not os.environ.get("MINKA_DATABASE_URL"):
        sys.exit("bench/analytics.py needs PostgreSQL: scripts/with-postgres.sh python bench/analytics.py")
    import logging

    import django

    logging.basicConfig(format="    %(message)s")
    logging.getLogger("minka.observatory").setLevel(logging.INFO)
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("load_territory", verbosity=0)
    print(f"Generating {args.households:,} households on PostgreSQL…", flush=True)
    started = time.monotonic()
    with connection.cursor() as cursor:
        generate(cursor, args.households, args.communities)
    print(f"  generated in {time.monotonic() - started:.0f} s", flush=True)
    indicators = bench_indicators()
    from minka.observatory import engine, selectors
    from minka.observatory.models import Value
    from minka.territory.models import Territory

    started = time.monotonic()
    written = engine.refresh()
    full = time.monotonic() - started
    print(f"full refresh: {full:.1f} s, {written:,} values of {len(indicators)} indicators", flush=True)

    with connection.cursor() as cursor:  # 1,000 production records of random families change
        cursor.execute("""UPDATE chains_recordvalue v SET number = number + 1 FROM chains_record r
            WHERE r.id = v.record_id AND r.id IN (SELECT id FROM chains_record WHERE purpose = 'production'
            ORDER BY md5(id::text) LIMIT 1000) RETURNING r.household_id""")
        households = [row[0] for row in cursor.fetchall()]
    started = time.monotonic()
    changed = engine.refresh_changes(households=households, kinds=["records"])
    incremental = time.monotonic() - started
    print(f"incremental refresh after 1,000 changed records: {incremental:.2f} s ({changed:,} values)", flush=True)

    district = Territory.objects.filter(kind="district", pk__in=Value.objects.values("territory")).order_by(
        "code").first()
    children = list(district.children.all())
    selectors.dashboard(district, children)
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        selectors.dashboard(district, children)
        timings.append(time.perf_counter() - started)
    dashboard = min(timings) * 1000
    print(f"dashboard query of {district.name} ({len(children)} communities): {dashboard:.0f} ms", flush=True)

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Minka's peak, before the limit runs
    limit_s, limit_rows = limit(indicators)
    print(f"limit (hand-written DuckDB GROUP BYs over the same data): {limit_s:.1f} s ({limit_rows:,} rows)")
    result = {"households": args.households, "full_refresh_s": round(full, 2), "incremental_s": round(incremental, 3),
              "dashboard_ms": round(dashboard, 1), "peak_mb": round(peak), "limit_s": round(limit_s, 2),
              "ratio_to_limit": round(full / limit_s, 2) if limit_s else None}
    print()
    for key, target in TARGETS.items():
        print(f"{key:>16}: {result[key]:>10}  (target < {target})")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
