"""Computing every indicator for every territory unit, watershed and period, with DuckDB.

The engine keeps an analytical store, a DuckDB file (`settings.ANALYTICS_PATH`), that only it opens:

- the *mirror*: narrow copies of what indicators read (families and their heads, enrolments,
  persons, records and their measures, assessments and practices, income, trainings and
  participants), replaced per family or per training when they change;
- `leaf`: the additive parts of every indicator where its facts happen (a family's community, a
  training's place), per period and breakdown: numerator, denominator and the number of families
  (or persons, or events) the figure rests on.

Pages read `Value` rows in the operational database: the leaf's parts added up to every unit above,
in both trees (territory and watersheds).

A full refresh rebuilds the mirror from the database (DuckDB reads PostgreSQL itself when it can,
otherwise rows come through Django's connection), computes every indicator in SQL, adds the parts up
the trees and replaces the values. An incremental refresh replaces the mirror rows of the families
and trainings that changed, recomputes the leaf parts of the places they were and are in, adds the
difference up the trees and adds it to the values it changes. Both give the same figures by
construction: every part is a sum, and every family is in exactly one place.

The store and the values are two databases: both keep the generation of the last refresh written
to both (`EngineState`); when they differ, a refresh stopped halfway, and the next one recomputes
everything."""

import contextlib
import csv
import logging
import os
import re
import tempfile
import time
from collections import Counter
from decimal import Decimal

import duckdb
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from minka.chains.models import IncomeSource, Measure, Practice, Unit
from minka.people.models import Person, ValueChain

from .models import EngineState, Indicator, Value

log = logging.getLogger(__name__)

STAGES = ["conventional", "transition", "agroecological", "organic"]
LOAN_MEASURES = ("amount", "outstanding")

# table: (columns, SELECT in the operational database, the column that says whose rows they are)
HOUSEHOLD_MIRROR = {
    "m_person": (
        "person BIGINT, household BIGINT, sex sex_code, birth_year INTEGER, head BOOLEAN",
        "SELECT p.id, p.household_id, p.sex, p.birth_year, p.role = 'head' FROM {p}people_person p", "p.household_id"),
    "m_household": (
        "household BIGINT, place BIGINT, sex sex_code, birth_year INTEGER",
        "SELECT h.id, h.community_id, p.sex, p.birth_year FROM {p}people_household h "
        "LEFT JOIN {p}people_person p ON p.household_id = h.id AND p.role = 'head'", "h.id"),
    "m_enrolment": (
        "household BIGINT, chain chain_code",
        "SELECT e.household_id, c.code FROM {p}people_enrolment e JOIN {p}people_valuechain c ON c.id = e.chain_id "
        "WHERE e.until IS NULL", "e.household_id"),
    "m_record": (
        "record BIGINT, household BIGINT, chain chain_code, purpose purpose_code, d DATE, passed BOOLEAN",
        "SELECT r.id, r.household_id, c.code, r.purpose, r.date, r.passed FROM {p}chains_record r "
        "LEFT JOIN {p}people_valuechain c ON c.id = r.chain_id", "r.household_id"),
    # a measure with its record's date and chain: measure indicators read it without the records
    "m_value": (
        "record BIGINT, household BIGINT, measure measure_code, number DECIMAL(18,4), d DATE, chain chain_code",
        "SELECT v.record_id, r.household_id, m.code AS measure, v.number, r.date, c.code AS chain "
        "FROM {p}chains_recordvalue v "
        "JOIN {p}chains_record r ON r.id = v.record_id JOIN {p}chains_measure m ON m.id = v.measure_id "
        "LEFT JOIN {p}people_valuechain c ON c.id = r.chain_id WHERE v.number IS NOT NULL", "r.household_id"),
    "m_assessment": (
        "assessment BIGINT, household BIGINT, d DATE, stage stage_code",
        "SELECT a.id, a.household_id, a.date, a.stage FROM {p}chains_practiceassessment a", "a.household_id"),
    "m_practice": (
        "assessment BIGINT, household BIGINT, d DATE, practice practice_code, fertiliser BOOLEAN, unit unit_code, "
        "quantity DECIMAL(18,4)",
        "SELECT a.id, a.household_id, a.date, p.code, p.is_fertiliser, u.symbol, x.quantity "
        "FROM {p}chains_adoptedpractice x JOIN {p}chains_practiceassessment a ON a.id = x.assessment_id "
        "JOIN {p}chains_practice p ON p.id = x.practice_id LEFT JOIN {p}chains_unit u ON u.id = p.quantity_unit_id",
        "a.household_id"),
    # the fund's loans to families: the amount, what is owed today and since when an instalment is unpaid
    "m_loan": (
        "loan BIGINT, household BIGINT, chain chain_code, d DATE, amount DECIMAL(18,4), outstanding DECIMAL(18,4), "
        "late_since DATE",
        "SELECT l.id, l.household_id, c.code, l.disbursed_on, l.amount, "
        "CASE WHEN l.status = 'active' THEN l.outstanding ELSE 0 END, "
        "(SELECT min(i.due_date) FROM {p}credit_instalment i JOIN {p}credit_schedule s ON s.id = i.schedule_id "
        "WHERE i.loan_id = l.id AND s.active AND i.settled_on IS NULL) "
        "FROM {p}credit_loan l LEFT JOIN {p}people_valuechain c ON c.id = l.chain_id "
        "WHERE l.household_id IS NOT NULL", "l.household_id"),
    "m_income": (
        "household BIGINT, season INTEGER, source source_code, net DECIMAL(18,4)",
        "SELECT s.household_id, s.season, src.code, l.income - l.costs FROM {p}chains_incomeline l "
        "JOIN {p}chains_incomesurvey s ON s.id = l.survey_id JOIN {p}chains_incomesource src ON src.id = l.source_id",
        "s.household_id"),
}
TRAINING_MIRROR = {
    "m_training": (
        "training BIGINT, place BIGINT, d DATE",
        "SELECT t.id, t.place_id, t.start_date FROM {p}learning_training t", "t.id"),
    "m_participant": (
        "participant BIGINT, training BIGINT, place BIGINT, d DATE, actor VARCHAR, sex VARCHAR, birth_year INTEGER",
        "SELECT x.id, t.id, t.place_id, t.start_date, x.actor, x.sex, pe.birth_year FROM {p}learning_participant x "
        "JOIN {p}learning_training t ON t.id = x.training_id LEFT JOIN {p}people_person pe ON pe.id = x.person_id",
        "t.id"),
}
TREE_MIRROR = {
    "m_territory": ("id BIGINT, code VARCHAR, path VARCHAR, kind VARCHAR",
                    "SELECT t.id, t.code, t.path, t.kind FROM {p}territory_territory t", None),
    "m_watershed": ("id BIGINT, code VARCHAR, path VARCHAR",
                    "SELECT w.id, w.code, w.path FROM {p}territory_watershed w", None),
    "m_member": ("watershed BIGINT, territory BIGINT",
                 "SELECT m.watershed_id, m.territory_id FROM {p}territory_watershed_communities m", None),
}
# The watershed's incentives: few rows (business plans, PES agreements and their verifications), copied
# whole again when any of them changes; a family's or an organisation's, where its place says.
PARTY_KIND = ("CASE WHEN {t}.household_id IS NOT NULL THEN 'family' WHEN o.kind = 'association' THEN 'association' "
              "WHEN o.kind = 'community_government' THEN 'community' ELSE o.kind END")
SMALL_MIRROR = {
    "m_plan": (
        "plan BIGINT, household BIGINT, place BIGINT, d DATE, actor VARCHAR, awarded BOOLEAN, implemented BOOLEAN, "
        "requested DECIMAL(18,4), granted DECIMAL(18,4), jobs DECIMAL(18,4), income DECIMAL(18,4), "
        "measures DECIMAL(18,4)",
        # implemented: awarded, and every tranche released (the last milestone was verified)
        "SELECT p.id, p.household_id, p.territory_id, p.submitted_on, p.applicant_kind, p.status = 'awarded', "
        "p.status = 'awarded' AND EXISTS (SELECT 1 FROM {p}incentives_tranche t WHERE t.plan_id = p.id) AND NOT EXISTS "
        "(SELECT 1 FROM {p}incentives_tranche t WHERE t.plan_id = p.id AND t.status <> 'released'), "
        "p.requested, coalesce(p.awarded, 0), "
        # the results seen at the latest monitoring visit that recorded them
        + ", ".join(f"(SELECT v.{field} FROM {{p}}incentives_visit v WHERE v.plan_id = p.id AND v.{field} IS NOT NULL "
                    f"ORDER BY v.date DESC, v.id DESC LIMIT 1)" for field in ("jobs", "income", "measures_in_place"))
        + " FROM {p}incentives_plan p", None),
    "m_agreement": (
        "agreement BIGINT, household BIGINT, place BIGINT, d DATE, ends DATE, actor VARCHAR, hectares DECIMAL(18,4)",
        f"SELECT a.id, a.household_id, a.territory_id, a.starts_on, a.ends_on, {PARTY_KIND.format(t='a')}, a.hectares "
        "FROM {p}incentives_agreement a LEFT JOIN {p}people_organisation o ON o.id = a.organisation_id", None),
    # a retribution is on time when paid within the scheme's delay after the verification that made it due
    "m_verification": (
        "verification BIGINT, household BIGINT, place BIGINT, d DATE, actor VARCHAR, hectares DECIMAL(18,4), "
        "compliant BOOLEAN, due DECIMAL(18,4), paid DECIMAL(18,4), paid_on DATE, pay_within INTEGER",
        f"SELECT v.id, a.household_id, a.territory_id, v.date, {PARTY_KIND.format(t='a')}, a.hectares, "
        "EXISTS (SELECT 1 FROM {p}incentives_compliance c WHERE c.verification_id = v.id AND c.percent > 0), v.due, "
        "CASE WHEN y.paid_on IS NOT NULL THEN y.amount ELSE 0 END, y.paid_on, s.pay_within "
        "FROM {p}incentives_verification v JOIN {p}incentives_agreement a ON a.id = v.agreement_id "
        "JOIN {p}incentives_scheme s ON s.id = a.scheme_id "
        "LEFT JOIN {p}people_organisation o ON o.id = a.organisation_id "
        "LEFT JOIN {p}incentives_pespayment y ON y.verification_id = v.id", None),
}
# The mesas' member organisations: each meeting held while they were members, attended or not.
SMALL_MIRROR["m_participation"] = (
    "organisation BIGINT, place BIGINT, d DATE, actor VARCHAR, meeting BIGINT, attended BOOLEAN",
    "SELECT ms.organisation_id, o.territory_id, mt.date, o.kind, mt.id, EXISTS (SELECT 1 FROM {p}governance_attendance "
    "a WHERE a.meeting_id = mt.id AND a.organisation_id = ms.organisation_id) FROM {p}governance_membership ms "
    "JOIN {p}governance_meeting mt ON mt.space_id = ms.space_id JOIN {p}people_organisation o ON o.id = ms.organisation_id "
    "WHERE mt.status = 'held' AND mt.date >= ms.joined_on AND (ms.left_on IS NULL OR mt.date <= ms.left_on)", None)
MIRROR = HOUSEHOLD_MIRROR | TRAINING_MIRROR | TREE_MIRROR | SMALL_MIRROR
# The codes repeated in millions of a family's mirrored rows are DuckDB ENUMs (a byte per row where a
# text would be stored and compressed again; compared with text as text is), their members read at
# each whole load. A change bringing a code added since (a new value chain, measure or practice)
# cannot be mirrored into them: the store is then rebuilt (see refresh_changes).
CODE_TYPES = {
    "chain_code": lambda: ValueChain.objects.values_list("code", flat=True),
    "measure_code": lambda: Measure.objects.values_list("code", flat=True),
    "practice_code": lambda: Practice.objects.values_list("code", flat=True),
    "unit_code": lambda: Unit.objects.values_list("symbol", flat=True),
    "source_code": lambda: IncomeSource.objects.values_list("code", flat=True),
    "purpose_code": lambda: Measure.Purpose.values,
    "stage_code": lambda: STAGES,
    "sex_code": lambda: [*Person.Sex.values, ""],
}
# A whole load from PostgreSQL takes a record's family from the records already mirrored (an adopted
# practice's from the assessments, a family's head and a participant's birth year from the persons)
# rather than reading those millions of rows again.
FROM_MIRRORED = {
    "m_household": "SELECT h.id, h.community_id, p.sex, p.birth_year FROM pg.public.people_household h "
                   "LEFT JOIN m_person p ON p.household = h.id AND p.head",
    "m_value": "SELECT v.record_id, r.household, m.code, v.number, r.d, r.chain FROM pg.public.chains_recordvalue v "
               "JOIN m_record r ON r.record = v.record_id JOIN pg.public.chains_measure m ON m.id = v.measure_id "
               "WHERE v.number IS NOT NULL",
    "m_practice": "SELECT a.assessment, a.household, a.d, p.code, p.is_fertiliser, u.symbol, x.quantity "
                  "FROM pg.public.chains_adoptedpractice x JOIN m_assessment a ON a.assessment = x.assessment_id "
                  "JOIN pg.public.chains_practice p ON p.id = x.practice_id "
                  "LEFT JOIN pg.public.chains_unit u ON u.id = p.quantity_unit_id",
    "m_participant": "SELECT x.id, t.id, t.place_id, t.start_date, x.actor, x.sex, pe.birth_year "
                     "FROM pg.public.learning_participant x JOIN pg.public.learning_training t ON t.id = x.training_id "
                     "LEFT JOIN m_person pe ON pe.person = x.person_id",
}

HOUSEHOLD_SOURCES = {"households", "persons", "measures", "tests", "assessments", "practices", "income", "loans"}
TRAINING_SOURCES = {"participants", "trainings"}
INCENTIVE_SOURCES = {"plans", "agreements", "verifications"}
SMALL_SOURCES = INCENTIVE_SOURCES | {"participation"}  # few rows: their mirror is copied whole on a change
DATED_SOURCES = {"measures", "tests", "assessments", "practices", "participants", "trainings", "loans"} | \
    SMALL_SOURCES
INCENTIVE_MEASURES = {"plans": ("requested", "granted", "jobs", "income", "measures"), "agreements": ("hectares",),
                      "verifications": ("hectares", "due", "paid")}
SEASONAL_SOURCES = DATED_SOURCES | {"income"}

SEASON = "CASE WHEN month({d}) >= 8 THEN year({d}) ELSE year({d}) - 1 END"
# Each family once, with what every indicator breaks down by: its place, its head's sex and birth year,
# its open value chains (rebuilt with the mirror; the rows of changed families are replaced).
# Families' sets of chains are few: each family points to its set (combo), breakdowns read the set once.
FAMILIES = "household BIGINT, place BIGINT, sex sex_code, birth_year INTEGER, combo INTEGER"
FAMILY_CHAINS = ("SELECT h.household, h.place, h.sex, h.birth_year, coalesce(e.chains, []::chain_code[]) AS chains "
                 "FROM m_household h LEFT JOIN (SELECT household, list(chain ORDER BY chain) AS chains FROM m_enrolment "
                 "{where} GROUP BY household) e USING (household) {where}")
COMBOS = """
    INSERT INTO combos SELECT (SELECT coalesce(max(combo), 0) FROM combos) + row_number() OVER (), chains
    FROM (SELECT DISTINCT chains FROM family_chains WHERE chains NOT IN (SELECT chains FROM combos));
    INSERT INTO families SELECT f.household, f.place, f.sex, f.birth_year, c.combo FROM family_chains f
    JOIN combos c USING (chains)"""


def _add_families(con, where=""):
    """The families' rows (all, or the changed ones: `where`), each pointing to its set of chains."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE family_chains AS {FAMILY_CHAINS.format(where=where)}")
    con.execute(COMBOS)
    con.execute("DROP TABLE family_chains")


def _in_chain(chain):
    """The condition that a family's open value chains include this one."""
    return f"h.combo IN (SELECT combo FROM combos WHERE list_contains(chains, {_lit(chain)}))"

WITH_DENOMINATOR = {"mean", "ratio", "share", "change", "portion"}


def _lit(value):
    """A value of a definition as an SQL literal (definitions are data typed by coordinators)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, float):
        return str(Decimal(str(value)))
    return "'" + str(value).replace("'", "''") + "'"


def check_definition(indicator):
    """Refuse a definition the engine cannot compute, with the reason."""
    spec, errors = indicator.spec or {}, {}
    if not isinstance(spec, dict):
        raise ValidationError({"spec": _("Las condiciones deben ser un objeto JSON.")})
    unknown = set(indicator.breakdowns or []) - set(Indicator.BREAKDOWNS)
    if unknown:
        errors["breakdowns"] = _("Desagregación desconocida: %(v)s.") % {"v": ", ".join(sorted(unknown))}
    unknown = set(indicator.periods or []) - set(Indicator.PERIODS)
    if unknown:
        errors["periods"] = _("Periodo desconocido: %(v)s.") % {"v": ", ".join(sorted(unknown))}
    if indicator.periods and indicator.source not in SEASONAL_SOURCES:
        errors["periods"] = _("Esta fuente describe la situación actual: no tiene periodos.")
    if indicator.source == "income" and set(indicator.periods or []) - {"season"}:
        errors["periods"] = _("El ingreso se registra por campaña agrícola: solo el periodo «season».")
    if indicator.kind == "change":
        if indicator.source != "income" or "base_season" not in spec:
            errors["kind"] = _("El cambio pareado compara el ingreso de una campaña base (base_season).")
        elif indicator.periods != ["season"]:
            errors["periods"] = _("El cambio pareado se calcula por campaña: periodos = [\"season\"].")
    if indicator.source == "measures" and not spec.get("measure"):
        errors["spec"] = _("Indique la medición (measure) que se cuenta o se suma.")
    if indicator.source == "loans" and spec.get("measure", "amount") not in LOAN_MEASURES:
        errors["spec"] = _("Un préstamo mide «amount» (monto desembolsado) u «outstanding» (saldo de hoy).")
    if indicator.source in INCENTIVE_MEASURES and spec.get("measure") and \
            spec["measure"] not in INCENTIVE_MEASURES[indicator.source]:
        errors["spec"] = _("Medición desconocida para esta fuente: %(v)s (se puede: %(ok)s).") % {
            "v": spec["measure"], "ok": ", ".join(INCENTIVE_MEASURES[indicator.source])}
    if indicator.source == "plans" and spec.get("status", "submitted") not in ("submitted", "awarded", "implemented"):
        errors["spec"] = _("Un plan de negocio se cuenta «submitted» (presentado), «awarded» (ganador) o "
                           "«implemented» (ejecutado).")
    if indicator.kind == "portion" and indicator.source not in ("measures", "practices", "income", "loans",
                                                               *INCENTIVE_SOURCES):
        errors["kind"] = _("La parte de una cantidad necesita una fuente con cantidades.")
    if indicator.source == "assessments" and spec.get("stage", "transition") not in STAGES:
        errors["spec"] = _("Etapa desconocida: %(v)s.") % {"v": spec.get("stage")}
    for bound in ("min", "max", "base_season", "late_days"):
        if bound in spec:
            try:
                Decimal(str(spec[bound]))
            except ArithmeticError:
                errors["spec"] = _("«%(k)s» debe ser un número.") % {"k": bound}
    if errors:
        raise ValidationError(errors)


STAGES_SQL = "[" + ", ".join(_lit(s) for s in STAGES) + "]"


def _condition(spec, column="value"):
    parts = []
    if "min" in spec:
        parts.append(f"{column} >= {_lit(Decimal(str(spec['min'])))}")
    if "max" in spec:
        parts.append(f"{column} <= {_lit(Decimal(str(spec['max'])))}")
    return " AND ".join(parts) or "TRUE"


def _facts(indicator):
    """One row per fact of the indicator's source, with the same columns whatever the source:
    unit (what is counted), who (the family or person for suppression), place, d, season, value,
    flag (meets the condition), the breakdown attributes and a key to order facts."""
    spec, source = indicator.spec or {}, indicator.source
    head = "h.place, h.sex, h.birth_year"
    where = []
    if source == "households":
        sql = (f"SELECT h.household AS unit, h.household AS who, {head}, NULL::DATE AS d, NULL::INTEGER AS season, "
               f"1::DECIMAL(18,4) AS value, TRUE AS flag, NULL::VARCHAR AS chain, h.combo, "
               f"NULL::VARCHAR AS actor, NULL::VARCHAR AS practice, h.household AS key FROM families h")
        if spec.get("chain"):
            where.append(_in_chain(spec["chain"]))
    elif source == "persons":
        sql = ("SELECT p.person AS unit, p.household AS who, h.place, p.sex, p.birth_year, NULL::DATE AS d, "
               "NULL::INTEGER AS season, 1::DECIMAL(18,4) AS value, TRUE AS flag, NULL::VARCHAR AS chain, h.combo, "
               "NULL::VARCHAR AS actor, NULL::VARCHAR AS practice, "
               "p.person AS key FROM m_person p JOIN families h USING (household)")
        if spec.get("sex"):
            where.append(f"p.sex = {_lit(spec['sex'])}")
    elif source == "measures":
        sql = (f"SELECT v.household AS unit, v.household AS who, {head}, v.d, {SEASON.format(d='v.d')} AS season, "
               f"v.number AS value, {_condition(spec, 'v.number')} AS flag, v.chain, NULL::INTEGER AS combo, "
               f"NULL::VARCHAR AS actor, NULL::VARCHAR AS practice, v.record AS key "
               f"FROM m_value v JOIN families h USING (household)")
        where.append(f"v.measure = {_lit(spec.get('measure', ''))}")
    elif source == "tests":
        sql = (f"SELECT r.household AS unit, r.household AS who, {head}, r.d, {SEASON.format(d='r.d')} AS season, "
               f"1::DECIMAL(18,4) AS value, r.passed AS flag, r.chain, NULL::INTEGER AS combo, NULL::VARCHAR AS actor, "
               f"NULL::VARCHAR AS practice, r.record AS key FROM m_record r JOIN families h USING (household)")
        where += ["r.purpose = 'quality'", "r.passed IS NOT NULL"]
    elif source == "assessments":
        sql = (f"SELECT a.household AS unit, a.household AS who, {head}, a.d, {SEASON.format(d='a.d')} AS season, "
               f"1::DECIMAL(18,4) AS value, list_position({STAGES_SQL}, a.stage) AS grade, NULL::BOOLEAN "
               f"AS flag, NULL::VARCHAR AS chain, h.combo, NULL::VARCHAR AS actor, "
               f"NULL::VARCHAR AS practice, a.assessment AS key FROM m_assessment a JOIN families h "
               f"USING (household)")
    elif source == "practices":
        sql = (f"SELECT x.household AS unit, x.household AS who, {head}, x.d, {SEASON.format(d='x.d')} AS season, "
               f"x.quantity AS value, {_condition(spec, 'x.quantity')} AS flag, "
               f"NULL::VARCHAR AS chain, h.combo, NULL::VARCHAR AS actor, x.practice, "
               f"x.assessment AS key FROM m_practice x JOIN families h USING (household)")
        where.append("x.quantity IS NOT NULL")
        if "fertiliser" in spec:
            where.append(f"x.fertiliser = {_lit(bool(spec['fertiliser']))}")
        if spec.get("unit"):
            where.append(f"x.unit = {_lit(spec['unit'])}")
        if spec.get("practice"):
            where.append(f"x.practice = {_lit(spec['practice'])}")
    elif source == "income":
        filters = f"WHERE source = {_lit(spec['income_source'])}" if spec.get("income_source") else ""
        sql = (f"SELECT i.household AS unit, i.household AS who, {head}, NULL::DATE AS d, i.season, "
               f"i.net AS value, {_condition(spec, 'i.net')} AS flag, NULL::VARCHAR AS chain, h.combo, "
               f"NULL::VARCHAR AS actor, NULL::VARCHAR AS practice, i.household AS key "
               f"FROM (SELECT household, season, sum(net) AS net FROM m_income {filters} GROUP BY ALL) i "
               f"JOIN families h USING (household)")
    elif source == "loans":  # the value is what the loan measures; late_days: the condition is being late
        value = "l.outstanding" if spec.get("measure") == "outstanding" else "l.amount"
        flag = (f"coalesce(current_date - l.late_since > {int(Decimal(str(spec['late_days'])))}, FALSE)"
                if "late_days" in spec else _condition(spec, value))
        sql = (f"SELECT l.household AS unit, l.household AS who, {head}, l.d, {SEASON.format(d='l.d')} AS season, "
               f"{value} AS value, {flag} AS flag, l.chain, NULL::INTEGER AS combo, "
               f"NULL::VARCHAR AS actor, NULL::VARCHAR AS practice, l.loan AS key "
               f"FROM m_loan l JOIN families h USING (household)")
    elif source in INCENTIVE_SOURCES:  # a plan, an agreement or a verification, where its party is
        table, unit = {"plans": ("m_plan", "plan"), "agreements": ("m_agreement", "agreement"),
                       "verifications": ("m_verification", "verification")}[source]
        value = f"x.{spec['measure']}" if spec.get("measure") else "1::DECIMAL(18,4)"
        flag = [_condition(spec, value)]
        if source == "plans" and spec.get("status", "submitted") != "submitted":
            flag.append(f"x.{'awarded' if spec['status'] == 'awarded' else 'implemented'}")
        if source == "agreements" and spec.get("in_force"):
            flag.append("x.d <= current_date AND x.ends >= current_date")
        if source == "verifications" and spec.get("compliant"):
            flag.append("x.compliant")
        if source == "verifications" and spec.get("on_time"):  # among the retributions due, those paid in time
            flag.append("coalesce(x.paid_on <= x.d + x.pay_within, FALSE)")
            where.append("x.due > 0 AND (x.paid_on IS NOT NULL OR current_date > x.d + x.pay_within)")
        sql = (f"SELECT x.{unit} AS unit, x.{unit} AS who, x.place, h.sex, h.birth_year, x.d, "
               f"{SEASON.format(d='x.d')} AS season, {value}::DECIMAL(18,4) AS value, {' AND '.join(flag)} AS flag, "
               f"NULL::VARCHAR AS chain, NULL::INTEGER AS combo, x.actor, NULL::VARCHAR AS practice, x.{unit} AS key "
               f"FROM {table} x LEFT JOIN (SELECT household AS head_of, sex, birth_year FROM families) h "
               f"ON h.head_of = x.household")
        if spec.get("actor"):
            where.append(f"x.actor = {_lit(spec['actor'])}")
    elif source == "participation":  # a member organisation and a meeting of its mesa: attended or not
        sql = ("SELECT x.organisation AS unit, x.organisation AS who, x.place, NULL::VARCHAR AS sex, "
               f"NULL::INTEGER AS birth_year, x.d, {SEASON.format(d='x.d')} AS season, 1::DECIMAL(18,4) AS value, "
               "x.attended AS flag, NULL::VARCHAR AS chain, NULL::INTEGER AS combo, x.actor, NULL::VARCHAR AS practice, "
               "x.meeting AS key FROM m_participation x")
        if spec.get("actor"):
            where.append(f"x.actor = {_lit(spec['actor'])}")
    elif source == "participants":
        sql = (f"SELECT x.participant AS unit, x.participant AS who, x.place, x.sex, x.birth_year, x.d, "
               f"{SEASON.format(d='x.d')} AS season, 1::DECIMAL(18,4) AS value, TRUE AS flag, "
               f"NULL::VARCHAR AS chain, NULL::INTEGER AS combo, x.actor, NULL::VARCHAR AS practice, x.participant AS key "
               f"FROM m_participant x")
        if spec.get("actor"):
            where.append(f"x.actor = {_lit(spec['actor'])}")
        if spec.get("sex"):
            where.append(f"x.sex = {_lit(spec['sex'])}")
    elif source == "trainings":
        sql = (f"SELECT t.training AS unit, t.training AS who, t.place, NULL::VARCHAR AS sex, "
               f"NULL::INTEGER AS birth_year, t.d, {SEASON.format(d='t.d')} AS season, 1::DECIMAL(18,4) AS value, "
               f"TRUE AS flag, NULL::VARCHAR AS chain, NULL::INTEGER AS combo, NULL::VARCHAR AS actor, NULL::VARCHAR AS practice, "
               f"t.training AS key FROM m_training t")
    else:
        raise ValueError(source)
    if spec.get("chain") and source == "measures":
        where.append(f"v.chain = {_lit(spec['chain'])}")
    if spec.get("chain") and source == "tests":
        where.append(f"r.chain = {_lit(spec['chain'])}")
    if spec.get("chain") and source == "loans":
        where.append(f"l.chain = {_lit(spec['chain'])}")
    if spec.get("chain") and source in ("assessments", "practices", "income", "persons"):
        where.append(_in_chain(spec["chain"]))
    where.append("place IS NOT NULL")
    return f"SELECT * FROM ({sql} WHERE {' AND '.join(where)})"


# Periods are numbers in the store (cheap to group by and to keep), text in the values: 0 = today,
# 1_000_000 + year = season, 2_000_000 + year = year, 3_000_000 + year * 10 + quarter,
# 4_000_000 + year * 100 + month. Below 3_000_000 a period has breakdowns.
PERIOD_TEXT = ("CASE WHEN period = 0 THEN '' WHEN period < 2000000 THEN 'S' || (period - 1000000) "
               "WHEN period < 3000000 THEN 'Y' || (period - 2000000) "
               "WHEN period < 4000000 THEN 'Q' || ((period - 3000000) // 10) || '-' || ((period - 3000000) % 10) "
               "ELSE 'M' || ((period - 4000000) // 100) || '-' || lpad(((period - 4000000) % 100)::VARCHAR, 2, '0') END")
SPLIT = "period < 3000000"
# the same numbers in the order of their texts ('' < M… < Q… < S… < Y…, see _swap_values)
PERIOD_ORDER = ("CASE WHEN {p} >= 4000000 THEN {p} - 3000000 WHEN {p} >= 3000000 THEN {p} - 1000000 "
                "WHEN {p} > 0 THEN {p} + 2000000 ELSE 0 END")


def _periods(indicator):
    chosen = indicator.periods or []
    if not chosen:
        return "[0]"
    parts = {"season": "1000000 + season", "year": "2000000 + year(d)",
             "quarter": "3000000 + year(d) * 10 + quarter(d)", "month": "4000000 + year(d) * 100 + month(d)"}
    return "list_filter([" + ", ".join(parts[p] for p in chosen) + "], x -> x IS NOT NULL)"


# A person's age group at a year, as a number while cells are grouped (cheaper to group by than its
# name), named in the breakdowns (AGE_NAMES).
AGE = ("CASE WHEN birth_year IS NULL THEN NULL WHEN {year} - birth_year < 30 THEN 1::UTINYINT "
       "WHEN {year} - birth_year < 60 THEN 2::UTINYINT ELSE 3::UTINYINT END")
AGE_NAMES = "['age:youth', 'age:adult', 'age:elder'][age]"
# the year a period's age groups are computed at: the period's (first) year, or this year for today
PERIOD_YEAR = "CASE WHEN period = 0 THEN year(current_date) ELSE period % 1000000 END"
# The tables facts are read from, and their slices to the changed families and trainings (refresh_changes).
SLICED = re.compile(r"\b(families|m_person|m_record|m_value|m_assessment|m_practice|m_income|m_loan|m_training|"
                    r"m_participant)\b")
SLICES = {"families": "household", "m_person": "household", "m_record": "household", "m_value": "household",
          "m_assessment": "household", "m_practice": "household", "m_income": "household", "m_loan": "household",
          "m_training": "training",
          "m_participant": "training"}


SOURCE_TABLES = {"households": {"families"}, "persons": {"families", "m_person"},
                 "measures": {"families", "m_value"}, "tests": {"families", "m_record"},
                 "assessments": {"families", "m_assessment"}, "practices": {"families", "m_practice"},
                 "income": {"families", "m_income"}, "loans": {"families", "m_loan"},
                 "participants": {"m_participant"}, "trainings": {"m_training"},
                 "plans": {"families", "m_plan"}, "agreements": {"families", "m_agreement"},
                 "verifications": {"families", "m_verification"}, "participation": {"m_participation"}}


def _slice(con, indicators, skip=()):
    """The rows of the changed families and trainings in the tables these indicators read."""
    needed = set().union(*(SOURCE_TABLES[indicator.source] for indicator in indicators))
    for table, key in SLICES.items():
        if table not in needed or table in skip:
            continue
        ids = "changed_households" if key == "household" else "changed_trainings"
        con.execute(f"CREATE OR REPLACE TEMP TABLE changed_{table} AS SELECT * FROM {table} "
                    f"WHERE {key} IN (SELECT id FROM {ids})")


def _late_flag(indicator):
    """The condition of a source whose facts are put in time order without it (the order does not
    depend on it), so that indicators differing only by it share one window: an assessment's stage."""
    if indicator.source == "assessments":
        return f"grade >= {STAGES.index((indicator.spec or {}).get('stage', 'transition')) + 1}"
    return None


ACTOR_SOURCES = {"participants", "participation"} | INCENTIVE_SOURCES  # facts with an actor type
MERGED_SOURCES = {"measures", "tests", "practices", "loans", "participation"}  # several facts of a unit in a cell: counted once
LATEST_SOURCES = {"assessments"}  # a unit counts by its latest fact of the period
# What each row adds to a cell: u and uh say whether it counts its unit (one with a fact, one with
# a fact that meets the condition), hits and facts whether it counts as a fact (meeting the
# condition, at all); v, total and base are summed.
AS_UNIT = "TRUE AS u, flag AS uh, CASE WHEN flag THEN value END AS v, flag AS hits, TRUE AS facts, value AS total, " \
          "before AS base"
SUM_OF = {"units": "count(*) FILTER (WHERE u)", "units_hit": "count(*) FILTER (WHERE uh)", "v": "sum(v)",
          "hits": "count(*) FILTER (WHERE hits)", "facts": "count(*) FILTER (WHERE facts)", "total": "sum(total)",
          "base": "sum(base)"}
# What each kind reads of the sums (the families, `units`, are always counted: privacy needs them).
NEEDED = {"count": ["units_hit"], "sum": ["v"], "mean": ["v", "hits"], "ratio": ["hits", "facts"],
          "share": ["units_hit"], "change": ["total", "base"], "portion": ["v", "total"]}


def _sums(kind):
    return ", ".join(f"{SUM_OF[column]} AS {column}" for column in ["units", *NEEDED[kind]])


# Kind: numerator and denominator (0 when the kind has none) from the sums of the units of a cell.
AGGREGATES = {
    "count": ("sum(units_hit)", "0"),
    "sum": ("coalesce(sum(v), 0)", "0"),
    "mean": ("coalesce(sum(v), 0)", "sum(hits)"),
    "ratio": ("sum(hits)", "sum(facts)"),
    "share": ("sum(units_hit)", "sum(units)"),
    "change": ("sum(total)", "sum(base)"),
    "portion": ("coalesce(sum(v), 0)", "coalesce(sum(total), 0)"),
}


# The months of a kind of period are grouped by an index of their own (year * 12 + month - 1 for a
# month, integer division for the others: seasons start in August), cheaper to compute for every fact
# than the period's number, which is computed from it for each cell (see PERIOD_TEXT).
PERIOD_INDEX = {"season": "({m} - 7) // 12", "year": "{m} // 12", "quarter": "{m} // 3", "month": "{m}"}
PERIOD_OF_INDEX = {"season": "1000000 + {i}", "year": "2000000 + {i}", "quarter": "3000000 + ({i} // 4) * 10 + {i} % 4 + 1",
                   "month": "4000000 + ({i} // 12) * 100 + {i} % 12 + 1"}
# the year of a kind of period's age groups (as PERIOD_YEAR), from its index; the kinds with breakdowns
KIND_YEAR = {None: "year(current_date)", "season": "period", "year": "period"}
SPLIT_ATTRIBUTES = ("sex", "age", "combo", "actor")  # (months and quarters are totals only)


def _dated_units(indicator, facts, name, attributes=()):
    """The window over the facts of a dated source that counts a unit once per period without
    grouping the facts by unit and period (the costliest step at scale): its name and body.

    Periods are intervals of time: ordered by date, a fact is its unit's first of a period when
    the unit's previous fact falls in another period (or there is none), and its last when the next
    one does. One window over the facts (kept as `name`) tells both for every period, and the same
    per unit and value of each of `attributes` (breakdowns of a fact, see `_fact_level`), in the
    same pass; `_period_cells` adds the facts up into the cells of each kind of period."""
    latest = indicator.source in LATEST_SOURCES
    every = _every_fact_meets(indicator)

    def neighbours(partition, suffix):
        # The latest fact is the latest by date (then by id); to count a unit once, the month is
        # enough: whichever of its facts of a month comes first, one of them does.
        window = f"PARTITION BY {partition} ORDER BY {'d, key' if latest else 'm'}"
        if latest:  # the fact that counts is the unit's latest of the period
            return f"lead(m) OVER ({window}) AS other_m{suffix}, NULL::INTEGER AS other_hit_m{suffix}"
        if every:  # the first fact meeting the condition is the first fact (the months are in order)
            return f"lag(m) OVER ({window}) AS other_m{suffix}, NULL::INTEGER AS other_hit_m{suffix}"
        # every fact adds its value; the unit is counted at its first fact, and first fact meeting the condition
        return (f"lag(m) OVER ({window}) AS other_m{suffix}, max(CASE WHEN flag THEN m END) OVER ({window} "
                f"ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS other_hit_m{suffix}")

    # what the window sorts carries only what is read after it (a narrower sort is a faster one); a
    # paired change is of income only, never of dated facts: these have no base
    unread = [column for column in ("who", "season", "chain", "practice", "before") if column not in attributes]
    unread += ([] if indicator.source in ACTOR_SOURCES else ["actor"]) + ([] if latest else ["d", "key"])
    months = f"SELECT * EXCLUDE ({', '.join(unread)}), (year(d) * 12 + month(d) - 1)::INTEGER AS m FROM ({facts})"
    columns = [neighbours("unit", "")] + [neighbours(f"unit, {attribute}", f"_{attribute}") for attribute in attributes]
    return name, f"SELECT *, {', '.join(columns)} FROM ({months})"


def _period_cells(indicator, name, kinds, needed, attributes, flag=None, attribute=None):
    """The cells of each kind of period (None: the situation today) of the facts of a window (see
    `_dated_units`), one query per kind in a union: per place, period and `attributes` (names of
    `_cell_attributes`, kept for the periods with breakdowns; any other column, such as what a late
    `flag` reads, kept for every period), with the `needed` sums (SUM_OF). With `attribute`, the cells
    of a fact's own breakdown (as `attribute`), its unit counted once per value. `flag` replaces the
    facts' condition."""
    latest, every = indicator.source in LATEST_SOURCES, _every_fact_meets(indicator)
    other, other_hit = (f"other_m_{attribute}", f"other_hit_m_{attribute}") if attribute else ("other_m", "other_hit_m")

    def index(kind, column):
        if kind is None:  # the situation today: one period holding every fact
            return f"CASE WHEN {column} IS NULL THEN NULL ELSE 0 END"
        return PERIOD_INDEX[kind].format(m=column)

    timeline = f"(SELECT * REPLACE ({flag} AS flag) FROM {name})" if flag else name
    if attribute:
        timeline = f"(SELECT *, {attribute} AS attribute FROM {timeline} WHERE {attribute} IS NOT NULL)"
        attributes = [*attributes, "attribute"]
    sums = ", ".join(f"{SUM_OF[column]} AS {column}" for column in needed)
    queries = []
    for kind in kinds:
        edge = f"(({index(kind, other)}) IS DISTINCT FROM period)"
        edge_hit = f"(({index(kind, other if every else other_hit)}) IS DISTINCT FROM period)"
        if latest:
            adds = (f"{edge} AS u, {edge} AND flag AS uh, CASE WHEN {edge} AND flag THEN value END AS v, "
                    f"{edge} AND flag AS hits, {edge} AS facts, CASE WHEN {edge} THEN value END AS total, "
                    "NULL::DECIMAL(18,4) AS base")
        else:
            adds = (f"{edge} AS u, flag AND {edge_hit} AS uh, CASE WHEN flag THEN value END AS v, flag AS hits, "
                    f"TRUE AS facts, value AS total, NULL::DECIMAL(18,4) AS base")
        keys = []
        for column in attributes:
            if column not in SPLIT_ATTRIBUTES:
                keys.append(column)
            elif kind not in KIND_YEAR:  # (the attribute's type kept, without values)
                keys.append("NULL::UTINYINT AS age" if column == "age" else f"CASE WHEN FALSE THEN {column} END AS {column}")
            else:
                keys.append(f"{AGE.format(year=KIND_YEAR[kind])} AS age" if column == "age" else column)
        cells = (f"SELECT place, period, {''.join(k + ', ' for k in keys)}{sums} FROM (SELECT *, {adds} FROM "
                 f"(SELECT *, {index(kind, 'm')} AS period FROM {timeline})) GROUP BY ALL")
        queries.append(cells if kind is None else
                       f"SELECT * REPLACE ({PERIOD_OF_INDEX[kind].format(i='period')} AS period) FROM ({cells})")
    return " UNION ALL ".join(queries)


def _every_fact_meets(indicator):
    """Whether the indicator's condition holds for every fact of a source counted once per period
    (no bound on the quantity): its first fact meeting the condition is then simply its first."""
    return indicator.source in ("measures", "practices", "loans") and not \
        {"min", "max", "late_days"} & set(indicator.spec or {})


def _fact_level(indicator):
    """Breakdowns that belong to a fact rather than to the family: the practice, and a record's chain."""
    chosen = set(indicator.breakdowns or [])
    return chosen & ({"practice", "chain"} if indicator.source in ("measures", "tests", "loans") else {"practice"})


def _window_attributes(indicator):
    """The breakdowns of a fact a dated indicator's window also orders by (see `_dated_units`): its
    fact-level breakdowns, when it has the situation today, seasons or years (they have breakdowns)."""
    if indicator.source not in MERGED_SOURCES | LATEST_SOURCES:
        return []  # (other sources' facts have neither a practice nor a chain of their own)
    if indicator.periods and not {"season", "year"} & set(indicator.periods):
        return []
    return sorted(_fact_level(indicator))


def leaf_sql(indicator, only_changed=False, shared=None, cells=None):
    """The additive parts of one indicator per place, period and breakdown. `shared` names tables
    that already hold some of its time-ordered facts (by the body of their window, see `_leaves`);
    `cells`, a table of cells it shares with other indicators (see `_shared_cells`).

    Facts are summed per place, period and the family's attributes (sex, age group, value chains,
    actor): a small table that the breakdowns are then read from. A counted unit (family, person,
    event) is counted once in a cell whatever the number of its facts (see `_dated_units`)."""
    windows, select = _leaf(indicator, only_changed, cells)
    shared = shared or {}
    definitions = [f"{name} AS (SELECT * FROM {shared[body]})" if body in shared else f"{name} AS MATERIALIZED ({body})"
                   for name, body in windows if not (cells and name == "timeline")]
    return (f"WITH {', '.join(definitions)} " if definitions else "") + select


def _leaves(con, indicators, insert, only_changed=False):
    """Every indicator's leaf parts, each inserted by `insert` (an INSERT reading them as `{}`).
    Indicators that put the same facts in the same time order (the four assessment indicators read
    one window, whatever the stage they count) share one sort of them, and the cells added up from
    it, kept for this call only."""
    windows = {indicator.pk: _leaf(indicator, only_changed)[0] for indicator in indicators}
    bodies = Counter(body for indicator in indicators for _name, body in windows[indicator.pk])
    shared, cells, temporary = {}, {}, []
    for body, count in bodies.items():
        if count < 2:
            continue
        # (an indicator whose window also orders facts per value reads it for those: no cells)
        sharing = [i for i in indicators if ("timeline", body) in windows[i.pk] and not _window_attributes(i)]
        if len(sharing) < count:  # other indicators read the facts in order too: kept for them
            shared[body] = f"shared_timeline_{len(shared)}"
            con.execute(f"CREATE OR REPLACE TEMP TABLE {shared[body]} AS {body}")
            temporary.append(shared[body])
        if len(sharing) > 1:
            table = f"shared_cells_{len(temporary)}"
            timeline = shared.get(body, "timeline")
            cte = "" if body in shared else f"WITH timeline AS MATERIALIZED ({body}) "
            con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS {cte}{_shared_cells(sharing, timeline)}")
            temporary.append(table)
            cells.update((i.pk, table) for i in sharing)
    for indicator in indicators:
        con.execute(insert.format(leaf_sql(indicator, only_changed, shared, cells.get(indicator.pk))))
    for table in temporary:
        con.execute(f"DROP TABLE {table}")


def _kinds(indicator):
    return indicator.periods or [None]


# the numbers of each kind of period (see PERIOD_TEXT)
PERIOD_RANGE = {None: "period = 0", "season": "period BETWEEN 1000000 AND 1999999",
                "year": "period BETWEEN 2000000 AND 2999999", "quarter": "period BETWEEN 3000000 AND 3999999",
                "month": "period >= 4000000"}


def _cell_attributes(indicators):
    """What cells are grouped by beside the place and the period: the attributes these indicators
    break down by (a family's value chains as their set, `combo`)."""
    chosen = set().union(*(i.breakdowns or [] for i in indicators))
    names = [name for name in ("sex", "age") if name in chosen]
    if any("chain" in (i.breakdowns or []) and "chain" not in _fact_level(i) for i in indicators):
        names.append("combo")
    if "actor" in chosen:
        names.append("actor")
    return names


def _cell_keys(indicators):
    """The keys of cells of facts with a period: the place, the period and the attributes these
    indicators break down by (months and quarters are totals only: their rows keep no attribute)."""
    values = {"age": AGE.format(year=PERIOD_YEAR)}
    return ["place", "period"] + [f"CASE WHEN {SPLIT} THEN {values.get(name, name)} END AS {name}"
                                  for name in _cell_attributes(indicators)]


LATE_COLUMN = {"assessments": "grade"}  # the column a source's late condition reads (see _late_flag)


def _shared_cells(indicators, timeline):
    """The cells of indicators that share a timeline, added up once: by every attribute any of them
    breaks down by, for every kind of period any of them has, with the sums their kinds read, and by
    the column their own condition reads when it is applied after the window (an assessment's
    stage). Each indicator then adds these few cells up again for itself (`_from_cells`)."""
    first = indicators[0]
    kinds = list(dict.fromkeys(kind for indicator in indicators for kind in _kinds(indicator)))
    late = LATE_COLUMN.get(first.source) if _late_flag(first) else None
    needed = list(dict.fromkeys(column for indicator in indicators for column in ["units", *NEEDED[indicator.kind]]))
    return _period_cells(first, timeline, kinds, needed, _cell_attributes(indicators) + ([late] if late else []),
                         flag="TRUE" if late else None)


def _from_cells(indicator, cells, keys):
    """One indicator's cells from the cells it shares (see `_shared_cells`): its own attributes,
    periods and condition."""
    late = _late_flag(indicator)
    names = ", ".join(key.rsplit(" AS ", 1)[-1] for key in keys)
    sums = []
    for column in ["units", *NEEDED[indicator.kind]]:
        if late and column in ("units_hit", "hits"):
            sums.append(f"coalesce(sum({column}) FILTER (WHERE {late}), 0) AS {column}")
        elif late and column == "v":
            sums.append(f"sum(v) FILTER (WHERE {late}) AS v")
        else:
            sums.append(f"sum({column}) AS {column}")
    where = " OR ".join(PERIOD_RANGE[kind] for kind in _kinds(indicator))
    return f"SELECT {names}, {', '.join(sums)} FROM {cells} WHERE {where} GROUP BY ALL"


CHAIN_ITEMS = "list_transform(list_filter(chains, c -> c IS NOT NULL), c -> 'chain:' || c)"


def _families_of_persons(indicator, units):
    """The number of families of the persons in each cell of a persons' indicator (what suppression
    counts), each family once in every breakdown one of its persons has. Rather than counting
    families distinct in every cell, each family is reduced to the set of its persons' sexes and age
    groups (bit masks); families of the same place, value chains and sets are counted together, and
    the count is added to every breakdown of the set."""
    chosen = indicator.breakdowns or []
    items = ["['']"]
    if "sex" in chosen:
        items.append("list_transform(list_filter(range(len(enum_range(NULL::sex_code))), i -> (sexes >> i) & 1 = 1), "
                     "i -> 'sex:' || nullif(enum_range(NULL::sex_code)[i + 1], ''))")
    if "age" in chosen:
        items.append(f"list_transform(list_filter([1, 2, 3], age -> (ages >> age) & 1 = 1), age -> {AGE_NAMES})")
    if "chain" in chosen:
        items.append(CHAIN_ITEMS)
    masks = (f"SELECT place, period, combo, bit_or(1 << enum_code(sex)) AS sexes, "
             f"bit_or(1 << ({AGE.format(year=PERIOD_YEAR)})) AS ages FROM ({units}) GROUP BY place, period, combo, who")
    sets = (f"SELECT s.*, c.chains FROM (SELECT place, period, combo, sexes, ages, count(*) AS families FROM ({masks}) "
            f"GROUP BY ALL) s LEFT JOIN combos c USING (combo)")
    return (f"SELECT place, period, breakdown, sum(families) AS n FROM (SELECT *, unnest(CASE WHEN {SPLIT} THEN "
            f"list_filter({' || '.join(items)}, x -> x IS NOT NULL) ELSE [''] END) AS breakdown FROM ({sets})) "
            f"GROUP BY place, period, breakdown")


def _leaf(indicator, only_changed, cells=None):
    """The windows (name, body) one indicator's leaf parts read, and the query of those parts."""
    facts = _facts(indicator)
    late_flag = _late_flag(indicator)
    if only_changed:  # the parts of the changed families and trainings only: their slice of the store
        facts = SLICED.sub(r"changed_\1", facts)
    windows = []  # the facts in time order, read once per kind of period (and a paired change's facts)
    if indicator.kind == "change":  # (its facts are read twice: kept once)
        base = int(indicator.spec["base_season"])
        windows.append(("paired", facts))
        facts = (f"SELECT f.*, b.value AS before FROM paired f JOIN (SELECT unit, value FROM paired "
                 f"WHERE season = {base}) b USING (unit) WHERE f.season > {base}")
    else:
        facts = f"SELECT *, NULL::DECIMAL(18,4) AS before FROM ({facts})"
    attributes = _window_attributes(indicator)
    dated = indicator.source in MERGED_SOURCES | LATEST_SOURCES
    if dated:
        windows.append(_dated_units(indicator, facts, "timeline", attributes=attributes))
    else:
        units = f"SELECT *, unnest({_periods(indicator)}) AS period, {AS_UNIT} FROM ({facts})"
    chosen = indicator.breakdowns or []
    fact_level = _fact_level(indicator)
    needed = ["units", *NEEDED[indicator.kind]]
    if cells:
        groups = _from_cells(indicator, cells, _cell_keys([indicator]))
    elif dated:
        groups = _period_cells(indicator, "timeline", _kinds(indicator), needed, _cell_attributes([indicator]),
                               flag=late_flag)
    else:
        groups = f"SELECT {', '.join(_cell_keys([indicator]))}, {_sums(indicator.kind)} FROM ({units}) GROUP BY ALL"
    parts = {"sex": "'sex:' || nullif(sex, '')", "age": AGE_NAMES, "actor": "'actor:' || actor"}
    items = "[''" + "".join(f", {parts[b]}" for b in chosen if b in parts) + "]"
    if "chain" in chosen and "chain" not in fact_level:
        items += " || " + CHAIN_ITEMS
    # Breakdowns for the situation today, seasons and years; months and quarters are totals only.
    if "chain" in chosen and "chain" not in fact_level:
        groups = f"SELECT g.*, c.chains FROM ({groups}) g LEFT JOIN combos c USING (combo)"
    cells = (f"SELECT *, unnest(CASE WHEN {SPLIT} THEN list_filter({items}, x -> x IS NOT NULL) ELSE [''] END) "
             f"AS breakdown FROM ({groups})")
    numerator, denominator = AGGREGATES[indicator.kind]
    if indicator.source == "persons":  # several persons per family: the families are counted apart
        parts_sql = [f"SELECT place, period, breakdown, p.num, p.den, f.n FROM (SELECT place, period, breakdown, "
                     f"{numerator} AS num, {denominator} AS den FROM ({cells}) GROUP BY place, period, breakdown) p "
                     f"JOIN ({_families_of_persons(indicator, units)}) f USING (place, period, breakdown)"]
    else:
        parts_sql = [f"SELECT place, period, breakdown, {numerator} AS num, {denominator} AS den, sum(units) AS n "
                     f"FROM ({cells}) GROUP BY place, period, breakdown"]
    split = [kind for kind in indicator.periods or [] if kind in ("season", "year")] or [None]
    for name in attributes:  # per practice, per record's chain: a unit once per value
        per_value = _period_cells(indicator, "timeline", split, needed, [], flag=late_flag, attribute=name)
        parts_sql.append(f"SELECT place, period, '{name}:' || attribute AS breakdown, {numerator} AS num, "
                         f"{denominator} AS den, sum(units) AS n FROM ({per_value}) GROUP BY place, period, breakdown")
    return windows, (
            f"SELECT {int(indicator.pk)} AS indicator, place, period, breakdown, "
            f"CAST(num AS DECIMAL(38,4)) AS num, CAST(den AS DECIMAL(38,4)) AS den, n FROM ({' UNION ALL '.join(parts_sql)})")


# --- the store -----------------------------------------------------------------------------------


def _attachable():
    """DuckDB reads and writes PostgreSQL itself, outside a transaction of Django's (which it
    could not see). SQLite databases are small: their rows come through Django's connection."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def _conninfo():
    db = connection.settings_dict
    parts = {"dbname": db["NAME"], "host": db.get("HOST"), "port": db.get("PORT"), "user": db.get("USER"),
             "password": db.get("PASSWORD")}
    libpq = " ".join(f"{k}='{str(v).replace(chr(92), chr(92) * 2).replace(chr(39), chr(92) + chr(39))}'"
                     for k, v in parts.items() if v)
    return libpq.replace("'", "''")  # as the SQL string literal DuckDB's ATTACH takes


def _load_extension(con, name):
    module = __import__(f"duckdb_extension_{name}")
    folder = os.path.join(os.path.dirname(module.__file__), "extensions")
    for root, _dirs, files in os.walk(folder):
        for file in files:
            if file.startswith(name):
                con.execute(f"LOAD '{os.path.join(root, file)}'")
                return
    raise RuntimeError(f"DuckDB extension {name} not found")


@contextlib.contextmanager
def store():
    """The analytical store, opened for one refresh (DuckDB lets one process write it at a time:
    another refresh waits for it)."""
    path = str(settings.ANALYTICS_PATH)
    deadline = time.monotonic() + 120
    while True:
        try:
            con = duckdb.connect(path)
            break
        except duckdb.IOException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    try:
        con.execute(f"SET memory_limit = '{settings.ANALYTICS_MEMORY}'")
        con.execute(f"SET temp_directory = '{path}.tmp'")
        if _attachable():
            _load_extension(con, "postgres_scanner")
            con.execute(f"ATTACH '{_conninfo()}' AS pg (TYPE postgres)")
        yield con
    finally:
        con.close()


def _fill(con, table, where=None, ids=(), into=None):
    """Rows of a mirror table from the operational database (all, or those of some families or
    trainings), into the table or into another of the same columns."""
    columns, select, key = MIRROR[table]
    target = into or table
    if where and not ids:
        return
    if _attachable():
        if where:  # a few families: PostgreSQL runs the query with its indexes
            sql = select.format(p="") + (" AND " if " WHERE " in select else " WHERE ") + \
                f"{key} IN ({', '.join(str(int(i)) for i in ids)})"
            con.execute(f"INSERT INTO {target} SELECT * FROM postgres_query('pg', {_lit(sql)})")
        else:
            con.execute(f"INSERT INTO {target} SELECT * FROM ({FROM_MIRRORED.get(table) or select.format(p='pg.public.')})")
        return
    sql, params = select.format(p=""), []
    if where:
        sql += (" AND " if " WHERE " in sql else " WHERE ") + f"{key} IN ({', '.join(['%s'] * len(ids))})"
        params = list(ids)
    types = {name: "VARCHAR" if kind in CODE_TYPES else kind  # (codes are read as text, then typed)
             for name, kind in re.findall(r"(\w+) (\w+(?:\(\d+,\d+\))?)", columns)}
    with tempfile.NamedTemporaryFile("w", suffix=".csv", newline="", delete=False) as file, \
            connection.cursor() as cursor:
        cursor.execute(sql, params)
        writer, count = csv.writer(file), 0
        while rows := cursor.fetchmany(5000):
            writer.writerows(["\\N" if v is None else v for v in row] for row in rows)
            count += len(rows)
    try:
        if not count:
            return
        spec = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in types.items()) + "}"
        con.execute(f"INSERT INTO {target} SELECT * FROM read_csv('{file.name}', header = false, "
                    f"auto_detect = false, delim = ',', columns = {spec}, nullstr = '\\N', quote = '\"', "
                    f"escape = '\"')")
    finally:
        os.unlink(file.name)


def _code_types(con):
    for name, members in CODE_TYPES.items():
        con.execute(f"DROP TYPE IF EXISTS {name}")
        con.execute(f"CREATE TYPE {name} AS ENUM ({', '.join(_lit(m) for m in sorted(set(members())))})")


def _create_mirror(con, tables):
    for table in tables:
        con.execute(f"CREATE OR REPLACE TABLE {table} ({MIRROR[table][0]})")
        _fill(con, table)


def _build_tree(con):
    """Every place with every node above it (itself included), in both trees."""
    _create_mirror(con, TREE_MIRROR)
    con.execute("""
        CREATE OR REPLACE TABLE anc AS
        SELECT t.id AS place, 't' AS node_kind, a.id AS node, a.kind IN ('community', 'sector') AS fine
        FROM m_territory t, unnest(string_split(trim(t.path, '/'), '/')) AS u(code)
        JOIN m_territory a ON a.code = u.code
        UNION
        SELECT m.territory AS place, 'w' AS node_kind, w.id AS node, FALSE AS fine
        FROM m_member m JOIN m_watershed s ON s.id = m.watershed,
             unnest(string_split(trim(s.path, '/'), '/')) AS u(code)
        JOIN m_watershed w ON w.code = u.code""")
    # the nearest unit above the fine ones (a community's district), where months and quarters start
    con.execute("""
        CREATE OR REPLACE TABLE coarse AS SELECT a.place, arg_max(a.node, length(t.path)) AS node
        FROM anc a JOIN m_territory t ON t.id = a.node WHERE a.node_kind = 't' AND NOT a.fine GROUP BY a.place""")


LEAF = "indicator INTEGER, place BIGINT, period INTEGER, breakdown VARCHAR, num DECIMAL(38,4), " \
       "den DECIMAL(38,4), n BIGINT"
ROLL_UP = ("SELECT l.indicator, a.node_kind, a.node, l.period, l.breakdown, sum(l.num) AS num, "
           "sum(l.den) AS den, sum(l.n)::BIGINT AS n FROM {leaf} l JOIN anc a USING (place) "
           # communities get seasons and years; months and quarters start at the district
           "WHERE NOT (a.fine AND l.period >= 3000000) {where} GROUP BY ALL HAVING {having}")
# The leaf may hold a cell in several rows (changes are appended): a cell left without families is none.
CELLS_WITH_FAMILIES = "sum(l.n) <> 0"


def refresh(indicators=None, reload=True, tables=()):
    """Recompute the given indicators (all by default) for every unit, watershed and period, after
    copying these mirror tables again (all with `reload`). A store that is not ready (new, of older
    code, or not in step with the values) is rebuilt whole."""
    started = time.monotonic()
    with store() as con:
        ready = _ready(con)
        if indicators is None or not ready:
            indicators = Indicator.objects.all()
        indicators = list(indicators)
        everything = {i.pk for i in indicators} >= set(Indicator.objects.values_list("pk", flat=True))
        if ready and not reload and tables:
            _create_mirror(con, tables)
        if reload or not ready:
            for table in (*HOUSEHOLD_MIRROR, "families", "combos"):  # (what the code types hold is read again)
                con.execute(f"DROP TABLE IF EXISTS {table}")
            _code_types(con)
            _create_mirror(con, HOUSEHOLD_MIRROR | TRAINING_MIRROR | SMALL_MIRROR)
            con.execute(f"CREATE TABLE families ({FAMILIES})")
            con.execute("CREATE TABLE combos (combo INTEGER, chains chain_code[])")
            _add_families(con)
            _build_tree(con)
            log.info("observatory: mirror loaded in %.2f s", time.monotonic() - started)
        if not ready or (reload and everything):
            con.execute(f"CREATE OR REPLACE TABLE leaf ({LEAF})")
            con.execute("CREATE OR REPLACE TABLE state (version INTEGER, leaf_rows BIGINT, generation BIGINT)")
            con.execute(f"INSERT INTO state VALUES ({STORE_VERSION}, 0, NULL)")
        con.execute("UPDATE state SET generation = NULL")  # until the values are written too
        ids = [i.pk for i in indicators]
        con.execute("DELETE FROM leaf WHERE list_contains($1, indicator)", [ids])
        _leaves(con, indicators, "INSERT INTO leaf {}")
        log.info("observatory: leaf parts at %.2f s", time.monotonic() - started)
        _roll_up_all(con, ids)
        log.info("observatory: rolled up at %.2f s", time.monotonic() - started)
        generation = _generation() + 1
        written = _write_all(con, indicators, generation)
        con.execute("UPDATE state SET leaf_rows = (SELECT count(*) FROM leaf), generation = $1", [generation])
    log.info("observatory: %s values of %s indicators in %.2f s", written, len(indicators),
             time.monotonic() - started)
    return written


def refresh_small():
    """After a business plan, a PES agreement, a verification, a payment or a mesa's meeting changed:
    the few rows of these sources copied again, and the indicators that read them recomputed."""
    indicators = Indicator.objects.filter(source__in=SMALL_SOURCES)
    if not indicators.exists():
        return 0
    return refresh(indicators, reload=False, tables=SMALL_MIRROR)


def _roll_up_all(con, ids, compact=True):
    """The leaf's parts of these indicators added up to every unit (`cube`, for this refresh only).
    `compact`: the leaf holds each of their cells in one row (it does after a refresh, not after
    changes were appended).

    Most cells are a fine unit's (a community's seasons and years): when no fine unit lies inside
    another, they are the leaf's rows as they are. The units above are added up from the parts first
    summed at the nearest of them (a community's district), a few times fewer rows than the leaf;
    watersheds through each community's watersheds and those above them."""
    chosen = "list_contains($1, l.indicator)"
    con.execute("CREATE OR REPLACE TEMP TABLE cube (indicator INTEGER, node_kind VARCHAR, node BIGINT, period INTEGER, "
                "breakdown VARCHAR, num DECIMAL(38,4), den DECIMAL(38,4), n BIGINT)")
    nested = con.execute("SELECT count(*) FROM anc WHERE node_kind = 't' AND fine AND node <> place").fetchone()[0]
    if compact and not nested:  # (months and quarters start above the fine units)
        con.execute(f"""
            INSERT INTO cube SELECT l.indicator, 't', l.place, l.period, l.breakdown, l.num, l.den, l.n FROM leaf l
            JOIN anc a ON a.place = l.place AND a.node_kind = 't' AND a.node = l.place AND a.fine
            WHERE {chosen} AND l.period < 3000000 AND l.n <> 0""", [ids])
    else:
        con.execute("INSERT INTO cube " + ROLL_UP.format(leaf="leaf", where=f"AND a.node_kind = 't' AND a.fine AND {chosen}",
                                                         having=CELLS_WITH_FAMILIES), [ids])
    con.execute(f"""
        INSERT INTO cube SELECT c.indicator, 't', a.node, c.period, c.breakdown, sum(c.num), sum(c.den), sum(c.n)::BIGINT
        FROM (SELECT l.indicator, k.node AS place, l.period, l.breakdown, sum(l.num) AS num, sum(l.den) AS den,
                     sum(l.n) AS n FROM leaf l JOIN coarse k USING (place) WHERE {chosen} GROUP BY ALL) c
        JOIN anc a ON a.place = c.place AND a.node_kind = 't' GROUP BY ALL HAVING sum(c.n) <> 0""", [ids])
    # Communities in the same watersheds (a microwatershed and those above it) are added up together
    # first, then each such set's sum to each of its watersheds: a community in two microwatersheds of
    # one watershed counts there once, as it does in `anc`.
    con.execute("""
        CREATE OR REPLACE TEMP TABLE watershed_sets AS SELECT place, dense_rank() OVER (ORDER BY nodes) AS nodes_set,
        nodes FROM (SELECT place, list(node ORDER BY node) AS nodes FROM anc WHERE node_kind = 'w' GROUP BY place)""")
    con.execute(f"""
        INSERT INTO cube SELECT c.indicator, 'w', s.node, c.period, c.breakdown, sum(c.num), sum(c.den), sum(c.n)::BIGINT
        FROM (SELECT l.indicator, w.nodes_set, l.period, l.breakdown, sum(l.num) AS num, sum(l.den) AS den,
                     sum(l.n) AS n FROM leaf l JOIN watershed_sets w USING (place) WHERE {chosen} GROUP BY ALL) c
        JOIN (SELECT DISTINCT nodes_set, unnest(nodes) AS node FROM watershed_sets) s USING (nodes_set)
        GROUP BY ALL HAVING sum(c.n) <> 0""", [ids])
    con.execute("DROP TABLE watershed_sets")


def _generation():
    state = EngineState.objects.first()
    return state.generation if state else 0


STORE_VERSION = 12  # the store's tables as this code builds them; an older store is rebuilt


def _ready(con):
    """Whether the store is built by this code and holds the values' generation."""
    try:
        row = con.execute("SELECT version, generation FROM state").fetchone()
    except (duckdb.CatalogException, duckdb.BinderException):
        return False
    return bool(row) and row[0] == STORE_VERSION and row[1] is not None and row[1] == _generation()


# which mirror tables and indicator sources a change of a kind of row touches
TOUCHES = {
    "family": (set(HOUSEHOLD_MIRROR), HOUSEHOLD_SOURCES),
    "records": ({"m_record", "m_value"}, {"measures", "tests"}),
    "assessments": ({"m_assessment", "m_practice"}, {"assessments", "practices"}),
    "income": ({"m_income"}, {"income"}),
    "loans": ({"m_loan"}, {"loans"}),
}


def refresh_changes(households=(), trainings=(), tree=False, kinds=("family",)):
    """The values that depend on these families and trainings, after they changed. `kinds` says what
    changed for the families (see TOUCHES): a new record does not move a family.

    Every part of the leaf is a sum over units (families, persons, events), so the change is the
    changed units' parts computed from the new mirror rows minus the same computed from the old:
    the work follows the number of changed families, not the size of their communities. The store
    takes the change in one transaction; the values then take its sum up the trees in one
    transaction of their own."""
    households, trainings = sorted(set(households)), sorted(set(trainings))
    if not households and not trainings and not tree:
        return 0
    started = time.monotonic()
    with store() as con:
        if not _ready(con):
            con.close()
            return refresh()
        sources = set().union(*(TOUCHES[kind][1] for kind in kinds)) if households else set()
        sources |= TRAINING_SOURCES if trainings else set()
        indicators = [i for i in Indicator.objects.all() if i.source in sources]
        generation = _generation() + 1
        con.execute("BEGIN")
        for name, ids in (("changed_households", households), ("changed_trainings", trainings)):
            # (a literal list: DuckDB binds a Python list parameter some 25 times slower)
            con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT unnest([{', '.join(str(int(i)) for i in ids)}]"
                        f"::BIGINT[]) AS id")
        con.execute(f"CREATE OR REPLACE TEMP TABLE parts ({LEAF}, sign INTEGER)")
        _slice(con, indicators)
        # what the changed units brought before the change
        _leaves(con, indicators, "INSERT INTO parts SELECT *, -1 FROM ({})", only_changed=True)
        tables = set().union(*(TOUCHES[kind][0] for kind in kinds)) if households else set()
        tables |= set(TRAINING_MIRROR) if trainings else set()
        log.info("observatory: changed parts before the change at %.2f s", time.monotonic() - started)
        try:
            for table in tables:  # (a hash join on the changed ids: list_contains would scan every row per id)
                ids, key = (households, "household") if table in HOUSEHOLD_MIRROR else (trainings, "training")
                changed = "changed_households" if key == "household" else "changed_trainings"
                con.execute(f"DELETE FROM {table} WHERE {key} IN (SELECT id FROM {changed})")
                if table in SLICES:  # the new rows are the slice the parts after the change are read from
                    con.execute(f"CREATE OR REPLACE TEMP TABLE changed_{table} ({MIRROR[table][0]})")
                    _fill(con, table, where=True, ids=ids, into=f"changed_{table}")
                    con.execute(f"INSERT INTO {table} SELECT * FROM changed_{table}")
                else:
                    _fill(con, table, where=True, ids=ids)
        except duckdb.ConversionException:  # a code the store's types do not hold: the store is rebuilt
            con.execute("ROLLBACK")
            con.close()
            log.info("observatory: a code new to the store, rebuilt whole")
            return refresh()
        renewed = set()
        if tables & {"m_household", "m_enrolment"}:
            con.execute("DELETE FROM families WHERE household IN (SELECT id FROM changed_households)")
            _add_families(con, "WHERE household IN (SELECT id FROM changed_households)")
            renewed.add("families")
        log.info("observatory: mirror rows replaced in %.2f s", time.monotonic() - started)
        _slice(con, indicators, skip=set(SLICES) - renewed)  # (the changed tables' slices are their new rows)
        _leaves(con, indicators, "INSERT INTO parts SELECT *, 1 FROM ({})", only_changed=True)  # and now
        con.execute("""
            CREATE OR REPLACE TEMP TABLE delta AS
            SELECT indicator, place, period, breakdown, sum(sign * num) AS num, sum(sign * den) AS den,
                   sum(sign * n)::BIGINT AS n
            FROM parts GROUP BY ALL HAVING sum(sign * num) <> 0 OR sum(sign * den) <> 0 OR sum(sign * n) <> 0""")
        _append_to_leaf(con)
        if tree:  # units moved in the trees: every figure above them is added up again
            _build_tree(con)
        con.execute("UPDATE state SET generation = $1", [generation])
        con.execute("COMMIT")
        log.info("observatory: %s leaf parts changed at %.2f s",
                 con.execute("SELECT count(*) FROM delta").fetchone()[0], time.monotonic() - started)
        if tree:
            everything = list(Indicator.objects.all())
            _roll_up_all(con, [i.pk for i in everything], compact=False)
            return _write_all(con, everything, generation)
        con.execute("CREATE OR REPLACE TEMP TABLE moved AS " + ROLL_UP.format(
            leaf="delta", where="", having="sum(l.num) <> 0 OR sum(l.den) <> 0 OR sum(l.n) <> 0"))
        log.info("observatory: change added up the trees at %.2f s", time.monotonic() - started)
        written = _write_changes(con, indicators, generation)
        log.info("observatory: %s values changed in %.2f s", written, time.monotonic() - started)
        return written


LEAF_SLACK = 100_000  # rows appended to a small leaf before it is added up again


def _append_to_leaf(con):
    """The leaf takes the changes as rows of their own (sums read it: a cell may be in several rows),
    rather than finding and rewriting each cell among millions; once the appended rows are a fifth
    of what the leaf held, its rows are added up again, cell by cell."""
    con.execute("INSERT INTO leaf SELECT * FROM delta")
    rows, compact = con.execute("SELECT (SELECT count(*) FROM leaf), leaf_rows FROM state").fetchone()
    if rows > compact * 1.2 + LEAF_SLACK:
        con.execute("""
            CREATE OR REPLACE TABLE leaf AS SELECT indicator, place, period, breakdown, sum(num)::DECIMAL(38,4) AS num,
                   sum(den)::DECIMAL(38,4) AS den, sum(n)::BIGINT AS n
            FROM leaf GROUP BY ALL HAVING sum(n) <> 0 ORDER BY indicator""")
        con.execute("UPDATE state SET leaf_rows = (SELECT count(*) FROM leaf)")
        log.info("observatory: leaf of %s rows added up again", rows)


# --- writing values ------------------------------------------------------------------------------

VALUE_FILLFACTOR = 80  # room on each page for values updated in place (see _write_changes)
VALUE_COLUMNS = "indicator_id, territory_id, watershed_id, period, breakdown, numerator, denominator, households"


def _value_select(source, kinds_with_denominator, where="", order=""):
    return (f"SELECT indicator, CASE WHEN node_kind = 't' THEN node END AS territory, "
            f"CASE WHEN node_kind = 'w' THEN node END AS watershed, {PERIOD_TEXT} AS period, breakdown, num, "
            f"CASE WHEN list_contains({kinds_with_denominator}, indicator) THEN den END AS den, n FROM {source} "
            f"{where} {order}")


def _with_denominator(indicators):
    return "[" + ", ".join(str(i.pk) for i in indicators if i.kind in WITH_DENOMINATOR) + "]::INTEGER[]"


GENERATION_SQL = ("INSERT INTO observatory_enginestate (id, generation) VALUES (1, {g}) "
                  "ON CONFLICT (id) DO UPDATE SET generation = EXCLUDED.generation")


def _set_generation(generation):
    EngineState.objects.update_or_create(pk=1, defaults={"generation": generation})


def _write_all(con, indicators, generation):
    """Replace these indicators' values with the cube's, and the values' generation with this one."""
    ids = [i.pk for i in indicators]
    where, denominators = "WHERE list_contains($1, indicator)", _with_denominator(indicators)
    select = _value_select("cube", denominators, where)
    if _attachable() and set(ids) >= set(Indicator.objects.values_list("pk", flat=True)):
        written = con.execute(f"SELECT count(*) FROM cube {where}", [ids]).fetchone()[0]
        ordered = _value_select("cube", denominators, where, (  # (the cube's own columns)
            f"ORDER BY cube.node_kind, cube.node, indicator, {PERIOD_ORDER.format(p='cube.period')}, breakdown"))
        _swap_values(con, ordered, ids, generation, written)
        return written
    if _attachable():
        con.execute("BEGIN")
        con.execute(f"DELETE FROM pg.public.observatory_value WHERE indicator_id IN ({', '.join(map(str, ids)) or 0})")
        con.execute(f"INSERT INTO pg.public.observatory_value ({VALUE_COLUMNS}) {select}", [ids])
        con.execute("COMMIT")
        _set_generation(generation)
        return con.execute(f"SELECT count(*) FROM cube {where}", [ids]).fetchone()[0]
    with transaction.atomic():
        Value.objects.filter(indicator__in=ids).delete()
        written = _insert(con.execute(select, [ids]))
        _set_generation(generation)
        return written


def _swap_values(con, select, ids, generation, count):
    """Every value at once on PostgreSQL: written into a new table without indexes, indexed like the
    table pages read (same index and constraint names), then put in its place in one short
    transaction. Pages read the old values until the swap; deleting and reindexing millions of rows
    in place takes several times longer."""
    listing = ("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
               "AND tablename = 'observatory_value'")
    indexes = con.execute(f"SELECT * FROM postgres_query('pg', {_lit(listing)})").fetchall()
    con.execute(f"CALL postgres_execute('pg', {_lit(NEW_VALUES)})")
    # Values are written in the order of the unique keys (`select` gives them so: periods sorted as
    # numbers in the order of their texts), ids numbered along, rather than drawn one
    # by one from the table's sequence (which then starts after them): PostgreSQL finds its index
    # builds' input already sorted (codes compare by bytes there, as here), sorted in memory, and a
    # unit's values lie together on disk, where a page reads them.
    # (as text: DuckDB writes millions of decimals faster so than in PostgreSQL's binary format)
    con.execute("SET pg_use_binary_copy = false")
    try:
        con.execute(f"INSERT INTO pg.public.observatory_value_new (id, {VALUE_COLUMNS}) "
                    f"SELECT row_number() OVER () AS id, * FROM ({select})", [ids])
    finally:
        con.execute("RESET pg_use_binary_copy")
    build = ["SET maintenance_work_mem = '1GB'",
             f"SELECT setval(pg_get_serial_sequence('observatory_value_new', 'id'), {int(count) + 1}, false)"]
    rename = []
    for name, definition in indexes:
        if name == "observatory_value_pkey":
            build.append("ALTER TABLE observatory_value_new ADD CONSTRAINT observatory_value_pkey_new PRIMARY KEY (id)")
            rename.append("ALTER TABLE observatory_value RENAME CONSTRAINT observatory_value_pkey_new TO "
                          "observatory_value_pkey")
            continue
        definition = definition.replace(f"INDEX {name} ON", f"INDEX {name}_new ON", 1)
        build.append(re.sub(r" ON (\w+\.)?observatory_value ", r" ON \1observatory_value_new ", definition, count=1))
        rename.append(f"ALTER INDEX {name}_new RENAME TO {name}")
    swap = [*build, "BEGIN", "LOCK TABLE observatory_value IN ACCESS EXCLUSIVE MODE", "DROP TABLE observatory_value",
            "ALTER TABLE observatory_value_new RENAME TO observatory_value", *rename,
            GENERATION_SQL.format(g=int(generation)), "COMMIT",
            "ANALYZE observatory_value"]
    con.execute(f"CALL postgres_execute('pg', {_lit('; '.join(swap))})")


NEW_VALUES = ("DROP TABLE IF EXISTS observatory_value_new; CREATE TABLE observatory_value_new (LIKE observatory_value "
              f"INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS) WITH (fillfactor = {VALUE_FILLFACTOR})")


def _values(rows):
    return [Value(indicator_id=r[0], territory_id=r[1], watershed_id=r[2], period=r[3], breakdown=r[4],
                  numerator=r[5], denominator=r[6], households=r[7]) for r in rows if r[7]]


def _insert(result):
    written = 0
    while rows := result.fetchmany(5000):
        Value.objects.bulk_create(_values(rows))
        written += len(rows)
    return written


def _write_changes(con, indicators, generation):
    """Add the change of each cell (`moved`) to its value: cells that gain their first families are
    added, cells left without families removed; the values' generation moves in the same transaction."""
    select = _value_select("moved", _with_denominator(indicators))
    count = con.execute("SELECT count(*) FROM moved").fetchone()[0]
    if _attachable():
        con.execute("DROP TABLE IF EXISTS pg.public.observatory_value_stage")
        con.execute(f"CREATE TABLE pg.public.observatory_value_stage AS {select}")
        # Values are stored with room left in their pages (fillfactor): PostgreSQL rewrites an updated
        # row on its page without touching the indexes, several times faster than deleting and inserting.
        match = "v.{node}_id = s.{node} AND v.indicator_id = s.indicator AND v.period = s.period " \
                "AND v.breakdown = s.breakdown"
        # The cells updated are returned, so that the new ones are found among the changes rather
        # than looked up again in the table; only cells that lost families may be left empty.
        steps = ["BEGIN"]
        for node in ("territory", "watershed"):
            on = match.format(node=node)
            steps += [f"WITH updated AS (UPDATE observatory_value v SET numerator = v.numerator + s.num, "
                      f"denominator = v.denominator + s.den, households = v.households + s.n "
                      f"FROM observatory_value_stage s WHERE s.{node} IS NOT NULL AND {on} "
                      f"RETURNING s.indicator, s.{node}, s.period, s.breakdown) "
                      f"INSERT INTO observatory_value ({VALUE_COLUMNS}) SELECT * FROM observatory_value_stage s "
                      f"WHERE s.{node} IS NOT NULL AND s.n > 0 AND NOT EXISTS (SELECT 1 FROM updated u WHERE "
                      f"u.indicator = s.indicator AND u.{node} = s.{node} AND u.period = s.period "
                      f"AND u.breakdown = s.breakdown)",
                      f"DELETE FROM observatory_value v USING observatory_value_stage s WHERE s.n < 0 AND {on} "
                      f"AND v.households = 0"]
        steps += ["DROP TABLE observatory_value_stage", GENERATION_SQL.format(g=int(generation)), "COMMIT"]
        con.execute(f"CALL postgres_execute('pg', {_lit('; '.join(steps))})")
        return count
    changes = {tuple(r[:5]): r[5:] for r in con.execute(select).fetchall()}
    with transaction.atomic():
        existing = {}
        for indicator in {key[0] for key in changes}:  # one query per indicator, not per unit
            territories = {key[1] for key in changes if key[0] == indicator and key[1]}
            watersheds = {key[2] for key in changes if key[0] == indicator and key[2]}
            for value in Value.objects.filter(Q(territory_id__in=territories) | Q(watershed_id__in=watersheds),
                                              indicator_id=indicator):
                key = (value.indicator_id, value.territory_id, value.watershed_id, value.period, value.breakdown)
                if key in changes:
                    existing[key] = value
        added, updated, emptied = [], [], []
        for key, (num, den, n) in changes.items():
            value = existing.get(key)
            if value is None:
                if n > 0:
                    added.append((*key, num, den, n))
                continue
            value.numerator += num
            value.denominator = None if value.denominator is None or den is None else value.denominator + den
            value.households += n
            (updated if value.households else emptied).append(value)
        Value.objects.bulk_update(updated, ["numerator", "denominator", "households"], batch_size=1000)
        Value.objects.filter(pk__in=[value.pk for value in emptied]).delete()
        Value.objects.bulk_create(_values(added))
        _set_generation(generation)
    return count
