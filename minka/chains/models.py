"""Field records of the value chains: production and quality measured in real units, the
agroecological practices a family has adopted, and the technicians' assistance visits.

What is measured is data, not code: a `Measure` says which quantity of which chain is recorded,
in which `Unit`, within which plausible range and, for quality, which values pass. A new value
chain or product needs rows in these tables, not a programmer."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from minka.core.models import TranslatedName
from minka.people.models import Household, ValueChain


def not_in_future(value):
    if value > datetime.date.today():
        raise ValidationError(_("La fecha no puede ser futura."))


class Unit(TranslatedName):
    """A unit of measure. Units of the same dimension convert through `factor` (to the dimension's
    base unit): 1 qq (quintal) = 46 kg, 1 arroba = 11.5 kg."""

    code = models.SlugField(_("código"), max_length=24, unique=True)
    symbol = models.CharField(_("símbolo"), max_length=16)
    dimension = models.SlugField(_("magnitud"), max_length=24,
                                 help_text=_("Unidades de la misma magnitud se convierten entre sí."))
    factor = models.DecimalField(_("factor a la unidad base"), max_digits=14, decimal_places=6, default=Decimal(1))

    class Meta:
        verbose_name = _("unidad")
        verbose_name_plural = _("unidades")
        ordering = ["dimension", "factor"]
        constraints = [models.CheckConstraint(condition=models.Q(factor__gt=0), name="unit_factor_positive")]

    def __str__(self):
        return self.symbol

    def convert(self, value, to):
        """`value` in this unit expressed in `to` (same dimension)."""
        if self.dimension != to.dimension:
            raise ValueError(f"{self.code} → {to.code}")
        return value * self.factor / to.factor


class Measure(TranslatedName):
    """A quantity recorded for a value chain: production (litres of milk per day, kg of fresh
    mushrooms…) or quality (fat %, antibiotics…). Quality measures carry the thresholds that decide
    pass or fail; coordinators set them and every change is kept."""

    class Purpose(models.TextChoices):
        PRODUCTION = "production", _("Producción")
        QUALITY = "quality", _("Calidad")

    class ValueType(models.TextChoices):
        DECIMAL = "decimal", _("Número")
        INTEGER = "integer", _("Número entero")
        BOOLEAN = "boolean", _("Sí / no")
        CHOICE = "choice", _("Opción de una lista")
        TEXT = "text", _("Texto")

    code = models.SlugField(_("código"), max_length=48, unique=True)
    chain = models.ForeignKey(ValueChain, verbose_name=_("cadena de valor"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="measures",
                              help_text=_("Vacío: la medida se aplica a toda la finca (p. ej. inspección orgánica)."))
    purpose = models.CharField(_("tipo de registro"), max_length=16, choices=Purpose.choices)
    value_type = models.CharField(_("tipo de valor"), max_length=16, choices=ValueType.choices,
                                  default=ValueType.DECIMAL)
    unit = models.ForeignKey(Unit, verbose_name=_("unidad"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="measures")
    choices = models.JSONField(_("opciones"), default=list, blank=True,
                               help_text=_("Para «opción de una lista»: [[código, nombre, quechua, francés, inglés], "
                                           "…]; los nombres en otros idiomas son opcionales."))
    min_value = models.DecimalField(_("mínimo posible"), max_digits=14, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(_("máximo posible"), max_digits=14, decimal_places=4, null=True, blank=True)
    pass_min = models.DecimalField(_("mínimo aceptable"), max_digits=14, decimal_places=4, null=True, blank=True)
    pass_max = models.DecimalField(_("máximo aceptable"), max_digits=14, decimal_places=4, null=True, blank=True)
    pass_values = models.JSONField(_("valores aceptables"), default=list, blank=True,
                                   help_text=_("Para sí/no u opciones: los valores que aprueban."))
    order = models.PositiveSmallIntegerField(_("orden"), default=0)
    active = models.BooleanField(_("activa"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("medida")
        verbose_name_plural = _("medidas")
        ordering = ["chain__order", "purpose", "order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_value__isnull=True) | models.Q(max_value__isnull=True)
                | models.Q(min_value__lte=models.F("max_value")), name="measure_range_ordered"),
            models.CheckConstraint(
                condition=models.Q(pass_min__isnull=True) | models.Q(pass_max__isnull=True)
                | models.Q(pass_min__lte=models.F("pass_max")), name="measure_threshold_ordered"),
        ]

    def clean(self):
        numeric = self.value_type in (self.ValueType.DECIMAL, self.ValueType.INTEGER)
        if numeric and self.unit_id is None:
            raise ValidationError({"unit": _("Una medida numérica necesita su unidad.")})
        if self.value_type == self.ValueType.CHOICE and not self.choices:
            raise ValidationError({"choices": _("Indique las opciones de la lista.")})
        for bound in ("pass_min", "pass_max"):
            value = getattr(self, bound)
            if value is None:
                continue
            if (self.min_value is not None and value < self.min_value) or (
                    self.max_value is not None and value > self.max_value):
                raise ValidationError({bound: _("El umbral debe estar dentro del rango posible.")})
        if any(not isinstance(c, (list, tuple)) or len(c) < 2 for c in self.choices):
            raise ValidationError({"choices": _("Cada opción es una lista [código, nombre, …].")})
        allowed = {str(c[0]) for c in self.choices} if self.value_type == self.ValueType.CHOICE else (
            {"true", "false"} if self.value_type == self.ValueType.BOOLEAN else set())
        unknown = [v for v in self.pass_values if str(v) not in allowed]
        if unknown:
            raise ValidationError({"pass_values": _("Valores aceptables desconocidos: %(values)s")
                                   % {"values": ", ".join(map(str, unknown))}})

    @property
    def is_numeric(self):
        return self.value_type in (self.ValueType.DECIMAL, self.ValueType.INTEGER)

    @property
    def has_threshold(self):
        return self.pass_min is not None or self.pass_max is not None or bool(self.pass_values)

    def options(self):
        """(code, name in the page's language) of a list measure; Spanish when no translation."""
        language = (translation.get_language() or "es").split("-")[0]
        position = {"quz": 2, "fr": 3, "en": 4}.get(language, 1)
        return [(str(c[0]), c[position] if len(c) > position and c[position] else c[1]) for c in self.choices]

    def choice_label(self, code):
        return dict(self.options()).get(str(code), code)

    def threshold_text(self):
        """The pass rule in words, as shown beside every result."""
        if self.is_numeric:
            symbol = self.unit.symbol if self.unit_id else ""
            if self.pass_min is not None and self.pass_max is not None:
                return f"{self.pass_min.normalize():f}–{self.pass_max.normalize():f} {symbol}".strip()
            if self.pass_min is not None:
                return f"≥ {self.pass_min.normalize():f} {symbol}".strip()
            if self.pass_max is not None:
                return f"≤ {self.pass_max.normalize():f} {symbol}".strip()
            return ""
        if self.value_type == self.ValueType.BOOLEAN:
            return ", ".join(str(_("sí") if v == "true" else _("no")) for v in self.pass_values)
        return ", ".join(str(self.choice_label(v)) for v in self.pass_values)

    def judge(self, value):
        """True or False against the thresholds, None when the measure has none."""
        if not self.has_threshold or value is None or value == "":
            return None
        if self.is_numeric:
            if self.pass_min is not None and value < self.pass_min:
                return False
            if self.pass_max is not None and value > self.pass_max:
                return False
            return True
        return str(value) in {str(v) for v in self.pass_values}


class Record(models.Model):
    """One visit's worth of production or quality figures for a family and a chain, on a date."""

    class Source(models.TextChoices):
        FORM = "form", _("Formulario")
        IMPORT = "import", _("Importación")
        COLLECT = "collect", _("Recolección móvil")
        DEMO = "demo", _("Demostración")

    purpose = models.CharField(_("tipo de registro"), max_length=16, choices=Measure.Purpose.choices)
    household = models.ForeignKey(Household, verbose_name=_("familia"), on_delete=models.PROTECT,
                                  related_name="records")
    chain = models.ForeignKey(ValueChain, verbose_name=_("cadena de valor"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="records")
    date = models.DateField(_("fecha"), validators=[not_in_future])
    passed = models.BooleanField(_("aprobado"), null=True, blank=True,
                                 help_text=_("Calidad: todas las medidas con umbral aprobaron."))
    notes = models.TextField(_("observaciones"), blank=True)
    source = models.CharField(_("origen"), max_length=16, choices=Source.choices, default=Source.FORM)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registrado por"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("registro")
        verbose_name_plural = _("registros")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["household", "date"], name="record_household_date"),
                   models.Index(fields=["purpose", "chain", "date"], name="record_purpose_chain_date")]

    def __str__(self):
        return f"{self.get_purpose_display()} · {self.household} · {self.date}"


class RecordValue(models.Model):
    """One measured value. Numbers are kept in the measure's unit (converted on the way in); the
    verdict against the thresholds in force when it was recorded is kept with the threshold text."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="values", verbose_name=_("registro"))
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="values", verbose_name=_("medida"))
    number = models.DecimalField(_("valor"), max_digits=14, decimal_places=4, null=True, blank=True)
    text = models.CharField(_("valor (texto)"), max_length=255, blank=True)
    passed = models.BooleanField(_("aprobado"), null=True, blank=True)
    threshold = models.CharField(_("umbral aplicado"), max_length=120, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("valor")
        verbose_name_plural = _("valores")
        ordering = ["measure__order", "pk"]
        constraints = [models.UniqueConstraint(fields=["record", "measure"], name="record_value_unique")]

    def __str__(self):
        return f"{self.measure}: {self.display}"

    @property
    def display(self):
        measure = self.measure
        if measure.is_numeric and self.number is not None:
            number = self.number.quantize(Decimal(1)) if measure.value_type == Measure.ValueType.INTEGER \
                else self.number.normalize()
            return f"{number:f} {measure.unit.symbol}"
        if measure.value_type == Measure.ValueType.BOOLEAN:
            return str(_("sí") if self.text == "true" else _("no"))
        if measure.value_type == Measure.ValueType.CHOICE:
            return str(measure.choice_label(self.text))
        return self.text


class Practice(TranslatedName):
    """An agroecological practice of the catalogue. Some produce a quantity (compost in kg, biol
    in litres): those marked as fertiliser add up to the organic fertiliser a family produces."""

    code = models.SlugField(_("código"), max_length=48, unique=True)
    description = models.TextField(_("descripción"), blank=True)
    quantity_unit = models.ForeignKey(Unit, verbose_name=_("unidad de la cantidad producida"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+")
    is_fertiliser = models.BooleanField(_("es abono orgánico"), default=False)
    order = models.PositiveSmallIntegerField(_("orden"), default=0)
    active = models.BooleanField(_("activa"), default=True)

    class Meta:
        verbose_name = _("práctica agroecológica")
        verbose_name_plural = _("prácticas agroecológicas")
        ordering = ["order", "code"]


class Stage(models.TextChoices):
    """Stages of the agroecological transition, in order."""

    CONVENTIONAL = "conventional", _("Convencional")
    TRANSITION = "transition", _("En transición")
    AGROECOLOGICAL = "agroecological", _("Agroecológica")
    ORGANIC = "organic", _("Orgánica certificada")


STAGE_ORDER = [Stage.CONVENTIONAL, Stage.TRANSITION, Stage.AGROECOLOGICAL, Stage.ORGANIC]


class TransitionRule(models.Model):
    """What a family needs to reach a stage: a number of adopted practices and some practices that
    cannot be missing. A stage is reached when its rule and the rules of every stage before it hold."""

    stage = models.CharField(_("etapa"), max_length=16, unique=True,
                             choices=[c for c in Stage.choices if c[0] != Stage.CONVENTIONAL])
    min_practices = models.PositiveSmallIntegerField(_("prácticas adoptadas, al menos"), default=0)
    required_practices = models.ManyToManyField(Practice, verbose_name=_("prácticas obligatorias"), blank=True,
                                                related_name="+")
    history = HistoricalRecords(m2m_fields=[required_practices])

    class Meta:
        verbose_name = _("regla de transición")
        verbose_name_plural = _("reglas de transición")

    def __str__(self):
        return self.get_stage_display()


class PracticeAssessment(models.Model):
    """Which practices a family had adopted on a date, and the stage that follows from the rules."""

    household = models.ForeignKey(Household, verbose_name=_("familia"), on_delete=models.PROTECT,
                                  related_name="assessments")
    date = models.DateField(_("fecha"), validators=[not_in_future])
    stage = models.CharField(_("etapa"), max_length=16, choices=Stage.choices, default=Stage.CONVENTIONAL,
                             editable=False)
    notes = models.TextField(_("observaciones"), blank=True)
    source = models.CharField(_("origen"), max_length=16, choices=Record.Source.choices, default=Record.Source.FORM)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("evaluado por"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluación de prácticas")
        verbose_name_plural = _("evaluaciones de prácticas")
        ordering = ["-date", "-pk"]
        constraints = [models.UniqueConstraint(fields=["household", "date"], name="assessment_one_per_day")]

    def __str__(self):
        return f"{self.household} · {self.date}"


class AdoptedPractice(models.Model):
    assessment = models.ForeignKey(PracticeAssessment, on_delete=models.CASCADE, related_name="adopted")
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="adoptions",
                                 verbose_name=_("práctica"))
    quantity = models.DecimalField(_("cantidad producida"), max_digits=12, decimal_places=2, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("práctica adoptada")
        verbose_name_plural = _("prácticas adoptadas")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "practice"], name="adopted_practice_unique"),
            models.CheckConstraint(condition=models.Q(quantity__isnull=True) | models.Q(quantity__gte=0),
                                   name="adopted_quantity_not_negative"),
        ]


class Topic(TranslatedName):
    """A subject of technical assistance or training (animal health, pasture, compost…)."""

    code = models.SlugField(_("código"), max_length=48, unique=True)
    order = models.PositiveSmallIntegerField(_("orden"), default=0)
    active = models.BooleanField(_("activo"), default=True)

    class Meta:
        verbose_name = _("tema")
        verbose_name_plural = _("temas")
        ordering = ["order", "code"]


class Visit(models.Model):
    """A technical assistance visit. A follow-up due date puts it on the technician's agenda until
    a later visit to the same family closes it."""

    household = models.ForeignKey(Household, verbose_name=_("familia"), on_delete=models.PROTECT,
                                  related_name="visits")
    technician = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("técnico(a)"),
                                   on_delete=models.PROTECT, related_name="visits")
    date = models.DateField(_("fecha"), validators=[not_in_future])
    chain = models.ForeignKey(ValueChain, verbose_name=_("cadena de valor"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    topics = models.ManyToManyField(Topic, verbose_name=_("temas"), blank=True, related_name="visits")
    findings = models.TextField(_("observaciones"), blank=True)
    recommendations = models.TextField(_("recomendaciones"), blank=True)
    follow_up_due = models.DateField(_("seguimiento para el"), null=True, blank=True)
    follow_up_done_on = models.DateField(_("seguimiento hecho el"), null=True, blank=True)
    source = models.CharField(_("origen"), max_length=16, choices=Record.Source.choices, default=Record.Source.FORM)
    history = HistoricalRecords(m2m_fields=[topics])

    class Meta:
        verbose_name = _("visita de asistencia técnica")
        verbose_name_plural = _("visitas de asistencia técnica")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["technician", "follow_up_due"], name="visit_agenda")]
        constraints = [
            models.CheckConstraint(condition=models.Q(follow_up_due__isnull=True)
                                   | models.Q(follow_up_due__gte=models.F("date")), name="visit_follow_up_after"),
        ]

    def __str__(self):
        return f"{self.household} · {self.date}"

    def clean(self):
        if self.follow_up_due and self.date and self.follow_up_due < self.date:
            raise ValidationError({"follow_up_due": _("El seguimiento no puede ser antes de la visita.")})


class IncomeSource(TranslatedName):
    """Where a family's income comes from: one of its value chains, other farming, or off-farm work."""

    code = models.SlugField(_("código"), max_length=32, unique=True)
    chain = models.OneToOneField(ValueChain, verbose_name=_("cadena de valor"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="income_source")
    order = models.PositiveSmallIntegerField(_("orden"), default=0)

    class Meta:
        verbose_name = _("fuente de ingreso")
        verbose_name_plural = _("fuentes de ingreso")
        ordering = ["order", "code"]


class IncomeSurvey(models.Model):
    """A family's income and costs by source over one agricultural season (August to July). The
    same families surveyed at baseline and follow-up make changes honest (paired, not two samples)."""

    class Round(models.TextChoices):
        BASELINE = "baseline", _("Línea de base")
        FOLLOW_UP = "follow_up", _("Seguimiento")

    household = models.ForeignKey(Household, verbose_name=_("familia"), on_delete=models.PROTECT,
                                  related_name="income_surveys")
    season = models.PositiveSmallIntegerField(_("campaña agrícola"), help_text=_("Año en que empieza (agosto)."))
    round = models.CharField(_("ronda"), max_length=16, choices=Round.choices, default=Round.FOLLOW_UP)
    date = models.DateField(_("fecha de la encuesta"), validators=[not_in_future])
    currency = models.CharField(_("moneda"), max_length=3, default="PEN", editable=False)
    notes = models.TextField(_("observaciones"), blank=True)
    source = models.CharField(_("origen"), max_length=16, choices=Record.Source.choices, default=Record.Source.FORM)
    surveyed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("encuestado por"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("encuesta de ingresos")
        verbose_name_plural = _("encuestas de ingresos")
        ordering = ["-season", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["household", "season"], name="income_one_survey_per_season"),
            models.CheckConstraint(condition=models.Q(currency="PEN"), name="income_in_soles"),
        ]

    def __str__(self):
        from minka.core.periods import season_label

        return f"{self.household} · {season_label(self.season)}"


class IncomeLine(models.Model):
    survey = models.ForeignKey(IncomeSurvey, on_delete=models.CASCADE, related_name="lines")
    source = models.ForeignKey(IncomeSource, on_delete=models.PROTECT, related_name="lines",
                               verbose_name=_("fuente"))
    income = models.DecimalField(_("ingresos (S/)"), max_digits=12, decimal_places=2)
    costs = models.DecimalField(_("costos (S/)"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ingreso por fuente")
        verbose_name_plural = _("ingresos por fuente")
        ordering = ["source__order"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "source"], name="income_line_unique"),
            models.CheckConstraint(condition=models.Q(income__gte=0) & models.Q(costs__gte=0),
                                   name="income_line_not_negative"),
        ]

    @property
    def net(self):
        return self.income - self.costs
