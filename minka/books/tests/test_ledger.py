"""The ledger: balanced entries or nothing, never edited, periods that lock, a trial balance that
always balances."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from minka.accounts.models import Role
from minka.books import selectors, services
from minka.books.models import Book, Entry, Line
from minka.books.services import Posting
from minka.conftest import make_user

D = Decimal


@pytest.fixture
def book(places):
    book = Book.objects.create(code="dausangate", name="D'Ausangate", territory=places["quispicanchi"])
    manager = make_user("gerente", Role.ENTERPRISE, places["quispicanchi"])
    services.open_period(actor=manager, book=book, name="2024-I", start=datetime.date(2024, 1, 1),
                         end=datetime.date(2024, 6, 30))
    services.open_period(actor=manager, book=book, name="2024-II", start=datetime.date(2024, 7, 1),
                         end=datetime.date(2024, 12, 31))
    book.manager = manager
    return book


def assert_balanced(book):
    debit, credit = selectors.totals(selectors.trial_balance(book))
    assert debit == credit


def test_a_balanced_entry_is_posted_and_numbered(book):
    entry = services.post_entry(actor=book.manager, book=book, date=datetime.date(2024, 3, 5), memo="Acopio de leche",
                                lines=[Posting("6021", debit=D("120.50")), Posting("4212", credit="120.5")])
    assert entry.number == 1 and entry.period.name == "2024-I"
    second = services.post_entry(actor=book.manager, book=book, date=datetime.date(2024, 3, 6), memo="Pago",
                                 lines=[Posting("4212", debit=D("100")), Posting("1011", credit=D("100"))])
    assert second.number == 2
    rows = {row.account.code: row for row in selectors.trial_balance(book)}
    assert rows["4212"].balance == D("20.50")  # still owed to the producer
    assert rows["1011"].balance == D("-100.00")
    assert selectors.balance(book, "42") == D("20.50")
    assert_balanced(book)


@pytest.mark.parametrize("lines, message", [
    ([Posting("6021", debit=D("10")), Posting("4212", credit=D("9.99"))], "no cuadra"),
    ([Posting("6021", debit=D("10"))], "al menos dos líneas"),
    ([Posting("6021", debit=D("-10")), Posting("4212", debit=D("10")), Posting("1011", credit=D("0"))],
     "importe positivo"),
    ([Posting("6021", debit=D("10"), credit=D("10")), Posting("4212", credit=D("0"))], "importe positivo"),
    ([Posting("60", debit=D("10")), Posting("4212", credit=D("10"))], "agrupa otras"),
    ([Posting("9999", debit=D("10")), Posting("4212", credit=D("10"))], "no existe"),
    ([Posting("6021", debit="diez"), Posting("4212", credit=D("10"))], "no es un importe"),
])
def test_a_bad_entry_is_refused_whole(book, lines, message):
    with pytest.raises(ValidationError) as error:
        services.post_entry(actor=book.manager, book=book, date=datetime.date(2024, 3, 5), memo="Mal", lines=lines)
    assert message in str(error.value)
    assert not Entry.objects.exists() and not Line.objects.exists()


def test_money_is_never_a_float(book):
    with pytest.raises(TypeError):
        services.post_entry(actor=book.manager, book=book, date=datetime.date(2024, 3, 5), memo="x",
                            lines=[Posting("6021", debit=10.1), Posting("4212", credit=10.1)])


def test_a_mistake_is_reversed_not_edited_and_a_closed_period_takes_nothing(book):
    entry = services.post_entry(actor=book.manager, book=book, date=datetime.date(2024, 6, 30), memo="Acopio",
                                lines=[Posting("6021", debit=D("50")), Posting("4212", credit=D("50"))])
    first_half = book.periods.get(name="2024-I")
    services.close_period(actor=book.manager, period=first_half)
    with pytest.raises(ValidationError, match="está cerrado"):
        services.post_entry(actor=book.manager, book=book, date=datetime.date(2024, 6, 1), memo="Tarde",
                            lines=[Posting("6021", debit=D("5")), Posting("4212", credit=D("5"))])
    with pytest.raises(ValidationError, match="está cerrado"):  # a reversal too goes to an open period
        services.reverse_entry(actor=book.manager, entry=entry, date=datetime.date(2024, 6, 30))
    reversal = services.reverse_entry(actor=book.manager, entry=entry, date=datetime.date(2024, 7, 2))
    assert reversal.reverses == entry and reversal.period.name == "2024-II"
    assert [(line.account.code, line.debit, line.credit) for line in reversal.lines.order_by("account__code")] == [
        ("4212", D("50.00"), D("0.00")), ("6021", D("0.00"), D("50.00"))]
    entry.refresh_from_db()
    assert entry.lines.count() == 2  # the original stays as it was
    with pytest.raises(ValidationError, match="ya fue revertido"):
        services.reverse_entry(actor=book.manager, entry=entry, date=datetime.date(2024, 7, 3))
    assert selectors.balance(book, "42") == 0
    # the first half still shows what happened in it
    assert selectors.balance(book, "42", end=datetime.date(2024, 6, 30)) == D("50.00")
    assert_balanced(book)


def test_periods_do_not_overlap_and_dates_need_one(book):
    with pytest.raises(ValidationError, match="superpone"):
        services.open_period(actor=book.manager, book=book, name="x", start=datetime.date(2024, 6, 1),
                             end=datetime.date(2024, 8, 1))
    with pytest.raises(ValidationError, match="No hay un periodo"):
        services.post_entry(actor=book.manager, book=book, date=datetime.date(2025, 1, 1), memo="x",
                            lines=[Posting("6021", debit=D("5")), Posting("4212", credit=D("5"))])


def test_only_those_who_keep_the_books_post_to_them(book, technician, officer, coordinator):
    lines = [Posting("6021", debit=D("5")), Posting("4212", credit=D("5"))]
    for outsider in (technician, officer, coordinator):  # coordinators read the books, they do not keep them
        with pytest.raises(PermissionDenied):
            services.post_entry(actor=outsider, book=book, date=datetime.date(2024, 3, 1), memo="x", lines=lines)
    assert not Entry.objects.exists()
