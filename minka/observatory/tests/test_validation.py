"""A community sees its figures in plain words, confirms or contests them, and only what it
confirmed (and rests on 5 families or more) reaches the public observatory."""

import pytest
from django.urls import reverse
from django.utils import translation

from minka.accounts.models import Role
from minka.conftest import make_user, register
from minka.observatory import engine, validation
from minka.observatory.models import Indicator, Validation, Value
from minka.observatory.tests.test_engine import ensure_indicators  # noqa: F401  (fixture)


@pytest.fixture
def tinki(technician, coordinator, places, ensure_indicators):  # noqa: F811
    for n in range(6):
        register(technician, places["tinki"], name=f"Familia Tinki {n}")
    for n in range(7):
        register(technician, places["pacchanta"], name=f"Familia Pacchanta {n}")
    engine.refresh()
    return places["tinki"]


@pytest.fixture
def leader(places):
    return make_user("presidenta", Role.COMMUNITY, places["tinki"])


def card(text, code, prefix="pub"):
    part = text[text.index(f'id="{prefix}-{code}"'):]
    return part[:part.index("</section>")]


def test_leaders_read_their_figures_in_plain_words_and_confirm_one(client_for, tinki, leader):
    client = client_for(leader)
    page = client.get(reverse("observatory_validate", args=[tinki.code])).content.decode()
    assert "Familias beneficiarias: 6 familias." in page
    assert "Por validar" in page
    beneficiaries = Indicator.objects.get(code="beneficiaries")
    response = client.post(reverse("observatory_validate", args=[tinki.code]), {
        "indicator": beneficiaries.pk, "period": "", "status": "confirmed", "spoken_by": "Asamblea del 3 de mayo"})
    assert response.status_code == 302
    word = Validation.objects.get()
    assert (word.by, word.status, word.spoken_by, word.numerator) == (leader, "confirmed", "Asamblea del 3 de mayo", 6)
    assert word.at is not None
    page = client.get(reverse("observatory_validate", args=[tinki.code])).content.decode()
    assert "Confirmada por la comunidad: publicada" in card(page, "beneficiaries", "ind")
    assert "presidenta" in card(page, "beneficiaries", "ind") and "Asamblea del 3 de mayo" in page
    # The dashboard shows the publication state of each figure.
    dashboard = client.get(reverse("observatory_dashboard", args=[tinki.code])).content.decode()
    assert "Confirmada por la comunidad" in card(dashboard, "beneficiaries", "ind")
    assert "Por validar" in card(dashboard, "milk-producers", "ind")


def test_contesting_needs_a_comment_and_a_refused_word_writes_nothing(client_for, tinki, leader):
    client = client_for(leader)
    beneficiaries = Indicator.objects.get(code="beneficiaries")
    url = reverse("observatory_validate", args=[tinki.code])
    page = client.post(url, {"indicator": beneficiaries.pk, "period": "", "status": "contested", "comment": " "},
                       follow=True).content.decode()
    assert "el comentario es obligatorio" in page and not Validation.objects.exists()
    client.post(url, {"indicator": beneficiaries.pk, "period": "S2019", "status": "confirmed"})  # no such figure
    client.post(url, {"indicator": beneficiaries.pk, "period": "", "status": "maybe"})
    assert not Validation.objects.exists()
    client.post(url, {"indicator": beneficiaries.pk, "period": "", "status": "contested",
                      "comment": "Somos 8 familias, faltan dos"})
    page = client.get(url).content.decode()
    assert "Observada por la comunidad" in card(page, "beneficiaries", "ind") and "faltan dos" in page


def test_a_confirmed_figure_that_changes_must_be_confirmed_again(client_for, tinki, leader, technician):
    beneficiaries = Indicator.objects.get(code="beneficiaries")
    validation.record(leader, tinki, beneficiaries, "", "confirmed")
    assert (tinki.pk, beneficiaries.pk, "") in validation.published_periods([tinki.pk])
    register(technician, tinki, name="Familia nueva")
    engine.refresh()
    figure = next(f for f in validation.community_figures(tinki) if f.indicator == beneficiaries)
    assert figure.value.numerator == 7 and figure.state == "changed" and not figure.published
    assert (tinki.pk, beneficiaries.pk, "") not in validation.published_periods([tinki.pk])


def test_only_confirmed_community_figures_reach_the_public(client, tinki, leader, places):
    beneficiaries = Indicator.objects.get(code="beneficiaries")
    url = reverse("public_unit", args=[tinki.code])
    assert "<b>—</b>" in card(client.get(url).content.decode(), "beneficiaries")
    district = client.get(reverse("public_unit", args=["081210"])).content.decode()
    assert "<b>13</b>" in card(district, "beneficiaries") and ">6<" not in card(district, "beneficiaries")
    validation.record(leader, tinki, beneficiaries, "", "confirmed")
    # On the district page Tinki (6) is confirmed but Pacchanta is not: 13 − 6 would give Pacchanta away.
    district = client.get(reverse("public_unit", args=["081210"])).content.decode()
    assert ">6<" not in card(district, "beneficiaries") and ">7<" not in card(district, "beneficiaries")
    assert "<b>—</b>" in card(client.get(url).content.decode(), "beneficiaries")  # nor on its own page
    pacchanta_leader = make_user("varayoq", Role.COMMUNITY, places["pacchanta"])
    validation.record(pacchanta_leader, places["pacchanta"], beneficiaries, "", "confirmed")
    district = client.get(reverse("public_unit", args=["081210"])).content.decode()
    assert ">6<" in card(district, "beneficiaries") and ">7<" in card(district, "beneficiaries")
    assert "<b>6</b>" in card(client.get(url).content.decode(), "beneficiaries")


def test_a_confirmed_figure_of_fewer_than_five_families_stays_hidden(client, technician, places, ensure_indicators):  # noqa: F811
    for n in range(3):
        register(technician, places["tinki"], name=f"Familia {n}")
    engine.refresh()
    leader = make_user("presidenta", Role.COMMUNITY, places["tinki"])
    validation.record(leader, places["tinki"], Indicator.objects.get(code="beneficiaries"), "", "confirmed")
    text = client.get(reverse("public_unit", args=[places["tinki"].code])).content.decode()
    assert "<b>—</b>" in card(text, "beneficiaries") and ">3<" not in text


def test_outside_their_community_leaders_and_others_cannot_validate(client_for, tinki, leader, officer, places):
    beneficiaries = Indicator.objects.get(code="beneficiaries")
    client = client_for(leader)
    assert client.get(reverse("observatory_validate", args=["081210-C02"])).status_code == 404
    assert client.post(reverse("observatory_validate", args=["081210-C02"]), {
        "indicator": beneficiaries.pk, "period": "", "status": "confirmed"}).status_code == 404
    client = client_for(officer)  # Ccatca's municipal officer: neither in scope nor allowed
    assert client.get(reverse("observatory_validate", args=[tinki.code])).status_code == 404
    assert not Validation.objects.exists()
    with pytest.raises(Exception):
        validation.record(officer, places["ccopi"], beneficiaries, "", "confirmed")  # reads, does not validate


def test_the_assembly_sheet_and_quechua(client_for, tinki, leader):
    client = client_for(leader)
    sheet = client.get(reverse("observatory_summary", args=[tinki.code])).content.decode()
    assert "Familias beneficiarias: 6 familias." in sheet and "Presidente(a) de la comunidad" in sheet
    client.post(reverse("set_language"), {"language": "quz", "next": "/"})
    page = client.get(reverse("observatory_validate", args=[tinki.code])).content.decode()
    with translation.override("quz"):
        expected = translation.gettext("Por validar")
    assert expected != "Por validar" and expected in page
    assert Value.objects.filter(territory=tinki).exists()
