"""Data collection with the tools field teams already use: XLSForms served over OpenRosa to ODK
Collect, KoboCollect and the browser, and the submissions they send back.

A submission is stored as received (raw XML, attachments, checksums) before anything reads it:
whatever happens afterwards (a parse error, a mapping that fails, a duplicate), nothing is lost."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from minka.territory.models import Territory


def md5_hex(data):
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


class Form(models.Model):
    """A questionnaire (one XLSForm `form_id`) offered to the users who record field data in its
    territory. Its versions keep the XForms; the newest one is served to phones."""

    form_id = models.CharField(_("identificador del formulario"), max_length=100, unique=True)
    title = models.CharField(_("título"), max_length=200)
    territory = models.ForeignKey(Territory, verbose_name=_("ámbito"), on_delete=models.PROTECT,
                                  related_name="forms",
                                  help_text=_("Lo llenan los técnicos con ámbito dentro o por encima de esta "
                                              "unidad."))
    active = models.BooleanField(_("activo"), default=True, help_text=_("Inactivo: no se ofrece a los teléfonos."))
    requires_approval = models.BooleanField(
        _("requiere aprobación"), default=False,
        help_text=_("Los registros cuentan solo después de que un revisor apruebe el envío."))
    target = models.CharField(_("destino"), max_length=32, blank=True,
                              help_text=_("El tipo de registro de Minka que crea cada envío."))
    mapping = models.JSONField(_("correspondencia"), default=dict, blank=True,
                               help_text=_("Campo del registro → campo del formulario, «=valor» o grupo repetido."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("creado por"))
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("formulario")
        verbose_name_plural = _("formularios")
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def current(self):
        return self.versions.order_by("-uploaded_at", "-pk").first()


class FormVersion(models.Model):
    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="versions", verbose_name=_("formulario"))
    version = models.CharField(_("versión"), max_length=100)
    xlsform = models.BinaryField(_("XLSForm"))
    xlsform_name = models.CharField(_("archivo"), max_length=255)
    xml = models.TextField(_("XForm"))
    md5 = models.CharField(max_length=32, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("subido por"))
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("versión del formulario")
        verbose_name_plural = _("versiones del formulario")
        ordering = ["-uploaded_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["form", "version"], name="form_version_unique")]

    def __str__(self):
        return f"{self.form.form_id} {self.version}"


class MediaFile(models.Model):
    """A file a form refers to (an image, a CSV for select_one_from_file or pulldata). Generated
    ones are lists of the registry (communities, households…) cut to the filling user's scope."""

    class Generated(models.TextChoices):
        NONE = "", _("Archivo subido")
        COMMUNITIES = "communities", _("Comunidades del ámbito")
        WATERSHEDS = "watersheds", _("Cuencas del ámbito")
        HOUSEHOLDS = "households", _("Familias del ámbito")
        TRAININGS = "trainings", _("Capacitaciones recientes del ámbito")

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="media", verbose_name=_("formulario"))
    filename = models.CharField(_("nombre del archivo"), max_length=255)
    content = models.BinaryField(_("contenido"), blank=True)
    content_type = models.CharField(max_length=100, default="application/octet-stream")
    generated = models.CharField(_("generado"), max_length=16, choices=Generated.choices, blank=True, default="")

    class Meta:
        verbose_name = _("archivo del formulario")
        verbose_name_plural = _("archivos del formulario")
        ordering = ["filename"]
        constraints = [models.UniqueConstraint(fields=["form", "filename"], name="media_filename_unique")]

    def __str__(self):
        return self.filename


class Submission(models.Model):
    """One instance sent by a phone or the browser, as received."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Recibido")
        PROCESSED = "processed", _("Procesado")
        FAILED = "failed", _("Con error")
        CONFLICT = "conflict", _("Conflicto (mismo ID, otro contenido)")

    class Review(models.TextChoices):
        PENDING = "pending", _("Por revisar")
        APPROVED = "approved", _("Aprobado")
        REJECTED = "rejected", _("Rechazado")

    form = models.ForeignKey(Form, null=True, blank=True, on_delete=models.PROTECT, related_name="submissions",
                             verbose_name=_("formulario"))
    version = models.ForeignKey(FormVersion, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="submissions", verbose_name=_("versión"))
    instance_id = models.CharField(_("ID de instancia"), max_length=255, blank=True, db_index=True)
    deprecated_id = models.CharField(_("reemplaza a"), max_length=255, blank=True)
    supersedes = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="superseded_by", verbose_name=_("versión anterior"))
    xml = models.BinaryField(_("XML recibido"))
    sha256 = models.CharField(max_length=64, editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="submissions", verbose_name=_("enviado por"))
    received_at = models.DateTimeField(_("recibido"), auto_now_add=True, db_index=True)
    status = models.CharField(_("estado"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    review = models.CharField(_("revisión"), max_length=16, choices=Review.choices, default=Review.PENDING)
    error = models.TextField(_("error"), blank=True)
    data = models.JSONField(_("respuestas"), default=dict, blank=True)
    community = models.ForeignKey(Territory, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("comunidad"))
    review_comment = models.TextField(_("comentario de revisión"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("revisado por"))
    reviewed_at = models.DateTimeField(_("revisado el"), null=True, blank=True)
    record_ref = models.CharField(_("registros creados"), max_length=255, blank=True,
                                  help_text=_("Los registros de Minka creados a partir de este envío."))
    # The raw XML is never changed: edits and reviews are kept by the history, without the XML.
    history = HistoricalRecords(excluded_fields=["xml"])

    class Meta:
        verbose_name = _("envío")
        verbose_name_plural = _("envíos")
        ordering = ["-received_at", "-pk"]
        constraints = [
            # One accepted instance per ID; conflicting resends are kept beside it for review.
            models.UniqueConstraint(fields=["instance_id"], condition=~models.Q(status="conflict")
                                    & ~models.Q(instance_id=""), name="submission_instance_unique"),
        ]

    def __str__(self):
        return self.instance_id or f"#{self.pk}"


class Attachment(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("nombre del archivo"), max_length=255)
    content = models.BinaryField(_("contenido"))
    content_type = models.CharField(max_length=100, default="application/octet-stream")
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = _("adjunto")
        verbose_name_plural = _("adjuntos")
        constraints = [models.UniqueConstraint(fields=["submission", "filename"], name="attachment_filename_unique")]


class CollectCredential(models.Model):
    """What a phone's HTTP Digest or Basic login is checked against: HA1 = MD5(user:realm:password),
    written whenever the user signs in with their password. It is tied to the password hash it was
    made with, so a changed password invalidates it at once. A fast check per request (one MD5),
    where checking the password itself (PBKDF2) would cap submissions at a few per second."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collect_credential")
    ha1 = models.CharField(max_length=32)
    password_hash = models.CharField(max_length=128)
    updated_at = models.DateTimeField(auto_now=True)


class ExportJob(models.Model):
    """A large export built in the background; the page shows its progress, then the download."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En cola")
        RUNNING = "running", _("En preparación")
        DONE = "done", _("Listo")
        FAILED = "failed", _("Con error")

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    fmt = models.CharField(max_length=8)
    language = models.CharField(max_length=64, blank=True)
    query = models.TextField(blank=True, help_text=_("Los filtros de la lista, tal como se pidieron."))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    content = models.BinaryField(blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def percent(self):
        return 100 if self.status == self.Status.DONE else int(100 * self.done / self.total) if self.total else 0
