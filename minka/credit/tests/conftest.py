import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from minka.accounts.models import Role
from minka.books import services as ledger
from minka.books.models import Book
from minka.conftest import make_user, register
from minka.credit import services
from minka.books.models import Period
from minka.credit.models import Fund, Innovation, Instalment
from minka.people.models import Organisation, ValueChain

D = Decimal


@pytest.fixture
def fund(places):
    """The innovation fund of Quispicanchi, its committee officer, yearly periods 2026–2028 and
    S/ 200,000 of capital: S/ 150,000 to lend, S/ 50,000 of guarantee."""
    organisation = Organisation.objects.create(name="Fondo de innovación", kind="ngo", territory=places["quispicanchi"])
    book = Book.objects.create(code="fondo", name="Fondo de innovación", territory=places["quispicanchi"],
                               organisation=organisation)
    fund = Fund.objects.create(code="fondo", name="Fondo de innovación y garantía", book=book)
    fund.officer = make_user("comite", Role.CREDIT, places["quispicanchi"])
    for year in (2026, 2027, 2028):
        ledger.open_period(actor=fund.officer, book=book, name=str(year), start=datetime.date(year, 1, 1),
                           end=datetime.date(year, 12, 31))
    services.receive_grant(actor=fund.officer, fund=fund, date=datetime.date(2026, 1, 5), donor="Programa",
                           amount="200000", loan_pool="150000")
    fund.monthly = services.define_product(
        fund=fund, code="mensual", name="Innovación mensual", min_amount=D("500"), max_amount=D("20000"),
        tea=D("18"), penalty_tea=D("12"), min_term=3, max_term=36, method="equal_instalments",
        upfront_fee_percent=D("1"), instalment_fee=D("2.00"))
    fund.seasonal = services.define_product(
        fund=fund, code="cosecha", name="Campaña con moratoria", min_amount=D("500"), max_amount=D("20000"),
        tea=D("14"), penalty_tea=D("10"), min_term=6, max_term=36, method="equal_instalments",
        moratorium_months=[12, 1, 2, 3])
    fund.shed = Innovation.objects.get(code="guinea-pig-shed")
    return fund


def approved(fund, household, *, product=None, amount="6000", term=12, date=datetime.date(2026, 4, 1),
             technician=None, chain=None):
    application = services.apply(
        actor=technician or fund.officer, fund=fund, product=product or fund.monthly, innovation=fund.shed,
        plan="Galpón de 40 m² con pozas", investment=amount, amount=amount, term_months=term, date=date,
        household=household, chain=chain)
    services.decide(actor=fund.officer, application=application, date=date + datetime.timedelta(days=7),
                    outcome="approve", members="Rosa Ccori\nJulián Huamán\nMarta Quispe", minutes="Acta 12")
    application.refresh_from_db()
    return application


def today():
    return timezone.localdate()


def open_years(fund, *years):
    for year in years:
        if not Period.objects.filter(book=fund.book, start__year=year).exists():
            ledger.open_period(actor=fund.officer, book=fund.book, name=str(year), start=datetime.date(year, 1, 1),
                               end=datetime.date(year, 12, 31))


def lend(fund, household, *, days_ago, amount="3000", term=12, chain="guinea-pig"):
    """A loan disbursed `days_ago` days ago (its application and decision a fortnight before)."""
    disbursed = today() - datetime.timedelta(days=days_ago)
    open_years(fund, disbursed.year - 1, disbursed.year, today().year, today().year + 1, today().year + 2)
    application = approved(fund, household, amount=amount, term=term, date=disbursed - datetime.timedelta(days=14),
                           chain=ValueChain.objects.get(code=chain))
    return services.disburse(actor=fund.officer, application=application, date=disbursed)


@pytest.fixture
def families(technician, places):
    return {
        "tinki": register(technician, places["tinki"], name="Familia Condori", chains=("milk",)),
        "pacchanta": register(technician, places["pacchanta"], name="Familia Mamani", chains=("guinea-pig",),
                              members=[{"given_names": "Teófilo", "surnames": "Mamani", "sex": "M", "role": "head",
                                        "birth_year": 1971}]),
        "ccopi": register(None, places["ccopi"], name="Familia Apaza", chains=("milk",)),
    }


@pytest.fixture
def portfolio(fund, families):
    """Three loans: one paid on time, one more than 30 days late (Pacchanta), one in Ccatca."""
    on_time = lend(fund, families["tinki"], days_ago=75, chain="milk")
    for instalment in Instalment.objects.filter(loan=on_time, due_date__lte=today()).order_by("number"):
        services.repay(actor=fund.officer, loan=on_time, date=instalment.due_date, amount=instalment.due)
    late = lend(fund, families["pacchanta"], days_ago=100, amount="2000")
    ccatca = lend(fund, families["ccopi"], days_ago=10, amount="1500", chain="milk")
    return {"on_time": on_time, "late": late, "ccatca": ccatca}
