"""Schedules and allocations are exact whatever the product: principal adds up to the amount to the
céntimo, nothing is negative, a payment goes to fees, then penalty interest, then interest, then
principal, and fees make the total cost (TCEA) higher than the rate (property tests, hypothesis)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from minka.credit import schedule as s
from minka.credit.allocation import ORDER, Owed, allocate

D = Decimal
cents = st.integers(min_value=1, max_value=5_000_000).map(lambda c: D(c) / 100)
months = st.sets(st.integers(min_value=1, max_value=12), max_size=5)


@st.composite
def terms(draw, fees=True):
    start = draw(st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2030, 12, 31)))
    frequency = draw(st.sampled_from([s.MONTHLY, s.SEASONAL]))
    due_months = tuple(sorted(draw(st.sets(st.integers(min_value=1, max_value=12), min_size=1, max_size=4))))
    term = draw(st.integers(min_value=1, max_value=60))
    dates = s.due_dates(start=start, term_months=term, frequency=frequency, months=due_months,
                        day=draw(st.none() | st.integers(min_value=1, max_value=31)))
    assume(dates)
    amount = draw(st.integers(min_value=100_00, max_value=200_000_00).map(lambda c: D(c) / 100))
    result = s.Terms(
        amount=amount, tea=D(draw(st.integers(min_value=1, max_value=20000))) / 10000, start=start,
        dates=tuple(dates), method=draw(st.sampled_from(s.METHODS)),
        grace=draw(st.integers(min_value=0, max_value=3)), grace_kind=draw(st.sampled_from([s.GRACE_INTEREST,
                                                                                             s.GRACE_FULL])),
        moratorium=frozenset(draw(months)),
        instalment_fee=D(draw(st.integers(min_value=0, max_value=2000))) / 100 if fees else D("0.00"),
        upfront_fee=(amount * D(draw(st.integers(min_value=0, max_value=300))) / 10000).quantize(D("0.01"))
        if fees else D("0.00"))
    try:
        s.check(result)
    except ValidationError:
        assume(False)
    return result


@settings(max_examples=400, deadline=None)
@given(t=terms())
def test_principal_adds_up_and_nothing_is_negative(t):
    schedule = s.build(t)
    assert schedule.principal == t.amount
    assert len(schedule.rows) == len(t.dates)
    balance = t.amount
    for row in schedule.rows:
        assert row.principal >= 0 and row.interest >= 0 and row.fee >= 0 and row.balance >= 0
        balance -= row.principal
        assert row.balance == balance
        assert row.principal == row.principal.quantize(D("0.01")) and row.interest == row.interest.quantize(D("0.01"))
    assert schedule.rows[-1].balance == 0
    for row, date in zip(schedule.rows, t.dates):  # no principal in a moratorium month or in grace
        if date.month in t.moratorium or row.number <= t.grace:
            assert row.principal == 0 or row.number == len(t.dates)


@settings(max_examples=150, deadline=None)
@given(t=terms())
def test_fees_make_the_total_cost_higher_than_the_rate(t):
    assume(t.upfront_fee >= t.amount / 1000 or t.instalment_fee >= 1)
    assert s.build(t).tcea > t.tea


@settings(max_examples=100, deadline=None)
@given(t=terms(fees=False))
def test_without_fees_the_total_cost_is_the_rate(t):
    """Only the rounding of each instalment's interest to the céntimo stands between them."""
    assume(t.amount >= 1000 and not (t.method == s.FLAT))
    assert abs(s.build(t).tcea - t.tea) < D("0.0005")


owed = st.builds(lambda key, f, p, i, c: Owed(key=key, fee=f, penalty=p, interest=i, principal=c),
                 st.integers(), *[st.integers(min_value=0, max_value=100_000).map(lambda c: D(c) / 100)] * 4)


@settings(max_examples=400, deadline=None)
@given(amount=st.integers(min_value=0, max_value=2_000_000).map(lambda c: D(c) / 100),
       items=st.lists(owed, max_size=8))
def test_a_payment_goes_to_fees_then_penalty_then_interest_then_principal(amount, items):
    shares, left = allocate(amount, items)
    assert sum((sh.total for sh in shares), D(0)) + left == amount
    assert left >= 0
    by_key = list(zip(items, shares))
    for item, share in by_key:
        assert item.key == share.key
        for part in ORDER:
            assert 0 <= getattr(share, part) <= getattr(item, part)
        # a part is paid only once the parts before it, and the instalments before it, are paid in full
        paid = [getattr(share, part) for part in ORDER]
        due = [getattr(item, part) for part in ORDER]
        for k in range(1, 4):
            if paid[k] > 0:
                assert paid[:k] == due[:k]
    for (item, share), _later in zip(by_key, by_key[1:]):
        assert share.total == item.total
    if left > 0:
        assert sum((sh.total for sh in shares), D(0)) == sum((i.total for i in items), D(0))


def test_a_seasonal_loan_pays_at_harvest_with_a_moratorium_before_it():
    """A guinea pig shed: S/ 6,000 at 14 % over 24 months, instalments every month but principal only
    outside December–March; equal instalments elsewhere, the last one absorbs the céntimos."""
    t = s.Terms(amount=D("6000"), tea=D("0.14"), start=datetime.date(2026, 4, 15),
                dates=tuple(s.due_dates(start=datetime.date(2026, 4, 15), term_months=24)),
                moratorium=frozenset({12, 1, 2, 3}))
    schedule = s.build(t)
    moratorium = [r for r in schedule.rows if r.due_date.month in (12, 1, 2, 3)]
    assert len(moratorium) == 8 and all(r.principal == 0 and r.interest > 0 for r in moratorium)
    others = [r for r in schedule.rows if r.due_date.month not in (12, 1, 2, 3)]
    assert len({r.principal + r.interest for r in others[:-1]}) == 1  # equal instalments
    assert abs(others[-1].total - others[0].total) < D("0.50")
    assert schedule.principal == D("6000.00")
    # the monthly rate shown to the borrower, and the cost over the life of the loan
    assert s.percent(s.monthly_rate(D("0.14")), 4) == D("1.0979")
    assert s.percent(schedule.tcea) == D("14.00")


def test_a_bullet_loan_repays_principal_on_the_harvest_date():
    start = datetime.date(2026, 9, 1)
    dates = s.due_dates(start=start, term_months=10, frequency=s.SEASONAL, months=(3, 6))
    assert dates == [datetime.date(2027, 3, 1), datetime.date(2027, 6, 1)]
    schedule = s.build(s.Terms(amount=D("3000"), tea=D("0.12"), start=start, dates=tuple(dates), method=s.BULLET))
    assert [r.principal for r in schedule.rows] == [D("0"), D("3000.00")]
    assert schedule.rows[0].interest == (D("3000") * s.rate_for_days(D("0.12"), 181)).quantize(D("0.01"))


def test_full_grace_defers_interest_and_the_loan_still_costs_its_rate():
    start = datetime.date(2026, 1, 10)
    t = s.Terms(amount=D("1200"), tea=D("0.20"), start=start, grace=2, grace_kind=s.GRACE_FULL,
                dates=tuple(s.due_dates(start=start, term_months=6)), method=s.EQUAL_PRINCIPAL)
    schedule = s.build(t)
    assert [r.total for r in schedule.rows[:2]] == [0, 0]
    later = schedule.rows[2:]
    assert [r.principal for r in later] == [D("300.00")] * 4
    assert abs(schedule.tcea - D("0.20")) < D("0.0001")


@pytest.mark.parametrize("changes, message", [
    ({"tea": D("0")}, "tasa"), ({"tea": D("-0.1")}, "tasa"), ({"amount": D("0")}, "monto"),
    ({"dates": ()}, "fecha"), ({"moratorium": frozenset({6})}, "moratoria"),
])
def test_terms_that_make_no_loan_are_refused_clearly(changes, message):
    start = datetime.date(2026, 1, 10)
    base = dict(amount=D("1000"), tea=D("0.2"), start=start, dates=(datetime.date(2026, 6, 10),))
    with pytest.raises(ValidationError, match=message):
        s.build(s.Terms(**{**base, **changes}))
