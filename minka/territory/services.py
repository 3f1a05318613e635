"""Writes to the territory: loading Peru's official lists and importing communities and watersheds.

Imports validate every row first and write nothing unless all rows are right."""

import csv
import json
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from minka.core.tabular import ImportRejected, RowError, read_table, require_columns

from .geojson import GeometryError, validate_geometry
from .models import ALLOWED_PARENT, Territory, Watershed

DATA_DIR = Path(__file__).resolve().parent / "data"
COUNTRY_CODE = "PE"


def _path(parent, code):
    return f"{parent.path if parent else ''}{code}/"


@transaction.atomic
def create_territory(*, kind, code, name, parent, geometry=None, attributes=None, is_demo=False):
    """A new unit under `parent`; the kind must be the one the tree allows below the parent's."""
    expected = ALLOWED_PARENT[kind]
    if (parent.kind if parent else None) != expected:
        raise ValueError(_("Un(a) %(kind)s no puede estar dentro de %(parent)s.") % {
            "kind": Territory.Kind(kind).label, "parent": parent or "—"})
    unit = Territory(
        kind=kind, code=code, name=name, parent=parent, path=_path(parent, code),
        depth=(parent.depth + 1) if parent else 0, geometry=geometry,
        attributes=attributes or {}, is_demo=is_demo,
    )
    unit.full_clean()
    unit.save()
    return unit


def _title(name):
    """INEI writes names in capitals; people read them in title case (with Spanish particles)."""
    small = {"de", "del", "la", "las", "los", "el", "y"}
    words = name.strip().lower().split()
    return " ".join(w if (i and w in small) else w.capitalize() for i, w in enumerate(words))


def _read_ubigeo(name):
    with open(DATA_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _attributes(row, keys):
    out = {}
    for key in keys:
        value = row.get(key, "")
        if value in ("", "NA"):
            continue
        try:
            out[key] = float(value) if "." in value or key in ("latitude", "longitude") else int(value)
        except ValueError:
            out[key] = value
    return out


ATTRIBUTE_KEYS = ["capital", "superficie", "altitude", "latitude", "longitude", "pob_densidad_2020",
                  "idh_2019", "pct_pobreza_total", "pct_pobreza_extrema", "indice_vulnerabilidad_alimentaria"]


@transaction.atomic
def load_national_territory():
    """Peru's 25 regions, 196 provinces and 1,874 districts (INEI ubigeo), idempotently.

    Existing units keep their identity: names and attributes are refreshed, nothing is deleted."""
    country, _created = Territory.objects.get_or_create(
        code=COUNTRY_CODE,
        defaults={"kind": Territory.Kind.COUNTRY, "name": "Perú", "path": f"{COUNTRY_CODE}/", "depth": 0},
    )
    existing = {t.code: t for t in Territory.objects.filter(depth__in=[1, 2, 3])}
    created = updated = 0
    levels = [
        ("ubigeo_departamento.csv", Territory.Kind.REGION, "departamento", lambda code: COUNTRY_CODE),
        ("ubigeo_provincia.csv", Territory.Kind.PROVINCE, "provincia", lambda code: code[:2]),
        ("ubigeo_distrito.csv", Territory.Kind.DISTRICT, "distrito", lambda code: code[:4]),
    ]
    parents = {COUNTRY_CODE: country}
    skipped = []
    for file_name, kind, name_column, parent_code in levels:
        new_units = []
        for row in _read_ubigeo(file_name):
            inei = row["inei"]
            if not inei.isdigit():
                # A unit created after INEI's list (it has a RENIEC code only): kept out, reported.
                skipped.append(f"{row[name_column]} (RENIEC {row['reniec']})")
                continue
            code = {Territory.Kind.REGION: inei[:2], Territory.Kind.PROVINCE: inei[:4]}.get(kind, inei)
            parent = parents[parent_code(code)]
            fields = {
                "kind": kind, "name": _title(row[name_column]), "parent": parent,
                "alt_code": row["reniec"], "path": _path(parent, code), "depth": parent.depth + 1,
                "attributes": _attributes(row, ATTRIBUTE_KEYS),
            }
            unit = existing.get(code)
            if unit is None:
                unit = Territory(code=code, **fields)
                new_units.append(unit)
                created += 1
            else:
                for key, value in fields.items():
                    setattr(unit, key, value)
                unit.save()
                updated += 1
            parents[code] = unit
        Territory.objects.bulk_create(new_units, batch_size=500)
        # bulk_create may not return primary keys on every database: read them back.
        for unit in Territory.objects.filter(code__in=[u.code for u in new_units]):
            parents[unit.code] = unit
    return {"created": created, "updated": updated, "skipped": skipped}


@transaction.atomic
def load_district_polygons(*, data):
    """District polygons from a GeoJSON FeatureCollection whose feature ids are INEI ubigeos."""
    try:
        collection = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ImportRejected([RowError(0, _("GeoJSON mal formado: %(error)s") % {"error": exc})])
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list):
        raise ImportRejected([RowError(0, _("Se esperaba una FeatureCollection con «features»."))])
    districts = {t.code: t for t in Territory.objects.filter(kind=Territory.Kind.DISTRICT)}
    errors, updates = [], []
    for number, feature in enumerate(features, start=1):
        props = (feature or {}).get("properties") or {}
        code = str(feature.get("id") or props.get("ubigeo") or "")
        unit = districts.get(code)
        if unit is None:
            errors.append(RowError(number, _("ubigeo desconocido: %(code)s") % {"code": code or "—"}))
            continue
        try:
            unit.geometry = validate_geometry(feature.get("geometry"))
        except GeometryError as exc:
            errors.append(RowError(number, str(exc)))
            continue
        updates.append(unit)
    if errors:
        raise ImportRejected(errors)
    Territory.objects.bulk_update(updates, ["geometry"])
    return len(updates)


def load_reference_polygons():
    return load_district_polygons(data=(DATA_DIR / "districts-cusco-apurimac.geojson").read_bytes())


# --- imports of communities and watersheds --------------------------------------------------

def _rows_from_file(data, filename):
    """Rows as (line, properties, geometry) from CSV, XLSX or GeoJSON."""
    if filename.lower().endswith((".geojson", ".json")):
        try:
            collection = json.loads(data.decode("utf-8-sig"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ImportRejected([RowError(0, _("GeoJSON mal formado: %(error)s") % {"error": exc})])
        features = collection.get("features") if isinstance(collection, dict) else None
        if not isinstance(features, list):
            raise ImportRejected([RowError(0, _("Se esperaba una FeatureCollection con «features»."))])
        rows = []
        for number, feature in enumerate(features, start=1):
            if not isinstance(feature, dict):
                rows.append((number, {}, {"error": _("no es un Feature")}))
                continue
            props = {str(k).lower(): ("" if v is None else str(v).strip())
                     for k, v in (feature.get("properties") or {}).items()}
            rows.append((number, props, feature.get("geometry")))
        return rows, []
    table = read_table(data, filename)
    require_columns(table, ["code", "name"])
    rows = []
    for line, row in table.rows:
        geometry = None
        if row.get("latitude") or row.get("longitude"):
            try:
                geometry = {"type": "Point", "coordinates": [float(row["longitude"]), float(row["latitude"])]}
            except (KeyError, ValueError):
                geometry = {"error": _("latitud/longitud no numéricas")}
        rows.append((line, row, geometry))
    return rows, table.notices


def _check_geometry(geometry, line, errors):
    if geometry is None:
        return None
    if isinstance(geometry, dict) and "error" in geometry:
        errors.append(RowError(line, geometry["error"]))
        return None
    try:
        return validate_geometry(geometry)
    except GeometryError as exc:
        errors.append(RowError(line, str(exc), "geometry"))
        return None


def _row_identity(line, row, kinds, seen, errors):
    """A row's code (present and unique in the file), name, parent code and kind (None if unknown)."""
    code, name, parent_code = row.get("code", ""), row.get("name", ""), row.get("parent_code", "")
    kind = kinds.get(row.get("kind", "").lower())
    if not code:
        errors.append(RowError(line, _("falta el código"), "code"))
    elif code in seen:
        errors.append(RowError(line, _("código repetido (ya en la línea %(other)s)") % {"other": seen[code]}, "code"))
    else:
        seen[code] = line
    if not name:
        errors.append(RowError(line, _("falta el nombre"), "name"))
    if kind is None:
        errors.append(RowError(line, _("tipo desconocido: %(kind)s") % {"kind": row.get("kind")}, "kind"))
    return code, name, parent_code, kind


@transaction.atomic
def import_communities(*, data, filename, is_demo=False):
    """Communities (and their sectors) under districts: columns code, name, parent_code, and
    optionally kind (community|sector), latitude/longitude, or a GeoJSON geometry.

    A row whose code exists already updates that unit if it has the same parent and kind;
    anything else wrong rejects the whole file."""
    rows, notices = _rows_from_file(data, filename)
    errors, seen, planned, planned_by_code = [], {}, [], {}
    existing = {t.code: t for t in Territory.objects.filter(
        code__in=[r[1].get("code", "") for r in rows]).select_related("parent")}
    parent_codes = {r[1].get("parent_code", "") for r in rows}
    parents = {t.code: t for t in Territory.objects.filter(code__in=parent_codes)}
    kinds = {"community": Territory.Kind.COMMUNITY, "comunidad": Territory.Kind.COMMUNITY,
             "sector": Territory.Kind.SECTOR, "": Territory.Kind.COMMUNITY}
    for line, row, geometry in rows:
        code, name, parent_code, kind = _row_identity(line, row, kinds, seen, errors)
        if kind is None:
            continue
        expected_parent = ALLOWED_PARENT[kind]
        parent = parents.get(parent_code)
        pending_parent = planned_by_code.get(parent_code)
        if parent is None and pending_parent is None:
            errors.append(RowError(line, _("unidad superior desconocida: %(code)s") % {"code": parent_code or "—"}, "parent_code"))
        elif (parent.kind if parent else pending_parent["kind"]) != expected_parent:
            errors.append(RowError(line, _("la unidad superior %(code)s no es un(a) %(kind)s") % {
                "code": parent_code, "kind": Territory.Kind(expected_parent).label}, "parent_code"))
        geometry = _check_geometry(geometry, line, errors)
        current = existing.get(code)
        if current and (current.kind != kind or current.parent.code != parent_code):
            errors.append(RowError(line, _("el código %(code)s ya existe en otra unidad (%(name)s)") % {
                "code": code, "name": current.name}, "code"))
        planned.append({"line": line, "code": code, "name": name, "kind": kind,
                        "parent_code": parent_code, "geometry": geometry, "current": current})
        planned_by_code[code] = planned[-1]
    if errors:
        raise ImportRejected(errors)
    created = updated = 0
    for item in planned:  # parents come before their sectors in a well-formed file, or already exist
        parent = parents.get(item["parent_code"]) or Territory.objects.get(code=item["parent_code"])
        if item["current"]:
            unit = item["current"]
            unit.name = item["name"]
            if item["geometry"]:
                unit.geometry = item["geometry"]
            unit.save(update_fields=["name", "geometry"])
            updated += 1
        else:
            unit = create_territory(kind=item["kind"], code=item["code"], name=item["name"], parent=parent,
                                    geometry=item["geometry"], is_demo=is_demo)
            created += 1
        parents[unit.code] = unit
    return {"created": created, "updated": updated, "notices": notices}


@transaction.atomic
def import_watersheds(*, data, filename, is_demo=False):
    """Watersheds: columns code, name, kind (cuenca|microcuenca), parent_code (optional) and
    communities (community codes separated by «;» or «|»), or GeoJSON features with those properties."""
    rows, notices = _rows_from_file(data, filename)
    errors, seen, planned = [], {}, []
    all_codes = set()
    for _line, row, _geometry in rows:
        all_codes.update(c.strip() for c in row.get("communities", "").replace("|", ";").split(";") if c.strip())
    communities = {t.code: t for t in Territory.objects.filter(
        code__in=all_codes, kind__in=[Territory.Kind.COMMUNITY, Territory.Kind.SECTOR])}
    existing = {w.code: w for w in Watershed.objects.all()}
    kinds = {"cuenca": Watershed.Kind.BASIN, "microcuenca": Watershed.Kind.SUBBASIN, "": Watershed.Kind.BASIN}
    for line, row, geometry in rows:
        code, name, parent_code, kind = _row_identity(line, row, kinds, seen, errors)
        if parent_code and parent_code not in existing and parent_code not in seen:
            errors.append(RowError(line, _("cuenca superior desconocida: %(code)s") % {"code": parent_code}, "parent_code"))
        members = []
        for member in row.get("communities", "").replace("|", ";").split(";"):
            member = member.strip()
            if not member:
                continue
            if member not in communities:
                errors.append(RowError(line, _("comunidad desconocida: %(code)s") % {"code": member}, "communities"))
            else:
                members.append(communities[member])
        geometry = _check_geometry(geometry, line, errors)
        planned.append({"code": code, "name": name, "kind": kind, "parent_code": parent_code,
                        "geometry": geometry, "members": members})
    if errors:
        raise ImportRejected(errors)
    created = updated = 0
    for item in planned:
        parent = existing.get(item["parent_code"]) if item["parent_code"] else None
        shed = existing.get(item["code"])
        if shed is None:
            shed = Watershed(code=item["code"], is_demo=is_demo)
            created += 1
        else:
            updated += 1
        shed.name, shed.kind, shed.parent = item["name"], item["kind"], parent
        shed.path = _path(parent, item["code"])
        if item["geometry"]:
            shed.geometry = item["geometry"]
        shed.full_clean(exclude=["path"])
        shed.save()
        shed.communities.set(item["members"])
        existing[shed.code] = shed
    return {"created": created, "updated": updated, "notices": notices}
