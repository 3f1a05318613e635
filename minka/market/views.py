from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minka.accounts.permissions import KEEP_BOOKS, can
from minka.books.models import Period
from minka.people.models import Household

from . import selectors, services
from .forms import CorrectionForm, DeliveryForm, PaymentForm, PeriodForm
from .models import Delivery


def _current_period(enterprise):
    today = timezone.localdate()
    return (Period.objects.filter(book=enterprise.book, start__lte=today, end__gte=today).first()
            or Period.objects.filter(book=enterprise.book).order_by("-start").first())


@login_required
def enterprise_list(request):
    enterprises = list(selectors.enterprises_for(request.user))
    if len(enterprises) == 1:
        return redirect("enterprise_home", pk=enterprises[0].pk)
    if not enterprises:
        raise Http404
    return render(request, "market/enterprise_list.html", {"enterprises": enterprises})


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_home(request, pk):
    """The manager's desk: record a delivery, see what is owed to whom, the latest deliveries."""
    enterprise = selectors.get_enterprise_for_user(request.user, pk)
    keeps = can(request.user, KEEP_BOOKS, enterprise.territory)
    form = DeliveryForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST":
        if not keeps:
            raise Http404
        if form.is_valid():
            try:
                delivery = services.record_delivery(actor=request.user, enterprise=enterprise, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Entrega registrada: S/ %(a)s a %(h)s.") % {
                    "a": delivery.amount, "h": delivery.household})
                return redirect("enterprise_home", pk=pk)
    producers = selectors.producers(enterprise)
    return render(request, "market/enterprise_home.html", {
        "enterprise": enterprise, "keeps": keeps, "form": form, "producers": producers,
        "owed": sum((owed for _h, owed, _d in producers), selectors.ZERO),
        "deliveries": Delivery.objects.filter(enterprise=enterprise).select_related(
            "household", "product__unit", "centre", "reversed_by")[:30],
        "period": _current_period(enterprise)})


@login_required
@require_http_methods(["GET", "POST"])
def delivery_correct(request, pk, delivery):
    enterprise = selectors.get_enterprise_for_user(request.user, pk, KEEP_BOOKS)
    delivery = get_object_or_404(Delivery, pk=delivery, enterprise=enterprise, reverses__isnull=True)
    form = CorrectionForm(request.POST or None, initial={"quantity": delivery.quantity, "grade": delivery.grade})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["quantity"]:
                services.correct_delivery(actor=request.user, delivery=delivery, date=data["date"],
                                          reason=data["reason"], quantity=data["quantity"], grade=data["grade"])
            else:
                services.reverse_delivery(actor=request.user, delivery=delivery, date=data["date"],
                                          reason=data["reason"])
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Entrega corregida."))
            return redirect("enterprise_home", pk=pk)
    return render(request, "market/delivery_correct.html", {"enterprise": enterprise, "delivery": delivery,
                                                            "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def payment_create(request, pk):
    enterprise = selectors.get_enterprise_for_user(request.user, pk, KEEP_BOOKS)
    initial = {"household": request.GET.get("familia")}
    form = PaymentForm(request.POST or None, enterprise=enterprise, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            payment = services.pay_producer(actor=request.user, enterprise=enterprise, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Pago registrado."))
            return redirect("producer_statement", pk=pk, household=payment.household_id)
    return render(request, "market/payment_form.html", {"enterprise": enterprise, "form": form})


@login_required
def producer_statement(request, pk, household):
    """A producer's deliveries and payments over a span (the current period by default)."""
    enterprise = selectors.get_enterprise_for_user(request.user, pk)
    household = get_object_or_404(Household, pk=household, memberships__enterprise=enterprise)
    period = _current_period(enterprise)
    today = timezone.localdate()
    form = PeriodForm(request.GET or None, initial={"start": period.start if period else today.replace(day=1),
                                                    "end": period.end if period else today})
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    else:
        start, end = form.initial["start"], form.initial["end"]
    return render(request, "market/statement.html", {
        "enterprise": enterprise, "household": household, "form": form,
        "statement": selectors.statement(enterprise, household, start, end),
        "keeps": can(request.user, KEEP_BOOKS, enterprise.territory)})
