"""Programs and their budgets: axes, budget lines in euros by axis and year, expenses in soles or
euros turned into euros at the rate recorded for their date, and the execution funders read."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from minka.accounts.permissions import MANAGE_BUDGETS, has_capability, require
from minka.books.models import ExchangeRate
from minka.books.services import money

from .models import Axis, BudgetLine, Expense, Program

RATE_DAYS = 7  # an expense takes the latest rate recorded in the week up to its date


def _manages(actor, program):
    require(actor, MANAGE_BUDGETS, program.territory, _("No lleva el presupuesto de %(p)s.") % {"p": program})


def create_program(*, actor, code, name, territory, starts_on, ends_on, funder=""):
    require(actor, MANAGE_BUDGETS, territory, _("No lleva presupuestos en %(t)s.") % {"t": territory})
    if ends_on < starts_on:
        raise ValidationError(_("El programa termina antes de empezar."))
    return Program.objects.create(code=code, name=name, territory=territory, starts_on=starts_on, ends_on=ends_on,
                                  funder=funder)


def add_axis(*, actor, program, name, indicators=()):
    _manages(actor, program)
    number = (program.axes.aggregate(n=Max("number"))["n"] or 0) + 1
    axis = Axis.objects.create(program=program, number=number, name=name)
    axis.indicators.set(indicators)
    return axis


def add_line(*, actor, axis, year, label, amount):
    _manages(actor, axis.program)
    amount = money(amount)
    if amount < 0:
        raise ValidationError(_("Un presupuesto no es negativo."))
    if not axis.program.starts_on.year <= int(year) <= axis.program.ends_on.year:
        raise ValidationError(_("El programa va de %(a)s a %(b)s.") % {
            "a": axis.program.starts_on.year, "b": axis.program.ends_on.year})
    return BudgetLine.objects.create(axis=axis, year=year, label=label, amount=amount)


def close_line(*, actor, line):
    _manages(actor, line.axis.program)
    line.closed = True
    line.save(update_fields=["closed"])
    return line


def record_rate(*, actor, date, rate, currency="EUR", source=""):
    """The soles a euro was worth on a day, as the program's accountant records it."""
    if actor is None or not has_capability(actor, MANAGE_BUDGETS):
        raise PermissionDenied(_("No registra tipos de cambio."))
    rate = Decimal(str(rate))
    if rate <= 0:
        raise ValidationError(_("Un tipo de cambio es mayor que cero."))
    row, _created = ExchangeRate.objects.update_or_create(currency=currency, date=date,
                                                          defaults={"rate": rate, "source": source})
    return row


def rate_on(date, currency="EUR"):
    """The latest rate recorded in the week up to a date, or None."""
    row = ExchangeRate.objects.filter(currency=currency, date__lte=date,
                                      date__gt=date - datetime.timedelta(days=RATE_DAYS)).order_by("-date").first()
    return row.rate if row else None


@transaction.atomic
def spend(*, actor, line, date, description, amount, currency):
    """An expense of a line's year, on an open line; in soles it needs the euro's rate of that week."""
    _manages(actor, line.axis.program)
    line = BudgetLine.objects.select_for_update().get(pk=line.pk)
    if line.closed:
        raise ValidationError(_("La línea «%(l)s» está cerrada: no recibe gastos.") % {"l": line.label})
    if date.year != line.year:
        raise ValidationError(_("La línea es del año %(y)s.") % {"y": line.year})
    amount = money(amount)
    if amount <= 0:
        raise ValidationError(_("Un gasto es mayor que cero."))
    if not description.strip():
        raise ValidationError(_("Diga en qué se gastó."))
    rate = rate_on(date)
    if currency == Expense.Currency.PEN:
        if rate is None:
            raise ValidationError(_("No hay tipo de cambio del euro registrado para el %(d)s ni en los %(n)s días "
                                    "anteriores: regístrelo primero.") % {
                                        "d": date_format(date, "SHORT_DATE_FORMAT"), "n": RATE_DAYS - 1})
        amount_eur = money(amount / rate)
    elif currency == Expense.Currency.EUR:
        amount_eur = amount
    else:
        raise ValidationError(_("Moneda desconocida: %(c)s.") % {"c": currency})
    return Expense.objects.create(line=line, date=date, description=description.strip(), amount=amount,
                                  currency=currency, rate=rate, amount_eur=amount_eur, recorded_by=actor)


@dataclass
class Row:
    axis: object
    year: int | None
    budget: Decimal
    spent: Decimal

    @property
    def remaining(self):
        return self.budget - self.spent

    @property
    def rate(self):
        return round(100 * self.spent / self.budget, 1) if self.budget else None


def execution(program, year=None):
    """Budget and spending in euros per axis (and per year when none is chosen), and the total."""
    lines = BudgetLine.objects.filter(axis__program=program)
    if year is not None:
        lines = lines.filter(year=year)
    budget = {(r["axis"], r["year"]): r["s"] for r in lines.values("axis", "year").annotate(s=Sum("amount"))}
    spent = {(r["line__axis"], r["line__year"]): r["s"] for r in Expense.objects.filter(line__in=lines).values(
        "line__axis", "line__year").annotate(s=Sum("amount_eur"))}
    rows = []
    for axis in program.axes.all():
        years = sorted({y for a, y in budget if a == axis.pk})
        for y in years:
            rows.append(Row(axis, y, money(budget[(axis.pk, y)] or 0), money(spent.get((axis.pk, y)) or 0)))
        if not years:
            rows.append(Row(axis, year, money(0), money(0)))
    total = Row(None, year, sum((r.budget for r in rows), Decimal(0)), sum((r.spent for r in rows), Decimal(0)))
    return rows, total


def axes_with_indicators(program):
    """Each axis with its indicators' latest figure over the program's place, their target and status."""
    from minka.observatory.selectors import dashboard

    axes = list(program.axes.prefetch_related("indicators"))
    for axis in axes:
        axis.cards = dashboard(program.territory, only=axis.indicators.all()) if axis.indicators.exists() else []
    return axes


def funder_report(program, year=None):
    rows, total = execution(program, year)
    return {"program": program, "year": year, "rows": rows, "total": total, "axes": axes_with_indicators(program)}


REPORT_COLUMNS = ["eje", "año", "presupuesto_eur", "gastado_eur", "ejecucion_pct", "saldo_eur", "indicador", "valor",
                  "periodo", "meta", "estado"]


def report_rows(report):
    """The report as rows: one per axis and year for the money, one per indicator for the results."""
    rows = [[str(r.axis), r.year or "", r.budget, r.spent, r.rate if r.rate is not None else "", r.remaining,
             "", "", "", "", ""] for r in report["rows"]]
    rows.append([_("Total"), report["year"] or "", report["total"].budget, report["total"].spent,
                 report["total"].rate if report["total"].rate is not None else "", report["total"].remaining,
                 "", "", "", "", ""])
    for axis in report["axes"]:
        for card in axis.cards:
            latest, target = card["latest"], card["target"]
            rows.append([str(axis), "", "", "", "", "", card["indicator"].name,
                         latest.value if latest else "", card["latest_label"], target.target if target else "",
                         status_label(card["status"])])
    return rows


def status_label(status):
    return {"on_track": _("en camino"), "at_risk": _("en riesgo"), "off_track": _("lejos de la meta")}.get(status, "")
