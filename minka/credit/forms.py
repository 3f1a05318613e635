"""The forms of the fund's pages. They only read and check what was typed; the rules are the
services'."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.accounts.permissions import APPLY_CREDIT
from minka.core.forms import DateInput
from minka.people.forms import PartyForm
from minka.people.models import Organisation, ValueChain

from . import services
from .models import Decision, Grant, Innovation, Loan, LoanProduct, Repayment

DATE = DateInput()
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0.01")}


def _date(**kwargs):
    return forms.DateField(label=kwargs.pop("label", _("Fecha")), widget=DATE, initial=timezone.localdate, **kwargs)


class ApplicationForm(PartyForm):
    product = forms.ModelChoiceField(LoanProduct.objects.none(), label=_("Producto"))
    innovation = forms.ModelChoiceField(Innovation.objects.all(), label=_("Innovación"))
    chain = forms.ModelChoiceField(ValueChain.objects.filter(active=True), required=False,
                                   label=_("Cadena de valor (si no es la de la innovación)"))
    plan = forms.CharField(label=_("Plan de inversión"), widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Qué se compra o construye, a quién, cuándo, y cómo genera el ingreso que paga."))
    investment = forms.DecimalField(label=_("Costo total de la inversión (S/)"), **MONEY)
    own_contribution = forms.DecimalField(label=_("Aporte propio (S/)"), max_digits=14, decimal_places=2,
                                          min_value=Decimal("0"), initial=Decimal("0"))
    amount = forms.DecimalField(label=_("Monto solicitado (S/)"), **MONEY)
    term_months = forms.IntegerField(label=_("Plazo (meses)"), min_value=1, max_value=120)
    date = _date(label=_("Fecha de solicitud"))

    def __init__(self, *args, user, funds, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope_parties(user, APPLY_CREDIT)
        self.fields["product"].queryset = LoanProduct.objects.filter(fund__in=funds, active=True).select_related("fund")
        for key, label in services.CHECKLIST.items():
            self.fields[f"check_{key}"] = forms.BooleanField(label=label, required=False)

    def service_arguments(self):
        data = dict(self.cleaned_data)
        checklist = {key: data.pop(f"check_{key}") for key in services.CHECKLIST}
        product = data["product"]
        return {**data, "fund": product.fund, "checklist": checklist}


class DecisionForm(forms.Form):
    date = _date()
    outcome = forms.ChoiceField(label=_("Decisión"), choices=Decision.Outcome.choices, widget=forms.RadioSelect)
    amount = forms.DecimalField(label=_("Monto aprobado (S/), si se reduce"), required=False, **MONEY)
    term_months = forms.IntegerField(label=_("Plazo aprobado (meses), si se reduce"), required=False, min_value=1)
    members = forms.CharField(label=_("Miembros presentes (uno por línea)"), widget=forms.Textarea(attrs={"rows": 3}))
    minutes = forms.CharField(label=_("Acta"), widget=forms.Textarea(attrs={"rows": 3}))
    conditions = forms.CharField(label=_("Condiciones"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DisbursementForm(forms.Form):
    date = _date(label=_("Fecha del desembolso"))
    amount = forms.DecimalField(label=_("Monto (S/)"), **MONEY)


class RepaymentForm(forms.Form):
    date = _date()
    amount = forms.DecimalField(label=_("Monto (S/)"), **MONEY)
    method = forms.ChoiceField(label=_("Forma de pago"), choices=Repayment.Method.choices)
    enterprise = forms.ModelChoiceField(None, required=False, label=_("Empresa (si paga con excedentes)"))

    def __init__(self, *args, fund, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = fund.offset_enterprises.all()


class ReasonForm(forms.Form):
    """A reversal or a write-off: a date and the reason, kept with what it undoes."""

    date = _date()
    reason = forms.CharField(label=_("Motivo"), max_length=200)


class RescheduleForm(ReasonForm):
    term_months = forms.IntegerField(label=_("Nuevo plazo (meses)"), min_value=1, max_value=120)


class AsOfForm(forms.Form):
    al = forms.DateField(label=_("Situación al"), widget=DATE, required=False)


class LoanFilterForm(forms.Form):
    q = forms.CharField(label=_("Buscar"), required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("número o prestatario")}))
    status = forms.ChoiceField(label=_("Estado"), required=False,
                               choices=[("", _("Todos")), *Loan.Status.choices])
    late = forms.BooleanField(label=_("Solo con atraso"), required=False)


class GrantForm(forms.Form):
    date = _date()
    donor = forms.CharField(label=_("Donante"), max_length=200)
    currency = forms.ChoiceField(label=_("Moneda"), choices=Grant.Currency.choices)
    amount = forms.DecimalField(label=_("Monto recibido"), **MONEY)
    exchange_rate = forms.DecimalField(label=_("Tipo de cambio (S/ por euro)"), required=False, max_digits=12,
                                       decimal_places=6, min_value=Decimal("0.000001"))
    loan_pool = forms.DecimalField(label=_("Al fondo de préstamos (S/)"), max_digits=14, decimal_places=2,
                                   min_value=Decimal("0"),
                                   help_text=_("El resto, en soles, va al fondo de garantía."))


class AgreementForm(forms.Form):
    lender = forms.ModelChoiceField(Organisation.objects.filter(kind=Organisation.Kind.LENDER),
                                    label=_("Entidad financiera"))
    reference = forms.CharField(label=_("Convenio"), max_length=60)
    signed_on = forms.DateField(label=_("Firmado el"), widget=DATE)
    ends_on = forms.DateField(label=_("Vence el"), widget=DATE, required=False)
    coverage_percent = forms.DecimalField(label=_("Cobertura (%)"), max_digits=5, decimal_places=2)
    cap_per_borrower = forms.DecimalField(label=_("Tope por prestatario (S/)"), **MONEY)
    leverage_limit = forms.DecimalField(label=_("Apalancamiento máximo (veces el fondo)"), max_digits=6,
                                        decimal_places=2)


class GuaranteedLoanForm(PartyForm):
    """What the lender reports: a new loan under the agreement, or the new balance of one."""

    agreement = forms.ModelChoiceField(None, label=_("Convenio"))
    reference = forms.CharField(label=_("Código del préstamo en la entidad"), max_length=40)
    amount = forms.DecimalField(label=_("Monto (S/)"), **MONEY)
    disbursed_on = forms.DateField(label=_("Desembolsado el"), widget=DATE)
    outstanding = forms.DecimalField(label=_("Saldo reportado (S/)"), max_digits=14, decimal_places=2)
    days_past_due = forms.IntegerField(label=_("Días de atraso reportados"), min_value=0, initial=0)
    reported_on = _date(label=_("Reportado el"))
    party_required = False  # a new balance of a loan already reported names nobody

    def __init__(self, *args, fund, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = fund.agreements.select_related("lender")
        self.scope_parties(user, APPLY_CREDIT)
        self.order_fields(["agreement", "reference"])


class CallForm(forms.Form):
    date = _date()
    outstanding = forms.DecimalField(label=_("Saldo impago (S/)"), **MONEY)


class RecoveryForm(forms.Form):
    date = _date()
    amount = forms.DecimalField(label=_("Monto recuperado (S/)"), **MONEY)
