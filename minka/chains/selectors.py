"""Reading field records through the user's territory scope (a family's community)."""

import datetime

from django.http import Http404

from minka.accounts.permissions import VIEW_PEOPLE, scope_q

from .models import PracticeAssessment, Record, Visit

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
