"""What of the concertation spaces a user sees: those over their place, above or inside it."""

import datetime

from django.db.models import Count, Q

from minka.accounts.permissions import VIEW_GOVERNANCE, around_q, overlap_q

from .models import Accord, Meeting, Space


def spaces_for(user):
    return Space.objects.filter(overlap_q(user, "territory__path", VIEW_GOVERNANCE)).select_related(
        "territory", "watershed")


def month_meetings(spaces, month):
    """The meetings of a month (its first day), in date order."""
    end = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return Meeting.objects.filter(space__in=spaces, date__gte=month, date__lt=end).select_related(
        "space").order_by("date", "space__name")


def with_counts(spaces, today):
    return spaces.annotate(
        members=Count("memberships", filter=Q(memberships__left_on__isnull=True) | Q(memberships__left_on__gte=today),
                      distinct=True),
        held=Count("meetings", filter=Q(meetings__status=Meeting.Status.HELD), distinct=True),
        late=Count("accords", filter=Q(accords__status__in=Accord.OPEN, accords__due_on__lt=today), distinct=True))


def next_meeting(space, today):
    return space.meetings.filter(status=Meeting.Status.PLANNED, date__gte=today).order_by("date").first()


def public_spaces(unit=None, watershed=None):
    """The mesas of a place (and of the places inside it or above it), or of a watershed: their
    accountability pages are public."""
    if watershed is not None:
        return Space.objects.filter(watershed=watershed).order_by("name")
    return Space.objects.filter(around_q("territory__path", unit.path)).order_by("name")
