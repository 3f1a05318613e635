"""The guarantee pool at work with partner lenders (a caja municipal lends, the fund guarantees part
of it). The pool is the fund's restricted account (1071): a call pays the lender out of it and the
fund takes the borrower's debt over (1681, per family); a recovery brings the money back.

- covered(loan) = min(coverage % × outstanding, cap per borrower);
- the loans guaranteed may not exceed the pool × the agreement's leverage limit;
- a claim = min(coverage × outstanding, cap, what the pool holds); asking for more is refused."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from minka.books import selectors as books
from minka.books import services as ledger
from minka.books.services import Posting, money, soles

from .models import GuaranteeAgreement, GuaranteeCall, GuaranteedLoan, GuaranteeRecovery
from .services import CLAIMS, GUARANTEE_CASH, check_fund

ZERO = Decimal("0.00")


def covered(loan, outstanding=None):
    agreement = loan.agreement
    outstanding = loan.outstanding if outstanding is None else outstanding
    return min(money(outstanding * agreement.coverage_percent / 100), agreement.cap_per_borrower)


def pool(fund, date=None):
    """What the guarantee pool holds (on `date`)."""
    return books.balance(fund.book, GUARANTEE_CASH, end=date)


def exposure(fund, exclude=None):
    """What the pool would pay if every current guaranteed loan defaulted today."""
    loans = GuaranteedLoan.objects.filter(agreement__fund=fund, status=GuaranteedLoan.Status.CURRENT).select_related(
        "agreement")
    if exclude is not None:
        loans = loans.exclude(pk=exclude.pk)
    return sum((covered(loan) for loan in loans), ZERO)


def solvency(fund, date=None):
    """The pool, what it covers and how many times over: {pool, guaranteed, exposure, leverage, cover}."""
    held = pool(fund, date)
    current = GuaranteedLoan.objects.filter(agreement__fund=fund, status=GuaranteedLoan.Status.CURRENT)
    guaranteed = current.aggregate(s=Sum("outstanding"))["s"] or ZERO
    risk = exposure(fund)
    return {"pool": held, "guaranteed": guaranteed, "exposure": risk,
            "leverage": (guaranteed / held).quantize(Decimal("0.01")) if held > 0 else None,
            "cover": (held * 100 / risk).quantize(Decimal("0.1")) if risk > 0 else None}


@transaction.atomic
def report_loan(*, actor, agreement, reference, amount, disbursed_on, outstanding, reported_on, household=None,
                organisation=None, days_past_due=0):
    """The lender reports a loan it made under the agreement, or its new balance. A new loan is
    guaranteed only within the leverage limit of the pool."""
    fund = agreement.fund
    check_fund(actor, fund)
    amount, outstanding = money(amount), money(outstanding)
    if amount <= 0 or outstanding < 0 or outstanding > amount:
        raise ValidationError(_("El saldo reportado debe estar entre cero y el monto del préstamo."))
    if agreement.ends_on and disbursed_on > agreement.ends_on or disbursed_on < agreement.signed_on:
        raise ValidationError(_("El préstamo se desembolsó fuera de la vigencia del convenio."))
    loan = GuaranteedLoan.objects.select_for_update().filter(agreement=agreement, reference=reference).first()
    if loan is None:
        if (household is None) == (organisation is None):
            raise ValidationError(_("Un préstamo garantizado es de una familia o de una organización."))
        territory = household.community if household is not None else organisation.territory
        loan = GuaranteedLoan(agreement=agreement, reference=reference, household=household,
                              organisation=organisation, territory=territory, amount=amount,
                              disbursed_on=disbursed_on, outstanding=outstanding, reported_on=reported_on,
                              days_past_due=days_past_due)
        guaranteed = (GuaranteedLoan.objects.filter(agreement__fund=fund, status=GuaranteedLoan.Status.CURRENT)
                      .aggregate(s=Sum("outstanding"))["s"] or ZERO)
        limit = money(pool(fund, reported_on) * agreement.leverage_limit)
        if guaranteed + outstanding > limit:
            raise ValidationError(_("Con este préstamo se garantizarían %(g)s: el fondo de garantía permite hasta "
                                    "%(l)s (%(x)s veces lo que tiene).") % {
                "g": soles(guaranteed + outstanding), "l": soles(limit), "x": agreement.leverage_limit})
    else:
        if loan.status != GuaranteedLoan.Status.CURRENT:
            raise ValidationError(_("Este préstamo ya no está vigente."))
        loan.outstanding, loan.reported_on, loan.days_past_due = outstanding, reported_on, days_past_due
        if outstanding == 0:
            loan.status = GuaranteedLoan.Status.REPAID
    loan.full_clean()
    loan.save()
    return loan


@transaction.atomic
def call(*, actor, loan, date, outstanding, claim=None):
    """The lender calls the guarantee on a defaulted loan: the pool pays the claim, at most
    min(coverage × outstanding, cap, pool); the fund takes the borrower's debt over."""
    loan = GuaranteedLoan.objects.select_for_update(of=("self",)).select_related("agreement__fund__book").get(pk=loan.pk)
    fund = loan.agreement.fund
    check_fund(actor, fund)
    if loan.status != GuaranteedLoan.Status.CURRENT:
        raise ValidationError(_("La garantía de este préstamo ya fue ejecutada o el préstamo está cancelado."))
    outstanding = money(outstanding)
    if outstanding <= 0 or outstanding > loan.amount:
        raise ValidationError(_("El saldo impago debe estar entre cero y el monto del préstamo."))
    limit = covered(loan, outstanding)
    held = pool(fund, date)
    claim = min(limit, held) if claim in (None, "") else money(claim)
    if claim > limit:
        raise ValidationError(_("La garantía cubre %(c)s (%(p)s %% de %(o)s, tope %(t)s): no se paga %(a)s.") % {
            "c": soles(limit), "p": loan.agreement.coverage_percent, "o": soles(outstanding),
            "t": soles(loan.agreement.cap_per_borrower), "a": soles(claim)})
    if claim > held:
        raise ValidationError(_("El fondo de garantía tiene %(h)s: no alcanza para pagar %(a)s.") % {
            "h": soles(held), "a": soles(claim)})
    if claim <= 0:
        raise ValidationError(_("El fondo de garantía está vacío."))
    borrower = {"household": loan.household, "organisation": loan.organisation}
    entry = ledger.post_entry(actor=actor, book=fund.book, date=date, source=f"credit.guarantee:{loan.pk}",
                              memo=_("Ejecución de la garantía del préstamo %(r)s (%(l)s)") % {
                                  "r": loan.reference, "l": loan.agreement.lender},
                              lines=[Posting(CLAIMS, debit=claim, **borrower), Posting(GUARANTEE_CASH, credit=claim)])
    loan.status, loan.outstanding = GuaranteedLoan.Status.CALLED, outstanding
    loan.save(update_fields=["status", "outstanding"])
    return GuaranteeCall.objects.create(loan=loan, date=date, outstanding=outstanding, claim=claim, entry=entry)


@transaction.atomic
def recover(*, actor, guarantee_call, date, amount):
    """Money the borrower pays back after a call goes back into the guarantee pool."""
    guarantee_call = GuaranteeCall.objects.select_for_update(of=("self",)).select_related("loan__agreement__fund__book").get(
        pk=guarantee_call.pk)
    loan = guarantee_call.loan
    fund = loan.agreement.fund
    check_fund(actor, fund)
    amount = money(amount)
    left = guarantee_call.claim - (guarantee_call.recoveries.aggregate(s=Sum("amount"))["s"] or ZERO)
    if amount <= 0 or amount > left:
        raise ValidationError(_("Se puede recuperar hasta %(l)s de esta ejecución.") % {"l": soles(left)})
    borrower = {"household": loan.household, "organisation": loan.organisation}
    entry = ledger.post_entry(actor=actor, book=fund.book, date=date, source=f"credit.guarantee:{loan.pk}",
                              memo=_("Recuperación de la garantía del préstamo %(r)s") % {"r": loan.reference},
                              lines=[Posting(GUARANTEE_CASH, debit=amount), Posting(CLAIMS, credit=amount, **borrower)])
    return GuaranteeRecovery.objects.create(call=guarantee_call, date=date, amount=amount, entry=entry)


@transaction.atomic
def sign_agreement(*, actor, fund, lender, reference, signed_on, coverage_percent, cap_per_borrower, leverage_limit,
                   ends_on=None):
    check_fund(actor, fund)
    agreement = GuaranteeAgreement(fund=fund, lender=lender, reference=reference, signed_on=signed_on,
                                   ends_on=ends_on, coverage_percent=coverage_percent,
                                   cap_per_borrower=cap_per_borrower, leverage_limit=leverage_limit)
    agreement.full_clean()
    agreement.save()
    return agreement
