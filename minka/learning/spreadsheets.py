"""Attendance lists in and out: the sheet technicians pass around at a training."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from minka.accounts.permissions import RECORD_FIELD, can
from minka.chains.models import Topic
from minka.core.periods import parse_date
from minka.core.tabular import ImportRejected, RowError, read_table, require_columns
from minka.people.models import Household, Organisation
from minka.people.services import SEX_WORDS
from minka.territory.models import Territory

from . import services
from .models import Actor, Participant, Training

PARTICIPANT_COLUMNS = ["household", "name", "sex", "actor", "organisation", "pre_score", "post_score"]
ACTOR_WORDS = {a.value: a.value for a in Actor} | {"familia": "family", "líder": "leader", "lider": "leader",
                                                   "autoridad": "leader", "municipalidad": "government",
                                                   "gobierno local": "government", "organización": "organisation",
                                                   "organizacion": "organisation", "": "family"}


@transaction.atomic
def import_participants(*, actor, training, data, filename):
    """One participant per row: a member of a registered family (by household code and name) or a
    person recorded by name and sex. All rows are checked first; nothing is saved on an error."""
    services.check_training_scope(actor, training.place)
    table = read_table(data, filename)
    require_columns(table, ["name"])
    codes = {row.get("household", "").upper() for _line, row in table.rows if row.get("household")}
    households = {h.code: h for h in Household.objects.filter(code__in=codes).prefetch_related("members")}
    organisations = {o.name.lower(): o for o in Organisation.objects.all()}
    errors, participants = [], []
    for line, row in table.rows:
        item = {"actor": ACTOR_WORDS.get(row.get("actor", "").lower())}
        if item["actor"] is None:
            errors.append(RowError(line, _("tipo de actor desconocido: %(value)s") % {"value": row["actor"]}, "actor"))
        code = row.get("household", "").upper()
        if code:
            household = households.get(code)
            if household is None:
                errors.append(RowError(line, _("familia desconocida: %(code)s") % {"code": code}, "household"))
            else:
                try:
                    item["person"] = services.find_person(household, row.get("name", ""))
                except ValidationError as exc:
                    errors.extend(RowError(line, m, "name") for m in exc.messages)
        else:
            item["name"], item["sex"] = row.get("name", ""), SEX_WORDS.get(row.get("sex", "").lower())
            if not item["name"]:
                errors.append(RowError(line, _("falta el nombre"), "name"))
            if not item["sex"]:
                errors.append(RowError(line, _("sexo inválido: «%(value)s» (use F o M)") % {"value": row.get("sex", "")},
                                       "sex"))
        if row.get("organisation"):
            item["organisation"] = organisations.get(row["organisation"].lower())
            if item["organisation"] is None:
                errors.append(RowError(line, _("organización desconocida: %(name)s") % {"name": row["organisation"]},
                                       "organisation"))
        for column in ("pre_score", "post_score"):
            if row.get(column):
                try:
                    item[column] = Decimal(row[column].replace(",", "."))
                except InvalidOperation:
                    errors.append(RowError(line, _("nota inválida: %(value)s") % {"value": row[column]}, column))
        participants.append((line, item))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.line))
    try:
        rows = services.record_attendance(actor=actor, training=training, participants=[p for _l, p in participants])
    except ValidationError as exc:
        raise ImportRejected([RowError(0, m) for m in exc.messages])
    return {"records": len(rows), "rows": len(table.rows), "notices": table.notices}


def participant_rows(trainings):
    participants = Participant.objects.filter(training__in=trainings).select_related(
        "training__place", "person__household", "organisation").order_by("training__start_date", "training", "name")
    for p in participants.iterator(chunk_size=1000):
        training = p.training
        yield [training.pk, training.start_date.isoformat(), training.end_date.isoformat(), training.title,
               training.kind, training.place.code, p.person.household.code if p.person_id else "", p.name, p.sex,
               p.actor, p.organisation.name if p.organisation_id else "",
               "" if p.pre_score is None else f"{p.pre_score:f}", "" if p.post_score is None else f"{p.post_score:f}"]


PARTICIPANT_EXPORT = ["training", "start_date", "end_date", "title", "kind", "place"] + PARTICIPANT_COLUMNS


TRAINING_COLUMNS = ["title", "kind", "start_date", "end_date", "place", "venue", "organiser", "topics",
                    "target_actors", "score_max"]
KIND_WORDS = {k.value: k.value for k in Training.Kind} | {
    "escuela de campo": "field_school", "taller": "workshop", "pasantía": "exchange", "pasantia": "exchange",
    "intercambio": "exchange", "curso": "course"}


def _codes(text):
    return [c.strip().lower() for c in text.replace("|", ";").split(";") if c.strip()]


@transaction.atomic
def import_trainings(*, actor, data, filename):
    """Training events, one per row (their attendance is imported on each event's page). The place is
    a district or community code of the actor's scope. All rows are checked first."""
    table = read_table(data, filename)
    require_columns(table, ["title", "kind", "start_date", "place"])
    places = {t.code: t for t in Territory.objects.filter(code__in={r.get("place", "") for _l, r in table.rows})}
    organisations = {o.name.lower(): o for o in Organisation.objects.all()}
    topics = {t.code: t for t in Topic.objects.all()}
    errors, events = [], []
    for line, row in table.rows:
        bad = len(errors)
        kind = KIND_WORDS.get(row.get("kind", "").lower())
        if kind is None:
            errors.append(RowError(line, _("tipo desconocido: %(value)s") % {"value": row.get("kind") or "—"}, "kind"))
        dates = {}
        for column in ("start_date", "end_date"):
            if row.get(column):
                try:
                    dates[column] = parse_date(row[column])
                except ValueError as exc:
                    errors.append(RowError(line, str(exc), column))
        place = places.get(row.get("place", ""))
        if place is None:
            errors.append(RowError(line, _("lugar desconocido: %(code)s") % {"code": row.get("place") or "—"}, "place"))
        elif actor is not None and not can(actor, RECORD_FIELD, place):
            errors.append(RowError(line, _("%(place)s está fuera de su ámbito.") % {"place": place}, "place"))
        organiser = None
        if row.get("organiser"):
            organiser = organisations.get(row["organiser"].lower())
            if organiser is None:
                errors.append(RowError(line, _("organización desconocida: %(name)s") % {"name": row["organiser"]},
                                       "organiser"))
        chosen = []
        for code in _codes(row.get("topics", "")):
            if code in topics:
                chosen.append(topics[code])
            else:
                errors.append(RowError(line, _("tema desconocido: %(code)s") % {"code": code}, "topics"))
        actors = [ACTOR_WORDS.get(a) for a in _codes(row.get("target_actors", ""))]
        if None in actors:
            errors.append(RowError(line, _("tipo de actor desconocido: %(value)s") % {"value": row["target_actors"]},
                                   "target_actors"))
        score_max = None
        if row.get("score_max"):
            try:
                score_max = Decimal(row["score_max"].replace(",", "."))
            except InvalidOperation:
                errors.append(RowError(line, _("nota inválida: %(value)s") % {"value": row["score_max"]}, "score_max"))
        if len(errors) > bad:
            continue
        start = dates.get("start_date")
        training = Training(title=row.get("title", ""), kind=kind, start_date=start,
                            end_date=dates.get("end_date", start), place=place, venue=row.get("venue", ""),
                            organiser=organiser, target_actors=actors, score_max=score_max or Decimal("20"))
        try:
            training.full_clean()
        except ValidationError as exc:
            errors.extend(RowError(line, m) for m in exc.messages)
            continue
        events.append((line, training, chosen))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.line))
    for _line, training, chosen in events:
        services.record_training(actor=actor, title=training.title, kind=training.kind,
                                 start_date=training.start_date, end_date=training.end_date, place=training.place,
                                 topics=chosen, venue=training.venue, organiser=training.organiser,
                                 target_actors=training.target_actors, score_max=training.score_max)
    return {"records": len(events), "rows": len(table.rows), "notices": table.notices}
