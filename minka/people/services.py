"""Every write to families, persons and organisations. Each use case is one function that runs in
one transaction, validates with full_clean and records who acted (django-simple-history)."""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from minka.accounts.permissions import EDIT_PEOPLE, can
from minka.core.periods import parse_date
from minka.core.tabular import ImportRejected, RowError, read_table, require_columns, write_csv, write_xlsx
from minka.territory.models import Territory

from .models import Consent, Enrolment, Household, Person, ValueChain

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: codes are read aloud and copied by hand


class PermissionDenied(Exception):
    pass


def new_household_code():
    while True:
        code = "F-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
        if not Household.objects.filter(code=code).exists():
            return code


def _save(instance, actor):
    instance._history_user = actor
    instance.full_clean()
    instance.save()
    return instance


def _check_scope(actor, community, capability=EDIT_PEOPLE):
    if actor is not None and not can(actor, capability, community):
        raise PermissionDenied(_("No tiene permiso para registrar familias en %(place)s.") % {"place": community})


def _check_one_head(members):
    heads = [m for m in members if m.get("role") == Person.Role.HEAD]
    if len(heads) > 1:
        raise ValidationError(_("Una familia tiene un(a) solo(a) jefe(a) de familia."))


def _set_chains(household, chains, actor, today=None):
    """Open enrolments for chains newly chosen, close the ones no longer chosen (history is kept)."""
    today = today or datetime.date.today()
    open_enrolments = {e.chain_id: e for e in household.enrolments.filter(until__isnull=True)}
    wanted = {c.pk for c in chains}
    producer = household.head
    for chain in chains:
        if chain.pk not in open_enrolments:
            _save(Enrolment(household=household, chain=chain, producer=producer, since=today), actor)
    for chain_id, enrolment in open_enrolments.items():
        if chain_id not in wanted:
            enrolment.until = today
            _save(enrolment, actor)


@transaction.atomic
def register_household(*, actor, community, name, members, chains=(), address="", phone="", notes="",
                       consent=None, is_demo=False):
    """Register a family in a community the actor may edit, with its members (at most one head),
    its value chains and, when given, its consent ({"given_on", "scope", "given_by_index"})."""
    _check_scope(actor, community)
    _check_one_head(members)
    household = _save(Household(code=new_household_code(), name=name, community=community, address=address,
                                phone=phone, notes=notes, is_demo=is_demo), actor)
    people = [_save(Person(household=household, **member), actor) for member in members]
    _set_chains(household, chains, actor)
    if consent:
        index = consent.get("given_by_index")
        given_by = people[index] if index is not None and index < len(people) else household.head
        _save(Consent(household=household, given_on=consent["given_on"], scope=consent["scope"],
                      given_by=given_by, recorded_by=actor), actor)
    return household


@transaction.atomic
def update_household(*, actor, household, fields, member_changes=(), chains=None):
    """Change a family's data. `member_changes` is a list of (person or None, data, delete):
    None adds a member, delete removes one. Moving a family requires edit rights at both ends."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    _check_scope(actor, household.community)  # where the family is now
    for key, value in fields.items():
        setattr(household, key, value)
    _check_scope(actor, household.community)  # and where it moves to
    _save(household, actor)
    changed = {p.pk for p, _data, _delete in member_changes if p is not None}
    final_roles = [{"role": p.role} for p in household.members.exclude(pk__in=changed)]
    final_roles += [{"role": data.get("role")} for _p, data, delete in member_changes if not delete]
    _check_one_head(final_roles)
    for person, _data, delete in member_changes:
        if person is not None and delete:
            person._history_user = actor
            person.delete()
    # Members who stop being head are saved before the new head, so the one-head rule holds at every step.
    updates = [(p, d) for p, d, delete in member_changes if p is not None and not delete]
    for person, data in sorted(updates, key=lambda item: item[1].get("role") == Person.Role.HEAD):
        for key, value in data.items():
            setattr(person, key, value)
        _save(person, actor)
    for person, data, delete in member_changes:
        if person is None and not delete:
            _save(Person(household=household, **data), actor)
    if chains is not None:
        _set_chains(household, chains, actor)
    return household


@transaction.atomic
def record_consent(*, actor, household, given_on, scope, given_by=None):
    _check_scope(actor, household.community)
    return _save(Consent(household=household, given_on=given_on, scope=scope, given_by=given_by,
                         recorded_by=actor), actor)


@transaction.atomic
def withdraw_consent(*, actor, consent, withdrawn_on):
    _check_scope(actor, consent.household.community)
    consent.withdrawn_on = withdrawn_on
    return _save(consent, actor)


# --- import and export -------------------------------------------------------------------------

IMPORT_COLUMNS = ["household", "family_name", "community", "given_names", "surnames", "sex", "dni",
                  "birth_year", "role", "language", "value_chains", "consent_date"]
REQUIRED_COLUMNS = ["household", "community", "given_names", "surnames", "sex"]

SEX_WORDS = {"f": "F", "mujer": "F", "femenino": "F", "warmi": "F", "femme": "F", "female": "F",
             "m": "M", "hombre": "M", "masculino": "M", "qhari": "M", "homme": "M", "male": "M"}
ROLE_WORDS = {"head": "head", "jefe": "head", "jefa": "head", "jefe(a)": "head", "spouse": "spouse",
              "conyuge": "spouse", "cónyuge": "spouse", "esposa": "spouse", "esposo": "spouse",
              "child": "child", "hijo": "child", "hija": "child", "parent": "parent", "padre": "parent",
              "madre": "parent", "other": "other", "otro": "other", "otra": "other", "": "other"}
LANGUAGE_WORDS = {"quz": "quz", "quechua": "quz", "runasimi": "quz", "es": "es", "castellano": "es",
                  "español": "es", "espanol": "es", "quz-es": "quz-es", "ambos": "quz-es", "bilingüe": "quz-es",
                  "": "quz"}


def _community_lookup(rows, actor):
    """Communities named in the file, by code or by unique name within the actor's editable scope."""
    wanted = {row.get("community", "") for _line, row in rows}
    units = Territory.objects.filter(kind__in=[Territory.Kind.COMMUNITY, Territory.Kind.SECTOR])
    by_code = {t.code: t for t in units.filter(code__in=wanted)}
    by_name = {}
    for unit in units.filter(name__in=wanted):
        if actor is None or can(actor, EDIT_PEOPLE, unit):
            by_name.setdefault(unit.name.lower(), []).append(unit)
    return by_code, by_name


@transaction.atomic
def import_households(*, actor, data, filename, is_demo=False):
    """Households from CSV or XLSX, one row per person; rows with the same `household` key form a
    family. Every row is checked first; one wrong row and nothing is written (line-by-line report)."""
    table = read_table(data, filename)
    require_columns(table, REQUIRED_COLUMNS)
    errors, families = [], {}
    by_code, by_name = _community_lookup(table.rows, actor)
    chains = {c.code: c for c in ValueChain.objects.all()}
    dnis_in_file = {}
    taken_dnis = set(Person.objects.exclude(dni="").filter(
        dni__in=[r.get("dni", "") for _l, r in table.rows]).values_list("dni", flat=True))
    for line, row in table.rows:
        key = row.get("household", "")
        if not key:
            errors.append(RowError(line, _("falta la clave de familia"), "household"))
            continue
        family = families.setdefault(key, {"line": line, "name": "", "community": None, "members": [],
                                           "chains": set(), "consent": None})
        if row.get("family_name"):
            family["name"] = row["family_name"]
        text = row.get("community", "")
        community = by_code.get(text)
        if community is None:
            matches = by_name.get(text.lower(), [])
            if len(matches) == 1:
                community = matches[0]
            elif len(matches) > 1:
                errors.append(RowError(line, _("el nombre «%(name)s» corresponde a varias comunidades: use el código")
                                       % {"name": text}, "community"))
                continue
        if community is None:
            errors.append(RowError(line, _("comunidad desconocida: %(name)s") % {"name": text or "—"}, "community"))
            continue
        if actor is not None and not can(actor, EDIT_PEOPLE, community):
            errors.append(RowError(line, _("la comunidad %(name)s está fuera de su ámbito") % {"name": community},
                                   "community"))
            continue
        if family["community"] and family["community"] != community:
            errors.append(RowError(line, _("la familia %(key)s aparece en dos comunidades") % {"key": key}, "community"))
        family["community"] = community
        sex = SEX_WORDS.get(row.get("sex", "").lower())
        if sex is None:
            errors.append(RowError(line, _("sexo inválido: «%(value)s» (use F o M)") % {"value": row.get("sex")}, "sex"))
        role = ROLE_WORDS.get(row.get("role", "").lower())
        if role is None:
            errors.append(RowError(line, _("rol desconocido: «%(value)s»") % {"value": row.get("role")}, "role"))
        language = LANGUAGE_WORDS.get(row.get("language", "").lower())
        if language is None:
            errors.append(RowError(line, _("idioma desconocido: «%(value)s»") % {"value": row.get("language")},
                                   "language"))
        member = {"given_names": row.get("given_names", ""), "surnames": row.get("surnames", ""),
                  "dni": row.get("dni", ""), "sex": sex or "", "role": role or "other", "language": language or "quz",
                  "birth_year": None}
        if row.get("birth_year"):
            try:
                member["birth_year"] = int(row["birth_year"])
            except ValueError:
                errors.append(RowError(line, _("año de nacimiento inválido: %(value)s") % {"value": row["birth_year"]},
                                       "birth_year"))
        dni = member["dni"]
        if dni:
            if dni in dnis_in_file:
                errors.append(RowError(line, _("DNI repetido (ya en la línea %(other)s)") % {"other": dnis_in_file[dni]},
                                       "dni"))
            elif dni in taken_dnis:
                errors.append(RowError(line, _("el DNI %(dni)s ya está registrado") % {"dni": dni}, "dni"))
            dnis_in_file[dni] = line
        person = Person(household=Household(), **member)
        try:
            person.full_clean(exclude=["household"])
        except ValidationError as exc:
            for column, messages in exc.message_dict.items():
                if column in ("sex", "role", "language") and (sex is None or role is None or language is None):
                    continue
                for message in messages:
                    errors.append(RowError(line, message, column))
        if role == Person.Role.HEAD and any(m["role"] == Person.Role.HEAD for m in family["members"]):
            errors.append(RowError(line, _("la familia %(key)s ya tiene jefe(a)") % {"key": key}, "role"))
        family["members"].append(member)
        for code in filter(None, (c.strip() for c in row.get("value_chains", "").replace("|", ";").split(";"))):
            if code not in chains:
                errors.append(RowError(line, _("cadena de valor desconocida: %(code)s") % {"code": code},
                                       "value_chains"))
            else:
                family["chains"].add(chains[code])
        if row.get("consent_date"):
            try:
                family["consent"] = {"given_on": parse_date(row["consent_date"]), "scope": Consent.Scope.PROGRAM}
            except ValueError as exc:
                errors.append(RowError(line, str(exc), "consent_date"))
    for family in families.values():
        if not family["members"]:
            continue
        head = next((m for m in family["members"] if m["role"] == Person.Role.HEAD), None)
        if head is None:  # no head named: the first person listed is taken as the head
            head = family["members"][0]
            head["role"] = Person.Role.HEAD
        if not family["name"]:
            family["name"] = _("Familia %(surnames)s") % {"surnames": head["surnames"]}
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.line))
    created = []
    try:
        for family in families.values():
            created.append(register_household(
                actor=actor, community=family["community"], name=family["name"], members=family["members"],
                chains=sorted(family["chains"], key=lambda c: c.order), consent=family["consent"], is_demo=is_demo))
    except (ValidationError, IntegrityError) as exc:  # a race with another writer: still all or nothing
        raise ImportRejected([RowError(0, str(exc))])
    return {"households": len(created), "persons": sum(len(f["members"]) for f in families.values()),
            "notices": table.notices}


EXPORT_HEADER = ["household_code", "family_name", "community_code", "community", "district",
                 "value_chains", "given_names", "surnames", "sex", "dni", "birth_year", "role", "language"]


def export_rows(households):
    """One row per person (a family without members still gets a row), in the import's vocabulary."""
    households = households.select_related("community__parent__parent").prefetch_related(
        "members", "enrolments__chain")
    for household in households.iterator(chunk_size=500):
        chains = ";".join(sorted(e.chain.code for e in household.enrolments.all() if e.until is None))
        community = household.community
        district = community.parent if community.kind == Territory.Kind.COMMUNITY else community.parent.parent
        base = [household.code, household.name, community.code, community.name, district.name, chains]
        members = list(household.members.all())
        if not members:
            yield base + [""] * 7
        for person in members:
            yield base + [person.given_names, person.surnames, person.sex, person.dni, person.birth_year or "",
                          person.role, person.language]


def export_csv(households):
    return write_csv(EXPORT_HEADER, export_rows(households))


def export_xlsx(households):
    return write_xlsx(_("Familias"), EXPORT_HEADER, export_rows(households))
