import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.accounts.permissions import APPLY_PLANS
from minka.core.forms import DateInput
from minka.people.forms import PartyForm

from .models import Visit

MONEY = {"max_digits": 14, "decimal_places": 2}


class PlanForm(PartyForm):
    title = forms.CharField(label=_("Nombre del plan"), max_length=200)
    activity = forms.CharField(label=_("Actividad"), widget=forms.Textarea(attrs={"rows": 3}))
    investment = forms.DecimalField(label=_("Inversión total (S/)"), min_value=Decimal("0.01"), **MONEY)
    cofinancing = forms.DecimalField(label=_("Cofinanciamiento propio (S/)"), min_value=Decimal("0"), **MONEY)
    requested = forms.DecimalField(label=_("Monto solicitado (S/)"), min_value=Decimal("0.01"), **MONEY)
    expected_income = forms.DecimalField(label=_("Ingreso anual esperado (S/)"), min_value=Decimal("0"),
                                         initial=Decimal("0"), **MONEY)
    expected_jobs = forms.IntegerField(label=_("Empleos esperados"), min_value=0, initial=0)
    women_share = forms.DecimalField(label=_("Participación de mujeres (%)"), min_value=Decimal("0"),
                                     max_value=Decimal("100"), max_digits=5, decimal_places=2, initial=Decimal("0"))
    environmental_measures = forms.CharField(label=_("Medidas ambientales"), widget=forms.Textarea(attrs={"rows": 3}))
    risks = forms.CharField(label=_("Riesgos y cómo se enfrentan"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    date = forms.DateField(label=_("Fecha de presentación"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope_parties(user, APPLY_PLANS, kinds=["association", "community_government"])
        self.fields["organisation"].label = _("o asociación / comunidad")


class AttachmentForm(forms.Form):
    label = forms.CharField(label=_("Documento"), max_length=120,
                            widget=forms.TextInput(attrs={"placeholder": _("Cotización del invernadero")}))
    file = forms.FileField(label=_("Archivo (PDF, foto, hoja de cálculo; hasta 10 MB)"))


class DeclarationForm(forms.Form):
    no_conflict = forms.TypedChoiceField(
        label=_("Conflicto de interés"), widget=forms.RadioSelect, coerce=lambda v: v == "yes",
        choices=[("yes", _("Declaro que no tengo conflicto de interés con este plan ni con quien lo presenta.")),
                 ("no", _("Tengo un conflicto de interés: me aparto de esta evaluación."))])
    note = forms.CharField(label=_("Si tiene un conflicto, ¿cuál?"), required=False, max_length=200)


class ScoresForm(forms.Form):
    """A score and a comment per criterion of the call's grid."""

    comment = forms.CharField(label=_("Comentario general"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(call.criteria.all())
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.DecimalField(
                label=f"{criterion.label} ({criterion.weight.normalize():f} %)", max_digits=4, decimal_places=1,
                widget=forms.NumberInput(attrs={"step": "0.5", "min": 0, "max": call.scale, "inputmode": "decimal"}))
            self.fields[f"note_{criterion.pk}"] = forms.CharField(label=_("Comentario"), required=False,
                                                                  max_length=300)

    def pairs(self):
        return [(self[f"score_{c.pk}"], self[f"note_{c.pk}"], c) for c in self.criteria]

    def scores(self):
        return {c.pk: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data[f"note_{c.pk}"]) for c in self.criteria}


class AwardForm(forms.Form):
    date = forms.DateField(label=_("Fecha del acta de adjudicación"), widget=DateInput(), initial=timezone.localdate)


class TranchesForm(forms.Form):
    lines = forms.CharField(
        label=_("Tramos: uno por línea, «monto | hito | fecha»"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Por ejemplo: 4000 | Firma del convenio | 2026-06-01"))

    def clean_lines(self):
        rows = []
        for number, line in enumerate(self.cleaned_data["lines"].splitlines(), 1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            try:
                amount, milestone, due = parts
                rows.append((Decimal(amount.replace(",", "")), milestone, datetime.date.fromisoformat(due)))
            except (ValueError, ArithmeticError):
                raise forms.ValidationError(_("Línea %(n)s: escriba «monto | hito | AAAA-MM-DD».") % {"n": number})
        return rows


class VisitForm(forms.Form):
    date = forms.DateField(label=_("Fecha"), widget=DateInput(), initial=timezone.localdate)
    progress = forms.ChoiceField(label=_("Avance"), choices=Visit.Progress.choices)
    milestone_met = forms.BooleanField(label=_("Se cumplió el hito del próximo tramo"), required=False)
    income = forms.DecimalField(label=_("Ingreso anual observado (S/)"), required=False, min_value=Decimal("0"),
                                **MONEY)
    jobs = forms.IntegerField(label=_("Empleos"), required=False, min_value=0)
    measures_in_place = forms.DecimalField(label=_("Medidas ambientales en marcha (%)"), required=False,
                                           min_value=Decimal("0"), max_value=Decimal("100"), max_digits=5,
                                           decimal_places=2)
    notes = forms.CharField(label=_("Observaciones"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ContributionForm(forms.Form):
    contributor = forms.ModelChoiceField(None, label=_("Contribuyente"))
    date = forms.DateField(label=_("Fecha"), widget=DateInput(), initial=timezone.localdate)
    amount = forms.DecimalField(label=_("Monto (S/)"), min_value=Decimal("0.01"), **MONEY)

    def __init__(self, *args, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contributor"].queryset = scheme.contributors.select_related("organisation")


class AgreementForm(PartyForm):
    """An agreement: the recipient (a community, an association or a family), its dates, its areas as
    GeoJSON (drawn, pasted or uploaded) and its committed actions, one per line."""

    signed_on = forms.DateField(label=_("Firmado el"), widget=DateInput(), initial=timezone.localdate)
    starts_on = forms.DateField(label=_("Desde"), widget=DateInput())
    ends_on = forms.DateField(label=_("Hasta"), widget=DateInput())
    hectares = forms.DecimalField(label=_("Hectáreas"), min_value=Decimal("0.01"), max_digits=10, decimal_places=2)
    area = forms.CharField(label=_("Áreas (GeoJSON)"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Pegue el GeoJSON de las áreas o suba el archivo."))
    area_file = forms.FileField(label=_("o archivo GeoJSON"), required=False)
    commitments = forms.CharField(
        label=_("Compromisos: uno por línea, «acción | descripción | cantidad | unidad | retribución por año»"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Acciones: protect, trees, rotation, qochas, other. Por ejemplo: "
                    "protect | Bofedal cercado | 20 | ha | 4000"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from minka.accounts.permissions import RUN_CALLS

        self.scope_parties(user, RUN_CALLS)
        self.fields["organisation"].label = _("o comunidad / organización")

    def clean(self):
        import json

        data = super().clean()
        text = data.get("area") or ""
        if data.get("area_file"):
            text = data["area_file"].read().decode("utf-8", errors="replace")
        try:
            parsed = json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("Las áreas deben ser un GeoJSON."))
        if isinstance(parsed, dict) and parsed.get("type") == "FeatureCollection":
            polygons = [f.get("geometry") or {} for f in parsed.get("features", [])]
            parsed = {"type": "MultiPolygon", "coordinates": [g.get("coordinates") for g in polygons
                                                              if g.get("type") == "Polygon"]}
        elif isinstance(parsed, dict) and parsed.get("type") == "Feature":
            parsed = parsed.get("geometry")
        data["area"] = parsed
        rows = []
        for number, line in enumerate((data.get("commitments") or "").splitlines(), 1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            try:
                action, description, quantity, unit, payment = parts
                rows.append((action, description, Decimal(quantity), unit, Decimal(payment)))
            except (ValueError, ArithmeticError):
                raise forms.ValidationError(_("Compromiso de la línea %(n)s: escriba «acción | descripción | "
                                              "cantidad | unidad | retribución».") % {"n": number})
        data["commitments"] = rows
        data.pop("area_file", None)
        return data


class VerificationForm(forms.Form):
    """A year's verification of an agreement: a grade, a percentage when partial and the evidence for
    each committed action."""

    period = forms.IntegerField(label=_("Año verificado"), min_value=2000, max_value=2100)
    date = forms.DateField(label=_("Fecha de la visita"), widget=DateInput(), initial=timezone.localdate)
    notes = forms.CharField(label=_("Observaciones"), required=False)

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Compliance

        self.commitments = list(agreement.commitments.all())
        for c in self.commitments:
            self.fields[f"grade_{c.pk}"] = forms.ChoiceField(label=c.description, choices=Compliance.Grade.choices)
            self.fields[f"percent_{c.pk}"] = forms.DecimalField(label=_("Porcentaje, si es parcial"), required=False,
                                                                max_digits=5, decimal_places=2)
            self.fields[f"evidence_{c.pk}"] = forms.CharField(label=_("Evidencia"), required=False, max_length=300)
            self.fields[f"gps_{c.pk}"] = forms.CharField(
                label=_("Punto GPS (latitud, longitud)"), required=False, max_length=60,
                widget=forms.TextInput(attrs={"data-gps": "1", "placeholder": "-13.68, -71.28", "inputmode": "decimal"}))
            self.fields[f"photo_{c.pk}"] = forms.FileField(label=_("Foto"), required=False, widget=forms.ClearableFileInput(
                attrs={"accept": "image/*", "capture": "environment"}))

    def clean(self):
        data = super().clean()
        for c in self.commitments:
            text = (data.get(f"gps_{c.pk}") or "").strip()
            if not text:
                data[f"point_{c.pk}"] = None
                continue
            try:
                lat, lon = (Decimal(part.strip()) for part in text.replace(";", ",").split(","))
            except (ValueError, ArithmeticError):
                self.add_error(f"gps_{c.pk}", _("Escriba «latitud, longitud», por ejemplo -13.68, -71.28."))
                continue
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                self.add_error(f"gps_{c.pk}", _("Latitud entre -90 y 90, longitud entre -180 y 180."))
                continue
            data[f"point_{c.pk}"] = {"type": "Point", "coordinates": [float(lon), float(lat)]}
        return data

    def grades(self):
        return {c.pk: (self.cleaned_data[f"grade_{c.pk}"], self.cleaned_data[f"percent_{c.pk}"],
                       self.cleaned_data[f"evidence_{c.pk}"]) for c in self.commitments}

    def proofs(self):
        return {c.pk: (self.cleaned_data.get(f"point_{c.pk}"), self.cleaned_data.get(f"photo_{c.pk}"))
                for c in self.commitments}
