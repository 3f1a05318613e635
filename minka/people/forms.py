from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.territory.models import Watershed

from .models import Consent, Household, Organisation, Person, ValueChain


class CommunityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.parent.name})"


class HouseholdForm(forms.ModelForm):
    chains = forms.ModelMultipleChoiceField(
        label=_("Cadenas de valor"), queryset=ValueChain.objects.filter(active=True), required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Household
        fields = ["name", "community", "address", "phone", "notes"]
        field_classes = {"community": CommunityChoiceField}
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        self.fields["chains"].label_from_instance = lambda chain: chain.label
        if self.instance.pk:
            self.fields["chains"].initial = [e.chain_id for e in self.instance.enrolments.all() if e.until is None]


class ConsentForm(forms.Form):
    given = forms.BooleanField(label=_("La familia dio su consentimiento para el tratamiento de sus datos"),
                               required=False)
    given_on = forms.DateField(label=_("Fecha del consentimiento"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    scope = forms.ChoiceField(label=_("Alcance"), choices=Consent.Scope.choices, initial=Consent.Scope.PROGRAM)

    def clean(self):
        data = super().clean()
        if data.get("given"):
            if not data.get("given_on"):
                self.add_error("given_on", _("Indique la fecha del consentimiento."))
            elif data["given_on"] > timezone.localdate():
                self.add_error("given_on", _("La fecha no puede ser futura."))
        return data


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["given_names", "surnames", "sex", "role", "birth_year", "dni", "language"]
        widgets = {
            "dni": forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]{8}", "maxlength": 8}),
            "birth_year": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1900}),
        }


class BasePersonFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [f for f in self.forms if f.has_changed() or f.instance.pk]
        kept = [f for f in kept if not (self.can_delete and self._should_delete_form(f))]
        if not kept:
            raise ValidationError(_("Registre al menos un miembro de la familia."))
        if sum(1 for f in kept if f.cleaned_data.get("role") == Person.Role.HEAD) > 1:
            raise ValidationError(_("Una familia tiene un(a) solo(a) jefe(a) de familia."))
        dnis = [f.cleaned_data.get("dni") for f in kept if f.cleaned_data.get("dni")]
        if len(dnis) != len(set(dnis)):
            raise ValidationError(_("Dos miembros tienen el mismo DNI."))


def person_formset(extra):
    return forms.inlineformset_factory(Household, Person, form=PersonForm, formset=BasePersonFormSet,
                                       extra=extra, can_delete=True)


class HouseholdFilterForm(forms.Form):
    q = forms.CharField(label=_("Buscar"), required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Nombre, código o DNI")}))
    community = CommunityChoiceField(label=_("Comunidad"), queryset=None, required=False)
    watershed = forms.ModelChoiceField(label=_("Cuenca"), queryset=Watershed.objects.none(), required=False)
    chain = forms.ModelChoiceField(label=_("Cadena de valor"), queryset=ValueChain.objects.filter(active=True),
                                   required=False)
    head_sex = forms.ChoiceField(label=_("Sexo del jefe(a) de familia"), required=False,
                                 choices=[("", "—")] + Person.Sex.choices)

    def __init__(self, *args, communities, watersheds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        self.fields["watershed"].queryset = watersheds
        self.fields["chain"].label_from_instance = lambda chain: chain.label


class PartyForm(forms.Form):
    """The beginning of a form about one family (typed by its code) or one organisation, chosen in the
    user's scope: a loan application, a business plan, a lender's report."""

    household = forms.ModelChoiceField(
        Household.objects.none(), required=False, to_field_name="code", label=_("Familia (código)"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"invalid_choice": _("No hay una familia con ese código en su ámbito.")})
    organisation = forms.ModelChoiceField(Organisation.objects.none(), required=False, label=_("u organización"))
    party_required = True  # a report about a loan already known names nobody

    def scope_parties(self, user, capability, kinds=None):
        from minka.accounts.permissions import scope_q

        self.fields["household"].queryset = Household.objects.filter(scope_q(user, "community__path", capability))
        organisations = Organisation.objects.filter(scope_q(user, "territory__path", capability))
        if kinds:
            organisations = organisations.filter(kind__in=kinds)
        self.fields["organisation"].queryset = organisations.order_by("name")

    def clean(self):
        data = super().clean()
        both_or_none = (data.get("household") is None) == (data.get("organisation") is None)
        chosen = data.get("household") is not None or data.get("organisation") is not None
        if not self.errors and both_or_none and (self.party_required or chosen):
            raise forms.ValidationError(_("Indique una familia o una organización (solo una)."))
        return data
