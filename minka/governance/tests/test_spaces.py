"""A mesa de concertación: members on a given day, a quorum counted on them, agreements only from a
meeting with quorum and always with someone who answers for them, their follow-up until done or
dropped, overdue ones flagged, each organisation's participation; outsiders change nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from minka.governance import services
from minka.governance.models import Accord, Attendance, Meeting
from minka.people.models import Organisation

day = datetime.date


@pytest.fixture
def mesa(technician, places):
    space = services.create_space(actor=technician, code="mcl-ocongate", name="Mesa de concertación de Ocongate",
                                  territory=places["ocongate"], founded_on=day(2025, 1, 15))
    space.orgs = {}
    for key, name, kind in (("muni", "Municipalidad de Ocongate", "municipality"),
                            ("lecheros", "Asociación de productores lecheros", "association"),
                            ("cuyes", "Asociación de criadoras de cuy", "association"),
                            ("tinki", "Comunidad de Tinki", "community_government")):
        space.orgs[key] = Organisation.objects.create(name=name, kind=kind, territory=places["ocongate"])
        services.join(actor=technician, space=space, organisation=space.orgs[key], date=day(2025, 1, 15))
    space.orgs["ong"] = Organisation.objects.create(name="CCAIJO", kind="ngo", territory=places["ocongate"])
    return space


def present(space, *keys, guests=()):
    return [(space.orgs[k], f"Representante {k}", "F" if n % 2 else "M") for n, k in enumerate(keys)] + \
        [(None, name, "F") for name in guests]


def test_quorum_decides_whether_a_meeting_adopts_agreements(technician, mesa):
    first = services.schedule(actor=technician, space=mesa, date=day(2025, 3, 10), place="Salón municipal",
                              agenda="1. Plan de trabajo 2025")
    # 4 members, quorum 51 %: 3 needed. Two members and the NGO (not a member) are not enough to decide.
    with pytest.raises(ValidationError, match="estuvieron 2 de 4 organizaciones miembro y se necesitan 3"):
        services.hold(actor=technician, meeting=first, attendees=present(mesa, "muni", "lecheros", "ong"),
                      decisive=True)
    assert not Attendance.objects.exists() and Meeting.objects.get().status == "planned"
    held = services.hold(actor=technician, meeting=first, attendees=present(mesa, "muni", "lecheros", "ong"),
                         minutes="Informe del plan.")
    assert (held.members, held.present, held.quorum_met, held.decisive) == (4, 2, False, False)
    with pytest.raises(ValidationError, match="Solo una sesión realizada con quórum"):
        services.adopt(actor=technician, meeting=held, text="Priorizar el canal", responsible=mesa.orgs["muni"],
                       due_on=day(2025, 6, 30))
    second = services.schedule(actor=technician, space=mesa, date=day(2025, 5, 12), place="Tinki", agenda="Canal")
    second = services.hold(actor=technician, meeting=second, attendees=present(mesa, "muni", "lecheros", "tinki"),
                           decisive=True)
    assert second.number == 2 and second.quorum_met
    with pytest.raises(ValidationError, match="organización responsable"):
        services.adopt(actor=technician, meeting=second, text="Sin responsable", responsible=None,
                       due_on=day(2025, 6, 30))
    canal = services.adopt(actor=technician, meeting=second, text="Expediente del canal de Tinki",
                           responsible=mesa.orgs["muni"], proposed_by=mesa.orgs["tinki"], due_on=day(2025, 9, 30))
    feria = services.adopt(actor=technician, meeting=second, text="Feria del cuy", responsible=mesa.orgs["cuyes"],
                           proposed_by=mesa.orgs["lecheros"], due_on=day(2025, 7, 31))
    assert (canal.number, feria.number) == (1, 2) and canal.status == "pending"


def test_members_are_counted_on_the_day(technician, mesa):
    late = Organisation.objects.create(name="JASS Tinki", kind="water_utility", territory=mesa.territory)
    services.join(actor=technician, space=mesa, organisation=late, date=day(2025, 6, 1))
    membership = mesa.memberships.get(organisation=mesa.orgs["cuyes"])
    services.leave(actor=technician, membership=membership, date=day(2025, 4, 30))
    with pytest.raises(ValidationError, match="ya dejó"):
        services.leave(actor=technician, membership=membership, date=day(2025, 5, 30))
    assert services.quorum(mesa, day(2025, 3, 1), []).members == 4
    assert services.quorum(mesa, day(2025, 5, 15), []).members == 3  # the guinea pig association left
    assert services.quorum(mesa, day(2025, 6, 15), [late]).members == 4  # the water board joined
    with pytest.raises(ValidationError, match="ya es miembro"):
        services.join(actor=technician, space=mesa, organisation=late, date=day(2025, 7, 1))


def test_agreements_followed_until_done_and_overdue_ones_flagged(technician, mesa):
    meeting = services.hold(actor=technician, meeting=services.schedule(
        actor=technician, space=mesa, date=day(2025, 5, 12), place="Tinki", agenda="Canal"),
        attendees=present(mesa, "muni", "lecheros", "tinki"), decisive=True)
    canal = services.adopt(actor=technician, meeting=meeting, text="Expediente del canal",
                           responsible=mesa.orgs["muni"], proposed_by=mesa.orgs["tinki"], due_on=day(2025, 9, 30))
    feria = services.adopt(actor=technician, meeting=meeting, text="Feria del cuy", responsible=mesa.orgs["cuyes"],
                           proposed_by=mesa.orgs["lecheros"], due_on=day(2025, 7, 31))
    with pytest.raises(ValidationError, match="Diga qué se hizo"):
        services.follow(actor=technician, accord=canal, date=day(2025, 6, 1), status="in_progress", note=" ")
    services.follow(actor=technician, accord=canal, date=day(2025, 6, 1), status="in_progress",
                    note="Perfil técnico encargado")
    services.follow(actor=technician, accord=canal, date=day(2025, 9, 20), status="done", note="Expediente aprobado")
    canal.refresh_from_db()
    assert canal.status == "done" and canal.closed_on == day(2025, 9, 20)
    with pytest.raises(ValidationError, match="ya está cerrado"):
        services.follow(actor=technician, accord=canal, date=day(2025, 10, 1), status="in_progress", note="Otra vez")
    assert services.overdue(Accord.objects.all(), day(2025, 8, 15)) == [feria]
    assert services.overdue(Accord.objects.all(), day(2025, 7, 31)) == []
    rows = {p.organisation.name: p for p in services.participation(mesa, day(2025, 1, 1), day(2025, 12, 31))}
    tinki, cuyes = rows["Comunidad de Tinki"], rows["Asociación de criadoras de cuy"]
    assert (tinki.meetings, tinki.attended, tinki.proposed, tinki.responsible) == (1, 1, 1, 0)
    assert (cuyes.attended, cuyes.responsible, cuyes.done, cuyes.attendance_rate) == (0, 1, 0, 0)
    assert rows["Municipalidad de Ocongate"].done == 1


def test_outsiders_change_nothing(officer, technician, mesa):
    with pytest.raises(PermissionDenied):
        services.schedule(actor=officer, space=mesa, date=day(2025, 3, 10), place="Ccatca", agenda="Otra")
    meeting = services.schedule(actor=technician, space=mesa, date=day(2025, 3, 10), place="Salón", agenda="Plan")
    with pytest.raises(PermissionDenied):
        services.hold(actor=officer, meeting=meeting, attendees=present(mesa, "muni", "lecheros", "tinki"))
    assert Meeting.objects.get().status == "planned"
