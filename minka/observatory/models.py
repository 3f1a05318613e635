"""The observatory: indicators defined as data, their targets, and the values the engine computes
for every territory unit and agricultural season from the field records."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from minka.core.models import TranslatedName
from minka.territory.models import Territory, Watershed


class Indicator(TranslatedName):
    """What to count, as data: a calculation (kind) over the facts of a source, with the source's
    filters in `spec`, the disaggregations and the periods it is computed for."""

    class Kind(models.TextChoices):
        COUNT = "count", _("Conteo de familias o personas que cumplen una condición")
        SUM = "sum", _("Suma de una cantidad registrada")
        MEAN = "mean", _("Promedio de una cantidad registrada")
        RATIO = "ratio", _("Proporción de registros que cumplen una condición (%)")
        SHARE = "share", _("Parte de una población que cumple una condición (%)")
        CHANGE = "change", _("Cambio de las mismas familias frente a la línea de base (%)")
        PORTION = "portion", _("Parte de una cantidad registrada que cumple una condición (%)")

    class Source(models.TextChoices):
        HOUSEHOLDS = "households", _("Familias del registro")
        PERSONS = "persons", _("Personas del registro")
        MEASURES = "measures", _("Mediciones de producción y calidad")
        TESTS = "tests", _("Pruebas de calidad (aprobada o no)")
        ASSESSMENTS = "assessments", _("Evaluaciones de prácticas (etapa de transición)")
        PRACTICES = "practices", _("Prácticas adoptadas (cantidades)")
        INCOME = "income", _("Ingreso neto por campaña")
        PARTICIPANTS = "participants", _("Participantes en capacitaciones")
        TRAININGS = "trainings", _("Capacitaciones realizadas")
        LOANS = "loans", _("Préstamos del fondo de crédito a familias")
        PLANS = "plans", _("Planes de negocio presentados a los concursos")
        AGREEMENTS = "agreements", _("Acuerdos de retribución por servicios ecosistémicos")
        VERIFICATIONS = "verifications", _("Verificaciones de los acuerdos y sus retribuciones")
        PARTICIPATION = "participation", _("Asistencia de las organizaciones a las sesiones de su mesa")

    class Direction(models.TextChoices):
        UP = "up", _("Más es mejor")
        DOWN = "down", _("Menos es mejor")

    class Level(models.TextChoices):
        IMPACT = "impact", _("Impacto")
        OUTCOME = "outcome", _("Efecto")
        OUTPUT = "output", _("Producto")

    BREAKDOWNS = {"chain": _("cadena de valor"), "sex": _("sexo"), "age": _("grupo de edad"),
                  "actor": _("tipo de actor"), "practice": _("práctica")}
    PERIODS = {"season": _("campaña agrícola"), "year": _("año"), "quarter": _("trimestre"), "month": _("mes")}

    code = models.SlugField(_("código"), max_length=48, unique=True)
    kind = models.CharField(_("cálculo"), max_length=16, choices=Kind.choices)
    source = models.CharField(_("fuente"), max_length=16, choices=Source.choices, default=Source.HOUSEHOLDS)
    spec = models.JSONField(_("condiciones"), default=dict, blank=True,
                            help_text=_("Filtros y parámetros: chain, measure, stage, practice, fertiliser, unit, "
                                        "income_source, actor, min, max, base_season, late_days, status, in_force, compliant, on_time."))
    breakdowns = models.JSONField(_("desagregaciones"), default=list, blank=True,
                                  help_text=_("Entre: chain, sex, age, actor, practice."))
    periods = models.JSONField(_("periodos"), default=list, blank=True,
                               help_text=_("Entre: season, year, quarter, month. Vacío: situación actual."))
    unit = models.CharField(_("unidad"), max_length=24, blank=True)
    direction = models.CharField(_("dirección"), max_length=4, choices=Direction.choices, default=Direction.UP)
    program = models.CharField(_("programa"), max_length=32, blank=True)
    axis = models.CharField(_("eje"), max_length=120, blank=True)
    level = models.CharField(_("nivel del marco lógico"), max_length=8, choices=Level.choices, default=Level.OUTCOME)
    definition = models.TextField(_("definición"), blank=True)
    definition_fr = models.TextField(_("definición en francés"), blank=True)
    definition_en = models.TextField(_("definición en inglés"), blank=True)
    definition_quz = models.TextField(_("definición en quechua"), blank=True)
    method = models.TextField(_("nota de método"), blank=True)
    order = models.PositiveSmallIntegerField(_("orden"), default=0)

    class Meta:
        verbose_name = _("indicador")
        verbose_name_plural = _("indicadores")
        ordering = ["program", "order", "code"]

    def clean(self):
        from .engine import check_definition

        check_definition(self)

    @property
    def definition_label(self):
        """The definition in the page's language, Spanish when no translation was given."""
        language = (translation.get_language() or "es").split("-")[0]
        return getattr(self, f"definition_{language}", "") or self.definition

    @property
    def unit_label(self):
        """The unit in the page's language (units are typed in Spanish; symbols stay as they are)."""
        return {"familias": _("familias"), "personas": _("personas"), "eventos": _("eventos")}.get(self.unit,
                                                                                                  self.unit)

    @property
    def counts_people(self):
        return self.source in (self.Source.PERSONS, self.Source.PARTICIPANTS, self.Source.TRAININGS)


class Target(models.Model):
    """What a program wants an indicator to reach in a territory, from a baseline, with the
    thresholds that decide the status shown."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+")
    breakdown = models.CharField(_("desagregación"), max_length=48, blank=True)
    period = models.CharField(_("periodo"), max_length=12, blank=True,
                              help_text=_("S2025 = campaña 2025-26, Y2026 = año 2026; vacío = fin del programa."))
    baseline = models.DecimalField(_("línea de base"), max_digits=14, decimal_places=2, default=Decimal("0"))
    target = models.DecimalField(_("meta"), max_digits=14, decimal_places=2)
    on_track = models.PositiveSmallIntegerField(_("en camino desde (porcentaje de la meta)"), default=90)
    at_risk = models.PositiveSmallIntegerField(_("en riesgo desde (porcentaje de la meta)"), default=60)

    class Meta:
        verbose_name = _("meta")
        verbose_name_plural = _("metas")
        constraints = [models.UniqueConstraint(fields=["indicator", "territory", "breakdown", "period"], name="target_unique")]

    def status(self, value):
        """on_track / at_risk / off_track: the share of the way from the baseline to the target."""
        if value is None:
            return None
        span = self.target - self.baseline
        progress = Decimal(100) if span == 0 else (value - self.baseline) / span * 100
        if self.indicator.direction == Indicator.Direction.DOWN:
            progress = Decimal(100) if span == 0 else (self.baseline - value) / (self.baseline - self.target) * 100
        if progress >= self.on_track:
            return "on_track"
        return "at_risk" if progress >= self.at_risk else "off_track"


class Value(models.Model):
    """A computed figure for a territory unit or a watershed, a period and a breakdown. Numerator and
    denominator (ratios, averages, changes) add up along the trees, the value is derived;
    `households` is how many families (or persons) it rests on, for suppression.

    Periods: "" (today), S2023 (agricultural season 2023-24), Y2023, Q2023-3, M2023-07."""

    # Values are derived and rewritten in bulk: no database-level foreign keys or single-column indexes
    # to maintain (Django still cascades deletions); the unique keys lead with the node pages read by.
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values", db_constraint=False,
                                  db_index=False)
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+", null=True, blank=True,
                                  db_constraint=False, db_index=False)
    watershed = models.ForeignKey(Watershed, on_delete=models.CASCADE, related_name="+", null=True, blank=True,
                                  db_constraint=False, db_index=False)
    period = models.CharField(max_length=12, blank=True)  # (codes in byte order on PostgreSQL: migration 0013)
    breakdown = models.CharField(max_length=48, blank=True)
    numerator = models.DecimalField(max_digits=20, decimal_places=4)
    denominator = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    households = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["territory", "indicator", "period", "breakdown"],
                                    condition=models.Q(territory__isnull=False), name="value_unique_territory"),
            models.UniqueConstraint(fields=["watershed", "indicator", "period", "breakdown"],
                                    condition=models.Q(watershed__isnull=False), name="value_unique_watershed"),
            models.CheckConstraint(condition=models.Q(territory__isnull=True) ^ models.Q(watershed__isnull=True),
                                   name="value_one_node"),
        ]

    @property
    def season(self):
        """The season a seasonal figure belongs to (None for other periods)."""
        return int(self.period[1:]) if self.period.startswith("S") else None

    @property
    def value(self):
        return derive(self.indicator.kind, self.numerator, self.denominator)


def derive(kind, numerator, denominator):
    """The figure shown, from its additive parts."""
    if kind in (Indicator.Kind.COUNT, Indicator.Kind.SUM):
        return numerator
    if not denominator:
        return None
    if kind == Indicator.Kind.MEAN:
        return numerator / denominator
    if kind == Indicator.Kind.CHANGE:
        return (numerator / denominator - 1) * 100
    return numerator / denominator * 100


class Validation(models.Model):
    """A community's word on one of its figures, before it is published: its leaders (or the
    technician who took the assembly's decision down) confirm or contest the figure as it was shown.
    Rows are never edited: the latest one of a figure is its state. A confirmed figure that the
    engine later changes goes back to «to validate»."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmada")
        CONTESTED = "contested", _("Observada")

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+", verbose_name=_("comunidad"))
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="validations")
    period = models.CharField(_("periodo"), max_length=12, blank=True)
    numerator = models.DecimalField(max_digits=20, decimal_places=4)
    denominator = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    status = models.CharField(_("estado"), max_length=12, choices=Status.choices)
    comment = models.TextField(_("comentario"), blank=True)
    spoken_by = models.CharField(_("en nombre de"), max_length=120, blank=True,
                                 help_text=_("La autoridad o asamblea que tomó la decisión, si no es quien la registra."))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registrado por"))
    at = models.DateTimeField(_("fecha"), auto_now_add=True)

    class Meta:
        verbose_name = _("validación comunal")
        verbose_name_plural = _("validaciones comunales")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["territory", "indicator", "period"])]

    def matches(self, value):
        """Whether the figure confirmed is the one the engine computes now."""
        return value is not None and value.numerator == self.numerator and value.denominator == self.denominator


class Report(models.Model):
    """A PDF systematisation report of a program over a territory and a period, built in the
    background (reports.py); the page shows its progress, then the download."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En cola")
        RUNNING = "running", _("En preparación")
        DONE = "done", _("Listo")
        FAILED = "failed", _("Con error")

    LANGUAGES = [("es", "Español"), ("fr", "Français")]

    program = models.CharField(_("programa"), max_length=32, blank=True)
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+", verbose_name=_("territorio"))
    season = models.PositiveSmallIntegerField(_("campaña"), null=True, blank=True,
                                              help_text=_("Vacío: todas las campañas, hasta hoy."))
    language = models.CharField(_("idioma"), max_length=4, choices=LANGUAGES, default="es")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=120, blank=True)
    content = models.BinaryField(blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("informe")
        verbose_name_plural = _("informes")

    @property
    def filename(self):
        period = f"-{self.season}" if self.season else ""
        return f"minka-informe-{self.program or 'programas'}-{self.territory.code}{period}-{self.language}.pdf"


class EngineState(models.Model):
    """One row: the generation of the values written by the engine. The analytical store keeps the
    generation it last wrote; when the two differ (a refresh stopped between its two databases), the
    next refresh recomputes everything rather than adding changes to values it cannot trust."""

    generation = models.BigIntegerField(default=0)
