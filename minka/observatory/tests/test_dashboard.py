import pytest
from django.urls import reverse

from minka.conftest import register
from minka.observatory import engine
from minka.observatory.catalogue import set_program_targets
from minka.observatory.tests.test_engine import ensure_indicators  # noqa: F401  (fixture)


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


def test_a_coordinator_recomputes_every_indicator_in_the_background(client_for, coordinator, ocongate_family):
    from django.apps import apps

    from minka.observatory import catalogue
    from minka.observatory.models import Value

    catalogue.load(apps)
    assert not Value.objects.exists()
    response = client_for(coordinator).post(reverse("observatory_refresh", args=["081210"]))
    assert response.status_code == 302  # the task ran (immediately in tests): the family is counted
    assert Value.objects.get(indicator__code="beneficiaries", territory__code="081210", breakdown="").value == 1
