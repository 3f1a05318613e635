"""The systematisation report: a program's indicators over a territory and a period, as a PDF
(WeasyPrint) in Spanish or French: the table against targets, a chart and a map per indicator, the
breakdowns, and the method notes. Built in the background; its progress is kept on the Report."""

from collections import defaultdict

from django.template.loader import render_to_string
from django.utils import timezone, translation

from minka.core.periods import season_label
from minka.people.timeline import Chart

from . import iati, svgmap
from .models import Indicator, Report, Target, Value
from .selectors import SEASONAL, breakdown_labels, milestone
from .suppression import MIN_HOUSEHOLDS


def _progress(report, percent, step):
    Report.objects.filter(pk=report.pk).update(progress=percent, step=step[:120])


def _at(rows, season):
    """The row of the season asked for (or the latest up to it); today's figure for the others."""
    eligible = [r for r in rows if not r.period or season is None or (r.season or 0) <= season]
    return max(eligible, key=lambda r: r.period, default=None)


def sections(report):
    """What the report says about each indicator (the values of the territory, its children and
    its targets, read in three queries)."""
    territory = report.territory
    indicators = list(Indicator.objects.filter(program=report.program) if report.program
                      else Indicator.objects.all())
    children = list(territory.children.order_by("name"))
    rows = defaultdict(list)
    for row in Value.objects.filter(SEASONAL, territory=territory, indicator__in=indicators):
        rows[(row.indicator_id, row.breakdown)].append(row)
    kids = defaultdict(list)
    for row in Value.objects.filter(SEASONAL, territory__in=children, indicator__in=indicators, breakdown=""):
        kids[(row.indicator_id, row.territory_id)].append(row)
    targets = {(t.indicator_id, t.breakdown, t.period): t for t in Target.objects.filter(
        territory=territory, breakdown="", indicator__in=indicators)}
    names = breakdown_labels()
    result = []
    for number, indicator in enumerate(indicators):
        _progress(report, 10 + int(70 * number / max(len(indicators), 1)), indicator.label)
        known = {key[1]: value for key, value in rows.items() if key[0] == indicator.pk}
        for group in [*known.values(), *[kids[(indicator.pk, c.pk)] for c in children]]:
            for row in group:
                row.indicator = indicator
        totals = sorted(known.get("", []), key=lambda r: r.period)
        current = _at(totals, report.season)
        target = milestone(targets, indicator.pk, "", current.period if current else "")
        if target is not None:
            target.indicator = indicator
        series = [(season_label(r.season), r.value) for r in totals
                  if r.season and (report.season is None or r.season <= report.season) and r.value is not None]
        split = []
        for breakdown, group in sorted(known.items()):
            if breakdown and current is not None:
                row = next((r for r in group if r.period == current.period), None)
                if row is not None:
                    split.append((names.get(breakdown, breakdown), row))
        children_rows = [(child, _at(kids[(indicator.pk, child.pk)], report.season)) for child in children]
        small = {child.pk for child, row in children_rows if row is not None and 0 < row.households < MIN_HOUSEHOLDS}
        result.append({
            "indicator": indicator, "current": current,
            "when": (season_label(current.season) if current and current.season else translation.gettext("hoy")),
            "target": target,
            "status": target.status(current.value) if target and current and current.value is not None else None,
            "chart": Chart(title=indicator.label, unit=indicator.unit_label, style="bars", points=series),
            "breakdowns": split,
            "children": [(child, None if child.pk in small else row, child.pk in small) for child, row in children_rows],
            "map": svgmap.choropleth([(child.name, child.geometry, None if row is None or child.pk in small
                                       else float(row.value)) for child, row in children_rows if row is not None
                                      and row.value is not None], indicator.direction),
        })
    return result


def build(report):
    """The report's PDF, in its language."""
    from weasyprint import HTML

    with translation.override(report.language):
        _progress(report, 5, translation.gettext("Lectura de los valores"))
        program = iati.PROGRAMS.get(report.program)
        context = {
            "report": report, "territory": report.territory, "ancestors": report.territory.ancestors(),
            "program_title": program.titles.get(report.language, program.titles["es"]) if program else "",
            "sections": sections(report), "generated": timezone.localtime(),
            "period": season_label(report.season) if report.season else None,
        }
        html = render_to_string("observatory/report.html", context)
        _progress(report, 85, translation.gettext("Composición del PDF"))
        return HTML(string=html, base_url=None).write_pdf()
