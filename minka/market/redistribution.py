"""Sharing a period's surplus, exactly to the céntimo.

The surplus first goes to the reserve and the funds of the statute, by their percentages; the rest
is shared among the product lines (pools) in proportion to their branded revenue, and each pool
among the producers in proportion to their patronage in it (the volume or the value they delivered
into branded lots of that line, weighted by the quality factor of each delivery's grade). Every
split is by largest remainder: amounts are whole céntimos, never negative, and add up to what was
split; a larger weight never gets less. Part of each producer's refund stays in their capital
account, as the statute says. Pure functions: no database."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def split(total, weights):
    """`total` (Decimal, whole céntimos, ≥ 0) in proportion to `weights` {key: Decimal ≥ 0}: whole
    céntimos that add up to `total`. The céntimos left after the floors go to the largest remainders
    (ties: the larger weight, then the key's order). All zero when nothing weighs."""
    cents = int((total / CENT).to_integral_value())
    if cents < 0 or any(weight < 0 for weight in weights.values()):
        raise ValueError("negative total or weight")
    whole = sum(weights.values(), Decimal(0))
    if cents == 0 or whole == 0:
        return {key: ZERO for key in weights}
    quotas = {key: Fraction(cents) * Fraction(weight) / Fraction(whole) for key, weight in weights.items()}
    floors = {key: quota.numerator // quota.denominator for key, quota in quotas.items()}
    left = cents - sum(floors.values())
    order = sorted(weights, key=lambda key: (-(quotas[key] - floors[key]), -weights[key], str(key)))
    for key in order[:left]:
        floors[key] += 1
    return {key: (Decimal(floors[key]) * CENT).quantize(CENT) for key in weights}


@dataclass
class Share:
    amount: Decimal = ZERO
    retained: Decimal = ZERO
    pools: list = field(default_factory=list)

    @property
    def paid_out(self):
        return self.amount - self.retained


@dataclass
class Allocation:
    surplus: Decimal
    reserve: Decimal
    funds: dict
    refunds: dict  # producer → Share
    unallocated: Decimal  # refunds no producer earned (no patronage): kept by the enterprise

    @property
    def total(self):
        return (self.reserve + sum(self.funds.values(), ZERO) + sum((s.amount for s in self.refunds.values()), ZERO)
                + self.unallocated)


def allocate(surplus, *, reserve_percent, funds, pools, retained_percent=Decimal(0)):
    """`pools`: {line: (branded revenue, {producer: patronage})}; `funds`: {name: percent}."""
    surplus = Decimal(surplus).quantize(CENT)
    if surplus <= 0:
        return Allocation(surplus, ZERO, {name: ZERO for name in funds}, {}, ZERO)
    percents = {("reserve",): Decimal(reserve_percent)} | {("fund", name): Decimal(p) for name, p in funds.items()}
    if sum(percents.values()) > 100 or any(p < 0 for p in percents.values()):
        raise ValueError("the statute's percentages must be between 0 and 100 in all")
    statute = split(surplus, percents | {("producers",): Decimal(100) - sum(percents.values())})
    to_producers = statute[("producers",)]
    earning = {line: (revenue, patronage) for line, (revenue, patronage) in pools.items()
               if sum(patronage.values(), Decimal(0)) > 0}
    weights = {line: revenue for line, (revenue, _patronage) in earning.items()}
    if not earning or sum(weights.values(), Decimal(0)) <= 0:
        weights = {line: sum(patronage.values(), Decimal(0)) for line, (_r, patronage) in earning.items()}
    refunds, unallocated = {}, ZERO
    if not weights:
        unallocated = to_producers
    else:
        for line, pool_amount in split(to_producers, weights).items():
            patronage = earning[line][1]
            for producer, amount in split(pool_amount, patronage).items():
                share = refunds.setdefault(producer, Share())
                share.amount += amount
                share.pools.append({"line": line, "patronage": patronage[producer],
                                    "pool_patronage": sum(patronage.values(), Decimal(0)), "pool_amount": pool_amount,
                                    "amount": amount})
    for share in refunds.values():
        share.retained = (share.amount * Decimal(retained_percent) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return Allocation(surplus, statute[("reserve",)], {name: statute[("fund", name)] for name in funds}, refunds,
                      unallocated)
