"""Indicator values against figures computed by hand on a small territory."""

import datetime
from decimal import Decimal

import pytest

from minka.chains import services as chains
from minka.chains.models import IncomeSource, Measure, Practice
from minka.conftest import register
from minka.observatory import engine
from minka.observatory.models import Indicator, Target, Value
from minka.people import services as people
from minka.people.models import ValueChain


def value(code, territory, period="", breakdown=""):
    if isinstance(period, int):
        period = f"S{period}"
    row = Value.objects.filter(indicator__code=code, territory=territory, period=period, breakdown=breakdown).first()
    return row.value if row else None


@pytest.fixture
def ensure_indicators(db):
    from django.apps import apps

    from minka.observatory import catalogue

    catalogue.load(apps)


def test_families_roll_up_by_chain_and_sex_and_follow_a_family_that_moved(technician, coordinator, places,
                                                                        ensure_indicators):
    tinki, pacchanta, ccopi = places["tinki"], places["pacchanta"], places["ccopi"]
    a = register(technician, tinki, name="A", chains=("milk",))
    register(technician, pacchanta, name="B", chains=("milk", "guinea-pig"))
    c = register(coordinator, ccopi, name="C", chains=("guinea-pig",))
    engine.refresh()
    assert value("beneficiaries", places["ocongate"]) == 2 and value("beneficiaries", places["quispicanchi"]) == 3
    assert value("milk-producers", places["quispicanchi"]) == 2
    assert value("beneficiaries", places["quispicanchi"], breakdown="chain:guinea-pig") == 2
    assert value("beneficiaries", places["quispicanchi"], breakdown="sex:F") == 3  # every head here is a woman
    assert value("beneficiaries", places["quispicanchi"], breakdown="sex:M") is None
    # A family that moves to Ccatca is counted there, and only there, after the refresh.
    people.update_household(actor=coordinator, household=a, fields={"community": ccopi})
    engine.refresh()
    assert value("beneficiaries", places["ocongate"]) == 1 and value("beneficiaries", places["ccatca"]) == 2
    assert value("beneficiaries", places["quispicanchi"]) == 3
    assert c.pk


def test_ratios_and_paired_changes_are_summed_then_divided(technician, coordinator, places, ensure_indicators):
    milk = ValueChain.objects.get(code="milk")
    fat = Measure.objects.get(code="milk-fat")
    a, b = register(technician, places["tinki"], name="A"), register(coordinator, places["ccopi"], name="B")
    day = datetime.date(2023, 9, 1)
    for household, fats in [(a, ["3.5", "2.9", "3.6"]), (b, ["3.4"])]:
        for f in fats:
            chains.record_measurements(actor=coordinator, household=household, purpose="quality", chain=milk, date=day,
                                       values={fat: f})
    source = IncomeSource.objects.get(code="milk")
    for household, before, after in [(a, "1000", "1300"), (b, "3000", "3000")]:
        for season, amount in [(2020, before), (2024, after)]:
            chains.record_income(actor=coordinator, household=household, season=season,
                                 date=datetime.date(season + 1, 8, 10), lines={source: (Decimal(amount), Decimal(0))})
    engine.refresh()
    # Pass rate: Ocongate 2 of 3; the province 3 of 4 (not the mean of 67 % and 100 %).
    assert value("milk-quality", places["ocongate"], 2023).quantize(Decimal("0.1")) == Decimal("66.7")
    assert value("milk-quality", places["quispicanchi"], 2023) == Decimal("75")
    # Income: +30 % in Ocongate, 0 % in Ccatca, and (4300 - 4000) / 4000 = +7.5 % over both.
    assert value("income-milk", places["ocongate"], 2024) == Decimal("30")
    assert value("income-milk", places["quispicanchi"], 2024) == Decimal("7.5")


def test_transition_and_fertiliser_by_season(technician, ocongate_family, places, ensure_indicators):
    compost, biol, waste = (Practice.objects.get(code=c) for c in ("compost", "biol", "waste"))
    chains.assess_practices(actor=technician, household=ocongate_family, date=datetime.date(2022, 3, 1),
                            adopted={compost: Decimal("100")})
    chains.assess_practices(actor=technician, household=ocongate_family, date=datetime.date(2022, 6, 1),
                            adopted={compost: Decimal("150"), biol: Decimal("20"), waste: None})
    engine.refresh()
    assert value("transition", places["ocongate"], 2021) == 1  # the latest assessment of 2021-22 counts
    assert value("fertiliser-kg", places["ocongate"], 2021) == Decimal("250")  # both assessments' compost, no biol


def test_target_status_uses_the_visible_thresholds(places, ensure_indicators):
    target = Target(indicator=Indicator.objects.get(code="milk-producers"), territory=places["quispicanchi"],
                    baseline=Decimal(0), target=Decimal(490))
    assert [target.status(Decimal(v)) for v in (450, 300, 100)] == ["on_track", "at_risk", "off_track"]


def test_indicators_sharing_one_sort_of_assessments_count_their_own_stage(technician, coordinator, places,
                                                                         ensure_indicators):
    """The assessment indicators are computed together (one sort, one set of cells by stage): each
    still counts a family by its latest assessment of the period, at its own stage."""
    Indicator.objects.create(code="organic-families", name="organic", kind="count", source="assessments",
                             spec={"stage": "organic"}, breakdowns=["sex"], periods=["season", "year"])
    Indicator.objects.create(code="organic-share", name="organic share", kind="share", source="assessments",
                             spec={"stage": "organic"}, periods=["year"])
    compost = Practice.objects.get(code="compost")
    a, b = register(technician, places["tinki"], name="A"), register(technician, places["pacchanta"], name="B")
    c = register(coordinator, places["ccopi"], name="C")
    for household, day, stage in [(a, (2022, 3, 1), "transition"), (a, (2022, 6, 1), "organic"),
                                  (b, (2022, 4, 1), "organic"), (b, (2022, 5, 1), "conventional"),
                                  (c, (2022, 9, 1), "agroecological")]:
        assessment = chains.assess_practices(actor=technician if household != c else coordinator,
                                             household=household, date=datetime.date(*day),
                                             adopted={compost: Decimal("10")})
        assessment.stage = stage
        assessment.save()
    engine.refresh()
    ocongate, province = places["ocongate"], places["quispicanchi"]
    # 2021-22: A ends organic, B conventional (both in Ocongate); 2022-23: C agroecological (Ccatca).
    assert [value("transition", ocongate, 2021), value("transition-share", ocongate, 2021)] == [1, 50]
    assert [value("organic-families", ocongate, 2021), value("organic-families", province, 2022)] == [1, 0]
    assert value("organic-families", ocongate, 2021, "sex:F") == 1
    # The calendar year 2022 holds all five assessments: A organic, B conventional, C agroecological.
    assert [value("transition", province, "Y2022"), value("organic-families", province, "Y2022")] == [2, 1]
    assert value("organic-share", province, "Y2022").quantize(Decimal("0.1")) == Decimal("33.3")
    assert value("transition", province, "Y2022", "chain:milk") == 2


def test_persons_are_counted_each_and_their_families_once_in_every_breakdown(technician, coordinator, places,
                                                                             ensure_indicators):
    """A persons' indicator counts every member; the families it rests on (what suppression reads)
    count once in each breakdown one of their members has, however many members have it."""
    Indicator.objects.create(code="people", name="people", kind="count", source="persons",
                             breakdowns=["sex", "age", "chain"])
    year = datetime.date.today().year

    def member(sex, age, role="child"):
        return {"given_names": "X", "surnames": "Y", "sex": sex, "role": role, "birth_year": year - age}
    register(technician, places["tinki"], name="A", chains=("milk",),
             members=[member("F", 45, "head"), member("M", 47, "spouse"), member("F", 15)])
    register(technician, places["pacchanta"], name="B", chains=("milk", "guinea-pig"),
             members=[member("F", 75, "head"), member("F", 20)])
    register(coordinator, places["ccopi"], name="C", chains=("guinea-pig",), members=[member("M", 35, "head")])
    engine.refresh()

    def cell(territory, breakdown=""):
        row = Value.objects.get(indicator__code="people", territory=territory, period="", breakdown=breakdown)
        return row.numerator, row.households

    tinki, ocongate, province = places["tinki"], places["ocongate"], places["quispicanchi"]
    assert cell(tinki) == (3, 1) and cell(tinki, "sex:F") == (2, 1) and cell(tinki, "age:adult") == (2, 1)
    assert cell(ocongate) == (5, 2) and cell(ocongate, "sex:F") == (4, 2) and cell(ocongate, "sex:M") == (1, 1)
    assert cell(province) == (6, 3)
    assert [cell(province, f"sex:{sex}") for sex in "FM"] == [(4, 2), (2, 2)]
    assert [cell(province, f"age:{group}") for group in ("youth", "adult", "elder")] == [(2, 2), (3, 2), (1, 1)]
    assert [cell(province, f"chain:{chain}") for chain in ("milk", "guinea-pig")] == [(5, 2), (3, 2)]
