from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.books.models import Account
from minka.people.models import Household

from .models import CollectionCentre, Cost, Payment, Product

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


class LotForm(forms.Form):
    code = forms.CharField(label=_("Código de lote"), max_length=32)
    product = forms.ModelChoiceField(label=_("Producto"), queryset=Product.objects.filter(kind=Product.Kind.PROCESSED))
    made_on = forms.DateField(label=_("Fecha de elaboración"), widget=DATE, initial=timezone.localdate)
    best_before = forms.DateField(label=_("Consumir preferentemente antes de"), widget=DATE, required=False)
    quantity = forms.DecimalField(label=_("Cantidad obtenida"), max_digits=12, decimal_places=3)
    deliveries = forms.ModelMultipleChoiceField(
        label=_("Entregas usadas (se usa lo que queda de cada una)"), queryset=None,
        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, deliveries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deliveries"].queryset = deliveries
        self.fields["deliveries"].label_from_instance = lambda d: (
            f"{d.date:%d/%m/%Y} · {d.household.name} · {d.product.label} · {format(d.left.normalize(), 'f')} "
            f"{d.product.unit.symbol}")


class SaleForm(forms.Form):
    customer = forms.ModelChoiceField(label=_("Cliente"), queryset=None)
    date = forms.DateField(label=_("Fecha"), widget=DATE, initial=timezone.localdate)
    lot = forms.ModelChoiceField(label=_("Lote"), queryset=None)
    quantity = forms.DecimalField(label=_("Cantidad"), max_digits=12, decimal_places=3)
    unit_price = forms.DecimalField(label=_("Precio unitario (S/)"), max_digits=10, decimal_places=4)

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = enterprise.customers.all()
        self.fields["lot"].queryset = enterprise.lots.select_related("product")


class ReceiptForm(forms.Form):
    date = forms.DateField(label=_("Fecha"), widget=DATE, initial=timezone.localdate)
    amount = forms.DecimalField(label=_("Importe (S/)"), max_digits=12, decimal_places=2)
    method = forms.ChoiceField(label=_("Forma de pago"), choices=Payment.Method.choices[:2])


class CostForm(forms.Form):
    date = forms.DateField(label=_("Fecha"), widget=DATE, initial=timezone.localdate)
    kind = forms.ChoiceField(label=_("Tipo"), choices=Cost.Kind.choices)
    account = forms.ModelChoiceField(label=_("Cuenta de gasto"), queryset=Account.objects.filter(
        kind=Account.Kind.EXPENSE, postable=True).exclude(code="6021"))
    description = forms.CharField(label=_("Descripción"), max_length=200)
    amount = forms.DecimalField(label=_("Importe (S/)"), max_digits=12, decimal_places=2)
    paid_by = forms.ChoiceField(label=_("Pagado con"), choices=Payment.Method.choices[:2])
