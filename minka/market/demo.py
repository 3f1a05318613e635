"""The demo enterprise: D'Ausangate in Quispicanchi with its statute, a collection centre per
district, milk and guinea pigs bought from member families since July 2025, fortnightly milk
deliveries paid each month, and its books in half-year periods. Everything goes through the
services, so the demo's books are what the real ones would be."""

import datetime
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from minka.books import services as ledger
from minka.books.models import Account, Book
from minka.chains.models import Unit
from minka.people.models import Household, Organisation, ValueChain
from minka.territory.models import Territory

from . import closing, lots, services
from .models import BrandRule, CollectionCentre, Customer, Enterprise, Product, StatuteFund

PERIODS = [("2025-II", (2025, 7, 1), (2025, 12, 31)), ("2026-I", (2026, 1, 1), (2026, 6, 30)),
           ("2026-II", (2026, 7, 1), (2026, 12, 31))]
# product code, grade, price, valid from, valid to, quality factor
PRICES = [("milk", "A", "1.40", (2025, 7, 1), (2026, 6, 30), "1"), ("milk", "B", "1.15", (2025, 7, 1), (2026, 6, 30), "0.8"),
          ("milk", "A", "1.50", (2026, 7, 1), (2026, 12, 31), "1"), ("milk", "B", "1.20", (2026, 7, 1), (2026, 12, 31), "0.8"),
          ("guinea-pig", "A", "18", (2025, 7, 1), (2026, 12, 31), "1")]


def _products():
    litre, unit = Unit.objects.get(code="l"), Unit.objects.get(code="count")
    milk, _created = Product.objects.get_or_create(code="milk", defaults={
        "name": "Leche fresca", "name_quz": "Chaqlla ñuñu", "name_fr": "Lait frais", "name_en": "Fresh milk",
        "kind": Product.Kind.RAW, "unit": litre, "chain": ValueChain.objects.get(code="milk")})
    guinea_pig, _created = Product.objects.get_or_create(code="guinea-pig", defaults={
        "name": "Cuy vivo", "name_quz": "Kawsaq quwi", "name_fr": "Cochon d'Inde vivant", "name_en": "Live guinea pig",
        "kind": Product.Kind.RAW, "unit": unit, "chain": ValueChain.objects.get(code="guinea-pig")})
    cheese, _created = Product.objects.get_or_create(code="cheese", defaults={
        "name": "Queso fresco", "name_quz": "Quesillo", "name_fr": "Fromage frais", "name_en": "Fresh cheese",
        "kind": Product.Kind.PROCESSED, "unit": Unit.objects.get(code="kg"), "chain": ValueChain.objects.get(code="dairy"),
        "made_from": milk, "max_yield": Decimal("0.14")})  # about 7 L of milk per kg of fresh cheese
    kg = Unit.objects.get(code="kg")
    # the rest of the catalogue the enterprise works with (priced and bought when the lines start)
    more = [("guinea-pig-kg", "Carne de cuy", "Quwi aycha", "Viande de cochon d'Inde", "Guinea pig meat", "guinea-pig"),
            ("native-potato", "Papa nativa", "Papa", "Pomme de terre native", "Native potato", "native-potato"),
            ("mushroom", "Hongo fresco", "Chaqlla k'allampa", "Champignon frais", "Fresh mushroom", "mushroom")]
    for code, es, quz, fr, en, chain in more:
        Product.objects.get_or_create(code=code, defaults={"name": es, "name_quz": quz, "name_fr": fr, "name_en": en,
                                                           "kind": Product.Kind.RAW, "unit": kg,
                                                           "chain": ValueChain.objects.get(code=chain)})
    Product.objects.get_or_create(code="yoghurt", defaults={
        "name": "Yogur", "name_quz": "Yogur", "name_fr": "Yaourt", "name_en": "Yoghurt", "kind": Product.Kind.PROCESSED,
        "unit": Unit.objects.get(code="l"), "chain": ValueChain.objects.get(code="dairy"), "made_from": milk,
        "max_yield": Decimal("1")})
    Product.objects.get_or_create(code="dried-mushroom", defaults={
        "name": "Hongo deshidratado", "name_quz": "Ch'akisqa k'allampa", "name_fr": "Champignon séché",
        "name_en": "Dried mushroom", "kind": Product.Kind.PROCESSED, "unit": kg,
        "chain": ValueChain.objects.get(code="mushroom"), "made_from": Product.objects.get(code="mushroom"),
        "max_yield": Decimal("0.12")})  # about 8 kg of fresh mushrooms per kg dried
    return {"milk": milk, "guinea-pig": guinea_pig, "cheese": cheese}


@transaction.atomic
def create_enterprise(rng, *, manager):
    """The enterprise and its first year and a half; nothing when it exists already."""
    organisation = Organisation.objects.filter(is_demo=True, kind=Organisation.Kind.ENTERPRISE).first()
    if organisation is None or Enterprise.objects.filter(organisation=organisation).exists():
        return 0
    province = Territory.objects.get(code="0812")
    book = Book.objects.create(code="dausangate", name="Empresa D'Ausangate", organisation=organisation,
                               territory=province, is_demo=True)
    enterprise = Enterprise.objects.create(organisation=organisation, book=book, retained_percent=Decimal("20"))
    StatuteFund.objects.create(enterprise=enterprise, name="Fondo de educación", percent=Decimal("5"),
                               account=Account.objects.get(code="5841"))
    StatuteFund.objects.create(enterprise=enterprise, name="Fondo comunal", percent=Decimal("5"),
                               account=Account.objects.get(code="5842"))
    for name, start, end in PERIODS:
        ledger.open_period(actor=manager, book=book, name=name, start=datetime.date(*start), end=datetime.date(*end))
    ccaijo = Organisation.objects.get(is_demo=True, name="CCAIJO")  # working capital until sales come in
    ledger.post_entry(actor=manager, book=book, date=datetime.date(2025, 7, 1), source="demo",
                      memo="Préstamo de capital de trabajo de CCAIJO", lines=[
                          ledger.Posting("1041", debit=Decimal("300000")),
                          ledger.Posting("4699", credit=Decimal("300000"), organisation=ccaijo)])
    products = _products()
    for code, grade, price, start, end, factor in PRICES:
        services.set_price(actor=manager, enterprise=enterprise, product=products[code], grade=grade, price=price,
                           valid_from=datetime.date(*start), valid_to=datetime.date(*end), quality_factor=factor)
    BrandRule.objects.create(enterprise=enterprise, kind=BrandRule.Kind.STAGE, parameter="transition")
    BrandRule.objects.create(enterprise=enterprise, kind=BrandRule.Kind.DISTRICTS, parameter="081210,081205")
    customers = [Customer.objects.create(enterprise=enterprise, name=name, channel=channel,
                                         territory=Territory.objects.get(code=code))
                 for name, channel, code in [("Hotel Ausangate", "restaurant", "081210"),
                                             ("Restaurante Sabores de Ocongate", "restaurant", "081210"),
                                             ("Bodega San Martín", "shop", "081205"),
                                             ("Feria agroecológica de Urcos", "fair", "0812"),
                                             ("Programa Qali Warma (Quispicanchi)", "institution", "0812")]]
    centres = {code: CollectionCentre.objects.create(enterprise=enterprise, name=f"Centro de acopio {name}",
                                                     territory=Territory.objects.get(code=code))
               for code, name in [("081210", "Ocongate"), ("081205", "Ccatca")]}
    members = []
    for code, centre in centres.items():
        for chain, count in (("milk", 12), ("guinea-pig", 4)):
            families = list(Household.objects.filter(is_demo=True, community__path__startswith=centre.territory.path,
                                                     enrolments__chain__code=chain).order_by("pk")[:count])
            members += [(family, centre, products[chain]) for family in families]
    for family, _centre, _product in members:
        if not family.memberships.exists():
            member = services.admit_member(actor=manager, enterprise=enterprise, household=family,
                                           joined_on=datetime.date(2025, 6, 1))
            services.contribute_shares(actor=manager, member=member, date=datetime.date(2025, 7, 1), amount="50")
    today, day, deliveries = timezone.localdate(), datetime.date(2025, 7, 15), 0
    while day <= min(today, datetime.date(2026, 11, 30)):
        _fresh_statistics()
        if day.day > 20:  # at the end of each month, what was owed until then is paid
            payments = [(family, services.owed_to(enterprise, family), "cash" if rng.random() < 0.7 else "transfer")
                        for family in sorted({family for family, _c, _p in members}, key=lambda family: family.pk)]
            cash = sum((owed for _f, owed, method in payments if method == "cash" and owed > 0), Decimal(0))
            if cash:  # the cash is drawn from the bank that morning
                ledger.post_entry(actor=manager, book=book, date=day, source="demo",
                                  memo="Retiro del banco para pagos en efectivo", lines=[
                                      ledger.Posting("1011", debit=cash), ledger.Posting("1041", credit=cash)])
            for family, owed, method in payments:
                if owed > 0:
                    services.pay_producer(actor=manager, enterprise=enterprise, household=family, date=day, amount=owed,
                                          method=method)
        for family, centre, product in members:
            if product.code == "milk":  # a fortnight of milk, in one delivery
                quantity = Decimal(rng.randint(90, 300))
                grade = "A" if rng.random() < 0.85 else "B"
            elif day.day < 20:  # guinea pigs once a month
                quantity, grade = Decimal(rng.randint(2, 8)), "A"
            else:
                continue
            services.record_delivery(actor=manager, enterprise=enterprise, date=day, centre=centre, household=family,
                                     product=product, quantity=quantity, grade=grade)
            deliveries += 1
        if day.day > 20:
            _make_and_sell(rng, enterprise, manager, products, customers, day)
        day = day.replace(day=28) if day.day == 15 else (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=15)
    _close_and_pay(enterprise, manager, today)
    return deliveries


def _fresh_statistics():
    """On PostgreSQL, the planner learns the size of the tables this bulk load fills as it goes (each
    fortnight): without it, the queries of the services on new, growing tables can be planned badly."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE books_entry, books_line, market_delivery, market_payment, market_lot, "
                           "market_lotinput, market_saleline, market_sale, market_member, chains_record, "
                           "chains_practiceassessment, people_household")


COSTS = [("processing", "6211", "Jornales de la planta quesera", "2400"), ("transport", "6311", "Flete a Cusco", "450"),
         ("overhead", "6361", "Energía eléctrica de la planta", "120"),
         ("processing", "6561", "Envases y etiquetas", "200")]


def _make_and_sell(rng, enterprise, manager, products, customers, day):
    """The month's milk made into cheese (a lot under the brand from the families who meet the
    charter, another from the others), its guinea pigs into a lot; all sold, most of it paid; the
    month's costs."""
    month = day.replace(day=1)
    for centre in enterprise.centres.order_by("pk"):
        code = centre.territory.code[-2:]
        for product, output in ((products["milk"], products["cheese"]), (products["guinea-pig"], products["guinea-pig"])):
            available = [d for d in enterprise.deliveries.filter(centre=centre, product=product, date__gte=month,
                                                                 date__lte=day, reverses__isnull=True)
                         if lots.available_of_delivery(d) > 0]
            branded = [d for d in available if not lots.charter_reasons(enterprise, [d], day)]
            for tag, group in (("M", branded), ("S", [d for d in available if d not in branded])):
                if not group:
                    continue
                raw = sum((lots.available_of_delivery(d) for d in group), Decimal(0))
                quantity = (raw * Decimal("0.12")).quantize(Decimal("0.1")) if output != product else raw
                lot = services.make_lot(actor=manager, enterprise=enterprise, product=output, made_on=day,
                                        code=f"{output.code[:3].upper()}-{day:%y%m}-{code}{tag}", quantity=quantity,
                                        deliveries=[(d, lots.available_of_delivery(d)) for d in group],
                                        best_before=day + datetime.timedelta(days=30) if output != product else None)
                price = {("cheese", True): "24", ("cheese", False): "18", ("guinea-pig", True): "30",
                         ("guinea-pig", False): "25"}[output.code, lot.branded]
                sale = services.sell(actor=manager, enterprise=enterprise, customer=rng.choice(customers), date=day,
                                     lines=[(lot, lot.quantity, price)])
                if rng.random() < 0.9:
                    services.receive(actor=manager, sale=sale, date=day, amount=sale.amount, method="transfer")
    for kind, account, description, amount in COSTS:
        services.record_cost(actor=manager, enterprise=enterprise, date=day, kind=kind, account=account,
                             description=description, amount=amount, paid_by="transfer")


def _close_and_pay(enterprise, manager, today):
    """The first two half-years closed and their refunds paid early in the next one; the last open."""
    for period, paid_on in zip(enterprise.book.periods.order_by("start")[:2],
                               (datetime.date(2026, 2, 20), datetime.date(2026, 8, 20))):
        if period.end >= today:
            break
        done = closing.close(actor=manager, enterprise=enterprise, period=period)
        if paid_on <= today:
            for refund in done.refunds.select_related("household"):
                if refund.paid_out:
                    services.pay_refund(actor=manager, enterprise=enterprise, household=refund.household,
                                        date=paid_on, amount=refund.paid_out, method="transfer")
