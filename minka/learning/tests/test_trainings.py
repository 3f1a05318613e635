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


def test_attendance_list_import_is_all_or_nothing(technician, field_school, ocongate_family):
    from minka.core.tabular import ImportRejected
    from minka.learning import spreadsheets

    code = ocongate_family.code
    bad = (f"household,name,sex,actor,pre_score,post_score\n{code},,,,9,14\n,Rosa Huillca,X,familia,,\n"
           f"{code},Nadie,,,,\n").encode()
    with pytest.raises(ImportRejected) as rejected:
        spreadsheets.import_participants(actor=technician, training=field_school, data=bad, filename="a.csv")
    assert [e.line for e in rejected.value.errors] == [3, 4]
    assert not Participant.objects.exists()
    good = (f"household,name,sex,actor,pre_score,post_score\n{code},Lucio,,,9,14\n"
            ",Rosa Huillca,mujer,gobierno local,\"10,5\",16\n").encode()
    result = spreadsheets.import_participants(actor=technician, training=field_school, data=good, filename="a.csv")
    assert result["records"] == 2
    lucio = Participant.objects.get(person__given_names="Lucio")
    assert lucio.sex == "M" and lucio.post_score == Decimal("14")
    assert Participant.objects.get(name="Rosa Huillca").actor == "government"
    rows = list(spreadsheets.participant_rows(Training.objects.all()))
    assert len(rows) == 2 and rows[0][6] in (code, "")


def test_training_events_import_checks_place_and_kind(technician, places):
    from minka.core.tabular import ImportRejected
    from minka.learning import spreadsheets

    header = "title,kind,start_date,end_date,place,topics,target_actors\n"
    with pytest.raises(ImportRejected) as rejected:
        spreadsheets.import_trainings(actor=technician, filename="t.csv", data=(
            header + "Taller de biol,taller,2024-05-02,,081210-C01,organic-fertiliser,familia\n"
                     "Curso,seminario,2024-05-02,,081210,,\nTaller en Ccatca,taller,2024-05-02,,081205,,\n"
                     "Taller al revés,taller,2024-05-02,2024-05-01,081210,,\n").encode())
    assert [e.line for e in rejected.value.errors] == [3, 4, 5]
    assert not Training.objects.exists()
    spreadsheets.import_trainings(actor=technician, filename="t.csv", data=(
        header + "Taller de biol,taller,02/05/2024,,081210-C01,organic-fertiliser,familia;líder\n").encode())
    training = Training.objects.get()
    assert training.kind == "workshop" and training.end_date == datetime.date(2024, 5, 2)
    assert training.target_actors == ["family", "leader"] and training.topics.get().code == "organic-fertiliser"
