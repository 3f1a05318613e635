"""Every write to the watershed's infrastructure inventory: the works, their condition over time
and the works done on them. Municipal officers, technicians and coordinators keep it, each in
their own territory."""

import json
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from minka.accounts.permissions import EDIT_INFRASTRUCTURE, can
from minka.core.periods import parse_date
from minka.core.tabular import ImportRejected, RowError, read_table, require_columns

from .geojson import GeometryError, contains, positions, validate_geometry
from .models import Infrastructure, InfrastructureCondition, InfrastructureWork, Territory, Watershed

PLACED_TYPES = {"Point", "LineString", "MultiLineString", "Polygon"}


class PermissionDenied(Exception):
    pass


def _save(instance, actor):
    instance._history_user = actor
    instance.full_clean()
    instance.save()
    return instance


def check_infrastructure_scope(actor, community):
    if actor is not None and not can(actor, EDIT_INFRASTRUCTURE, community):
        raise PermissionDenied(_("%(place)s está fuera de su ámbito.") % {"place": community})


def clean_location(geometry, community):
    """A point, line or polygon that lies in the community's district (catches swapped lat/lon)."""
    if geometry in (None, "", {}):
        return None
    try:
        geometry = validate_geometry(geometry)
    except GeometryError as exc:
        raise ValidationError(_("Ubicación: %(error)s") % {"error": exc})
    if geometry["type"] not in PLACED_TYPES:
        raise ValidationError(_("Ubicación: use un punto, una línea o un polígono."))
    district = community.parent if community.kind == "community" else community.parent.parent
    if district is not None and district.geometry:
        lon, lat = next(iter(positions(geometry)))[:2]
        if not contains(district.geometry, lon, lat):
            raise ValidationError(_("La ubicación (%(lat)s, %(lon)s) cae fuera del distrito de %(district)s: "
                                    "¿latitud y longitud invertidas?")
                                  % {"lat": lat, "lon": lon, "district": district.name})
    return geometry


def _watershed_for(community, watershed):
    members = list(community.watersheds.order_by("-path"))
    if watershed is None:
        return members[0] if members else None  # the smallest (deepest) watershed it belongs to
    if watershed not in members:
        raise ValidationError(_("La comunidad %(community)s no pertenece a la cuenca %(watershed)s.")
                              % {"community": community.name, "watershed": watershed.name})
    return watershed


def _new_code(community):
    prefix = f"INF-{community.code}-"
    taken = set(Infrastructure.objects.filter(code__startswith=prefix).values_list("code", flat=True))
    number = len(taken) + 1
    while f"{prefix}{number:03d}" in taken:
        number += 1
    return f"{prefix}{number:03d}"


@transaction.atomic
def save_infrastructure(*, actor, kind, name, community, geometry=None, watershed=None, size=None, size_unit="",
                        built_year=None, notes="", code="", infrastructure=None, is_demo=False):
    """Register a work of the watershed or change one (`infrastructure`). The watershed, when not
    given, is the smallest one the community belongs to."""
    if infrastructure is not None:
        infrastructure = Infrastructure.objects.select_for_update().get(pk=infrastructure.pk)
        check_infrastructure_scope(actor, infrastructure.community)
    else:
        infrastructure = Infrastructure(code=code or _new_code(community), is_demo=is_demo)
    check_infrastructure_scope(actor, community)
    if size is not None and size < 0:
        raise ValidationError(_("El tamaño no puede ser negativo."))
    infrastructure.kind, infrastructure.name, infrastructure.community = kind, name, community
    infrastructure.geometry = clean_location(geometry, community)
    infrastructure.watershed = _watershed_for(community, watershed)
    infrastructure.size = size
    infrastructure.size_unit = size_unit or (Infrastructure.DEFAULT_UNIT.get(kind, "") if size is not None else "")
    infrastructure.built_year, infrastructure.notes = built_year, notes
    return _save(infrastructure, actor)


@transaction.atomic
def record_condition(*, actor, infrastructure, date, condition, notes=""):
    check_infrastructure_scope(actor, infrastructure.community)
    return _save(InfrastructureCondition(infrastructure=infrastructure, date=date, condition=condition, notes=notes,
                                         recorded_by=actor), actor)


@transaction.atomic
def record_work(*, actor, infrastructure, kind, start_date, end_date=None, description="", cost=None, funder=""):
    check_infrastructure_scope(actor, infrastructure.community)
    if cost is not None and cost < 0:
        raise ValidationError(_("El costo no puede ser negativo."))
    return _save(InfrastructureWork(infrastructure=infrastructure, kind=kind, start_date=start_date, end_date=end_date,
                                    description=description, cost=cost, funder=funder, recorded_by=actor), actor)


# --- import and export --------------------------------------------------------------------------

IMPORT_COLUMNS = ["code", "kind", "name", "community", "watershed", "longitude", "latitude", "geometry", "size",
                  "size_unit", "built_year", "condition", "condition_date"]


@transaction.atomic
def import_infrastructure(*, actor, data, filename):
    """Works of the watershed, one per row; a row whose code exists updates that work. A point comes
    from longitude/latitude, a line or polygon from a GeoJSON `geometry`. All or nothing."""
    table = read_table(data, filename)
    require_columns(table, ["kind", "name", "community"])
    communities = {t.code: t for t in Territory.objects.filter(
        code__in={r.get("community", "") for _l, r in table.rows}).select_related("parent__parent")}
    watersheds = {w.code: w for w in Watershed.objects.all()}
    existing = {i.code: i for i in Infrastructure.objects.filter(code__in={r.get("code", "") for _l, r in table.rows})}
    errors, items = [], []
    for line, row in table.rows:
        bad = len(errors)
        kind = row.get("kind", "")
        if kind not in Infrastructure.Kind.values:
            errors.append(RowError(line, _("tipo desconocido: %(value)s") % {"value": kind or "—"}, "kind"))
        community = communities.get(row.get("community", ""))
        if community is None or not community.is_personal_level:
            errors.append(RowError(line, _("comunidad desconocida: %(name)s") % {"name": row.get("community") or "—"},
                                   "community"))
            continue
        if actor is not None and not can(actor, EDIT_INFRASTRUCTURE, community):
            errors.append(RowError(line, _("la comunidad %(name)s está fuera de su ámbito") % {"name": community},
                                   "community"))
            continue
        watershed = None
        if row.get("watershed"):
            watershed = watersheds.get(row["watershed"])
            if watershed is None:
                errors.append(RowError(line, _("cuenca desconocida: %(code)s") % {"code": row["watershed"]}, "watershed"))
        geometry = row.get("geometry") or None
        if row.get("longitude") or row.get("latitude"):
            try:
                geometry = {"type": "Point", "coordinates": [float(row["longitude"].replace(",", ".")),
                                                             float(row["latitude"].replace(",", "."))]}
            except (KeyError, ValueError):
                errors.append(RowError(line, _("coordenadas inválidas"), "longitude"))
                geometry = None
        try:
            geometry = clean_location(geometry, community)
        except ValidationError as exc:
            errors.extend(RowError(line, m, "geometry") for m in exc.messages)
        size = None
        if row.get("size"):
            try:
                size = Decimal(row["size"].replace(",", "."))
            except InvalidOperation:
                errors.append(RowError(line, _("tamaño inválido: %(value)s") % {"value": row["size"]}, "size"))
            else:
                if size < 0:
                    errors.append(RowError(line, _("El tamaño no puede ser negativo."), "size"))
        if row.get("size_unit") and row["size_unit"] not in Infrastructure.SizeUnit.values:
            errors.append(RowError(line, _("unidad desconocida: %(unit)s") % {"unit": row["size_unit"]}, "size_unit"))
        built_year = None
        if row.get("built_year"):
            try:
                built_year = int(row["built_year"])
            except ValueError:
                errors.append(RowError(line, _("año inválido: %(value)s") % {"value": row["built_year"]}, "built_year"))
        condition = row.get("condition", "")
        if condition and condition not in InfrastructureCondition.Condition.values:
            errors.append(RowError(line, _("estado desconocido: %(value)s") % {"value": condition}, "condition"))
        condition_date = None
        if condition:
            try:
                condition_date = parse_date(row.get("condition_date", ""))
            except ValueError as exc:
                errors.append(RowError(line, str(exc), "condition_date"))
        if len(errors) == bad:
            items.append({"line": line, "code": row.get("code", ""), "kind": kind, "name": row.get("name", ""),
                          "community": community, "watershed": watershed, "geometry": geometry, "size": size,
                          "size_unit": row.get("size_unit", ""), "built_year": built_year,
                          "condition": condition, "condition_date": condition_date})
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.line))
    saved = 0
    try:
        for item in items:
            line, condition, condition_date = item.pop("line"), item.pop("condition"), item.pop("condition_date")
            work = save_infrastructure(actor=actor, infrastructure=existing.get(item["code"]), **item)
            if condition and not work.conditions.filter(date=condition_date, condition=condition).exists():
                record_condition(actor=actor, infrastructure=work, date=condition_date, condition=condition)
            saved += 1
    except (ValidationError, PermissionDenied) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        raise ImportRejected([RowError(line, m) for m in messages])
    return {"records": saved, "rows": len(table.rows), "notices": table.notices}


def export_rows(works):
    works = works.select_related("community", "watershed").prefetch_related("conditions")
    for work in works.iterator(chunk_size=500):
        geometry = work.geometry or {}
        point = geometry.get("coordinates") if geometry.get("type") == "Point" else None
        latest = next(iter(work.conditions.all()), None)
        yield [work.code, work.kind, work.name, work.community.code, work.watershed.code if work.watershed else "",
               point[0] if point else "", point[1] if point else "",
               json.dumps(geometry) if geometry and not point else "",
               "" if work.size is None else f"{work.size:f}", work.size_unit, work.built_year or "",
               latest.condition if latest else "", latest.date.isoformat() if latest else ""]
