"""Loan schedules, exact to the céntimo. Pure functions: no database.

Rates follow Peru's convention (SBS): a loan's price is its annual effective rate (TEA) over a
360-day year, and the interest of a period of `d` actual days is the balance × ((1 + TEA)^(d/360) − 1).
A schedule lists the instalments on their due dates (monthly, or in chosen months of the year for
seasonal incomes), each with its principal, interest and fee. Whatever the method, the principal
adds up to the amount disbursed, the céntimos left by rounding go to the last instalment, no
figure is negative and the balance never goes below zero.

- equal instalments (cuota fija): one payment for every instalment that repays principal, found
  exactly for irregular periods and for instalments that pay interest only;
- equal principal: the same principal each time, interest on the balance (decreasing instalments);
- flat: the same principal each time, interest on the amount disbursed;
- bullet: interest on each due date, all principal on the last one (at harvest).

Grace: the first instalments pay interest only, or nothing at all ("full" grace): the interest of
those periods is then deferred, and repaid with its own interest in equal parts with the later
instalments (shown as interest: the principal column stays the amount disbursed). A principal
moratorium names calendar months (before the harvest) whose instalments pay interest only.

The TCEA (total annual effective cost) is the rate that makes what the borrower receives equal to
the present value of what they pay back, fees included: what SBS rules require to be shown before
signing."""

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
YEAR = Decimal(360)
PRECISION = 40

EQUAL_INSTALMENTS, EQUAL_PRINCIPAL, FLAT, BULLET = "equal_instalments", "equal_principal", "flat", "bullet"
METHODS = (EQUAL_INSTALMENTS, EQUAL_PRINCIPAL, FLAT, BULLET)
GRACE_INTEREST, GRACE_FULL = "interest", "full"
MONTHLY, SEASONAL = "monthly", "seasonal"


def cents(value):
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def spread(total, parts):
    """`total` in `parts` equal whole céntimos, rounded down; the céntimos left go to the last part."""
    share = (total / parts).quantize(CENT, rounding=ROUND_DOWN)
    return [share] * (parts - 1) + [total - share * (parts - 1)]


def rate_for_days(tea, days):
    """The effective rate of `days` days, from an annual effective rate over a 360-day year."""
    with localcontext() as context:
        context.prec = PRECISION
        return (Decimal(1) + tea) ** (Decimal(days) / YEAR) - 1


def monthly_rate(tea):
    """TEM: the effective rate of a 30-day month."""
    return rate_for_days(tea, 30)


def add_months(start, months):
    """The same day `months` later, or the last day of a shorter month."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def due_dates(*, start, term_months, frequency=MONTHLY, months=(), day=None):
    """The due dates of a loan disbursed on `start` and lasting `term_months`: every month, or only in
    the chosen calendar `months` (seasonal). `day` fixes the day of the month (the disbursement's by
    default)."""
    anchor = start if day is None else start.replace(day=min(day, 28))
    dates = []
    for k in range(1, term_months + 1):
        date = add_months(anchor, k)
        if day is not None:
            date = date.replace(day=min(day, calendar.monthrange(date.year, date.month)[1]))
        if frequency == SEASONAL and date.month not in months:
            continue
        if date > start:
            dates.append(date)
    return dates


@dataclass(frozen=True)
class Terms:
    amount: Decimal
    tea: Decimal  # a fraction: 0.18 for 18 %
    start: datetime.date
    dates: tuple
    method: str = EQUAL_INSTALMENTS
    grace: int = 0
    grace_kind: str = GRACE_INTEREST
    moratorium: frozenset = frozenset()  # calendar months with no principal due
    instalment_fee: Decimal = ZERO
    upfront_fee: Decimal = ZERO  # kept at disbursement


@dataclass
class Row:
    number: int
    due_date: datetime.date
    days: int
    principal: Decimal
    interest: Decimal
    fee: Decimal
    balance: Decimal  # principal still owed after this instalment

    @property
    def total(self):
        return self.principal + self.interest + self.fee


@dataclass
class Schedule:
    terms: Terms
    rows: list = field(default_factory=list)

    @property
    def principal(self):
        return sum((r.principal for r in self.rows), ZERO)

    @property
    def interest(self):
        return sum((r.interest for r in self.rows), ZERO)

    @property
    def fees(self):
        return sum((r.fee for r in self.rows), ZERO) + self.terms.upfront_fee

    @property
    def total(self):
        return sum((r.total for r in self.rows), ZERO)

    @property
    def tcea(self):
        return tcea(self.terms.amount - self.terms.upfront_fee, self.terms.start,
                    [(r.due_date, r.total) for r in self.rows])


def _kinds(terms):
    """For each instalment: "full" (nothing due), "interest" (interest only) or "principal"."""
    kinds = []
    for k, date in enumerate(terms.dates):
        if k < terms.grace:
            kinds.append("full" if terms.grace_kind == GRACE_FULL else "interest")
        elif date.month in terms.moratorium:
            kinds.append("interest")
        elif terms.method == BULLET and k < len(terms.dates) - 1:
            kinds.append("interest")
        else:
            kinds.append("principal")
    return kinds


def check(terms):
    """The terms a schedule can be built from, or a clear error."""
    if terms.amount <= 0:
        raise ValidationError(_("El monto del préstamo debe ser mayor que cero."))
    if terms.tea <= 0:
        raise ValidationError(_("La tasa efectiva anual debe ser mayor que cero."))
    if not terms.dates:
        raise ValidationError(_("El plazo no contiene ninguna fecha de pago."))
    if terms.method not in METHODS:
        raise ValidationError(_("Método de amortización desconocido."))
    if any(b <= a for a, b in zip((terms.start, *terms.dates), terms.dates)):
        raise ValidationError(_("Las fechas de pago deben ser posteriores al desembolso y sucesivas."))
    if terms.grace < 0 or terms.instalment_fee < 0 or terms.upfront_fee < 0:
        raise ValidationError(_("La gracia y las comisiones no pueden ser negativas."))
    if terms.upfront_fee >= terms.amount:
        raise ValidationError(_("Las comisiones de desembolso no pueden igualar el monto del préstamo."))
    if _kinds(terms)[-1] != "principal":
        raise ValidationError(_("La última cuota cae en la gracia o en un mes de moratoria: cambie el plazo o los "
                                "meses."))


def build(terms):
    """The schedule of these terms (see the module's docstring for the rules)."""
    check(terms)
    kinds = _kinds(terms)
    previous = (terms.start, *terms.dates)
    days = [(b - a).days for a, b in zip(previous, terms.dates)]
    rates = [rate_for_days(terms.tea, d) for d in days]
    paying = [k for k, kind in enumerate(kinds) if kind == "principal"]
    last = len(terms.dates) - 1

    # Interest of the periods of full grace is deferred: it keeps earning interest at the same rate and
    # is repaid in equal parts with the later instalments (in their interest), so the loan costs its TEA.
    later = [k for k in range(len(kinds)) if kinds[k] != "full"]
    deferred_share = dict(zip(later, spread(_deferred_payments(terms.amount, rates, kinds, later), len(later))))

    fixed_principal = cents(terms.amount / len(paying))
    payment = _level_payment(terms.amount, rates, kinds) if terms.method == EQUAL_INSTALMENTS else None

    rows, balance = [], terms.amount
    for k, date in enumerate(terms.dates):
        if terms.method == FLAT:
            interest = cents(terms.amount * rates[k])
        else:
            interest = cents(balance * rates[k])
        if kinds[k] == "full":
            interest, principal = ZERO, ZERO
        elif k == last:
            principal = balance
        elif kinds[k] == "interest":
            principal = ZERO
        elif terms.method == EQUAL_INSTALMENTS:
            principal = max(ZERO, min(balance, payment - interest))
        else:
            principal = min(balance, fixed_principal)
        balance -= principal
        fee = ZERO if kinds[k] == "full" else terms.instalment_fee
        rows.append(Row(number=k + 1, due_date=date, days=days[k], principal=principal,
                        interest=interest + deferred_share.get(k, ZERO), fee=fee, balance=balance))
    return Schedule(terms=terms, rows=rows)


def _level_payment(amount, rates, kinds):
    """The one payment, in céntimos, that repays `amount` over the instalments that repay principal,
    the others paying interest only (or nothing, their interest being deferred). The balance left
    after the last instalment is an affine function of the payment: two runs give it exactly."""
    def left(payment):
        balance = Decimal(amount)
        for rate, kind in zip(rates, kinds):
            if kind == "principal":
                balance = balance * (1 + rate) - payment
        return balance

    with localcontext() as context:
        context.prec = PRECISION
        at_zero = left(Decimal(0))
        slope = at_zero - left(Decimal(1))
        return cents(at_zero / slope)


def _deferred_payments(amount, rates, kinds, later):
    """What repays, with its interest, the interest deferred by full grace: the sum of the equal
    payments that amortise it over the `later` instalments."""
    if len(later) == len(kinds):
        return ZERO
    with localcontext() as context:
        context.prec = PRECISION
        deferred = Decimal(0)
        for rate, kind in zip(rates, kinds):
            if kind == "full":
                deferred += (amount + deferred) * rate
        discount, factors = Decimal(1), Decimal(0)
        for k in later:
            discount /= 1 + rates[k]
            factors += discount
        return cents(deferred / factors * len(later))


def present_value(flows, start, rate):
    with localcontext() as context:
        context.prec = PRECISION
        return sum((amount / (1 + rate) ** (Decimal((date - start).days) / YEAR) for date, amount in flows),
                   Decimal(0))


def tcea(received, start, flows):
    """The total annual effective cost (360-day year): the rate at which the payments `flows`
    [(date, amount)] are worth, on `start`, exactly what the borrower `received`. Found by bisection
    to a millionth of a percentage point."""
    low, high = Decimal(0), Decimal(1)
    while present_value(flows, start, high) > received:
        low, high = high, high * 2
        if high > 1000:
            raise ValidationError(_("El costo efectivo de este préstamo no es razonable: revise las comisiones."))
    if present_value(flows, start, low) < received:
        return Decimal(0)  # paying back less than received: no cost
    while high - low > Decimal("1e-8"):
        middle = (low + high) / 2
        if present_value(flows, start, middle) > received:
            low = middle
        else:
            high = middle
    return ((low + high) / 2).quantize(Decimal("1e-6"), rounding=ROUND_HALF_UP)


def percent(rate, places=2):
    """A rate as a percentage for people: 0.189564 → 18.96."""
    return (rate * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
