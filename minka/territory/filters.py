"""The filter every list of field data offers: where (a unit of the user's territory or a
watershed) and when (an agricultural season or a date range)."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minka.accounts.permissions import VIEW_PEOPLE, scope_q
from minka.core.periods import season_choices, season_range
from minka.territory.selectors import watersheds_for

from .models import Territory


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.kind == Territory.Kind.DISTRICT:
            return obj.name
        return f"· {obj.name}"


def units_for(user):
    """Districts and communities of the user's scope, each district followed by its communities."""
    return Territory.objects.filter(
        scope_q(user, "path", VIEW_PEOPLE),
        kind__in=[Territory.Kind.DISTRICT, Territory.Kind.COMMUNITY],
    ).order_by("path")


class PlacePeriodForm(forms.Form):
    place = UnitChoiceField(label=_("Lugar"), queryset=Territory.objects.none(), required=False,
                            to_field_name="code", empty_label="—")
    watershed = forms.ModelChoiceField(label=_("Cuenca"), queryset=None, required=False, to_field_name="code",
                                       empty_label="—")
    season = forms.TypedChoiceField(label=_("Campaña agrícola"), coerce=int, required=False, empty_value=None)
    date_from = forms.DateField(label=_("Desde"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Hasta"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = units_for(user)
        self.fields["watershed"].queryset = watersheds_for(user)
        self.fields["season"].choices = [("", "—")] + season_choices()

    def filter(self, queryset, *, path, date=None, watershed_path=None):
        """Apply the valid filters to `queryset`; `path` names its territory path column."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("place"):
            queryset = queryset.filter(**{f"{path}__startswith": data["place"].path})
        if data.get("watershed"):
            column = watershed_path or path.replace("path", "watersheds__path")
            queryset = queryset.filter(pk__in=queryset.model.objects.filter(
                **{f"{column}__startswith": data["watershed"].path}).values("pk"))
        if date:
            if data.get("season"):
                first, last = season_range(data["season"])
                queryset = queryset.filter(Q(**{f"{date}__gte": first}) & Q(**{f"{date}__lte": last}))
            if data.get("date_from"):
                queryset = queryset.filter(**{f"{date}__gte": data["date_from"]})
            if data.get("date_to"):
                queryset = queryset.filter(**{f"{date}__lte": data["date_to"]})
        return queryset
