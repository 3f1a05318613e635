"""Deliveries, payments and a producer's statement: priced by the list of the day, in the books at
once, corrected by reversal, never edited; the trial balance balances after every operation."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from minka.books import selectors as books
from minka.books import services as ledger
from minka.books.models import Entry
from minka.chains import services as chains
from minka.chains.models import Measure
from minka.market import selectors, services
from minka.market.models import Delivery, Payment
from minka.market.tests.conftest import D
from minka.people.models import ValueChain


def balanced(enterprise):
    debit, credit = books.totals(books.trial_balance(enterprise.book))
    return debit == credit


def deliver(enterprise, producer, day, quantity, product=None, **kwargs):
    return services.record_delivery(actor=enterprise.manager, enterprise=enterprise, date=day,
                                    centre=enterprise.centre, household=producer,
                                    product=product or enterprise.milk, quantity=quantity, **kwargs)


def test_a_delivery_is_priced_by_its_grade_and_owed_in_the_books(enterprise, producer, technician):
    test = chains.record_measurements(actor=technician, household=producer, purpose="quality",
                                      chain=ValueChain.objects.get(code="milk"), date=datetime.date(2024, 3, 1),
                                      values={Measure.objects.get(code="milk-fat"): "2.9"})  # below 3.2 %: fails
    assert test.passed is False
    delivery = deliver(enterprise, producer, datetime.date(2024, 3, 1), "40.5", quality_test=test)
    assert delivery.grade == "B" and delivery.amount == D("44.55")  # 40.5 L × S/ 1.10
    assert deliver(enterprise, producer, datetime.date(2024, 3, 2), "10", grade="A").amount == D("13.50")
    same_day = deliver(enterprise, producer, datetime.date(2024, 3, 1), "10")  # the day's test decides
    assert same_day.grade == "B" and same_day.quality_test == test and same_day.amount == D("11.00")
    cuyes = deliver(enterprise, producer, datetime.date(2024, 3, 2), "3", product=enterprise.guinea_pig)
    assert cuyes.grade == "A" and cuyes.amount == D("54.00")  # the only grade priced
    assert services.owed_to(enterprise, producer) == D("123.05")
    assert balanced(enterprise)


@pytest.mark.parametrize("quantity, kwargs, message", [
    ("0", {}, "mayor que cero"),
    ("-5", {}, "mayor que cero"),
    ("mucho", {}, "no es una cantidad"),
    ("10", {"day": datetime.date(2025, 2, 1)}, "No hay precio"),  # a gap in the price list
    ("10", {"day": datetime.date(2024, 10, 1), "product": "guinea_pig"}, "No hay precio"),
    ("10", {"day": datetime.date(2023, 1, 1)}, "no es socio"),
    ("10", {"grade": "C"}, "No hay precio"),
    ("10", {"grade": ""}, "Indique la calidad"),  # milk has two grades that day
])
def test_a_bad_delivery_is_refused_and_nothing_is_written(enterprise, producer, quantity, kwargs, message):
    kwargs = dict(kwargs)
    day = kwargs.pop("day", datetime.date(2024, 3, 1))
    product = getattr(enterprise, kwargs.pop("product", "milk"))
    with pytest.raises(ValidationError) as error:
        deliver(enterprise, producer, day, quantity, product=product, **kwargs)
    assert message in str(error.value)
    assert not Delivery.objects.exists() and not Entry.objects.exists()


def test_a_delivery_in_a_closed_period_is_refused_and_a_correction_goes_to_an_open_one(enterprise, producer):
    delivery = deliver(enterprise, producer, datetime.date(2024, 6, 20), "100", grade="A")
    ledger.close_period(actor=enterprise.manager, period=enterprise.book.periods.get(name="2024-I"))
    with pytest.raises(ValidationError, match="está cerrado"):
        deliver(enterprise, producer, datetime.date(2024, 6, 21), "5", grade="A")
    with pytest.raises(ValidationError, match="está cerrado"):
        services.correct_delivery(actor=enterprise.manager, delivery=delivery, date=datetime.date(2024, 6, 30),
                                  reason="Eran 90 L", quantity="90")
    right = services.correct_delivery(actor=enterprise.manager, delivery=delivery, date=datetime.date(2024, 7, 2),
                                      reason="Eran 90 L", quantity="90")
    assert right.amount == D("121.50") and right.grade == "A"
    reversal = delivery.reversed_by
    assert reversal.quantity == D("-100") and reversal.amount == D("-135.00") and reversal.date.month == 7
    delivery.refresh_from_db()
    assert delivery.quantity == D("100")  # the wrong delivery stays as it was, reversed
    assert services.owed_to(enterprise, producer) == D("121.50")
    with pytest.raises(ValidationError, match="ya fue corregida"):
        services.reverse_delivery(actor=enterprise.manager, delivery=delivery, date=datetime.date(2024, 7, 3),
                                  reason="otra vez")
    assert balanced(enterprise)


def test_payments_never_exceed_what_is_owed_and_the_statement_adds_up(enterprise, producer):
    deliver(enterprise, producer, datetime.date(2024, 3, 1), "100", grade="A")  # 135.00
    deliver(enterprise, producer, datetime.date(2024, 3, 15), "50", grade="B")  # 55.00
    with pytest.raises(ValidationError, match="no se paga más"):
        services.pay_producer(actor=enterprise.manager, enterprise=enterprise, household=producer,
                              date=datetime.date(2024, 3, 31), amount="190.01", method="cash")
    with pytest.raises(ValidationError, match="no se compensa más"):  # no debt to offset
        services.pay_producer(actor=enterprise.manager, enterprise=enterprise, household=producer,
                              date=datetime.date(2024, 3, 31), amount="10", method="offset")
    payment = services.pay_producer(actor=enterprise.manager, enterprise=enterprise, household=producer,
                                    date=datetime.date(2024, 3, 31), amount="150", method="transfer")
    services.reverse_payment(actor=enterprise.manager, payment=payment, date=datetime.date(2024, 4, 1),
                             reason="Cuenta equivocada")
    services.pay_producer(actor=enterprise.manager, enterprise=enterprise, household=producer,
                          date=datetime.date(2024, 4, 2), amount="190", method="cash")
    assert services.owed_to(enterprise, producer) == 0
    statement = selectors.statement(enterprise, producer, datetime.date(2024, 3, 10), datetime.date(2024, 4, 30))
    assert statement.opening == D("135.00")
    assert [line.balance for line in statement.lines] == [D("190.00"), D("40.00"), D("190.00"), D("0.00")]
    assert statement.closing == services.owed_to(enterprise, producer)
    assert Payment.objects.filter(amount__lt=0).count() == 1
    assert balanced(enterprise)


def test_only_the_enterprise_manager_records_deliveries(enterprise, producer, technician, officer, coordinator):
    for outsider in (technician, officer, coordinator):
        with pytest.raises(PermissionDenied):
            services.record_delivery(actor=outsider, enterprise=enterprise, date=datetime.date(2024, 3, 1),
                                     centre=enterprise.centre, household=producer, product=enterprise.milk,
                                     quantity="10", grade="A")
    assert not Delivery.objects.exists()


def test_shares_are_paid_into_the_members_capital(enterprise, producer):
    member = producer.memberships.get()
    services.contribute_shares(actor=enterprise.manager, member=member, date=datetime.date(2024, 2, 1), amount="50")
    assert books.balance(enterprise.book, "5012", household=producer) == D("50.00")
    assert books.balance(enterprise.book, "1011") == D("50.00")
    with pytest.raises(ValidationError):
        services.contribute_shares(actor=enterprise.manager, member=member, date=datetime.date(2024, 2, 1),
                                   amount="0")
    assert balanced(enterprise)


def test_two_prices_never_cover_the_same_day(enterprise):
    with pytest.raises(ValidationError, match="Ya hay un precio"):
        services.set_price(actor=enterprise.manager, enterprise=enterprise, product=enterprise.milk, grade="A",
                           price="1.50", valid_from=datetime.date(2024, 12, 1), valid_to=datetime.date(2025, 1, 31))
    services.set_price(actor=enterprise.manager, enterprise=enterprise, product=enterprise.milk, grade="A",
                       price="1.50", valid_from=datetime.date(2025, 1, 1), valid_to=datetime.date(2025, 12, 31))
