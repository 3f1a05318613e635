from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minka.accounts.permissions import SET_STANDARDS, has_capability
from minka.people.timeline import Chart
from minka.territory.selectors import get_territory_for_user, in_scope, landing_territory, visible_children

from . import selectors, tasks


@login_required
def home(request):
    territory = landing_territory(request.user)
    if territory is None:
        raise Http404
    return redirect("observatory_dashboard", code=territory.code)


@login_required
def dashboard(request, code):
    """Every indicator of a unit of the user's scope: latest value, target and status, seasons,
    breakdowns, and the unit's children to drill down."""
    territory = get_territory_for_user(request.user, code)
    if not in_scope(request.user, territory):
        raise Http404  # above the scope the figures would include families the user does not see
    children = list(visible_children(request.user, territory))
    cards = selectors.dashboard(territory, children)
    for card in cards:
        card["chart"] = Chart(title=card["indicator"].label, unit=card["indicator"].unit, style="bars",
                              points=[(str(season), value) for season, value in card["series"] if value is not None])
    return render(request, "observatory/dashboard.html", {
        "territory": territory, "ancestors": territory.ancestors(), "cards": cards, "children": children,
        "can_refresh": has_capability(request.user, SET_STANDARDS)})


@login_required
@require_POST
def refresh(request, code):
    if not has_capability(request.user, SET_STANDARDS):
        raise Http404
    tasks.refresh_indicators.enqueue()
    messages.success(request, _("Recálculo de todos los indicadores en curso: los valores se actualizan en unos "
                                "segundos. Cada registro nuevo ya los actualiza solo."))
    return redirect("observatory_dashboard", code=code)
