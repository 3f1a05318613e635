from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.core.forms import DateInput
from minka.people.models import ValueChain
from minka.territory.filters import PlacePeriodForm

from .models import Measure, Practice, Stage, Topic, Visit
from .values import clean_value, parse_number


def chain_field(required=False, label=_("Cadena de valor")):
    field = forms.ModelChoiceField(label=label, queryset=ValueChain.objects.filter(active=True), required=required,
                                   to_field_name="code", empty_label="—")
    field.label_from_instance = lambda chain: chain.label
    return field


class RecordFilterForm(PlacePeriodForm):
    chain = chain_field()
    result = forms.ChoiceField(label=_("Resultado"), required=False,
                               choices=[("", "—"), ("pass", _("Aprobado")), ("fail", _("No aprobado"))])


class RecordStartForm(forms.Form):
    """Step one of a new record: which family, which kind of record, which chain."""

    code = forms.CharField(label=_("Código de la familia"), max_length=16,
                                widget=forms.TextInput(attrs={"placeholder": "F-XXXXXX", "autocapitalize": "characters"}))
    purpose = forms.ChoiceField(label=_("Registro de"), choices=Measure.Purpose.choices)
    chain = chain_field(label=_("Cadena de valor (vacío: toda la finca)"))


def _measure_field(measure):
    label = measure.label + (f" ({measure.unit.symbol})" if measure.unit_id else "")
    if measure.value_type == Measure.ValueType.BOOLEAN:
        return forms.ChoiceField(label=label, required=False,
                                 choices=[("", "—"), ("true", _("sí")), ("false", _("no"))])
    if measure.value_type == Measure.ValueType.CHOICE:
        return forms.ChoiceField(label=label, required=False, choices=[("", "—")] + measure.options())
    if measure.is_numeric:
        mode = "numeric" if measure.value_type == Measure.ValueType.INTEGER else "decimal"
        return forms.CharField(label=label, required=False, widget=forms.TextInput(attrs={"inputmode": mode}))
    return forms.CharField(label=label, required=False, max_length=255)


class RecordForm(forms.Form):
    """The values of one record: one field per active measure of the chain and kind."""

    date = forms.DateField(label=_("Fecha"), widget=DateInput(), initial=timezone.localdate)
    notes = forms.CharField(label=_("Observaciones"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, measures, **kwargs):
        super().__init__(*args, **kwargs)
        self.measures = {}
        for measure in measures:
            name = f"m_{measure.code}"
            self.fields[name] = _measure_field(measure)
            self.measures[name] = measure

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise ValidationError(_("La fecha no puede ser futura."))
        return date

    def clean(self):
        data = super().clean()
        for name, measure in self.measures.items():
            raw = data.get(name)
            if raw in (None, ""):
                continue
            try:
                clean_value(measure, raw)
            except ValidationError as exc:
                self.add_error(name, exc)
        return data

    def values(self):
        return {m: self.cleaned_data.get(name, "") for name, m in self.measures.items()}

    def measure_fields(self):
        return [self[name] for name in self.measures]


class ThresholdForm(forms.Form):
    pass_min = forms.DecimalField(label=_("Mínimo aceptable"), required=False)
    pass_max = forms.DecimalField(label=_("Máximo aceptable"), required=False)
    pass_values = forms.MultipleChoiceField(label=_("Valores aceptables"), required=False,
                                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, measure, **kwargs):
        super().__init__(*args, **kwargs)
        if measure.is_numeric:
            del self.fields["pass_values"]
        else:
            del self.fields["pass_min"], self.fields["pass_max"]
            self.fields["pass_values"].choices = (
                [("true", _("sí")), ("false", _("no"))] if measure.value_type == Measure.ValueType.BOOLEAN
                else measure.options())


class AssessmentFilterForm(PlacePeriodForm):
    stage = forms.ChoiceField(label=_("Etapa"), required=False, choices=[("", "—")] + Stage.choices)


class AssessmentForm(forms.Form):
    date = forms.DateField(label=_("Fecha"), widget=DateInput(), initial=timezone.localdate)
    notes = forms.CharField(label=_("Observaciones"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, fixed_date=None, **kwargs):
        super().__init__(*args, **kwargs)
        if fixed_date is not None:  # correcting an assessment: it stays on its day
            self.fields["date"].initial, self.fields["date"].disabled = fixed_date, True
        self.practices = list(Practice.objects.filter(active=True).select_related("quantity_unit"))
        for practice in self.practices:
            self.fields[f"p_{practice.code}"] = forms.BooleanField(label=practice.label, required=False)
            if practice.quantity_unit_id:
                self.fields[f"q_{practice.code}"] = forms.CharField(
                    label=_("Cantidad producida (%(unit)s)") % {"unit": practice.quantity_unit.symbol},
                    required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"}))

    def clean(self):
        data = super().clean()
        adopted = {}
        for practice in self.practices:
            raw = data.get(f"q_{practice.code}") or ""
            quantity = None
            if raw:
                try:
                    quantity = parse_number(raw)
                except ValueError:
                    self.add_error(f"q_{practice.code}", _("No es un número."))
                    continue
                if quantity < 0:
                    self.add_error(f"q_{practice.code}", _("La cantidad no puede ser negativa."))
                    continue
            if data.get(f"p_{practice.code}") or quantity:
                adopted[practice] = quantity
        data["adopted"] = adopted
        return data

    def rows(self):
        return [(self[f"p_{p.code}"], self[f"q_{p.code}"] if p.quantity_unit_id else None) for p in self.practices]


class RuleForm(forms.Form):
    min_practices = forms.IntegerField(label=_("Prácticas adoptadas, al menos"), min_value=0, max_value=50)
    required_practices = forms.ModelMultipleChoiceField(label=_("Prácticas obligatorias"), required=False,
                                                        queryset=Practice.objects.filter(active=True),
                                                        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["required_practices"].label_from_instance = lambda practice: practice.label


class VisitForm(forms.ModelForm):
    household_code = forms.CharField(label=_("Código de la familia"), max_length=16)
    chain = chain_field()
    topics = forms.ModelMultipleChoiceField(label=_("Temas"), queryset=Topic.objects.filter(active=True),
                                            required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Visit
        fields = ["date", "chain", "topics", "findings", "recommendations", "follow_up_due"]
        widgets = {"date": DateInput(), "follow_up_due": DateInput(),
                   "findings": forms.Textarea(attrs={"rows": 3}), "recommendations": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].label_from_instance = lambda topic: topic.label
        self.fields["date"].initial = timezone.localdate

    def clean(self):
        data = super().clean()
        if data.get("date") and data["date"] > timezone.localdate():
            self.add_error("date", _("La fecha no puede ser futura."))
        if data.get("date") and data.get("follow_up_due") and data["follow_up_due"] < data["date"]:
            self.add_error("follow_up_due", _("El seguimiento no puede ser antes de la visita."))
        return data


class VisitFilterForm(PlacePeriodForm):
    chain = chain_field()
    open_follow_up = forms.BooleanField(label=_("Con seguimiento pendiente"), required=False)


class IncomeForm(forms.Form):
    season = forms.TypedChoiceField(label=_("Campaña agrícola"), coerce=int)
    round = forms.ChoiceField(label=_("Ronda"), choices=[("baseline", _("Línea de base")),
                                                        ("follow_up", _("Seguimiento"))], initial="follow_up")
    date = forms.DateField(label=_("Fecha de la encuesta"), widget=DateInput(), initial=timezone.localdate)
    notes = forms.CharField(label=_("Observaciones"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, sources, seasons, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources = list(sources)
        self.fields["season"].choices = seasons
        for source in self.sources:
            for kind, label in (("i", _("ingresos")), ("c", _("costos"))):
                self.fields[f"{kind}_{source.code}"] = forms.DecimalField(
                    label=f"{source.label}: {label} (S/)", required=False, min_value=0, decimal_places=2,
                    widget=forms.TextInput(attrs={"inputmode": "decimal"}))

    def clean(self):
        data = super().clean()
        lines = {}
        for source in self.sources:
            income, costs = data.get(f"i_{source.code}"), data.get(f"c_{source.code}")
            if income is not None or costs is not None:
                lines[source] = (income or Decimal("0.00"), costs or Decimal("0.00"))
        if not lines and not self.errors:
            raise ValidationError(_("Registre al menos una fuente de ingreso."))
        data["lines"] = lines
        return data

    def rows(self):
        return [(s, self[f"i_{s.code}"], self[f"c_{s.code}"]) for s in self.sources]


class IncomeFilterForm(PlacePeriodForm):
    chain = chain_field()
    round = forms.ChoiceField(label=_("Ronda"), required=False,
                              choices=[("", "—"), ("baseline", _("Línea de base")), ("follow_up", _("Seguimiento"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["date_from"], self.fields["date_to"]  # a survey covers a whole season


class IncomeChangeForm(PlacePeriodForm):
    base_season = forms.TypedChoiceField(label=_("Campaña de base"), coerce=int)
    follow_season = forms.TypedChoiceField(label=_("Campaña de seguimiento"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("season", "date_from", "date_to"):  # the two seasons compared are the period
            del self.fields[name]
