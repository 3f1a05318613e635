"""The surplus is shared exactly: whatever the deliveries and the statute, the parts add up to the
surplus to the céntimo, none is negative, and whoever delivered more of the same product and
quality gets no less (property tests, hypothesis)."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from minka.market.redistribution import allocate, split

D = Decimal
money = st.integers(min_value=0, max_value=10_000_000).map(lambda cents: D(cents) / 100)
weight = st.integers(min_value=0, max_value=10**7).map(lambda n: D(n) / 1000)
producers = st.dictionaries(st.integers(min_value=1, max_value=40), weight, max_size=12)
pools = st.dictionaries(st.sampled_from(["queso", "yogur", "cuy", "hongos"]), st.tuples(money, producers), max_size=4)


@st.composite
def statutes(draw):
    reserve = draw(st.integers(min_value=0, max_value=100))
    funds = draw(st.lists(st.integers(min_value=0, max_value=100 - reserve), max_size=3))
    kept, room = {}, 100 - reserve
    for index, percent in enumerate(funds):
        percent = min(percent, room)
        kept[f"fondo {index}"] = D(percent)
        room -= percent
    return D(reserve), kept, D(draw(st.integers(min_value=0, max_value=100)))


def test_split_gives_largest_remainders_their_cent():
    assert split(D("1.00"), {"a": D(1), "b": D(1), "c": D(1)}) == {"a": D("0.34"), "b": D("0.33"), "c": D("0.33")}
    assert split(D("0.05"), {"a": D(0), "b": D(3)}) == {"a": D("0.00"), "b": D("0.05")}
    assert split(D("10"), {}) == {}
    assert split(D("10"), {"a": D(0)}) == {"a": D("0.00")}


@settings(max_examples=300, deadline=None)
@given(total=money, weights=st.dictionaries(st.text(min_size=1, max_size=3), weight, min_size=1, max_size=15))
def test_a_split_adds_up_is_never_negative_and_follows_the_weights(total, weights):
    parts = split(total, weights)
    assert set(parts) == set(weights)
    assert all(part >= 0 and part == part.quantize(D("0.01")) for part in parts.values())
    if sum(weights.values()) > 0:
        assert sum(parts.values()) == total
    for a in weights:
        for b in weights:
            if weights[a] > weights[b]:
                assert parts[a] >= parts[b]


@settings(max_examples=300, deadline=None)
@given(surplus=money, statute=statutes(), pools=pools)
def test_the_allocation_adds_up_to_the_surplus_to_the_cent(surplus, statute, pools):
    reserve_percent, funds, retained_percent = statute
    result = allocate(surplus, reserve_percent=reserve_percent, funds=funds, pools=pools,
                      retained_percent=retained_percent)
    assert result.total == surplus
    assert result.reserve >= 0 and result.unallocated >= 0 and all(v >= 0 for v in result.funds.values())
    for share in result.refunds.values():
        assert share.amount >= 0 and 0 <= share.retained <= share.amount and share.paid_out >= 0
        assert sum(pool["amount"] for pool in share.pools) == share.amount
    # the reserve follows the statute to within a céntimo
    assert abs(result.reserve - surplus * reserve_percent / 100) < D("0.01")


@settings(max_examples=300, deadline=None)
@given(surplus=money.filter(lambda m: m > 0), revenue=money.filter(lambda m: m > 0), others=producers,
       more=weight, less=weight)
def test_more_delivered_of_the_same_product_and_quality_gets_no_less(surplus, revenue, others, more, less):
    if more < less:
        more, less = less, more
    patronage = {**others, "a": more, "b": less}
    result = allocate(surplus, reserve_percent=D(20), funds={"educación": D(5)}, pools={"queso": (revenue, patronage)})
    a, b = result.refunds.get("a"), result.refunds.get("b")
    assert (a.amount if a else 0) >= (b.amount if b else 0)


def test_a_surplus_is_shared_as_the_statute_says():
    result = allocate(D("1000.00"), reserve_percent=D(20), funds={"educación": D(5), "comunal": D(5)},
                      retained_percent=D(10), pools={
                          "queso": (D("3000"), {"ana": D(300), "luis": D(100)}),  # litres × quality factor
                          "cuy": (D("1000"), {"ana": D(10), "rosa": D(30)})})
    assert result.reserve == D("200.00") and result.funds == {"educación": D("50.00"), "comunal": D("50.00")}
    # 700.00 to producers: cheese 3/4 (525.00), guinea pig 1/4 (175.00)
    assert result.refunds["ana"].amount == D("393.75") + D("43.75")
    assert result.refunds["luis"].amount == D("131.25") and result.refunds["rosa"].amount == D("131.25")
    assert result.refunds["ana"].retained == D("43.75") and result.refunds["ana"].paid_out == D("393.75")
    assert result.total == D("1000.00")


def test_no_surplus_shares_nothing_and_no_patronage_keeps_it():
    assert allocate(D("-50"), reserve_percent=D(20), funds={}, pools={}).refunds == {}
    kept = allocate(D("100"), reserve_percent=D(20), funds={}, pools={"queso": (D("500"), {})})
    assert kept.unallocated == D("80.00") and kept.reserve == D("20.00") and kept.refunds == {}
