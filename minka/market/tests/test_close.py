"""From deliveries to the redistribution, end to end: lots under the brand charter, sales, receipts,
costs, the period closed and its surplus shared to the céntimo, the books balanced throughout."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from minka.books import selectors as books
from minka.books.models import Account
from minka.chains import services as chains
from minka.chains.models import Measure, PracticeAssessment, Unit
from minka.conftest import register
from minka.market import closing, lots, services
from minka.market.models import BrandRule, Customer, Lot, Product, Refund, StatuteFund
from minka.market.tests.conftest import D
from minka.people.models import Consent, ValueChain


@pytest.fixture
def dairy(enterprise, producer, technician, places):
    """Two producers in transition, their milk tested, a cheese line and the brand charter."""
    second = register(technician, places["pacchanta"], name="Familia Mamani", chains=("milk",))
    services.admit_member(actor=enterprise.manager, enterprise=enterprise, household=second,
                          joined_on=datetime.date(2023, 5, 1))
    for family in (producer, second):
        PracticeAssessment.objects.create(household=family, date=datetime.date(2024, 1, 10), stage="transition")
    cheese = Product.objects.create(code="cheese", name="Queso andino", kind="processed", unit=Unit.objects.get(code="kg"),
                                    chain=ValueChain.objects.get(code="dairy"), made_from=enterprise.milk,
                                    max_yield=D("0.14"))
    for kind, parameter in [("stage", "transition"), ("quality", ""), ("districts", "081210,081205")]:
        BrandRule.objects.create(enterprise=enterprise, kind=kind, parameter=parameter)
    StatuteFund.objects.create(enterprise=enterprise, name="Educación", percent=D("5"),
                               account=Account.objects.get(code="5841"))
    enterprise.reserve_percent, enterprise.retained_percent = D("20"), D("10")
    enterprise.save()
    fat = Measure.objects.get(code="milk-fat")
    milk = ValueChain.objects.get(code="milk")

    def deliver(family, day, litres, fat_percent="3.6"):
        test = chains.record_measurements(actor=technician, household=family, purpose="quality", chain=milk, date=day,
                                          values={fat: fat_percent})
        return services.record_delivery(actor=enterprise.manager, enterprise=enterprise, date=day,
                                        centre=enterprise.centre, household=family, product=enterprise.milk,
                                        quantity=litres, quality_test=test)

    enterprise.cheese, enterprise.second, enterprise.deliver = cheese, second, deliver
    return enterprise


def test_a_lot_cannot_yield_more_than_its_milk_nor_use_milk_twice(dairy, producer):
    delivery = dairy.deliver(producer, datetime.date(2024, 3, 1), "100")
    make = dict(actor=dairy.manager, enterprise=dairy, product=dairy.cheese, made_on=datetime.date(2024, 3, 2))
    with pytest.raises(ValidationError, match="como máximo 14"):
        services.make_lot(code="Q-1", quantity="14.5", deliveries=[(delivery, "100")], **make)
    with pytest.raises(ValidationError, match="quedan 100"):
        services.make_lot(code="Q-1", quantity="10", deliveries=[(delivery, "120")], **make)
    services.make_lot(code="Q-1", quantity="8.4", deliveries=[(delivery, "60")], **make)
    with pytest.raises(ValidationError, match="quedan 40"):
        services.make_lot(code="Q-2", quantity="5", deliveries=[(delivery, "60")], **make)
    with pytest.raises(ValidationError, match="Ya existe"):
        services.make_lot(code="Q-1", quantity="5", deliveries=[(delivery, "40")], **make)
    assert Lot.objects.count() == 1


def test_the_charter_says_why_a_lot_does_not_carry_the_brand(dairy, producer):
    good = dairy.deliver(producer, datetime.date(2024, 3, 1), "100")
    poor = dairy.deliver(dairy.second, datetime.date(2024, 3, 1), "50", fat_percent="2.5")  # fails the test
    make = dict(actor=dairy.manager, enterprise=dairy, product=dairy.cheese, made_on=datetime.date(2024, 3, 2))
    branded = services.make_lot(code="Q-1", quantity="5", deliveries=[(good, "40")], **make)
    assert branded.branded and branded.not_branded_because == []
    mixed = services.make_lot(code="Q-2", quantity="5", deliveries=[(good, "30"), (poor, "20")], **make)
    assert not mixed.branded and "Familia Mamani" in mixed.not_branded_because[0]
    PracticeAssessment.objects.filter(household=producer).update(stage="conventional")
    later = services.make_lot(code="Q-3", quantity="2", deliveries=[(good, "20")], **make)
    assert not later.branded and "Familia Condori" in later.not_branded_because[0]
    trace = lots.traceability(mixed)
    assert trace["families"] is None and trace["few"]  # two families: not counted in public
    assert trace["women_share"] is None and trace["practices"] == []
    assert {c.name for c in trace["communities"]} == {"Tinki", "Pacchanta"}
    assert trace["named"] == []  # no family consented to be named
    Consent.objects.create(household=producer, given_on=datetime.date(2024, 1, 1), scope=Consent.Scope.PUBLIC)
    assert lots.traceability(mixed)["named"] == ["Familia Condori"]


def test_from_deliveries_to_the_redistribution(dairy, producer):
    a = dairy.deliver(producer, datetime.date(2024, 3, 1), "300")
    b = dairy.deliver(dairy.second, datetime.date(2024, 3, 2), "100")
    make = dict(actor=dairy.manager, enterprise=dairy, product=dairy.cheese, made_on=datetime.date(2024, 3, 3))
    lot = services.make_lot(code="Q-24-001", quantity="56", deliveries=[(a, "300"), (b, "100")], **make)
    assert lot.branded
    hotel = Customer.objects.create(enterprise=dairy, name="Hotel Ausangate", channel="restaurant")
    with pytest.raises(ValidationError, match="quedan 56"):
        services.sell(actor=dairy.manager, enterprise=dairy, customer=hotel, date=datetime.date(2024, 3, 10),
                      lines=[(lot, "57", "25")])
    sale = services.sell(actor=dairy.manager, enterprise=dairy, customer=hotel, date=datetime.date(2024, 3, 10),
                         lines=[(lot, "56", "25")])  # S/ 1,400.00
    assert sale.number == 1 and sale.amount == D("1400.00")
    with pytest.raises(ValidationError, match="quedan 0"):
        services.sell(actor=dairy.manager, enterprise=dairy, customer=hotel, date=datetime.date(2024, 3, 11),
                      lines=[(lot, "1", "25")])
    with pytest.raises(ValidationError, match="por cobrar"):
        services.receive(actor=dairy.manager, sale=sale, date=datetime.date(2024, 3, 20), amount="1500",
                         method="transfer")
    services.receive(actor=dairy.manager, sale=sale, date=datetime.date(2024, 3, 20), amount="1400", method="transfer")
    services.record_cost(actor=dairy.manager, enterprise=dairy, date=datetime.date(2024, 3, 15), kind="transport",
                         account="6311", description="Flete a Cusco", amount="120", paid_by="cash")
    with pytest.raises(ValidationError, match="cuenta de gasto"):
        services.record_cost(actor=dairy.manager, enterprise=dairy, date=datetime.date(2024, 3, 15), kind="transport",
                             account="1011", description="x", amount="1", paid_by="cash")
    # purchases 300 × 1.35 + 100 × 1.35 = 540.00; surplus 1,400 − 540 − 120 = 740.00
    period = dairy.book.periods.get(name="2024-I")
    preview = closing.preview(dairy, period)
    assert (preview.branded_revenue, preview.purchases, preview.costs, preview.surplus) == (
        D("1400.00"), D("540.00"), D("120.00"), D("740.00"))
    allocation = preview.allocation
    assert allocation.reserve == D("148.00") and list(allocation.funds.values()) == [D("37.00")]
    # 555.00 to producers, 3:1 by litres (same grade)
    assert allocation.refunds[producer].amount == D("416.25") and allocation.refunds[dairy.second].amount == D("138.75")
    assert not period.is_closed  # a preview writes nothing
    result = closing.close(actor=dairy.manager, enterprise=dairy, period=period)
    period.refresh_from_db()
    assert period.is_closed and result.surplus == D("740.00")
    refund = Refund.objects.get(household=producer)
    assert (refund.amount, refund.retained, refund.paid_out) == (D("416.25"), D("41.63"), D("374.62"))
    book = dairy.book
    for code in ("7021", "6021", "6311"):  # the period's income and expenses are closed
        assert books.balance(book, code) == 0
    assert books.balance(book, "5821") == D("148.00") and books.balance(book, "5841") == D("37.00")
    assert books.balance(book, "4419", household=producer) == D("374.62")
    assert books.balance(book, "5012", household=producer) == D("41.63")
    debit, credit = books.totals(books.trial_balance(book))
    assert debit == credit
    with pytest.raises(ValidationError, match="está cerrado"):  # later corrections go to the next period
        dairy.deliver(producer, datetime.date(2024, 6, 1), "10")
    with pytest.raises(ValidationError, match="ya está cerrado"):
        closing.close(actor=dairy.manager, enterprise=dairy, period=period)


def test_periods_close_in_order(dairy):
    with pytest.raises(ValidationError, match="periodos anteriores"):
        closing.close(actor=dairy.manager, enterprise=dairy, period=dairy.book.periods.get(name="2024-II"))


def test_the_manager_makes_a_lot_sells_it_and_closes_the_period_through_the_pages(client_for, dairy, producer):
    from django.urls import reverse

    a = dairy.deliver(producer, datetime.date(2024, 3, 1), "300")
    client = client_for(dairy.manager)
    page = client.post(reverse("lot_list", args=[dairy.pk]), {
        "code": "Q-9", "product": dairy.cheese.pk, "made_on": "2024-03-02", "quantity": "50",
        "deliveries": [a.pk]}, follow=True).content.decode()
    assert "como máximo 42" in page and not Lot.objects.exists()
    page = client.post(reverse("lot_list", args=[dairy.pk]), {
        "code": "Q-9", "product": dairy.cheese.pk, "made_on": "2024-03-02", "quantity": "36",
        "deliveries": [a.pk]}, follow=True).content.decode()
    assert "registrado con la marca" in page
    lot = Lot.objects.get()
    customer = Customer.objects.create(enterprise=dairy, name="Feria de Ocongate", channel="fair")
    page = client.post(reverse("sale_list", args=[dairy.pk]), {
        "customer": customer.pk, "date": "2024-03-05", "lot": lot.pk, "quantity": "36", "unit_price": "22"},
        follow=True).content.decode()
    assert "Venta N.º 1 registrada: S/ 792.00" in page and "Feria" in page
    page = client.post(reverse("cost_list", args=[dairy.pk]), {
        "date": "2024-03-05", "kind": "processing", "account": Account.objects.get(code="6561").pk,
        "description": "Envases", "amount": "40", "paid_by": "cash"}, follow=True).content.decode()
    assert "Costo registrado" in page
    period = dairy.book.periods.get(name="2024-I")
    url = reverse("period_closing", args=[dairy.pk, period.pk])
    page = client.get(url).content.decode()
    assert "Vista previa" in page and "347.00" in page  # 792 − 405 − 40
    page = client.post(url, follow=True).content.decode()
    assert "cerrado y excedente repartido" in page and "Familia Condori" in page
    period.refresh_from_db()
    assert period.is_closed and Refund.objects.get().amount == D("260.25")  # 347 less 20 % and 5 %


def test_the_enterprise_figures_for_the_observatory(dairy, producer):
    from minka.market import indicators

    a = dairy.deliver(producer, datetime.date(2024, 3, 1), "300")
    b = dairy.deliver(dairy.second, datetime.date(2024, 3, 2), "100")
    lot = services.make_lot(actor=dairy.manager, enterprise=dairy, code="Q-1", product=dairy.cheese,
                            made_on=datetime.date(2024, 3, 3), quantity="56", deliveries=[(a, "300"), (b, "100")])
    hotel = Customer.objects.create(enterprise=dairy, name="Hotel", channel="restaurant")
    services.sell(actor=dairy.manager, enterprise=dairy, customer=hotel, date=datetime.date(2024, 3, 10),
                  lines=[(lot, "56", "25")])
    closing.close(actor=dairy.manager, enterprise=dairy, period=dairy.book.periods.get(name="2024-I"))
    year = (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    assert indicators.revenue(dairy, *year) == {"revenue": D("1400.00"), "branded_revenue": D("1400.00")}
    assert indicators.redistributed(dairy, *year) == D("645.00")  # (1,400 − 540) less 20 % and 5 %
    income = indicators.income_per_family(dairy, *year)
    assert income[producer.pk] == {"milk": D("405.00"), "dairy": D("483.75")}  # its milk, its share of cheese's
    assert income[dairy.second.pk] == {"milk": D("135.00"), "dairy": D("161.25")}
    by_district = indicators.income_by_place(dairy, *year)
    assert {unit.name: value for unit, value in by_district.items()} == {"Ocongate": (2, D("1185.00"))}


def test_each_producer_gets_a_statement_of_their_share_in_spanish_and_quechua(client_for, dairy, producer):
    from django.urls import reverse

    a = dairy.deliver(producer, datetime.date(2024, 3, 1), "300")
    lot = services.make_lot(actor=dairy.manager, enterprise=dairy, code="Q-1", product=dairy.cheese,
                            made_on=datetime.date(2024, 3, 3), quantity="42", deliveries=[(a, "300")])
    hotel = Customer.objects.create(enterprise=dairy, name="Hotel", channel="restaurant")
    services.sell(actor=dairy.manager, enterprise=dairy, customer=hotel, date=datetime.date(2024, 3, 10),
                  lines=[(lot, "42", "25")])
    period = dairy.book.periods.get(name="2024-I")
    closing.close(actor=dairy.manager, enterprise=dairy, period=period)
    client = client_for(dairy.manager)
    page = client.get(reverse("period_closing", args=[dairy.pk, period.pk])).content.decode()
    url = reverse("refund_statement", args=[dairy.pk, period.pk, producer.pk])
    assert url in page
    for language in ("es", "quz"):
        response = client.get(url, {"lang": language})
        assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
        assert f"-{language}.pdf" in response["Content-Disposition"]
    assert client.get(reverse("refund_statement", args=[dairy.pk, period.pk, dairy.second.pk])).status_code == 404


def test_an_invoice_per_sale_and_new_outlets_counted(client_for, dairy, producer):
    from django.urls import reverse

    from minka.market import indicators

    a = dairy.deliver(producer, datetime.date(2024, 3, 1), "300")
    lot = services.make_lot(actor=dairy.manager, enterprise=dairy, code="Q-1", product=dairy.cheese,
                            made_on=datetime.date(2024, 3, 3), quantity="42", deliveries=[(a, "300")])
    fair = Customer.objects.create(enterprise=dairy, name="Feria de Urcos", channel="fair", ruc="20123456789")
    shop = Customer.objects.create(enterprise=dairy, name="Bodega", channel="shop")
    sale = services.sell(actor=dairy.manager, enterprise=dairy, customer=fair, date=datetime.date(2024, 3, 10),
                         lines=[(lot, "10", "25")])
    services.sell(actor=dairy.manager, enterprise=dairy, customer=shop, date=datetime.date(2024, 7, 10),
                  lines=[(lot, "2", "25")])
    services.receive(actor=dairy.manager, sale=sale, date=datetime.date(2024, 3, 20), amount="100", method="cash")
    page = client_for(dairy.manager).get(reverse("sale_invoice", args=[dairy.pk, sale.pk])).content.decode()
    assert "Comprobante N.º 1" in page and "20123456789" in page and "250.00" in page and "150.00" in page
    assert indicators.new_outlets(dairy, datetime.date(2024, 1, 1), datetime.date(2024, 6, 30)) == [fair]
    assert indicators.new_outlets(dairy, datetime.date(2024, 7, 1), datetime.date(2024, 12, 31)) == [shop]
