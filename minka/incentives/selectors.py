"""What a user sees of the calls: the calls over their place, the plans of their scope."""

from django.db.models import Q

from minka.accounts.permissions import APPLY_PLANS, EVALUATE_PLANS, RUN_CALLS, around_q, overlap_q, scope_paths, scope_q

from .models import Call, Plan

CAPABILITIES = (RUN_CALLS, APPLY_PLANS, EVALUATE_PLANS)


def calls_for(user):
    return Call.objects.filter(overlap_q(user, "territory__path", *CAPABILITIES)).select_related("territory")


def plans_for(user, call):
    query = Q(pk__in=[])
    for capability in CAPABILITIES:
        query |= scope_q(user, "territory__path", capability)
    return Plan.objects.filter(query, call=call)


def takes_part(user):
    return any(scope_paths(user, capability) for capability in CAPABILITIES)


def public_calls(unit):
    """The awarded calls of a place, of the places below it or above it (their results are public)."""
    return Call.objects.filter(around_q("territory__path", unit.path), status=Call.Status.AWARDED).order_by(
        "-awarded_on")


def schemes_for(user):
    """The PES schemes over the user's place (those who run calls, file plans or evaluate them, and the
    field technicians who verify agreements)."""
    from minka.accounts.permissions import RECORD_FIELD

    from .models import Scheme

    query = overlap_q(user, "territory__path", *CAPABILITIES, RECORD_FIELD)
    return Scheme.objects.filter(query).select_related("territory", "watershed", "book")
