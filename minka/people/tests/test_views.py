import pytest
from django.urls import reverse

from minka.conftest import register
from minka.people.models import Household, Person


@pytest.fixture
def both(ocongate_family, ccatca_family):
    return ocongate_family, ccatca_family


def test_pages_need_a_login(client, both):
    ocongate, _ccatca = both
    for url in [reverse("household_list"), reverse("household_detail", args=[ocongate.pk]),
                reverse("household_create"), reverse("household_export", args=["csv"]),
                reverse("territory_detail", args=["081210"]), reverse("territory_geojson", args=["081210"])]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


@pytest.mark.parametrize("name", ["household_detail", "household_edit"])
def test_the_outsider_gets_404_on_an_ocongate_family(client_for, officer, technician, both, name):
    ocongate, ccatca = both
    assert client_for(officer).get(reverse(name, args=[ocongate.pk])).status_code == 404
    assert client_for(technician).get(reverse(name, args=[ocongate.pk])).status_code == 200
    assert client_for(technician).get(reverse(name, args=[ccatca.pk])).status_code == 404


def test_the_officer_reads_but_does_not_edit_ccatca(client_for, officer, both):
    _ocongate, ccatca = both
    client = client_for(officer)
    assert client.get(reverse("household_detail", args=[ccatca.pk])).status_code == 200
    assert client.get(reverse("household_edit", args=[ccatca.pk])).status_code == 404
    assert client.get(reverse("household_create")).status_code == 404
    assert client.get(reverse("household_import")).status_code == 404


def test_lists_and_exports_hold_only_the_users_scope(client_for, officer, technician, coordinator, both):
    for user, present, absent in [(officer, "Condori", "Quispe"), (technician, "Quispe", "Condori")]:
        client = client_for(user)
        page = client.get(reverse("household_list")).content.decode()
        assert present in page and absent not in page
        for fmt in ("csv", "xlsx"):
            response = client.get(reverse("household_export", args=[fmt]))
            assert response.status_code == 200
        csv_text = client.get(reverse("household_export", args=["csv"])).content.decode("utf-8-sig")
        assert present in csv_text and absent not in csv_text
    everything = client_for(coordinator).get(reverse("household_export", args=["csv"])).content.decode("utf-8-sig")
    assert "Quispe" in everything and "Condori" in everything


def test_territory_pages_follow_the_scope(client_for, officer, technician, both):
    officer_client = client_for(officer)
    assert officer_client.get(reverse("territory_detail", args=["081210"])).status_code == 404
    assert officer_client.get(reverse("territory_geojson", args=["081210"])).status_code == 404
    assert officer_client.get(reverse("territory_detail", args=["081210-C01"])).status_code == 404
    # Above their scope they may navigate, but the figures count only their own families.
    province = officer_client.get(reverse("territory_detail", args=["0812"]))
    assert province.status_code == 200
    assert [c.code for c, _n in province.context["children"]] == ["081205"]
    assert province.context["counts"]["households"] == 1
    response = client_for(technician).get(reverse("territory_detail", args=["081210"]))
    assert response.context["counts"]["households"] == 1
    assert response.context["counts"]["women"] == 1 and response.context["counts"]["men"] == 1
    geo = client_for(technician).get(reverse("territory_geojson", args=["081210"])).json()
    assert {f["properties"]["code"] for f in geo["features"]} == {"081210", "081210-C01"}
    assert next(f for f in geo["features"] if f["properties"]["code"] == "081210-C01")["properties"]["households"] == 1


def test_home_opens_the_users_territory(client_for, officer):
    response = client_for(officer).get(reverse("home"))
    assert response.url == reverse("territory_detail", args=["081205"])


def test_list_filters_and_search(client_for, coordinator, places, both):
    register(None, places["pacchanta"], name="Familia Ttito", chains=("guinea-pig",), members=[
        {"given_names": "Santos", "surnames": "Ttito", "sex": "M", "role": "head", "dni": "45678901"}])
    client = client_for(coordinator)

    def names(**params):
        return sorted(h.name for h in client.get(reverse("household_list"), params).context["page"])

    assert names() == ["Familia Condori Apaza", "Familia Quispe Mamani", "Familia Ttito"]
    assert names(community=places["pacchanta"].pk) == ["Familia Ttito"]
    from minka.people.models import ValueChain
    assert names(chain=ValueChain.objects.get(code="guinea-pig").pk) == ["Familia Ttito"]
    assert names(head_sex="M") == ["Familia Ttito"]
    assert names(q="45678901") == ["Familia Ttito"]
    assert names(q="lucio") == ["Familia Quispe Mamani"]
    fragment = client.get(reverse("household_list"), {"q": "ttito"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in fragment.content and b"Familia Ttito" in fragment.content


def test_the_list_is_paginated_with_a_fixed_number_of_queries(client_for, coordinator, places,
                                                             django_assert_max_num_queries):
    for i in range(30):
        register(None, places["tinki"], name=f"Familia {i:02d}", members=[
            {"given_names": "Ana", "surnames": f"Mayta {i}", "sex": "F", "role": "head"}])
    client = client_for(coordinator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("household_list"))
    assert len(response.context["page"]) == 25
    assert len(client.get(reverse("household_list"), {"page": 2}).context["page"]) == 5


def _form_data(place, **extra):
    data = {
        "name": "Familia Chura Nina", "community": place.pk, "address": "", "phone": "", "notes": "",
        "members-TOTAL_FORMS": "3", "members-INITIAL_FORMS": "0", "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
        "members-0-given_names": "Dominga", "members-0-surnames": "Chura Nina", "members-0-sex": "F",
        "members-0-role": "head", "members-0-birth_year": "1984", "members-0-dni": "", "members-0-language": "quz",
        "members-1-given_names": "Isidro", "members-1-surnames": "Chura Huarca", "members-1-sex": "M",
        "members-1-role": "spouse", "members-1-birth_year": "1982", "members-1-dni": "", "members-1-language": "quz",
        "members-2-role": "other", "members-2-language": "quz",
        "consent-given": "on", "consent-given_on": "2026-11-02", "consent-scope": "program",
    }
    data.update(extra)
    return data


def test_registering_a_family_through_the_form(client_for, technician, places):
    response = client_for(technician).post(reverse("household_create"), _form_data(places["tinki"]))
    household = Household.objects.get(name="Familia Chura Nina")
    assert response.url == reverse("household_detail", args=[household.pk])
    assert household.members.count() == 2 and household.consents.get().recorded_by == technician
    detail = client_for(technician).get(response.url).content.decode()
    assert "Dominga Chura Nina" in detail and "tecnica" in detail


@pytest.mark.parametrize("bad, message", [
    ({"members-0-dni": "12AB"}, "8 dígitos"),
    ({"members-1-role": "head"}, "solo(a) jefe(a)"),
    ({"members-0-birth_year": "1850"}, "fuera de rango"),
    ({"community": "999999"}, "Escoja una opción válida"),
    ({"consent-given_on": ""}, "Indique la fecha"),
])
def test_bad_input_shows_the_reason_and_writes_nothing(client_for, technician, places, bad, message):
    response = client_for(technician).post(reverse("household_create"), _form_data(places["tinki"], **bad))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Household.objects.exists() and not Person.objects.exists()


def test_the_technician_cannot_register_in_ccatca_by_forging_the_form(client_for, technician, places):
    response = client_for(technician).post(reverse("household_create"), _form_data(places["ccopi"]))
    assert response.status_code == 200 and not Household.objects.exists()


def test_editing_a_family_is_recorded_in_its_history(client_for, technician, ocongate_family):
    juana, lucio = ocongate_family.members.all()
    data = {
        "name": "Familia Quispe Huamán", "community": ocongate_family.community.pk, "address": "Sector Alto",
        "phone": "", "notes": "", "members-TOTAL_FORMS": "3", "members-INITIAL_FORMS": "2",
        "members-MIN_NUM_FORMS": "0", "members-MAX_NUM_FORMS": "1000",
        "members-0-id": juana.pk, "members-0-given_names": "Juana", "members-0-surnames": "Quispe Mamani",
        "members-0-sex": "F", "members-0-role": "head", "members-0-birth_year": "1980", "members-0-dni": "41112223",
        "members-0-language": "quz",
        "members-1-id": lucio.pk, "members-1-given_names": "Lucio", "members-1-surnames": "Huamán Ccori",
        "members-1-sex": "M", "members-1-role": "spouse", "members-1-birth_year": "1978", "members-1-dni": "",
        "members-1-language": "quz-es", "members-1-DELETE": "on",
        "members-2-role": "other", "members-2-language": "quz",
    }
    client = client_for(technician)
    response = client.post(reverse("household_edit", args=[ocongate_family.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    ocongate_family.refresh_from_db()
    assert ocongate_family.name == "Familia Quispe Huamán" and ocongate_family.members.count() == 1
    page = client.get(reverse("household_detail", args=[ocongate_family.pk])).content.decode()
    assert "Familia Quispe Mamani → Familia Quispe Huamán" in page
    assert "41112223" in page and "eliminó" in page


def test_household_import_page_reports_line_by_line(client_for, technician, places):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("familias.csv", b"household,community,given_names,surnames,sex\n1,081210-C01,Ana,Cusi,Z\n")
    response = client_for(technician).post(reverse("household_import"), {"file": bad})
    assert "Nada fue importado" in response.content.decode()
    assert response.context["errors"][0].line == 2 and response.context["errors"][0].column == "sex"
    good = SimpleUploadedFile("familias.csv", b"household,community,given_names,surnames,sex\n1,081210-C01,Ana,Cusi,F\n")
    response = client_for(technician).post(reverse("household_import"), {"file": good})
    assert response.status_code == 302 and Household.objects.get().head.given_names == "Ana"


def test_spanish_by_default_and_the_language_switch(client_for, technician, both):
    client = client_for(technician)
    assert "Familias" in client.get(reverse("household_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for code, word in [("quz", "Ayllukuna"), ("fr", "Familles"), ("en", "Families")]:
        client.post(reverse("set_language"), {"language": code, "next": "/"})
        page = client.get(reverse("household_list")).content.decode()
        assert f'lang="{code}"' in page and word in page, code
