"""The observatory: indicators defined as data, their targets, and the values the engine computes
for every territory unit and agricultural season from the field records."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from minka.core.models import TranslatedName
from minka.territory.models import Territory


class Indicator(TranslatedName):
    class Kind(models.TextChoices):
        HOUSEHOLDS = "households", _("Familias (conteo)")
        STAGE = "stage", _("Familias en una etapa de transición o más")
        FERTILISER = "fertiliser", _("Abono orgánico producido (suma)")
        QUALITY_PASS = "quality_pass", _("Tasa de aprobación de calidad")
        PARTICIPANTS = "participants", _("Participantes en capacitaciones")
        INCOME_CHANGE = "income_change", _("Cambio de ingreso de las mismas familias")

    class Direction(models.TextChoices):
        UP = "up", _("Más es mejor")
        DOWN = "down", _("Menos es mejor")

    class Level(models.TextChoices):
        IMPACT = "impact", _("Impacto")
        OUTCOME = "outcome", _("Efecto")
        OUTPUT = "output", _("Producto")

    code = models.SlugField(_("código"), max_length=48, unique=True)
    kind = models.CharField(_("cálculo"), max_length=16, choices=Kind.choices)
    spec = models.JSONField(_("parámetros"), default=dict, blank=True,
                            help_text=_("Según el cálculo: chain, stage, source, base_season…"))
    unit = models.CharField(_("unidad"), max_length=24, blank=True)
    direction = models.CharField(_("dirección"), max_length=4, choices=Direction.choices, default=Direction.UP)
    program = models.CharField(_("programa"), max_length=32, blank=True)
    axis = models.CharField(_("eje"), max_length=120, blank=True)
    level = models.CharField(_("nivel del marco lógico"), max_length=8, choices=Level.choices, default=Level.OUTCOME)
    definition = models.TextField(_("definición"), blank=True)
    method = models.TextField(_("nota de método"), blank=True)
    order = models.PositiveSmallIntegerField(_("orden"), default=0)

    class Meta:
        verbose_name = _("indicador")
        verbose_name_plural = _("indicadores")
        ordering = ["program", "order", "code"]


class Target(models.Model):
    """What a program wants an indicator to reach in a territory, from a baseline, with the
    thresholds that decide the status shown."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+")
    breakdown = models.CharField(_("desagregación"), max_length=48, blank=True)
    baseline = models.DecimalField(_("línea de base"), max_digits=14, decimal_places=2, default=Decimal("0"))
    target = models.DecimalField(_("meta"), max_digits=14, decimal_places=2)
    on_track = models.PositiveSmallIntegerField(_("en camino desde (% de la meta)"), default=90)
    at_risk = models.PositiveSmallIntegerField(_("en riesgo desde (% de la meta)"), default=60)

    class Meta:
        verbose_name = _("meta")
        verbose_name_plural = _("metas")
        constraints = [models.UniqueConstraint(fields=["indicator", "territory", "breakdown"], name="target_unique")]

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
    """A computed figure: numerator and denominator (ratios, averages, changes) add up along the
    tree, the value is derived; `households` is how many families it rests on (for suppression)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+")
    season = models.PositiveSmallIntegerField(null=True, blank=True)
    breakdown = models.CharField(max_length=48, blank=True)
    numerator = models.DecimalField(max_digits=18, decimal_places=4)
    denominator = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    households = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["indicator", "territory", "season", "breakdown"],
                                               name="value_unique")]
        indexes = [models.Index(fields=["territory", "indicator"], name="value_territory")]

    @property
    def value(self):
        if self.indicator.kind == Indicator.Kind.INCOME_CHANGE:
            return None if not self.denominator else ((self.numerator / self.denominator) - 1) * 100
        if self.indicator.kind == Indicator.Kind.QUALITY_PASS:
            return None if not self.denominator else self.numerator / self.denominator * 100
        return self.numerator
