"""Reading computed values for a dashboard: one territory, all indicators, all seasons (one query),
and the same for its children (one query)."""

from collections import defaultdict

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


def dashboard(territory, children=()):
    indicators = list(Indicator.objects.all())
    values = Value.objects.filter(territory=territory).select_related("indicator")
    by_indicator = defaultdict(list)
    for row in values:
        by_indicator[row.indicator_id].append(row)
    targets = {(t.indicator_id, t.breakdown): t for t in Target.objects.filter(territory=territory)}
    child_values = defaultdict(dict)
    for row in Value.objects.filter(territory__in=children, breakdown="").select_related("indicator"):
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
