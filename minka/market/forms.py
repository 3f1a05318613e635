from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.people.models import Household

from .models import CollectionCentre, Payment, Product

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DeliveryForm(forms.Form):
    date = forms.DateField(label=_("Fecha"), widget=DATE, initial=timezone.localdate)
    centre = forms.ModelChoiceField(label=_("Centro de acopio"), queryset=CollectionCentre.objects.none())
    household = forms.ModelChoiceField(label=_("Productor(a)"), queryset=Household.objects.none())
    product = forms.ModelChoiceField(label=_("Producto"), queryset=Product.objects.filter(kind=Product.Kind.RAW))
    quantity = forms.DecimalField(label=_("Cantidad"), max_digits=12, decimal_places=3)
    grade = forms.CharField(label=_("Calidad"), max_length=8, required=False,
                            help_text=_("Vacía: la decide la prueba de calidad del día, si la hay."))

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = enterprise.centres.all()
        self.fields["household"].queryset = Household.objects.filter(
            memberships__enterprise=enterprise).order_by("name")


class CorrectionForm(forms.Form):
    date = forms.DateField(label=_("Fecha de la corrección"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(label=_("Motivo"), max_length=200)
    quantity = forms.DecimalField(label=_("Cantidad correcta"), max_digits=12, decimal_places=3, required=False,
                                  help_text=_("Vacía: la entrega se anula sin reemplazo."))
    grade = forms.CharField(label=_("Calidad"), max_length=8, required=False)


class PaymentForm(forms.Form):
    date = forms.DateField(label=_("Fecha"), widget=DATE, initial=timezone.localdate)
    household = forms.ModelChoiceField(label=_("Productor(a)"), queryset=Household.objects.none())
    amount = forms.DecimalField(label=_("Importe (S/)"), max_digits=12, decimal_places=2)
    method = forms.ChoiceField(label=_("Forma de pago"), choices=Payment.Method.choices)
    reference = forms.CharField(label=_("Referencia"), max_length=80, required=False)

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = Household.objects.filter(
            memberships__enterprise=enterprise).order_by("name")


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("Desde"), widget=DATE)
    end = forms.DateField(label=_("Hasta"), widget=DATE)
