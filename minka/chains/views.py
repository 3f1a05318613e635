"""Pages of the field records: production and quality, thresholds, practices and transition rules,
technical visits and the agenda, and household income. Each view fetches through a scoped
selector, validates with a form, calls one service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Min, OuterRef, Subquery, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from minka.accounts.permissions import EXPORT_PEOPLE, RECORD_FIELD, SET_STANDARDS, has_capability
from minka.core.pages import filtered_export, import_page, list_or_results, paginate
from minka.core.periods import season_choices, season_label
from minka.people.selectors import get_household_for_user, households_for

from . import selectors, services, spreadsheets
from .forms import (AssessmentFilterForm, AssessmentForm, IncomeChangeForm, IncomeFilterForm, IncomeForm, RecordFilterForm, RecordForm, RecordStartForm,
                    RuleForm, ThresholdForm, VisitFilterForm, VisitForm)
from .models import AdoptedPractice, IncomeLine, IncomeSource, Measure, Practice, Stage, TransitionRule

PATH = selectors.HOUSEHOLD_PATH


def _rights(user):
    return {"can_record": has_capability(user, RECORD_FIELD), "can_export": has_capability(user, EXPORT_PEOPLE)}


def _household_from_code(user, code):
    household = households_for(user, RECORD_FIELD).filter(code=code.strip().upper()).first()
    if household is None:
        raise ValidationError(_("No hay una familia con el código %(code)s en su ámbito.") % {"code": code})
    return household


def _household_param(request):
    pk = request.GET.get("household", "")
    return get_household_for_user(request.user, pk, RECORD_FIELD) if pk.isdigit() else None


# --- production and quality ---------------------------------------------------------------------

def _filtered_records(request):
    form = RecordFilterForm(request.GET or None, user=request.user)
    records = form.filter(selectors.records_for(request.user), path=PATH, date="date")
    data = form.cleaned_data if form.is_valid() else {}
    purpose = request.GET.get("purpose")
    if purpose in Measure.Purpose.values:
        records = records.filter(purpose=purpose)
    if data.get("chain"):
        records = records.filter(chain=data["chain"])
    if data.get("result"):
        records = records.filter(passed=data["result"] == "pass")
    return form, records


@login_required
def record_list(request):
    form, records = _filtered_records(request)
    page, query = paginate(request, records.select_related("household__community", "chain").prefetch_related(
        "values__measure__unit"))
    return list_or_results(request, "chains/record_list.html", "chains/_record_results.html", {
        "form": form, "page": page, "query": query, "purpose": request.GET.get("purpose", ""),
        "hidden_filters": [("purpose", request.GET["purpose"])] if request.GET.get("purpose") else [],
        **_rights(request.user)})


@login_required
def record_export(request, fmt):
    return filtered_export(request, fmt, allowed=has_capability(request.user, EXPORT_PEOPLE),
                           filtered=_filtered_records,
                           scoped=selectors.records_for(request.user, EXPORT_PEOPLE), basename="registros",
                           title=_("Registros"),
                           header=spreadsheets.RECORD_EXPORT, rows=spreadsheets.record_rows)


@login_required
@require_http_methods(["GET", "POST"])
def record_import(request):
    if not has_capability(request.user, RECORD_FIELD):
        raise Http404
    return import_page(request, importer=spreadsheets.import_records, title=_("Importar producción y calidad"),
                       columns=spreadsheets.RECORD_COLUMNS, done_url="record_list", back_url=reverse("record_list"),
                       help_text=_("Una fila por valor medido. Las filas con la misma familia, cadena y fecha forman "
                                   "un registro. La columna «unit» admite otra unidad de la misma magnitud (qq, @, t, g), "
                                   "pero una medida va en una sola unidad en todo el archivo."))


def _measures(purpose, chain):
    measures = Measure.objects.filter(purpose=purpose, active=True).select_related("unit")
    # A chain's form shows that chain's measures; the whole farm's (organic inspection) have their own.
    return measures.filter(chain=chain) if chain else measures.filter(chain__isnull=True)


@login_required
@require_http_methods(["GET", "POST"])
def record_create(request):
    if not has_capability(request.user, RECORD_FIELD):
        raise Http404
    household = _household_param(request)
    start = RecordStartForm(request.GET if "purpose" in request.GET else None,
                            initial={"code": household.code if household else "", "purpose": "production"})
    if not start.is_valid():
        return render(request, "chains/record_start.html", {"start": start, "household": household})
    try:
        household = _household_from_code(request.user, start.cleaned_data["code"])
    except ValidationError as exc:
        start.add_error("code", exc)
        return render(request, "chains/record_start.html", {"start": start, "household": household})
    purpose, chain = start.cleaned_data["purpose"], start.cleaned_data["chain"]
    form = RecordForm(request.POST or None, measures=_measures(purpose, chain))
    if request.method == "POST" and form.is_valid():
        try:
            record = services.record_measurements(actor=request.user, household=household, purpose=purpose, chain=chain,
                                                  date=form.cleaned_data["date"], values=form.values(),
                                                  notes=form.cleaned_data["notes"])
        except (ValidationError, services.PermissionDenied) as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Registro guardado."))
            return redirect("record_detail", pk=record.pk)
    return render(request, "chains/record_form.html", {
        "form": form, "household": household, "purpose": Measure.Purpose(purpose), "chain": chain})


@login_required
def record_detail(request, pk):
    record = selectors.get_record_for_user(request.user, pk)
    values = record.values.select_related("measure__unit")
    can_edit = selectors.records_for(request.user, RECORD_FIELD).filter(pk=pk).exists()
    return render(request, "chains/record_detail.html", {"record": record, "values": values, "can_edit": can_edit,
                                                         "history": record.history.select_related("history_user")[:20]})


@login_required
@require_http_methods(["GET", "POST"])
def record_edit(request, pk):
    record = selectors.get_record_for_user(request.user, pk, RECORD_FIELD)
    current = {f"m_{v.measure.code}": (v.text if not v.measure.is_numeric else f"{v.number.normalize():f}")
               for v in record.values.select_related("measure")}
    form = RecordForm(request.POST or None, measures=_measures(record.purpose, record.chain),
                      initial={"date": record.date, "notes": record.notes, **current})
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_record(actor=request.user, record=record, date=form.cleaned_data["date"],
                                    values=form.values(), notes=form.cleaned_data["notes"])
        except (ValidationError, services.PermissionDenied) as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Cambios guardados."))
            return redirect("record_detail", pk=record.pk)
    return render(request, "chains/record_form.html", {
        "form": form, "household": record.household, "purpose": Measure.Purpose(record.purpose),
        "chain": record.chain, "record": record})


@login_required
def standards(request):
    """Quality thresholds and transition rules, readable by everyone, set by the coordination."""
    measures = Measure.objects.filter(purpose=Measure.Purpose.QUALITY, active=True).select_related("unit", "chain")
    rules = TransitionRule.objects.prefetch_related("required_practices")
    rules = sorted(rules, key=lambda r: Stage.values.index(r.stage))
    return render(request, "chains/standards.html", {
        "measures": measures, "rules": rules, "can_set": has_capability(request.user, SET_STANDARDS),
        "practices": Practice.objects.filter(active=True).select_related("quantity_unit")})


@login_required
@require_http_methods(["GET", "POST"])
def threshold_edit(request, code):
    if not has_capability(request.user, SET_STANDARDS):
        raise Http404
    measure = get_object_or_404(Measure, code=code, purpose=Measure.Purpose.QUALITY)
    form = ThresholdForm(request.POST or None, measure=measure, initial={
        "pass_min": measure.pass_min, "pass_max": measure.pass_max, "pass_values": measure.pass_values})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_thresholds(actor=request.user, measure=measure, pass_min=form.cleaned_data.get("pass_min"),
                                    pass_max=form.cleaned_data.get("pass_max"),
                                    pass_values=form.cleaned_data.get("pass_values", []))
        except (ValidationError, services.PermissionDenied) as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Umbral actualizado: %(measure)s") % {"measure": measure.label})
            return redirect("standards")
    return render(request, "chains/standard_form.html", {"form": form, "title": measure.label, "measure": measure,
                                                         "history": measure.history.select_related("history_user")[:10]})


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request, stage):
    if not has_capability(request.user, SET_STANDARDS):
        raise Http404
    rule = get_object_or_404(TransitionRule, stage=stage)
    form = RuleForm(request.POST or None, initial={"min_practices": rule.min_practices,
                                                   "required_practices": rule.required_practices.all()})
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.set_transition_rule(actor=request.user, rule=rule, **form.cleaned_data)
        except (ValidationError, services.PermissionDenied) as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Regla actualizada; %(n)s evaluaciones cambiaron de etapa.") % {"n": changed})
            return redirect("standards")
    return render(request, "chains/standard_form.html", {"form": form, "title": rule.get_stage_display(),
                                                         "history": rule.history.select_related("history_user")[:10]})


# --- agroecological practices -------------------------------------------------------------------

def _filtered_assessments(request):
    form = AssessmentFilterForm(request.GET or None, user=request.user)
    assessments = form.filter(selectors.assessments_for(request.user), path=PATH, date="date")
    if form.is_valid() and form.cleaned_data.get("stage"):
        assessments = assessments.filter(stage=form.cleaned_data["stage"])
    return form, assessments


@login_required
def assessment_list(request):
    form, assessments = _filtered_assessments(request)
    page, query = paginate(request, assessments.select_related("household__community").annotate(
        practices=Count("adopted")).order_by("-date", "-pk"))
    # Families by the stage of their latest assessment within the filters (not assessments, which
    # count a family once per round).
    latest = assessments.filter(household=OuterRef("household")).order_by("-date", "-pk").values("pk")[:1]
    stages = dict(assessments.filter(pk=Subquery(latest)).values_list("stage").annotate(n=Count("pk")).order_by())
    fertiliser = (AdoptedPractice.objects.filter(assessment__in=assessments, practice__is_fertiliser=True,
                                                 quantity__isnull=False)
                  .values_list("practice__quantity_unit__symbol").annotate(total=Sum("quantity")).order_by())
    return list_or_results(request, "chains/assessment_list.html", "chains/_assessment_results.html", {
        "form": form, "page": page, "query": query, "stages": [(s, stages.get(s.value, 0)) for s in Stage],
        "fertiliser": fertiliser, **_rights(request.user)})


@login_required
def assessment_export(request, fmt):
    return filtered_export(request, fmt, allowed=has_capability(request.user, EXPORT_PEOPLE),
                           filtered=_filtered_assessments,
                           scoped=selectors.assessments_for(request.user, EXPORT_PEOPLE), basename="practicas",
                           title=_("Prácticas"),
                           header=spreadsheets.ASSESSMENT_EXPORT, rows=spreadsheets.assessment_rows)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_import(request):
    if not has_capability(request.user, RECORD_FIELD):
        raise Http404
    return import_page(request, importer=spreadsheets.import_assessments, title=_("Importar prácticas agroecológicas"),
                       columns=spreadsheets.ASSESSMENT_COLUMNS, done_url="assessment_list",
                       back_url=reverse("assessment_list"),
                       help_text=_("Una fila por práctica adoptada; las filas con la misma familia y fecha forman una "
                                   "evaluación. La etapa de transición se calcula con las reglas vigentes."))


@login_required
@require_http_methods(["GET", "POST"])
def assessment_create(request, pk=None):
    """A new assessment of a family's practices, or the correction of one (same family and date)."""
    assessment = selectors.get_assessment_for_user(request.user, pk, RECORD_FIELD) if pk else None
    household = assessment.household if assessment else _household_param(request)
    if household is None:
        raise Http404
    initial = {}
    if assessment is not None:
        initial = {"date": assessment.date, "notes": assessment.notes}
        for row in assessment.adopted.select_related("practice"):
            initial[f"p_{row.practice.code}"] = True
            initial[f"q_{row.practice.code}"] = "" if row.quantity is None else f"{row.quantity.normalize():f}"
    form = AssessmentForm(request.POST or None, initial=initial, fixed_date=assessment.date if assessment else None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assess_practices(actor=request.user, household=household,
                                                   date=form.cleaned_data["date"], adopted=form.cleaned_data["adopted"],
                                                   notes=form.cleaned_data["notes"])
        except (ValidationError, services.PermissionDenied) as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Evaluación guardada: etapa %(stage)s.") % {
                "stage": assessment.get_stage_display()})
            return redirect("assessment_detail", pk=assessment.pk)
    return render(request, "chains/assessment_form.html", {"form": form, "household": household,
                                                           "assessment": assessment})


@login_required
def assessment_detail(request, pk):
    assessment = selectors.get_assessment_for_user(request.user, pk)
    return render(request, "chains/assessment_detail.html", {
        "assessment": assessment, "can_record": selectors.assessments_for(request.user, RECORD_FIELD).filter(
            pk=pk).exists(), "adopted": assessment.adopted.select_related("practice__quantity_unit"),
        "history": assessment.history.select_related("history_user")[:20]})


# --- technical visits ---------------------------------------------------------------------------

def _filtered_visits(request):
    form = VisitFilterForm(request.GET or None, user=request.user)
    visits = form.filter(selectors.visits_for(request.user), path=PATH, date="date")
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("chain"):
        visits = visits.filter(chain=data["chain"])
    if data.get("open_follow_up"):
        visits = visits.filter(follow_up_due__isnull=False, follow_up_done_on__isnull=True)
    return form, visits


@login_required
def visit_list(request):
    form, visits = _filtered_visits(request)
    page, query = paginate(request, visits.select_related("household__community", "technician", "chain"))
    return list_or_results(request, "chains/visit_list.html", "chains/_visit_results.html", {
        "form": form, "page": page, "query": query, "today": timezone.localdate(), **_rights(request.user)})


@login_required
def visit_export(request, fmt):
    return filtered_export(request, fmt, allowed=has_capability(request.user, EXPORT_PEOPLE),
                           filtered=_filtered_visits,
                           scoped=selectors.visits_for(request.user, EXPORT_PEOPLE), basename="visitas",
                           title=_("Visitas"),
                           header=spreadsheets.VISIT_EXPORT, rows=spreadsheets.visit_rows)


@login_required
@require_http_methods(["GET", "POST"])
def visit_import(request):
    if not has_capability(request.user, RECORD_FIELD):
        raise Http404
    return import_page(request, importer=spreadsheets.import_visits, title=_("Importar visitas"),
                       columns=spreadsheets.VISIT_COLUMNS, done_url="visit_list", back_url=reverse("visit_list"),
                       help_text=_("Una fila por visita hecha por usted. Temas separados por punto y coma. Una visita "
                                   "cierra los seguimientos pendientes de la misma familia."))


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request):
    if not has_capability(request.user, RECORD_FIELD):
        raise Http404
    household = _household_param(request)
    form = VisitForm(request.POST or None, initial={"household_code": household.code if household else ""})
    if request.method == "POST" and form.is_valid():
        try:
            household = _household_from_code(request.user, form.cleaned_data["household_code"])
            visit = services.record_visit(actor=request.user, household=household, **{
                k: form.cleaned_data[k] for k in ("date", "chain", "topics", "findings", "recommendations",
                                                  "follow_up_due")})
        except (ValidationError, services.PermissionDenied) as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Visita registrada."))
            return redirect("visit_detail", pk=visit.pk)
    return render(request, "chains/visit_form.html", {"form": form, "household": household})


@login_required
@require_http_methods(["GET", "POST"])
def visit_edit(request, pk):
    visit = selectors.get_visit_for_user(request.user, pk, RECORD_FIELD)
    form = VisitForm(request.POST or None, instance=visit, initial={"household_code": visit.household.code})
    form.fields["household_code"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.update_visit(actor=request.user, visit=visit, **{
                k: form.cleaned_data[k] for k in ("date", "chain", "topics", "findings", "recommendations",
                                                  "follow_up_due")})
        except (ValidationError, services.PermissionDenied) as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Cambios guardados."))
            return redirect("visit_detail", pk=pk)
    return render(request, "chains/visit_form.html", {"form": form, "household": visit.household, "visit": visit})


@login_required
def visit_detail(request, pk):
    visit = selectors.get_visit_for_user(request.user, pk)
    can_record = selectors.visits_for(request.user, RECORD_FIELD).filter(pk=pk).exists()
    return render(request, "chains/visit_detail.html", {"visit": visit, "today": timezone.localdate(),
                                                        "can_record": can_record})


@login_required
@require_POST
def follow_up_done(request, pk):
    """Close a follow-up without a new visit (done by phone, or no longer needed)."""
    visit = selectors.get_visit_for_user(request.user, pk, RECORD_FIELD)
    try:
        services.close_follow_up(actor=request.user, visit=visit, done_on=timezone.localdate())
    except (ValidationError, services.PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Seguimiento cerrado."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("visit_detail", args=[pk])
    return redirect(target)


@login_required
def agenda(request):
    """The follow-ups due: a technician's own by default, everyone's in scope on request."""
    visits, today = selectors.agenda_for(request.user, timezone.localdate())
    everyone = request.GET.get("todos") == "1"
    if not everyone:
        visits = visits.filter(technician=request.user)
    return render(request, "chains/agenda.html", {"visits": visits[:200], "today": today, "everyone": everyone})


# --- household income ---------------------------------------------------------------------------

def _filtered_surveys(request):
    form = IncomeFilterForm(request.GET or None, user=request.user)
    surveys = form.filter(selectors.surveys_for(request.user), path=PATH)
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("season"):
        surveys = surveys.filter(season=data["season"])
    if data.get("round"):
        surveys = surveys.filter(round=data["round"])
    if data.get("chain"):
        surveys = surveys.filter(pk__in=IncomeLine.objects.filter(source__chain=data["chain"]).values("survey"))
    return form, surveys


@login_required
def income_list(request):
    form, surveys = _filtered_surveys(request)
    page, query = paginate(request, surveys.select_related("household__community").prefetch_related("lines"))
    return list_or_results(request, "chains/income_list.html", "chains/_income_results.html", {
        "form": form, "page": page, "query": query, **_rights(request.user)})


@login_required
def income_export(request, fmt):
    return filtered_export(request, fmt, allowed=has_capability(request.user, EXPORT_PEOPLE),
                           filtered=_filtered_surveys,
                           scoped=selectors.surveys_for(request.user, EXPORT_PEOPLE), basename="ingresos",
                           title=_("Ingresos"),
                           header=spreadsheets.INCOME_EXPORT, rows=spreadsheets.income_rows)


@login_required
@require_http_methods(["GET", "POST"])
def income_import(request):
    if not has_capability(request.user, RECORD_FIELD):
        raise Http404
    return import_page(request, importer=spreadsheets.import_income, title=_("Importar encuestas de ingresos"),
                       columns=spreadsheets.INCOME_COLUMNS, done_url="income_list", back_url=reverse("income_list"),
                       help_text=_("Una fila por fuente de ingreso, montos en soles al céntimo. Las filas con la misma "
                                   "familia y campaña (2023-24: agosto 2023 a julio 2024) forman una encuesta."))


@login_required
@require_http_methods(["GET", "POST"])
def income_create(request, pk=None):
    """A family's income survey for a season, or its correction (same family and season)."""
    survey = selectors.get_survey_for_user(request.user, pk, RECORD_FIELD) if pk else None
    household = survey.household if survey else _household_param(request)
    if household is None:
        raise Http404
    initial = {}
    if survey is not None:
        initial = {"season": survey.season, "round": survey.round, "date": survey.date, "notes": survey.notes}
        for line in survey.lines.select_related("source"):
            initial[f"i_{line.source.code}"], initial[f"c_{line.source.code}"] = line.income, line.costs
    form = IncomeForm(request.POST or None, sources=IncomeSource.objects.all(), seasons=season_choices(),
                      initial=initial)
    if survey is not None:
        form.fields["season"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.record_income(actor=request.user, household=household, lines=form.cleaned_data["lines"],
                                            **{k: form.cleaned_data[k] for k in ("season", "round", "date", "notes")})
        except (ValidationError, services.PermissionDenied) as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Encuesta guardada."))
            return redirect("income_detail", pk=survey.pk)
    return render(request, "chains/income_form.html", {"form": form, "household": household, "survey": survey})


@login_required
def income_detail(request, pk):
    survey = selectors.get_survey_for_user(request.user, pk)
    lines = list(survey.lines.select_related("source"))
    totals = {"income": sum(l.income for l in lines), "costs": sum(l.costs for l in lines)}
    totals["net"] = totals["income"] - totals["costs"]
    return render(request, "chains/income_detail.html", {
        "can_record": selectors.surveys_for(request.user, RECORD_FIELD).filter(pk=pk).exists(),
        "survey": survey, "lines": lines, "totals": totals, "season": season_label(survey.season),
        "history": survey.history.select_related("history_user")[:20]})


@login_required
def income_change(request):
    """How income changed for the same families between two seasons, by source."""
    seasons = season_choices()
    surveyed = selectors.surveys_for(request.user).aggregate(first=Min("season"), last=Max("season"))
    params = request.GET.copy()
    # By default: from the first season surveyed to the last one, in the user's scope.
    params.setdefault("base_season", str(surveyed["first"] or seasons[-1][0]))
    params.setdefault("follow_season", str(surveyed["last"] or seasons[0][0]))
    form = IncomeChangeForm(params, user=request.user)
    form.fields["base_season"].choices = form.fields["follow_season"].choices = seasons
    rows = []
    if form.is_valid():
        surveys = form.filter(selectors.surveys_for(request.user), path=PATH)
        base, follow = form.cleaned_data["base_season"], form.cleaned_data["follow_season"]
        for source in [None, *IncomeSource.objects.all()]:
            rows.append((source, selectors.paired_income_change(surveys, base_season=base, season=follow,
                                                                source=source)))
    return render(request, "chains/income_change.html", {"form": form, "rows": rows})
