"""The demo fund: D'Ausangate's innovation and guarantee fund in Quispicanchi, capital from a
European grant in August 2025, two products, about fifty loans to families in every state a
portfolio holds (paid on time, late, prepaid, paid off, in default, rescheduled, written off),
applications waiting for the committee or for their disbursement, and a guarantee agreement with a
caja municipal. Everything goes through the services, so its books are what real ones would be."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from minka.accounts.permissions import APPLY_CREDIT, can
from minka.books import services as ledger
from minka.books.models import Book
from minka.people.models import Household, Organisation, ValueChain
from minka.territory.models import Territory

from . import guarantees, services
from .models import Decision, Fund, Innovation, Loan

D = Decimal
MEMBERS = "Rosa Ccori Mamani\nJulián Huamán Quispe\nMarta Quispe Condori\nPadre Mario Zamalloa (CCAIJO)"
PLANS = {
    "milking-equipment": "Máquina de ordeño de un puesto y tanque de frío de 100 L para el acopio de la mañana.",
    "guinea-pig-shed": "Galpón mejorado de 40 m² con pozas de adobe y comederos; 60 cuyes reproductores.",
    "solar-dryer": "Secador solar de 6 m² para hongos y hierbas aromáticas.",
    "greenhouse": "Fitotoldo de 60 m² para hortalizas de consumo y venta en la feria de Urcos.",
    "irrigation-kit": "Kit de riego por aspersión para 0,5 ha de pastos cultivados (rye grass y trébol).",
    "cheese-workshop": "Prensa, moldes y tina de acero para queso fresco.",
}
# behaviour of a borrower: (share of loans, days late when paying, instalments paid before stopping)
HABITS = [("on_time", 0.55), ("late", 0.15), ("default", 0.10), ("prepays", 0.10), ("pays_off", 0.10)]


def _habit(rng):
    draw, total = rng.random(), 0
    for habit, share in HABITS:
        total += share
        if draw < total:
            return habit
    return HABITS[0][0]


def _settle(rng, officer, loan, habit, today):
    """The borrower's payments up to today, as their habit has it."""
    paid, stop_after, last = 0, rng.randint(1, 3), loan.disbursed_on + datetime.timedelta(days=1)
    while loan.status == Loan.Status.ACTIVE:
        oldest = loan.instalments.filter(schedule__active=True, settled_on__isnull=True).order_by("due_date").first()
        if oldest is None:
            return
        delay = {"on_time": rng.randint(-3, 2), "late": rng.choice([0, 5, 38, 45, 70]),
                 "default": rng.randint(0, 10)}.get(habit, rng.randint(-2, 2))
        date = max(oldest.due_date + datetime.timedelta(days=delay), last)
        if date > today or (habit == "default" and paid >= stop_after):
            return
        owed = services.owed_on(loan, date)
        amount = owed[0][1].total
        if habit == "prepays" and paid == 2:
            amount += (loan.outstanding / 3).quantize(D("1"))
        if habit == "pays_off" and paid == 3:
            amount = services.payoff(loan, date)
        services.repay(actor=officer, loan=loan, date=date, amount=amount,
                       method=rng.choice(["cash", "cash", "transfer"]))
        loan.refresh_from_db()
        paid, last = paid + 1, date


@transaction.atomic
def create_fund(rng, *, officer, technician):
    """The fund and its history; nothing when it exists already. Returns the number of loans."""
    if Fund.objects.filter(is_demo=True).exists():
        return 0
    province = Territory.objects.get(code="0812")
    ngo = Organisation.objects.get(is_demo=True, name="CCAIJO")
    book = Book.objects.create(code="fondo-innovacion", name="Fondo de innovación y garantía D'Ausangate",
                               organisation=ngo, territory=province, is_demo=True)
    fund = Fund.objects.create(code="fondo-innovacion", name="Fondo de innovación y garantía D'Ausangate",
                               book=book, is_demo=True)
    from minka.market.models import Enterprise

    fund.offset_enterprises.set(Enterprise.objects.filter(book__is_demo=True))
    for year in (2025, 2026, 2027):
        ledger.open_period(actor=officer, book=book, name=str(year), start=datetime.date(year, 1, 1),
                           end=datetime.date(year, 12, 31))
    services.receive_grant(actor=officer, fund=fund, date=datetime.date(2025, 8, 4),
                           donor="Programa D'Ausangate (cooperación europea)", amount="40000", currency="EUR",
                           exchange_rate="3.9520", loan_pool="118080")
    monthly = services.define_product(
        fund=fund, code="innovacion-mensual", name="Innovación con cuotas mensuales", min_amount=D("1000"),
        max_amount=D("10000"), tea=D("16"), penalty_tea=D("12"), min_term=6, max_term=24,
        method="equal_instalments", upfront_fee_percent=D("1"))
    seasonal = services.define_product(
        fund=fund, code="campana", name="Campaña: pagos después de la cosecha", min_amount=D("1000"),
        max_amount=D("8000"), tea=D("14"), penalty_tea=D("10"), min_term=12, max_term=24, frequency="seasonal",
        due_months=[5, 6, 7, 8], method="equal_principal", moratorium_months=[12, 1, 2, 3])
    innovations = {i.code: i for i in Innovation.objects.all()}
    chains = {c.code: c for c in ValueChain.objects.all()}
    chains_of = {"milk": ["milking-equipment", "irrigation-kit"], "guinea-pig": ["guinea-pig-shed"],
                 "dairy": ["cheese-workshop"], "mushroom": ["solar-dryer"], "native-potato": ["greenhouse", "irrigation-kit"]}
    families = list(Household.objects.filter(is_demo=True, community__path__startswith=province.path,
                                             enrolments__until__isnull=True).distinct().order_by("pk")
                    .prefetch_related("enrolments__chain"))
    chosen = rng.sample(families, min(len(families), 60))
    today = timezone.localdate()
    start, days = datetime.date(2025, 9, 1), (datetime.date(2026, 10, 31) - datetime.date(2025, 9, 1)).days
    loans = 0
    for index, household in enumerate(chosen):
        chain = rng.choice([e.chain.code for e in household.enrolments.all() if e.until is None] or ["milk"])
        innovation = innovations[rng.choice(chains_of.get(chain, ["greenhouse"]))]
        product = seasonal if chain in ("native-potato", "mushroom") or rng.random() < 0.2 else monthly
        amount = D(rng.randrange(10, 36) * 100)
        term = rng.choice([12, 18, 24])
        pending = index >= 52  # the last ones are still on their way
        applied = (datetime.date(2026, 11, rng.randint(2, 27)) if pending else
                   start + datetime.timedelta(days=rng.randint(0, days)))
        if index == 1:  # a family that left: the portfolio's written-off loan
            applied, product = datetime.date(2025, 9, 3), monthly
        application = services.apply(
            actor=technician if can(technician, APPLY_CREDIT, household.community) else officer, fund=fund, product=product, innovation=innovation, plan=PLANS[innovation.code],
            investment=(amount * D("1.25")).quantize(D("1")), own_contribution=(amount * D("0.25")).quantize(D("1")),
            amount=amount, term_months=term, date=min(applied, today), household=household, chain=chains[chain],
            checklist={"identity": True, "plan": True, "visit": not pending or rng.random() < 0.5,
                       "assembly": rng.random() < 0.9})
        if pending and index < 57:
            continue  # waiting for the committee
        decided = min(application.submitted_on + datetime.timedelta(days=rng.randint(5, 12)), today)
        ratio = D(application.capacity["ratio"]) if application.capacity.get("ratio") else None
        if index == 57 or (ratio is not None and ratio > 90):
            services.decide(actor=officer, application=application, date=decided, outcome=Decision.Outcome.REJECT,
                            members=MEMBERS, minutes="Capacidad de pago insuficiente según la encuesta de ingresos.")
            continue
        reduce = application.capacity.get("verdict") in ("tight", "insufficient") and amount >= 1700
        services.decide(actor=officer, application=application, date=decided,
                        outcome=Decision.Outcome.REDUCE if reduce else Decision.Outcome.APPROVE, members=MEMBERS,
                        minutes=f"Acta {index + 1}: sesión ordinaria del comité de crédito.",
                        amount=(amount * D("0.006")).quantize(D("1")) * 100 if reduce else None,
                        conditions="Visita técnica a los tres meses del desembolso." if rng.random() < 0.4 else "")
        if pending:
            continue  # approved, to be disbursed
        application.refresh_from_db()
        disbursed = min(decided + datetime.timedelta(days=rng.randint(3, 10)), today)
        loan = services.disburse(actor=officer, application=application, date=disbursed)
        habit = "default" if index == 1 else _habit(rng)
        _settle(rng, officer, loan, habit, today)
        loan.refresh_from_db()
        loans += 1
        if habit == "late" and loan.status == Loan.Status.ACTIVE and rng.random() < 0.4:
            late = services.days_past_due(loan, today)
            if late > 30:
                services.reschedule(actor=officer, loan=loan, date=today, term_months=12,
                                    reason="Helada de julio: se pierde la campaña de pastos; el comité reprograma.")
        if habit == "default" and services.days_past_due(loan, today) > 120:
            services.write_off(actor=officer, loan=loan, date=today,
                               reason="Familia migró a Puerto Maldonado; sin bienes ni garante para cobrar.")
    _guarantees(rng, fund, officer, chosen[-8:], today)
    return loans


def _guarantees(rng, fund, officer, households, today):
    """The caja municipal lends more to families the fund backs: half of each loan, up to S/ 4,000."""
    lender, _created = Organisation.objects.get_or_create(
        name="Caja Municipal de Ahorro y Crédito Cusco (agencia Urcos)", defaults={
            "kind": Organisation.Kind.LENDER, "territory": Territory.objects.get(code="0812"), "is_demo": True})
    agreement = guarantees.sign_agreement(actor=officer, fund=fund, lender=lender, reference="CMAC-2025-017",
                                          signed_on=datetime.date(2025, 9, 15), coverage_percent=D("50"),
                                          cap_per_borrower=D("4000"), leverage_limit=D("3"))
    reported = []
    for number, household in enumerate(households, start=1):
        disbursed = datetime.date(2025, 10, 1) + datetime.timedelta(days=rng.randint(0, 300))
        amount = D(rng.randrange(30, 120) * 100)
        reported.append(guarantees.report_loan(
            actor=officer, agreement=agreement, reference=f"CMAC-URC-{number:04d}", amount=amount,
            disbursed_on=disbursed, outstanding=(amount * D(rng.uniform(0.3, 0.9))).quantize(D("0.01")),
            reported_on=min(datetime.date(2026, 11, 5), today), household=household))
    defaulted = reported[0]
    claim = guarantees.call(actor=officer, loan=defaulted, date=min(datetime.date(2026, 9, 20), today),
                            outstanding=defaulted.outstanding)
    guarantees.recover(actor=officer, guarantee_call=claim, date=min(datetime.date(2026, 11, 12), today),
                       amount=(claim.claim / 4).quantize(D("0.01")))
