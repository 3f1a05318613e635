"""The field records' part of a family's story: production, quality, practices, visits and income,
with small charts of what changes over time."""

from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext as _

from minka.core.periods import season_label
from minka.people.timeline import Chart, Event, Story

from .models import Measure


def field_story(household, user):
    story = Story()
    records = household.records.select_related("chain").prefetch_related("values__measure__unit")
    series = defaultdict(list)
    for record in records:
        values = list(record.values.all())
        story.events.append(Event(
            date=record.date, kind=record.purpose,
            title=f"{record.get_purpose_display()}{' · ' + record.chain.label if record.chain else ''}",
            detail="; ".join(f"{v.measure.label}: {v.display}" for v in values),
            url=reverse("record_detail", args=[record.pk]), verdict=record.passed))
        for value in values:
            if value.measure.is_numeric and value.number is not None and record.purpose == Measure.Purpose.PRODUCTION:
                series[value.measure].append((record.date, value.number))
    for measure, points in sorted(series.items(), key=lambda item: item[0].order):
        if len(points) >= 2:
            points.sort()
            story.charts.append(Chart(title=measure.label, unit=measure.unit.symbol,
                                      points=[(d.strftime("%m/%Y"), v.normalize()) for d, v in points]))
    for assessment in household.assessments.prefetch_related("adopted__practice"):
        names = [a.practice.label for a in assessment.adopted.all()]
        story.events.append(Event(date=assessment.date, kind="practices",
                                  title=_("Prácticas: %(stage)s") % {"stage": assessment.get_stage_display()},
                                  detail=", ".join(names), url=reverse("assessment_detail", args=[assessment.pk])))
    for visit in household.visits.select_related("technician", "chain").prefetch_related("topics"):
        story.events.append(Event(date=visit.date, kind="visit",
                                  title=_("Visita de %(who)s") % {"who": visit.technician},
                                  detail=visit.recommendations or ", ".join(t.label for t in visit.topics.all()),
                                  url=reverse("visit_detail", args=[visit.pk])))
    incomes = []
    for survey in household.income_surveys.prefetch_related("lines__source").order_by("season"):
        lines = list(survey.lines.all())
        net = sum((line.income - line.costs for line in lines), 0)
        incomes.append((season_label(survey.season), net))
        story.events.append(Event(date=survey.date, kind="income",
                                  title=_("Ingresos %(season)s: S/ %(net)s netos") % {
                                      "season": season_label(survey.season), "net": f"{net:,.2f}"},
                                  detail=", ".join(f"{l.source.label} {l.income - l.costs:,.2f}" for l in lines),
                                  url=reverse("income_detail", args=[survey.pk])))
    if len(incomes) >= 2:
        story.charts.append(Chart(title=_("Ingreso neto por campaña"), unit="S/", points=incomes, style="bars"))
    latest = household.assessments.first()
    story.counts["stage"] = latest.get_stage_display() if latest else None
    return story

