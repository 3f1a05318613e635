"""A form's submissions as tables: one row per submission, and one table per repeat group linked
by the submission's key (XLSX: a sheet each; CSV: the main table). Column headers are the answer
names, or their labels in a language of the form. Geopoints as GeoJSON."""

from minka.core.tabular import write_xlsx_sheets

from .xml import geopoint, local, parse, xform_fields

BASE = ["KEY", "submitted_by", "received_at", "status", "review"]


def labels(xml_text, language):
    """{answer path: label} in one of the form's languages (itext), e.g. "Runasimi (quz)"."""
    root = parse(xml_text.encode())
    result = {}
    for translation in root.iter():
        if local(translation.tag) != "translation" or translation.get("lang") != language:
            continue
        for text in translation:
            ident = text.get("id", "")
            if ident.endswith(":label"):
                value = next((v for v in text if local(v.tag) == "value" and not v.get("form")), None)
                if value is not None:
                    path = ident[:-len(":label")].split("/", 2)[-1]  # "/data/group/field" → "group/field"
                    result[path] = "".join(value.itertext()).strip()
    return result


def choice_labels(xml_text, language):
    """{answer path: {choice name: label}} for the select questions of a form, in a language."""
    root = parse(xml_text.encode())
    texts = {}
    for translation in root.iter():
        if local(translation.tag) == "translation" and translation.get("lang") == language:
            for text in translation:
                value = next((v for v in text if local(v.tag) == "value" and not v.get("form")), None)
                if value is not None:
                    texts[text.get("id", "")] = "".join(value.itertext()).strip()
    lists = {}
    for instance in root.iter():
        if local(instance.tag) != "instance" or not instance.get("id"):
            continue
        names = {}
        for item in instance.iter():
            if local(item.tag) != "item":
                continue
            fields = {local(child.tag): child for child in item}
            if "name" not in fields:
                continue
            # pyxform names a choice's label by an itextId child (several languages) or gives a label.
            ident = (fields["itextId"].text or "").strip() if "itextId" in fields else ""
            plain = (fields["label"].text or "").strip() if "label" in fields else ""
            names[(fields["name"].text or "").strip()] = texts.get(ident) or plain
        lists[instance.get("id")] = names
    result = {}
    for element in root.iter():
        if local(element.tag) in ("select1", "select") and element.get("ref"):
            itemset = next((c for c in element if local(c.tag) == "itemset"), None)
            if itemset is not None and "instance('" in itemset.get("nodeset", ""):
                list_id = itemset.get("nodeset").split("instance('", 1)[1].split("'", 1)[0]
                if list_id in lists:
                    result[element.get("ref").split("/", 2)[-1]] = lists[list_id]
    return result


def _labelled(value, choices):
    if not choices or not value:
        return value
    return " ".join(choices.get(part, part) for part in str(value).split())


def languages(xml_text):
    root = parse(xml_text.encode())
    return [t.get("lang") for t in root.iter() if local(t.tag) == "translation"]


def _get(data, path):
    value = data
    for part in path.split("/"):
        value = value.get(part, "") if isinstance(value, dict) else ""
    return value if not isinstance(value, (dict, list)) else ""


def tables(form, submissions, language=""):
    """[(sheet name, header, rows)]: the main table first, then one per repeat group."""
    version = form.current
    leaves, repeats = xform_fields(version.xml) if version else ([], {})
    names = labels(version.xml, language) if (version and language) else {}
    choices = choice_labels(version.xml, language) if (version and language) else {}
    header = BASE + [names.get(p, p) for p in leaves]
    main, children = [], {path: [] for path in repeats}
    for submission in submissions:
        key = submission.instance_id or f"#{submission.pk}"
        data = submission.data or {}
        main.append([key, submission.submitted_by.get_username() if submission.submitted_by else "",
                     submission.received_at.isoformat(timespec="seconds"), submission.status, submission.review]
                    + [_labelled(_get(data, p), choices.get(p)) for p in leaves])
        for path, child_paths in repeats.items():
            items = data
            for part in path.split("/"):
                items = items.get(part, []) if isinstance(items, dict) else []
            for index, item in enumerate(items if isinstance(items, list) else [items], start=1):
                if isinstance(item, dict):
                    children[path].append([key, index] + [_labelled(_get(item, c), choices.get(f"{path}/{c}"))
                                                          for c in child_paths])
    result = [(form.form_id, header, main)]
    for path, child_paths in repeats.items():
        result.append((path.replace("/", "_"), ["PARENT_KEY", "index"] + [names.get(f"{path}/{c}", c)
                                                                          for c in child_paths], children[path]))
    return result


def xlsx(form, submissions, language=""):
    return write_xlsx_sheets(tables(form, submissions, language))


def geojson(form, submissions):
    """Every geopoint answer as a point feature (no personal answers in the properties)."""
    leaves, _repeats = xform_fields(form.current.xml) if form.current else ([], {})
    features = []
    for submission in submissions:
        for path in leaves:
            point = geopoint(_get(submission.data or {}, path))
            if point:
                lat, lon = point
                features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                                 "properties": {"key": submission.instance_id, "field": path,
                                                "received_at": submission.received_at.isoformat(timespec="seconds")}})
    return {"type": "FeatureCollection", "features": features}


CONTENT_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "csv": "text/csv; charset=utf-8", "geojson": "application/geo+json"}


def render(form, submissions, fmt, language=""):
    """The export's bytes in one of the formats."""
    import json

    from minka.core.tabular import write_csv

    if fmt == "geojson":
        return json.dumps(geojson(form, submissions)).encode()
    if fmt == "xlsx":
        return xlsx(form, submissions, language)
    _name, header, rows = tables(form, submissions, language)[0]
    return write_csv(header, rows)
