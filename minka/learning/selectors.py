"""Trainings through the user's scope: an event is visible where it took place."""

from django.db.models import Avg, Count, F
from django.http import Http404

from minka.accounts.permissions import VIEW_PEOPLE, scope_q

from .models import Training


def trainings_for(user, capability=VIEW_PEOPLE):
    return Training.objects.filter(scope_q(user, "place__path", capability))


def get_training_for_user(user, pk, capability=VIEW_PEOPLE):
    try:
        return trainings_for(user, capability).select_related("place__parent", "organiser").get(pk=pk)
    except (Training.DoesNotExist, ValueError):
        raise Http404


def attendance_summary(training):
    """Participants by actor type and sex, and the average scores before and after (one query)."""
    rows = training.participants.values("actor", "sex").annotate(n=Count("pk"))
    summary = {"women": 0, "men": 0, "by_actor": {}}
    for row in rows:
        summary["women" if row["sex"] == "F" else "men"] += row["n"]
        summary["by_actor"][row["actor"]] = summary["by_actor"].get(row["actor"], 0) + row["n"]
    scores = training.participants.filter(pre_score__isnull=False, post_score__isnull=False).aggregate(
        pre=Avg("pre_score"), post=Avg("post_score"), gain=Avg(F("post_score") - F("pre_score")), n=Count("pk"))
    summary["scores"] = scores
    return summary

