"""Pages of data collection: the forms and how to reach them from ODK Collect, publishing an
XLSForm and its media, the submissions of a form, one submission with its photos and map, the
review, and the queue of submissions kept with an error."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from minka.accounts.permissions import MANAGE_FORMS, has_capability
from minka.core.pages import list_or_results, paginate

from . import exports, selectors, services
from .forms import AnswersForm, MappingForm, MediaUpload, ReviewForm, SubmissionFilterForm, XLSFormUpload
from .models import ExportJob, Submission
from .tasks import build_export
from .targets import TARGETS, target_choices
from .xml import geopoint, xform_fields


@login_required
@require_http_methods(["GET", "POST"])
def form_mapping(request, form_id):
    """Which Minka records the form's submissions become: the target, then field by field."""
    form = selectors.get_form_for_user(request.user, form_id)
    if not selectors.can_manage(request.user, form) or form.current is None:
        raise Http404
    target_code = request.GET.get("target", form.target)
    target = TARGETS.get(target_code)
    mapping_form = None
    if target is not None:
        leaves, repeats = xform_fields(form.current.xml)
        mapping = form.mapping if target_code == form.target else {}
        mapping_form = MappingForm(request.POST or None, target_fields=target.fields(form), leaves=leaves,
                                   repeats=repeats, mapping=mapping,
                                   initial={"requires_approval": form.requires_approval})
        if request.method == "POST" and mapping_form.is_valid():
            try:
                services.set_mapping(actor=request.user, form=form, target=target_code,
                                     mapping=mapping_form.mapping(),
                                     requires_approval=mapping_form.cleaned_data["requires_approval"])
            except (ValidationError, services.PermissionDenied) as exc:
                mapping_form.add_error(None, exc)
            else:
                messages.success(request, _("Correspondencia guardada: los nuevos envíos crearán %(target)s.")
                                 % {"target": target.label})
                return redirect("collect_form", form_id=form_id)
    return render(request, "collect/form_mapping.html", {
        "form": form, "targets": target_choices(), "target": target, "target_code": target_code or "",
        "mapping_form": mapping_form})


@login_required
def web_entry(request, form_id):
    """Fill a form in the browser with ODK Web Forms; it is sent to /submission like from a phone."""
    form = selectors.get_form_for_user(request.user, form_id)
    if not services.may_fill(request.user, form) or form.current is None:
        raise Http404
    media_prefix = reverse("openrosa_media", args=[form.form_id, "x"])[:-1]
    return render(request, "collect/web_entry.html", {"form": form, "media_prefix": media_prefix})


@login_required
def form_index(request):
    forms = selectors.visible_forms(request.user).annotate(n=Count("submissions")).order_by("title")
    queue = selectors.submissions_for(request.user).filter(
        status__in=[Submission.Status.FAILED, Submission.Status.CONFLICT]).count()
    return render(request, "collect/form_index.html", {
        "forms": forms, "server_url": request.build_absolute_uri("/"), "queue": queue,
        "can_publish": has_capability(request.user, MANAGE_FORMS)})


@login_required
@require_http_methods(["GET", "POST"])
def form_upload(request):
    if not has_capability(request.user, MANAGE_FORMS):
        raise Http404
    upload = XLSFormUpload(request.POST or None, request.FILES or None, user=request.user)
    problems = []
    if request.method == "POST" and upload.is_valid():
        file = upload.cleaned_data["file"]
        try:
            version = services.publish_xlsform(actor=request.user, data=file.read(), filename=file.name,
                                               territory=upload.cleaned_data["territory"])
        except services.FormRejected as rejected:
            problems = rejected.messages
        except services.PermissionDenied as exc:
            upload.add_error(None, str(exc))
        else:
            for warning in version.warnings:
                messages.warning(request, warning)
            messages.success(request, _("Publicado: %(form)s, versión %(version)s.") % {
                "form": version.form.title, "version": version.version})
            return redirect("collect_form", form_id=version.form.form_id)
    return render(request, "collect/form_upload.html", {"upload": upload, "problems": problems})


@login_required
@require_http_methods(["GET", "POST"])
def form_detail(request, form_id):
    form = selectors.get_form_for_user(request.user, form_id)
    manager = selectors.can_manage(request.user, form)
    media_form = MediaUpload(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not manager:
            raise Http404
        if media_form.is_valid():
            data = media_form.cleaned_data
            upload = data.get("file")
            if upload:
                fields = {"filename": upload.name, "data": upload.read(),
                          "content_type": upload.content_type or "application/octet-stream"}
            else:
                fields = {"filename": data["filename"], "generated": data["generated"]}
            try:
                services.attach_media(actor=request.user, form=form, **fields)
            except (ValidationError, services.PermissionDenied) as exc:
                media_form.add_error(None, exc)
            else:
                messages.success(request, _("Archivo del formulario guardado."))
                return redirect("collect_form", form_id=form_id)
    version = form.current
    media, missing = services.expected_media(version) if version else ([], [])
    counts = dict(form.submissions.values_list("status").annotate(n=Count("pk")))
    return render(request, "collect/form_detail.html", {
        "form": form, "version": version, "versions": form.versions.select_related("uploaded_by"),
        "media": form.media.all(), "expected": media, "missing": missing, "media_form": media_form,
        "manager": manager, "counts": [(s, counts.get(s.value, 0)) for s in Submission.Status],
        "target": TARGETS.get(form.target)})


def _filtered_submissions(request, form=None):
    filters = SubmissionFilterForm(request.GET or None)
    submissions = selectors.submissions_for(request.user)
    if form is not None:
        submissions = submissions.filter(form=form)
    return filters, _apply_filters(submissions, filters)


def _apply_filters(submissions, filters):
    data = filters.cleaned_data if filters.is_valid() else {}
    for field in ("status", "review"):
        if data.get(field):
            submissions = submissions.filter(**{field: data[field]})
    if data.get("submitter"):
        submissions = submissions.filter(submitted_by__username__iexact=data["submitter"])
    if data.get("community"):
        submissions = submissions.filter(community__path__contains=f"/{data['community']}/")
    if data.get("date_from"):
        submissions = submissions.filter(received_at__date__gte=data["date_from"])
    if data.get("date_to"):
        submissions = submissions.filter(received_at__date__lte=data["date_to"])
    return submissions


@login_required
def submission_list(request, form_id=None):
    form = selectors.get_form_for_user(request.user, form_id) if form_id else None
    filters, submissions = _filtered_submissions(request, form)
    if form is None:  # the queue: what was kept with a problem
        submissions = submissions.filter(status__in=[Submission.Status.FAILED, Submission.Status.CONFLICT])
    page, query = paginate(request, submissions.select_related("form", "submitted_by", "community").defer("xml"))
    return list_or_results(request, "collect/submission_list.html", "collect/_submission_results.html", {
        "form": filters, "collect_form": form, "page": page, "query": query,
        "languages": exports.languages(form.current.xml) if form and form.current else []})


def _answers(data, prefix=""):
    """Flat (path, value) pairs of the answers, repeats numbered, meta left out."""
    rows = []
    for key, value in (data or {}).items():
        if key == "meta" and not prefix:
            continue
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            rows += _answers(value, path + "/")
        elif isinstance(value, list):
            for index, item in enumerate(value, start=1):
                rows += _answers(item, f"{path}[{index}]/") if isinstance(item, dict) else [(f"{path}[{index}]", item)]
        else:
            rows.append((path, value))
    return rows


def _geopoint(rows):
    """The first answer that reads as an ODK geopoint: "lat lon altitude accuracy"."""
    for path, value in rows:
        point = geopoint(value)
        if point:
            return {"path": path, "lat": point[0], "lon": point[1]}
    return None


@login_required
@require_http_methods(["GET", "POST"])
def submission_detail(request, pk):
    submission = selectors.get_submission_for_user(request.user, pk)
    manager = submission.form is not None and selectors.can_manage(request.user, submission.form)
    review = ReviewForm(request.POST if "decision" in request.POST else None)
    rows = _answers(submission.data)
    editable = manager and not submission.record_ref and submission.version_id is not None
    editing = AnswersForm(request.POST if "edit" in request.POST else None, answers=rows) if editable else None
    if request.method == "POST":
        if not manager:
            raise Http404
        if editing is not None and editing.is_bound and editing.is_valid():
            try:
                result = services.edit_answers(actor=request.user, submission=submission, changes=editing.changes())
            except (ValidationError, services.PermissionDenied) as exc:
                editing.add_error(None, exc)
            else:
                if result.status == Submission.Status.PROCESSED:
                    messages.success(request, _("Respuestas corregidas."))
                else:
                    messages.error(request, _("Sigue con error: %(error)s") % {"error": result.error})
                return redirect("collect_submission", pk=pk)
        elif review.is_bound and review.is_valid():
            try:
                services.review_submission(actor=request.user, submission=submission,
                                           decision=review.cleaned_data["decision"],
                                           comment=review.cleaned_data["comment"])
            except (ValidationError, services.PermissionDenied) as exc:
                review.add_error(None, exc)
            else:
                messages.success(request, _("Revisión guardada."))
                return redirect("collect_submission", pk=pk)
    attachments = list(submission.attachments.defer("content"))
    return render(request, "collect/submission_detail.html", {
        "submission": submission, "answers": rows, "geopoint": _geopoint(rows), "manager": manager, "review": review,
        "editing": editing,
        "photos": [a for a in attachments if a.content_type.startswith("image/")],
        "files": [a for a in attachments if not a.content_type.startswith("image/")],
        "history": submission.history.select_related("history_user")[:10]})


@login_required
def attachment(request, pk, filename):
    submission = selectors.get_submission_for_user(request.user, pk)
    item = submission.attachments.filter(filename=filename).first()
    if item is None:
        raise Http404
    response = HttpResponse(bytes(item.content), content_type=item.content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def filtered_for_export(user, form, params):
    """The submissions an export holds: the list's filters, the user's scope, oldest first."""
    filters = SubmissionFilterForm(params or None)
    submissions = _apply_filters(selectors.submissions_for(user).filter(form=form), filters)
    return submissions.select_related("submitted_by").defer("xml").order_by("received_at", "pk")


@login_required
def submission_export(request, form_id, fmt):
    """A form's filtered submissions as XLSX (repeats as sheets), CSV (main table) or GeoJSON; large
    ones are built in the background and the user follows their progress."""
    form = selectors.get_form_for_user(request.user, form_id)
    submissions = filtered_for_export(request.user, form, request.GET)
    language = request.GET.get("lang", "")
    if submissions.count() > settings.COLLECT_EXPORT_INLINE_MAX:
        params = request.GET.copy()
        job = ExportJob.objects.create(form=form, requested_by=request.user, fmt=fmt, language=language,
                                       query=params.urlencode())
        transaction.on_commit(lambda: build_export.enqueue(job.pk))
        return redirect("collect_export_job", pk=job.pk)
    response = HttpResponse(exports.render(form, submissions, fmt, language), content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{form.form_id}.{fmt}"'
    return response


@login_required
def export_job(request, pk):
    """A background export: its progress (refreshed by htmx), then its download."""
    job = ExportJob.objects.filter(pk=pk, requested_by=request.user).select_related("form").defer("content").first()
    if job is None:
        raise Http404
    if request.GET.get("download") and job.status == ExportJob.Status.DONE:
        content = ExportJob.objects.values_list("content", flat=True).get(pk=pk)
        response = HttpResponse(bytes(content), content_type=exports.CONTENT_TYPES[job.fmt])
        response["Content-Disposition"] = f'attachment; filename="{job.form.form_id}.{job.fmt}"'
        return response
    template = "collect/_export_job.html" if request.htmx else "collect/export_job.html"
    return render(request, template, {"job": job})


@login_required
@require_POST
def submission_reprocess(request, pk):
    submission = selectors.get_submission_for_user(request.user, pk)
    try:
        result = services.reprocess(actor=request.user, submission=submission)
    except (ValidationError, services.PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        if result.status == Submission.Status.PROCESSED:
            messages.success(request, _("Envío procesado."))
        else:
            messages.error(request, _("Sigue con error: %(error)s") % {"error": result.error})
    return redirect("collect_submission", pk=pk)
