"""The public observatory: no login, aggregates only, small figures suppressed (see suppression.py).
A community's figures are public once the community confirmed them (see validation.py)."""

from django.http import Http404, HttpResponse
from django.shortcuts import render

from minka.core.tabular import write_csv
from minka.territory.models import Territory

from . import selectors
from .models import Value

PUBLIC_KINDS = [Territory.Kind.COUNTRY, Territory.Kind.REGION, Territory.Kind.PROVINCE, Territory.Kind.DISTRICT,
                Territory.Kind.COMMUNITY]


def _unit(code):
    unit = Territory.objects.filter(code=code, kind__in=PUBLIC_KINDS).first()
    if unit is None:
        raise Http404
    return unit


def _children(unit):
    if unit.kind == Territory.Kind.COMMUNITY:
        return []
    return list(unit.children.filter(kind__in=PUBLIC_KINDS, pk__in=Value.objects.values("territory"))
                .order_by("name"))


def portal(request, code="PE"):
    unit = _unit(code)
    children = _children(unit)
    return render(request, "observatory/public.html", {
        "unit": unit, "ancestors": unit.ancestors(), "children": children,
        "sections": selectors.public_unit(unit, children)})


def open_data(request, code):
    """The public table of a unit as CSV: the same suppression as the page (empty = suppressed)."""
    unit = _unit(code)
    children = _children(unit)
    rows = []
    for section in selectors.public_unit(unit, children):
        indicator, total = section["indicator"], section["total"]
        rows.append([indicator.code, unit.code, unit.name, "", section["season"] or "",
                     "" if total is None else f"{total.value:f}"])
        for code_, row in section["sexes"]:
            rows.append([indicator.code, unit.code, unit.name, f"sex:{code_}", section["season"] or "",
                         "" if row is None else f"{row.value:f}"])
        for child, row in section["children"]:
            rows.append([indicator.code, child.code, child.name, "", section["season"] or "",
                         "" if row is None else f"{row.value:f}"])
    response = HttpResponse(write_csv(["indicator", "territory_code", "territory", "breakdown", "season", "value"],
                                      rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="minka-observatorio-{unit.code}.csv"'
    return response
