"""Every write of data collection: publishing XLSForms, their media, and receiving submissions.

Receiving follows one rule above all: the raw XML and its attachments are committed before
anything is parsed or mapped, so that no later error can lose what a phone sent."""

import io

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from minka.accounts.permissions import MANAGE_FORMS, RECORD_FIELD, can, scope_paths
from minka.people.services import PermissionDenied

from .models import Attachment, Form, FormVersion, MediaFile, Submission, md5_hex, sha256_hex
from .xml import BadXML, instance_meta, parse, to_data, xform_identity


class FormRejected(Exception):
    """pyxform refused the XLSForm; `messages` say why, one per problem (with its row when known)."""

    def __init__(self, messages):
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


def may_fill(user, form):
    """Users who record field data where the form applies: inside its territory or above it."""
    path = form.territory.path
    return any(path.startswith(p) or p.startswith(path) for p in scope_paths(user, RECORD_FIELD))


def _convert(data, filename):
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    if not filename.lower().endswith(".xlsx"):
        raise FormRejected([_("Suba el XLSForm como archivo .xlsx.")])
    try:
        result = convert(xlsform=io.BytesIO(data), file_type=".xlsx", pretty_print=True)
    except PyXFormError as exc:
        raise FormRejected([line for line in str(exc).splitlines() if line.strip()])
    except Exception as exc:  # a damaged file: openpyxl and friends raise many kinds
        raise FormRejected([_("No se pudo leer el XLSForm: %(error)s") % {"error": exc}])
    return result.xform, list(result.warnings or [])


@transaction.atomic
def publish_xlsform(*, actor, data, filename, territory=None):
    """Convert an XLSForm with pyxform and publish it: a new form, or a new version of the form with
    the same form_id (the old versions stay, so their submissions remain readable). A version
    number already used is refused, as phones tell forms apart by it."""
    if actor is not None and (territory is not None and not can(actor, MANAGE_FORMS, territory)):
        raise PermissionDenied(_("No puede publicar formularios en %(place)s.") % {"place": territory})
    xml, warnings = _convert(data, filename)
    try:
        form_id, version, title, _media = xform_identity(xml)
    except BadXML as exc:
        raise FormRejected([str(exc)])
    if not version:
        raise FormRejected([_("Indique la versión en la hoja «settings» (columna version).")])
    form = Form.objects.select_for_update().filter(form_id=form_id).first()
    if form is None:
        if territory is None:
            raise FormRejected([_("Elija el ámbito del nuevo formulario.")])
        form = Form(form_id=form_id, title=title or form_id, territory=territory, created_by=actor)
        form.full_clean()
        form.save()
    else:
        if actor is not None and not can(actor, MANAGE_FORMS, form.territory):
            raise PermissionDenied(_("No puede publicar formularios en %(place)s.") % {"place": form.territory})
        if form.versions.filter(version=version).exists():
            raise FormRejected([_("La versión %(version)s de «%(form)s» ya existe: cambie la versión en la hoja "
                                  "«settings» antes de subir el formulario modificado.")
                                % {"version": version, "form": form_id}])
        form.title = title or form.title
        form.save(update_fields=["title"])
    published = FormVersion.objects.create(form=form, version=version, xlsform=data, xlsform_name=filename, xml=xml,
                                           md5=md5_hex(xml.encode()), uploaded_by=actor)
    published.warnings = warnings
    return published


def expected_media(version):
    """The files the XForm refers to, and which of them the form does not have yet."""
    _form_id, _version, _title, media = xform_identity(version.xml)
    present = set(version.form.media.values_list("filename", flat=True))
    return media, [m for m in media if m not in present]


@transaction.atomic
def attach_media(*, actor, form, filename, data=b"", content_type="application/octet-stream", generated=""):
    if actor is not None and not can(actor, MANAGE_FORMS, form.territory):
        raise PermissionDenied(_("No puede cambiar este formulario."))
    if "/" in filename or "\\" in filename or not filename.strip():
        raise ValidationError(_("Nombre de archivo inválido."))
    media, _created = MediaFile.objects.update_or_create(
        form=form, filename=filename, defaults={"content": data, "content_type": content_type, "generated": generated})
    return media


# --- submissions --------------------------------------------------------------------------------

class Refused(Exception):
    """The client gets `status` and `message`; `submission` is what was kept of it (None: nothing)."""

    def __init__(self, status, message, submission=None):
        self.status, self.message, self.submission = status, message, submission
        super().__init__(message)


def _store(*, user, xml, files, form=None, version_id=None, instance_id="", deprecated_id="",
           status=Submission.Status.RECEIVED, error="", data=None, supersedes_id=None):
    submission = Submission(
        form=form, version_id=version_id, instance_id=instance_id, deprecated_id=deprecated_id, xml=xml,
        sha256=sha256_hex(xml), submitted_by=user, status=status, error=error, data=data or {},
        supersedes_id=supersedes_id)
    # What arrived is its own record: the history starts with the first review or edit.
    submission.skip_history_when_saving = True
    submission.save()
    _add_attachments(submission, files)
    return submission


def _add_attachments(submission, files):
    if not files:
        return 0
    present = set(submission.attachments.values_list("filename", flat=True))
    added = []
    for upload in files:
        if upload.name in present:
            continue
        content = upload.read()
        added.append(Attachment(submission=submission, filename=upload.name, content=content, size=len(content),
                                content_type=getattr(upload, "content_type", "") or "application/octet-stream",
                                sha256=sha256_hex(content)))
        present.add(upload.name)
    Attachment.objects.bulk_create(added)
    return len(added)


def receive_submission(*, user, xml, files=()):
    """Keep what a phone sent, then read it. Answers: the stored submission and whether it is new;
    or Refused(status, message) — 400 unreadable, 404 unknown form, 403 not allowed, 409 the same
    instanceID with other content. Unreadable and conflicting ones are kept for review."""
    try:
        root = parse(xml)
    except BadXML as exc:
        with transaction.atomic():
            kept = _store(user=user, xml=xml, files=files, status=Submission.Status.FAILED, error=str(exc))
        raise Refused(400, str(exc), kept)
    form_id, version_label, instance_id, deprecated_id = instance_meta(root)
    # The form and the id of the submitted version in one query: this path runs for every phone.
    form = Form.objects.select_related("territory").annotate(version_pk=Subquery(
        FormVersion.objects.filter(form=OuterRef("pk"), version=version_label).values("pk")[:1])).filter(
        form_id=form_id).first()
    if form is None:
        message = _("Formulario desconocido: %(form)s") % {"form": form_id or "—"}
        with transaction.atomic():
            kept = _store(user=user, xml=xml, files=files, instance_id="", status=Submission.Status.FAILED,
                          error=message)
        raise Refused(404, message, kept)
    if not may_fill(user, form):
        raise Refused(403, _("No puede enviar datos de este formulario."))
    if not instance_id:
        message = _("El envío no tiene meta/instanceID.")
        with transaction.atomic():
            kept = _store(user=user, xml=xml, files=files, form=form, status=Submission.Status.FAILED, error=message)
        raise Refused(400, message, kept)
    version_id = form.version_pk
    digest = sha256_hex(xml)
    # Reading the answers cannot lose anything: the XML is already parsed, and what is read is stored
    # in the same row as the raw XML.
    status, error, data, supersedes_id = _read(root, version_id, deprecated_id)
    try:  # most submissions are new: insert first, and look for an earlier one only when refused
        with transaction.atomic():
            submission = _store(user=user, xml=xml, files=files, form=form, version_id=version_id,
                                instance_id=instance_id, deprecated_id=deprecated_id, status=status, error=error,
                                data=data, supersedes_id=supersedes_id)
    except IntegrityError:
        existing = Submission.objects.filter(instance_id=instance_id).exclude(
            status=Submission.Status.CONFLICT).only("pk", "sha256").first()
        if existing is not None and existing.sha256 == digest:  # a resend, perhaps with media missing before
            with transaction.atomic():
                _add_attachments(existing, files)
            return existing, False
        message = _("Ya existe un envío con el ID %(id)s y otro contenido: se guardó para revisión.") % {
            "id": instance_id}
        with transaction.atomic():
            kept = _store(user=user, xml=xml, files=files, form=form, version_id=version_id, instance_id=instance_id,
                          deprecated_id=deprecated_id, status=Submission.Status.CONFLICT, error=message, data=data)
        raise Refused(409, message, kept)
    if submission.status == Submission.Status.PROCESSED and form.target:
        apply_target(submission)  # after the commit: a refused record leaves the submission kept
    return submission, True


def community_of(data):
    """The community a submission is about, from a `household` or `community` answer (for filters)."""
    from minka.people.models import Household
    from minka.territory.models import Territory

    if isinstance(data.get("household"), str) and data["household"]:
        return Household.objects.filter(code=data["household"].strip().upper()).values_list(
            "community_id", flat=True).first()
    if isinstance(data.get("community"), str) and data["community"]:
        return Territory.objects.filter(code=data["community"].strip()).values_list("pk", flat=True).first()
    return None


def _read(root, version_id, deprecated_id):
    """(status, error, answers, id of the submission it replaces) of a parsed instance."""
    supersedes_id = None
    if deprecated_id:
        supersedes_id = Submission.objects.filter(instance_id=deprecated_id).exclude(
            status=Submission.Status.CONFLICT).values_list("pk", flat=True).first()
    if version_id is None:
        return (Submission.Status.FAILED, _("La versión %(version)s del formulario no existe en Minka.")
                % {"version": root.get("version", "—")}, to_data(root), supersedes_id)
    return Submission.Status.PROCESSED, "", to_data(root), supersedes_id


@transaction.atomic
def set_mapping(*, actor, form, target, mapping, requires_approval=None):
    """Bind a form to a target with a mapping. Paths must exist in the form's current version, and
    the target's required fields must be mapped; constants ("=value") are taken as they are."""
    from .targets import TARGETS
    from .xml import xform_fields

    _check_manager(actor, form)
    form = Form.objects.select_for_update().get(pk=form.pk)
    errors, clean = [], {}
    if target:
        if target not in TARGETS:
            raise ValidationError(_("Destino desconocido: %(target)s") % {"target": target})
        leaves, repeats = xform_fields(form.current.xml) if form.current else ([], {})
        for item in TARGETS[target].fields(form):
            source = mapping.get(item.name)
            if item.repeat:
                if isinstance(source, dict) and source.get("repeat"):
                    if source["repeat"] not in repeats:
                        errors.append(_("%(field)s: el formulario no tiene el grupo repetido «%(path)s».")
                                      % {"field": item.label, "path": source["repeat"]})
                        continue
                    children = {k: v for k, v in source.get("fields", {}).items() if v}
                    for child in item.repeat:
                        path = children.get(child.name, "")
                        if child.required and not path:
                            errors.append(_("%(field)s: falta %(child)s.")
                                          % {"field": item.label, "child": child.label})
                        elif path and not path.startswith("=") and path not in repeats[source["repeat"]]:
                            errors.append(_("%(field)s: «%(path)s» no está en el grupo repetido.")
                                          % {"field": item.label, "path": path})
                    clean[item.name] = {"repeat": source["repeat"], "fields": children}
                elif item.required:
                    errors.append(_("Falta elegir el grupo repetido de %(field)s.") % {"field": item.label})
                continue
            if source in (None, ""):
                if item.required:
                    errors.append(_("Falta el campo obligatorio %(field)s.") % {"field": item.label})
                continue
            if not str(source).startswith("=") and source not in leaves:
                errors.append(_("%(field)s: el formulario no tiene el campo «%(path)s».")
                              % {"field": item.label, "path": source})
                continue
            clean[item.name] = source
    if errors:
        raise ValidationError(errors)
    form.target, form.mapping = target, clean
    if requires_approval is not None:
        form.requires_approval = requires_approval
    form._history_user = actor
    form.save()
    return form


def apply_target(submission):
    """Create the records a processed submission stands for, acting as its sender. Runs once: a
    submission that already made its records is left alone. Errors stay on the submission."""
    from minka.territory.infrastructure import PermissionDenied as InfrastructureDenied

    from .targets import TARGETS, values_for

    form = submission.form
    if form is None or not form.target or submission.record_ref:
        return submission
    if form.requires_approval and submission.review != Submission.Review.APPROVED:
        return submission
    target = TARGETS[form.target]
    # Placed in its community for the review filters (only forms that make records need it, and
    # the plain receiving path stays as short as possible).
    submission.community_id = community_of(submission.data)
    try:
        with transaction.atomic():
            values = values_for(target, form, submission.data)
            submission.record_ref = target.apply(submission=submission, values=values, actor=submission.submitted_by)
    except (ValidationError, PermissionDenied, InfrastructureDenied, IntegrityError, ValueError,
            ArithmeticError) as exc:
        messages = getattr(exc, "messages", None) or [str(exc)]
        submission.status = Submission.Status.FAILED
        submission.error = _("No se pudo crear el registro: %(error)s") % {"error": "; ".join(map(str, messages))}
    submission.save(update_fields=["record_ref", "status", "error", "community"])
    return submission


def process_submission(*, submission, root=None):
    """Read a stored submission again (after its form version or mapping was fixed), then make its
    records. Errors are kept on it."""
    try:
        root = root if root is not None else parse(bytes(submission.xml))
    except BadXML as exc:
        submission.status, submission.error = Submission.Status.FAILED, str(exc)
    else:
        submission.status, submission.error, submission.data, submission.supersedes_id = _read(
            root, submission.version_id, submission.deprecated_id)
    submission.save(update_fields=["data", "supersedes", "status", "error"])
    if submission.status == Submission.Status.PROCESSED:
        apply_target(submission)
    return submission


def _locked(submission):
    """The submission row locked for a change (its form, a nullable join, is read but not locked)."""
    return Submission.objects.select_for_update(of=("self",)).select_related("form__territory").get(pk=submission.pk)


def _check_manager(actor, form):
    """Coordinators whose scope holds the form's territory manage the form and its submissions."""
    if actor is not None and not can(actor, MANAGE_FORMS, form.territory):
        raise PermissionDenied(_("Solo la coordinación revisa los envíos de este formulario."))


@transaction.atomic
def review_submission(*, actor, submission, decision, comment=""):
    """Approve or reject a submission, with a comment the submitter will read."""
    from django.utils import timezone

    submission = _locked(submission)
    _check_manager(actor, submission.form)
    if decision not in (Submission.Review.APPROVED, Submission.Review.REJECTED):
        raise ValidationError(_("Decisión desconocida."))
    if decision == Submission.Review.REJECTED and not comment.strip():
        raise ValidationError(_("Diga por qué se rechaza: el técnico lo verá."))
    submission.review, submission.review_comment = decision, comment
    submission.reviewed_by, submission.reviewed_at = actor, timezone.now()
    submission._history_user = actor
    submission.save()
    if decision == Submission.Review.APPROVED and submission.status == Submission.Status.PROCESSED:
        apply_target(submission)  # forms that count only after approval make their records now
    return submission


@transaction.atomic
def edit_answers(*, actor, submission, changes):
    """A reviewer corrects answers ({"group/field": new text}) of a submission that has not made its
    records yet (a wrong family code, a typo), then its records are made from the corrected answers.
    The raw XML stays as received; the history keeps the answers before the edit."""
    submission = _locked(submission)
    _check_manager(actor, submission.form)
    if submission.record_ref:
        raise ValidationError(_("Este envío ya creó sus registros: corríjalos en Minka."))
    if submission.version_id is None:
        raise ValidationError(_("Publique primero la versión del formulario de este envío."))
    data = submission.data or {}
    for path, value in changes.items():
        *groups, leaf = path.split("/")
        node = data
        for group in groups:
            node = node.get(group) if isinstance(node, dict) else None
        if not isinstance(node, dict) or leaf not in node or isinstance(node[leaf], (dict, list)):
            raise ValidationError(_("Respuesta desconocida: %(path)s") % {"path": path})
        node[leaf] = value
    submission.data, submission.community_id = data, community_of(data)
    submission.status, submission.error = Submission.Status.PROCESSED, ""
    submission._history_user = actor
    submission.save()
    return apply_target(submission)


@transaction.atomic
def reprocess(*, actor, submission):
    """Read a kept submission again, after its form version or its mapping was fixed."""
    submission = _locked(submission)
    if submission.form is not None:
        _check_manager(actor, submission.form)
    if submission.form is None or submission.version is None:
        try:
            form_id, version_label, instance_id, deprecated_id = instance_meta(parse(bytes(submission.xml)))
        except BadXML as exc:
            raise ValidationError(str(exc))
        submission.form = submission.form or Form.objects.filter(form_id=form_id).first()
        if submission.form is not None:
            submission.version = submission.form.versions.filter(version=version_label).first()
            submission.instance_id = submission.instance_id or instance_id
            submission.deprecated_id = deprecated_id
            submission.save(update_fields=["form", "version", "instance_id", "deprecated_id"])
    submission._history_user = actor
    return process_submission(submission=submission)
