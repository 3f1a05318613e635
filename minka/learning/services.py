"""Every write to trainings. The place of the event decides who may record it (territory scope)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from minka.accounts.permissions import RECORD_FIELD, can
from minka.people.services import PermissionDenied

from .models import OrganisationAttendance, Participant, Training


def _save(instance, actor):
    instance._history_user = actor
    instance.full_clean()
    instance.save()
    return instance


def check_training_scope(actor, place):
    if actor is not None and not can(actor, RECORD_FIELD, place):
        raise PermissionDenied(_("%(place)s está fuera de su ámbito.") % {"place": place})


@transaction.atomic
def record_training(*, actor, title, kind, start_date, end_date, place, topics=(), venue="", organiser=None,
                    target_actors=(), score_max=None, notes="", is_demo=False, training=None):
    """Create a training event, or change it when `training` is given (in the actor's scope, both
    where it was and where it moves to)."""
    if training is not None:
        training = Training.objects.select_for_update().get(pk=training.pk)
        check_training_scope(actor, training.place)
    else:
        training = Training(recorded_by=actor, is_demo=is_demo)
    check_training_scope(actor, place)
    training.title, training.kind, training.start_date, training.end_date = title, kind, start_date, end_date
    training.place, training.venue, training.organiser, training.notes = place, venue, organiser, notes
    training.target_actors = list(target_actors)
    if score_max is not None:
        training.score_max = score_max
    _save(training, actor)
    training.topics.set(topics)
    return training


@transaction.atomic
def record_attendance(*, actor, training, participants=(), organisations=()):
    """Add participants ({person or name, sex, actor, organisation, pre_score, post_score}) and
    organisations ({organisation, delegates}). A person of the registry attends once per event."""
    check_training_scope(actor, training.place)
    seen = set(training.participants.exclude(person=None).values_list("person_id", flat=True))
    errors, rows = [], []
    for data in participants:
        person = data.get("person")
        row = Participant(training=training, person=person, name=data.get("name") or (person.full_name if person else ""),
                          sex=data.get("sex") or (person.sex if person else ""), actor=data.get("actor") or "family",
                          organisation=data.get("organisation"), pre_score=data.get("pre_score"),
                          post_score=data.get("post_score"))
        if person is not None:
            if person.pk in seen:
                errors.append(_("%(name)s ya está registrado(a) en este evento.") % {"name": person.full_name})
            seen.add(person.pk)
        try:
            row.full_clean()
        except ValidationError as exc:
            errors.extend(f"{row.name or '—'}: {m}" for m in exc.messages)
        rows.append(row)
    if errors:
        raise ValidationError(errors)
    for row in rows:
        _save(row, actor)
    for data in organisations:
        attendance = OrganisationAttendance.objects.filter(training=training, organisation=data["organisation"]).first() \
            or OrganisationAttendance(training=training, organisation=data["organisation"])
        attendance.delegates = data.get("delegates") or 1
        _save(attendance, actor)
    return rows


def find_person(household, name=""):
    """The member of a family a participant is: by the start of their given names, else the head."""
    members = list(household.members.all())
    if name:
        wanted = name.strip().lower()
        matches = [m for m in members if m.full_name.lower().startswith(wanted) or m.given_names.lower() == wanted]
        if len(matches) == 1:
            return matches[0]
        raise ValidationError(_("No se encontró a «%(name)s» entre los miembros de %(household)s.")
                              % {"name": name, "household": household.code})
    head = household.head
    if head is None:
        raise ValidationError(_("La familia %(household)s no tiene jefe(a) registrado(a).") % {"household": household.code})
    return head


@transaction.atomic
def remove_participant(*, actor, participant):
    check_training_scope(actor, participant.training.place)
    participant._history_user = actor
    participant.delete()
