"""What a submission becomes in Minka: a form is bound to a target (a kind of record) through a
declarative mapping from the form's fields to the record's fields, which a coordinator edits.

A mapping is {target field: source}; a source is a path in the answers ("group/field"), a
constant ("=milk"), or for a repeat group {"repeat": path, "fields": {child field: relative path}}.
Each target reads its fields and calls the domain's own service, so a record made from a phone
obeys exactly the rules of one made in a form or an import."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.chains import services as chains
from minka.chains.models import IncomeSource, Measure, Practice, Record, Topic
from minka.core.periods import parse_date, parse_season
from minka.people import services as people
from minka.people.models import Household, ValueChain
from minka.territory import infrastructure
from minka.territory.models import Infrastructure, Territory


@dataclass
class Field:
    name: str
    label: str
    required: bool = False
    repeat: list = field(default_factory=list)  # child fields of a repeat group


def resolve(data, source):
    """The answer a mapping source points at ("" when absent)."""
    if source is None or source == "":
        return ""
    if isinstance(source, str) and source.startswith("="):
        return source[1:]
    value = data
    for part in str(source).strip("/").split("/"):
        if not isinstance(value, dict):
            return ""
        value = value.get(part, "")
    return value


def rows_of(data, source):
    """The child rows of a repeat group mapping, each as {child field: answer}."""
    items = resolve(data, source.get("repeat", ""))
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        return []
    return [{name: resolve(item, path) for name, path in source.get("fields", {}).items()} for item in items]


def _required(values, names):
    missing = [n for n in names if values.get(n) in ("", None)]
    if missing:
        raise ValidationError(_("Faltan datos para el registro: %(fields)s") % {"fields": ", ".join(missing)})


def _household(user_code):
    household = Household.objects.select_related("community").filter(code=str(user_code).strip().upper()).first()
    if household is None:
        raise ValidationError(_("familia desconocida: %(code)s") % {"code": user_code or "—"})
    return household


def _date(text):
    try:
        return parse_date(str(text)[:10])
    except ValueError as exc:
        raise ValidationError(str(exc))


def _codes(text):
    return [c for c in str(text).split() if c]


class Measurements:
    """Production or quality of a value chain: one field per active measure. Every target has a
    `code`, a `label`, `fields(form)` and `apply(submission=, values=, actor=)` → a reference."""

    def __init__(self, purpose):
        self.purpose = purpose
        self.code = purpose
        self.label = Measure.Purpose(purpose).label

    def fields(self, form):
        base = [Field("household", _("Familia (código)"), True), Field("date", _("Fecha"), True),
                Field("chain", _("Cadena de valor (código, o =milk)"), True), Field("notes", _("Observaciones"))]
        measures = Measure.objects.filter(purpose=self.purpose, active=True).select_related("chain", "unit")
        return base + [Field(f"measure:{m.code}", f"{m.label} ({m.chain.code if m.chain else '—'})")
                       for m in measures]

    def apply(self, *, submission, values, actor):
        _required(values, ["household", "date", "chain"])
        chain = ValueChain.objects.filter(code=values["chain"]).first()
        if chain is None:
            raise ValidationError(_("cadena de valor desconocida: %(code)s") % {"code": values["chain"]})
        measures = {m.code: m for m in Measure.objects.filter(purpose=self.purpose)}
        given = {measures[name.split(":", 1)[1]]: value for name, value in values.items()
                 if name.startswith("measure:") and value not in ("", None) and name.split(":", 1)[1] in measures}
        previous = _previous_record(submission)
        if previous is not None:  # an edit made on the phone corrects the record made from the first version
            record = chains.correct_record(actor=actor, record=previous, date=_date(values["date"]), values=given,
                                           notes=values.get("notes", ""))
        else:
            record = chains.record_measurements(actor=actor, household=_household(values["household"]),
                                                purpose=self.purpose, chain=chain, date=_date(values["date"]),
                                                values=given, notes=values.get("notes", ""),
                                                source=Record.Source.COLLECT)
        return f"chains.record:{record.pk}"


def _previous_record(submission):
    old = submission.supersedes
    if old is not None and old.record_ref.startswith("chains.record:"):
        return Record.objects.filter(pk=int(old.record_ref.split(":")[1])).first()
    return None


class VisitTarget:
    code, label = "visit", gettext_lazy("Visita de asistencia técnica")

    def fields(self, form):
        return [Field("household", _("Familia (código)"), True), Field("date", _("Fecha"), True),
                Field("chain", _("Cadena de valor")), Field("topics", _("Temas (códigos)")),
                Field("findings", _("Observaciones")), Field("recommendations", _("Recomendaciones")),
                Field("follow_up_due", _("Seguimiento para el"))]

    def apply(self, *, submission, values, actor):
        _required(values, ["household", "date"])
        chain = ValueChain.objects.filter(code=values.get("chain", "")).first() if values.get("chain") else None
        visit = chains.record_visit(
            actor=actor, household=_household(values["household"]), date=_date(values["date"]), chain=chain,
            topics=list(Topic.objects.filter(code__in=_codes(values.get("topics", "")))),
            findings=values.get("findings", ""), recommendations=values.get("recommendations", ""),
            follow_up_due=_date(values["follow_up_due"]) if values.get("follow_up_due") else None,
            source=Record.Source.COLLECT)
        return f"chains.visit:{visit.pk}"


class PracticesTarget:
    code, label = "practices", gettext_lazy("Prácticas agroecológicas")

    def fields(self, form):
        return [Field("household", _("Familia (código)"), True), Field("date", _("Fecha"), True),
                Field("practices", _("Prácticas adoptadas (códigos)"), True), Field("notes", _("Observaciones"))] + [
            Field(f"quantity:{p.code}", _("Cantidad de %(practice)s") % {"practice": p.label})
            for p in Practice.objects.filter(active=True, quantity_unit__isnull=False)]

    def apply(self, *, submission, values, actor):
        _required(values, ["household", "date"])
        practices = {p.code: p for p in Practice.objects.all()}
        adopted = {}
        for code in _codes(values.get("practices", "")):
            if code not in practices:
                raise ValidationError(_("práctica desconocida: %(code)s") % {"code": code})
            quantity = values.get(f"quantity:{code}")
            adopted[practices[code]] = Decimal(str(quantity)) if quantity not in ("", None) else None
        assessment = chains.assess_practices(actor=actor, household=_household(values["household"]),
                                             date=_date(values["date"]), adopted=adopted,
                                             notes=values.get("notes", ""), source=Record.Source.COLLECT)
        return f"chains.assessment:{assessment.pk}"


class IncomeTarget:
    code, label = "income", gettext_lazy("Encuesta de ingresos")

    def fields(self, form):
        return [Field("household", _("Familia (código)"), True), Field("season", _("Campaña (2023-24)"), True),
                Field("round", _("Ronda (baseline o follow_up)")), Field("date", _("Fecha"), True),
                Field("lines", _("Ingresos por fuente (grupo repetido)"), True,
                      repeat=[Field("source", _("Fuente (código)"), True), Field("income", _("Ingresos (S/)"), True),
                              Field("costs", _("Costos (S/)"))])]

    def apply(self, *, submission, values, actor):
        _required(values, ["household", "season", "date"])
        sources = {s.code: s for s in IncomeSource.objects.all()}
        lines = {}
        for row in values.get("lines", []):
            source = sources.get(row.get("source", ""))
            if source is None:
                raise ValidationError(_("fuente de ingreso desconocida: %(code)s") % {"code": row.get("source")})
            lines[source] = (Decimal(str(row.get("income") or "0")).quantize(Decimal("0.01")),
                             Decimal(str(row.get("costs") or "0")).quantize(Decimal("0.01")))
        try:
            season = parse_season(values["season"])
        except ValueError:
            raise ValidationError(_("campaña inválida: %(value)s (use 2023-24)") % {"value": values["season"]})
        survey = chains.record_income(actor=actor, household=_household(values["household"]), season=season,
                                      round=values.get("round") or "follow_up", date=_date(values["date"]),
                                      lines=lines, source=Record.Source.COLLECT)
        return f"chains.incomesurvey:{survey.pk}"


class HouseholdTarget:
    code, label = "household", gettext_lazy("Registro de familia")
    MEMBER = ["given_names", "surnames", "sex", "birth_year", "role", "dni", "language"]

    def fields(self, form):
        return [Field("community", _("Comunidad (código)"), True), Field("name", _("Nombre de la familia"), True),
                Field("chains", _("Cadenas de valor (códigos)")), Field("phone", _("Teléfono")),
                Field("members", _("Miembros (grupo repetido)"), True,
                      repeat=[Field(name, name, name in ("given_names", "surnames", "sex")) for name in self.MEMBER])]

    def apply(self, *, submission, values, actor):
        _required(values, ["community", "name"])
        community = Territory.objects.filter(code=values["community"]).first()
        if community is None:
            raise ValidationError(_("comunidad desconocida: %(name)s") % {"name": values["community"]})
        members = []
        for row in values.get("members", []):
            member = {k: row.get(k, "") for k in self.MEMBER}
            member["birth_year"] = int(member["birth_year"]) if str(member["birth_year"]).isdigit() else None
            member["role"] = member["role"] or "other"
            member["language"] = member["language"] or "quz"
            members.append(member)
        if not members:
            raise ValidationError(_("Registre al menos un miembro de la familia."))
        if not any(m["role"] == "head" for m in members):
            members[0]["role"] = "head"
        household = people.register_household(
            actor=actor, community=community, name=values["name"], members=members, phone=values.get("phone", ""),
            chains=list(ValueChain.objects.filter(code__in=_codes(values.get("chains", "")))))
        return f"people.household:{household.pk}"


class ConditionTarget:
    code, label = "infrastructure_condition", gettext_lazy("Estado de infraestructura")

    def fields(self, form):
        return [Field("infrastructure", _("Obra (código)"), True), Field("date", _("Fecha"), True),
                Field("condition", _("Estado (good, fair, poor, out_of_use)"), True),
                Field("notes", _("Observaciones"))]

    def apply(self, *, submission, values, actor):
        _required(values, ["infrastructure", "date", "condition"])
        work = Infrastructure.objects.select_related("community").filter(code=values["infrastructure"]).first()
        if work is None:
            raise ValidationError(_("obra desconocida: %(code)s") % {"code": values["infrastructure"]})
        condition = infrastructure.record_condition(actor=actor, infrastructure=work, date=_date(values["date"]),
                                                    condition=values["condition"], notes=values.get("notes", ""))
        return f"territory.infrastructurecondition:{condition.pk}"


class AttendanceTarget:
    code, label = "training_attendance", gettext_lazy("Asistencia a una capacitación")
    CHILD = ["household", "name", "sex", "actor", "pre_score", "post_score"]

    def fields(self, form):
        return [Field("training", _("Capacitación (número)"), True),
                Field("participants", _("Participantes (grupo repetido)"), True,
                      repeat=[Field(name, name, False) for name in self.CHILD])]

    def apply(self, *, submission, values, actor):
        from minka.learning import services as learning
        from minka.learning.selectors import trainings_for

        _required(values, ["training"])
        training = trainings_for(actor).filter(pk=int(values["training"]) if str(values["training"]).isdigit()
                                               else None).first()
        if training is None:
            raise ValidationError(_("capacitación desconocida: %(id)s") % {"id": values["training"]})
        participants = []
        for row in values.get("participants", []):
            item = {"actor": row.get("actor") or "family"}
            if row.get("household"):
                item["person"] = learning.find_person(_household(row["household"]), row.get("name", ""))
            else:
                item["name"], item["sex"] = row.get("name", ""), row.get("sex", "")
            for score in ("pre_score", "post_score"):
                if row.get(score) not in ("", None):
                    item[score] = Decimal(str(row[score]))
            participants.append(item)
        rows = learning.record_attendance(actor=actor, training=training, participants=participants)
        return f"learning.training:{training.pk}:{len(rows)}"


TARGETS = {t.code: t for t in [Measurements("production"), Measurements("quality"), VisitTarget(), PracticesTarget(),
                               IncomeTarget(), HouseholdTarget(), ConditionTarget(), AttendanceTarget()]}


def target_choices():
    return [("", "—")] + [(code, str(t.label)) for code, t in TARGETS.items()]


def values_for(target, form, data):
    """The target's fields read from the answers through the form's mapping."""
    values = {}
    for item in target.fields(form):
        source = form.mapping.get(item.name)
        if item.repeat:
            values[item.name] = rows_of(data, source) if isinstance(source, dict) else []
        elif source not in (None, ""):
            values[item.name] = resolve(data, source)
    return values
