"""Reading computed values for a dashboard: one territory, all indicators, all seasons (one query),
and the same for its children (one query)."""

from collections import defaultdict

from django.db.models import Q

from .models import Indicator, Target, Value


def breakdown_labels():
    """What a breakdown key is called on the page: «chain:milk» → «Leche»."""
    from minka.chains.models import Practice
    from minka.learning.models import Actor
    from minka.people.models import Person, ValueChain

    labels = {f"chain:{c.code}": c.label for c in ValueChain.objects.all()}
    labels |= {f"sex:{code}": str(name) for code, name in Person.Sex.choices}
    labels |= {f"actor:{code}": str(name) for code, name in Actor.choices}
    labels |= {f"practice:{p.code}": p.label for p in Practice.objects.all()}
    return labels


SEASONAL = Q(period="") | Q(period__startswith="S")
PERSONAL_KINDS = ("community", "sector")


def dashboard(territory, children=()):
    indicators = list(Indicator.objects.all())
    values = Value.objects.filter(SEASONAL, territory=territory).select_related("indicator")
    by_indicator = defaultdict(list)
    for row in values:
        by_indicator[row.indicator_id].append(row)
    targets = {(t.indicator_id, t.breakdown): t for t in Target.objects.filter(territory=territory)}
    child_values = defaultdict(dict)
    for row in Value.objects.filter(SEASONAL, territory__in=children, breakdown="").select_related("indicator"):
        current = child_values[row.indicator_id].get(row.territory_id)
        if current is None or (row.season or 0) > (current.season or 0):
            child_values[row.indicator_id][row.territory_id] = row
    names = breakdown_labels()
    for row in values:
        row.label = names.get(row.breakdown, row.breakdown)
    for target in targets.values():
        target.label = names.get(target.breakdown, target.breakdown)
    cards = []
    for indicator in indicators:
        rows = by_indicator.get(indicator.pk, [])
        totals = sorted((r for r in rows if not r.breakdown), key=lambda r: r.season or 0)
        latest = totals[-1] if totals else None
        latest_season = latest.season if latest else None
        breakdowns = sorted((r for r in rows if r.breakdown and r.season == latest_season), key=lambda r: r.breakdown)
        target = targets.get((indicator.pk, ""))
        cards.append({
            "indicator": indicator, "latest": latest, "series": [(r.season, r.value) for r in totals if r.season],
            "breakdowns": breakdowns, "target": target,
            "status": target.status(latest.value) if target and latest and latest.value is not None else None,
            "breakdown_targets": [(t, next((r for r in breakdowns if r.breakdown == t.breakdown), None))
                                  for (pk, breakdown), t in targets.items() if pk == indicator.pk and breakdown],
            "children": [(child, child_values[indicator.pk].get(child.pk)) for child in children],
        })
    return cards


def hidden_by_ancestors(indicator, territory):
    """Whether a unit's figure is suppressed in its parent's table (or its parent's, up the tree):
    the same figure must stay hidden on the unit's own page, or subtraction would reveal it.
    Community figures the community has not confirmed count as hidden."""
    from .suppression import MIN_HOUSEHOLDS, hidden_cells
    from .validation import published

    chain = [*territory.ancestors(), territory]
    parents = [unit.pk for unit in chain[:-1]]
    households, personal = defaultdict(dict), set()
    for territory_id, parent_id, count, kind, _period in Value.objects.filter(
            SEASONAL, indicator=indicator, breakdown="", territory__parent_id__in=parents).values_list(
            "territory_id", "territory__parent_id", "households", "territory__kind", "period").order_by("period"):
        households[parent_id][territory_id] = count  # the latest season wins, as on the pages
        if kind in PERSONAL_KINDS:
            personal.add(territory_id)
    confirmed = {pk for pk, indicator_id in published(personal) if indicator_id == indicator.pk}
    parent_hidden = False
    for parent, unit in zip(chain, chain[1:]):
        withheld = personal.intersection(households[parent.pk]) - confirmed
        hidden = hidden_cells(households[parent.pk], total_shown=not parent_hidden, withheld=withheld)
        unit_count = households[parent.pk].get(unit.pk, 0)
        parent_hidden = unit.pk in hidden or 0 < unit_count < MIN_HOUSEHOLDS
    return parent_hidden


def public_unit(territory, children):
    """What the public may see of a unit: per indicator, the latest season's total, its children
    and its breakdown by sex, with small figures and the ones they would reveal suppressed. A
    community's figures are public once the community confirmed them (see validation.py)."""
    from .suppression import MIN_HOUSEHOLDS, hidden_cells
    from .validation import published

    personal = [unit.pk for unit in (territory, *children) if unit.kind in PERSONAL_KINDS]
    confirmed = published(personal) if personal else set()

    indicators = list(Indicator.objects.all())
    rows = Value.objects.filter(SEASONAL, territory__in=[territory, *children]).select_related("indicator")
    latest = {}
    for row in rows:
        key = (row.indicator_id, row.territory_id, row.breakdown)
        if key not in latest or (row.season or 0) > (latest[key].season or 0):
            latest[key] = row
    sections = []
    for indicator in indicators:
        total = latest.get((indicator.pk, territory.pk, ""))
        if total is None:
            continue
        total_hidden = total.households < MIN_HOUSEHOLDS or hidden_by_ancestors(indicator, territory) or (
            territory.pk in personal and (territory.pk, indicator.pk) not in confirmed)
        kids = {child.pk: latest.get((indicator.pk, child.pk, "")) for child in children}
        withheld = {pk for pk in kids if pk in personal and (pk, indicator.pk) not in confirmed}
        hide = hidden_cells({pk: row.households for pk, row in kids.items() if row}, total_shown=not total_hidden,
                            withheld=withheld)
        sexes = {code: latest.get((indicator.pk, territory.pk, f"sex:{code}")) for code in ("F", "M")}
        hide_sex = hidden_cells({code: row.households for code, row in sexes.items() if row},
                                total_shown=not total_hidden)
        if None in hide or None in hide_sex:
            total_hidden = True
        if total_hidden:  # what adds up to a hidden total would give it away: hide it all
            hide, hide_sex = set(kids), set(sexes)
        sections.append({
            "indicator": indicator, "total": None if total_hidden else total, "season": total.season,
            "children": [(child, None if kids[child.pk] is None or child.pk in hide else kids[child.pk])
                         for child in children],
            "sexes": [(code, None if (row is None or code in hide_sex) else row) for code, row in sexes.items()]
            if any(sexes.values()) else [],
        })
    return sections
