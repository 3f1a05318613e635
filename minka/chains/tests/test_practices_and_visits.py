import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from minka.chains import selectors, services
from minka.chains.models import Practice, PracticeAssessment, Stage, Topic, TransitionRule, Visit

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


def practices(*codes):
    found = {p.code: p for p in Practice.objects.filter(code__in=codes)}
    return [found[c] for c in codes]


def test_the_stage_follows_from_the_practices_by_the_rules(technician, ocongate_family):
    compost, biol, waste, reduced, pasture, water, certification = practices(
        "compost", "biol", "waste", "reduced-agrochemicals", "native-pasture", "water-harvesting",
        "organic-certification")
    assess = lambda adopted: services.assess_practices(  # noqa: E731
        actor=technician, household=ocongate_family, date=TODAY, adopted=adopted).stage
    assert assess({}) == Stage.CONVENTIONAL
    assert assess({compost: Decimal("300"), biol: Decimal("40")}) == Stage.TRANSITION
    # Five practices but not the required reduction of agrochemicals: still in transition.
    assert assess({compost: None, biol: None, waste: None, pasture: None, water: None}) == Stage.TRANSITION
    assert assess({compost: None, biol: None, waste: None, pasture: None, reduced: None}) == Stage.AGROECOLOGICAL
    assert assess({compost: None, biol: None, waste: None, pasture: None, reduced: None,
                   certification: None}) == Stage.ORGANIC
    # Certified without the agroecological basis does not skip a stage.
    assert assess({certification: None, waste: None}) == Stage.TRANSITION
    assert PracticeAssessment.objects.count() == 1  # the same day's assessment is replaced


def test_coordinators_change_a_rule_and_every_family_is_classified_again(coordinator, technician, ocongate_family):
    compost, biol = practices("compost", "biol")
    assessment = services.assess_practices(actor=technician, household=ocongate_family, date=TODAY,
                                           adopted={compost: None, biol: None})
    assert assessment.stage == Stage.TRANSITION
    rule = TransitionRule.objects.get(stage=Stage.TRANSITION)
    with pytest.raises(services.PermissionDenied):
        services.set_transition_rule(actor=technician, rule=rule, min_practices=3, required_practices=[])
    with pytest.raises(ValidationError):
        services.set_transition_rule(actor=coordinator, rule=rule, min_practices=0,
                                     required_practices=[compost, biol])
    assert services.set_transition_rule(actor=coordinator, rule=rule, min_practices=3, required_practices=[]) == 1
    assessment.refresh_from_db()
    assert assessment.stage == Stage.CONVENTIONAL
    assert (rule.history.first().min_practices, rule.history.first().history_user) == (3, coordinator)


def test_negative_fertiliser_is_refused(technician, ocongate_family):
    (compost,) = practices("compost")
    with pytest.raises(ValidationError, match="negativa"):
        services.assess_practices(actor=technician, household=ocongate_family, date=TODAY,
                                  adopted={compost: Decimal("-5")})
    assert not PracticeAssessment.objects.exists()


def test_a_visit_puts_a_follow_up_on_the_agenda_until_the_next_visit(technician, ocongate_family, places):
    topics = list(Topic.objects.filter(code__in=["animal-health", "feeding"]))
    first = services.record_visit(actor=technician, household=ocongate_family, date=TODAY - 10 * DAY,
                                  topics=topics, recommendations="Desparasitar", follow_up_due=TODAY - 3 * DAY)
    agenda, _today = selectors.agenda_for(technician)
    assert list(agenda) == [first]
    services.record_visit(actor=technician, household=ocongate_family, date=TODAY)
    first.refresh_from_db()
    assert first.follow_up_done_on == TODAY
    assert not selectors.agenda_for(technician)[0].exists()
    assert set(first.topics.all()) == set(topics)


def test_a_visit_outside_the_technicians_scope_is_refused(technician, ccatca_family):
    with pytest.raises(services.PermissionDenied, match="fuera de su ámbito"):
        services.record_visit(actor=technician, household=ccatca_family, date=TODAY)
    assert not Visit.objects.exists()


def test_a_follow_up_before_the_visit_is_refused(technician, ocongate_family):
    with pytest.raises(ValidationError):
        services.record_visit(actor=technician, household=ocongate_family, date=TODAY,
                              follow_up_due=TODAY - DAY)
    assert not Visit.objects.exists()


def test_the_agenda_of_the_outsider_holds_no_ocongate_visit(technician, officer, ocongate_family):
    services.record_visit(actor=technician, household=ocongate_family, date=TODAY, follow_up_due=TODAY + DAY)
    assert selectors.agenda_for(technician)[0].count() == 1
    assert selectors.agenda_for(officer)[0].count() == 0


def test_income_change_counts_only_the_same_families(technician, ocongate_family, places):
    from minka.chains.models import IncomeSource, IncomeSurvey
    from minka.conftest import register

    milk, off_farm = IncomeSource.objects.get(code="milk"), IncomeSource.objects.get(code="off-farm")
    second = register(technician, places["pacchanta"], name="Familia Ccori")
    newcomer = register(technician, places["pacchanta"], name="Familia Nina")
    day = datetime.date(2024, 9, 1)
    services.record_income(actor=technician, household=ocongate_family, season=2022, date=datetime.date(2023, 8, 5),
                           round="baseline", lines={milk: (Decimal("4000.00"), Decimal("1000.00")),
                                                    off_farm: (Decimal("900"), Decimal("0"))})
    services.record_income(actor=technician, household=second, season=2022, date=datetime.date(2023, 8, 5),
                           lines={milk: (Decimal("2000.00"), Decimal("500.00"))})
    services.record_income(actor=technician, household=ocongate_family, season=2024, date=day,
                           lines={milk: (Decimal("4400.00"), Decimal("1100.00"))})
    services.record_income(actor=technician, household=second, season=2024, date=day,
                           lines={milk: (Decimal("1650.00"), Decimal("450.00"))})
    # A richer family surveyed only at follow-up must not inflate the change.
    services.record_income(actor=technician, household=newcomer, season=2024, date=day,
                           lines={milk: (Decimal("20000.00"), Decimal("0"))})
    change = selectors.paired_income_change(IncomeSurvey.objects.all(), base_season=2022, season=2024, source=milk)
    # before 3000 + 1500 = 4500, after 3300 + 1200 = 4500: no change for the same families.
    assert change == {"households": 2, "unpaired": 1, "before": Decimal("2250.00"), "after": Decimal("2250.00"),
                      "change_pct": Decimal("0.0")}


def test_income_is_refused_when_negative_or_finer_than_a_centimo(technician, ocongate_family, places):
    from minka.chains.models import IncomeSource, IncomeSurvey

    milk = IncomeSource.objects.get(code="milk")
    for amounts in [(Decimal("-1"), Decimal("0")), (Decimal("10.005"), Decimal("0"))]:
        with pytest.raises(ValidationError):
            services.record_income(actor=technician, household=ocongate_family, season=2023,
                                   date=datetime.date(2024, 8, 2), lines={milk: amounts})
    with pytest.raises(ValidationError, match="anterior a su inicio"):
        services.record_income(actor=technician, household=ocongate_family, season=2023,
                               date=datetime.date(2023, 7, 2), lines={milk: (Decimal("1"), Decimal("0"))})
    assert not IncomeSurvey.objects.exists()
