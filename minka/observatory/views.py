from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minka.accounts.permissions import SET_STANDARDS, VALIDATE_FIGURES, can, has_capability, scope_paths
from minka.people.timeline import Chart
from minka.territory.models import Territory, Watershed
from minka.territory.selectors import (get_territory_for_user, get_watershed_for_user, in_scope, landing_territory,
                                       readable_watersheds, visible_children)

from . import selectors, tasks, validation
from minka.core.periods import season_label

from .models import Indicator, Report, Value


@login_required
def home(request):
    territory = landing_territory(request.user)
    if territory is None:
        raise Http404
    if in_scope(request.user, territory):
        return redirect("observatory_dashboard", code=territory.code)
    # Units in several regions: the one holding them all would count families the user does not see.
    units = list(Territory.objects.filter(path__in=scope_paths(request.user)).order_by("name"))
    for unit in units:
        unit.dashboard_url = _dashboard_url(unit)
    return render(request, "observatory/choose.html", {"units": units})


def _filters(request, indicators):
    """The dashboard's filters, read from the URL so that a view can be shared."""
    granularity = request.GET.get("periodo", "season")
    if granularity not in selectors.GRANULARITIES:
        granularity = "season"
    programs = sorted({indicator.program for indicator in indicators if indicator.program})
    program = request.GET.get("programa", "")
    return {"granularity": granularity, "program": program if program in programs else "", "programs": programs,
            "map": request.GET.get("mapa", "")}


def _render_dashboard(request, node, children, ancestors, extra, reachable=None):
    indicators = list(Indicator.objects.all())
    filters = _filters(request, indicators)
    shown = [i for i in indicators if i.program == filters["program"]] if filters["program"] else indicators
    cards = selectors.dashboard(node, children, filters["granularity"], only=shown)
    for card in cards:
        card["chart"] = Chart(title=card["indicator"].label, unit=card["indicator"].unit_label, style="bars",
                              points=[(label, value) for label, value in card["series"] if value is not None])
    if extra.get("territory") is not None and extra["territory"].is_personal_level:
        states = {figure.indicator.pk: figure for figure in validation.community_figures(node)}
        for card in cards:  # the publication state of each figure, from the community's word
            card["figure"] = states.get(card["indicator"].pk)
    mapped = [card for card in cards if any(value for _child, value in card["children"])]
    chosen = next((card for card in mapped if card["indicator"].code == filters["map"]), mapped[0] if mapped else None)
    query = urlencode({key: value for key, value in (("periodo", filters["granularity"]),
                                                     ("programa", filters["program"]))
                       if value and not (key == "periodo" and value == "season")})
    for unit in [*ancestors, *children, *extra.get("watersheds", [])]:  # links keep the filters
        unit.dashboard_url = _dashboard_url(unit) + (f"?{query}" if query else "")
    for unit in ancestors:  # (above the user's scope a dashboard is refused: named, not linked)
        if reachable and not reachable(unit):
            unit.dashboard_url = ""
    return render(request, "observatory/dashboard.html", {
        "node": node, "ancestors": ancestors, "cards": cards, "children": children, "filters": filters,
        "granularities": [(key, Indicator.PERIODS[key]) for key in selectors.GRANULARITIES],
        "map_card": chosen, "mapped": mapped, **extra})


def _dashboard_url(unit):
    name = "observatory_watershed" if isinstance(unit, Watershed) else "observatory_dashboard"
    return reverse(name, args=[unit.code])


@login_required
def dashboard(request, code):
    """Every indicator of a unit of the user's scope: latest value, target and status, time series,
    breakdowns, a map of one indicator over the unit's children, and the children to drill down."""
    territory = get_territory_for_user(request.user, code)
    if not in_scope(request.user, territory):
        raise Http404  # above the scope the figures would include families the user does not see
    children = list(visible_children(request.user, territory))
    extra = {"territory": territory, "watersheds": readable_watersheds(request.user, territory),
             "map_url": reverse("observatory_map", args=[code]),
             "can_refresh": has_capability(request.user, SET_STANDARDS),
             "can_validate": territory.is_personal_level and can(request.user, VALIDATE_FIGURES, territory)}
    return _render_dashboard(request, territory, children, territory.ancestors(), extra,
                             reachable=lambda unit: in_scope(request.user, unit))


@login_required
def watershed_dashboard(request, code):
    """The same for a watershed (all its communities in the user's scope): its microwatersheds, or
    its communities, are the children."""
    watershed = get_watershed_for_user(request.user, code)
    children = list(watershed.children.order_by("name")) or list(watershed.communities.order_by("name"))
    codes = watershed.path.strip("/").split("/")[:-1]
    ancestors = sorted(Watershed.objects.filter(code__in=codes), key=lambda w: codes.index(w.code))
    return _render_dashboard(request, watershed, children, ancestors, {
        "watershed": watershed, "map_url": reverse("observatory_watershed_map", args=[code])})


def _map(request, node, children):
    """The children of a unit with one indicator's latest figure, as GeoJSON for the choropleth."""
    indicator = Indicator.objects.filter(code=request.GET.get("mapa", "")).first()
    if indicator is None:
        raise Http404
    filters = _filters(request, [indicator])
    card = selectors.dashboard(node, children, filters["granularity"], only=[indicator])[0]
    features = []
    for child, row in card["children"]:
        geometry = selectors.shape(child)
        if geometry is None:
            continue
        value = row.value if row is not None else None
        url = _dashboard_url(child)
        features.append({"type": "Feature", "geometry": geometry, "properties": {
            "code": child.code, "name": child.name, "url": url, "value": None if value is None else float(value),
            "label": "—" if value is None else f"{floatformat(value, '-1')} {indicator.unit_label}",
            "period": selectors.period_label(row.period) if row is not None else ""}})
    return JsonResponse({"type": "FeatureCollection", "features": features,
                         "indicator": {"code": indicator.code, "name": indicator.label, "unit": indicator.unit_label,
                                       "direction": indicator.direction}})


@login_required
def dashboard_map(request, code):
    territory = get_territory_for_user(request.user, code)
    if not in_scope(request.user, territory):
        raise Http404
    return _map(request, territory, list(visible_children(request.user, territory)))


@login_required
def watershed_map(request, code):
    watershed = get_watershed_for_user(request.user, code)
    children = list(watershed.children.all()) or list(watershed.communities.all())
    return _map(request, watershed, children)


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


@login_required
def report_new(request, code):
    """Ask for a PDF report of a unit of the user's scope: a program, a season (or all), a language."""
    territory = get_territory_for_user(request.user, code)
    if not in_scope(request.user, territory):
        raise Http404
    programs = sorted(set(Indicator.objects.exclude(program="").values_list("program", flat=True)))
    seasons = sorted({int(p[1:]) for p in Value.objects.filter(territory=territory, period__startswith="S")
                      .values_list("period", flat=True).distinct()}, reverse=True)
    if request.method == "POST":
        program = request.POST.get("program", "")
        season = request.POST.get("season", "")
        language = request.POST.get("language", "es")
        if program not in ["", *programs] or (season and not season.isdigit()) or \
                language not in dict(Report.LANGUAGES):
            messages.error(request, _("Elija un programa, una campaña y un idioma de la lista."))
            return redirect("observatory_report_new", code=code)
        report = Report.objects.create(territory=territory, program=program, season=int(season) if season else None,
                                       language=language, requested_by=request.user)
        transaction.on_commit(lambda: tasks.build_report.enqueue(report.pk))
        return redirect("observatory_report", pk=report.pk)
    recent = Report.objects.filter(requested_by=request.user, territory=territory).defer("content")[:10]
    return render(request, "observatory/report_new.html", {
        "territory": territory, "ancestors": territory.ancestors(), "programs": programs,
        "seasons": [(s, season_label(s)) for s in seasons], "languages": Report.LANGUAGES, "recent": recent})


@login_required
def report(request, pk):
    """A report being built (its progress, refreshed by htmx), then its download."""
    job = Report.objects.filter(pk=pk, requested_by=request.user).select_related("territory").defer("content").first()
    if job is None:
        raise Http404
    if request.GET.get("download") and job.status == Report.Status.DONE:
        content = Report.objects.values_list("content", flat=True).get(pk=pk)
        response = HttpResponse(bytes(content), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
        return response
    template = "observatory/_report.html" if request.htmx else "observatory/report_status.html"
    return render(request, template, {"job": job})
