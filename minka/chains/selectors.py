"""Reading field records through the user's territory scope (a family's community)."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Sum
from django.http import Http404

from minka.accounts.permissions import VIEW_PEOPLE, scope_q

from .models import IncomeLine, IncomeSurvey, PracticeAssessment, Record, Visit

HOUSEHOLD_PATH = "household__community__path"


def records_for(user, capability=VIEW_PEOPLE):
    return Record.objects.filter(scope_q(user, HOUSEHOLD_PATH, capability))


def assessments_for(user, capability=VIEW_PEOPLE):
    return PracticeAssessment.objects.filter(scope_q(user, HOUSEHOLD_PATH, capability))


def visits_for(user, capability=VIEW_PEOPLE):
    return Visit.objects.filter(scope_q(user, HOUSEHOLD_PATH, capability))


def _get(queryset, pk):
    try:
        return queryset.select_related("household__community__parent").get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404


def get_record_for_user(user, pk, capability=VIEW_PEOPLE):
    return _get(records_for(user, capability).select_related("chain", "recorded_by"), pk)


def get_assessment_for_user(user, pk, capability=VIEW_PEOPLE):
    return _get(assessments_for(user, capability), pk)


def get_visit_for_user(user, pk, capability=VIEW_PEOPLE):
    return _get(visits_for(user, capability).select_related("technician", "chain"), pk)


def agenda_for(user, today=None, capability=VIEW_PEOPLE):
    """Follow-ups still open: the technician's own, or everyone's in scope for a coordinator
    (`everyone=True` in the view). Overdue ones first, then by due date."""
    today = today or datetime.date.today()
    visits = visits_for(user, capability).filter(follow_up_due__isnull=False, follow_up_done_on__isnull=True)
    return visits.select_related("household__community", "technician", "chain").order_by("follow_up_due", "pk"), today


def surveys_for(user, capability=VIEW_PEOPLE):
    return IncomeSurvey.objects.filter(scope_q(user, HOUSEHOLD_PATH, capability))


def get_survey_for_user(user, pk, capability=VIEW_PEOPLE):
    return _get(surveys_for(user, capability), pk)


def paired_income_change(surveys, *, base_season, season, source=None):
    """How the income of the same families changed between two seasons: only families surveyed in
    both count (paired), so a change is never an artefact of two different samples. Net income is
    income minus costs; `source` limits it to one income source (e.g. milk)."""
    lines = IncomeLine.objects.filter(survey__in=surveys, survey__season__in=[base_season, season])
    if source is not None:
        lines = lines.filter(source=source)
    per_family = lines.values_list("survey__household", "survey__season").annotate(
        net=Sum(F("income") - F("costs")), gross=Sum("income"))
    by_season = {base_season: {}, season: {}}
    for household, year, net, gross in per_family:
        by_season[year][household] = (net, gross)
    paired = by_season[base_season].keys() & by_season[season].keys()
    before = sum((by_season[base_season][h][0] for h in paired), Decimal("0.00"))
    after = sum((by_season[season][h][0] for h in paired), Decimal("0.00"))
    change = None
    if paired and before > 0:
        change = ((after - before) / before * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    count = len(paired)
    return {
        "households": count,
        "unpaired": len(by_season[base_season].keys() ^ by_season[season].keys()),
        "before": (before / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if count else None,
        "after": (after / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if count else None,
        "change_pct": change,
    }
