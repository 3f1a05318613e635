import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minka.accounts.permissions import KEEP_BOOKS, VIEW_BOOKS, can, has_capability
from minka.books.models import Period
from minka.core.pages import submitted
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
    if not enterprises and not has_capability(request.user, VIEW_BOOKS):
        raise Http404
    return render(request, "market/enterprise_list.html", {"enterprises": enterprises})


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_home(request, pk):
    """The manager's desk: record a delivery, see what is owed to whom, the latest deliveries."""
    enterprise = selectors.get_enterprise_for_user(request.user, pk)
    keeps = can(request.user, KEEP_BOOKS, enterprise.territory)
    form = DeliveryForm(request.POST or None, enterprise=enterprise)
    delivery = submitted(request, form, keeps, lambda data: services.record_delivery(
        actor=request.user, enterprise=enterprise, **data))
    if delivery is not None:
        messages.success(request, _("Entrega registrada: S/ %(a)s a %(h)s.") % {"a": delivery.amount,
                                                                              "h": delivery.household})
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
    payment = submitted(request, form, True, lambda data: services.pay_producer(
        actor=request.user, enterprise=enterprise, **data))
    if payment is not None:
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


def _available_deliveries(enterprise):
    """Deliveries with something left to go into a lot (the corrected ones are used through the right one)."""
    from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
    from django.db.models.functions import Coalesce

    from .models import LotInput

    used = LotInput.objects.filter(delivery=OuterRef("pk")).values("delivery").annotate(q=Sum("quantity")).values("q")
    return (Delivery.objects.filter(enterprise=enterprise, reverses__isnull=True, reversed_by__isnull=True)
            .annotate(left=F("quantity") - Coalesce(Subquery(used), Value(0), output_field=DecimalField()))
            .filter(left__gt=0).select_related("household", "product__unit").order_by("-date", "-pk"))


@login_required
@require_http_methods(["GET", "POST"])
def lot_list(request, pk):
    from .forms import LotForm
    from .models import Lot

    enterprise = selectors.get_enterprise_for_user(request.user, pk)
    keeps = can(request.user, KEEP_BOOKS, enterprise.territory)
    available = _available_deliveries(enterprise)
    # what the plant can still use: the last 90 days' deliveries with something left
    recent = available.filter(date__gte=timezone.localdate() - datetime.timedelta(days=90)) if not request.POST else available
    form = LotForm(request.POST or None, deliveries=recent)
    lot = submitted(request, form, keeps, lambda data: services.make_lot(
        actor=request.user, enterprise=enterprise, code=data["code"], product=data["product"],
        made_on=data["made_on"], quantity=data["quantity"], best_before=data["best_before"],
        deliveries=[(d, d.left) for d in data["deliveries"]]))
    if lot is not None:
        if lot.branded:
            messages.success(request, _("Lote %(l)s registrado con la marca.") % {"l": lot})
        else:
            messages.warning(request, _("Lote %(l)s registrado sin la marca: %(r)s") % {
                "l": lot, "r": " ".join(lot.not_branded_because)})
        return redirect("lot_list", pk=pk)
    return render(request, "market/lot_list.html", {
        "enterprise": enterprise, "keeps": keeps, "form": form,
        "lots": Lot.objects.filter(enterprise=enterprise).select_related("product__unit")[:50]})


@login_required
@require_http_methods(["GET", "POST"])
def sale_list(request, pk):
    from .forms import SaleForm
    from .models import Customer, Sale

    enterprise = selectors.get_enterprise_for_user(request.user, pk)
    keeps = can(request.user, KEEP_BOOKS, enterprise.territory)
    form = SaleForm(request.POST or None, enterprise=enterprise)
    sale = submitted(request, form, keeps, lambda data: services.sell(
        actor=request.user, enterprise=enterprise, customer=data["customer"], date=data["date"],
        lines=[(data["lot"], data["quantity"], data["unit_price"])]))
    if sale is not None:
        messages.success(request, _("Venta N.º %(n)s registrada: S/ %(a)s.") % {"n": sale.number, "a": sale.amount})
        return redirect("sale_list", pk=pk)
    sales = Sale.objects.filter(enterprise=enterprise).select_related("customer").prefetch_related(
        "lines__lot__product", "receipts")[:50]
    return render(request, "market/sale_list.html", {
        "enterprise": enterprise, "keeps": keeps, "form": form, "sales": sales,
        "by_channel": [(Customer.Channel(code).label, total)
                       for code, total in selectors.revenue_by(enterprise, "sale__customer__channel")],
        "by_product": selectors.revenue_by(enterprise, "lot__product__name"),
        "by_outlet": selectors.revenue_by(enterprise, "sale__customer__name")})


@login_required
def sale_invoice(request, pk, sale):
    """The sale's printable invoice (comprobante), with what has been received of it."""
    from .models import Sale

    enterprise = selectors.get_enterprise_for_user(request.user, pk)
    sale = get_object_or_404(Sale.objects.select_related("customer", "enterprise__organisation"), pk=sale,
                             enterprise=enterprise)
    return render(request, "market/invoice.html", {
        "enterprise": enterprise, "sale": sale, "lines": sale.lines.select_related("lot__product__unit"),
        "receipts": sale.receipts.order_by("date"), "unpaid": services.unpaid(sale)})


@login_required
@require_http_methods(["GET", "POST"])
def sale_receive(request, pk, sale):
    from .forms import ReceiptForm
    from .models import Sale

    enterprise = selectors.get_enterprise_for_user(request.user, pk, KEEP_BOOKS)
    sale = get_object_or_404(Sale, pk=sale, enterprise=enterprise)
    form = ReceiptForm(request.POST or None, initial={"amount": services.unpaid(sale)})
    if submitted(request, form, True, lambda data: services.receive(actor=request.user, sale=sale, **data)):
        messages.success(request, _("Cobro registrado."))
        return redirect("sale_list", pk=pk)
    return render(request, "market/simple_form.html", {
        "enterprise": enterprise, "form": form, "back": "sale_list",
        "title": _("Cobrar la venta N.º %(n)s (%(c)s)") % {"n": sale.number, "c": sale.customer}})


@login_required
@require_http_methods(["GET", "POST"])
def cost_list(request, pk):
    from .forms import CostForm
    from .models import Cost

    enterprise = selectors.get_enterprise_for_user(request.user, pk)
    keeps = can(request.user, KEEP_BOOKS, enterprise.territory)
    form = CostForm(request.POST or None)
    if submitted(request, form, keeps, lambda data: services.record_cost(
            actor=request.user, enterprise=enterprise, **data)):
        messages.success(request, _("Costo registrado."))
        return redirect("cost_list", pk=pk)
    return render(request, "market/cost_list.html", {
        "enterprise": enterprise, "keeps": keeps, "form": form,
        "costs": Cost.objects.filter(enterprise=enterprise).select_related("account")[:50]})


@login_required
@require_http_methods(["GET", "POST"])
def period_closing(request, pk, period):
    """The preview of a period's close (the surplus and who gets what), and its confirmation."""
    from . import closing

    enterprise = selectors.get_enterprise_for_user(request.user, pk)
    period = get_object_or_404(Period, pk=period, book=enterprise.book)
    keeps = can(request.user, KEEP_BOOKS, enterprise.territory)
    error = None
    if request.method == "POST":
        if not keeps:
            raise Http404
        try:
            closing.close(actor=request.user, enterprise=enterprise, period=period)
        except (ValidationError, PermissionDenied) as exc:
            error = " ".join(getattr(exc, "messages", [str(exc)]))
        else:
            messages.success(request, _("Periodo %(p)s cerrado y excedente repartido.") % {"p": period})
            return redirect("period_closing", pk=pk, period=period.pk)
    done = getattr(period, "closing", None) if period.is_closed else None
    preview = None if period.is_closed else closing.preview(enterprise, period)
    return render(request, "market/period_closing.html", {
        "enterprise": enterprise, "period": period, "keeps": keeps, "error": error, "done": done, "preview": preview,
        "refunds": done.refunds.select_related("household__community").order_by("-amount") if done else None,
        "shares": sorted(preview.allocation.refunds.items(), key=lambda item: (-item[1].amount, item[0].name))
        if preview else []})
