"""Reading computed values for a dashboard: one territory, all indicators, all seasons (one query),
and the same for its children (one query)."""

from collections import defaultdict

from django.db.models import Q

from minka.territory.models import Territory, Watershed

from .models import Indicator, Target, Value


def breakdown_labels():
    """What a breakdown key is called on the page: «chain:milk» → «Leche»."""
    from django.utils.translation import gettext as _

    from minka.chains.models import Practice
    from minka.incentives.models import ApplicantKind
    from minka.learning.models import Actor
    from minka.people.models import Organisation, Person, ValueChain

    labels = {f"chain:{c.code}": c.label for c in ValueChain.objects.all()}
    labels |= {f"sex:{code}": str(name) for code, name in Person.Sex.choices}
    labels |= {f"actor:{code}": str(name) for code, name in
               [*Organisation.Kind.choices, *ApplicantKind.choices, *Actor.choices]}
    labels |= {f"practice:{p.code}": p.label for p in Practice.objects.all()}
    labels |= {"age:youth": _("menos de 30 años"), "age:adult": _("30 a 59 años"), "age:elder": _("60 años o más")}
    return labels


SEASONAL = Q(period="") | Q(period__startswith="S")
PERSONAL_KINDS = ("community", "sector")


GRANULARITIES = {"season": "S", "year": "Y", "quarter": "Q", "month": "M"}


def period_label(period):
    """S2023 → 2023-24, Y2023 → 2023, Q2023-3 → 2023 T3, M2023-07 → 2023-07, "" → today."""
    from django.utils.translation import gettext as _

    from minka.core.periods import season_label

    if not period:
        return _("hoy")
    kind, rest = period[0], period[1:]
    if kind == "S":
        return season_label(int(rest))
    if kind == "Q":
        year, quarter = rest.split("-")
        return _("%(year)s T%(quarter)s") % {"year": year, "quarter": quarter}
    return rest


def node_q(node):
    """The values of a territory unit or of a watershed."""
    return Q(watershed=node) if isinstance(node, Watershed) else Q(territory=node)


def _in_nodes(nodes):
    sheds = [n.pk for n in nodes if isinstance(n, Watershed)]
    units = [n.pk for n in nodes if not isinstance(n, Watershed)]
    return Q(watershed__in=sheds) | Q(territory__in=units)


def _key(row):
    return ("w", row.watershed_id) if row.watershed_id else ("t", row.territory_id)


def node_key(node):
    return ("w", node.pk) if isinstance(node, Watershed) else ("t", node.pk)


def milestone(targets, indicator_id, breakdown, period):
    """The target for a period when the program set one (a milestone), else the end-of-program one."""
    return targets.get((indicator_id, breakdown, period)) or targets.get((indicator_id, breakdown, ""))


def _prefix_for(indicator, chosen):
    """The period prefix an indicator is shown in: the chosen one if it is computed so, else by season,
    else its first period ("" for the situation today)."""
    own = [GRANULARITIES[p] for p in indicator.periods or [] if p in GRANULARITIES]
    if not own:
        return ""
    return chosen if chosen in own else ("S" if "S" in own else own[0])


def dashboard(node, children=(), granularity="season", only=None):
    """Every indicator of a unit or watershed: the latest figure of the chosen granularity, its time
    series, its breakdowns (latest season or year), the target and status, and each child's latest
    figure (for the table and the map), for every indicator or `only` those given. Four queries
    whatever the number of indicators."""
    chosen = GRANULARITIES.get(granularity, "S")
    indicators = list(Indicator.objects.all()) if only is None else list(only)
    fine_children = bool(children) and all(getattr(c, "kind", "") in PERSONAL_KINDS for c in children)
    # Each indicator in the chosen granularity if it is computed so, else by season (or its own period);
    # communities have no months or quarters: their figures on the map are by season.
    own = {i.pk: _prefix_for(i, chosen) for i in indicators}
    of_children = {i.pk: _prefix_for(i, "S") if fine_children and own[i.pk] in ("M", "Q") else own[i.pk]
                   for i in indicators}
    breakdown_prefix = "Y" if chosen == "Y" else "S"
    wanted = Q(period="")
    for prefix in {*own.values(), *of_children.values(), breakdown_prefix} - {""}:
        wanted |= Q(period__startswith=prefix)
    values = Value.objects.filter(node_q(node), wanted, indicator__in=indicators)
    known = {indicator.pk: indicator for indicator in indicators}  # rows get their indicator without a query
    by_indicator = defaultdict(list)
    for row in values:
        row.indicator = known[row.indicator_id]
        by_indicator[row.indicator_id].append(row)
    targets = {}
    if not isinstance(node, Watershed):
        for target in Target.objects.filter(territory=node, indicator__in=indicators):
            target.indicator = known[target.indicator_id]
            targets[(target.indicator_id, target.breakdown, target.period)] = target
    child_values = defaultdict(dict)
    if children:
        for row in Value.objects.filter(_in_nodes(children), wanted, breakdown="", indicator__in=indicators):
            if row.period[:1] != of_children[row.indicator_id]:
                continue
            row.indicator = known[row.indicator_id]
            current = child_values[row.indicator_id].get(_key(row))
            if current is None or row.period > current.period:
                child_values[row.indicator_id][_key(row)] = row
    names = breakdown_labels()
    for target in targets.values():
        target.label = names.get(target.breakdown, target.breakdown)
    cards = []
    for indicator in indicators:
        rows = by_indicator.get(indicator.pk, [])
        totals = sorted((r for r in rows if not r.breakdown and r.period[:1] == own[indicator.pk]),
                        key=lambda r: r.period)
        latest = totals[-1] if totals else None
        split_at = max((r.period for r in rows if r.breakdown and (not r.period or r.period[0] == breakdown_prefix)),
                       default=None)
        groups = defaultdict(list)
        for row in sorted((r for r in rows if r.breakdown and r.period == split_at), key=lambda r: r.breakdown):
            row.label = names.get(row.breakdown, row.breakdown)
            groups[row.breakdown.split(":")[0]].append(row)
        target = milestone(targets, indicator.pk, "", latest.period if latest else "")
        cards.append({
            "indicator": indicator, "latest": latest, "latest_label": period_label(latest.period) if latest else "",
            "other_granularity": own[indicator.pk] not in ("", chosen),
            "series": [(period_label(r.period), r.value) for r in totals if r.period],
            "breakdowns": [(Indicator.BREAKDOWNS.get(name, name), group) for name, group in groups.items()],
            "breakdown_period": period_label(split_at) if split_at is not None else "",
            "target": target,
            "status": target.status(latest.value) if target and latest and latest.value is not None else None,
            "breakdown_targets": [
                (t, next((r for r in rows if r.breakdown == t.breakdown and r.period == split_at), None))
                for t in (milestone(targets, indicator.pk, breakdown, split_at or "")
                          for breakdown in sorted({key[1] for key in targets if key[0] == indicator.pk and key[1]}))
                if t is not None],
            "children": [(child, child_values[indicator.pk].get(node_key(child))) for child in children],
        })
    return cards


def shape(unit):
    """A unit's shape; a watershed drawn without one shows where its communities are."""
    if unit.geometry or not isinstance(unit, Watershed):
        return unit.geometry or None
    shapes = [t.geometry for t in Territory.objects.filter(watersheds__path__startswith=unit.path).distinct()
              if t.geometry]
    return {"type": "GeometryCollection", "geometries": shapes} if shapes else None


def resting_on_one_community(cells):
    """{(unit, indicator, period): community} for the figures of units above the communities that come
    from a single community: such a figure is that community's, and is published only as the
    community's own would be. `cells` is {(unit, indicator, period): households} (totals).

    Counts of families add up along the tree, so a unit rests on one community exactly when one of
    its children has as many families as it has, and that child is a community or rests on one: the
    search follows those children down, one query per level."""
    pending = {key: key[0] for key, households in cells.items() if households}
    found = {}
    while pending:
        rows = Value.objects.filter(
            breakdown="", territory__parent_id__in=set(pending.values()), indicator_id__in={k[1] for k in pending},
            period__in={k[2] for k in pending}, households__in={cells[k] for k in pending},
        ).values_list("territory__parent_id", "indicator_id", "period", "households", "territory_id", "territory__kind")
        alike = {(parent, indicator, period, households): (pk, kind)
                 for parent, indicator, period, households, pk, kind in rows}
        below = {}
        for key, unit in pending.items():
            child = alike.get((unit, key[1], key[2], cells[key]))
            if child is None:
                continue
            if child[1] in PERSONAL_KINDS:
                found[key] = child[0]
            else:
                below[key] = child[0]
        pending = below
    return found


def unconfirmed(cells):
    """The cells {(unit, indicator, period): households} the public may not see because a community has
    not confirmed them: a community's own figures, and those of the units above that rest on it alone."""
    from .validation import published_periods

    kinds = dict(Territory.objects.filter(pk__in={key[0] for key in cells}).values_list("pk", "kind"))
    above = {key: households for key, households in cells.items() if kinds.get(key[0]) not in PERSONAL_KINDS}
    sources = {key: key[0] for key in cells if key not in above} | resting_on_one_community(above)
    confirmed = published_periods(set(sources.values())) if sources else set()
    return {key for key, community in sources.items() if (community, key[1], key[2]) not in confirmed}


def _hidden_in_chain(chain, tables, withheld):
    """Whether the last unit of `chain` is hidden in its parents' tables ({parent: {unit: households}}),
    `withheld` units counting as hidden."""
    from .suppression import MIN_HOUSEHOLDS, hidden_cells

    parent_hidden = False
    for parent, unit in zip(chain, chain[1:]):
        cells = tables[parent.pk]
        hidden = hidden_cells(cells, total_shown=not parent_hidden, withheld=withheld.intersection(cells))
        # under a hidden parent, everything is hidden, as on the parent's page (the shown parts of a
        # hidden total would add up to it)
        parent_hidden = parent_hidden or unit.pk in hidden or 0 < cells.get(unit.pk, 0) < MIN_HOUSEHOLDS
    return parent_hidden


def hidden_by_ancestors(territory):
    """What of a unit's figures its parents' tables hide (suppressed there, or the complementary
    cell of one that is): the same figure must stay hidden on the unit's own page, or subtraction
    would reveal it. Figures a community has not confirmed (its own, or those resting on it alone)
    count as hidden. Returns the indicators whose latest figure is hidden (the pages' tables show
    each unit's latest season) and the (indicator, period) hidden in the tables of that period (the
    seasons of a public time series)."""
    chain = [*territory.ancestors(), territory]
    per_period = defaultdict(lambda: defaultdict(dict))
    latest, latest_period, cells = defaultdict(lambda: defaultdict(dict)), {}, {}
    for territory_id, parent_id, count, indicator_id, period in Value.objects.filter(
            SEASONAL, breakdown="", territory__parent_id__in=[unit.pk for unit in chain[:-1]]
    ).values_list("territory_id", "territory__parent_id", "households", "indicator_id", "period").order_by("period"):
        per_period[indicator_id, period][parent_id][territory_id] = count
        latest[indicator_id][parent_id][territory_id] = count  # the latest season wins, as on the pages
        latest_period[territory_id, indicator_id] = period
        cells[territory_id, indicator_id, period] = count
    withheld = defaultdict(set)  # (indicator, period) → its withheld units
    for pk, indicator_id, period in unconfirmed(cells):
        withheld[indicator_id, period].add(pk)
    hidden_latest = {indicator_id for indicator_id, tables in latest.items() if _hidden_in_chain(
        chain, tables, {pk for table in tables.values() for pk in table
                        if pk in withheld[indicator_id, latest_period[pk, indicator_id]]})}
    hidden_periods = {key for key, tables in per_period.items() if _hidden_in_chain(chain, tables, withheld[key])}
    return hidden_latest, hidden_periods


def withheld_periods(territory):
    """{(indicator, period)} of a unit's own totals the public may not see although they rest on 5
    families or more: hidden in a parent's table of the same period, or not confirmed by the
    community they come from."""
    own = dict(((territory.pk, indicator, period), households) for indicator, period, households in Value.objects.filter(
        SEASONAL, territory=territory, breakdown="").values_list("indicator_id", "period", "households"))
    return hidden_by_ancestors(territory)[1] | {key[1:] for key in unconfirmed(own)}


def public_unit(territory, children):
    """What the public may see of a unit: per indicator, the latest season's total, its children
    and its breakdown by sex, with small figures and the ones they would reveal suppressed. A
    community's figures are public once the community confirmed them (see validation.py), and so
    are those of a unit above that rests on a single community."""
    cells = dict(((pk, indicator, period), households) for pk, indicator, period, households in Value.objects.filter(
        SEASONAL, breakdown="", territory__in=[territory, *children]).values_list(
        "territory_id", "indicator_id", "period", "households"))
    withheld = unconfirmed(cells)

    hidden_latest, hidden_periods = hidden_by_ancestors(territory)

    def total_withheld(indicator, total):
        return indicator.pk in hidden_latest or (territory.pk, indicator.pk, total.period) in withheld

    def children_withheld(indicator, kids):
        return {key for key, row in kids.items() if row is not None and (key[1], indicator.pk, row.period) in withheld}

    def season_withheld(indicator, row):
        return (indicator.pk, row.period) in hidden_periods or (territory.pk, indicator.pk, row.period) in withheld

    return _public_sections(territory, children, total_withheld, children_withheld, season_withheld)


def public_watershed(watershed, children):
    """The same for a watershed and its microwatersheds. A watershed crosses district lines, so its
    figure could be subtracted from a district's: it is shown only when, in every district it
    touches, the part inside and the part outside each rest on none or at least 5 families, and a
    part that is a single community is one the community confirmed."""
    guard = WatershedGuard([watershed, *children])

    def children_withheld(indicator, kids):
        return {key for key, row in kids.items() if row is not None and guard.reveals(indicator, key[1], row.period)}

    def withheld(indicator, total):
        return guard.reveals(indicator, watershed.pk, total.period)

    return _public_sections(watershed, children, withheld, children_withheld, withheld)


class WatershedGuard:
    """Whether a watershed's figure would give away a small or unconfirmed part of a district."""

    def __init__(self, watersheds):
        from .validation import published_periods

        self.members = defaultdict(set)  # watershed → its communities (microwatersheds included)
        for shed in watersheds:
            self.members[shed.pk] = set(Territory.objects.filter(watersheds__path__startswith=shed.path)
                                        .values_list("pk", flat=True))
        touched = set().union(*self.members.values())
        self.district = dict(Territory.objects.filter(pk__in=touched).values_list("pk", "parent_id"))
        self.neighbours = defaultdict(set)  # district → all its communities
        for pk, parent in Territory.objects.filter(parent_id__in=set(self.district.values()),
                                                   kind__in=PERSONAL_KINDS).values_list("pk", "parent_id"):
            self.neighbours[parent].add(pk)
        self.communities = set().union(*self.neighbours.values())
        self.confirmed = published_periods(self.communities)
        self.households = {}

    def _households(self, indicator, period):
        key = (indicator.pk, period)
        if key not in self.households:
            self.households[key] = dict(Value.objects.filter(
                indicator=indicator, period=period, breakdown="", territory__in=self.communities).values_list(
                "territory_id", "households"))
        return self.households[key]

    def reveals(self, indicator, watershed_pk, period):
        from .suppression import MIN_HOUSEHOLDS

        households = self._households(indicator, period)
        members = self.members[watershed_pk]
        for district in {self.district[pk] for pk in members if pk in self.district}:
            inside = [pk for pk in self.neighbours[district] if pk in members and households.get(pk)]
            outside = [pk for pk in self.neighbours[district] if pk not in members and households.get(pk)]
            for part in (inside, outside):
                count = sum(households[pk] for pk in part)
                if 0 < count < MIN_HOUSEHOLDS:
                    return True
                if len(part) == 1 and (part[0], indicator.pk, period) not in self.confirmed:
                    return True
        return False


def _public_sections(node, children, total_withheld, children_withheld, season_withheld):
    """Per indicator: the node's latest total, its children and its split by sex, each suppressed when
    small or withheld, with complementary suppression so that nothing hidden can be recomputed; and
    the node's total season by season (`series`, a suppressed season as None), under the same rules
    applied to that season's figures."""
    from .suppression import MIN_HOUSEHOLDS, hidden_cells

    indicators = list(Indicator.objects.all())
    known = {indicator.pk: indicator for indicator in indicators}
    latest, seasons = {}, defaultdict(dict)
    for row in Value.objects.filter(SEASONAL, _in_nodes([node, *children])):
        row.indicator = known[row.indicator_id]
        key = (row.indicator_id, _key(row), row.breakdown)
        if key not in latest or (row.season or 0) > (latest[key].season or 0):
            latest[key] = row
        if row.season is not None and not row.breakdown:
            seasons[row.indicator_id, _key(row)][row.season] = row

    def season_shown(indicator, season, row):
        if row.households < MIN_HOUSEHOLDS or season_withheld(indicator, row):
            return False
        kids = {node_key(child): seasons[indicator.pk, node_key(child)].get(season) for child in children}
        hide = hidden_cells({key: kid.households for key, kid in kids.items() if kid},
                            withheld=children_withheld(indicator, kids))
        return None not in hide  # its children of that season would not give it away
    sections = []
    for indicator in indicators:
        total = latest.get((indicator.pk, node_key(node), ""))
        if total is None:
            continue
        total_hidden = total.households < MIN_HOUSEHOLDS or total_withheld(indicator, total)
        kids = {node_key(child): latest.get((indicator.pk, node_key(child), "")) for child in children}
        hide = hidden_cells({key: row.households for key, row in kids.items() if row}, total_shown=not total_hidden,
                            withheld=children_withheld(indicator, kids))
        sexes = {code: latest.get((indicator.pk, node_key(node), f"sex:{code}")) for code in ("F", "M")}
        hide_sex = hidden_cells({code: row.households for code, row in sexes.items() if row},
                                total_shown=not total_hidden)
        if None in hide or None in hide_sex:
            total_hidden = True
        if total_hidden:  # what adds up to a hidden total would give it away: hide it all
            hide, hide_sex = set(kids), set(sexes)
        series = []
        for season, row in sorted(seasons[indicator.pk, node_key(node)].items()):
            if season == total.season:  # the card's own figure: shown exactly when the card shows it
                series.append((season, None if total_hidden else row))
            else:
                series.append((season, row if season_shown(indicator, season, row) else None))
        sections.append({
            "indicator": indicator, "total": None if total_hidden else total, "season": total.season,
            "series": series,
            "children": [(child, None if kids[node_key(child)] is None or node_key(child) in hide
                          else kids[node_key(child)]) for child in children],
            "sexes": [(code, None if (row is None or code in hide_sex) else row) for code, row in sexes.items()]
            if any(sexes.values()) else [],
        })
    return sections
