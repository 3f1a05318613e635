"""The fund's pages as their users meet them: the portfolio, a borrower's page with its payments,
receipts and reversal, the instalments due this week, the committee's queue from an application to
its disbursement, the printable schedules; a page shows only what the user's scope holds, an
outsider gets nothing (404), and lists cost the same number of queries however long they are."""

import datetime
from decimal import Decimal

from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from minka.books.models import Entry
from minka.conftest import register
from minka.credit import arrears, selectors, services
from minka.credit.models import Application, Decision, Instalment, Loan, Repayment

from .conftest import lend, open_years, today

D = Decimal
MEMBERS = "Rosa Ccori\nJulián Huamán\nMarta Quispe"


def test_the_portfolio_shows_what_the_arrears_run_finds_by_chain_sex_and_district(client_for, fund, portfolio):
    response = client_for(fund.officer).get(reverse("credit_portfolio"))
    assert response.status_code == 200
    board = response.context["board"]
    run = arrears.run(Loan.objects.all(), today())
    assert board.loans == 3 and board.families == 3
    assert board.disbursed == D("6500.00")
    assert board.portfolio.outstanding == run.outstanding
    late = run.by_loan[portfolio["late"].pk]
    assert late.days > 30
    assert board.portfolio.par30 == (late.outstanding * 100 / run.outstanding).quantize(D("0.01"))
    by_chain = {g.label: g for g in board.by_chain}
    assert by_chain["Cuy"].par30 == D("100.00") and by_chain["Leche"].par30 == D("0.00")
    assert {g.label: g.loans for g in board.by_sex} == {"Mujer": 2, "Hombre": 1}
    assert {g.label: g.loans for g in board.by_district} == {"Ocongate": 2, "Ccatca": 1}
    content = response.content.decode()
    assert "Fondo de innovación y garantía" in content and "S/ 6,500.00" in content
    cash = services.books.balance(fund.book, services.CASH)
    assert response.context["funds"][0][1]["cash"] == cash  # the pools, for those who run the fund
    assert response.context["funds"][0][2]["pool"] == services.books.balance(fund.book, services.GUARANTEE_CASH)

    # At a past date: before the late loan was disbursed nothing was at risk.
    earlier = today() - datetime.timedelta(days=90)
    past = client_for(fund.officer).get(reverse("credit_portfolio"), {"al": earlier.isoformat()}).context["board"]
    assert past.loans == 1 and past.portfolio.par30 == D("0.00")


def test_a_technician_sees_the_portfolio_of_their_district_only(client_for, technician, portfolio):
    client = client_for(technician)
    board = client.get(reverse("credit_portfolio")).context["board"]
    assert board.loans == 2 and {g.label for g in board.by_district} == {"Ocongate"}
    assert client.get(reverse("credit_portfolio")).context["funds"] == []  # the pools are the committee's
    assert client.get(reverse("loan_detail", args=[portfolio["ccatca"].pk])).status_code == 404
    listed = client.get(reverse("loan_list")).context["page"].object_list
    assert {loan.pk for loan in listed} == {portfolio["on_time"].pk, portfolio["late"].pk}


def test_an_outsider_gets_nothing(client_for, officer, fund, portfolio):
    """The municipal officer of Ccatca reads families' records, not their loans."""
    loan = portfolio["ccatca"]
    repayment = services.repay(actor=fund.officer, loan=loan, date=today(), amount="50")
    application = loan.application
    client = client_for(officer)
    for url in [reverse("credit_portfolio"), reverse("loan_list"), reverse("due_list"), reverse("application_list"),
                reverse("application_create"), reverse("loan_detail", args=[loan.pk]),
                reverse("loan_schedule_pdf", args=[loan.pk]),
                reverse("repayment_receipt", args=[loan.pk, repayment.number]),
                reverse("application_detail", args=[application.pk]),
                reverse("application_schedule_pdf", args=[application.pk])]:
        assert client.get(url).status_code == 404, url
    count = Repayment.objects.count()
    response = client.post(reverse("loan_detail", args=[loan.pk]), {
        "action": "repay", "repay-date": today().isoformat(), "repay-amount": "10", "repay-method": "cash"})
    assert response.status_code == 404 and Repayment.objects.count() == count
    assert "Crédito" not in client.get(reverse("household_list")).content.decode()  # not in the menu either


def test_a_payment_its_receipt_and_its_reversal_from_the_borrowers_page(client_for, fund, portfolio):
    loan = portfolio["late"]
    client = client_for(fund.officer)
    page = client.get(reverse("loan_detail", args=[loan.pk]))
    statement = page.context["statement"]
    assert statement.days_past_due > 30 and statement.overdue > 0
    assert page.context["forms"]["repay"].initial["amount"] == statement.overdue  # what is owed today
    entries = Entry.objects.count()
    response = client.post(reverse("loan_detail", args=[loan.pk]), {
        "action": "repay", "repay-date": today().isoformat(), "repay-amount": str(statement.overdue),
        "repay-method": "cash"}, follow=True)
    assert "Pago registrado." in response.content.decode()
    repayment = Repayment.objects.get(loan=loan)
    assert repayment.amount == statement.overdue and repayment.penalty > 0  # late: penalty interest first
    assert Entry.objects.count() == entries + 1
    assert response.context["statement"].days_past_due == 0

    receipt = client.get(reverse("repayment_receipt", args=[loan.pk, repayment.number]))
    assert receipt.context["outstanding"] == loan.amount - repayment.principal
    content = receipt.content.decode()
    assert "Recibo de pago N.º 1" in content and f"{repayment.penalty:,.2f}" in content

    # A reversal needs its reason; with it, the payment is undone and the receipt says so.
    refused = client.post(reverse("loan_detail", args=[loan.pk]), {
        "action": "reverse", "reverse-date": today().isoformat(), "reverse-reason": ""})
    assert refused.status_code == 200 and Repayment.objects.filter(loan=loan).count() == 1
    client.post(reverse("loan_detail", args=[loan.pk]), {
        "action": "reverse", "reverse-date": today().isoformat(), "reverse-reason": "Monto mal digitado"})
    loan.refresh_from_db()
    assert loan.outstanding == loan.amount
    assert "Anulado por la reversión N.º 2" in client.get(
        reverse("repayment_receipt", args=[loan.pk, 1])).content.decode()


def test_bad_input_on_the_borrowers_page_is_refused_with_its_reason(client_for, fund, technician, portfolio):
    loan = portfolio["on_time"]
    client = client_for(fund.officer)
    before = (Repayment.objects.count(), Entry.objects.count())
    for data, message in [
        ({"repay-date": (loan.disbursed_on - datetime.timedelta(days=1)).isoformat(), "repay-amount": "10"},
         "anterior al desembolso"),
        ({"repay-date": today().isoformat(), "repay-amount": "999999"}, "supera lo que se debe"),
    ]:
        response = client.post(reverse("loan_detail", args=[loan.pk]), {"action": "repay", "repay-method": "cash",
                                                                         **data})
        assert response.status_code == 200 and message in response.content.decode()
    response = client.post(reverse("loan_detail", args=[loan.pk]), {
        "action": "write_off", "write_off-date": today().isoformat(), "write_off-reason": "No paga"})
    assert "se castiga desde 121 días" in response.content.decode()
    assert (Repayment.objects.count(), Entry.objects.count()) == before
    loan.refresh_from_db()
    assert loan.status == Loan.Status.ACTIVE
    # A technician sees the loan but does not run the fund: no forms, and a POST is refused.
    client = client_for(technician)
    page = client.get(reverse("loan_detail", args=[loan.pk]))
    assert page.status_code == 200 and "repay-form" not in page.content.decode()
    assert client.post(reverse("loan_detail", args=[loan.pk]), {
        "action": "repay", "repay-date": today().isoformat(), "repay-amount": "10",
        "repay-method": "cash"}).status_code == 404
    assert Repayment.objects.count() == before[0]


def test_rescheduling_from_the_borrowers_page_keeps_the_history(client_for, fund, portfolio):
    loan = portfolio["late"]
    client = client_for(fund.officer)
    client.post(reverse("loan_detail", args=[loan.pk]), {
        "action": "reschedule", "reschedule-date": today().isoformat(), "reschedule-term_months": "18",
        "reschedule-reason": "Helada"})
    page = client.get(reverse("loan_detail", args=[loan.pk]))
    versions = page.context["statement"].schedules
    assert [v.reason for v in versions] == ["original", "rescheduling"]
    assert len(page.context["statement"].instalments) == 18
    assert "Helada" in page.content.decode()


def test_a_technicians_instalments_due_this_week(client_for, technician, fund, portfolio, places):
    soon = lend(fund, register(technician, places["tinki"], name="Familia Ttito"), days_ago=27)
    response = client_for(technician).get(reverse("due_list"))
    due = response.context["soon"]
    first = Instalment.objects.filter(loan=soon).order_by("number").first()
    assert today() <= first.due_date <= today() + datetime.timedelta(days=7)
    assert first in due
    assert all(i.loan.territory.path.startswith("PE/08/0812/081210/") for i in due + response.context["overdue"])
    overdue = response.context["overdue"]
    assert {i.loan_id for i in overdue} == {portfolio["late"].pk}
    assert "Familia Ttito" in response.content.decode()


def test_lists_cost_the_same_queries_however_long(client_for, fund, technician, places):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(fund.officer)
    names = ("loan_list", "application_list", "due_list", "credit_portfolio")

    def counts():
        result = {}
        for name in names:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name)).status_code == 200
            result[name] = len(queries)
        return result

    def lend_some(start, count):
        for number in range(start, start + count):
            household = register(technician, places["tinki"], name=f"Familia {number}")
            loan = lend(fund, household, days_ago=40 + number, amount="1000")
            if number % 2:
                services.repay(actor=fund.officer, loan=loan, date=today(), amount="20")

    lend_some(0, 2)
    few = counts()
    lend_some(2, 6)
    many = counts()
    assert many == few, (few, many)
    assert max(many.values()) <= 30, many


def test_from_an_application_to_a_disbursed_loan(client_for, fund, technician, families):
    household = families["tinki"]
    open_years(fund, today().year, today().year + 1, today().year + 2)
    client = client_for(technician)
    form = client.get(reverse("application_create"), {"familia": household.code})
    assert form.context["form"]["household"].value() == household.code
    data = {"household": household.code, "product": fund.monthly.pk, "innovation": fund.shed.pk,
            "plan": "Galpón de 40 m²", "investment": "5000", "own_contribution": "1000", "amount": "4000",
            "term_months": "12", "date": today().isoformat(), "check_identity": "on", "check_plan": "on"}
    # A family outside the technician's scope, then a loan above the investment: refused, nothing written.
    refused = client.post(reverse("application_create"), {**data, "household": families["ccopi"].code})
    assert "No hay una familia con ese código en su ámbito." in refused.content.decode()
    refused = client.post(reverse("application_create"), {**data, "amount": "6000", "own_contribution": "0"})
    assert "no puede superar el costo de la inversión" in refused.content.decode()
    assert not Application.objects.exists()
    response = client.post(reverse("application_create"), data)
    application = Application.objects.get()
    assert response.status_code == 302 and response.url == reverse("application_detail", args=[application.pk])
    assert application.chain.code == "guinea-pig"  # from the innovation
    assert application.checklist == {"identity": True, "plan": True, "visit": False, "assembly": False}

    # The committee's queue: waiting for a decision; the technician cannot decide.
    committee = Client()
    committee.force_login(fund.officer)
    queue = committee.get(reverse("application_list"))
    assert [a.pk for a in queue.context["page"]] == [application.pk] and queue.context["counts"]["submitted"] == 1
    assert client.post(reverse("application_detail", args=[application.pk]), {"action": "decide"}).status_code == 404
    decision = {"action": "decide", "decide-date": today().isoformat(), "decide-outcome": "reduce",
                "decide-amount": "3500", "decide-members": "Rosa Ccori\nJulián Huamán", "decide-minutes": "Acta 3"}
    page = committee.post(reverse("application_detail", args=[application.pk]), decision)
    assert "al menos 3 miembros" in page.content.decode() and not Decision.objects.exists()
    committee.post(reverse("application_detail", args=[application.pk]), {**decision, "decide-members": MEMBERS})
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED and application.decision.amount == D("3500")

    # Before signing: the schedule and its TCEA for the chosen date and amount, printable.
    page = committee.get(reverse("application_detail", args=[application.pk]),
                         {"date": today().isoformat(), "amount": "3000"})
    draft = page.context["draft"]
    assert draft.principal == D("3000.00") and len(draft.rows) == 12
    assert page.context["tcea"] > fund.monthly.tea  # the fees make it cost more than the TEA
    assert f'{page.context["tcea"]:.2f} %' in page.content.decode()
    pdf = committee.get(reverse("application_schedule_pdf", args=[application.pk]),
                        {"date": today().isoformat(), "amount": "3000", "lang": "quz"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    # Above what was approved: refused; then disbursed.
    entries = Entry.objects.count()
    page = committee.post(reverse("application_detail", args=[application.pk]), {
        "action": "disburse", "date": today().isoformat(), "amount": "4000"})
    assert "supera el monto aprobado" in page.content.decode() and Entry.objects.count() == entries
    response = committee.post(reverse("application_detail", args=[application.pk]), {
        "action": "disburse", "date": today().isoformat(), "amount": "3000"})
    loan = Loan.objects.get()
    assert response.url == reverse("loan_detail", args=[loan.pk])
    assert loan.amount == D("3000.00") and loan.tcea == draft_tcea(draft)
    assert committee.get(reverse("application_list"), {"estado": "decided"}).context["counts"]["decided"] == 1


def draft_tcea(draft):
    from minka.credit import schedule

    return schedule.percent(draft.tcea, 4)


def test_the_printed_schedule_in_spanish_and_quechua(client_for, fund, portfolio):
    loan = portfolio["on_time"]
    response = client_for(fund.officer).get(reverse("loan_schedule_pdf", args=[loan.pk]), {"lang": "quz"})
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    statement = selectors.statement(loan, today())
    rows = selectors.schedule_rows(statement.instalments)
    context = {"loan": loan, "borrower": loan.borrower, "product": loan.product, "fund": loan.fund,
               "amount": loan.amount, "start": loan.disbursed_on, "tea": loan.tea, "tcea": loan.tcea, "rows": rows,
               "totals": selectors.totals(rows)}
    with translation.override("es"):
        spanish = render_to_string("credit/schedule_pdf.html", context)
    with translation.override("quz"):
        quechua = render_to_string("credit/schedule_pdf.html", context)
        title = translation.gettext("Cronograma de pagos")
    assert "Cronograma de pagos" in spanish and title != "Cronograma de pagos" and title in quechua
    assert selectors.totals(rows)["principal"] == loan.amount  # the schedule sums to the loan
    assert rows[-1]["balance"] == 0


def test_the_family_page_shows_its_credit_to_those_who_may_see_it(client_for, officer, technician, fund, portfolio,
                                                                  families):
    page = client_for(technician).get(reverse("household_detail", args=[families["tinki"].pk]))
    content = page.content.decode()
    assert f'Préstamo {portfolio["on_time"].number}' in content
    assert f'{reverse("application_create")}?familia={families["tinki"].code}' in content
    # The municipal officer of Ccatca sees the family's records, not its loans.
    page = client_for(officer).get(reverse("household_detail", args=[families["ccopi"].pk]))
    assert page.status_code == 200 and page.context["credit"] is None
    assert portfolio["ccatca"].number not in page.content.decode()


def test_the_funds_capital_and_guarantees_from_its_page(client_for, fund, coordinator, technician, officer, families):
    from minka.books.models import Entry as JournalEntry
    from minka.credit.models import GuaranteeCall, GuaranteedLoan, Grant
    from minka.people.models import Organisation

    open_years(fund, today().year)
    url = reverse("fund_detail", args=[fund.pk])
    client = client_for(fund.officer)
    page = client.get(url)
    assert page.status_code == 200 and page.context["position"]["capital"] == D("200000.00")
    # A grant in euros: the rate is required, and kept with the entry.
    grant = {"action": "grant", "grant-date": today().isoformat(), "grant-donor": "Cooperación", "grant-currency": "EUR",
             "grant-amount": "10000", "grant-loan_pool": "30000"}
    assert "tipo de cambio del día" in client.post(url, grant).content.decode()
    client.post(url, {**grant, "grant-exchange_rate": "3.95"})
    received = Grant.objects.get(donor="Cooperación")
    assert received.amount_pen == D("39500.00") and received.guarantee_pool == D("9500.00")
    assert JournalEntry.objects.get(pk=received.entry_id).exchange_rate == D("3.95")

    lender = Organisation.objects.create(name="Caja Municipal Cusco", kind=Organisation.Kind.LENDER,
                                         territory=fund.territory)
    client.post(url, {"action": "agreement", "agreement-lender": lender.pk, "agreement-reference": "CMAC-1",
                      "agreement-signed_on": (today() - datetime.timedelta(days=60)).isoformat(),
                      "agreement-coverage_percent": "50", "agreement-cap_per_borrower": "4000",
                      "agreement-leverage_limit": "3"})
    agreement = fund.agreements.get()
    report = {"action": "report", "report-agreement": agreement.pk, "report-reference": "URC-1",
              "report-household": families["tinki"].code, "report-amount": "6000",
              "report-disbursed_on": (today() - datetime.timedelta(days=30)).isoformat(),
              "report-outstanding": "5000", "report-days_past_due": "0", "report-reported_on": today().isoformat()}
    client.post(url, report)
    guaranteed = GuaranteedLoan.objects.get()
    assert guaranteed.outstanding == D("5000.00")
    pool = page.context["solvency"]["pool"] + D("9500.00")
    client.post(url, {"action": "call", "target": guaranteed.pk, "call-date": today().isoformat(),
                      "call-outstanding": "5000"})
    claim = GuaranteeCall.objects.get()
    assert claim.claim == D("2500.00")  # 50 % of 5,000, under the 4,000 cap
    client.post(url, {"action": "recover", "target": claim.pk, "recover-date": today().isoformat(),
                      "recover-amount": "3000"})  # more than was paid: refused
    assert not claim.recoveries.exists()
    client.post(url, {"action": "recover", "target": claim.pk, "recover-date": today().isoformat(),
                      "recover-amount": "1000"})
    assert client.get(url).context["solvency"]["pool"] == pool - D("2500.00") + D("1000.00")

    # A coordinator over the region reads it; a district's technician and an outsider do not.
    coordinator_page = client_for(coordinator).get(url)
    assert coordinator_page.status_code == 200 and not coordinator_page.context["runs"]
    assert client_for(coordinator).post(url, grant).status_code == 404
    assert client_for(technician).get(url).status_code == 404
    assert client_for(officer).get(url).status_code == 404
