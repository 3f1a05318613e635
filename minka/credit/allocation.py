"""How a repayment is shared among what is owed. Pure functions: no database.

Instalments are paid oldest first; within each one, fees first, then penalty interest, then interest,
then principal (the order the fund's regulation and Peru's practice set: costs before capital, so
that a partial payment never leaves charges to grow on). What is left after the instalments offered
is returned to the caller (a prepayment, or too much)."""

from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0.00")
ORDER = ("fee", "penalty", "interest", "principal")


@dataclass
class Owed:
    key: object
    fee: Decimal = ZERO
    penalty: Decimal = ZERO
    interest: Decimal = ZERO
    principal: Decimal = ZERO

    @property
    def total(self):
        return self.fee + self.penalty + self.interest + self.principal


def allocate(amount, owed):
    """Share `amount` (≥ 0) over `owed` (a list of Owed, oldest first): a list of Owed of what each
    one receives (only those that receive something), and what is left."""
    if amount < 0:
        raise ValueError("negative amount")
    left, shares = amount, []
    for item in owed:
        share = Owed(key=item.key)
        for part in ORDER:
            paid = min(left, getattr(item, part))
            if paid > 0:
                setattr(share, part, paid)
                left -= paid
        if share.total > 0:
            shares.append(share)
        if left == 0:
            break
    return shares, left
