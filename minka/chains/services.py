"""Every write to field records. Each use case is one function in one transaction that checks the
actor's territory scope, validates everything before writing, and leaves its trace in the history."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from minka.accounts.permissions import RECORD_FIELD, SET_STANDARDS, can, has_capability
from minka.people.services import PermissionDenied

from minka.core.periods import season_label, season_range

from .models import (STAGE_ORDER, AdoptedPractice, IncomeLine, IncomeSurvey, Measure, PracticeAssessment, Record,
                     RecordValue, Stage, TransitionRule, Visit)
from .values import clean_value

__all__ = ["PermissionDenied", "record_measurements", "correct_record", "set_thresholds", "assess_practices",
           "set_transition_rule", "stage_for", "record_visit", "update_visit", "close_follow_up", "record_income"]


def _save(instance, actor):
    instance._history_user = actor
    instance.full_clean()
    instance.save()
    return instance


def check_field_scope(actor, household):
    """The actor may write field records for this family (technicians, coordinators, admins in scope)."""
    if actor is not None and not can(actor, RECORD_FIELD, household.community):
        raise PermissionDenied(_("%(household)s está fuera de su ámbito: no puede registrar datos de esta familia.")
                               % {"household": household})


def _clean_values(*, purpose, chain, values, units=None):
    """{measure: (number, text)} for the raw values given; all errors at once."""
    units = units or {}
    cleaned, errors = {}, []
    # Judge with the thresholds in the database now, not with a copy the caller may hold.
    fresh = Measure.objects.select_related("unit", "chain").in_bulk([m.pk for m in values])
    for given, raw in values.items():
        measure = fresh[given.pk]
        if measure.purpose != purpose or (measure.chain_id and measure.chain_id != getattr(chain, "pk", None)):
            errors.append(_("%(measure)s no es una medida de %(what)s.") % {
                "measure": measure.label, "what": chain.label if chain else Measure.Purpose(purpose).label})
            continue
        if raw is None or raw == "":
            continue
        try:
            cleaned[measure] = clean_value(measure, raw, units.get(given))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    if not cleaned:
        raise ValidationError(_("Registre al menos un valor."))
    return cleaned


def _write_values(record, cleaned, actor):
    verdicts = []
    for measure, (number, text) in cleaned.items():
        verdict = measure.judge(number if measure.is_numeric else text) if record.purpose == Measure.Purpose.QUALITY \
            else None
        value = RecordValue.objects.filter(record=record, measure=measure).first() or RecordValue(
            record=record, measure=measure)
        value.number, value.text, value.passed = number, text, verdict
        value.threshold = measure.threshold_text() if verdict is not None else ""
        _save(value, actor)
        verdicts.append(verdict)
    return verdicts


def _verdict(record):
    judged = [v for v in record.values.values_list("passed", flat=True) if v is not None]
    return all(judged) if judged else None


@transaction.atomic
def record_measurements(*, actor, household, purpose, date, values, chain=None, units=None, notes="",
                        source=Record.Source.FORM):
    """Production or quality figures of a family for one date. `values` maps measures to what was
    typed; `units` optionally says in which unit (converted to the measure's own). Quality values
    are judged against the thresholds in force, and the record passes when every judged value does."""
    check_field_scope(actor, household)
    cleaned = _clean_values(purpose=purpose, chain=chain, values=values, units=units)
    record = _save(Record(purpose=purpose, household=household, chain=chain, date=date, notes=notes, source=source,
                          recorded_by=actor), actor)
    _write_values(record, cleaned, actor)
    record.passed = _verdict(record)
    if record.passed is not None:
        _save(record, actor)
    return record


@transaction.atomic
def correct_record(*, actor, record, date, values, notes=""):
    """Change a record's date, values or notes. Values left empty are removed; the history keeps
    what was there before. Quality values are judged again with today's thresholds."""
    record = Record.objects.select_for_update().get(pk=record.pk)
    check_field_scope(actor, record.household)
    present = {m: v for m, v in values.items() if v not in (None, "")}
    cleaned = _clean_values(purpose=record.purpose, chain=record.chain, values=present)
    record.date, record.notes = date, notes
    _save(record, actor)
    for value in record.values.exclude(measure__in=list(cleaned)):
        value._history_user = actor
        value.delete()
    _write_values(record, cleaned, actor)
    record.passed = _verdict(record)
    return _save(record, actor)


@transaction.atomic
def set_thresholds(*, actor, measure, pass_min=None, pass_max=None, pass_values=()):
    """Coordinators set what passes for a quality measure. Records already made keep the verdict
    and the threshold they were judged by."""
    if actor is not None and not has_capability(actor, SET_STANDARDS):
        raise PermissionDenied(_("Solo la coordinación fija los umbrales de calidad."))
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    if measure.purpose != Measure.Purpose.QUALITY:
        raise ValidationError(_("Solo las medidas de calidad tienen umbrales."))
    measure.pass_min, measure.pass_max, measure.pass_values = pass_min, pass_max, list(pass_values)
    return _save(measure, actor)


def stage_for(practice_ids, rules=None):
    """The transition stage reached with these adopted practices: the last stage whose rule holds,
    provided the rules of all the stages before it hold too."""
    adopted = set(practice_ids)
    if rules is None:
        rules = {r.stage: r for r in TransitionRule.objects.prefetch_related("required_practices")}
    stage = Stage.CONVENTIONAL
    for candidate in STAGE_ORDER[1:]:
        rule = rules.get(candidate)
        if rule is None:
            break
        required = {p.pk for p in rule.required_practices.all()}
        if len(adopted) < rule.min_practices or not required <= adopted:
            break
        stage = candidate
    return stage


@transaction.atomic
def assess_practices(*, actor, household, date, adopted, notes="", source=Record.Source.FORM):
    """Which practices a family has adopted on a date ({practice: quantity or None}); the stage
    follows from the transition rules. One assessment per family and day: a second one replaces it."""
    check_field_scope(actor, household)
    errors = []
    for practice, quantity in adopted.items():
        if quantity is not None and quantity < 0:
            errors.append(_("%(practice)s: la cantidad no puede ser negativa.") % {"practice": practice.label})
        if quantity is not None and practice.quantity_unit_id is None:
            errors.append(_("%(practice)s no produce una cantidad.") % {"practice": practice.label})
    if errors:
        raise ValidationError(errors)
    assessment = PracticeAssessment.objects.filter(household=household, date=date).first() or PracticeAssessment(
        household=household, date=date)
    assessment.notes, assessment.source, assessment.assessed_by = notes, source, actor
    assessment.stage = stage_for([p.pk for p in adopted])
    _save(assessment, actor)
    for old in assessment.adopted.exclude(practice__in=list(adopted)):
        old._history_user = actor
        old.delete()
    for practice, quantity in adopted.items():
        row = AdoptedPractice.objects.filter(assessment=assessment, practice=practice).first() or AdoptedPractice(
            assessment=assessment, practice=practice)
        row.quantity = quantity
        _save(row, actor)
    return assessment


@transaction.atomic
def set_transition_rule(*, actor, rule, min_practices, required_practices):
    """Coordinators change what a stage requires; every assessment is classified again with the new
    rules, so that the indicators always follow the rules that are shown."""
    if actor is not None and not has_capability(actor, SET_STANDARDS):
        raise PermissionDenied(_("Solo la coordinación cambia las reglas de transición."))
    if min_practices < len(required_practices):
        raise ValidationError(_("El mínimo de prácticas no puede ser menor que las prácticas obligatorias."))
    rule = TransitionRule.objects.select_for_update().get(pk=rule.pk)
    rule.min_practices = min_practices
    _save(rule, actor)
    rule.required_practices.set(required_practices)
    rules = {r.stage: r for r in TransitionRule.objects.prefetch_related("required_practices")}
    adopted = {}
    for assessment_id, practice_id in AdoptedPractice.objects.values_list("assessment_id", "practice_id"):
        adopted.setdefault(assessment_id, []).append(practice_id)
    changed = []
    for assessment in PracticeAssessment.objects.only("pk", "stage").iterator(chunk_size=2000):
        stage = stage_for(adopted.get(assessment.pk, []), rules)
        if stage != assessment.stage:
            assessment.stage = stage
            changed.append(assessment)
    PracticeAssessment.objects.bulk_update(changed, ["stage"], batch_size=1000)
    return len(changed)


@transaction.atomic
def record_visit(*, actor, household, date, chain=None, topics=(), findings="", recommendations="",
                 follow_up_due=None, technician=None, source=Record.Source.FORM):
    """A technical assistance visit by the actor (or the technician named) to a family of their
    scope. The visit closes the family's follow-ups that were pending before it."""
    technician = technician or actor
    check_field_scope(actor, household)
    if technician is not actor:
        check_field_scope(technician, household)
    visit = _save(Visit(household=household, technician=technician, date=date, chain=chain, findings=findings,
                        recommendations=recommendations, follow_up_due=follow_up_due, source=source), actor)
    visit.topics.set(topics)
    pending = Visit.objects.filter(household=household, follow_up_due__isnull=False, follow_up_done_on__isnull=True,
                                   date__lt=date).exclude(pk=visit.pk)
    for earlier in pending:
        earlier.follow_up_done_on = date
        _save(earlier, actor)
    return visit


@transaction.atomic
def update_visit(*, actor, visit, date, chain=None, topics=(), findings="", recommendations="", follow_up_due=None):
    """Correct a visit's record (the technician who made it stays); the history keeps the old text."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    check_field_scope(actor, visit.household)
    visit.date, visit.chain, visit.findings, visit.recommendations = date, chain, findings, recommendations
    visit.follow_up_due = follow_up_due
    if follow_up_due is None:
        visit.follow_up_done_on = None
    _save(visit, actor)
    visit.topics.set(topics)
    return visit


@transaction.atomic
def close_follow_up(*, actor, visit, done_on):
    check_field_scope(actor, visit.household)
    if done_on < visit.date:
        raise ValidationError(_("El seguimiento no puede cerrarse antes de la visita."))
    visit.follow_up_done_on = done_on
    return _save(visit, actor)


@transaction.atomic
def record_income(*, actor, household, season, date, lines, round=IncomeSurvey.Round.FOLLOW_UP, notes="",
                  source=Record.Source.FORM):
    """A family's income and costs by source for one agricultural season, in soles to the céntimo
    ({income source: (income, costs)}). One survey per family and season: recording it again
    replaces its lines, and the history keeps the old figures."""
    check_field_scope(actor, household)
    errors = []
    first_day, _last_day = season_range(season)
    if date < first_day:
        errors.append(_("La encuesta de la campaña %(season)s no puede ser anterior a su inicio (%(date)s).")
                      % {"season": season_label(season), "date": first_day.isoformat()})
    for income_source, amounts in lines.items():
        for amount in amounts:
            if amount < 0:
                errors.append(_("%(source)s: los montos no pueden ser negativos.") % {"source": income_source.label})
            elif amount != amount.quantize(Decimal("0.01")):
                errors.append(_("%(source)s: los montos se registran al céntimo (%(amount)s).")
                              % {"source": income_source.label, "amount": amount})
    if not lines:
        errors.append(_("Registre al menos una fuente de ingreso."))
    if errors:
        raise ValidationError(errors)
    survey = IncomeSurvey.objects.filter(household=household, season=season).first() or IncomeSurvey(
        household=household, season=season)
    survey.round, survey.date, survey.notes, survey.source, survey.surveyed_by = round, date, notes, source, actor
    _save(survey, actor)
    for old in survey.lines.exclude(source__in=list(lines)):
        old._history_user = actor
        old.delete()
    for income_source, (income, costs) in lines.items():
        line = IncomeLine.objects.filter(survey=survey, source=income_source).first() or IncomeLine(
            survey=survey, source=income_source)
        line.income, line.costs = income, costs
        _save(line, actor)
    return survey
