"""The local development plan: its objectives, programmes and actions, their links to what Minka
already records, their progress and how it adds up (an action weighs by its budget)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from minka.books.services import money

from .models import Action, ActionUpdate, DevelopmentPlan, Objective, Programme
from .services import _runs


def create_plan(*, actor, space, title, first_year, last_year, vision, approved_on=None):
    _runs(actor, space)
    if last_year < first_year:
        raise ValidationError(_("El plan termina antes de empezar."))
    return DevelopmentPlan.objects.create(space=space, title=title, first_year=first_year, last_year=last_year,
                                          vision=vision, approved_on=approved_on)


def add_objective(*, actor, plan, text, indicators=()):
    _runs(actor, plan.space)
    number = (plan.objectives.aggregate(n=Max("number"))["n"] or 0) + 1
    objective = Objective.objects.create(plan=plan, number=number, text=text)
    objective.indicators.set(indicators)
    return objective


def add_programme(*, actor, objective, name):
    _runs(actor, objective.plan.space)
    number = (objective.programmes.aggregate(n=Max("number"))["n"] or 0) + 1
    return Programme.objects.create(objective=objective, number=number, name=name)


def _outside(space, rows, path_of):
    return [str(row) for row in rows if not path_of(row).startswith(space.territory.path)]


@transaction.atomic
def add_action(*, actor, programme, name, responsible, budget, funding, starts_on, ends_on, works=(),
               business_plans=(), pes_agreements=(), trainings=()):
    """An action of a programme, with someone who answers for it, its budget and source, its dates
    inside the plan's years, and links only to what happens in the space's place."""
    plan = programme.objective.plan
    _runs(actor, plan.space)
    if responsible is None:
        raise ValidationError(_("Una acción tiene una organización responsable."))
    budget = money(budget)
    if budget < 0:
        raise ValidationError(_("El presupuesto no puede ser negativo."))
    if ends_on < starts_on:
        raise ValidationError(_("La acción termina antes de empezar."))
    if starts_on.year < plan.first_year or ends_on.year > plan.last_year:
        raise ValidationError(_("La acción debe caber en los años del plan (%(a)s–%(b)s).") % {
            "a": plan.first_year, "b": plan.last_year})
    outside = (_outside(plan.space, works, lambda w: w.community.path)
               + _outside(plan.space, business_plans, lambda p: p.territory.path)
               + _outside(plan.space, pes_agreements, lambda a: a.territory.path)
               + _outside(plan.space, trainings, lambda t: t.place.path))
    if outside:
        raise ValidationError(_("Fuera del ámbito de la mesa: %(o)s.") % {"o": ", ".join(outside)})
    number = (programme.actions.aggregate(n=Max("number"))["n"] or 0) + 1
    action = Action.objects.create(programme=programme, number=number, name=name, responsible=responsible,
                                   budget=budget, funding=funding, starts_on=starts_on, ends_on=ends_on)
    action.works.set(works)
    action.business_plans.set(business_plans)
    action.pes_agreements.set(pes_agreements)
    action.trainings.set(trainings)
    return action


@transaction.atomic
def update_action(*, actor, action, date, progress, status, note):
    """How far an action is, said on a date with what was done."""
    _runs(actor, action.programme.objective.plan.space)
    if not 0 <= int(progress) <= 100:
        raise ValidationError(_("El avance va de 0 a 100 por ciento."))
    if status == Action.Status.DONE and int(progress) != 100:
        raise ValidationError(_("Una acción concluida tiene un avance de 100 por ciento."))
    if status not in Action.Status.values:
        raise ValidationError(_("Estado desconocido."))
    if not note.strip():
        raise ValidationError(_("Diga qué se hizo."))
    update = ActionUpdate.objects.create(action=action, date=date, progress=progress, status=status, note=note.strip(),
                                         recorded_by=actor)
    action.progress, action.status = progress, status
    action.save(update_fields=["progress", "status"])
    return update


@dataclass
class Node:
    item: object
    budget: Decimal
    progress: float | None  # None: nothing to weigh (no actions, or all dropped)
    children: list = field(default_factory=list)


def _weigh(children):
    counted = [c for c in children if c.progress is not None]
    if not counted:
        return None
    total = sum(c.budget for c in counted)
    if total == 0:  # no budgets: each counts the same
        return round(sum(c.progress for c in counted) / len(counted), 1)
    return round(float(sum(c.budget * Decimal(str(c.progress)) for c in counted) / total), 1)


def tree(plan):
    """The plan as a tree, each node with its budget and its progress: an action's own; a programme's,
    an objective's and the plan's, the mean of what is under them weighted by budget (dropped actions
    left out)."""
    objectives = plan.objectives.prefetch_related(
        "indicators", "programmes__actions__responsible", "programmes__actions__works",
        "programmes__actions__business_plans", "programmes__actions__pes_agreements", "programmes__actions__trainings")
    nodes = []
    for objective in objectives:
        programmes = []
        for programme in objective.programmes.all():
            actions = [Node(a, a.budget, None if a.status == Action.Status.DROPPED else float(a.progress))
                       for a in programme.actions.all()]
            programmes.append(Node(programme, _budget(actions), _weigh(actions), actions))
        nodes.append(Node(objective, _budget(programmes), _weigh(programmes), programmes))
    return Node(plan, _budget(nodes), _weigh(nodes), nodes)


def _budget(children):
    """What is under a node that still counts (dropped actions do not)."""
    return sum((c.budget for c in children if c.progress is not None), Decimal(0))
