"""The pages of the business plan calls: the calls over the user's place, a call with its rules,
grid, plans and ranking (and its award), filing a plan, a plan with the evaluator's declaration and
scoring, and the public results."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minka.accounts.permissions import APPLY_PLANS, EVALUATE_PLANS, RUN_CALLS, can, overlaps
from minka.books.services import soles
from minka.core.pages import submitted
from minka.territory.selectors import district_names

from . import selectors, services
from .forms import AttachmentForm, AwardForm, DeclarationForm, PlanForm, ScoresForm, TranchesForm, VisitForm
from .models import Call, Evaluation, Plan, Tranche


@login_required
def call_list(request):
    if not selectors.takes_part(request.user):
        raise Http404
    return render(request, "incentives/call_list.html", {"calls": selectors.calls_for(request.user),
                                                         "schemes": selectors.schemes_for(request.user)})


def _call(user, code):
    return get_object_or_404(selectors.calls_for(user), code=code)


@login_required
@require_http_methods(["GET", "POST"])
def call_detail(request, code):
    """The call: its rules and grid, the plans of the user's scope with their eligibility, and after
    the deadline the ranking (scores, spread between evaluators, ties, what the budget covers); the
    organisers award it from here."""
    call = _call(request.user, code)
    runs = can(request.user, RUN_CALLS, call.territory)
    form = AwardForm(request.POST or None)
    ranking = None
    done = submitted(request, form, runs, lambda data: services.award(actor=request.user, call=call, **data))
    if done is not None:
        messages.success(request, _("Concurso adjudicado: %(a)s de %(b)s.") % {
            "a": soles(done.awarded), "b": soles(call.budget)})
        return redirect("call_detail", code=code)
    today = timezone.localdate()
    plans = selectors.plans_for(request.user, call).select_related("household", "organisation", "territory")
    if runs and today > call.closes_on:
        ranking = services.results(call)
    return render(request, "incentives/call_detail.html", {
        "call": call, "runs": runs, "form": form, "plans": plans, "ranking": ranking, "today": today,
        "applies": _applies(request.user, call) and call.status == Call.Status.PUBLISHED,
        "criteria": call.criteria.all(), "awarded": services.awarded_total(call)})


def _applies(user, call):
    """Whether the user files plans anywhere in the call's place (a district's technician in a
    province's call, a region's coordinator)."""
    return overlaps(user, call.territory.path, APPLY_PLANS)


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request, code):
    call = _call(request.user, code)
    if not _applies(request.user, call):
        raise Http404
    form = PlanForm(request.POST or None, user=request.user, initial={"household": request.GET.get("familia")})
    plan = submitted(request, form, True, lambda data: services.submit(actor=request.user, call=call, **data))
    if plan is not None:
        if plan.eligible:
            messages.success(request, _("Plan %(n)s recibido: es elegible y pasa a evaluación.") % {"n": plan.number})
        else:
            messages.warning(request, _("Plan %(n)s recibido, pero no es elegible: %(r)s") % {
                "n": plan.number, "r": " ".join(plan.reasons)})
        return redirect("plan_detail", code=code, number=plan.number)
    return render(request, "incentives/plan_form.html", {"call": call, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request, code, number):
    """A plan as filed, its eligibility, and for an evaluator: the declaration, then the grid to score."""
    call = _call(request.user, code)
    plan = get_object_or_404(selectors.plans_for(request.user, call).select_related(
        "household__community", "organisation", "territory", "submitted_by"), number=number)
    evaluates = can(request.user, EVALUATE_PLANS, plan.territory)
    mine = Evaluation.objects.filter(plan=plan, evaluator=request.user).prefetch_related("scores__criterion").first()
    action = request.POST.get("action") if request.method == "POST" else None
    declaration = DeclarationForm(request.POST if action == "declare" else None)
    scoring = ScoresForm(request.POST if action == "score" else None, call=call)
    if action == "declare" and submitted(request, declaration, evaluates, lambda data: services.declare(
            actor=request.user, plan=plan, date=timezone.localdate(), **data)):
        return redirect("plan_detail", code=code, number=number)
    if action == "score" and submitted(request, scoring, evaluates, lambda data: services.evaluate(
            actor=request.user, plan=plan, date=timezone.localdate(), scores=scoring.scores(),
            comment=data["comment"])):
        messages.success(request, _("Evaluación enviada."))
        return redirect("plan_detail", code=code, number=number)
    runs = can(request.user, RUN_CALLS, call.territory)
    follows = can(request.user, APPLY_PLANS, plan.territory)
    tranches_form = TranchesForm(request.POST if action == "tranches" else None)
    visit_form = VisitForm(request.POST if action == "visit" else None)
    if action == "tranches" and submitted(request, tranches_form, runs, lambda data: services.plan_tranches(
            actor=request.user, plan=plan, tranches=data["lines"])):
        messages.success(request, _("Tramos definidos."))
        return redirect("plan_detail", code=code, number=number)
    if action == "visit" and submitted(request, visit_form, follows, lambda data: services.record_visit(
            actor=request.user, plan=plan, **data)):
        messages.success(request, _("Visita registrada."))
        return redirect("plan_detail", code=code, number=number)
    attachment_form = AttachmentForm(request.POST if action == "attach" else None,
                                     request.FILES if action == "attach" else None)
    if action == "attach" and submitted(request, attachment_form, follows, lambda data: services.attach(
            actor=request.user, plan=plan, date=timezone.localdate(), **data)):
        messages.success(request, _("Documento adjuntado."))
        return redirect("plan_detail", code=code, number=number)
    release_error = None
    if action == "release":
        if not runs:
            raise Http404
        tranche = get_object_or_404(Tranche, plan=plan, pk=request.POST.get("tranche"))
        try:
            services.release(actor=request.user, tranche=tranche, date=timezone.localdate())
        except ValidationError as error:
            release_error = " ".join(error.messages)
        else:
            messages.success(request, _("Tramo %(n)s desembolsado.") % {"n": tranche.number})
            return redirect("plan_detail", code=code, number=number)
    if action not in (None, "declare", "score", "tranches", "visit", "release", "attach"):
        raise Http404
    return render(request, "incentives/plan_detail.html", {
        "call": call, "plan": plan, "evaluates": evaluates, "mine": mine, "declaration": declaration,
        "scoring": scoring, "runs": runs, "open_for_scoring": timezone.localdate() > call.closes_on
        and call.status == Call.Status.PUBLISHED and plan.eligible,
        "evaluations": plan.evaluations.select_related("evaluator").prefetch_related("scores__criterion")
        if runs else [], "follows": follows, "tranches_form": tranches_form, "visit_form": visit_form,
        "release_error": release_error, "tranches": plan.tranches.all(), "attachments": plan.attachments.all(),
        "attachment_form": attachment_form, "attaches": follows and timezone.localdate() <= call.closes_on,
        "visits": plan.visits.select_related("visitor").order_by("-date", "-pk")})


def public_results(request, code):
    """The results of an awarded call for everyone: the ranking, scores and amounts; plans by their
    title, applicant type and district, never a family's name."""
    call = get_object_or_404(Call, code=code, status=Call.Status.AWARDED)
    plans = Plan.objects.filter(call=call, eligible=True).select_related("organisation", "territory").order_by(
        "rank", "number")
    plans = list(plans)
    districts = district_names(p.territory.path for p in plans)
    for entry in plans:
        entry.district = districts.get(entry.territory.path, entry.territory.name)
    return render(request, "incentives/public_results.html", {
        "call": call, "plans": plans, "submitted": Plan.objects.filter(call=call).count(),
        "awarded": services.awarded_total(call)})


# PES schemes ---------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def scheme_detail(request, code):
    """A scheme: its fund, contributors and contributions, the agreements on its map (areas and the
    verification points), each year's verification with what it made due, payments and what is owed
    and for how long; those who run it approve and pay from here."""
    from . import pes
    from minka.accounts.permissions import RECORD_FIELD

    from .forms import AgreementForm as SchemeAgreementForm
    from .forms import ContributionForm, VerificationForm
    from .models import Agreement, PesPayment, Verification

    scheme = get_object_or_404(selectors.schemes_for(request.user), code=code)
    runs = can(request.user, RUN_CALLS, scheme.territory)
    error = None
    action = request.POST.get("action") if request.method == "POST" else None
    contribution_form = ContributionForm(request.POST if action == "contribute" else None, scheme=scheme)
    agreement_form = SchemeAgreementForm(request.POST if action == "agreement" else None,
                                         request.FILES if action == "agreement" else None, user=request.user)
    target = None
    if action == "verify":
        target = get_object_or_404(Agreement, pk=request.POST.get("agreement"), scheme=scheme)
    verification_form = VerificationForm(request.POST, request.FILES, agreement=target) if target is not None else None
    acts = {
        "contribute": (contribution_form, runs, lambda data: pes.contribute(actor=request.user, scheme=scheme, **data)),
        "agreement": (agreement_form, runs, lambda data: pes.sign_agreement(
            actor=request.user, scheme=scheme, **data)),
        "verify": (verification_form, target is not None and can(request.user, RECORD_FIELD, target.territory),
                   lambda data: pes.verify(actor=request.user, agreement=target, period=data["period"],
                                           date=data["date"], notes=data["notes"],
                                           grades=verification_form.grades(), proofs=verification_form.proofs())),
    }
    if action in acts:
        form, allowed, act = acts[action]
        if submitted(request, form, allowed, act) is not None:
            messages.success(request, _("Hecho."))
            return redirect("scheme_detail", code=code)
    elif action in ("approve", "pay"):
        if not runs:
            raise Http404
        try:
            if action == "approve":
                verification = get_object_or_404(Verification, pk=request.POST.get("verification"),
                                                 agreement__scheme=scheme)
                pes.approve(actor=request.user, verification=verification, date=timezone.localdate())
            else:
                payment = get_object_or_404(PesPayment, pk=request.POST.get("payment"),
                                            verification__agreement__scheme=scheme)
                pes.pay(actor=request.user, payment=payment, date=timezone.localdate())
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Hecho."))
            return redirect("scheme_detail", code=code)
    elif action is not None:
        raise Http404
    today = timezone.localdate()
    agreements = list(scheme.agreements.select_related("household", "organisation", "territory")
                      .prefetch_related("commitments", "verifications__grades__commitment", "verifications__payment"))
    for agreement in agreements:  # each its verification form (the one just sent keeps its errors)
        agreement.form = (verification_form if target is not None and target.pk == agreement.pk
                          else VerificationForm(agreement=agreement, initial={"period": today.year}))
    verifications = [v for a in agreements for v in a.verifications.all()]
    for verification in verifications:
        verification.warning = pes.warning(verification)
    drawn = _scheme_map(scheme, agreements, verifications)
    return render(request, "incentives/scheme_detail.html", {
        "scheme": scheme, "runs": runs, "error": error, "balance": pes.balance(scheme, today),
        "contributors": scheme.contributors.select_related("organisation"),
        "contributions": scheme.contributions.select_related("contributor__organisation").order_by("-date"),
        "agreements": agreements, "owed": pes.owed(scheme, today), "map": drawn,
        "years": range(today.year, min([a.starts_on.year for a in agreements] or [today.year]) - 1, -1),
        "shapes": json.dumps({"type": "GeometryCollection", "geometries": pes.watershed_shapes(scheme.watershed)})
        if runs else "",
        "hectares": sum((a.hectares for a in agreements), 0), "action": action, "target": target,
        "contribution_form": contribution_form, "agreement_form": agreement_form,
        "verification_form": verification_form, "verifies": can(request.user, RECORD_FIELD, scheme.territory)
        or any(can(request.user, RECORD_FIELD, a.territory) for a in agreements),
    })


@login_required
def scheme_registry(request, code, fmt):
    """The scheme's agreements in the shape of Peru's registry of MERESE agreements (XLSX or CSV)."""
    from minka.core.pages import spreadsheet_response

    from . import pes

    if fmt not in ("xlsx", "csv"):
        raise Http404
    scheme = get_object_or_404(selectors.schemes_for(request.user), code=code)
    return spreadsheet_response(fmt, f"merese-{scheme.code}", _("Registro MERESE"), pes.REGISTRY,
                                pes.registry_rows(scheme))


@login_required
def evidence_photo(request, code, pk):
    """A verified action's photo, to those who see the scheme."""
    from minka.core.pages import stored_file

    from .models import Compliance

    scheme = get_object_or_404(selectors.schemes_for(request.user), code=code)
    return stored_file(get_object_or_404(Compliance, pk=pk, verification__agreement__scheme=scheme).photo)


@login_required
def plan_attachment(request, code, number, pk):
    """A plan's document, to those who see the plan."""
    from minka.core.pages import stored_file

    call = _call(request.user, code)
    plan = get_object_or_404(selectors.plans_for(request.user, call), number=number)
    return stored_file(get_object_or_404(plan.attachments, pk=pk).file)


@login_required
def scheme_report(request, code, year):
    """A scheme's yearly report (PDF) in the language asked for: fund, agreements, verifications, payments."""
    from django.conf import settings

    from minka.core.pages import pdf_response

    from . import pes

    scheme = get_object_or_404(selectors.schemes_for(request.user), code=code)
    today = timezone.localdate()
    if not 2000 <= year <= today.year:
        raise Http404
    language = request.GET.get("lang") if request.GET.get("lang") in dict(settings.LANGUAGES) else "es"
    report = pes.yearly_report(scheme, year, today)
    report["map"] = _scheme_map(scheme, report["agreements"], report["verifications"])
    return pdf_response("incentives/scheme_report_pdf.html", report, language, f"{scheme.code}-{year}.pdf")


def _scheme_map(scheme, agreements, verifications):
    """The scheme's areas and verification points over its district (SVG)."""
    from minka.observatory import svgmap

    district = [(str(scheme.territory), scheme.territory.geometry, None)] if scheme.territory.geometry else []
    return svgmap.choropleth(
        district + [(str(a), a.area, 1) for a in agreements]
        + [(_("Verificación %(y)s") % {"y": v.period}, v.points, 2) for v in verifications if v.points],
        width=480, height=320, legend=False)
