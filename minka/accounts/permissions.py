"""What each role may do, and the territory filters that follow from a user's assignments.

Capabilities are granted per assignment: a technician in Ocongate who is also a municipal
officer in Ccatca may edit households in Ocongate only."""

from django.db.models import Q

from .models import Assignment, Role

VIEW_PEOPLE = "view_people"
EDIT_PEOPLE = "edit_people"
EXPORT_PEOPLE = "export_people"
RECORD_FIELD = "record_field"  # production, quality, practices, visits, trainings, income surveys
SET_STANDARDS = "set_standards"  # quality thresholds and transition rules
EDIT_INFRASTRUCTURE = "edit_infrastructure"
MANAGE_FORMS = "manage_forms"  # publish XLSForms, review submissions
VALIDATE_FIGURES = "validate_figures"  # a community confirms or contests its figures before publication
VIEW_BOOKS = "view_books"  # read the ledgers of the enterprise and the funds in the scope
KEEP_BOOKS = "keep_books"  # post entries, open and close periods
VIEW_CREDIT = "view_credit"  # loans, applications and instalments of the families in the scope
APPLY_CREDIT = "apply_credit"  # file a family's or an organisation's loan application
RUN_FUND = "run_fund"  # committee decisions, disbursements, repayments, write-offs, guarantees
RUN_CALLS = "run_calls"  # business plan calls: their rules and grid, publication, award
APPLY_PLANS = "apply_plans"  # file a family's, an association's or a community's business plan
EVALUATE_PLANS = "evaluate_plans"  # declare no conflict of interest and score plans
VIEW_GOVERNANCE = "view_governance"  # concertation spaces, their meetings, agreements and plans
RUN_SPACES = "run_spaces"  # members, meetings, attendance, minutes, agreements and their follow-up
MANAGE_BUDGETS = "manage_budgets"  # programs' axes, budget lines, exchange rates, expenses, funder reports

CAPABILITIES = {
    Role.ADMIN: {VIEW_PEOPLE, EDIT_PEOPLE, EXPORT_PEOPLE, RECORD_FIELD, SET_STANDARDS, EDIT_INFRASTRUCTURE,
                 MANAGE_FORMS, VALIDATE_FIGURES, VIEW_BOOKS, KEEP_BOOKS, VIEW_CREDIT, APPLY_CREDIT, RUN_FUND,
                 RUN_CALLS, APPLY_PLANS, EVALUATE_PLANS, VIEW_GOVERNANCE, RUN_SPACES, MANAGE_BUDGETS},
    # Coordinators read the books they answer for to funders; the managers keep them.
    Role.COORDINATOR: {VIEW_PEOPLE, EDIT_PEOPLE, EXPORT_PEOPLE, RECORD_FIELD, SET_STANDARDS, EDIT_INFRASTRUCTURE,
                       MANAGE_FORMS, VALIDATE_FIGURES, VIEW_BOOKS, VIEW_CREDIT, RUN_CALLS, APPLY_PLANS,
                       VIEW_GOVERNANCE, RUN_SPACES, MANAGE_BUDGETS},
    # Technicians write down the assembly's decision when its leaders have no account.
    # Technicians help families apply for a loan and remind them of their instalments.
    Role.TECHNICIAN: {VIEW_PEOPLE, EDIT_PEOPLE, EXPORT_PEOPLE, RECORD_FIELD, EDIT_INFRASTRUCTURE, VALIDATE_FIGURES,
                      VIEW_CREDIT, APPLY_CREDIT, APPLY_PLANS, VIEW_GOVERNANCE, RUN_SPACES},
    # Municipal officers keep their district's inventory of works; they read families' records; the
    # municipality is often the technical secretariat of its district's mesa.
    Role.MUNICIPAL: {VIEW_PEOPLE, EXPORT_PEOPLE, EDIT_INFRASTRUCTURE, VIEW_GOVERNANCE, RUN_SPACES},
    Role.ENTERPRISE: {VIEW_PEOPLE, VIEW_BOOKS, KEEP_BOOKS},
    Role.CREDIT: {VIEW_PEOPLE, VIEW_BOOKS, KEEP_BOOKS, VIEW_CREDIT, APPLY_CREDIT, RUN_FUND},
    Role.COMMUNITY: {VIEW_PEOPLE, VALIDATE_FIGURES, VIEW_GOVERNANCE},
    # Evaluators of business plans, often from outside the program: they read and score the plans of
    # their call's place, nothing else.
    Role.EVALUATOR: {EVALUATE_PLANS},
}


def scope_paths(user, capability=VIEW_PEOPLE):
    """The materialised paths of the territories where the user has the capability."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_minka_scope", None)
    if cached is None:
        cached = list(Assignment.objects.filter(user=user).values_list("role", "territory__path"))
        user._minka_scope = cached
    paths = sorted({path for role, path in cached if capability in CAPABILITIES.get(role, ())})
    # A path inside another one adds nothing.
    return [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]


def scope_q(user, field, capability=VIEW_PEOPLE):
    """A filter on `field` (a path column, e.g. "community__path") to the user's scope.

    A user without any matching assignment gets a filter that matches nothing."""
    query = Q(pk__in=[])
    for path in scope_paths(user, capability):
        query |= Q(**{f"{field}__startswith": path})
    return query


def around_q(field, path):
    """A filter on a path field: the place of this path, the places inside it and those above it."""
    codes = path.strip("/").split("/")
    return Q(**{f"{field}__startswith": path}) | Q(**{f"{field}__in": ["/".join(codes[:n]) + "/"
                                                                       for n in range(1, len(codes))]})


def overlap_q(user, field, *capabilities):
    """A filter on a path field (e.g. "territory__path"): places inside the user's scope for any of the
    capabilities, or above it (a province's fund or call, for a district's technician)."""
    query = Q(pk__in=[])
    for capability in capabilities:
        for path in scope_paths(user, capability):
            query |= around_q(field, path)
    return query


def overlaps(user, path, capability):
    """Whether the user has the capability somewhere inside, or above, the place of this path."""
    return any(p.startswith(path) or path.startswith(p) for p in scope_paths(user, capability))


def require(actor, capability, territory, message):
    """Refuse (PermissionDenied, with the message) an actor without the capability over the place."""
    from django.core.exceptions import PermissionDenied

    if actor is None or not can(actor, capability, territory):
        raise PermissionDenied(message)


def can(user, capability, territory):
    """Whether the user has the capability over this territory (or one of its ancestors)."""
    return any(territory.path.startswith(p) for p in scope_paths(user, capability))


def has_capability(user, capability):
    return bool(scope_paths(user, capability))

