"""Reading the XML that comes from outside (XForms, submissions) with entity expansion off, and
turning an instance into plain data. defusedxml refuses DTDs with entities outright, so a
"billion laughs" payload costs nothing."""

from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _

XFORMS = "http://www.w3.org/2002/xforms"
ORX = "http://openrosa.org/xforms"


class BadXML(ValueError):
    pass


def parse(data):
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise BadXML(_("El XML declara entidades o un DTD: rechazado por seguridad."))
    except SafeET.ParseError as exc:
        raise BadXML(_("XML mal formado: %(error)s") % {"error": exc})


def local(tag):
    return tag.rsplit("}", 1)[-1]


def to_data(element: Element):
    """An instance element as nested dicts; repeated children become lists; leaves are text."""
    children = list(element)
    if not children:
        return (element.text or "").strip()
    result = {}
    for child in children:
        name, value = local(child.tag), to_data(child)
        if name not in result:
            result[name] = value
        elif isinstance(result[name], list):  # leaves are text and groups dicts: a list is a repeat
            result[name].append(value)
        else:
            result[name] = [result[name], value]
    return result


def instance_meta(root):
    """(form_id, version, instanceID, deprecatedID) of a submitted instance."""
    meta = next((child for child in root if local(child.tag) == "meta"), None)
    values = {}
    if meta is not None:
        for child in meta:
            values[local(child.tag)] = (child.text or "").strip()
    return root.get("id", ""), root.get("version", ""), values.get("instanceID", ""), values.get("deprecatedID", "")


def xform_identity(xml_text):
    """(form_id, version, title, media filenames) of an XForm produced by pyxform."""
    root = parse(xml_text.encode() if isinstance(xml_text, str) else xml_text)
    title = ""
    primary = None
    for element in root.iter():
        name = local(element.tag)
        if name == "title" and not title:
            title = (element.text or "").strip()
        if name == "instance" and primary is None and element.get("id") is None:
            primary = next(iter(element), None)
    media = set()
    for element in root.iter():
        for value in [element.text or "", *element.attrib.values()]:
            if "jr://" in value:
                path = value.split("jr://", 1)[1]
                kind, _sep, filename = path.partition("/")
                if kind in ("images", "audio", "video", "file", "file-csv") and filename:
                    media.add(filename.strip())
    if primary is None:
        raise BadXML(_("El XForm no tiene instancia principal."))
    return primary.get("id", ""), primary.get("version", ""), title, sorted(media)


JR_TEMPLATE = "{http://openrosa.org/javarosa}template"


def xform_fields(xml_text):
    """The answer paths of an XForm's main instance: leaves as "group/field", and each repeat group
    as (path, [child paths]). `meta` is left out."""
    root = parse(xml_text.encode() if isinstance(xml_text, str) else xml_text)
    primary = None
    for element in root.iter():
        if local(element.tag) == "instance" and element.get("id") is None:
            primary = next(iter(element), None)
            break
    leaves, repeats = [], {}

    def walk(element, prefix, into):
        seen = set()
        for child in element:
            name = local(child.tag)
            if name == "meta" and not prefix or name in seen:
                continue
            seen.add(name)
            path = f"{prefix}{name}"
            if child.get(JR_TEMPLATE) is not None:
                children = []
                walk(child, "", children)
                repeats[path] = children
            elif len(child):
                walk(child, path + "/", into)
            else:
                into.append(path)

    if primary is not None:
        walk(primary, "", leaves)
    return leaves, repeats


def geopoint(value):
    """(lat, lon) of an ODK geopoint answer ("lat lon altitude accuracy"), or None."""
    parts = str(value).split()
    if len(parts) != 4:
        return None
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        return None
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None
