"""Every write to the watershed's infrastructure inventory: the works, their condition over time
and the works done on them. Municipal officers, technicians and coordinators keep it, each in
their own territory."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from minka.accounts.permissions import EDIT_INFRASTRUCTURE, can

from .geojson import GeometryError, contains, positions, validate_geometry
from .models import Infrastructure, InfrastructureCondition, InfrastructureWork

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
