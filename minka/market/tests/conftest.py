import datetime
from decimal import Decimal

import pytest

from minka.accounts.models import Role
from minka.books import services as ledger
from minka.books.models import Book
from minka.chains.models import Unit
from minka.conftest import make_user, register
from minka.market import services
from minka.market.models import CollectionCentre, Enterprise, Product
from minka.people.models import Organisation, ValueChain


@pytest.fixture
def enterprise(places):
    """D'Ausangate in Quispicanchi, its manager, a collection centre in Ocongate, milk and guinea pig
    at their prices for 2024, two periods (January–June, July–December)."""
    organisation = Organisation.objects.create(name="D'Ausangate", kind="enterprise", territory=places["quispicanchi"])
    book = Book.objects.create(code="dausangate", name="D'Ausangate", territory=places["quispicanchi"],
                               organisation=organisation)
    enterprise = Enterprise.objects.create(organisation=organisation, book=book)
    manager = make_user("gerente", Role.ENTERPRISE, places["quispicanchi"])
    for name, start, end in [("2024-I", (2024, 1, 1), (2024, 6, 30)), ("2024-II", (2024, 7, 1), (2024, 12, 31))]:
        ledger.open_period(actor=manager, book=book, name=name, start=datetime.date(*start),
                           end=datetime.date(*end))
    enterprise.manager = manager
    enterprise.centre = CollectionCentre.objects.create(enterprise=enterprise, name="Acopio Tinki",
                                                        territory=places["tinki"])
    milk = Product.objects.create(code="milk", name="Leche fresca", kind="raw", unit=Unit.objects.get(code="l"),
                                  chain=ValueChain.objects.get(code="milk"))
    guinea_pig = Product.objects.create(code="guinea-pig", name="Cuy vivo", kind="raw",
                                        unit=Unit.objects.get(code="count"),
                                        chain=ValueChain.objects.get(code="guinea-pig"))
    year = (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    services.set_price(actor=manager, enterprise=enterprise, product=milk, grade="A", price="1.35", valid_from=year[0],
                       valid_to=year[1])
    services.set_price(actor=manager, enterprise=enterprise, product=milk, grade="B", price="1.10", valid_from=year[0],
                       valid_to=year[1], quality_factor="0.8")
    services.set_price(actor=manager, enterprise=enterprise, product=guinea_pig, grade="A", price="18",
                       valid_from=year[0], valid_to=datetime.date(2024, 9, 30))
    enterprise.milk, enterprise.guinea_pig = milk, guinea_pig
    return enterprise


@pytest.fixture
def producer(enterprise, technician, places):
    family = register(technician, places["tinki"], name="Familia Condori", chains=("milk", "guinea-pig"))
    services.admit_member(actor=enterprise.manager, enterprise=enterprise, household=family,
                          joined_on=datetime.date(2023, 5, 1))
    return family


D = Decimal
