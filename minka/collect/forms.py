from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from minka.accounts.permissions import MANAGE_FORMS, scope_q
from minka.core.forms import DateInput
from minka.territory.filters import UnitChoiceField
from minka.territory.models import Territory

from .models import MediaFile, Submission


class XLSFormUpload(forms.Form):
    file = forms.FileField(label=_("XLSForm (.xlsx)"))
    territory = UnitChoiceField(label=_("Ámbito (para un formulario nuevo)"), queryset=Territory.objects.none(),
                                required=False, to_field_name="code", empty_label="—")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = Territory.objects.filter(
            scope_q(user, "path", MANAGE_FORMS),
            kind__in=[Territory.Kind.REGION, Territory.Kind.PROVINCE, Territory.Kind.DISTRICT],
        ).order_by("path")
        self.fields["territory"].label_from_instance = lambda t: f"{t.get_kind_display()}: {t.name}"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 10 * 1024 * 1024:
            raise ValidationError(_("El archivo pesa más de 10 MB."))
        return upload


class MediaUpload(forms.Form):
    file = forms.FileField(label=_("Archivo (imagen, CSV…)"), required=False)
    generated = forms.ChoiceField(label=_("o una lista del registro"), required=False,
                                  choices=[c for c in MediaFile.Generated.choices if c[0]])
    filename = forms.CharField(label=_("Nombre en el formulario"), required=False, max_length=255,
                               help_text=_("Para una lista del registro: el nombre que usa el XLSForm, p. ej. "
                                           "households.csv."))

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("generated"):
            raise ValidationError(_("Suba un archivo o elija una lista del registro."))
        if data.get("generated") and not data.get("filename"):
            self.add_error("filename", _("Indique el nombre del archivo en el formulario."))
        return data


class SubmissionFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Estado"), required=False, choices=[("", "—")] + Submission.Status.choices)
    review = forms.ChoiceField(label=_("Revisión"), required=False, choices=[("", "—")] + Submission.Review.choices)
    submitter = forms.CharField(label=_("Enviado por"), required=False)
    community = forms.CharField(label=_("Comunidad (código)"), required=False)
    date_from = forms.DateField(label=_("Desde"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Hasta"), required=False, widget=DateInput())


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approved", _("Aprobar")), ("rejected", _("Rechazar"))])
    comment = forms.CharField(label=_("Comentario"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "rejected" and not data.get("comment"):
            self.add_error("comment", _("Diga por qué se rechaza: el técnico lo verá."))
        return data


CONSTANT = "="


class MappingForm(forms.Form):
    """One row per field of the target: which answer of the form fills it, or a fixed value.
    Repeat groups: which group, and which of its answers fills each child field."""

    requires_approval = forms.BooleanField(label=_("Los registros cuentan solo después de aprobar el envío"),
                                           required=False)

    def __init__(self, *args, target_fields, leaves, repeats, mapping, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        leaf_choices = [("", "—")] + [(path, path) for path in leaves] + [(CONSTANT, _("(valor fijo)"))]
        for item in target_fields:
            source = mapping.get(item.name)
            if item.repeat:
                name = f"{item.name}__repeat"
                self.fields[name] = forms.ChoiceField(label=item.label, required=False,
                                                      choices=[("", "—")] + [(p, p) for p in repeats])
                self.initial[name] = source.get("repeat", "") if isinstance(source, dict) else ""
                children = sorted({c for paths in repeats.values() for c in paths})
                child_names = []
                for child in item.repeat:
                    child_name = f"{item.name}__child__{child.name}"
                    self.fields[child_name] = forms.ChoiceField(
                        label=f"{item.label} › {child.label}", required=False,
                        choices=[("", "—")] + [(c, c) for c in children])
                    self.initial[child_name] = (source or {}).get("fields", {}).get(child.name, "") \
                        if isinstance(source, dict) else ""
                    child_names.append(child_name)
                self.rows.append({"item": item, "field": self[name], "children": [self[c] for c in child_names]})
                continue
            name, constant = f"{item.name}__source", f"{item.name}__constant"
            self.fields[name] = forms.ChoiceField(label=item.label + (" *" if item.required else ""), required=False,
                                                  choices=leaf_choices)
            self.fields[constant] = forms.CharField(label=_("valor fijo"), required=False, max_length=100)
            if isinstance(source, str) and source.startswith(CONSTANT):
                self.initial[name], self.initial[constant] = CONSTANT, source[1:]
            else:
                self.initial[name] = source or ""
            self.rows.append({"item": item, "field": self[name], "constant": self[constant]})
        self.target_fields = target_fields

    def mapping(self):
        data, result = self.cleaned_data, {}
        for item in self.target_fields:
            if item.repeat:
                repeat = data.get(f"{item.name}__repeat")
                if repeat:
                    result[item.name] = {"repeat": repeat, "fields": {
                        child.name: data.get(f"{item.name}__child__{child.name}", "") for child in item.repeat}}
                continue
            source = data.get(f"{item.name}__source")
            if source == CONSTANT:
                result[item.name] = CONSTANT + data.get(f"{item.name}__constant", "")
            elif source:
                result[item.name] = source
        return result


class AnswersForm(forms.Form):
    """The answers of a submission, to correct before it makes its records (repeats are left as sent)."""

    def __init__(self, *args, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.paths = [path for path, _value in answers if "[" not in path]
        for index, (path, value) in enumerate(a for a in answers if "[" not in a[0]):
            self.fields[f"a{index}"] = forms.CharField(label=path, required=False, initial=value, max_length=2000)

    def changes(self):
        return {path: self.cleaned_data[f"a{index}"] for index, path in enumerate(self.paths)
                if self.cleaned_data[f"a{index}"] != self.fields[f"a{index}"].initial}
