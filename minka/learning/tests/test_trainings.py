import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from minka.learning import selectors, services
from minka.learning.models import Participant, Training
from minka.people.models import Organisation

TODAY = datetime.date.today()


@pytest.fixture
def field_school(technician, places):
    return services.record_training(actor=technician, title="Sanidad del cuy", kind="field_school",
                                    start_date=TODAY, end_date=TODAY, place=places["tinki"],
                                    target_actors=["family", "leader"])


def test_attendance_of_persons_and_organisations_with_scores(technician, field_school, ocongate_family, places):
    association = Organisation.objects.create(name="Asociación Tinki", kind="association", territory=places["ocongate"])
    head = ocongate_family.head
    services.record_attendance(actor=technician, training=field_school, participants=[
        {"person": head, "pre_score": Decimal("8"), "post_score": Decimal("15")},
        {"name": "Teófilo Ccama", "sex": "M", "actor": "government", "pre_score": Decimal("12"),
         "post_score": Decimal("17")},
    ], organisations=[{"organisation": association, "delegates": 2}])
    summary = selectors.attendance_summary(field_school)
    assert (summary["women"], summary["men"]) == (1, 1)
    assert summary["by_actor"] == {"family": 1, "government": 1}
    assert summary["scores"]["gain"] == Decimal("6")
    assert field_school.organisations.get().delegates == 2
    with pytest.raises(ValidationError, match="ya está registrado"):
        services.record_attendance(actor=technician, training=field_school, participants=[{"person": head}])


def test_a_score_above_the_scale_is_refused_and_nothing_saved(technician, field_school):
    with pytest.raises(ValidationError, match="de 0 a 20"):
        services.record_attendance(actor=technician, training=field_school, participants=[
            {"name": "Rosa Huillca", "sex": "F", "pre_score": Decimal("10")},
            {"name": "Rosa Huillca", "sex": "F", "post_score": Decimal("25")},
        ])
    assert not Participant.objects.exists()


def test_a_training_outside_the_scope_or_ending_before_it_starts_is_refused(technician, places):
    with pytest.raises(services.PermissionDenied):
        services.record_training(actor=technician, title="Taller", kind="workshop", start_date=TODAY,
                                 end_date=TODAY, place=places["ccopi"])
    with pytest.raises(ValidationError):
        services.record_training(actor=technician, title="Taller", kind="workshop", start_date=TODAY,
                                 end_date=TODAY - datetime.timedelta(days=2), place=places["tinki"])
    assert not Training.objects.exists()


def test_the_outsider_does_not_see_ocongate_trainings(technician, officer, field_school):
    assert list(selectors.trainings_for(technician)) == [field_school]
    assert not selectors.trainings_for(officer).exists()
