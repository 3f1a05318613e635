"""Import and export of field records as CSV or XLSX, one row per value (long format), so that
any value chain's measures fit the same columns. Every row is checked before anything is written:
one wrong row and nothing is imported, with the line-by-line reasons."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from minka.accounts.permissions import RECORD_FIELD
from minka.core.periods import parse_date, parse_season, season_label
from minka.core.tabular import ImportRejected, RowError, read_table, require_columns
from minka.people.models import Household, ValueChain
from minka.people.selectors import households_for

from . import services
from .models import IncomeSource, Measure, Practice, Record, Topic, Unit
from .values import clean_value, parse_number

RECORD_COLUMNS = ["household", "chain", "date", "measure", "value", "unit", "notes"]
ASSESSMENT_COLUMNS = ["household", "date", "practice", "quantity", "notes"]
VISIT_COLUMNS = ["household", "date", "chain", "topics", "findings", "recommendations", "follow_up_due"]
INCOME_COLUMNS = ["household", "season", "round", "date", "source", "income", "costs"]


class Rows:
    """Shared checks of one import: families of the actor's scope by code, dates, numbers."""

    def __init__(self, actor, table):
        self.actor, self.table, self.errors = actor, table, []
        codes = {row.get("household", "").upper() for _line, row in table.rows}
        scope = households_for(actor, RECORD_FIELD) if actor is not None else None
        known = Household.objects.filter(code__in=codes).select_related("community")
        self.households = {h.code: h for h in known}
        self.in_scope = set(scope.filter(code__in=codes).values_list("code", flat=True)) if scope is not None \
            else set(self.households)

    def error(self, line, message, column=""):
        self.errors.append(RowError(line, message, column))

    def household(self, line, row):
        code = row.get("household", "").upper()
        household = self.households.get(code)
        if household is None:
            self.error(line, _("familia desconocida: %(code)s") % {"code": code or "—"}, "household")
        elif code not in self.in_scope:
            self.error(line, _("la familia %(code)s está fuera de su ámbito") % {"code": code}, "household")
            return None
        return household

    def date(self, line, row, column="date", required=True):
        text = row.get(column, "")
        if not text:
            if required:
                self.error(line, _("falta la fecha"), column)
            return None
        try:
            return parse_date(text)
        except ValueError as exc:
            self.error(line, str(exc), column)

    def amount(self, line, row, column, required=False):
        text = row.get(column, "")
        if not text:
            if required:
                self.error(line, _("falta el valor"), column)
            return None
        try:
            return parse_number(text)
        except ValueError:
            self.error(line, _("«%(value)s» no es un número") % {"value": text}, column)

    def check(self):
        if self.errors:
            raise ImportRejected(sorted(self.errors, key=lambda e: e.line))


def _lookup(model, field="code"):
    return {getattr(obj, field).lower(): obj for obj in model.objects.all()}


def _run(write):
    """Write after every row passed; a race with another writer still leaves nothing behind."""
    try:
        return write()
    except ValidationError as exc:
        raise ImportRejected([RowError(0, message) for message in exc.messages])
    except services.PermissionDenied as exc:
        raise ImportRejected([RowError(0, str(exc))])


@transaction.atomic
def import_records(*, actor, data, filename):
    """Production and quality values, one per row; rows with the same family, chain and date
    form one record. A measure must be given in one unit throughout the file."""
    table = read_table(data, filename)
    require_columns(table, ["household", "date", "measure", "value"])
    rows = Rows(actor, table)
    measures = {m.code: m for m in Measure.objects.select_related("unit", "chain")}
    units = {u.code: u for u in Unit.objects.all()} | {u.symbol.lower(): u for u in Unit.objects.all()}
    chains = _lookup(ValueChain)
    groups, unit_seen = {}, {}
    for line, row in table.rows:
        household = rows.household(line, row)
        date = rows.date(line, row)
        measure = measures.get(row.get("measure", ""))
        if measure is None:
            rows.error(line, _("medida desconocida: %(code)s") % {"code": row.get("measure") or "—"}, "measure")
            continue
        chain = chains.get(row.get("chain", "").lower()) if row.get("chain") else measure.chain
        if row.get("chain") and chain is None:
            rows.error(line, _("cadena de valor desconocida: %(code)s") % {"code": row["chain"]}, "chain")
            continue
        if measure.chain_id and chain is not None and measure.chain_id != chain.pk:
            rows.error(line, _("%(measure)s no es una medida de %(chain)s") % {"measure": measure.code,
                                                                              "chain": chain.code}, "measure")
            continue
        unit = None
        if row.get("unit"):
            unit = units.get(row["unit"].lower())
            if unit is None:
                rows.error(line, _("unidad desconocida: %(unit)s") % {"unit": row["unit"]}, "unit")
                continue
        first = unit_seen.setdefault(measure.code, (line, unit))
        if first[1] != unit:
            rows.error(line, _("unidades mezcladas para %(measure)s: %(unit)s aquí, %(first)s en la línea %(line)s")
                       % {"measure": measure.code, "unit": unit.symbol if unit else "—",
                          "first": first[1].symbol if first[1] else "—", "line": first[0]}, "unit")
            continue
        try:
            cleaned = clean_value(measure, row.get("value", ""), unit)
        except ValidationError as exc:
            for message in exc.messages:
                rows.error(line, message, "value")
            continue
        if household is None or date is None:
            continue
        key = (household.pk, chain.pk if chain else None, date, measure.purpose)
        group = groups.setdefault(key, {"household": household, "chain": chain, "date": date,
                                        "purpose": measure.purpose, "values": {}, "notes": row.get("notes", "")})
        if measure in group["values"]:
            rows.error(line, _("%(measure)s aparece dos veces para la misma familia y fecha") % {"measure": measure.code},
                       "measure")
        group["values"][measure] = cleaned[0] if measure.is_numeric else cleaned[1]
    rows.check()
    # Values are already in the measure's unit: no unit is passed on.
    created = _run(lambda: [services.record_measurements(
        actor=actor, household=g["household"], purpose=g["purpose"], chain=g["chain"], date=g["date"],
        values=g["values"], notes=g["notes"], source=Record.Source.IMPORT) for g in groups.values()])
    return {"records": len(created), "rows": len(table.rows), "notices": table.notices}


def record_rows(records):
    records = records.select_related("household", "chain").prefetch_related("values__measure__unit")
    for record in records.iterator(chunk_size=500):
        for value in record.values.all():
            measure = value.measure
            shown = f"{value.number.normalize():f}" if value.number is not None else value.text
            yield [record.household.code, record.chain.code if record.chain else "", record.date.isoformat(),
                   measure.code, shown, measure.unit.code if measure.unit_id else "", record.notes,
                   record.get_purpose_display(), "" if value.passed is None else ("pass" if value.passed else "fail")]


RECORD_EXPORT = RECORD_COLUMNS + ["purpose", "result"]


@transaction.atomic
def import_assessments(*, actor, data, filename):
    """Adopted practices, one per row; rows with the same family and date form one assessment."""
    table = read_table(data, filename)
    require_columns(table, ["household", "date", "practice"])
    rows = Rows(actor, table)
    practices = _lookup(Practice)
    groups = {}
    for line, row in table.rows:
        household, date = rows.household(line, row), rows.date(line, row)
        practice = practices.get(row.get("practice", "").lower())
        if practice is None:
            rows.error(line, _("práctica desconocida: %(code)s") % {"code": row.get("practice") or "—"}, "practice")
        quantity = rows.amount(line, row, "quantity")
        if quantity is not None and quantity < 0:
            rows.error(line, _("la cantidad no puede ser negativa"), "quantity")
        if household is None or date is None or practice is None:
            continue
        group = groups.setdefault((household.pk, date), {"household": household, "date": date, "adopted": {},
                                                         "notes": row.get("notes", "")})
        group["adopted"][practice] = quantity
    rows.check()
    created = _run(lambda: [services.assess_practices(
        actor=actor, household=g["household"], date=g["date"], adopted=g["adopted"], notes=g["notes"],
        source=Record.Source.IMPORT) for g in groups.values()])
    return {"records": len(created), "rows": len(table.rows), "notices": table.notices}


def assessment_rows(assessments):
    assessments = assessments.select_related("household").prefetch_related("adopted__practice")
    for assessment in assessments.iterator(chunk_size=500):
        adopted = list(assessment.adopted.all()) or [None]
        for row in adopted:
            yield [assessment.household.code, assessment.date.isoformat(), row.practice.code if row else "",
                   "" if row is None or row.quantity is None else f"{row.quantity:f}", assessment.notes,
                   assessment.stage]


ASSESSMENT_EXPORT = ASSESSMENT_COLUMNS + ["stage"]


@transaction.atomic
def import_visits(*, actor, data, filename):
    """Technical assistance visits made by the importing technician, one per row."""
    table = read_table(data, filename)
    require_columns(table, ["household", "date"])
    rows = Rows(actor, table)
    chains, topics = _lookup(ValueChain), _lookup(Topic)
    visits = []
    for line, row in table.rows:
        household, date = rows.household(line, row), rows.date(line, row)
        due = rows.date(line, row, "follow_up_due", required=False)
        chain = chains.get(row.get("chain", "").lower()) if row.get("chain") else None
        if row.get("chain") and chain is None:
            rows.error(line, _("cadena de valor desconocida: %(code)s") % {"code": row["chain"]}, "chain")
        chosen = []
        for code in filter(None, (c.strip().lower() for c in row.get("topics", "").replace("|", ";").split(";"))):
            if code not in topics:
                rows.error(line, _("tema desconocido: %(code)s") % {"code": code}, "topics")
            else:
                chosen.append(topics[code])
        if due and date and due < date:
            rows.error(line, _("el seguimiento no puede ser antes de la visita"), "follow_up_due")
        if household is not None and date is not None:
            visits.append({"household": household, "date": date, "chain": chain, "topics": chosen, "follow_up_due": due,
                           "findings": row.get("findings", ""), "recommendations": row.get("recommendations", "")})
    rows.check()
    visits.sort(key=lambda v: v["date"])  # older first, so later visits close earlier follow-ups
    created = _run(lambda: [services.record_visit(actor=actor, source=Record.Source.IMPORT, **v) for v in visits])
    return {"records": len(created), "rows": len(table.rows), "notices": table.notices}


def visit_rows(visits):
    visits = visits.select_related("household", "chain", "technician").prefetch_related("topics")
    for visit in visits.iterator(chunk_size=500):
        yield [visit.household.code, visit.date.isoformat(), visit.chain.code if visit.chain else "",
               ";".join(t.code for t in visit.topics.all()), visit.findings, visit.recommendations,
               visit.follow_up_due.isoformat() if visit.follow_up_due else "",
               visit.follow_up_done_on.isoformat() if visit.follow_up_done_on else "", visit.technician.get_username()]


VISIT_EXPORT = VISIT_COLUMNS + ["follow_up_done_on", "technician"]

ROUND_WORDS = {"baseline": "baseline", "linea de base": "baseline", "línea de base": "baseline", "base": "baseline",
               "follow_up": "follow_up", "seguimiento": "follow_up", "": "follow_up"}


@transaction.atomic
def import_income(*, actor, data, filename):
    """Income and costs by source, one per row; rows with the same family and season form one survey."""
    table = read_table(data, filename)
    require_columns(table, ["household", "season", "date", "source", "income"])
    rows = Rows(actor, table)
    sources = _lookup(IncomeSource)
    groups = {}
    for line, row in table.rows:
        household, date = rows.household(line, row), rows.date(line, row)
        try:
            season = parse_season(row.get("season", ""))
        except ValueError:
            rows.error(line, _("campaña inválida: %(value)s (use 2023-24)") % {"value": row.get("season") or "—"},
                       "season")
            season = None
        survey_round = ROUND_WORDS.get(row.get("round", "").lower())
        if survey_round is None:
            rows.error(line, _("ronda desconocida: %(value)s") % {"value": row["round"]}, "round")
        source = sources.get(row.get("source", "").lower())
        if source is None:
            rows.error(line, _("fuente de ingreso desconocida: %(code)s") % {"code": row.get("source") or "—"}, "source")
        income = rows.amount(line, row, "income", required=True)
        costs = rows.amount(line, row, "costs") or Decimal("0")
        for column, amount in (("income", income), ("costs", costs)):
            if amount is not None and (amount < 0 or amount != amount.quantize(Decimal("0.01"))):
                rows.error(line, _("monto inválido: positivo y al céntimo"), column)
        if None in (household, date, season, survey_round, source, income):
            continue
        group = groups.setdefault((household.pk, season), {"household": household, "season": season, "date": date,
                                                           "round": survey_round, "lines": {}})
        if source in group["lines"]:
            rows.error(line, _("la fuente %(source)s aparece dos veces en la campaña %(season)s")
                       % {"source": source.code, "season": season_label(season)}, "source")
        group["lines"][source] = (income, costs)
    rows.check()
    created = _run(lambda: [services.record_income(actor=actor, source=Record.Source.IMPORT, **g)
                            for g in groups.values()])
    return {"records": len(created), "rows": len(table.rows), "notices": table.notices}


def income_rows(surveys):
    surveys = surveys.select_related("household").prefetch_related("lines__source")
    for survey in surveys.iterator(chunk_size=500):
        for line in survey.lines.all():
            yield [survey.household.code, season_label(survey.season), survey.round, survey.date.isoformat(),
                   line.source.code, f"{line.income:f}", f"{line.costs:f}"]


INCOME_EXPORT = INCOME_COLUMNS
