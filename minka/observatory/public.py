"""The public observatory: no login, aggregates only, small figures suppressed (see suppression.py).
A community's figures are public once the community confirmed them (see validation.py)."""

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from minka.core.periods import season_label
from minka.core.tabular import write_csv, write_xlsx
from minka.people.timeline import Chart
from minka.territory.models import Territory, Watershed

from . import selectors
from .models import Value

PUBLIC_KINDS = [Territory.Kind.COUNTRY, Territory.Kind.REGION, Territory.Kind.PROVINCE, Territory.Kind.DISTRICT,
                Territory.Kind.COMMUNITY]


def _unit(code, shed=False):
    if shed:
        unit = Watershed.objects.filter(code=code).first()
    else:
        unit = Territory.objects.filter(code=code, kind__in=PUBLIC_KINDS).first()
    if unit is None:
        raise Http404
    return unit


def _children(unit):
    if isinstance(unit, Watershed):
        return list(unit.children.filter(pk__in=Value.objects.values("watershed")).order_by("name"))
    if unit.kind == Territory.Kind.COMMUNITY:
        return []
    return list(unit.children.filter(kind__in=PUBLIC_KINDS, pk__in=Value.objects.values("territory"))
                .order_by("name"))


def _ancestors(unit):
    if isinstance(unit, Watershed):
        codes = unit.path.strip("/").split("/")[:-1]
        return sorted(Watershed.objects.filter(code__in=codes), key=lambda w: codes.index(w.code))
    return unit.ancestors()


def public_url(unit, suffix=""):
    if isinstance(unit, Watershed):
        return reverse("public_watershed", args=[unit.code]) + suffix
    return reverse("public_unit", args=[unit.code]) + suffix


def _sections(unit, children):
    if isinstance(unit, Watershed):
        return selectors.public_watershed(unit, children)
    return selectors.public_unit(unit, children)


def portal(request, code="PE", shed=False):
    unit = _unit(code, shed)
    children, ancestors = _children(unit), _ancestors(unit)
    for node in [*children, *ancestors]:
        node.public_url = public_url(node)
    watersheds = []
    if not shed:  # the watersheds whose communities lie in this unit
        watersheds = list(Watershed.objects.filter(parent=None, communities__path__startswith=unit.path,
                                                   pk__in=Value.objects.values("watershed")).distinct()
                          .order_by("name"))
        for node in watersheds:
            node.public_url = public_url(node)
    sections = _sections(unit, children)
    for section in sections:  # the season-by-season chart, and the seasons it leaves out
        shown = [(season_label(season), row.value) for season, row in section["series"] if row is not None]
        section["chart"] = Chart(title=section["indicator"].label, unit=section["indicator"].unit_label, style="bars",
                                 points=shown)
        section["suppressed_seasons"] = [season_label(season) for season, row in section["series"] if row is None]
    drawable = any(selectors.shape(child) for child in children)
    mapped = [s["indicator"] for s in sections if drawable and any(row for _child, row in s["children"])]
    chosen = next((i for i in mapped if i.code == request.GET.get("mapa")), mapped[0] if mapped else None)
    from minka.governance.selectors import public_spaces
    from minka.incentives.selectors import public_calls

    return render(request, "observatory/public.html", {
        "unit": unit, "ancestors": ancestors, "children": children, "sections": sections, "shed": shed,
        "watersheds": watersheds, "data_url": public_url(unit, "datos"), "mapped": mapped, "map_indicator": chosen,
        "calls": [] if shed else public_calls(unit),
        "spaces": public_spaces(watershed=unit) if shed else public_spaces(unit)})


HEADER = ["indicator", "indicator_name", "unit", "territory_code", "territory", "breakdown", "season", "value",
          "status"]


def open_rows(unit, children, sections):
    """The public table of a unit, one row per figure, shown or suppressed (value None)."""
    rows = []

    def row(indicator, place, breakdown, season, shown):
        rows.append({"indicator": indicator.code, "indicator_name": indicator.label, "unit": indicator.unit,
                     "territory_code": place.code, "territory": place.name, "breakdown": breakdown,
                     "season": season_label(season) if season else "",
                     "value": None if shown is None else shown.value,
                     "status": "published" if shown is not None else "suppressed"})

    for section in sections:
        indicator, season = section["indicator"], section["season"]
        row(indicator, unit, "", season, section["total"])
        for code, shown in section["sexes"]:
            row(indicator, unit, f"sex:{code}", season, shown)
        for child, shown in section["children"]:
            row(indicator, child, "", season, shown)
    return rows


def _table(code, shed=False):
    unit = _unit(code, shed)
    children = _children(unit)
    return unit, children, open_rows(unit, children, _sections(unit, children))


def _cell(value):
    return "" if value is None else f"{value:f}"


def open_data(request, code, fmt="csv", shed=False):
    """The public table of a unit as CSV or XLSX: the same suppression as the page (empty = suppressed)."""
    unit, _children_, rows = _table(code, shed)
    if fmt == "xlsx":
        body = write_xlsx(unit.name[:31], HEADER, [[r["value"] if h == "value" else r[h] for h in HEADER]
                                                   for r in rows])
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        table = [[_cell(r[key]) if key == "value" else r[key] for key in HEADER] for r in rows]
        body, content_type = write_csv(HEADER, table), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="minka-observatorio-{unit.code}.{fmt}"'
    return response


def open_geojson(request, code, shed=False):
    """The children of a unit (or the unit itself when it has none) with their public figures, for maps:
    one property per indicator, null when suppressed."""
    unit, children, rows = _table(code, shed)
    places = children or [unit]
    figures = {}
    for r in rows:
        if not r["breakdown"]:
            figures.setdefault(r["territory_code"], {})[r["indicator"]] = None if r["value"] is None else float(
                r["value"])
    features = [{"type": "Feature", "geometry": geometry,
                 "properties": {"code": place.code, "name": place.name, "url": public_url(place),
                                **figures.get(place.code, {})}}
                for place in places if (geometry := selectors.shape(place))]
    response = JsonResponse({"type": "FeatureCollection", "features": features})
    response["Content-Disposition"] = f'attachment; filename="minka-observatorio-{unit.code}.geojson"'
    return response


def iati_xml(request, program=None):
    """The programs' results as IATI 2.03 activity XML (one program, or all)."""
    from . import iati

    if program is not None and program not in iati.PROGRAMS:
        raise Http404
    xml = iati.document([iati.PROGRAMS[program]] if program else None)
    response = HttpResponse(xml, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="minka-iati-{program or "programas"}.xml"'
    return response
