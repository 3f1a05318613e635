import datetime

import pytest

from minka.chains import spreadsheets
from minka.chains.models import IncomeSurvey, PracticeAssessment, Record, Visit
from minka.core.tabular import ImportRejected, read_csv


def csv(text):
    return text.encode("utf-8")


def test_records_import_groups_rows_and_converts_units(technician, ocongate_family):
    code = ocongate_family.code
    data = csv("household,chain,date,measure,value,unit\n"
               f"{code},milk,2024-03-01,milk-litres-day,\"12,5\",L/día\n"
               f"{code},milk,2024-03-01,milk-cows,3,\n"
               f"{code},milk,01/03/2024,milk-fat,3.5,%\n"
               f"{code},native-potato,2024-05-10,potato-harvest,12,qq\n")
    result = spreadsheets.import_records(actor=technician, data=data, filename="r.csv")
    assert result["records"] == 3
    harvest = Record.objects.get(chain__code="native-potato").values.get()
    assert harvest.number == 552  # 12 quintales of 46 kg
    exported = list(spreadsheets.record_rows(Record.objects.all()))
    assert len(exported) == 4 and [code, "milk", "2024-03-01", "milk-fat", "3.5", "pct", "", "Calidad", "pass"] in exported


@pytest.mark.parametrize("rows, message", [
    ("{c},milk,2024-03-01,milk-litres-day,-3,L/día", "negativo"),
    ("{c},milk,2030-03-01,milk-litres-day,3,L/día", "futura"),
    ("{c},milk,2024-03-01,milk-fat,90,%", "máximo posible"),
    ("{c},native-potato,2024-03-01,potato-harvest,10,kg\n{c},native-potato,2024-04-01,potato-harvest,3,qq",
     "unidades mezcladas"),
    ("F-NOPE99,milk,2024-03-01,milk-litres-day,3,L/día", "familia desconocida"),
    ("{c},milk,2024-03-01,gp-sold,3,u", "no es una medida de milk"),
])
def test_a_wrong_row_imports_nothing(technician, ocongate_family, rows, message):
    data = csv("household,chain,date,measure,value,unit\n" + rows.format(c=ocongate_family.code) + "\n")
    with pytest.raises(ImportRejected) as rejected:
        spreadsheets.import_records(actor=technician, data=data, filename="r.csv")
    assert message in str(rejected.value)
    assert not Record.objects.exists()


def test_an_import_of_another_districts_family_is_refused(technician, ccatca_family):
    data = csv(f"household,chain,date,measure,value\n{ccatca_family.code},milk,2024-03-01,milk-cows,2\n")
    with pytest.raises(ImportRejected, match="fuera de su ámbito"):
        spreadsheets.import_records(actor=technician, data=data, filename="r.csv")


def test_assessments_visits_and_income_round_trip(technician, ocongate_family):
    code = ocongate_family.code
    spreadsheets.import_assessments(actor=technician, filename="a.csv", data=csv(
        "household,date,practice,quantity\n"
        f"{code},2024-02-01,compost,350\n{code},2024-02-01,biol,40\n{code},2024-02-01,waste,\n"))
    assert PracticeAssessment.objects.get().stage == "transition"
    spreadsheets.import_visits(actor=technician, filename="v.csv", data=csv(
        "household,date,chain,topics,recommendations,follow_up_due\n"
        f"{code},2024-02-01,milk,animal-health;feeding,Desparasitar,2024-03-01\n"
        f"{code},2024-03-02,milk,feeding,,\n"))
    assert Visit.objects.get(date=datetime.date(2024, 2, 1)).follow_up_done_on == datetime.date(2024, 3, 2)
    spreadsheets.import_income(actor=technician, filename="i.csv", data=csv(
        "household,season,round,date,source,income,costs\n"
        f"{code},2023-24,línea de base,2024-08-10,milk,4200.50,1200\n{code},2023-24,,2024-08-10,off-farm,800,0\n"))
    survey = IncomeSurvey.objects.get()
    assert survey.round == "baseline" and survey.lines.count() == 2
    table = read_csv(csv(",".join(spreadsheets.INCOME_EXPORT) + "\n" + "\n".join(
        ",".join(str(v) for v in row) for row in spreadsheets.income_rows(IncomeSurvey.objects.all()))))
    assert {row["source"]: row["income"] for _line, row in table.rows} == {"milk": "4200.50", "off-farm": "800.00"}


def test_income_with_a_negative_amount_or_an_unknown_source_imports_nothing(technician, ocongate_family):
    code = ocongate_family.code
    with pytest.raises(ImportRejected) as rejected:
        spreadsheets.import_income(actor=technician, filename="i.csv", data=csv(
            "household,season,date,source,income\n"
            f"{code},2023-24,2024-08-10,milk,-5\n{code},2023-24,2024-08-10,lottery,10\n"))
    assert [e.line for e in rejected.value.errors] == [2, 3]
    assert not IncomeSurvey.objects.exists()
