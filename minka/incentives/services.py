"""Every write of a business plan call, from its grid to its award. A call is prepared, then
published (its grid fixed); plans are received until the deadline, each with the eligibility found
and its reasons; after the deadline evaluators declare they have no conflict of interest and score
every criterion; the award goes down the ranking within the budget."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from minka.accounts.permissions import APPLY_PLANS, EVALUATE_PLANS, RUN_CALLS, require
from minka.books.services import money, soles

from .models import ApplicantKind, Attachment, Call, Criterion, Evaluation, Plan, Score, Tranche, Visit

ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


def _day(date):
    return date_format(date, "SHORT_DATE_FORMAT")


# The call ------------------------------------------------------------------------------------------------

@transaction.atomic
def create_call(*, actor, code, title, territory, budget, opens_on, closes_on, applicant_kinds, description="",
                min_cofinancing=ZERO, max_award=None, scale=5, evaluators_required=2, spread_alert=Decimal("20"),
                min_score=Decimal("60")):
    require(actor, RUN_CALLS, territory, _("No organiza concursos en %(t)s.") % {"t": territory})
    budget = money(budget)
    if budget <= 0:
        raise ValidationError(_("El presupuesto del concurso debe ser mayor que cero."))
    if closes_on < opens_on:
        raise ValidationError(_("El concurso no puede cerrar antes de abrir."))
    unknown = set(applicant_kinds) - set(ApplicantKind.values)
    if not applicant_kinds or unknown:
        raise ValidationError(_("Indique quiénes pueden postular: familias, asociaciones o comunidades."))
    call = Call(code=code, title=title, description=description, territory=territory, budget=budget,
                opens_on=opens_on, closes_on=closes_on, applicant_kinds=list(applicant_kinds),
                min_cofinancing=Decimal(min_cofinancing), max_award=money(max_award) if max_award else None,
                scale=scale, evaluators_required=evaluators_required, spread_alert=Decimal(spread_alert),
                min_score=Decimal(min_score))
    call.full_clean()
    call.save()
    return call


def _draft(actor, call):
    require(actor, RUN_CALLS, call.territory, _("No organiza este concurso."))
    if call.status != Call.Status.DRAFT:
        raise ValidationError(_("El concurso ya fue publicado: sus bases y su grilla no cambian."))


@transaction.atomic
def add_criterion(*, actor, call, group, name, weight, guidance="", name_quz="", name_fr="", name_en=""):
    _draft(actor, call)
    weight = Decimal(weight)
    if weight <= 0:
        raise ValidationError(_("El peso de un criterio debe ser mayor que cero."))
    order = (call.criteria.aggregate(o=Max("order"))["o"] or 0) + 1
    criterion = Criterion(call=call, group=group, name=name, name_quz=name_quz, name_fr=name_fr, name_en=name_en,
                          weight=weight, guidance=guidance, order=order)
    criterion.full_clean()
    criterion.save()
    return criterion


@transaction.atomic
def publish(*, actor, call, date):
    """Open the call to applications: its grid must weigh 100 % and hold eco-compatibility."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    _draft(actor, call)
    criteria = list(call.criteria.all())
    total = sum((c.weight for c in criteria), ZERO)
    if total != HUNDRED:
        raise ValidationError(_("Los pesos de los criterios suman %(t)s %%: deben sumar 100 %%.") % {"t": total})
    if not any(c.group in Criterion.ECO for c in criteria):
        raise ValidationError(_("Un concurso de planes eco-compatibles puntúa la eco-compatibilidad."))
    if date > call.closes_on:
        raise ValidationError(_("El concurso cerraría el %(d)s, antes de publicarse.") % {"d": _day(call.closes_on)})
    call.status, call.published_on = Call.Status.PUBLISHED, date
    call.save(update_fields=["status", "published_on"])
    return call


# Applications --------------------------------------------------------------------------------------------

def applicant_kind(household, organisation):
    if household is not None:
        return ApplicantKind.FAMILY
    kinds = {"association": ApplicantKind.ASSOCIATION, "community_government": ApplicantKind.COMMUNITY}
    if organisation.kind not in kinds:
        raise ValidationError(_("Postulan familias, asociaciones de productores o comunidades campesinas."))
    return kinds[organisation.kind]


def eligibility(call, *, kind, territory, investment, cofinancing, requested):
    """The reasons a plan is not eligible (none: eligible), as the applicant will read them."""
    reasons = []
    if kind not in call.applicant_kinds:
        reasons.append(_("Este concurso no recibe planes de: %(k)s.") % {"k": ApplicantKind(kind).label})
    if not territory.path.startswith(call.territory.path):
        reasons.append(_("El postulante no está en el ámbito del concurso (%(t)s).") % {"t": call.territory})
    share = (cofinancing * 100 / investment).quantize(Decimal("0.1"))
    if share < call.min_cofinancing:
        reasons.append(_("El cofinanciamiento propio es %(s)s %% de la inversión; el concurso pide al menos "
                         "%(m)s %%.") % {"s": share, "m": call.min_cofinancing})
    if call.max_award is not None and requested > call.max_award:
        reasons.append(_("Se solicitan %(r)s; el máximo por plan es %(m)s.") % {
            "r": soles(requested), "m": soles(call.max_award)})
    return reasons


@transaction.atomic
def submit(*, actor, call, date, title, activity, investment, cofinancing, requested, environmental_measures,
           household=None, organisation=None, expected_income=ZERO, expected_jobs=0, women_share=ZERO, risks=""):
    """Receive a plan until the deadline. Its eligibility is decided now, from the call's rules, and
    kept with the reasons; an ineligible plan is kept too (the applicant reads why)."""
    if (household is None) == (organisation is None):
        raise ValidationError(_("Un plan es de una familia o de una organización."))
    territory = household.community if household is not None else organisation.territory
    require(actor, APPLY_PLANS, territory, _("No puede presentar planes en %(t)s.") % {"t": territory})
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.status != Call.Status.PUBLISHED:
        raise ValidationError(_("El concurso no está abierto."))
    if date < call.opens_on:
        raise ValidationError(_("El concurso abre el %(d)s.") % {"d": _day(call.opens_on)})
    if date > call.closes_on:
        raise ValidationError(_("El concurso cerró el %(d)s: ya no se reciben planes.") % {"d": _day(call.closes_on)})
    investment, cofinancing, requested = money(investment), money(cofinancing), money(requested)
    if investment <= 0 or requested <= 0 or cofinancing < 0:
        raise ValidationError(_("La inversión y el monto solicitado deben ser mayores que cero."))
    if requested + cofinancing != investment:
        raise ValidationError(_("El monto solicitado (%(r)s) y el cofinanciamiento (%(c)s) deben sumar la "
                                "inversión (%(i)s).") % {"r": soles(requested), "c": soles(cofinancing),
                                                        "i": soles(investment)})
    kind = applicant_kind(household, organisation)
    applicant = {"household": household} if household is not None else {"organisation": organisation}
    if Plan.objects.filter(call=call, **applicant).exists():
        raise ValidationError(_("%(a)s ya presentó un plan a este concurso.") % {"a": household or organisation})
    reasons = eligibility(call, kind=kind, territory=territory, investment=investment, cofinancing=cofinancing,
                          requested=requested)
    number = (Plan.objects.filter(call=call).aggregate(n=Max("number"))["n"] or 0) + 1
    plan = Plan(call=call, number=number, applicant_kind=kind, territory=territory, title=title, activity=activity,
                investment=investment, cofinancing=cofinancing, requested=requested,
                expected_income=money(expected_income), expected_jobs=int(expected_jobs),
                women_share=Decimal(women_share), environmental_measures=environmental_measures, risks=risks,
                submitted_on=date, submitted_by=actor, eligible=not reasons, reasons=[str(r) for r in reasons],
                status=Plan.Status.SUBMITTED if not reasons else Plan.Status.INELIGIBLE, **applicant)
    plan.full_clean()
    plan.save()
    return plan


# Evaluation ----------------------------------------------------------------------------------------------

def _evaluable(actor, plan, date):
    require(actor, EVALUATE_PLANS, plan.territory, _("No evalúa planes en %(t)s.") % {"t": plan.territory})
    if not plan.eligible:
        raise ValidationError(_("Un plan no elegible no se evalúa."))
    if plan.call.status != Call.Status.PUBLISHED:
        raise ValidationError(_("El concurso ya fue adjudicado."))
    if date <= plan.call.closes_on:
        raise ValidationError(_("La evaluación empieza cuando cierra el concurso (%(d)s).") % {
            "d": _day(plan.call.closes_on)})


@transaction.atomic
def declare(*, actor, plan, date, no_conflict, note=""):
    """The evaluator's declaration before reading a plan: no conflict of interest, or a conflict (a
    relative, a partner, their own organisation) and the evaluator steps aside."""
    _evaluable(actor, plan, date)
    if plan.submitted_by_id == actor.pk:
        no_conflict, note = False, note or _("Presentó este plan.")
    if not no_conflict and not (note or "").strip():
        raise ValidationError(_("Indique cuál es el conflicto de interés."))
    if Evaluation.objects.filter(plan=plan, evaluator=actor).exists():
        raise ValidationError(_("Ya hizo su declaración para este plan."))
    return Evaluation.objects.create(plan=plan, evaluator=actor, no_conflict=bool(no_conflict), declared_on=date,
                                     conflict_note=(note or "").strip())


def weighted(call, values):
    """An evaluator's total over 100 from their scores: each score over the scale, times its weight."""
    criteria = {c.pk: c for c in call.criteria.all()}
    total = sum((Decimal(value) / call.scale * criteria[pk].weight for pk, value in values.items()), Decimal(0))
    return total.quantize(Decimal("0.01"))


@transaction.atomic
def evaluate(*, actor, plan, date, scores, comment=""):
    """Score every criterion of the grid, within the scale, each with its comment; sent once."""
    _evaluable(actor, plan, date)
    evaluation = Evaluation.objects.select_for_update().filter(plan=plan, evaluator=actor).first()
    if evaluation is None:
        raise ValidationError(_("Antes de evaluar, declare si tiene un conflicto de interés."))
    if not evaluation.no_conflict:
        raise ValidationError(_("Declaró un conflicto de interés: no evalúa este plan."))
    if evaluation.submitted_on is not None:
        raise ValidationError(_("Esta evaluación ya fue enviada."))
    call = plan.call
    criteria = list(call.criteria.all())
    missing = [c.label for c in criteria if c.pk not in scores]
    if missing:
        raise ValidationError(_("Falta el puntaje de: %(c)s.") % {"c": ", ".join(missing)})
    values = {}
    for criterion in criteria:
        value, note = scores[criterion.pk]
        try:
            value = Decimal(str(value))
        except ArithmeticError:
            raise ValidationError(_("El puntaje de «%(c)s» debe ser un número.") % {"c": criterion.label})
        if not 0 <= value <= call.scale:
            raise ValidationError(_("El puntaje de «%(c)s» debe estar entre 0 y %(s)s.") % {
                "c": criterion.label, "s": call.scale})
        values[criterion.pk] = value
        Score.objects.create(evaluation=evaluation, criterion=criterion, value=value, comment=(note or "").strip())
    evaluation.total, evaluation.submitted_on, evaluation.comment = weighted(call, values), date, comment
    evaluation.save(update_fields=["total", "submitted_on", "comment"])
    return evaluation


# Results and award ---------------------------------------------------------------------------------------

@dataclass
class Row:
    plan: Plan
    totals: list
    eco: Decimal
    score: Decimal = None
    spread: Decimal = None
    flagged: bool = False
    complete: bool = False
    rank: int = None
    tie: str = ""
    award: Decimal = ZERO
    why_not: str = ""


@dataclass
class Results:
    call: Call
    rows: list = field(default_factory=list)

    @property
    def awarded(self):
        return sum((r.award for r in self.rows), ZERO)

    @property
    def remaining(self):
        return self.call.budget - self.awarded


def results(call):
    """The eligible plans ranked: each evaluator's total, the mean (the plan's score), the spread
    between evaluators (flagged above the call's alert), ties broken by eco-compatibility, then by
    the earlier submission."""
    eco_weights = {c.pk: c.weight for c in call.criteria.all() if c.group in Criterion.ECO}
    rows = []
    plans = Plan.objects.filter(call=call, eligible=True).select_related("household", "organisation", "territory")
    evaluations = {}
    for evaluation in Evaluation.objects.filter(plan__call=call, no_conflict=True, submitted_on__isnull=False) \
            .prefetch_related("scores"):
        evaluations.setdefault(evaluation.plan_id, []).append(evaluation)
    for plan in plans:
        done = evaluations.get(plan.pk, [])
        totals = [e.total for e in done]
        eco = [sum((s.value / call.scale * eco_weights[s.criterion_id] for s in e.scores.all()
                    if s.criterion_id in eco_weights), Decimal(0)) for e in done]
        row = Row(plan=plan, totals=totals, eco=(sum(eco, Decimal(0)) / len(eco)).quantize(Decimal("0.01"))
                  if eco else ZERO, complete=len(done) >= call.evaluators_required)
        if totals:
            row.score = (sum(totals, Decimal(0)) / len(totals)).quantize(Decimal("0.01"))
            row.spread = max(totals) - min(totals)
            row.flagged = row.spread > call.spread_alert
        rows.append(row)
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), -r.eco, r.plan.submitted_on, r.plan.number))
    for position, row in enumerate(rows, 1):
        row.rank = position if row.score is not None else None
    for before, after in zip(rows, rows[1:]):
        if before.score is not None and before.score == after.score:
            why = (_("empate resuelto por la eco-compatibilidad") if before.eco != after.eco
                   else _("empate resuelto por la fecha de presentación"))
            before.tie = after.tie = why
    return Results(call=call, rows=rows)


@transaction.atomic
def award(*, actor, call, date, amounts=None):
    """Award the call: down the ranking, each plan at or above the minimum score gets what it asked
    while the budget lasts (a plan that does not fit is passed over for the next that does). The
    committee may award less than asked (`amounts`, by plan); never more than asked, never more than
    the budget."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    require(actor, RUN_CALLS, call.territory, _("No organiza este concurso."))
    if call.status != Call.Status.PUBLISHED:
        raise ValidationError(_("Solo se adjudica un concurso publicado, una vez."))
    if date <= call.closes_on:
        raise ValidationError(_("Se adjudica después del cierre (%(d)s).") % {"d": _day(call.closes_on)})
    ranking = results(call)
    pending = [str(r.plan.number) for r in ranking.rows if not r.complete]
    if pending:
        raise ValidationError(_("Faltan evaluaciones de los planes %(p)s (%(n)s por plan).") % {
            "p": ", ".join(pending), "n": call.evaluators_required})
    amounts = {int(k): money(v) for k, v in (amounts or {}).items()}
    for row in ranking.rows:
        if row.plan.pk in amounts and not 0 < amounts[row.plan.pk] <= row.plan.requested:
            raise ValidationError(_("El plan %(n)s solicita %(r)s: se le adjudica más de cero y hasta eso.") % {
                "n": row.plan.number, "r": soles(row.plan.requested)})
    if sum(amounts.values(), ZERO) > call.budget:
        raise ValidationError(_("Los montos adjudicados (%(a)s) superan el presupuesto (%(b)s).") % {
            "a": soles(sum(amounts.values(), ZERO)), "b": soles(call.budget)})
    remaining = call.budget
    for row in ranking.rows:
        wanted = amounts.get(row.plan.pk, row.plan.requested)
        if row.score < call.min_score:
            row.why_not = _("puntaje menor que %(m)s") % {"m": call.min_score}
        elif wanted > remaining:
            row.why_not = _("no alcanza el presupuesto (quedan %(r)s)") % {"r": soles(remaining)}
        else:
            row.award, remaining = wanted, remaining - wanted
        plan = row.plan
        plan.score, plan.rank = row.score, row.rank
        plan.awarded = row.award or None
        plan.status = Plan.Status.AWARDED if row.award else Plan.Status.NOT_AWARDED
        plan.save(update_fields=["score", "rank", "awarded", "status"])
    call.status, call.awarded_on, call.awarded_by = Call.Status.AWARDED, date, actor
    call.save(update_fields=["status", "awarded_on", "awarded_by"])
    return ranking


def awarded_total(call):
    return Plan.objects.filter(call=call).aggregate(s=Sum("awarded"))["s"] or ZERO


# Follow-up of awarded plans ------------------------------------------------------------------------------

def _awarded(plan):
    if plan.status != Plan.Status.AWARDED:
        raise ValidationError(_("Solo un plan ganador tiene tramos y seguimiento."))


@transaction.atomic
def plan_tranches(*, actor, plan, tranches):
    """Split the award into tranches, each tied to a milestone: [(amount, milestone, due_on)], adding
    up to what was awarded. The first is paid on signing; the others when a visit verifies theirs."""
    require(actor, RUN_CALLS, plan.call.territory, _("No organiza este concurso."))
    _awarded(plan)
    if plan.tranches.exists():
        raise ValidationError(_("Los tramos de este plan ya están definidos."))
    rows = [(money(amount), (milestone or "").strip(), due_on) for amount, milestone, due_on in tranches]
    if not rows or any(amount <= 0 or not milestone for amount, milestone, _due in rows):
        raise ValidationError(_("Cada tramo tiene un monto mayor que cero y su hito."))
    total = sum((amount for amount, _m, _d in rows), ZERO)
    if total != plan.awarded:
        raise ValidationError(_("Los tramos suman %(t)s; lo adjudicado es %(a)s.") % {
            "t": soles(total), "a": soles(plan.awarded)})
    return [Tranche.objects.create(plan=plan, number=number, amount=amount, milestone=milestone, due_on=due_on)
            for number, (amount, milestone, due_on) in enumerate(rows, 1)]


@transaction.atomic
def record_visit(*, actor, plan, date, progress, milestone_met=False, income=None, jobs=None,
                 measures_in_place=None, notes=""):
    """A monitoring visit: the progress seen, whether the next tranche's milestone is met, the results."""
    require(actor, APPLY_PLANS, plan.territory, _("No hace seguimiento de planes en %(t)s.") % {"t": plan.territory})
    _awarded(plan)
    if date < plan.call.awarded_on:
        raise ValidationError(_("Una visita de seguimiento es posterior a la adjudicación (%(d)s).") % {
            "d": _day(plan.call.awarded_on)})
    if progress not in Visit.Progress.values:
        raise ValidationError(_("Avance desconocido."))
    visit = Visit(plan=plan, date=date, visitor=actor, progress=progress, milestone_met=bool(milestone_met),
                  income=money(income) if income not in (None, "") else None, jobs=jobs,
                  measures_in_place=measures_in_place, notes=notes)
    visit.full_clean()
    visit.save()
    return visit


@transaction.atomic
def release(*, actor, tranche, date):
    """Pay a tranche: in order; the first on signing, the others once a visit after the previous
    payment verified their milestone; never to an abandoned plan."""
    tranche = Tranche.objects.select_for_update().select_related("plan__call").get(pk=tranche.pk)
    plan = tranche.plan
    require(actor, RUN_CALLS, plan.call.territory, _("No organiza este concurso."))
    if tranche.status == Tranche.Status.RELEASED:
        raise ValidationError(_("Este tramo ya fue desembolsado."))
    previous = plan.tranches.filter(number__lt=tranche.number).order_by("-number").first()
    if previous is not None and previous.status != Tranche.Status.RELEASED:
        raise ValidationError(_("Primero se desembolsa el tramo %(n)s.") % {"n": previous.number})
    latest = plan.visits.order_by("-date", "-pk").first()
    if latest is not None and latest.progress == Visit.Progress.ABANDONED:
        raise ValidationError(_("La última visita encontró el plan abandonado: no se desembolsa."))
    verified = None
    if previous is not None:
        used = plan.tranches.exclude(verified_by=None).values("verified_by")
        verified = plan.visits.filter(milestone_met=True, date__gte=previous.released_on, date__lte=date).exclude(
            pk__in=used).order_by("-date", "-pk").first()
        if verified is None:
            raise ValidationError(_("Ninguna visita verificó el hito «%(m)s» después del tramo anterior.") % {
                "m": tranche.milestone})
    elif date < plan.call.awarded_on:
        raise ValidationError(_("Un tramo se desembolsa después de la adjudicación."))
    tranche.status, tranche.released_on, tranche.released_by, tranche.verified_by = (
        Tranche.Status.RELEASED, date, actor, verified)
    tranche.save(update_fields=["status", "released_on", "released_by", "verified_by"])
    return tranche


ATTACHMENT_EXTENSIONS = {"pdf", "jpg", "jpeg", "png", "webp", "xlsx", "xls", "ods", "docx", "doc", "odt"}
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def attach(*, actor, plan, label, file, date):
    """A document of the plan (budget, quotes, a permit, a photo of the site), added by those who file
    plans in its place until the call closes: what is evaluated is what was there at the deadline."""
    require(actor, APPLY_PLANS, plan.territory, _("No puede adjuntar documentos a planes de %(t)s.") % {
        "t": plan.territory})
    if date > plan.call.closes_on:
        raise ValidationError(_("El concurso cerró el %(d)s: ya no se adjuntan documentos.") % {
            "d": _day(plan.call.closes_on)})
    extension = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""
    if extension not in ATTACHMENT_EXTENSIONS:
        raise ValidationError(_("Se adjuntan documentos PDF, fotos u hojas de cálculo y textos (%(e)s).") % {
            "e": ", ".join(sorted(ATTACHMENT_EXTENSIONS))})
    if file.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(_("El documento pasa de 10 MB."))
    if not label.strip():
        raise ValidationError(_("Diga qué documento es."))
    return Attachment.objects.create(plan=plan, label=label.strip(), file=file)
