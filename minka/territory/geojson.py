"""GeoJSON checks and the little geometry Minka needs (bounding boxes, points in polygons).

Geometry is stored as GeoJSON in WGS84 (longitude, latitude), which Leaflet draws as is and which
PostGIS or DuckDB's spatial extension can read later without conversion."""

import json

from django.utils.translation import gettext as _

GEOMETRY_TYPES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}


class GeometryError(ValueError):
    pass


def _position(value):
    if not isinstance(value, (list, tuple)) or len(value) < 2:
        raise GeometryError(_("coordenada inválida: %(value)s") % {"value": str(value)[:40]})
    lon, lat = value[0], value[1]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lon, lat)):
        raise GeometryError(_("coordenada no numérica: %(value)s") % {"value": str(value)[:40]})
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise GeometryError(_("coordenada fuera de rango (longitud, latitud): %(value)s") % {"value": str(value)[:40]})


def _ring(ring):
    if not isinstance(ring, list) or len(ring) < 4:
        raise GeometryError(_("un anillo de polígono necesita al menos 4 posiciones"))
    for position in ring:
        _position(position)
    if list(ring[0][:2]) != list(ring[-1][:2]):
        raise GeometryError(_("un anillo de polígono debe cerrarse (primera posición = última)"))


def validate_geometry(geometry):
    """Return the geometry if it is valid GeoJSON, else raise GeometryError with the reason."""
    if isinstance(geometry, str):
        try:
            geometry = json.loads(geometry)
        except json.JSONDecodeError as exc:
            raise GeometryError(_("GeoJSON mal formado: %(error)s") % {"error": exc.msg})
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRY_TYPES:
        raise GeometryError(_("tipo de geometría desconocido"))
    kind, coords = geometry["type"], geometry.get("coordinates")
    try:
        if kind == "Point":
            _position(coords)
        elif kind in ("MultiPoint", "LineString"):
            for p in coords:
                _position(p)
        elif kind == "MultiLineString":
            for line in coords:
                for p in line:
                    _position(p)
        elif kind == "Polygon":
            if not coords:
                raise GeometryError(_("polígono vacío"))
            for ring in coords:
                _ring(ring)
        else:
            if not coords:
                raise GeometryError(_("multipolígono vacío"))
            for polygon in coords:
                for ring in polygon:
                    _ring(ring)
    except TypeError:
        raise GeometryError(_("coordenadas mal formadas"))
    return geometry


def positions(geometry):
    kind, coords = geometry["type"], geometry["coordinates"]
    if kind == "Point":
        yield coords
    elif kind in ("MultiPoint", "LineString"):
        yield from coords
    elif kind in ("MultiLineString", "Polygon"):
        for part in coords:
            yield from part
    else:
        for polygon in coords:
            for ring in polygon:
                yield from ring


def bbox(geometry):
    lons, lats = zip(*((p[0], p[1]) for p in positions(geometry)))
    return min(lons), min(lats), max(lons), max(lats)


def _in_ring(lon, lat, ring):
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def contains(geometry, lon, lat):
    """Whether a (Multi)Polygon contains the point (holes respected)."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    for outer, *holes in polygons:
        if _in_ring(lon, lat, outer) and not any(_in_ring(lon, lat, h) for h in holes):
            return True
    return False
