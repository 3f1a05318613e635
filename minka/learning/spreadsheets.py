"""Attendance lists in and out: the sheet technicians pass around at a training."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from minka.core.tabular import ImportRejected, RowError, read_table, require_columns
from minka.people.models import Household, Organisation

from . import services
from .models import Actor, Participant

PARTICIPANT_COLUMNS = ["household", "name", "sex", "actor", "organisation", "pre_score", "post_score"]
ACTOR_WORDS = {a.value: a.value for a in Actor} | {"familia": "family", "líder": "leader", "lider": "leader",
                                                   "autoridad": "leader", "municipalidad": "government",
                                                   "gobierno local": "government", "organización": "organisation",
                                                   "organizacion": "organisation", "": "family"}
SEX_WORDS = {"f": "F", "mujer": "F", "warmi": "F", "m": "M", "hombre": "M", "qhari": "M", "": ""}


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
