import json

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.core.forms import DateInput

from .filters import PlacePeriodForm
from .models import Infrastructure, InfrastructureCondition, InfrastructureWork


class InfrastructureFilterForm(PlacePeriodForm):
    kind = forms.ChoiceField(label=_("Tipo"), required=False, choices=[("", "—")] + Infrastructure.Kind.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("season", "date_from", "date_to"):
            del self.fields[name]


class InfrastructureForm(forms.ModelForm):
    longitude = forms.DecimalField(label=_("Longitud"), required=False, max_digits=9, decimal_places=6)
    latitude = forms.DecimalField(label=_("Latitud"), required=False, max_digits=9, decimal_places=6)
    geometry_text = forms.CharField(label=_("o una línea o polígono en GeoJSON"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = Infrastructure
        fields = ["kind", "name", "community", "watershed", "size", "size_unit", "built_year", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        self.fields["community"].label_from_instance = lambda c: f"{c.name} ({c.parent.name})"
        self.fields["watershed"].help_text = _("Vacío: la microcuenca de la comunidad.")
        geometry = self.instance.geometry or {}
        if geometry.get("type") == "Point":
            self.fields["longitude"].initial, self.fields["latitude"].initial = geometry["coordinates"][:2]
        elif geometry:
            self.fields["geometry_text"].initial = json.dumps(geometry)

    def location(self):
        data = self.cleaned_data
        if data.get("longitude") is not None and data.get("latitude") is not None:
            return {"type": "Point", "coordinates": [float(data["longitude"]), float(data["latitude"])]}
        return data.get("geometry_text") or None


class ConditionForm(forms.ModelForm):
    class Meta:
        model = InfrastructureCondition
        fields = ["date", "condition", "notes"]
        widgets = {"date": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate


class WorkForm(forms.ModelForm):
    class Meta:
        model = InfrastructureWork
        fields = ["kind", "start_date", "end_date", "cost", "funder", "description"]
        widgets = {"start_date": DateInput(), "end_date": DateInput(), "description": forms.Textarea(attrs={"rows": 2})}
