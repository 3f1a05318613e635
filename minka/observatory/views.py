from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from django.core.exceptions import ValidationError

from minka.accounts.permissions import SET_STANDARDS, VALIDATE_FIGURES, can, has_capability
from minka.people.timeline import Chart
from minka.territory.selectors import get_territory_for_user, in_scope, landing_territory, visible_children

from . import selectors, tasks, validation
from .models import Indicator


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
    if territory.is_personal_level:  # the publication state of each figure, from the community's word
        states = {figure.indicator.pk: figure for figure in validation.community_figures(territory)}
        for card in cards:
            card["figure"] = states.get(card["indicator"].pk)
    return render(request, "observatory/dashboard.html", {
        "territory": territory, "ancestors": territory.ancestors(), "cards": cards, "children": children,
        "can_refresh": has_capability(request.user, SET_STANDARDS),
        "can_validate": territory.is_personal_level and can(request.user, VALIDATE_FIGURES, territory)})


def _community(request, code):
    territory = get_territory_for_user(request.user, code)
    if not in_scope(request.user, territory) or not territory.is_personal_level:
        raise Http404
    return territory


@login_required
def validate(request, code):
    """A community's figures in plain words, each to confirm or contest, with what was said before."""
    territory = _community(request, code)
    allowed = can(request.user, VALIDATE_FIGURES, territory)
    if request.method == "POST":
        if not allowed:
            raise Http404
        indicator = Indicator.objects.filter(pk=request.POST.get("indicator")).first()
        if indicator is None:
            raise Http404
        try:
            validation.record(request.user, territory, indicator, request.POST.get("period", ""),
                              request.POST.get("status", ""), request.POST.get("comment", ""),
                              request.POST.get("spoken_by", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Guardado: %(what)s.") % {"what": indicator.label})
        return redirect(f"{request.path}#ind-{indicator.code}")
    figures = validation.community_figures(territory, with_history=True)
    return render(request, "observatory/validate.html", {
        "territory": territory, "ancestors": territory.ancestors(), "figures": figures, "allowed": allowed,
        "summary": validation.summary(figures)})


@login_required
def community_summary(request, code):
    """One printable page for the community assembly: its figures, their state, room to sign."""
    territory = _community(request, code)
    return render(request, "observatory/summary.html", {
        "territory": territory, "ancestors": territory.ancestors(),
        "figures": validation.community_figures(territory)})


@login_required
@require_POST
def refresh(request, code):
    if not has_capability(request.user, SET_STANDARDS):
        raise Http404
    tasks.refresh_indicators.enqueue()
    messages.success(request, _("Recálculo de todos los indicadores en curso: los valores se actualizan en unos "
                                "segundos. Cada registro nuevo ya los actualiza solo."))
    return redirect("observatory_dashboard", code=code)
