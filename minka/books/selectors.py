"""Reading the books: balances and the trial balance, from the lines (nothing is stored twice)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from .models import Account, Line

ZERO = Decimal("0.00")


@dataclass
class BalanceRow:
    account: Account
    debit: Decimal
    credit: Decimal

    @property
    def balance(self):
        """On the account's normal side: positive when it holds what it should."""
        difference = self.debit - self.credit
        return difference if self.account.debit_normal else -difference


def _lines(book, start=None, end=None):
    lines = Line.objects.filter(entry__book=book)
    if start is not None:
        lines = lines.filter(entry__date__gte=start)
    if end is not None:
        lines = lines.filter(entry__date__lte=end)
    return lines


def trial_balance(book, start=None, end=None):
    """Per account with movements: debits, credits and balance. Debits and credits total the same."""
    totals = _lines(book, start, end).values("account").annotate(debit=Sum("debit"), credit=Sum("credit"))
    accounts = Account.objects.in_bulk([row["account"] for row in totals])
    rows = [BalanceRow(accounts[row["account"]], row["debit"] or ZERO, row["credit"] or ZERO) for row in totals]
    return sorted(rows, key=lambda row: row.account.code)


def totals(rows):
    return sum((row.debit for row in rows), ZERO), sum((row.credit for row in rows), ZERO)


def balance(book, prefix, start=None, end=None, household=None, organisation=None):
    """The balance of the accounts under a code prefix (e.g. "42"), on their normal side."""
    lines = _lines(book, start, end).filter(account__code__startswith=prefix)
    if household is not None:
        lines = lines.filter(household=household)
    if organisation is not None:
        lines = lines.filter(organisation=organisation)
    sums = lines.aggregate(debit=Sum("debit"), credit=Sum("credit"))
    difference = (sums["debit"] or ZERO) - (sums["credit"] or ZERO)
    kind = Account.objects.filter(code__startswith=prefix).values_list("kind", flat=True).first()
    return difference if kind in (Account.Kind.ASSET, Account.Kind.EXPENSE) else -difference


def books_for(user, capability=None):
    from minka.accounts.permissions import VIEW_BOOKS, scope_q

    from .models import Book

    return Book.objects.filter(scope_q(user, "territory__path", capability or VIEW_BOOKS))
