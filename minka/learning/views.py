from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from minka.accounts.permissions import EXPORT_PEOPLE, RECORD_FIELD, has_capability
from minka.core.pages import filtered_export, import_page, list_or_results, paginate
from minka.people.models import Household

from . import selectors, services, spreadsheets
from .forms import OrganisationAttendanceForm, ParticipantForm, TrainingFilterForm, TrainingForm
from .models import Actor, Participant


def _filtered(request):
    form = TrainingFilterForm(request.GET or None, user=request.user)
    trainings = form.filter(selectors.trainings_for(request.user), path="place__path", date="start_date")
    if form.is_valid() and form.cleaned_data.get("kind"):
        trainings = trainings.filter(kind=form.cleaned_data["kind"])
    return form, trainings


@login_required
def training_list(request):
    form, trainings = _filtered(request)
    page, query = paginate(request, trainings.select_related("place").annotate(
        people=Count("participants", distinct=True)).order_by("-start_date", "-pk"))
    totals = Participant.objects.filter(training__in=trainings).values_list("sex").annotate(n=Count("pk"))
    return list_or_results(request, "learning/training_list.html", "learning/_training_results.html", {
        "form": form, "page": page, "query": query, "totals": dict(totals),
        "can_record": has_capability(request.user, RECORD_FIELD),
        "can_export": has_capability(request.user, EXPORT_PEOPLE)})


@login_required
def training_export(request, fmt):
    return filtered_export(request, fmt, allowed=has_capability(request.user, EXPORT_PEOPLE),
                           filtered=_filtered,
                           scoped=selectors.trainings_for(request.user, EXPORT_PEOPLE), basename="capacitaciones",
                           title=_("Participantes"),
                           header=spreadsheets.PARTICIPANT_EXPORT, rows=spreadsheets.participant_rows)


@login_required
@require_http_methods(["GET", "POST"])
def training_import(request):
    if not has_capability(request.user, RECORD_FIELD):
        raise Http404
    return import_page(request, importer=spreadsheets.import_trainings, title=_("Importar capacitaciones"),
                       columns=spreadsheets.TRAINING_COLUMNS, done_url="training_list",
                       back_url=reverse("training_list"),
                       help_text=_("Un evento por fila. Tipos: field_school, workshop, exchange, course. Lugar: código "
                                   "de distrito o comunidad. Temas y público separados por punto y coma. La asistencia "
                                   "se importa después en la página de cada evento."))


@login_required
@require_http_methods(["GET", "POST"])
def training_edit(request, pk=None):
    training = selectors.get_training_for_user(request.user, pk, RECORD_FIELD) if pk else None
    if training is None and not has_capability(request.user, RECORD_FIELD):
        raise Http404
    form = TrainingForm(request.POST or None, instance=training, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items()}
        try:
            saved = services.record_training(actor=request.user, training=training, **fields)
        except (ValidationError, services.PermissionDenied) as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Capacitación guardada."))
            return redirect("training_detail", pk=saved.pk)
    return render(request, "learning/training_form.html", {"form": form, "training": training})


@login_required
@require_http_methods(["GET", "POST"])
def training_detail(request, pk):
    training = selectors.get_training_for_user(request.user, pk)
    can_record = selectors.trainings_for(request.user, RECORD_FIELD).filter(pk=pk).exists()
    person_form = ParticipantForm(request.POST if "add_person" in request.POST else None, prefix="p")
    org_form = OrganisationAttendanceForm(request.POST if "add_organisation" in request.POST else None, prefix="o")
    if request.method == "POST":
        if not can_record:
            raise Http404
        try:
            if person_form.is_bound and person_form.is_valid():
                data = person_form.cleaned_data
                participant = {k: data[k] for k in ("name", "sex", "actor", "organisation", "pre_score", "post_score")}
                if data["household"]:
                    household = Household.objects.filter(code=data["household"].strip().upper()).first()
                    if household is None:
                        raise ValidationError(_("familia desconocida: %(code)s") % {"code": data["household"]})
                    participant["person"] = services.find_person(household, data["name"])
                    participant["name"] = ""
                services.record_attendance(actor=request.user, training=training, participants=[participant])
                messages.success(request, _("Participante registrado(a)."))
                return redirect("training_detail", pk=pk)
            if org_form.is_bound and org_form.is_valid():
                services.record_attendance(actor=request.user, training=training, organisations=[org_form.cleaned_data])
                messages.success(request, _("Organización registrada."))
                return redirect("training_detail", pk=pk)
        except (ValidationError, services.PermissionDenied) as exc:
            (person_form if person_form.is_bound else org_form).add_error(None, exc)
    return render(request, "learning/training_detail.html", {
        "training": training, "can_record": can_record, "person_form": person_form, "org_form": org_form,
        "participants": training.participants.select_related("person__household", "organisation"),
        "organisations": training.organisations.select_related("organisation"),
        "summary": selectors.attendance_summary(training), "actors": Actor,
        "history": training.history.select_related("history_user")[:10]})


@login_required
@require_POST
def participant_remove(request, pk):
    participant = get_object_or_404(Participant, pk=pk)
    training = selectors.get_training_for_user(request.user, participant.training_id, RECORD_FIELD)
    services.remove_participant(actor=request.user, participant=participant)
    messages.success(request, _("Participante retirado(a) de la lista."))
    return redirect("training_detail", pk=training.pk)


@login_required
@require_http_methods(["GET", "POST"])
def participant_import(request, pk):
    training = selectors.get_training_for_user(request.user, pk, RECORD_FIELD)
    return import_page(
        request, importer=lambda **kw: spreadsheets.import_participants(training=training, **kw),
        title=_("Importar lista de asistencia"), columns=spreadsheets.PARTICIPANT_COLUMNS,
        done_url=reverse("training_detail", args=[pk]), back_url=reverse("training_detail", args=[pk]),
        help_text=_("Una fila por participante: con el código de su familia (y su nombre si no es el jefe o la jefa "
                    "de familia), o con su nombre y sexo si no está en el registro. Notas de 0 a %(max)s.")
        % {"max": training.score_max.normalize()})
