"""Five agricultural seasons (2020-21 to 2024-25) of field records for the demo families, made to
look like the programs: production in each chain's units, milk tests and guinea pig grading,
practices adopted step by step, assistance visits, and paired income surveys. Trends differ by
district and chain (Ocongate's milk grows faster than Andahuaylillas'; guinea pig income grows
most), so that the observatory has real-looking contrasts to show. Deterministic for a seed."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from minka.people.models import Enrolment, Household

from .models import (AdoptedPractice, IncomeLine, IncomeSource, IncomeSurvey, Measure, Practice, PracticeAssessment,
                     Record, RecordValue, Topic, TransitionRule, Visit)
from .services import stage_for

SEASONS = [2020, 2021, 2022, 2023, 2024]
# Yearly growth of production by district (ubigeo) and chain: the program works better in some places.
GROWTH = {"081210": 0.025, "081205": 0.012, "081202": 0.004, "080205": 0.015, "030108": 0.015}
CHAIN_GROWTH = {"milk": 1.0, "dairy": 2.0, "guinea-pig": 2.0, "mushroom": 1.5, "native-potato": 1.2,
                "restaurant": 1.1}
# Net income of a typical family enterprise per season in soles at baseline, and its costs share.
BASE_INCOME = {"milk": 4200, "dairy": 9000, "guinea-pig": 2600, "mushroom": 1800, "native-potato": 3500,
               "restaurant": 15000}
VISIT_TOPICS = {"milk": ["animal-health", "feeding", "milking-hygiene", "breeding"],
                "dairy": ["processing", "milking-hygiene", "marketing", "business"],
                "guinea-pig": ["sheds", "feeding", "animal-health", "breeding"],
                "mushroom": ["mushroom-growing", "marketing", "business"],
                "native-potato": ["seed", "organic-fertiliser", "pest-control"],
                "restaurant": ["marketing", "business", "gender"]}
Q2 = Decimal("0.01")
Q4 = Decimal("0.0001")


def _d(value, quantum=Q4):
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def _dates(season):
    """Two field rounds a season: the dry season (October) and the rainy season (March)."""
    return datetime.date(season, 10, 12), datetime.date(season + 1, 3, 15)


def _production(rng, chain, level, month_factor):
    """{measure code: value} for one record of a chain at a production level (1.0 = baseline)."""
    noise = lambda spread=0.12: max(0.2, rng.gauss(1, spread))  # noqa: E731
    if chain == "milk":
        cows = max(1, round(rng.choice([2, 2, 3, 3, 4, 5, 6]) * (0.9 + 0.1 * level)))
        per_cow = 4.5 * level * month_factor * noise()
        per_day = min(cows * per_cow, 900)
        return {"milk-cows": cows, "milk-litres-day": _d(per_day, Decimal("0.1")),
                "milk-litres-month": _d(per_day * 30, Decimal("1"))}
    if chain == "dairy":
        return {"dairy-fresh-cheese": _d(120 * level * noise(), Decimal("0.1")),
                "dairy-andean-cheese": _d(40 * level * noise(0.3), Decimal("0.1")),
                "dairy-yoghurt": _d(60 * level * noise(0.3), Decimal("0.1"))}
    if chain == "guinea-pig":
        stock = round(40 * level * noise())
        return {"gp-breeding-stock": stock, "gp-sold": round(stock * 0.35 * noise()),
                "gp-live-weight": _d(min(2.4, 0.85 + 0.12 * level * noise(0.05)), Decimal("0.01"))}
    if chain == "mushroom":
        fresh = 60 * level * month_factor * noise(0.25)
        return {"mushroom-fresh": _d(fresh, Decimal("0.1")), "mushroom-dried": _d(fresh * 0.1, Decimal("0.1"))}
    if chain == "native-potato":
        area = min(3.0, 0.4 * noise(0.3))
        return {"potato-varieties": max(3, round(18 * level * noise(0.3))), "potato-area": _d(area, Decimal("0.01")),
                "potato-harvest": _d(area * 9000 * level * noise(), Decimal("1"))}
    covers = 900 * level * month_factor * noise()
    return {"restaurant-covers": round(covers), "restaurant-local-purchases": _d(covers * 4.2, Q2)}


def _milk_test(rng, season_index):
    """A milk test that passes more often as the program goes on."""
    care = min(0.97, 0.66 + 0.06 * season_index + rng.uniform(-0.08, 0.08))
    fat = rng.gauss(3.5 if rng.random() < care else 3.0, 0.2)
    return {"milk-fat": _d(max(1.5, fat), Decimal("0.01")), "milk-solids": _d(rng.gauss(12.0, 0.3), Decimal("0.01")),
            "milk-density": _d(rng.gauss(1.0316, 0.0008), Q4), "milk-acidity": _d(rng.gauss(15.2, 0.7), Decimal("0.1")),
            "milk-antibiotics": "true" if rng.random() > care + 0.05 else "false",
            "milk-bacterial-class": rng.choices(["1", "2", "3", "4"], weights=[care * 4, 3, 1.5 - care, 0.5])[0]}


def _gp_grade(rng, level):
    weight = max(0.5, rng.gauss(0.85 + 0.1 * level, 0.12))
    grade = "extra" if weight > 1.05 else "first" if weight > 0.9 else "second" if weight > 0.7 else "cull"
    return {"gp-grade": grade, "gp-grade-weight": _d(weight, Decimal("0.01"))}


@transaction.atomic
def create_field_records(rng, *, technicians):
    """Records for every demo family enrolled in a chain, and practices for every demo family."""
    if Record.objects.filter(source=Record.Source.DEMO).exists():
        return 0
    measures = {m.code: m for m in Measure.objects.select_related("unit")}
    enrolments = list(Enrolment.objects.filter(household__is_demo=True, until__isnull=True)
                      .select_related("chain", "household__community__parent"))
    records, values, visits, topic_links, surveys, lines = [], [], [], [], [], []
    topics = {t.code: t for t in Topic.objects.all()}
    sources = {s.code: s for s in IncomeSource.objects.all()}
    off_farm, other_farm = sources["off-farm"], sources["other-farm"]
    for enrolment in enrolments:
        household, chain = enrolment.household, enrolment.chain.code
        ubigeo = household.community.parent.code
        growth = GROWTH.get(ubigeo, 0.03) * CHAIN_GROWTH[chain]
        technician = technicians.get(ubigeo) or technicians["default"]
        talent = rng.gauss(1, 0.15)
        for index, season in enumerate(SEASONS):
            level = talent * (1 + growth) ** index
            for round_index, day in enumerate(_dates(season)):
                day = day + datetime.timedelta(days=rng.randint(-6, 6))
                if day < enrolment.since:
                    continue  # the program records a chain from the family's enrolment on
                record = Record(purpose="production", household=household, chain=enrolment.chain, date=day,
                                source=Record.Source.DEMO, recorded_by=technician)
                records.append(record)
                month_factor = 0.8 if round_index == 0 else 1.15  # more grass in the rainy season
                for code, value in _production(rng, chain, level, month_factor).items():
                    values.append((record, measures[code], value))
                if round_index == 1 and chain in ("milk", "guinea-pig"):
                    test = Record(purpose="quality", household=household, chain=enrolment.chain,
                                  date=day + datetime.timedelta(days=2), source=Record.Source.DEMO,
                                  recorded_by=technician)
                    records.append(test)
                    sample = _milk_test(rng, index) if chain == "milk" else _gp_grade(rng, level)
                    for code, value in sample.items():
                        values.append((test, measures[code], value))
                if rng.random() < 0.8:
                    due = day + datetime.timedelta(days=rng.choice([30, 45, 60]))
                    visit = Visit(household=household, technician=technician, date=day, chain=enrolment.chain,
                                  recommendations=rng.choice(RECOMMENDATIONS[chain]), follow_up_due=due,
                                  follow_up_done_on=None, source=Record.Source.DEMO)
                    visits.append(visit)
                    topic_links.append((visit, rng.sample(VISIT_TOPICS[chain], 2)))
        # Income: baseline in 2020-21, follow-ups in 2022-23 and 2024-25; some families drop out.
        for season, survey_round in [(2020, "baseline"), (2022, "follow_up"), (2024, "follow_up")]:
            if season != 2020 and rng.random() < 0.08:
                continue
            index = SEASONS.index(season)
            level = talent * (1 + growth * 0.9) ** index
            survey = IncomeSurvey(household=household, season=season, round=survey_round,
                                  date=datetime.date(season + 1, 8, rng.randint(3, 28)), source=Record.Source.DEMO,
                                  surveyed_by=technician)
            surveys.append(survey)
            income = BASE_INCOME[chain] * level * rng.gauss(1, 0.1)
            lines.append((survey, sources[chain], _d(income * 1.45, Q2), _d(income * 0.45, Q2)))
            lines.append((survey, off_farm, _d(rng.uniform(600, 3500), Q2), Decimal("0.00")))
            if rng.random() < 0.6:
                lines.append((survey, other_farm, _d(rng.uniform(300, 1500), Q2), _d(rng.uniform(50, 300), Q2)))
    _close_follow_ups(visits)
    if technicians.get("081210") is not None:
        recent, recent_links = _current_agenda(rng, enrolments, technicians, topics)
        visits += recent
        topic_links += recent_links
    bulk_create_with_history(records, Record, batch_size=1000, default_user=None)
    _judge_and_save_values(records, values)
    bulk_create_with_history(visits, Visit, batch_size=1000)
    through = Visit.topics.through
    through.objects.bulk_create([through(visit_id=v.pk, topic_id=topics[c].pk) for v, codes in topic_links
                                 for c in codes], batch_size=2000)
    bulk_create_with_history(surveys, IncomeSurvey, batch_size=1000)
    bulk_create_with_history([IncomeLine(survey=s, source=src, income=i, costs=c) for s, src, i, c in lines],
                             IncomeLine, batch_size=2000)
    _create_assessments(rng, technicians)
    return len(records)


RECOMMENDATIONS = {
    "milk": ["Desparasitar el hato y registrar la fecha", "Sembrar avena y rye grass antes de las lluvias",
             "Lavar ubres y baldes antes del ordeño", "Separar la leche de vacas tratadas con antibiótico"],
    "dairy": ["Controlar la temperatura de cuajado", "Etiquetar los quesos con fecha de elaboración",
              "Registrar costos de leche e insumos"],
    "guinea-pig": ["Separar reproductores por edad", "Ampliar pozas y mejorar la ventilación",
                   "Suplementar con alfalfa en época seca"],
    "mushroom": ["Secar a la sombra con malla", "Registrar la cosecha por semana"],
    "native-potato": ["Seleccionar semilla sana", "Aplicar biol cada 15 días", "Rotar con habas y tarwi"],
    "restaurant": ["Comprar papa nativa a productores de la asociación", "Llevar cuaderno de ventas"],
}


def _close_follow_ups(visits):
    """A later visit to the same family closes the follow-up, as record_visit does; the last ones of
    the demo's seasons were followed up in time."""
    by_household = {}
    for visit in sorted(visits, key=lambda v: v.date):
        earlier = by_household.get(visit.household.pk)
        if earlier is not None and earlier.follow_up_due:
            earlier.follow_up_done_on = visit.date
        by_household[visit.household.pk] = visit
    for visit in by_household.values():
        if visit.follow_up_due and visit.follow_up_done_on is None:
            visit.follow_up_done_on = visit.follow_up_due


def _current_agenda(rng, enrolments, technicians, topics):
    """A few visits of the last weeks, so that today's agenda has follow-ups due (and two late)."""
    today = datetime.date.today()
    technician = technicians.get("081210")
    ocongate = [e for e in enrolments if e.household.community.parent.code == "081210"]
    visits, links = [], []
    for n, enrolment in enumerate(rng.sample(ocongate, min(14, len(ocongate)))):
        day = today - datetime.timedelta(days=rng.randint(3, 40))
        due = today + datetime.timedelta(days=rng.randint(1, 30)) if n >= 2 else today - datetime.timedelta(days=n + 2)
        visits.append(Visit(household=enrolment.household, technician=technician, date=day, chain=enrolment.chain,
                            recommendations=rng.choice(RECOMMENDATIONS[enrolment.chain.code]),
                            follow_up_due=max(due, day), source=Record.Source.DEMO))
        links.append((visits[-1], rng.sample(VISIT_TOPICS[enrolment.chain.code], 2)))
    return visits, links


def _judge_and_save_values(records, values):
    rows = []
    for record, measure, value in values:
        number = Decimal(value) if measure.is_numeric else None
        text = "" if measure.is_numeric else str(value)
        verdict = measure.judge(number if measure.is_numeric else text) if record.purpose == "quality" else None
        rows.append(RecordValue(record=record, measure=measure, number=number, text=text, passed=verdict,
                                threshold=measure.threshold_text() if verdict is not None else ""))
    bulk_create_with_history(rows, RecordValue, batch_size=2000)
    verdicts = {}
    for row in rows:
        if row.passed is not None:
            verdicts.setdefault(row.record.pk, []).append(row.passed)
    judged = []
    for record in records:
        if record.pk in verdicts:
            record.passed = all(verdicts[record.pk])
            judged.append(record)
    Record.objects.bulk_update(judged, ["passed"], batch_size=1000)


PRACTICE_PACE = {"081210": 1.0, "081205": 0.8, "081202": 0.6, "080205": 1.2, "030108": 1.1}


def _create_assessments(rng, technicians):
    """Every demo family is assessed in 2020-21, 2022-23 and 2024-25; practices accumulate."""
    practices = list(Practice.objects.order_by("order"))
    base = [p for p in practices if p.code not in ("organic-certification",)]
    certification = next(p for p in practices if p.code == "organic-certification")
    rules = {r.stage: r for r in TransitionRule.objects.prefetch_related("required_practices")}
    assessments, adopted = [], []
    households = Household.objects.filter(is_demo=True).select_related("community__parent").prefetch_related(
        "enrolments__chain")
    for household in households.iterator(chunk_size=500):
        ubigeo = household.community.parent.code
        pace = PRACTICE_PACE.get(ubigeo, 1.0) * rng.uniform(0.5, 1.5)
        chains = {e.chain.code for e in household.enrolments.all()}
        held = set()
        for step, season in enumerate([2020, 2022, 2024]):
            target = min(len(base), int(round((1 + step * 2.2) * pace + rng.uniform(-1, 1))))
            candidates = [p for p in base if p not in held]
            rng.shuffle(candidates)
            # The program pushes compost and the reduction of agrochemicals first.
            candidates.sort(key=lambda p: p.code not in ("compost", "reduced-agrochemicals", "biol"))
            while len(held) < target and candidates:
                held.add(candidates.pop(0))
            chosen = set(held)
            if "native-potato" in chains and step == 2 and len(held) >= 5 and rng.random() < 0.8:
                chosen.add(certification)
            day = datetime.date(season + 1, 5, rng.randint(2, 27))
            technician = technicians.get(ubigeo) or technicians["default"]
            assessment = PracticeAssessment(household=household, date=day, assessed_by=technician,
                                            stage=stage_for([p.pk for p in chosen], rules), source=Record.Source.DEMO)
            assessments.append(assessment)
            for practice in chosen:
                quantity = None
                if practice.quantity_unit_id:
                    quantity = _d(rng.uniform(80, 600) * (1 + step * 0.4), Q2)
                adopted.append((assessment, practice, quantity))
    bulk_create_with_history(assessments, PracticeAssessment, batch_size=1000)
    bulk_create_with_history([AdoptedPractice(assessment=a, practice=p, quantity=q) for a, p, q in adopted],
                             AdoptedPractice, batch_size=2000)


def demo_technicians():
    """The field technicians the demo records are signed by: `tecnico` in Ocongate, the
    coordinator elsewhere (both demo users)."""
    User = get_user_model()
    technician = User.objects.filter(username="tecnico").first()
    coordinator = User.objects.filter(username="coordinador").first() or technician
    return {"081210": technician, "default": coordinator}
