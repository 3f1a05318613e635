import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from minka.chains import services
from minka.chains.models import Measure, Record, Unit
from minka.people.models import ValueChain

TODAY = datetime.date.today()


def measures(*codes):
    found = {m.code: m for m in Measure.objects.filter(code__in=codes)}
    return [found[c] for c in codes]


@pytest.fixture
def milk(places):
    return ValueChain.objects.get(code="milk")


def test_a_technician_records_milk_production_in_real_units(technician, ocongate_family, milk):
    per_day, per_month, cows = measures("milk-litres-day", "milk-litres-month", "milk-cows")
    record = services.record_measurements(
        actor=technician, household=ocongate_family, purpose="production", chain=milk, date=TODAY,
        values={per_day: "12,5", per_month: "375", cows: "3"})
    values = {v.measure.code: v for v in record.values.select_related("measure__unit")}
    assert values["milk-litres-day"].number == Decimal("12.5")
    assert values["milk-litres-day"].display == "12.5 L/día"
    assert values["milk-cows"].display == "3 cab."
    assert record.passed is None and record.recorded_by == technician
    assert record.history.count() == 1


def test_quantities_in_another_unit_of_the_same_kind_are_converted(technician, ocongate_family, places):
    potato = ValueChain.objects.get(code="native-potato")
    (harvest,) = measures("potato-harvest")
    record = services.record_measurements(
        actor=technician, household=ocongate_family, purpose="production", chain=potato, date=TODAY,
        values={harvest: "10"}, units={harvest: Unit.objects.get(code="qq")})
    assert record.values.get().number == Decimal("460")
    with pytest.raises(ValidationError, match="se mide en kg, no en L"):
        services.record_measurements(
            actor=technician, household=ocongate_family, purpose="production", chain=potato, date=TODAY,
            values={harvest: "10"}, units={harvest: Unit.objects.get(code="l")})


@pytest.mark.parametrize("code, raw, message", [
    ("milk-litres-day", "-4", "no puede ser negativo"),
    ("milk-cows", "2.5", "número entero"),
    ("milk-litres-day", "mucho", "no es un número"),
    ("milk-litres-day", "5000", "máximo posible"),
])
def test_impossible_production_is_refused_and_nothing_is_saved(technician, ocongate_family, milk, code, raw, message):
    (measure,) = measures(code)
    with pytest.raises(ValidationError, match=message):
        services.record_measurements(actor=technician, household=ocongate_family, purpose="production",
                                     chain=milk, date=TODAY, values={measure: raw})
    assert not Record.objects.exists()


def test_a_record_cannot_be_dated_in_the_future(technician, ocongate_family, milk):
    (measure,) = measures("milk-litres-day")
    with pytest.raises(ValidationError, match="futura"):
        services.record_measurements(actor=technician, household=ocongate_family, purpose="production",
                                     chain=milk, date=TODAY + datetime.timedelta(days=1), values={measure: "4"})
    assert not Record.objects.exists()


def test_a_measure_of_another_chain_is_refused(technician, ocongate_family, milk):
    (measure,) = measures("gp-sold")
    with pytest.raises(ValidationError, match="no es una medida de Leche"):
        services.record_measurements(actor=technician, household=ocongate_family, purpose="production",
                                     chain=milk, date=TODAY, values={measure: "4"})


def test_milk_quality_is_judged_against_the_thresholds(technician, ocongate_family, milk):
    fat, solids, density, antibiotics, bacteria = measures(
        "milk-fat", "milk-solids", "milk-density", "milk-antibiotics", "milk-bacterial-class")
    good = services.record_measurements(
        actor=technician, household=ocongate_family, purpose="quality", chain=milk, date=TODAY,
        values={fat: "3.6", solids: "12.1", density: "1.031", antibiotics: "no", bacteria: "2"})
    assert good.passed is True
    bad = services.record_measurements(
        actor=technician, household=ocongate_family, purpose="quality", chain=milk, date=TODAY,
        values={fat: "2.9", antibiotics: "sí"})
    verdicts = {v.measure.code: (v.passed, v.threshold) for v in bad.values.all()}
    assert bad.passed is False
    assert verdicts["milk-fat"] == (False, "≥ 3.2 %")
    assert verdicts["milk-antibiotics"] == (False, "no")


def test_fat_of_ninety_percent_is_refused(technician, ocongate_family, milk):
    (fat,) = measures("milk-fat")
    with pytest.raises(ValidationError, match="máximo posible"):
        services.record_measurements(actor=technician, household=ocongate_family, purpose="quality", chain=milk,
                                     date=TODAY, values={fat: "90"})


def test_coordinators_set_thresholds_and_old_verdicts_stay(coordinator, technician, ocongate_family, milk):
    (fat,) = measures("milk-fat")
    changes_before = fat.history.count()
    old = services.record_measurements(actor=technician, household=ocongate_family, purpose="quality", chain=milk,
                                       date=TODAY, values={fat: "3.3"})
    with pytest.raises(services.PermissionDenied):
        services.set_thresholds(actor=technician, measure=fat, pass_min=Decimal("3.5"))
    services.set_thresholds(actor=coordinator, measure=fat, pass_min=Decimal("3.5"))
    new = services.record_measurements(actor=technician, household=ocongate_family, purpose="quality", chain=milk,
                                       date=TODAY, values={fat: "3.3"})
    assert old.values.get().passed is True and old.values.get().threshold == "≥ 3.2 %"
    assert new.values.get().passed is False and new.values.get().threshold == "≥ 3.5 %"
    assert fat.history.count() == changes_before + 1
    assert fat.history.first().history_user == coordinator
    with pytest.raises(ValidationError):
        services.set_thresholds(actor=coordinator, measure=fat, pass_min=Decimal("40"))


def test_guinea_pig_grading_and_organic_inspection(technician, ocongate_family, places):
    guinea_pig = ValueChain.objects.get(code="guinea-pig")
    grade, result = measures("gp-grade", "organic-result")
    graded = services.record_measurements(actor=technician, household=ocongate_family, purpose="quality",
                                          chain=guinea_pig, date=TODAY, values={grade: "Primera"})
    assert graded.passed is True and graded.values.get().text == "first"
    inspection = services.record_measurements(actor=technician, household=ocongate_family, purpose="quality",
                                              date=TODAY, values={result: "no conforme"})
    assert inspection.passed is False


def test_a_record_outside_the_scope_is_refused(officer, ocongate_family, milk):
    (measure,) = measures("milk-litres-day")
    with pytest.raises(services.PermissionDenied):
        services.record_measurements(actor=officer, household=ocongate_family, purpose="production", chain=milk,
                                     date=TODAY, values={measure: "4"})


def test_a_correction_keeps_the_history(technician, ocongate_family, milk):
    per_day, cows = measures("milk-litres-day", "milk-cows")
    record = services.record_measurements(actor=technician, household=ocongate_family, purpose="production",
                                          chain=milk, date=TODAY, values={per_day: "8", cows: "2"})
    services.correct_record(actor=technician, record=record, date=TODAY, values={per_day: "9", cows: ""})
    assert [v.measure.code for v in record.values.all()] == ["milk-litres-day"]
    assert record.values.get().number == Decimal("9")
    assert record.values.model.history.filter(record_id=record.pk).count() == 4  # 2 created, 1 changed, 1 removed


def test_list_options_are_named_in_the_users_language(technician, ocongate_family, milk):
    from django.utils import translation

    (bacteria,) = measures("milk-bacterial-class")
    record = services.record_measurements(actor=technician, household=ocongate_family, purpose="quality", chain=milk,
                                          date=TODAY, values={bacteria: "2 clase (chawpi, 2manta 5 hora kama)"})
    value = record.values.get()
    assert value.text == "2" and value.passed is True
    with translation.override("en"):
        assert value.display == "Class 2 (fair, 2 to 5 h)"
        assert bacteria.threshold_text() == "Class 1 (good, over 5 h), Class 2 (fair, 2 to 5 h)"
