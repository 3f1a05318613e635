"""A program's budget: lines in euros by axis and year, expenses in soles turned into euros at the
rate recorded for their week, in euros as they are; closed lines and missing rates refused, nothing
written; execution by axis to the cent."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from minka.governance import budgets
from minka.governance.models import Expense

D = Decimal
day = datetime.date


@pytest.fixture
def ecocuenca(coordinator, places):
    program = budgets.create_program(actor=coordinator, code="ecocuenca", name="Ecocuenca", territory=places["cusco"],
                                     starts_on=day(2026, 1, 1), ends_on=day(2028, 12, 31), funder="AMP")
    program.capacities = budgets.add_axis(actor=coordinator, program=program, name="Fortalecimiento de capacidades")
    program.observatory = budgets.add_axis(actor=coordinator, program=program, name="Observatorio")
    program.training = budgets.add_line(actor=coordinator, axis=program.capacities, year=2026, label="Talleres",
                                        amount="10000")
    program.portal = budgets.add_line(actor=coordinator, axis=program.observatory, year=2026, label="Portal",
                                      amount="5000")
    budgets.record_rate(actor=coordinator, date=day(2026, 3, 2), rate="3.952")
    return program


def test_expenses_in_two_currencies_and_the_execution(coordinator, ecocuenca):
    spent = budgets.spend(actor=coordinator, line=ecocuenca.training, date=day(2026, 3, 4), description="Taller",
                          amount="100", currency="PEN")
    assert (spent.rate, spent.amount_eur) == (D("3.952"), D("25.30"))  # 100 / 3.952 = 25.3036…
    budgets.spend(actor=coordinator, line=ecocuenca.training, date=day(2026, 3, 8), description="Pasajes",
                  amount="3952", currency="PEN")  # 1,000 EUR at the same rate (within the week)
    budgets.spend(actor=coordinator, line=ecocuenca.portal, date=day(2026, 3, 10), description="Servidor",
                  amount="500", currency="EUR")
    rows, total = budgets.execution(ecocuenca, 2026)
    by_axis = {r.axis.name: r for r in rows}
    assert by_axis["Fortalecimiento de capacidades"].spent == D("1025.30")
    assert by_axis["Fortalecimiento de capacidades"].rate == D("10.3")
    assert by_axis["Observatorio"].remaining == D("4500.00")
    assert (total.budget, total.spent) == (D("15000.00"), D("1525.30"))


def test_closed_lines_missing_rates_and_outsiders_write_nothing(coordinator, technician, ecocuenca):
    with pytest.raises(ValidationError, match="No hay tipo de cambio del euro registrado para el"):
        budgets.spend(actor=coordinator, line=ecocuenca.training, date=day(2026, 3, 20), description="Taller",
                      amount="100", currency="PEN")  # the last rate is 18 days old
    with pytest.raises(ValidationError, match="año 2026"):
        budgets.spend(actor=coordinator, line=ecocuenca.training, date=day(2025, 12, 30), description="Taller",
                      amount="100", currency="EUR")
    budgets.close_line(actor=coordinator, line=ecocuenca.portal)
    with pytest.raises(ValidationError, match="«Portal» está cerrada"):
        budgets.spend(actor=coordinator, line=ecocuenca.portal, date=day(2026, 3, 4), description="Servidor",
                      amount="100", currency="EUR")
    with pytest.raises(PermissionDenied):
        budgets.spend(actor=technician, line=ecocuenca.training, date=day(2026, 3, 4), description="Taller",
                      amount="100", currency="EUR")
    with pytest.raises(PermissionDenied):
        budgets.record_rate(actor=technician, date=day(2026, 3, 20), rate="4")
    assert not Expense.objects.exists()


def test_the_budget_page_and_the_funder_report(client_for, coordinator, technician, ecocuenca):
    import io

    from django.urls import reverse
    from openpyxl import load_workbook

    url = reverse("program_detail", args=[ecocuenca.code])
    office = client_for(coordinator)
    page = office.post(url, {"action": "spend", "line": ecocuenca.training.pk, "date": "2026-04-20",
                             "description": "Taller", "amount": "400", "currency": "PEN"})
    assert "No hay tipo de cambio del euro" in page.content.decode() and not Expense.objects.exists()
    office.post(url, {"action": "rate", "date": "2026-04-18", "rate": "4", "source": "SBS"})
    office.post(url, {"action": "spend", "line": ecocuenca.training.pk, "date": "2026-04-20",
                      "description": "Taller", "amount": "400", "currency": "PEN"})
    assert Expense.objects.get().amount_eur == D("100.00")
    page = office.get(url + "?año=2026").content.decode()
    assert "Fortalecimiento de capacidades" in page and "100.00" in page and "1 %" in page
    report = office.get(reverse("program_report", args=[ecocuenca.code, "xlsx"]) + "?año=2026")
    sheet = load_workbook(io.BytesIO(report.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert any(r[0] == "1. Fortalecimiento de capacidades" and str(r[3]) in ("100", "100.00") for r in rows)
    pdf = office.get(reverse("program_report", args=[ecocuenca.code, "pdf"]), {"lang": "fr"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client_for(technician).get(url).status_code == 404
    assert client_for(technician).post(url, {"action": "rate", "date": "2026-04-19", "rate": "5"}).status_code == 404
