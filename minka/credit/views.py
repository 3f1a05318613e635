"""The fund's pages: the portfolio, the borrower's page of a loan, the instalments due soon, the
committee's queue, an application from filing to disbursement, receipts and printable schedules.
What a user sees is what their scope holds; what they may do is checked again by the services."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from minka.accounts.permissions import APPLY_CREDIT, RUN_FUND, VIEW_CREDIT, can, has_capability
from minka.books.services import money
from minka.core.pages import list_or_results, paginate, pdf_response, submitted

from . import guarantees
from . import schedule as schedules
from . import selectors, services
from .forms import (AgreementForm, ApplicationForm, AsOfForm, CallForm, DecisionForm, DisbursementForm, GrantForm,
                    GuaranteedLoanForm, LoanFilterForm, ReasonForm, RecoveryForm, RepaymentForm, RescheduleForm)
from .models import Application, Instalment, Loan, Repayment

PDF_LANGUAGES = ("es", "quz")


def _viewer(user):
    if not has_capability(user, VIEW_CREDIT):
        raise Http404


def _day(value):
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return None


@login_required
def portfolio(request):
    """The portfolio at a date (today by default): disbursed, outstanding, at risk, repaid, by value
    chain, sex and district; the arrears tables; the fund's pools for those who run it."""
    _viewer(request.user)
    form = AsOfForm(request.GET or None)
    today = timezone.localdate()
    as_of = (form.cleaned_data["al"] if form.is_valid() else None) or today
    board = selectors.dashboard(selectors.loans_for(request.user), as_of)
    funds = [(fund, selectors.position(fund, as_of), guarantees.solvency(fund, as_of),
              fund.agreements.select_related("lender").order_by("signed_on"))
             for fund in selectors.funds_for(request.user, RUN_FUND)]
    return render(request, "credit/portfolio.html", {
        "form": form, "as_of": as_of, "today": today, "board": board, "funds": funds,
        "aging": board.portfolio.breakdown("aging"), "risk": board.portfolio.breakdown("risk"),
        "applies": has_capability(request.user, APPLY_CREDIT)})


def _late_since(today):
    return Subquery(Instalment.objects.filter(loan=OuterRef("pk"), schedule__active=True, settled_on__isnull=True,
                                              due_date__lt=today).order_by("due_date").values("due_date")[:1])


@login_required
def loan_list(request):
    _viewer(request.user)
    today = timezone.localdate()
    form = LoanFilterForm(request.GET or None)
    loans = selectors.loans_for(request.user).annotate(late_since=_late_since(today))
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            loans = loans.filter(Q(number__icontains=data["q"]) | Q(household__name__icontains=data["q"])
                                 | Q(household__code__iexact=data["q"]) | Q(organisation__name__icontains=data["q"]))
        if data["status"]:
            loans = loans.filter(status=data["status"])
        if data["late"]:
            loans = loans.filter(late_since__isnull=False, status=Loan.Status.ACTIVE)
    page, query = paginate(request, loans.select_related("household", "organisation", "territory", "chain"))
    for loan in page:
        loan.days_late = (today - loan.late_since).days if loan.late_since and loan.status == Loan.Status.ACTIVE else 0
    return list_or_results(request, "credit/loan_list.html", "credit/_loan_results.html",
                           {"form": form, "page": page, "query": query})


def _loan(user, pk):
    return get_object_or_404(selectors.loans_for(user).select_related(
        "fund__book__territory", "household__community", "organisation", "product", "chain",
        "application__innovation", "application__decision"), pk=pk)


def _repaid(actor, loan, data):
    return services.repay(actor=actor, loan=loan, date=data["date"], amount=data["amount"], method=data["method"],
                          enterprise=data["enterprise"])


def _reversed(actor, loan, data):
    latest = Repayment.objects.filter(loan=loan, reverses__isnull=True, reversed_by__isnull=True).order_by(
        "-number").first()
    if latest is None:
        raise ValidationError(_("Este préstamo no tiene pagos que revertir."))
    return services.reverse_repayment(actor=actor, repayment=latest, date=data["date"], reason=data["reason"])


ACTIONS = {
    "repay": (RepaymentForm, _repaid),
    "reverse": (ReasonForm, _reversed),
    "reschedule": (RescheduleForm, lambda actor, loan, data: services.reschedule(
        actor=actor, loan=loan, date=data["date"], term_months=data["term_months"], reason=data["reason"])),
    "write_off": (ReasonForm, lambda actor, loan, data: services.write_off(
        actor=actor, loan=loan, date=data["date"], reason=data["reason"])),
}
DONE = {"repay": gettext_lazy("Pago registrado."), "reverse": gettext_lazy("Pago revertido."),
        "reschedule": gettext_lazy("Préstamo reprogramado."), "write_off": gettext_lazy("Préstamo castigado.")}


@login_required
@require_http_methods(["GET", "POST"])
def loan_detail(request, pk):
    """The borrower's page of a loan: what is owed and overdue today, what pays it off, the schedule in
    force with what was paid of each instalment, the receipts, the schedule's versions; for the fund's
    officers, the forms to receive a payment, reverse the latest one, reschedule or write off."""
    loan = _loan(request.user, pk)
    runs = can(request.user, RUN_FUND, loan.fund.territory)
    action = request.POST.get("action") if request.method == "POST" else None
    if action is not None and action not in ACTIONS:
        raise Http404
    forms = {}
    for name, (form_class, _act) in ACTIONS.items():
        extra = {"fund": loan.fund} if form_class is RepaymentForm else {}
        forms[name] = form_class(request.POST if action == name else None, prefix=name, **extra)
    if action is not None:
        act = ACTIONS[action][1]
        if submitted(request, forms[action], runs, lambda data: act(request.user, loan, data)) is not None:
            messages.success(request, DONE[action])
            return redirect("loan_detail", pk=pk)
    today = timezone.localdate()
    statement = selectors.statement(loan, today)
    if loan.status == Loan.Status.ACTIVE and not forms["repay"].is_bound:
        forms["repay"].initial["amount"] = statement.next_due or statement.payoff
    others = selectors.loans_for(request.user).filter(
        Q(household=loan.household) if loan.household_id else Q(organisation=loan.organisation)).exclude(pk=loan.pk)
    numbers = {r.pk: r.number for r in statement.repayments}
    reversed_ids = {r.reverses_id for r in statement.repayments if r.reverses_id}
    for repayment in statement.repayments:
        repayment.is_reversed = repayment.pk in reversed_ids
        repayment.reverses_number = numbers.get(repayment.reverses_id)
    standing = [r for r in statement.repayments if not r.reverses_id and not r.is_reversed]
    return render(request, "credit/loan_detail.html", {
        "loan": loan, "statement": statement, "runs": runs, "forms": forms, "action": action, "others": list(others),
        "instalments": list(zip(statement.instalments, selectors.balances_after(statement.instalments))),
        "latest": max(standing, key=lambda r: r.number) if standing else None})


@login_required
def repayment_receipt(request, pk, number):
    """The receipt of a payment (or of its reversal), to print and hand over."""
    loan = _loan(request.user, pk)
    repayment = get_object_or_404(Repayment.objects.select_related("recorded_by", "enterprise", "reverses"),
                                  loan=loan, number=number)
    return render(request, "credit/receipt.html", {
        "loan": loan, "repayment": repayment, "outstanding": selectors.outstanding_after(repayment),
        "reversal": Repayment.objects.filter(reverses=repayment).first()})


def _language(request):
    language = request.GET.get("lang")
    return language if language in PDF_LANGUAGES else "es"


@login_required
def loan_schedule_pdf(request, pk):
    """The schedule in force, printable, in Spanish or Quechua."""
    loan = _loan(request.user, pk)
    statement = selectors.statement(loan, timezone.localdate())
    rows = selectors.schedule_rows(statement.instalments)
    return pdf_response("credit/schedule_pdf.html", {
        "loan": loan, "borrower": loan.borrower, "product": loan.product, "fund": loan.fund, "amount": loan.amount,
        "start": loan.disbursed_on, "tea": loan.tea, "tcea": loan.tcea, "upfront_fee": loan.upfront_fee,
        "rows": rows, "totals": selectors.totals(rows), "version": statement.schedules[-1] if statement.schedules else None},
        _language(request), f"cronograma-{loan.number}.pdf")


# The committee's queue and an application's way to a loan -------------------------------------------

QUEUES = {"submitted": [Application.Status.SUBMITTED], "approved": [Application.Status.APPROVED],
          "decided": [Application.Status.REJECTED, Application.Status.DISBURSED, Application.Status.WITHDRAWN]}


@login_required
def application_list(request):
    """The committee's queue: applications waiting for a decision, approved ones waiting for their
    disbursement, and those already decided."""
    _viewer(request.user)
    queue = request.GET.get("estado") if request.GET.get("estado") in QUEUES else "submitted"
    applications = selectors.applications_for(request.user)
    counts = {name: applications.filter(status__in=statuses).count() for name, statuses in QUEUES.items()}
    page, query = paginate(request, applications.filter(status__in=QUEUES[queue]).select_related(
        "household__community", "organisation", "innovation", "product", "decision").order_by("submitted_on", "number"))
    return list_or_results(request, "credit/application_list.html", "credit/_application_results.html", {
        "page": page, "query": query, "queue": queue, "counts": counts,
        "applies": has_capability(request.user, APPLY_CREDIT)})


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request):
    if not has_capability(request.user, APPLY_CREDIT):
        raise Http404
    funds = selectors.funds_for(request.user, APPLY_CREDIT)
    form = ApplicationForm(request.POST or None, user=request.user, funds=funds,
                           initial={"household": request.GET.get("familia")})
    application = submitted(request, form, True, lambda data: services.apply(
        actor=request.user, **form.service_arguments()))
    if application is not None:
        messages.success(request, _("Solicitud %(n)s registrada: pasa al comité.") % {"n": application.number})
        return redirect("application_detail", pk=application.pk)
    return render(request, "credit/application_form.html", {"form": form})


def _application(user, pk):
    return get_object_or_404(selectors.applications_for(user).select_related(
        "fund__book__territory", "household__community", "organisation", "product", "innovation", "submitted_by"),
        pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def application_detail(request, pk):
    """An application: the plan, the capacity check, the checklist and the schedule it would have; the
    committee's decision; once approved, the disbursement, with the schedule and its TCEA shown for
    the date and amount chosen before anything is signed."""
    application = _application(request.user, pk)
    runs = can(request.user, RUN_FUND, application.fund.territory)
    action = request.POST.get("action") if request.method == "POST" else None
    if action not in (None, "decide", "disburse"):
        raise Http404
    decision = getattr(application, "decision", None)
    today = timezone.localdate()
    decide_form = DecisionForm(request.POST if action == "decide" else None, prefix="decide")
    if action == "decide" and submitted(request, decide_form, runs, lambda data: services.decide(
            actor=request.user, application=application, **data)):
        messages.success(request, _("Decisión registrada."))
        return redirect("application_detail", pk=pk)
    # the disbursement form is also read on GET: the schedule shown follows its date and amount
    initial = {"date": today, "amount": decision.amount if decision else application.amount}
    disburse_form = DisbursementForm(request.POST if action == "disburse" else (
        request.GET if "date" in request.GET else None), initial=initial)
    if action == "disburse":
        loan = submitted(request, disburse_form, runs, lambda data: services.disburse(
            actor=request.user, application=application, **data))
        if loan is not None:
            messages.success(request, _("Préstamo %(n)s desembolsado.") % {"n": loan.number})
            return redirect("loan_detail", pk=loan.pk)
    date, amount = initial["date"], initial["amount"]
    if disburse_form.is_bound and disburse_form.is_valid():
        date, amount = disburse_form.cleaned_data["date"], disburse_form.cleaned_data["amount"]
    term = decision.term_months if decision and decision.term_months else application.term_months
    draft, draft_error = None, None
    try:
        draft = services.preview(application.product, amount=amount, term_months=term, start=date)
    except ValidationError as error:
        draft_error = " ".join(error.messages)
    return render(request, "credit/application_detail.html", {
        "application": application, "decision": decision, "runs": runs, "decide_form": decide_form,
        "disburse_form": disburse_form, "draft": draft, "draft_error": draft_error,
        "tcea": schedules.percent(draft.tcea, 2) if draft else None, "date": date, "amount": amount,
        "term": term, "checklist": [(label, application.checklist.get(key)) for key, label in
                                    services.CHECKLIST.items()],
        "loan": Loan.objects.filter(application=application).first()})


@login_required
def application_schedule_pdf(request, pk):
    """The schedule the borrower signs: for the approved amount and term, from the date chosen."""
    application = _application(request.user, pk)
    decision = getattr(application, "decision", None)
    amount = decision.amount if decision and decision.amount else application.amount
    term = decision.term_months if decision and decision.term_months else application.term_months
    date = _day(request.GET.get("date")) or timezone.localdate()
    try:
        chosen = money(request.GET.get("amount") or amount)
        if not 0 < chosen <= amount:  # never a schedule for more than was approved
            raise Http404
        draft = services.preview(application.product, amount=chosen, term_months=term, start=date)
    except (ValidationError, ArithmeticError):
        raise Http404
    amount = chosen
    rows = [{"number": r.number, "due_date": r.due_date, "principal": r.principal, "interest": r.interest,
             "fee": r.fee, "total": r.total, "balance": r.balance} for r in draft.rows]
    return pdf_response("credit/schedule_pdf.html", {
        "application": application, "borrower": application.borrower, "product": application.product,
        "fund": application.fund, "amount": amount, "start": date, "tea": application.product.tea,
        "tcea": schedules.percent(draft.tcea, 2), "upfront_fee": draft.terms.upfront_fee, "rows": rows,
        "totals": selectors.totals(rows)}, _language(request), f"cronograma-solicitud-{application.number}.pdf")


@login_required
def due_list(request):
    """A technician's round: the instalments due in the next seven days in their scope, and those
    overdue, with where the family lives and its phone."""
    _viewer(request.user)
    today = timezone.localdate()
    return render(request, "credit/due_list.html", {"today": today, **selectors.due_soon(request.user, today),
                                                    "week_end": today + datetime.timedelta(days=7)})



# The fund itself: its capital and its guarantees ---------------------------------------------------------

def _reported(actor, fund, data):
    return guarantees.report_loan(actor=actor, **data)


def _called(actor, fund, data, loan):
    return guarantees.call(actor=actor, loan=loan, date=data["date"], outstanding=data["outstanding"])


def _recovered(actor, fund, data, guarantee_call):
    return guarantees.recover(actor=actor, guarantee_call=guarantee_call, date=data["date"], amount=data["amount"])


FUND_ACTIONS = {
    "grant": (GrantForm, lambda actor, fund, data: services.receive_grant(actor=actor, fund=fund, **data),
              gettext_lazy("Aporte registrado.")),
    "agreement": (AgreementForm, lambda actor, fund, data: guarantees.sign_agreement(actor=actor, fund=fund, **data),
                  gettext_lazy("Convenio registrado.")),
    "report": (GuaranteedLoanForm, _reported, gettext_lazy("Reporte de la entidad registrado.")),
    "call": (CallForm, _called, gettext_lazy("Garantía ejecutada: el fondo de garantía pagó.")),
    "recover": (RecoveryForm, _recovered, gettext_lazy("Recuperación registrada.")),
}


@login_required
@require_http_methods(["GET", "POST"])
def fund_detail(request, pk):
    """The fund's capital (grants in soles or euros, split between the pools) and its guarantees
    (agreements with lenders, the loans they report, calls on default and recoveries), with the
    pools' position; for its officers, the forms that record them."""
    from .models import GuaranteeCall, GuaranteedLoan

    fund = get_object_or_404(selectors.funds_for(request.user, VIEW_CREDIT), pk=pk)
    if not can(request.user, VIEW_CREDIT, fund.territory):
        raise Http404  # the fund's whole position is for those over its whole place
    runs = can(request.user, RUN_FUND, fund.territory)
    action = request.POST.get("action") if request.method == "POST" else None
    if action is not None and action not in FUND_ACTIONS:
        raise Http404
    forms = {}
    for name, (form_class, _act, _done) in FUND_ACTIONS.items():
        extra = {"fund": fund, "user": request.user} if form_class is GuaranteedLoanForm else {}
        forms[name] = form_class(request.POST if action == name else None, prefix=name, **extra)
    if action is not None:
        act, target = FUND_ACTIONS[action][1], ()
        if action == "call":
            target = (get_object_or_404(GuaranteedLoan, pk=request.POST.get("target"), agreement__fund=fund),)
        elif action == "recover":
            target = (get_object_or_404(GuaranteeCall, pk=request.POST.get("target"), loan__agreement__fund=fund),)
        if submitted(request, forms[action], runs, lambda data: act(request.user, fund, data, *target)) is not None:
            messages.success(request, FUND_ACTIONS[action][2])
            return redirect("fund_detail", pk=pk)
    today = timezone.localdate()
    return render(request, "credit/fund_detail.html", {
        "fund": fund, "runs": runs, "forms": forms, "action": action, "target": request.POST.get("target"),
        "position": selectors.position(fund, today), "solvency": guarantees.solvency(fund, today),
        "grants": fund.grants.select_related("entry").order_by("-date"),
        "agreements": fund.agreements.select_related("lender").order_by("signed_on"),
        "guaranteed": GuaranteedLoan.objects.filter(agreement__fund=fund).select_related(
            "agreement__lender", "household", "organisation").prefetch_related("calls__recoveries")
        .order_by("status", "-reported_on")})
