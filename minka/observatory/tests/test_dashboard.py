import pytest
from django.urls import reverse

from minka.conftest import register
from minka.observatory import engine
from minka.observatory.catalogue import set_program_targets
from minka.observatory.tests.test_engine import ensure_indicators  # noqa: F401  (fixture)
from minka.observatory.tests.test_incremental import milk_record, watershed  # noqa: F401  (fixture)
from minka.observatory import selectors
from minka.observatory.models import Indicator
from minka.territory.models import Watershed


@pytest.fixture
def computed(technician, coordinator, places, ensure_indicators):  # noqa: F811
    register(technician, places["tinki"], name="A", chains=("milk",))
    register(coordinator, places["ccopi"], name="B", chains=("milk",))
    set_program_targets(places["quispicanchi"])
    engine.refresh()


def test_the_coordinator_sees_targets_and_status_and_drills_down(client_for, coordinator, computed,
                                                                django_assert_max_num_queries):
    client = client_for(coordinator)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("observatory_dashboard", args=["0812"])).content.decode()
    card = page[page.index('id="ind-milk-producers"'):]
    assert "<b>2</b>" in card and "490" in card and "lejos de la meta" in card
    assert reverse("observatory_dashboard", args=["081210"]) in page  # drill down to a district


def test_the_dashboard_follows_the_scope(client_for, technician, officer, computed):
    assert client_for(officer).get(reverse("observatory_dashboard", args=["081210"])).status_code == 404
    # Above their scope a technician's figures would include families they do not see.
    assert client_for(technician).get(reverse("observatory_dashboard", args=["0812"])).status_code == 404
    page = client_for(technician).get(reverse("observatory_dashboard", args=["081210"])).content.decode()
    assert 'id="ind-milk-producers"' in page and "<b>1</b>" in page[page.index('id="ind-milk-producers"'):]
    assert client_for(technician).post(reverse("observatory_refresh", args=["081210"])).status_code == 404


def test_the_observatory_starts_where_the_figures_are_the_users(client_for, technician, places, computed):
    from minka.accounts.models import Role
    from minka.conftest import make_user
    from minka.territory import services as territory

    apurimac = territory.create_territory(kind="region", code="03", name="Apurímac", parent=places["cusco"].parent)
    both = make_user("coordinadora2", Role.COORDINATOR, places["cusco"], apurimac)
    # Two regions: the country holding both would count families outside them; each is offered instead.
    response = client_for(both).get(reverse("observatory_home"))
    assert response.status_code == 200
    page = response.content.decode()
    for code in ("08", "03"):
        assert f'href="{reverse("observatory_dashboard", args=[code])}"' in page
    assert client_for(both).get(reverse("observatory_dashboard", args=["PE"])).status_code == 404
    # One unit: straight to its dashboard, whose trail names the units above without linking them.
    assert client_for(technician).get(reverse("observatory_home")).url == reverse("observatory_dashboard",
                                                                                  args=["081210"])
    page = client_for(technician).get(reverse("observatory_dashboard", args=["081210"])).content.decode()
    trail = page[page.index('class="crumbs"'):page.index("</nav>", page.index('class="crumbs"'))]
    assert "Quispicanchi" in trail and "Quispicanchi</a>" not in trail
    page = client_for(both).get(reverse("observatory_dashboard", args=["081210"])).content.decode()
    trail = page[page.index('class="crumbs"'):page.index("</nav>", page.index('class="crumbs"'))]
    assert reverse("observatory_dashboard", args=["0812"]) in trail and 'href="/observatorio/PE/' not in trail


def test_a_coordinator_recomputes_every_indicator_in_the_background(client_for, coordinator, ocongate_family):
    from django.apps import apps

    from minka.observatory import catalogue
    from minka.observatory.models import Value

    catalogue.load(apps)
    assert not Value.objects.exists()
    response = client_for(coordinator).post(reverse("observatory_refresh", args=["081210"]))
    assert response.status_code == 302  # the task ran (immediately in tests): the family is counted
    assert Value.objects.get(indicator__code="beneficiaries", territory__code="081210", breakdown="").value == 1


@pytest.fixture
def monthly(technician, coordinator, places, ensure_indicators, watershed):  # noqa: F811
    """Milk in Tinki (Ocongate) in two months of season 2023-24 and one of 2024-25; Ccopi (Ccatca) once."""
    import datetime

    a = register(technician, places["tinki"], name="A", chains=("milk",))
    b = register(coordinator, places["ccopi"], name="B", chains=("milk",))
    milk_record(technician, a, datetime.date(2023, 9, 10), 100)
    milk_record(technician, a, datetime.date(2023, 10, 10), 120)
    milk_record(technician, a, datetime.date(2024, 9, 10), 150)
    milk_record(coordinator, b, datetime.date(2023, 9, 15), 40)
    engine.refresh()


def card_of(page, code):
    part = page[page.index(f'id="ind-{code}"'):]
    return part[:part.index("</section>")]


def test_time_series_follow_the_period_chosen_and_links_keep_the_filters(client_for, coordinator, monthly):
    client = client_for(coordinator)
    url = reverse("observatory_dashboard", args=["081210"])
    seasons = card_of(client.get(url).content.decode(), "milk-volume")
    assert "<b>150</b>" in seasons and "2024-25" in seasons and "2023-24: 220" in seasons
    months = client.get(url + "?periodo=month&programa=dausangate").content.decode()
    card = card_of(months, "milk-volume")
    assert "2023-09: 100" in card and "2023-10: 120" in card and "2024-09: 150" in card
    # Drill-down and breadcrumbs keep the filters, so that a view can be shared and explored.
    assert reverse("observatory_dashboard", args=["081210-C01"]) + "?periodo=month&amp;programa=dausangate" in months
    assert 'id="ind-trainings"' not in months  # another program's indicator
    # An indicator not computed by month is shown by season (and the card says so); today's stay today.
    prefixes = {i.code: selectors._prefix_for(i, "M") for i in Indicator.objects.all()}
    assert (prefixes["milk-volume"], prefixes["transition"], prefixes["beneficiaries"]) == ("M", "S", "")
    assert selectors._prefix_for(Indicator(periods=["year"]), "M") == "Y"


def test_the_map_colours_children_by_their_latest_figure(client_for, coordinator, technician, monthly):
    client = client_for(coordinator)
    data = client.get(reverse("observatory_map", args=["0812"]) + "?mapa=milk-volume").json()
    figures = {f["properties"]["code"]: f["properties"] for f in data["features"]}
    assert figures["081210"]["value"] == 150 and figures["081210"]["period"] == "2024-25"
    assert figures["081205"]["value"] == 40 and figures["081205"]["period"] == "2023-24"
    assert figures["081210"]["url"] == reverse("observatory_dashboard", args=["081210"])
    # Communities have no months: by month, their map falls back to seasons.
    data = client.get(reverse("observatory_map", args=["081210"]) + "?mapa=milk-volume&periodo=month").json()
    assert [(f["properties"]["code"], f["properties"]["value"]) for f in data["features"]] == [("081210-C01", 150)]
    assert client.get(reverse("observatory_map", args=["0812"]) + "?mapa=nope").status_code == 404
    assert client_for(technician).get(reverse("observatory_map", args=["0812"]) + "?mapa=milk-volume").status_code == 404


def test_watershed_dashboards_add_up_their_communities_within_the_scope(client_for, coordinator, technician, monthly,
                                                                        places):
    page = client_for(coordinator).get(reverse("observatory_watershed", args=["MAP"])).content.decode()
    assert "<b>2</b>" in card_of(page, "beneficiaries")  # Tinki and Ccopi, through the microwatershed
    assert reverse("observatory_watershed", args=["MAP-1"]) in page  # drill down to the microwatershed
    micro = client_for(coordinator).get(reverse("observatory_watershed", args=["MAP-1"])).content.decode()
    assert reverse("observatory_dashboard", args=["081210-C01"]) in micro  # and to its communities
    # The technician of Ocongate does not see Ccopi's family: the watershed is not hers to read.
    assert client_for(technician).get(reverse("observatory_watershed", args=["MAP"])).status_code == 404
    local = Watershed.objects.create(kind="microcuenca", code="LOC", name="Local", path="LOC/")
    local.communities.add(places["tinki"])
    engine.refresh()  # (a new watershed refreshes everything after its commit; tests do not follow commits)
    page = client_for(technician).get(reverse("observatory_dashboard", args=["081210"])).content.decode()
    assert reverse("observatory_watershed", args=["LOC"]) in page and reverse(
        "observatory_watershed", args=["MAP"]) not in page
    assert "<b>1</b>" in card_of(client_for(technician).get(reverse("observatory_watershed", args=["LOC"])
                                                            ).content.decode(), "beneficiaries")


def test_a_milestone_for_the_period_shown_comes_before_the_end_of_program_target(client_for, coordinator, monthly,
                                                                                 places):
    from minka.observatory.models import Target

    volume = Indicator.objects.get(code="milk-volume")
    Target.objects.create(indicator=volume, territory=places["ocongate"], target=1000)  # end of program
    url = reverse("observatory_dashboard", args=["081210"])
    card = card_of(client_for(coordinator).get(url).content.decode(), "milk-volume")
    assert "Meta: 1,000" in card and "lejos de la meta" in card  # 150 of 1,000
    Target.objects.create(indicator=volume, territory=places["ocongate"], period="S2024", target=160)
    card = card_of(client_for(coordinator).get(url).content.decode(), "milk-volume")
    assert "Meta 2024-25: 160" in card and "en camino" in card  # 150 of the 160 planned for 2024-25
