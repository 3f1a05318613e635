from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.accounts.permissions import RECORD_FIELD, scope_q
from minka.chains.models import Topic
from minka.core.forms import DateInput
from minka.people.models import Organisation, Person
from minka.territory.filters import PlacePeriodForm, UnitChoiceField
from minka.territory.models import Territory

from .models import Actor, Training


class TrainingForm(forms.ModelForm):
    place = UnitChoiceField(label=_("Lugar"), queryset=Territory.objects.none())
    topics = forms.ModelMultipleChoiceField(label=_("Temas"), queryset=Topic.objects.filter(active=True),
                                            required=False, widget=forms.CheckboxSelectMultiple)
    target_actors = forms.MultipleChoiceField(label=_("Público objetivo"), choices=Actor.choices, required=False,
                                              widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Training
        fields = ["title", "kind", "start_date", "end_date", "place", "venue", "organiser", "topics", "target_actors",
                  "score_max", "notes"]
        widgets = {"start_date": DateInput(), "end_date": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = Territory.objects.filter(
            scope_q(user, "path", RECORD_FIELD), kind__in=[Territory.Kind.DISTRICT, Territory.Kind.COMMUNITY],
        ).order_by("path")
        self.fields["organiser"].queryset = Organisation.objects.order_by("name")
        self.fields["topics"].label_from_instance = lambda topic: topic.label
        if not self.instance.pk:
            self.fields["start_date"].initial = self.fields["end_date"].initial = timezone.localdate

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data["start_date"] > timezone.localdate():
            self.add_error("start_date", _("La fecha no puede ser futura."))
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _("El evento no puede terminar antes de empezar."))
        return data


class ParticipantForm(forms.Form):
    household = forms.CharField(label=_("Código de familia (si es del registro)"), required=False, max_length=16)
    name = forms.CharField(label=_("Nombre"), required=False, max_length=200)
    sex = forms.ChoiceField(label=_("Sexo"), required=False, choices=[("", "—")] + Person.Sex.choices)
    actor = forms.ChoiceField(label=_("Tipo de actor"), choices=Actor.choices)
    organisation = forms.ModelChoiceField(label=_("Organización"), required=False,
                                          queryset=Organisation.objects.order_by("name"))
    pre_score = forms.DecimalField(label=_("Nota de entrada"), required=False, min_value=0, decimal_places=1)
    post_score = forms.DecimalField(label=_("Nota de salida"), required=False, min_value=0, decimal_places=1)

    def clean(self):
        data = super().clean()
        if not data.get("household") and not (data.get("name") and data.get("sex")):
            raise forms.ValidationError(_("Indique el código de la familia, o el nombre y el sexo de la persona."))
        return data


class OrganisationAttendanceForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organización"), queryset=Organisation.objects.order_by("name"))
    delegates = forms.IntegerField(label=_("Delegados"), min_value=1, max_value=500, initial=1)


class TrainingFilterForm(PlacePeriodForm):
    kind = forms.ChoiceField(label=_("Tipo"), required=False, choices=[("", "—")] + Training.Kind.choices)
