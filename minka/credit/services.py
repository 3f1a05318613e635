"""Every write of the fund, from the capital it receives to a loan's last instalment. Each one posts
its journal entry in the fund's book in the same transaction, so the books and the loans cannot
disagree; a mistake is undone by a reversal, never by an edit."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.accounts.permissions import APPLY_CREDIT, RUN_FUND, require
from minka.books import selectors as books
from minka.books import services as ledger
from minka.books.services import Posting, money, soles
from minka.observatory import changes

from . import schedule as schedules
from .allocation import Owed, allocate
from .models import (Allocation, Application, ArrearsBand, Decision, Fund, Grant, Instalment, Loan, LoanProduct,
                     Repayment, Schedule)

CASH, GUARANTEE_CASH, LOANS, CLAIMS = "1041", "1071", "1612", "1681"
LOAN_GRANTS, GUARANTEE_GRANTS = "5221", "5222"
INTEREST, FEES, WRITE_OFFS = "7721", "7599", "6841"
REFUNDS_PAYABLE = "4419"  # in the enterprise's book
ZERO = Decimal("0.00")
QUORUM = 3  # committee members present for a decision

# A family's capacity to pay: yearly payments as a share of its yearly net income (field records).
CAPACITY_COMFORTABLE, CAPACITY_TIGHT = Decimal("30"), Decimal("50")


def check_fund(actor, fund):
    require(actor, RUN_FUND, fund.territory, _("No administra el %(f)s.") % {"f": fund})


def rate(percent):
    return Decimal(percent) / 100


# The fund's capital ---------------------------------------------------------------------------------

@transaction.atomic
def receive_grant(*, actor, fund, date, donor, amount, loan_pool, currency="PEN", exchange_rate=None):
    """Capital from a donor. An amount in EUR is turned into soles at the day's rate, which is kept with
    the entry; `loan_pool` (in soles) goes to the loan pool, the rest to the guarantee pool."""
    check_fund(actor, fund)
    amount = money(amount)
    if amount <= 0:
        raise ValidationError(_("El aporte debe ser mayor que cero."))
    if currency == "PEN":
        exchange_rate = Decimal("1")
    elif currency == "EUR":
        if exchange_rate in (None, ""):
            raise ValidationError(_("Un aporte en euros necesita el tipo de cambio del día."))
        exchange_rate = Decimal(str(exchange_rate))
        if exchange_rate <= 0:
            raise ValidationError(_("El tipo de cambio debe ser mayor que cero."))
    else:
        raise ValidationError(_("Moneda desconocida: %(c)s.") % {"c": currency})
    in_soles = money(amount * exchange_rate)
    loan_pool = money(loan_pool)
    guarantee_pool = in_soles - loan_pool
    if loan_pool < 0 or guarantee_pool < 0:
        raise ValidationError(_("El reparto entre los fondos debe sumar %(t)s.") % {"t": soles(in_soles)})
    lines = [Posting(account, **{side: value}) for account, side, value in (
        (CASH, "debit", loan_pool), (GUARANTEE_CASH, "debit", guarantee_pool),
        (LOAN_GRANTS, "credit", loan_pool), (GUARANTEE_GRANTS, "credit", guarantee_pool)) if value > 0]
    entry = ledger.post_entry(actor=actor, book=fund.book, date=date, source="credit.grant",
                              memo=_("Aporte de %(d)s") % {"d": donor}, lines=lines,
                              foreign=(currency, amount, exchange_rate) if currency != "PEN" else None)
    grant = Grant(fund=fund, date=date, donor=donor, currency=currency, amount=amount, rate=exchange_rate,
                  amount_pen=in_soles, loan_pool=loan_pool, guarantee_pool=guarantee_pool, entry=entry)
    grant.full_clean()
    grant.save()
    return grant


# Applications and the committee ------------------------------------------------------------------------

def terms_for(product, *, amount, term_months, start):
    """The schedule terms of a loan of this product, disbursed on `start`."""
    dates = schedules.due_dates(start=start, term_months=term_months, frequency=product.frequency,
                                months=tuple(product.due_months))
    upfront = money(amount * rate(product.upfront_fee_percent))
    return schedules.Terms(amount=money(amount), tea=rate(product.tea), start=start, dates=tuple(dates),
                           method=product.method, grace=product.grace_periods, grace_kind=product.grace_kind,
                           moratorium=frozenset(product.moratorium_months), instalment_fee=product.instalment_fee,
                           upfront_fee=upfront)


def preview(product, *, amount, term_months, start):
    """The schedule the borrower would sign, with its TCEA: what is shown before signing."""
    return schedules.build(terms_for(product, amount=amount, term_months=term_months, start=start))


def capacity(*, household, schedule, date):
    """The family's capacity to pay, from its latest income survey (field records): the payments of
    the loan's first twelve months as a share of the yearly net income."""
    from minka.chains.models import IncomeSurvey

    survey = (IncomeSurvey.objects.filter(household=household, date__lte=date).prefetch_related("lines")
              .order_by("-season").first()) if household is not None else None
    year_end = schedules.add_months(schedule.terms.start, 12)
    payments = sum((row.total for row in schedule.rows if row.due_date <= year_end), ZERO)
    result = {"payments_year": str(payments), "income_year": None, "season": None, "ratio": None,
              "verdict": "unknown"}
    if survey is None:
        return result
    net = sum((line.income - line.costs for line in survey.lines.all()), ZERO)
    result.update(income_year=str(net), season=survey.season)
    if net <= 0:
        result["verdict"] = "insufficient"
        return result
    ratio = (payments * 100 / net).quantize(Decimal("0.1"))
    result["ratio"] = str(ratio)
    result["verdict"] = ("comfortable" if ratio <= CAPACITY_COMFORTABLE else
                         "tight" if ratio <= CAPACITY_TIGHT else "insufficient")
    return result


CHECKLIST = {
    "identity": gettext_lazy("Documento de identidad de quien firma"),
    "plan": gettext_lazy("Plan de inversión con cotizaciones"),
    "visit": gettext_lazy("Visita técnica al predio"),
    "assembly": gettext_lazy("Aval de la comunidad o la asociación"),
}


def _check_amount_and_term(product, amount, term_months):
    if amount < product.min_amount or amount > product.max_amount:
        raise ValidationError(_("El monto debe estar entre %(a)s y %(b)s para %(p)s.") % {
            "a": soles(product.min_amount), "b": soles(product.max_amount), "p": product})
    if not product.min_term <= term_months <= product.max_term:
        raise ValidationError(_("El plazo debe estar entre %(a)s y %(b)s meses para %(p)s.") % {
            "a": product.min_term, "b": product.max_term, "p": product})


@transaction.atomic
def apply(*, actor, fund, product, innovation, plan, investment, amount, term_months, date, household=None,
          organisation=None, own_contribution=ZERO, checklist=None, chain=None):
    """File an application for a family or an organisation in the actor's scope: within the product's
    amounts and terms, for an investment the loan does not exceed, one open application at a time. The
    capacity check is made from the family's recorded income and kept with the application."""
    if (household is None) == (organisation is None):
        raise ValidationError(_("Una solicitud es de una familia o de una organización."))
    territory = household.community if household is not None else organisation.territory
    require(actor, APPLY_CREDIT, territory, _("No puede presentar solicitudes en %(t)s.") % {"t": territory})
    if product.fund_id != fund.pk or not product.active:
        raise ValidationError(_("Este producto no está vigente en el fondo."))
    amount, investment, own_contribution = money(amount), money(investment), money(own_contribution)
    term_months = int(term_months)
    if amount <= 0 or term_months <= 0:
        raise ValidationError(_("El monto y el plazo deben ser mayores que cero."))
    _check_amount_and_term(product, amount, term_months)
    if amount + own_contribution < investment:
        raise ValidationError(_("El préstamo y el aporte propio (%(s)s) no cubren la inversión de %(i)s.") % {
            "s": soles(amount + own_contribution), "i": soles(investment)})
    if amount > investment:
        raise ValidationError(_("El préstamo no puede superar el costo de la inversión."))
    borrower = {"household": household} if household is not None else {"organisation": organisation}
    if Application.objects.filter(fund=fund, status__in=[Application.Status.SUBMITTED, Application.Status.APPROVED],
                                  **borrower).exists():
        raise ValidationError(_("%(b)s ya tiene una solicitud en curso.") % {"b": household or organisation})
    draft = preview(product, amount=amount, term_months=term_months, start=date)
    Fund.objects.select_for_update().get(pk=fund.pk)  # numbers are given one at a time
    number = (Application.objects.filter(fund=fund).aggregate(n=Max("number"))["n"] or 0) + 1
    application = Application(
        fund=fund, number=number, product=product, innovation=innovation, chain=chain or innovation.chain, plan=plan,
        investment=investment,
        own_contribution=own_contribution, amount=amount, term_months=term_months, submitted_on=date,
        submitted_by=actor, territory=territory, capacity=capacity(household=household, schedule=draft, date=date),
        checklist={key: bool((checklist or {}).get(key)) for key in CHECKLIST}, **borrower)
    application.full_clean()
    application.save()
    return application


@transaction.atomic
def decide(*, actor, application, date, outcome, members, minutes, amount=None, term_months=None, conditions=""):
    """The committee's decision, taken with a quorum present and its minutes: approve what was asked,
    approve less (a smaller amount or a shorter term), or reject. Decided once."""
    check_fund(actor, application.fund)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Application.Status.SUBMITTED:
        raise ValidationError(_("Esta solicitud ya fue decidida."))
    present = [line.strip() for line in (members or "").splitlines() if line.strip()]
    if len(present) < QUORUM:
        raise ValidationError(_("El comité decide con al menos %(q)s miembros presentes.") % {"q": QUORUM})
    if not (minutes or "").strip():
        raise ValidationError(_("La decisión necesita su acta."))
    if date < application.submitted_on:
        raise ValidationError(_("La decisión no puede ser anterior a la solicitud."))
    if outcome == Decision.Outcome.APPROVE:
        amount, term_months = application.amount, application.term_months
    elif outcome == Decision.Outcome.REDUCE:
        amount = money(amount if amount not in (None, "") else application.amount)
        term_months = int(term_months or application.term_months)
        if amount <= 0 or amount > application.amount or term_months > application.term_months:
            raise ValidationError(_("Una reducción aprueba un monto o un plazo menor que lo solicitado."))
        if amount == application.amount and term_months == application.term_months:
            raise ValidationError(_("Una reducción aprueba un monto o un plazo menor que lo solicitado."))
        _check_amount_and_term(application.product, amount, term_months)
    elif outcome == Decision.Outcome.REJECT:
        amount, term_months = None, None
    else:
        raise ValidationError(_("Decisión desconocida."))
    decision = Decision(application=application, date=date, outcome=outcome, amount=amount, term_months=term_months,
                        members="\n".join(present), minutes=minutes.strip(), conditions=conditions.strip(),
                        recorded_by=actor)
    decision.full_clean()
    decision.save()
    application.status = (Application.Status.REJECTED if outcome == Decision.Outcome.REJECT
                          else Application.Status.APPROVED)
    application.save(update_fields=["status"])
    return decision


# Loans ---------------------------------------------------------------------------------------------------

@transaction.atomic
def disburse(*, actor, application, date, amount=None):
    """Pay out an approved loan, at most the amount approved, from the loan pool's cash: the schedule
    is built and kept, the TCEA with it, and the entry posted (the disbursement fee stays in the fund)."""
    check_fund(actor, application.fund)
    application = Application.objects.select_for_update(of=("self",)).select_related("decision", "product", "innovation").get(
        pk=application.pk)
    if application.status != Application.Status.APPROVED:
        raise ValidationError(_("Solo se desembolsa una solicitud aprobada."))
    decision = application.decision
    approved = decision.amount
    amount = approved if amount in (None, "") else money(amount)
    if amount <= 0:
        raise ValidationError(_("El desembolso debe ser mayor que cero."))
    if amount > approved:
        raise ValidationError(_("El desembolso (%(a)s) supera el monto aprobado (%(b)s).") % {
            "a": soles(amount), "b": soles(approved)})
    if date < decision.date:
        raise ValidationError(_("El desembolso no puede ser anterior a la decisión del comité."))
    fund, product = application.fund, application.product
    built = preview(product, amount=amount, term_months=decision.term_months, start=date)
    cash = books.balance(fund.book, CASH, end=date)
    paid_out = amount - built.terms.upfront_fee
    if paid_out > cash:
        raise ValidationError(_("El fondo de préstamos tiene %(c)s en caja: no alcanza para desembolsar %(a)s.") % {
            "c": soles(cash), "a": soles(paid_out)})
    borrower = {"household": application.household, "organisation": application.organisation}
    Fund.objects.select_for_update().get(pk=fund.pk)
    number = f"{date.year}-{Loan.objects.filter(fund=fund, disbursed_on__year=date.year).count() + 1:04d}"
    lines = [Posting(LOANS, debit=amount, **borrower), Posting(CASH, credit=paid_out)]
    if built.terms.upfront_fee > 0:
        lines.append(Posting(FEES, credit=built.terms.upfront_fee, **borrower))
    entry = ledger.post_entry(actor=actor, book=fund.book, date=date, source="credit.disbursement", lines=lines,
                              memo=_("Desembolso del préstamo %(n)s a %(b)s") % {"n": number,
                                                                                 "b": application.borrower})
    loan = Loan(fund=fund, application=application, number=number, product=product, chain=application.chain,
                amount=amount, outstanding=amount, upfront_fee=built.terms.upfront_fee, tea=product.tea,
                penalty_tea=product.penalty_tea, tcea=schedules.percent(built.tcea, 4), method=product.method,
                disbursed_on=date, entry=entry, territory=application.territory, **borrower)
    loan.full_clean()
    loan.save()
    entry.source = f"credit.loan:{loan.pk}"
    entry.save(update_fields=["source"])
    _new_version(loan, built, carry=[], reason=Schedule.Reason.ORIGINAL, date=date, actor=actor, note="")
    application.status = Application.Status.DISBURSED
    application.save(update_fields=["status"])
    return loan


def _instalments(loan):
    return list(Instalment.objects.filter(loan=loan, schedule__active=True).order_by("due_date", "number"))


def penalty_on(instalment, date, penalty_tea):
    """Penalty interest not yet charged on an instalment's overdue principal, up to `date`."""
    since = max(instalment.due_date, instalment.penalty_since or instalment.due_date)
    overdue = instalment.principal - instalment.paid_principal
    if penalty_tea <= 0 or overdue <= 0 or date <= since:
        return ZERO
    return money(overdue * schedules.rate_for_days(rate(penalty_tea), (date - since).days))


def owed_on(loan, date, instalments=None):
    """What the borrower owes on `date`: each instalment due by then (with the penalty interest they
    have run up), then the next one in full. `instalments`: the schedule in force, if already read."""
    owed, upcoming = [], None
    for instalment in _instalments(loan) if instalments is None else instalments:
        if instalment.settled_on is not None:
            continue
        if instalment.due_date <= date:
            penalty = instalment.penalty - instalment.paid_penalty + penalty_on(instalment, date, loan.penalty_tea)
        elif upcoming is None:
            upcoming, penalty = instalment, ZERO
        else:
            break
        owed.append((instalment, Owed(
            key=instalment.pk, fee=instalment.fee - instalment.paid_fee, penalty=penalty,
            interest=instalment.interest - instalment.paid_interest,
            principal=instalment.principal - instalment.paid_principal)))
    return owed


def payoff(loan, date, instalments=None):
    """What pays the loan off on `date`: what is due, the next instalment, and the rest of the principal."""
    owed = owed_on(loan, date, instalments)
    later = loan.outstanding - sum((o.principal for _i, o in owed), ZERO)
    return sum((o.total for _i, o in owed), ZERO) + later


def _check_repayment(loan, date, amount):
    if loan.status != Loan.Status.ACTIVE:
        raise ValidationError(_("El préstamo %(n)s está %(s)s: no recibe pagos.") % {
            "n": loan.number, "s": loan.get_status_display().lower()})
    if date < loan.disbursed_on:
        raise ValidationError(_("Un pago no puede ser anterior al desembolso (%(d)s).") % {
            "d": date_format(loan.disbursed_on, "SHORT_DATE_FORMAT")})
    if amount <= 0:
        raise ValidationError(_("El pago debe ser mayor que cero."))


@transaction.atomic
def repay(*, actor, loan, date, amount, method=Repayment.Method.CASH, enterprise=None):
    """Receive a payment: allocated instalment by instalment, oldest first, fees → penalty interest →
    interest → principal. What is left after the next instalment prepays principal, and the remaining
    instalments are recomputed on the lower balance (same dates, smaller instalments). Never more than
    pays the loan off. Paid with a member's surplus refund, the enterprise's book records it too."""
    loan = Loan.objects.select_for_update(of=("self",)).select_related("fund__book").get(pk=loan.pk)
    fund = loan.fund
    check_fund(actor, fund)
    amount = money(amount)
    _check_repayment(loan, date, amount)
    owed = owed_on(loan, date)
    shares, left = allocate(amount, [o for _i, o in owed])
    instalments = {i.pk: (i, o) for i, o in owed}
    covered = sum((o.principal for _i, o in owed), ZERO)
    if left > loan.outstanding - covered:
        raise ValidationError(_("El pago supera lo que se debe: %(p)s cancelan el préstamo.") % {
            "p": soles(payoff(loan, date))})
    if method == Repayment.Method.REFUND:
        offset_entry = _refund_offset(actor, fund, loan, date, amount, enterprise)
    elif method in (Repayment.Method.CASH, Repayment.Method.TRANSFER):
        offset_entry, enterprise = None, None
    else:
        raise ValidationError(_("Forma de pago desconocida."))

    totals = {part: sum((getattr(s, part) for s in shares), ZERO) for part in ("fee", "penalty", "interest",
                                                                               "principal")}
    totals["principal"] += left
    borrower = {"household": loan.household, "organisation": loan.organisation}
    number = (Repayment.objects.filter(loan=loan).aggregate(n=Max("number"))["n"] or 0) + 1
    lines = [Posting(CASH, debit=amount)] + [
        Posting(account, credit=value, **borrower) for account, value in (
            (FEES, totals["fee"]), (INTEREST, totals["penalty"] + totals["interest"]), (LOANS, totals["principal"]))
        if value > 0]
    entry = ledger.post_entry(actor=actor, book=fund.book, date=date, source=f"credit.loan:{loan.pk}", lines=lines,
                              memo=_("Pago %(r)s del préstamo %(n)s de %(b)s") % {
                                  "r": number, "n": loan.number, "b": loan.borrower})
    repayment = Repayment.objects.create(
        loan=loan, number=number, date=date, amount=amount, method=method, enterprise=enterprise, entry=entry,
        offset_entry=offset_entry, recorded_by=actor, **totals)
    for share in shares:
        instalment, due = instalments[share.key]
        charged = due.penalty - (instalment.penalty - instalment.paid_penalty)  # run up since it was last charged
        Allocation.objects.create(repayment=repayment, instalment=instalment, fee=share.fee, penalty=share.penalty,
                                  interest=share.interest, principal=share.principal, penalty_charged=charged,
                                  penalty_since=instalment.penalty_since)
        if instalment.due_date <= date:
            instalment.penalty, instalment.penalty_since = instalment.penalty + charged, date
        instalment.paid_fee += share.fee
        instalment.paid_penalty += share.penalty
        instalment.paid_interest += share.interest
        instalment.paid_principal += share.principal
        if instalment.owed == 0 and instalment.paid_penalty == instalment.penalty:
            instalment.settled_on = date
        instalment.save()
    loan.outstanding -= totals["principal"]
    if loan.outstanding == 0:
        loan.status, loan.closed_on = Loan.Status.CLOSED, date
        Instalment.objects.filter(loan=loan, schedule__active=True, settled_on__isnull=True).update(settled_on=date)
    elif left > 0:
        repayment.schedule = _prepaid(loan, date, actor, _("Pago anticipado de %(a)s") % {"a": soles(left)})
        repayment.save(update_fields=["schedule"])
    loan.save(update_fields=["outstanding", "status", "closed_on"])
    return repayment


def _new_version(loan, built, *, carry, reason, date, actor, note):
    """A new active version of the schedule: `carry` (instalments kept as they are, paid parts
    included) and then the rows of `built`."""
    Schedule.objects.filter(loan=loan, active=True).update(active=False)
    version = (Schedule.objects.filter(loan=loan).aggregate(v=Max("version"))["v"] or 0) + 1
    schedule = Schedule.objects.create(loan=loan, version=version, reason=reason, note=note, made_on=date,
                                       made_by=actor)
    Instalment.objects.bulk_create([
        Instalment(schedule=schedule, loan=loan, number=i.number, due_date=i.due_date, principal=i.principal,
                   interest=i.interest, fee=i.fee, paid_principal=i.paid_principal, paid_interest=i.paid_interest,
                   paid_fee=i.paid_fee, penalty=i.penalty, penalty_since=i.penalty_since,
                   paid_penalty=i.paid_penalty, settled_on=i.settled_on) for i in carry] + [
        Instalment(schedule=schedule, loan=loan, number=len(carry) + k + 1, due_date=row.due_date,
                   principal=row.principal, interest=row.interest, fee=row.fee) for k, row in enumerate(built.rows)])
    return schedule


def _prepaid(loan, date, actor, note):
    """After a prepayment: the instalments already due or paid stay as they are; the later ones are
    recomputed on the lower balance, on the same dates, at the loan's rate and by its method."""
    current = _instalments(loan)
    kept = [i for i in current if i.due_date <= date or i.paid > 0]
    later = [i for i in current if i not in kept]
    terms = schedules.Terms(amount=loan.outstanding, tea=rate(loan.tea), start=max(i.due_date for i in kept),
                            dates=tuple(i.due_date for i in later), method=loan.method,
                            moratorium=frozenset(loan.product.moratorium_months),
                            instalment_fee=loan.product.instalment_fee)
    return _new_version(loan, schedules.build(terms), carry=kept, reason=Schedule.Reason.PREPAYMENT, date=date,
                        actor=actor, note=note)


def _refund_offset(actor, fund, loan, date, amount, enterprise):
    """The enterprise pays part of a member's surplus refund into their loan: its own book records it."""
    if loan.household is None:
        raise ValidationError(_("Solo una familia socia paga con sus excedentes."))
    if enterprise is None or not fund.offset_enterprises.filter(pk=enterprise.pk).exists():
        raise ValidationError(_("Esta empresa no tiene convenio con el fondo para pagar con excedentes."))
    owed = books.balance(enterprise.book, REFUNDS_PAYABLE, household=loan.household)
    if amount > owed:
        raise ValidationError(_("La empresa le debe %(o)s de excedentes a %(h)s: no alcanza.") % {
            "o": soles(owed), "h": loan.household})
    return ledger.post_entry(actor=actor, book=enterprise.book, date=date, source=f"credit.loan:{loan.pk}",
                             agreed=True, memo=_("Excedentes de %(h)s aplicados a su préstamo %(n)s") % {
                                 "h": loan.household, "n": loan.number},
                             lines=[Posting(REFUNDS_PAYABLE, debit=amount, household=loan.household),
                                    Posting(CASH, credit=amount)])


@transaction.atomic
def reverse_repayment(*, actor, repayment, date, reason):
    """Undo a repayment recorded by mistake: the latest one of its loan, with a reason. Its entries are
    reversed, the instalments get back what it paid (and the penalty it charged), a prepayment's
    schedule gives way to the one before, and a loan it closed is open again."""
    loan = Loan.objects.select_for_update(of=("self",)).select_related("fund__book").get(pk=repayment.loan_id)
    check_fund(actor, loan.fund)
    repayment = Repayment.objects.select_for_update().get(pk=repayment.pk)
    if not (reason or "").strip():
        raise ValidationError(_("Indique el motivo de la reversión."))
    if repayment.reverses_id or Repayment.objects.filter(reverses=repayment).exists():
        raise ValidationError(_("Este pago ya fue revertido o es una reversión."))
    latest = Repayment.objects.filter(loan=loan, reverses__isnull=True, reversed_by__isnull=True).order_by(
        "-number").first()
    if latest != repayment:
        raise ValidationError(_("Revierta primero los pagos posteriores de este préstamo."))
    if repayment.schedule_id:
        previous = Schedule.objects.filter(loan=loan, version__lt=repayment.schedule.version).order_by("-version")[0]
        Schedule.objects.filter(pk=repayment.schedule_id).update(active=False)
        Schedule.objects.filter(pk=previous.pk).update(active=True)
    for allocation in repayment.allocations.select_related("instalment"):
        instalment = allocation.instalment
        instalment.paid_fee -= allocation.fee
        instalment.paid_penalty -= allocation.penalty
        instalment.paid_interest -= allocation.interest
        instalment.paid_principal -= allocation.principal
        instalment.penalty -= allocation.penalty_charged
        instalment.penalty_since = allocation.penalty_since
        instalment.settled_on = None
        instalment.save()
    if loan.status == Loan.Status.CLOSED:  # the instalments the payoff closed are owed again
        for instalment in Instalment.objects.filter(loan=loan, schedule__active=True, settled_on__isnull=False):
            if instalment.owed > 0 or instalment.paid_penalty < instalment.penalty:
                instalment.settled_on = None
                instalment.save(update_fields=["settled_on"])
        loan.status, loan.closed_on = Loan.Status.ACTIVE, None
    loan.outstanding += repayment.principal
    loan.save(update_fields=["outstanding", "status", "closed_on"])
    memo = _("Reversión del pago %(r)s: %(m)s") % {"r": repayment.number, "m": reason.strip()}
    entry = ledger.reverse_entry(actor=actor, entry=repayment.entry, date=date, memo=memo)
    offset = None
    if repayment.offset_entry_id:  # posted in the enterprise's book under the fund's agreement
        offset = ledger.reverse_entry(actor=actor, entry=repayment.offset_entry, date=date, memo=memo, agreed=True)
    number = (Repayment.objects.filter(loan=loan).aggregate(n=Max("number"))["n"] or 0) + 1
    return Repayment.objects.create(
        loan=loan, number=number, date=date, amount=-repayment.amount, method=repayment.method,
        enterprise=repayment.enterprise, fee=-repayment.fee, penalty=-repayment.penalty,
        interest=-repayment.interest, principal=-repayment.principal, entry=entry, offset_entry=offset,
        reverses=repayment, reason=reason.strip(), recorded_by=actor)


# Arrears: write-off and rescheduling ------------------------------------------------------------------------

def days_past_due(loan, date):
    """Days since the oldest instalment due before `date` and still unpaid (0 when up to date)."""
    oldest = Instalment.objects.filter(loan=loan, schedule__active=True, due_date__lt=date,
                                       settled_on__isnull=True).order_by("due_date").values_list("due_date",
                                                                                                 flat=True).first()
    return (date - oldest).days if oldest else 0


@transaction.atomic
def write_off(*, actor, loan, date, reason):
    """Take a loan that will not be repaid off the books, with the reason: only once it has reached
    the last risk category (loss, by default more than 120 days past due). What is still owed is
    recorded as a loss; the loan's history stays."""
    loan = Loan.objects.select_for_update(of=("self",)).select_related("fund__book").get(pk=loan.pk)
    check_fund(actor, loan.fund)
    if not (reason or "").strip():
        raise ValidationError(_("Un castigo necesita su motivo."))
    if loan.status != Loan.Status.ACTIVE:
        raise ValidationError(_("Solo se castiga un préstamo vigente."))
    loss = ArrearsBand.objects.filter(table=ArrearsBand.Table.RISK).order_by("-min_days").first()
    late = days_past_due(loan, date)
    if loss is not None and late < loss.min_days:
        raise ValidationError(_("El préstamo tiene %(d)s días de atraso: se castiga desde %(m)s días (%(c)s).") % {
            "d": late, "m": loss.min_days, "c": loss.name})
    borrower = {"household": loan.household, "organisation": loan.organisation}
    ledger.post_entry(actor=actor, book=loan.fund.book, date=date, source=f"credit.loan:{loan.pk}",
                      memo=_("Castigo del préstamo %(n)s: %(r)s") % {"n": loan.number, "r": reason.strip()},
                      lines=[Posting(WRITE_OFFS, debit=loan.outstanding, **borrower),
                             Posting(LOANS, credit=loan.outstanding, **borrower)])
    loan.status, loan.closed_on, loan.write_off_reason = Loan.Status.WRITTEN_OFF, date, reason.strip()
    loan.save(update_fields=["status", "closed_on", "write_off_reason"])
    return loan


@transaction.atomic
def reschedule(*, actor, loan, date, term_months, reason):
    """A new schedule for a borrower in difficulty: the principal still owed over a new term from
    `date`, the interest and fees already due and unpaid spread over the new instalments. The old
    schedule stays in the history."""
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    check_fund(actor, loan.fund)
    if not (reason or "").strip():
        raise ValidationError(_("Una reprogramación necesita su motivo."))
    if loan.status != Loan.Status.ACTIVE:
        raise ValidationError(_("Solo se reprograma un préstamo vigente."))
    term_months = int(term_months or 0)
    if term_months <= 0:
        raise ValidationError(_("El plazo debe ser mayor que cero."))
    current = _instalments(loan)
    unpaid = [i for i in current if i.settled_on is None and i.due_date <= date]
    carried = sum((i.interest - i.paid_interest + i.fee - i.paid_fee + i.penalty - i.paid_penalty
                   + penalty_on(i, date, loan.penalty_tea) for i in unpaid), ZERO)
    # Interest run up since the last due date (or the disbursement) on what is still owed.
    last = max([i.due_date for i in current if i.due_date <= date], default=loan.disbursed_on)
    carried += money(loan.outstanding * schedules.rate_for_days(rate(loan.tea), (date - last).days))
    product = loan.product
    terms = schedules.Terms(amount=loan.outstanding, tea=rate(loan.tea), start=date, method=loan.method,
                            dates=tuple(schedules.due_dates(start=date, term_months=term_months,
                                                            frequency=product.frequency,
                                                            months=tuple(product.due_months))),
                            moratorium=frozenset(product.moratorium_months), instalment_fee=product.instalment_fee)
    built = schedules.build(terms)
    if carried > 0:
        for row, share in zip(built.rows, schedules.spread(carried, len(built.rows))):
            row.interest += share
    changes.touch(households=[loan.household_id], kind="loans")  # its instalments are written in bulk
    return _new_version(loan, built, carry=[], reason=Schedule.Reason.RESCHEDULING, date=date, actor=actor,
                        note=reason.strip())


def define_product(**fields):
    """A loan product, checked as the admin checks it."""
    product = LoanProduct(**fields)
    product.full_clean()
    product.save()
    return product
