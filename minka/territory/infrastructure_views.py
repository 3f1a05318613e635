"""Pages of the watershed's infrastructure inventory."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minka.accounts.permissions import EDIT_INFRASTRUCTURE, VIEW_PEOPLE, has_capability, scope_q
from minka.core.pages import import_page, list_or_results, paginate, spreadsheet_response

from . import infrastructure as services
from .forms import ConditionForm, InfrastructureFilterForm, InfrastructureForm, WorkForm
from .models import Infrastructure, Territory
from .selectors import get_infrastructure_for_user, infrastructure_for


def _filtered(request):
    form = InfrastructureFilterForm(request.GET or None, user=request.user)
    works = form.filter(infrastructure_for(request.user), path="community__path", watershed_path="watershed__path")
    if form.is_valid() and form.cleaned_data.get("kind"):
        works = works.filter(kind=form.cleaned_data["kind"])
    return form, works


@login_required
def infrastructure_list(request):
    form, works = _filtered(request)
    page, query = paginate(request, works.select_related("community__parent", "watershed").prefetch_related(
        "conditions"))
    by_kind = dict(works.values_list("kind").annotate(n=Count("pk")))
    return list_or_results(request, "territory/infrastructure_list.html", "territory/_infrastructure_results.html", {
        "form": form, "page": page, "query": query,
        "by_kind": [(kind, by_kind[kind.value]) for kind in Infrastructure.Kind if kind.value in by_kind],
        "can_record": has_capability(request.user, EDIT_INFRASTRUCTURE),
        "can_export": has_capability(request.user, VIEW_PEOPLE)})


@login_required
def infrastructure_geojson(request):
    """The filtered works as a GeoJSON FeatureCollection for the map (no personal data in it)."""
    _form, works = _filtered(request)
    features = [{"type": "Feature", "geometry": w.geometry,
                 "properties": {"name": f"{w.name} ({w.get_kind_display()})", "households": None, "role": "child",
                                "url": reverse("infrastructure_detail", args=[w.pk])}}
                for w in works.exclude(geometry=None)[:2000]]
    return JsonResponse({"type": "FeatureCollection", "features": features})


@login_required
def infrastructure_export(request, fmt):
    _form, works = _filtered(request)
    return spreadsheet_response(fmt, "infraestructura", _("Infraestructura"), services.IMPORT_COLUMNS,
                                services.export_rows(works))


@login_required
@require_http_methods(["GET", "POST"])
def infrastructure_import(request):
    if not has_capability(request.user, EDIT_INFRASTRUCTURE):
        raise Http404
    return import_page(request, importer=services.import_infrastructure, title=_("Importar infraestructura"),
                       columns=services.IMPORT_COLUMNS, done_url="infrastructure_list",
                       back_url=reverse("infrastructure_list"),
                       help_text=_("Una fila por obra. Tipos: %(kinds)s. Un código existente actualiza la obra. "
                                   "Punto con longitud y latitud (grados decimales, WGS84) o línea en GeoJSON.")
                       % {"kinds": ", ".join(Infrastructure.Kind.values)})


@login_required
@require_http_methods(["GET", "POST"])
def infrastructure_edit(request, pk=None):
    work = get_infrastructure_for_user(request.user, pk, EDIT_INFRASTRUCTURE) if pk else None
    communities = Territory.objects.filter(scope_q(request.user, "path", EDIT_INFRASTRUCTURE),
                                           kind=Territory.Kind.COMMUNITY).select_related("parent").order_by("path")
    if not communities.exists():
        raise Http404
    form = InfrastructureForm(request.POST or None, instance=work, communities=communities)
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in ("kind", "name", "community", "watershed", "size", "size_unit",
                                                    "built_year", "notes")}
        try:
            saved = services.save_infrastructure(actor=request.user, infrastructure=work, geometry=form.location(),
                                                 **fields)
        except (ValidationError, services.PermissionDenied) as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Infraestructura guardada: %(code)s") % {"code": saved.code})
            return redirect("infrastructure_detail", pk=saved.pk)
    return render(request, "territory/infrastructure_form.html", {"form": form, "work": work})


@login_required
@require_http_methods(["GET", "POST"])
def infrastructure_detail(request, pk):
    work = get_infrastructure_for_user(request.user, pk)
    can_edit = infrastructure_for(request.user, EDIT_INFRASTRUCTURE).filter(pk=pk).exists()
    condition_form = ConditionForm(request.POST if "add_condition" in request.POST else None, prefix="c")
    work_form = WorkForm(request.POST if "add_work" in request.POST else None, prefix="w")
    if request.method == "POST":
        if not can_edit:
            raise Http404
        try:
            if condition_form.is_bound and condition_form.is_valid():
                services.record_condition(actor=request.user, infrastructure=work, **condition_form.cleaned_data)
                messages.success(request, _("Estado registrado."))
                return redirect("infrastructure_detail", pk=pk)
            if work_form.is_bound and work_form.is_valid():
                services.record_work(actor=request.user, infrastructure=work, **work_form.cleaned_data)
                messages.success(request, _("Obra registrada."))
                return redirect("infrastructure_detail", pk=pk)
        except (ValidationError, services.PermissionDenied) as exc:
            (condition_form if condition_form.is_bound else work_form).add_error(None, exc)
    return render(request, "territory/infrastructure_detail.html", {
        "work": work, "can_edit": can_edit, "condition_form": condition_form, "work_form": work_form,
        "conditions": work.conditions.select_related("recorded_by"), "works": work.works.all(),
        "history": work.history.select_related("history_user")[:10]})
