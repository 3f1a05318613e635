"""Incremental refresh: after any change, the values are those a full refresh gives, and
watersheds, periods and breakdowns are right against figures computed by hand."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from minka.chains import services as chains
from minka.chains.models import IncomeSource, Measure, Practice, Record
from minka.conftest import register
from minka.learning import services as learning
from minka.observatory import engine
from minka.observatory.models import Indicator, Value
from minka.people import services as people
from minka.people.models import ValueChain
from minka.territory import services as territory
from minka.territory.models import Watershed


@pytest.fixture
def indicators(db):
    from django.apps import apps

    from minka.observatory import catalogue

    catalogue.load(apps)


def snapshot():
    return {(v.indicator.code, v.territory_id, v.watershed_id, v.period, v.breakdown):
            (v.numerator, v.denominator, v.households) for v in Value.objects.select_related("indicator")}


def value(code, territory=None, period="", breakdown="", watershed=None):
    row = Value.objects.filter(indicator__code=code, territory=territory, watershed=watershed, period=period,
                               breakdown=breakdown).first()
    return row.value if row else None


def milk_record(actor, household, day, litres):
    return chains.record_measurements(actor=actor, household=household, purpose="production",
                                      chain=ValueChain.objects.get(code="milk"), date=day,
                                      values={Measure.objects.get(code="milk-litres-month"): litres})


@pytest.fixture
def watershed(places):
    shed = Watershed.objects.create(kind="cuenca", code="MAP", name="Mapacho", path="MAP/")
    micro = Watershed.objects.create(kind="microcuenca", code="MAP-1", name="Alto Mapacho", parent=shed,
                                     path="MAP/MAP-1/")
    micro.communities.add(places["tinki"], places["ccopi"])
    shed.communities.add(places["tinki"])  # linked twice: still counted once in the cuenca
    return shed, micro


def test_periods_breakdowns_and_watersheds_by_hand(technician, coordinator, places, indicators, watershed):
    shed, micro = watershed
    a = register(technician, places["tinki"], name="A")
    b = register(technician, places["pacchanta"], name="B")
    c = register(coordinator, places["ccopi"], name="C", members=[
        {"given_names": "Rosa", "surnames": "Q", "sex": "M", "role": "head", "birth_year": 2001}])
    milk_record(technician, a, datetime.date(2023, 7, 20), "100")   # season 2022-23, Q3 2023
    milk_record(technician, a, datetime.date(2023, 8, 5), "120")    # season 2023-24, Q3 2023
    milk_record(technician, b, datetime.date(2023, 8, 9), "80")
    milk_record(coordinator, c, datetime.date(2023, 9, 1), "50")
    engine.refresh()
    ocongate, province = places["ocongate"], places["quispicanchi"]
    assert value("milk-volume", ocongate, "S2022") == 100 and value("milk-volume", ocongate, "S2023") == 200
    assert value("milk-volume", province, "Y2023") == 350 and value("milk-volume", province, "Q2023-3") == 350
    assert value("milk-volume", province, "M2023-08") == 200 and value("milk-volume", province, "M2023-09") == 50
    assert value("milk-volume", province, "S2023", "sex:M") == 50  # C's head is a man
    # Watersheds: Alto Mapacho has Tinki and Ccopi (A and C), the Mapacho basin the same, once.
    assert value("milk-volume", watershed=micro, period="S2023") == 170
    assert value("milk-volume", watershed=shed, period="S2023") == 170
    assert value("beneficiaries", watershed=shed) == 2
    assert value("beneficiaries", province, breakdown="age:youth") == 1  # born 2001
    assert Value.objects.get(indicator__code="milk-volume", watershed=shed, period="S2023", breakdown="").households == 2


def households(code, territory, period, breakdown=""):
    row = Value.objects.filter(indicator__code=code, territory=territory, watershed=None, period=period,
                               breakdown=breakdown).first()
    return row.households if row else None


def test_a_family_with_several_facts_counts_once_in_each_period(technician, places, indicators):
    """A family's facts spread over months, quarters, seasons and years: it is one family in every
    period it has facts in, and one of those meeting a condition in the periods of the facts that do."""
    Indicator.objects.create(code="big-milk", name="big", kind="count", source="measures",
                             spec={"measure": "milk-litres-month", "min": 110}, periods=["season", "month"])
    a = register(technician, places["tinki"], name="A")
    b = register(technician, places["pacchanta"], name="B")
    for day, litres in [((2023, 7, 20), "100"), ((2023, 8, 5), "120"), ((2023, 8, 20), "40"), ((2023, 10, 2), "300")]:
        milk_record(technician, a, datetime.date(*day), litres)
    milk_record(technician, b, datetime.date(2023, 8, 9), "80")
    compost = Practice.objects.get(code="compost")
    for day, kg, stage in [((2023, 9, 1), "100", "transition"), ((2024, 3, 1), "50", "conventional")]:
        assessment = chains.assess_practices(actor=technician, household=a, date=datetime.date(*day),
                                             adopted={compost: Decimal(kg)})
        assessment.stage = stage  # the later assessment of the season found the family back in conventional
        assessment.save()
    engine.refresh()
    ocongate = places["ocongate"]
    expected = {"M2023-07": (100, 1), "M2023-08": (240, 2), "M2023-10": (300, 1), "Q2023-3": (340, 2),
                "Q2023-4": (300, 1), "S2022": (100, 1), "S2023": (540, 2), "Y2023": (640, 2)}
    assert {period: (value("milk-volume", ocongate, period), households("milk-volume", ocongate, period))
            for period in expected} == expected
    # Litres of 110 or more: A in August and October of 2023-24, counted once in the season; not B.
    assert [value("big-milk", ocongate, p) for p in ("M2023-07", "M2023-08", "M2023-10", "S2022", "S2023")] == [
        0, 1, 1, 0, 1]
    assert households("big-milk", ocongate, "S2023") == 2  # of the two families with records
    # Compost twice in 2023-24: 150 kg, one family, also for the practice; the latest assessment decides.
    assert value("fertiliser-kg", ocongate, "S2023", "practice:compost") == 150
    assert households("fertiliser-kg", ocongate, "S2023", "practice:compost") == 1
    assert households("fertiliser-kg", ocongate, "S2023") == 1
    assert value("transition", ocongate, "S2023") == 0 and households("transition", ocongate, "S2023") == 1
    assert value("transition", ocongate, "Y2023") == 1  # in 2023 its latest (September) was in transition


def test_incremental_refresh_equals_a_full_one(technician, coordinator, places, indicators, watershed, settings,
                                               django_capture_on_commit_callbacks, monkeypatch):
    Indicator.objects.create(code="people", name="people", kind="count", source="persons",
                             breakdowns=["sex", "age", "chain"])
    settings.ANALYTICS_FOLLOW_CHANGES = True
    monkeypatch.setattr(engine, "LEAF_SLACK", 0)  # the leaf's appended changes are added up along the way
    milk = ValueChain.objects.get(code="milk")
    fat = Measure.objects.get(code="milk-fat")
    with django_capture_on_commit_callbacks(execute=True):
        a = register(technician, places["tinki"], name="A")
        b = register(technician, places["pacchanta"], name="B", chains=("milk", "guinea-pig"))
        c = register(coordinator, places["ccopi"], name="C")
        first = milk_record(technician, a, datetime.date(2023, 9, 1), "100")
        milk_record(technician, b, datetime.date(2023, 10, 1), "60")
    engine.refresh()  # the store starts from a full refresh
    assert value("milk-volume", places["quispicanchi"], "S2023") == 160

    def check():
        incremental = snapshot()
        engine.refresh()
        assert incremental == snapshot()

    # New records, a quality test, a correction, an assessment, income.
    with django_capture_on_commit_callbacks(execute=True):
        milk_record(coordinator, c, datetime.date(2024, 1, 3), "40")
        chains.record_measurements(actor=coordinator, household=c, purpose="quality", chain=milk,
                                   date=datetime.date(2024, 1, 3), values={fat: "3.6"})
        chains.correct_record(actor=technician, record=first, date=first.date,
                              values={Measure.objects.get(code="milk-litres-month"): "130"})
        chains.assess_practices(actor=technician, household=a, date=datetime.date(2023, 11, 1),
                                adopted={Practice.objects.get(code="compost"): Decimal("80")})
        source = IncomeSource.objects.get(code="milk")
        for season, amount in [(2020, "1000"), (2023, "1200")]:
            chains.record_income(actor=technician, household=a, season=season, date=datetime.date(season + 1, 8, 1),
                                 lines={source: (Decimal(amount), Decimal(0))})
    assert value("milk-volume", places["quispicanchi"], "S2023") == 230
    assert value("income-milk", places["ocongate"], "S2023") == 20
    check()
    # A family moves to Ccatca: its records now count there (and in the watershed of Ccopi); another
    # gains a young member, and the persons' figures follow.
    with django_capture_on_commit_callbacks(execute=True):
        people.update_household(actor=coordinator, household=b, fields={"community": places["ccopi"]})
        people.update_household(actor=coordinator, household=c, fields={}, member_changes=[
            (None, {"given_names": "Ana", "surnames": "C", "sex": "F", "role": "child", "birth_year": 2015}, False)])
    assert Value.objects.get(indicator__code="people", territory=places["ccatca"], period="",
                             breakdown="age:youth").households == 1
    assert value("milk-volume", places["ccatca"], "S2023") == 100
    assert value("milk-volume", places["ocongate"], "S2023") == 130
    check()
    # A record deleted, a training with participants, then the training removed.
    with django_capture_on_commit_callbacks(execute=True):
        Record.objects.filter(household=c, purpose="production").delete()
        training = learning.record_training(actor=coordinator, title="Ensilado", kind="workshop",
                                            start_date=datetime.date(2024, 2, 1), end_date=datetime.date(2024, 2, 1),
                                            place=places["ocongate"])
        learning.record_attendance(actor=coordinator, training=training, participants=[
            {"name": "Ana", "sex": "F", "actor": "family"}, {"name": "Luis", "sex": "M", "actor": "leader"},
            {"person": a.head, "actor": "family"}])  # (born in 1980: her age group comes from the registry)
    assert value("participants", places["quispicanchi"], "S2023", "actor:leader") == 1
    assert value("participants", places["quispicanchi"], "S2023", "age:adult") == 1
    check()
    with django_capture_on_commit_callbacks(execute=True):
        training.delete()
    assert value("participants", places["quispicanchi"], "S2023") is None
    check()
    # A new community with a family: the tree grows, the family rolls up.
    with django_capture_on_commit_callbacks(execute=True):
        new = territory.create_territory(kind="community", code="081210-C09", name="Nueva", parent=places["ocongate"])
        milk_record(technician, register(technician, new, name="D"), datetime.date(2023, 12, 1), "10")
    assert value("milk-volume", new, "S2023") == 10
    assert value("milk-volume", places["pe"], "S2023") == 200
    check()


def test_a_refresh_stopped_halfway_is_made_good_by_the_next(technician, places, indicators, monkeypatch):
    """The store and the values are two databases. A refresh that stops inside the store leaves it as
    it was; one that stops after the store took the change and before the values did leaves them
    out of step, and the next refresh recomputes everything instead of adding to wrong values."""
    a = register(technician, places["tinki"], name="A")
    milk_record(technician, a, datetime.date(2023, 9, 1), "100")
    engine.refresh()
    b = register(technician, places["pacchanta"], name="B")
    milk_record(technician, b, datetime.date(2023, 9, 2), "30")

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    with monkeypatch.context() as patch:  # inside the store: nothing of the change is kept
        patch.setattr(engine, "_append_to_leaf", broken)
        with pytest.raises(RuntimeError):
            engine.refresh_changes(households=[b.pk])
    assert value("milk-volume", places["quispicanchi"], "S2023") == 100
    engine.refresh_changes(households=[b.pk])  # done again, from the mirror as it was
    assert value("milk-volume", places["quispicanchi"], "S2023") == 130
    c = register(technician, places["tinki"], name="C")
    milk_record(technician, c, datetime.date(2023, 9, 3), "5")
    with monkeypatch.context() as patch:  # between the store and the values
        patch.setattr(engine, "_write_changes", broken)
        with pytest.raises(RuntimeError):
            engine.refresh_changes(households=[c.pk])
    assert value("milk-volume", places["quispicanchi"], "S2023") == 130
    d = register(technician, places["tinki"], name="D")
    milk_record(technician, d, datetime.date(2023, 9, 4), "1")
    engine.refresh_changes(households=[d.pk])  # the generations differ: everything is recomputed
    assert value("milk-volume", places["quispicanchi"], "S2023") == 136
    incremental = snapshot()
    engine.refresh()
    assert snapshot() == incremental


def test_a_definition_the_engine_cannot_compute_is_refused(indicators):
    from django.core.exceptions import ValidationError

    indicator = Indicator(code="x", name="x", kind="change", source="measures", spec={"measure": "milk-fat"},
                          periods=["month"], breakdowns=["colour"])
    with pytest.raises(ValidationError) as error:
        indicator.full_clean()
    assert set(error.value.message_dict) == {"kind", "breakdowns"}


@pytest.mark.django_db(transaction=True)
def test_committed_changes_refresh_the_values_the_same_way(settings):
    """Outside a test transaction DuckDB reads and writes PostgreSQL itself (on SQLite, rows still come
    through Django's connection): the same figures, full or incremental."""
    from django.apps import apps

    from minka.conftest import build_territory, ensure_value_chains, make_user
    from minka.observatory import catalogue

    ensure_value_chains()
    catalogue.load(apps)
    places = build_territory()
    technician = make_user("t", "technician", places["quispicanchi"])
    Indicator.objects.create(code="people", name="people", kind="count", source="persons", breakdowns=["sex", "age"])
    a = register(technician, places["tinki"], name="A")
    milk_record(technician, a, datetime.date(2023, 9, 1), "100")
    training = learning.record_training(actor=technician, title="Ensilado", kind="workshop",
                                        start_date=datetime.date(2024, 2, 1), end_date=datetime.date(2024, 2, 1),
                                        place=places["ocongate"])
    learning.record_attendance(actor=technician, training=training, participants=[
        {"person": a.head, "actor": "family"}, {"name": "Luis", "sex": "M", "actor": "leader"}])
    engine.refresh()
    assert value("milk-volume", places["quispicanchi"], "S2023") == 100
    # a participant's age group comes from the registry (read from the persons already mirrored)
    assert value("participants", places["quispicanchi"], "S2023", "age:adult") == 1
    people_of = Value.objects.get(indicator__code="people", territory=places["tinki"], breakdown="age:adult")
    assert (people_of.numerator, people_of.households) == (2, 1)  # Juana and Lucio, one family
    settings.ANALYTICS_FOLLOW_CHANGES = True
    b = register(technician, places["ccopi"], name="B")  # each service call commits: a task each
    milk_record(technician, b, datetime.date(2023, 10, 1), "30")
    people.update_household(actor=technician, household=a, fields={"community": places["pacchanta"]})
    assert value("milk-volume", places["quispicanchi"], "S2023") == 130
    assert value("milk-volume", places["tinki"], "S2023") is None
    incremental = snapshot()
    engine.refresh()
    assert snapshot() == incremental
    if connection.vendor == "postgresql":  # the full refresh put a new table in place: indexed as before
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'observatory_value'")
            assert {row[0] for row in cursor.fetchall()} == {
                "observatory_value_pkey", "value_unique_territory", "value_unique_watershed"}
            cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'observatory_value'")
            assert cursor.fetchone()[0] == ["fillfactor=80"]  # room for values updated in place
            cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = 'observatory_value'::regclass")
            assert {row[0] for row in cursor.fetchall()} == {"observatory_value_pkey", "value_one_node",
                                                             "observatory_value_households_check"}
        with pytest.raises(IntegrityError):  # and its constraints hold
            with transaction.atomic():
                Value.objects.create(indicator=Indicator.objects.first(), numerator=1)


def test_a_sector_inside_a_community_adds_up_into_it(technician, coordinator, places, indicators, settings,
                                                     django_capture_on_commit_callbacks):
    """Fine units may hold others (a community's sectors): a community's figures include its
    sectors', months start at the district, after a refresh and after a family moves out."""
    settings.ANALYTICS_FOLLOW_CHANGES = True
    tinki = places["tinki"]
    with django_capture_on_commit_callbacks(execute=True):
        sector = territory.create_territory(kind="sector", code="081210-C01-S1", name="Sector alto", parent=tinki)
        a, b = register(technician, tinki, name="A"), register(technician, sector, name="B")
        for household, litres in [(a, "100"), (b, "40")]:
            milk_record(technician, household, datetime.date(2023, 9, 5), litres)
    engine.refresh()
    assert [value("milk-volume", unit, "S2023") for unit in (sector, tinki, places["ocongate"])] == [40, 140, 140]
    assert value("milk-volume", tinki, "M2023-09") is None and value("milk-volume", places["ocongate"],
                                                                    "M2023-09") == 140
    with django_capture_on_commit_callbacks(execute=True):  # the tree does not change, the family does
        people.update_household(actor=coordinator, household=b, fields={"community": places["pacchanta"]})
    assert [value("milk-volume", unit, "S2023") for unit in (sector, tinki, places["pacchanta"])] == [None, 100, 40]
    with django_capture_on_commit_callbacks(execute=True):  # a new sector: the tree is added up again
        other = territory.create_territory(kind="sector", code="081210-C02-S1", name="Sector bajo",
                                           parent=places["pacchanta"])
    incremental = snapshot()
    engine.refresh()
    assert incremental == snapshot() and other.pk
    assert value("beneficiaries", places["quispicanchi"]) == 2


def test_a_value_chain_created_after_the_store_was_built_rebuilds_it(technician, places, indicators, settings,
                                                                     django_capture_on_commit_callbacks, caplog):
    """The store types the codes repeated in millions of rows (value chains, measures, practices…) by
    those known when it was built: a change bringing a new one rebuilds it, and the values hold it."""
    settings.ANALYTICS_FOLLOW_CHANGES = True
    with django_capture_on_commit_callbacks(execute=True):
        register(technician, places["tinki"], name="A")
    engine.refresh()
    ValueChain.objects.create(code="honey", name="Miel")
    caplog.set_level("INFO", logger="minka.observatory.engine")
    with django_capture_on_commit_callbacks(execute=True):
        register(technician, places["tinki"], name="B", chains=("honey", "milk"))
    assert "a code new to the store" in caplog.text
    assert value("beneficiaries", places["tinki"], breakdown="chain:honey") == 1
    assert value("beneficiaries", places["tinki"], breakdown="chain:milk") == 2
    incremental = snapshot()
    engine.refresh()
    assert incremental == snapshot()
