"""Computing every indicator for every territory unit and season from the records.

Facts are counted once at the level where they happen (a family's community, a training's place),
as additive parts — a numerator, a denominator and the number of families — and then added up
along the materialised path to every unit above. Ratios, averages and changes are derived from
the sums, never averaged from averages, so a roll-up is correct by construction."""

from collections import defaultdict
from decimal import Decimal

from django.db import transaction


from minka.chains.models import STAGE_ORDER, AdoptedPractice, IncomeLine, PracticeAssessment, Record
from minka.core.periods import season_of
from minka.learning.models import Participant
from minka.people.models import Enrolment, Household, Person
from minka.territory.models import Territory

from .models import Indicator, Value

ZERO = Decimal("0")


class Facts:
    """Additive parts per (place, season, breakdown): numerator, denominator, families."""

    def __init__(self):
        self.parts = defaultdict(lambda: [ZERO, ZERO, set()])

    def add(self, place, season, breakdown, numerator=1, denominator=0, household=None):
        part = self.parts[(place, season, breakdown)]
        part[0] += Decimal(numerator)
        part[1] += Decimal(denominator)
        if household is not None:
            part[2].add(household)


def _households(indicator, facts):
    chain = indicator.spec.get("chain")
    heads = dict(Person.objects.filter(role=Person.Role.HEAD).values_list("household_id", "sex"))
    if chain:
        rows = Enrolment.objects.filter(until__isnull=True, chain__code=chain).values_list(
            "household_id", "household__community_id").distinct()
    else:
        rows = Household.objects.values_list("pk", "community_id")
    for household, community in rows:
        for breakdown in ("", f"sex:{heads.get(household, '')}"):
            facts.add(community, None, breakdown, household=household)
    if not chain:
        for household, community, code in Enrolment.objects.filter(until__isnull=True).values_list(
                "household_id", "household__community_id", "chain__code"):
            facts.add(community, None, f"chain:{code}", household=household)


def _stage(indicator, facts):
    threshold = STAGE_ORDER.index(indicator.spec.get("stage", "transition"))
    latest = {}
    for household, community, date, stage in PracticeAssessment.objects.order_by("date", "pk").values_list(
            "household_id", "household__community_id", "date", "stage"):
        latest[(household, season_of(date))] = (community, stage)
    for (household, season), (community, stage) in latest.items():
        reached = STAGE_ORDER.index(stage) >= threshold
        facts.add(community, season, "", numerator=1 if reached else 0, denominator=1, household=household)


def _fertiliser(indicator, facts):
    unit = indicator.spec.get("unit", "kg")
    rows = AdoptedPractice.objects.filter(practice__is_fertiliser=True, quantity__isnull=False,
                                          practice__quantity_unit__symbol=unit).values_list(
        "assessment__household_id", "assessment__household__community_id", "assessment__date", "quantity",
        "practice__code")
    for household, community, date, quantity, practice in rows:
        for breakdown in ("", f"practice:{practice}"):
            facts.add(community, season_of(date), breakdown, numerator=quantity, household=household)


def _quality_pass(indicator, facts):
    records = Record.objects.filter(purpose="quality", passed__isnull=False)
    if indicator.spec.get("chain"):
        records = records.filter(chain__code=indicator.spec["chain"])
    for household, community, date, passed in records.values_list("household_id", "household__community_id",
                                                                    "date", "passed"):
        facts.add(community, season_of(date), "", numerator=1 if passed else 0, denominator=1, household=household)


def _participants(indicator, facts):
    for pk, place, date, actor, sex in Participant.objects.values_list(
            "pk", "training__place_id", "training__start_date", "actor", "sex"):
        for breakdown in ("", f"actor:{actor}", f"sex:{sex}"):
            facts.add(place, season_of(date), breakdown, household=("participant", pk))


def _income_change(indicator, facts):
    """Net income of the same families in the base season and each later season."""
    lines = IncomeLine.objects.all()
    if indicator.spec.get("source"):
        lines = lines.filter(source__code=indicator.spec["source"])
    net = defaultdict(lambda: ZERO)
    community = {}
    for household, place, season, income, costs in lines.values_list(
            "survey__household_id", "survey__household__community_id", "survey__season", "income", "costs"):
        net[(household, season)] += income - costs
        community[household] = place
    base = indicator.spec.get("base_season", 2020)
    for (household, season), after in net.items():
        before = net.get((household, base))
        if season > base and before is not None:
            facts.add(community[household], season, "", numerator=after, denominator=before, household=household)


COMPUTE = {Indicator.Kind.HOUSEHOLDS: _households, Indicator.Kind.STAGE: _stage,
           Indicator.Kind.FERTILISER: _fertiliser, Indicator.Kind.QUALITY_PASS: _quality_pass,
           Indicator.Kind.PARTICIPANTS: _participants, Indicator.Kind.INCOME_CHANGE: _income_change}


def _roll_up(facts):
    """The facts of each place added to every unit above it (one query for the tree)."""
    places = {place for place, _season, _breakdown in facts.parts}
    paths = dict(Territory.objects.filter(pk__in=places).values_list("pk", "path"))
    codes = {code for path in paths.values() for code in path.strip("/").split("/")}
    ids = dict(Territory.objects.filter(code__in=codes).values_list("code", "pk"))
    totals = defaultdict(lambda: [ZERO, ZERO, set()])
    for (place, season, breakdown), (numerator, denominator, households) in facts.parts.items():
        for code in paths[place].strip("/").split("/"):
            total = totals[(ids[code], season, breakdown)]
            total[0] += numerator
            total[1] += denominator
            total[2] |= households
    return totals


@transaction.atomic
def refresh(indicators=None):
    """Recompute the given indicators (all by default) for every unit and season."""
    indicators = list(indicators if indicators is not None else Indicator.objects.all())
    written = 0
    for indicator in indicators:
        facts = Facts()
        COMPUTE[indicator.kind](indicator, facts)
        rows = [Value(indicator=indicator, territory_id=territory, season=season, breakdown=breakdown,
                      numerator=numerator, denominator=denominator if denominator else None,
                      households=len(households))
                for (territory, season, breakdown), (numerator, denominator, households) in _roll_up(facts).items()]
        Value.objects.filter(indicator=indicator).delete()
        Value.objects.bulk_create(rows, batch_size=2000)
        written += len(rows)
    return written
