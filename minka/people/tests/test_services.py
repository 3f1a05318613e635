import pytest
from django.core.exceptions import ValidationError

from minka.conftest import register
from minka.core.tabular import ImportRejected
from minka.people import services
from minka.people.models import Consent, Household, Person


def test_registering_a_family_keeps_members_chains_and_who_did_it(places, technician):
    household = register(technician, places["tinki"])
    assert household.code.startswith("F-") and len(household.code) == 8
    assert [p.given_names for p in household.members.all()] == ["Juana", "Lucio"]
    assert household.head.given_names == "Juana"
    enrolment = household.enrolments.get()
    assert enrolment.chain.code == "milk" and enrolment.producer == household.head
    created = household.history.get()
    assert created.history_type == "+" and created.history_user == technician
    assert Person.history.filter(household_id=household.pk, history_user=technician).count() == 2


def test_an_officer_cannot_register_a_family_outside_their_rights(places, officer, technician):
    with pytest.raises(services.PermissionDenied):
        register(officer, places["ccopi"])  # municipal officers read, they do not register
    with pytest.raises(services.PermissionDenied):
        register(technician, places["ccopi"])  # Ccatca is outside the Ocongate technician's scope
    assert not Household.objects.exists()


@pytest.mark.parametrize("dni", ["1234567", "123456789", "ABCDEFGH"])
def test_an_invalid_dni_is_refused_and_nothing_is_written(places, technician, dni):
    members = [{"given_names": "Rosa", "surnames": "Cusi", "sex": "F", "role": "head", "dni": dni}]
    with pytest.raises(ValidationError) as error:
        register(technician, places["tinki"], members=members)
    assert "8 dígitos" in str(error.value)
    assert not Household.objects.exists()


def test_a_dni_belongs_to_one_person(places, technician):
    first = [{"given_names": "Rosa", "surnames": "Cusi", "sex": "F", "role": "head", "dni": "40123456"}]
    register(technician, places["tinki"], members=first)
    with pytest.raises(ValidationError):
        register(technician, places["pacchanta"], members=first)
    assert Household.objects.count() == 1


def test_a_family_has_one_head(places, technician):
    two_heads = [{"given_names": n, "surnames": "Cusi", "sex": "F", "role": "head"} for n in ("Rosa", "Ana")]
    with pytest.raises(ValidationError, match="solo"):
        register(technician, places["tinki"], members=two_heads)


def test_handing_over_the_head_of_family_in_one_edit(places, technician, ocongate_family):
    juana, lucio = ocongate_family.members.all()
    services.update_household(
        actor=technician, household=ocongate_family, fields={"name": "Familia Huamán Quispe"},
        member_changes=[(juana, {"role": "spouse"}, False), (lucio, {"role": "head"}, False),
                        (None, {"given_names": "Ruth", "surnames": "Huamán Quispe", "sex": "F", "role": "child"}, False)],
        chains=[],
    )
    ocongate_family.refresh_from_db()
    assert ocongate_family.head.given_names == "Lucio"
    assert ocongate_family.members.count() == 3
    assert ocongate_family.enrolments.get().until is not None  # left the chain, the enrolment is kept
    assert ocongate_family.history.first().name == "Familia Huamán Quispe"


def test_withdrawing_consent_keeps_the_record(places, technician, ocongate_family):
    consent = services.record_consent(actor=technician, household=ocongate_family, given_on="2026-03-01",
                                      scope=Consent.Scope.PROGRAM)
    services.withdraw_consent(actor=technician, consent=consent, withdrawn_on="2026-06-01")
    assert Consent.history.filter(id=consent.pk).count() == 2


HOUSEHOLDS_CSV = """household,family_name,community,given_names,surnames,sex,dni,birth_year,role,language,value_chains,consent_date
1,Familia Ccori,081210-C01,Basilia,Ccori Layme,F,41234567,1975,jefa,quechua,milk;guinea-pig,15/03/2026
1,,081210-C01,Teófilo,Ccori Puma,M,,1972,esposo,ambos,,
2,,Pacchanta,Gregoria,Turpo Nina,mujer,,1990,head,,mushroom,2026-03-20
"""


def test_households_import_groups_rows_into_families(places, technician):
    result = services.import_households(actor=technician, data=HOUSEHOLDS_CSV.encode(), filename="f.csv")
    assert result["households"] == 2 and result["persons"] == 3
    ccori = Household.objects.get(name="Familia Ccori")
    assert ccori.members.count() == 2 and ccori.head.dni == "41234567"
    assert sorted(ccori.enrolments.values_list("chain__code", flat=True)) == ["guinea-pig", "milk"]
    assert str(ccori.consents.get().given_on) == "2026-03-15"
    turpo = Household.objects.get(community__code="081210-C02")
    assert turpo.name == "Familia Turpo Nina"


def test_one_bad_row_and_no_family_is_imported(places, technician):
    data = HOUSEHOLDS_CSV + (
        "3,,081210-C01,Ana,Sutta,X,123,18,jefa,,cacao,31/02/2026\n"
        "4,,Lugar Inexistente,Eva,Mayta,F,,,,,,\n"
        "5,,081205-C01,Eva,Mayta,F,,,,,,\n"
        "6,,081210-C01,Nilda,Illa,F,41234567,,,,,\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        services.import_households(actor=technician, data=data.encode(), filename="f.csv")
    errors = {(e.line, e.column) for e in rejected.value.errors}
    assert {(5, "sex"), (5, "dni"), (5, "birth_year"), (5, "value_chains"), (5, "consent_date")} <= errors
    assert (6, "community") in errors
    assert (7, "community") in errors  # Ccatca is outside the technician's scope
    assert (8, "dni") in errors  # same DNI as line 2
    assert not Household.objects.exists() and not Person.objects.exists()


def test_households_import_reads_latin1_and_xlsx(places, coordinator):
    latin = HOUSEHOLDS_CSV.replace("milk;guinea-pig", "milk").replace(",", ";").encode("cp1252")
    result = services.import_households(actor=coordinator, data=latin, filename="excel.csv")
    assert "Latin-1" in result["notices"][0]
    assert Person.objects.filter(given_names="Teófilo").exists()
    Household.objects.all().delete()
    from openpyxl import Workbook
    import io

    workbook = Workbook()
    for row in HOUSEHOLDS_CSV.strip().split("\n"):
        workbook.active.append(row.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert services.import_households(actor=coordinator, data=buffer.getvalue(), filename="f.xlsx")["persons"] == 3


def test_import_without_required_columns_says_which(places, technician):
    with pytest.raises(ImportRejected, match="community"):
        services.import_households(actor=technician, data=b"household,given_names\n1,Ana\n", filename="f.csv")


def test_export_has_one_row_per_person_in_the_import_vocabulary(places, technician, ocongate_family):
    text = services.export_csv(Household.objects.all()).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("household_code,family_name,community_code")
    assert len(lines) == 3 and "Juana" in lines[1] and "Tinki" in lines[1] and "Ocongate" in lines[1]
