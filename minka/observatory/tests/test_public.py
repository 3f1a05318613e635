"""The public observatory shows aggregates only, and no figure of fewer than 5 families, not even
by subtracting the figures it does show from a total."""

import pytest
from django.urls import reverse

from minka.conftest import register
from minka.core.tabular import read_csv
from minka.observatory import engine
from minka.observatory.suppression import hidden_cells
from minka.observatory.tests.test_engine import ensure_indicators  # noqa: F401  (fixture)


@pytest.fixture
def small_district(technician, coordinator, places, ensure_indicators):  # noqa: F811
    for n in range(10):
        register(technician, places["tinki"], name=f"Familia Ocongate {n}")
    for n in range(3):
        register(coordinator, places["ccopi"], name=f"Familia Ccatca {n}")
    engine.refresh()


def test_complementary_suppression_leaves_nothing_to_subtract():
    assert hidden_cells({"a": 3, "b": 10, "c": 40}) == {"a", "b"}
    assert hidden_cells({"a": 3, "b": 2, "c": 40}) == {"a", "b"}  # two hidden: no single unknown
    assert hidden_cells({"a": 3}) == {"a", None}  # an only child: the total itself must go
    assert hidden_cells({"a": 3, "b": 10}, total_shown=False) == {"a"}


def test_the_public_page_hides_a_small_district_and_the_sibling_that_would_reveal_it(client, small_district):
    page = client.get(reverse("public_unit", args=["0812"]))
    assert page.status_code == 200  # no login
    text = page.content.decode()
    card = text[text.index('id="pub-beneficiaries"'):]
    card = card[:card.index("</section>")]
    assert "<b>13</b>" in card and ">3<" not in card and ">10<" not in card
    assert "Familia Ocongate" not in text and "Juana" not in text  # no personal data at all
    rows = read_csv(client.get(reverse("public_data", args=["0812"])).content).rows
    beneficiaries = {(r["territory_code"], r["breakdown"]): r["value"] for _l, r in rows
                     if r["indicator"] == "beneficiaries"}
    assert beneficiaries[("0812", "")] == "13.0000"
    assert beneficiaries[("081205", "")] == "" and beneficiaries[("081210", "")] == ""
    # Trying to recover Ccatca by subtraction: the total minus every shown district leaves both unknown.
    shown = [float(v) for (code, b), v in beneficiaries.items() if code != "0812" and not b and v]
    assert shown == []


def test_a_district_of_three_families_shows_no_figure(client, small_district):
    text = client.get(reverse("public_unit", args=["081205"])).content.decode()
    card = text[text.index('id="pub-beneficiaries"'):]
    assert "<b>—</b>" in card[:card.index("</section>")]
    community = client.get(reverse("public_unit", args=["081205-C01"])).content.decode()  # not confirmed, and 3
    card = community[community.index('id="pub-beneficiaries"'):]
    assert "<b>—</b>" in card[:card.index("</section>")] and ">3<" not in community


def test_a_sibling_hidden_on_the_parent_page_stays_hidden_on_its_own_page(client, small_district):
    """Otherwise the province (13) minus Ocongate's own page (10) would give Ccatca (3)."""
    text = client.get(reverse("public_unit", args=["081210"])).content.decode()
    card = text[text.index('id="pub-beneficiaries"'):]
    assert "<b>—</b>" in card[:card.index("</section>")]
    assert "Mujeres: —" in card[:card.index("</section>")]  # its breakdown would add up to it


def test_a_watershed_page_cannot_be_subtracted_from_a_district(client, technician, coordinator, places,
                                                               ensure_indicators):  # noqa: F811
    """Ocongate = Tinki (in the microwatershed) + Pacchanta (outside it): the district's total minus
    the watershed's would give Pacchanta."""
    from minka.accounts.models import Role
    from minka.conftest import make_user
    from minka.observatory import validation
    from minka.observatory.models import Indicator
    from minka.territory.models import Watershed

    shed = Watershed.objects.create(kind="microcuenca", code="W1", name="Microcuenca Tinki", path="W1/")
    shed.communities.add(places["tinki"])
    for n in range(10):
        register(technician, places["tinki"], name=f"Familia Tinki {n}")
    for n in range(3):
        register(technician, places["pacchanta"], name=f"Familia Pacchanta {n}")
    engine.refresh()
    beneficiaries = Indicator.objects.get(code="beneficiaries")
    url = reverse("public_watershed", args=["W1"])

    def shown():
        text = client.get(url).content.decode()
        card = text[text.index('id="pub-beneficiaries"'):]
        return card[card.index("<b>") + 3:card.index("</b>")]

    assert shown() == "—"  # Tinki alone: the community has not confirmed its figure
    validation.record(make_user("tinki", Role.COMMUNITY, places["tinki"]), places["tinki"], beneficiaries, "",
                      "confirmed")
    assert shown() == "—"  # now Ocongate (13) − the watershed (10) would give Pacchanta's 3
    for n in range(3):
        register(technician, places["pacchanta"], name=f"Otra familia {n}")
    engine.refresh()
    assert shown() == "—"  # 6 families in Pacchanta, but its figure is not confirmed
    validation.record(make_user("pacchanta", Role.COMMUNITY, places["pacchanta"]), places["pacchanta"],
                      beneficiaries, "", "confirmed")
    assert shown() == "10"
    rows = read_csv(client.get(reverse("public_watershed_data", args=["W1"])).content).rows
    assert {r["value"] for _l, r in rows if r["indicator"] == "beneficiaries" and not r["breakdown"]} == {"10.0000"}
    assert client.get(reverse("public_watershed", args=["NOPE"])).status_code == 404


def test_each_season_of_a_public_chart_is_protected_like_the_latest(client, technician, coordinator, places,
                                                                     ensure_indicators):  # noqa: F811
    """2022-23: Ocongate 10 families, Ccatca 3. The province's chart shows that season; Ocongate's
    own chart must not, or the province minus Ocongate would give Ccatca's 3 families."""
    import datetime

    from minka.observatory.tests.test_incremental import milk_record

    for n in range(10):
        family = register(technician, places["tinki"], name=f"Familia Tinki {n}")
        milk_record(technician, family, datetime.date(2022, 9, 1), "10")
        milk_record(technician, family, datetime.date(2023, 9, 1), "10")
    for n in range(10):
        family = register(coordinator, places["ccopi"], name=f"Familia Ccopi {n}")
        if n < 3:
            milk_record(coordinator, family, datetime.date(2022, 9, 1), "10")
        milk_record(coordinator, family, datetime.date(2023, 9, 1), "10")
    engine.refresh()
    from minka.accounts.models import Role
    from minka.conftest import make_user
    from minka.observatory import validation
    from minka.observatory.models import Indicator

    for place in ("tinki", "ccopi"):  # both communities confirmed their 2023-24 figure, not 2022-23's
        validation.record(make_user(place, Role.COMMUNITY, places[place]), places[place],
                          Indicator.objects.get(code="milk-volume"), "S2023", "confirmed")

    def chart(code):
        text = client.get(reverse("public_unit", args=[code])).content.decode()
        card = text[text.index('id="pub-milk-volume"'):]
        return card[:card.index("</section>")]

    province = chart("0812")
    assert "2022-23: 130" in province and "2023-24: 200" in province and "no publicadas" not in province
    ocongate = chart("081210")
    assert "<b>100</b>" in ocongate  # the latest season, as on the province's page
    assert "2022-23: 100" not in ocongate and "no publicadas (" in ocongate and "2022-23" in ocongate
    ccatca = chart("081205")
    assert "2022-23: 30" not in ccatca and "<b>100</b>" in ccatca  # 3 families then
    # Tinki confirmed its 2023-24 figure, and is all of Ocongate: in 2022-23 it would give Ocongate away.
    tinki = chart("081210-C01")
    assert "<b>100</b>" in tinki and "2022-23: 100" not in tinki
    ccopi = chart("081205-C01")
    assert "<b>100</b>" in ccopi and "2022-23: 30" not in ccopi  # 2022-23: 3 families, and not confirmed


def test_a_district_resting_on_one_unconfirmed_community_is_not_shown_above_it(
        client, technician, coordinator, places, ensure_indicators):  # noqa: F811
    """Every family of Ccatca lives in Ccopi: Ccatca's figure is Ccopi's, which Ccopi has not confirmed.
    The province's page may not list it, nor Ocongate beside it (the province minus Ocongate would
    give it), nor Tinki, all of Ocongate, although Tinki confirmed its own."""
    from minka.accounts.models import Role
    from minka.conftest import make_user
    from minka.observatory import iati, selectors, validation
    from minka.observatory.models import Indicator

    for n in range(10):
        register(technician, places["tinki"], name=f"Familia Tinki {n}")
        register(coordinator, places["ccopi"], name=f"Familia Ccopi {n}")
    engine.refresh()
    beneficiaries = Indicator.objects.get(code="beneficiaries")
    validation.record(make_user("tinki", Role.COMMUNITY, places["tinki"]), places["tinki"], beneficiaries, "",
                      "confirmed")

    def published(code):
        rows = read_csv(client.get(reverse("public_data", args=[code])).content).rows
        return {r["territory_code"]: r["value"] for _l, r in rows if r["indicator"] == "beneficiaries"
                and not r["breakdown"]}

    def card(code):
        text = client.get(reverse("public_unit", args=[code])).content.decode()
        text = text[text.index('id="pub-beneficiaries"'):]
        return text[text.index("<b>") + 3:text.index("</b>")]

    assert published("0812") == {"0812": "20.0000", "081205": "", "081210": ""}
    assert card("081205") == card("081205-C01") == "—"
    assert card("081210") == card("081210-C01") == "—"
    assert published("PE")["08"] == "20.0000"  # two communities: the region and the country may show it
    ccatca = places["ccopi"].parent
    actuals = iati._actuals(beneficiaries, ccatca, selectors.withheld_periods(ccatca))
    assert all(total is None for total, _sexes in actuals.values())  # nor the IATI results
    validation.record(make_user("ccopi", Role.COMMUNITY, places["ccopi"]), places["ccopi"], beneficiaries, "",
                      "confirmed")
    assert published("0812") == {"0812": "20.0000", "081205": "10.0000", "081210": "10.0000"}
    assert card("081205") == card("081205-C01") == card("081210-C01") == "10"
    actuals = iati._actuals(beneficiaries, ccatca, selectors.withheld_periods(ccatca))
    assert [total.numerator for total, _sexes in actuals.values()] == [10]
