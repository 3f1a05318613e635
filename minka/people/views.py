from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minka.accounts.permissions import EDIT_PEOPLE, EXPORT_PEOPLE, RECORD_FIELD, has_capability
from minka.core.pages import import_page
from minka.territory.selectors import watersheds_for

from . import selectors, services, timeline
from .models import Consent, Enrolment, Person
from .forms import ConsentForm, HouseholdFilterForm, HouseholdForm, person_formset

PAGE_SIZE = 25


def _filtered_households(request):
    form = HouseholdFilterForm(request.GET or None, communities=selectors.communities_for(request.user),
                               watersheds=watersheds_for(request.user))
    data = form.cleaned_data if form.is_valid() else {}
    households = selectors.search_households(
        request.user, text=data.get("q", ""), community=data.get("community"), watershed=data.get("watershed"),
        chain=data.get("chain"), head_sex=data.get("head_sex", ""),
    )
    return form, households


@login_required
def household_list(request):
    form, households = _filtered_households(request)
    page = Paginator(
        households.select_related("community__parent").prefetch_related("members", "enrolments__chain"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form, "page": page, "query": query.urlencode(),
        "can_edit": has_capability(request.user, EDIT_PEOPLE),
        "can_export": has_capability(request.user, EXPORT_PEOPLE),
    }
    template = "people/_household_results.html" if request.htmx else "people/household_list.html"
    return render(request, template, context)


@login_required
def household_export(request, fmt):
    if not has_capability(request.user, EXPORT_PEOPLE):
        raise Http404
    _form, households = _filtered_households(request)
    households = households.filter(pk__in=selectors.households_for(request.user, EXPORT_PEOPLE).values("pk"))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        response = HttpResponse(services.export_xlsx(households),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        response = HttpResponse(services.export_csv(households), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="minka-familias-{stamp}.{fmt}"'
    return response


@login_required
def household_detail(request, pk):
    household = selectors.get_household_for_user(request.user, pk)
    members = list(household.members.all())
    history = sorted(
        [
            *household.history.select_related("history_user"),
            *Person.history.filter(household_id=household.pk).select_related("history_user"),
            *Enrolment.history.filter(household_id=household.pk).select_related("history_user"),
            *Consent.history.filter(household_id=household.pk).select_related("history_user"),
        ],
        key=lambda h: h.history_date, reverse=True,
    )
    context = {
        "household": household,
        "members": members,
        "enrolments": household.enrolments.select_related("chain", "producer").order_by("until", "chain__order"),
        "consents": household.consents.select_related("given_by", "recorded_by"),
        "history": [_describe(entry) for entry in history[:50]],
        "can_edit": selectors.households_for(request.user, EDIT_PEOPLE).filter(pk=household.pk).exists(),
        "can_record": selectors.households_for(request.user, RECORD_FIELD).filter(pk=household.pk).exists(),
        "story": timeline.story_of(household, request.user),
    }
    from minka.credit.selectors import of_household

    context["credit"] = of_household(request.user, household)
    return render(request, "people/household_detail.html", context)


def _describe(entry):
    """One line of history: who, when, what changed (field by field for updates)."""
    changes = []
    if entry.history_type == "~" and entry.prev_record is not None:
        delta = entry.diff_against(entry.prev_record, excluded_fields=["updated_at"])
        for change in delta.changes:
            field = entry.instance._meta.get_field(change.field)
            changes.append({"field": field.verbose_name, "old": change.old, "new": change.new})
    return {"entry": entry, "object": entry.instance._meta.verbose_name, "label": str(entry.instance),
            "changes": changes}


def _members_from(formset):
    changes = []
    for form in formset.forms:
        person = form.instance if form.instance.pk else None
        delete = formset.can_delete and formset._should_delete_form(form)
        if person is None and (delete or not form.has_changed()):
            continue
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("id", "household", "DELETE")}
        changes.append((person, data, delete))
    return changes


@login_required
@require_http_methods(["GET", "POST"])
def household_create(request):
    communities = selectors.communities_for(request.user, EDIT_PEOPLE)
    if not communities.exists():
        raise Http404
    Formset = person_formset(extra=3)
    form = HouseholdForm(request.POST or None, communities=communities,
                         initial={"community": request.GET.get("community")})
    formset = Formset(request.POST or None, prefix="members", initial=[{"role": "head"}])
    consent = ConsentForm(request.POST or None, prefix="consent",
                          initial={"given_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid() and formset.is_valid() and consent.is_valid():
        members = [data for _p, data, _d in _members_from(formset)]
        consent_data = None
        if consent.cleaned_data["given"]:
            consent_data = {"given_on": consent.cleaned_data["given_on"], "scope": consent.cleaned_data["scope"]}
        try:
            household = services.register_household(
                actor=request.user, members=members, consent=consent_data, chains=form.cleaned_data["chains"],
                **{k: form.cleaned_data[k] for k in ("community", "name", "address", "phone", "notes")},
            )
        except (ValidationError, services.PermissionDenied) as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Familia registrada: %(name)s (%(code)s)") % {
                "name": household.name, "code": household.code})
            return redirect("household_detail", pk=household.pk)
    return render(request, "people/household_form.html",
                  {"form": form, "formset": formset, "consent": consent, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def household_edit(request, pk):
    household = selectors.get_household_for_user(request.user, pk, EDIT_PEOPLE)
    Formset = person_formset(extra=1)
    communities = selectors.communities_for(request.user, EDIT_PEOPLE)
    form = HouseholdForm(request.POST or None, instance=household, communities=communities)
    formset = Formset(request.POST or None, instance=household, prefix="members")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        fields = {k: form.cleaned_data[k] for k in ("community", "name", "address", "phone", "notes")}
        try:
            services.update_household(actor=request.user, household=household, fields=fields,
                                      member_changes=_members_from(formset), chains=form.cleaned_data["chains"])
        except (ValidationError, services.PermissionDenied) as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Cambios guardados."))
            return redirect("household_detail", pk=household.pk)
    return render(request, "people/household_form.html",
                  {"form": form, "formset": formset, "household": household, "creating": False})


@login_required
@require_http_methods(["GET", "POST"])
def household_import(request):
    if not has_capability(request.user, EDIT_PEOPLE):
        raise Http404
    return import_page(
        request, importer=services.import_households, title=_("Importar familias"), columns=services.IMPORT_COLUMNS,
        done_url="household_list", back_url=reverse("household_list"),
        help_text=_("Una fila por persona. Las filas con la misma clave de familia forman una familia; si no se indica "
                    "jefe(a) de familia, lo es la primera persona de la familia."),
        success=lambda result: _("Importadas %(households)s familias con %(persons)s personas.") % result)
