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
