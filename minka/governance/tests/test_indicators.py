"""The mesas in the observatory: associations that take part (D'Ausangate's target: 10) and the
attendance of member organisations, followed when a meeting is recorded."""

import datetime

import pytest

from minka.governance import services
from minka.observatory import catalogue, engine
from minka.observatory.models import Value

from .test_spaces import mesa, present  # noqa: F401 (fixture)

day = datetime.date


@pytest.fixture
def indicators(db):
    from django.apps import apps

    catalogue.load(apps)


def value(code, territory, period, breakdown=""):
    row = Value.objects.filter(indicator__code=code, territory=territory, watershed=None, period=period,
                               breakdown=breakdown).first()
    return row.value if row else None


def test_associations_taking_part_and_attendance(technician, mesa, places, indicators, settings,  # noqa: F811
                                                  django_capture_on_commit_callbacks):
    first = services.schedule(actor=technician, space=mesa, date=day(2025, 3, 10), place="Salón", agenda="Plan")
    services.hold(actor=technician, meeting=first, attendees=present(mesa, "muni", "lecheros", "tinki"))
    second = services.schedule(actor=technician, space=mesa, date=day(2025, 6, 10), place="Tinki", agenda="Canal")
    services.hold(actor=technician, meeting=second, attendees=present(mesa, "muni", "lecheros"))
    engine.refresh()
    ocongate = places["ocongate"]
    # the milk producers' association came twice, the guinea pig breeders' never: one association takes part
    assert value("associations-in-mesas", ocongate, "Y2025") == 1
    # 4 members × 2 meetings = 8 seats; filled: 3 + 2
    assert value("mesa-attendance", ocongate, "Y2025") == 62.5
    assert value("mesa-attendance", ocongate, "Y2025", "actor:association") == 50  # 2 of 4
    settings.ANALYTICS_FOLLOW_CHANGES = True
    with django_capture_on_commit_callbacks(execute=True):
        third = services.schedule(actor=technician, space=mesa, date=day(2025, 9, 10), place="Salón", agenda="Feria")
        services.hold(actor=technician, meeting=third, attendees=present(mesa, "cuyes", "muni", "tinki"))
    assert value("associations-in-mesas", ocongate, "Y2025") == 2  # without a full refresh
