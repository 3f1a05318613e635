"""The programs' results as IATI 2.03 activity XML (https://iatistandard.org), for funders and
aid registries: one activity per program, one result per axis and logframe level, one IATI
indicator per Minka indicator, with baseline, targets and the actual value of each agricultural
season over the program's territory. The file is public: the same suppression rules as the public
portal apply, and it is checked against the 2.03 schema kept in data/iati-2.03/."""

import datetime
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from lxml import etree

from minka.core.periods import season_range
from minka.territory.models import Territory, Watershed

from .models import Indicator, Target, Value
from .selectors import WatershedGuard, withheld_periods
from .suppression import MIN_HOUSEHOLDS, hidden_cells

SCHEMA = Path(__file__).resolve().parent / "data" / "iati-2.03" / "iati-activities-schema.xsd"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LANGUAGES = ("es", "fr", "en")
LEVEL_TYPE = {"output": "1", "outcome": "2", "impact": "3"}  # IATI ResultType codes
NOW = 9999  # the key of "the situation today" among seasons
PERCENT_KINDS = {Indicator.Kind.RATIO, Indicator.Kind.SHARE, Indicator.Kind.CHANGE}


@dataclass
class Program:
    """What IATI needs to know of a program beyond its indicators (the governance work will keep
    programs as data; until then they are described here)."""

    code: str
    titles: dict
    descriptions: dict
    units: list  # where its results are reported: territory codes, or watershed codes as "w:CODE"
    start: str
    organisations: list = field(default_factory=list)  # (role code, name)


PROGRAMS = {
    "dausangate": Program(
        "dausangate",
        {"es": "D'Ausangate: territorios productivos agroecológicos en Ocongate, Ccatca y Andahuaylillas",
         "fr": "D'Ausangate : territoires productifs agroécologiques à Ocongate, Ccatca et Andahuaylillas",
         "en": "D'Ausangate: agroecological productive territories in Ocongate, Ccatca and Andahuaylillas"},
        {"es": "Cadenas de leche, cuy, papa nativa orgánica y hongos; transición agroecológica; empresa de "
               "economía social y solidaria y marca territorial; incidencia; fondo de crédito y garantía.",
         "fr": "Filières lait, cochon d'Inde, pomme de terre native bio et champignons ; transition agroécologique ; "
               "entreprise de l'ESS et marque territoriale ; plaidoyer ; fonds de crédit et de garantie.",
         "en": "Milk, guinea pig, organic native potato and mushroom value chains; agroecological transition; a "
               "social and solidarity enterprise and territorial brand; advocacy; a credit and guarantee fund."},
        ["0812"], "2020-01-01", [("1", "Acting For Life"), ("4", "CCAIJO")]),
    "ecocuenca": Program(
        "ecocuenca",
        {"es": "Ecocuenca: desarrollo local sostenible en las cuencas de Pomacanchi y Cachora",
         "fr": "Ecocuenca : développement local durable dans les bassins versants de Pomacanchi et Cachora",
         "en": "Ecocuenca: sustainable local development in the Pomacanchi and Cachora watersheds"},
        {"es": "Fortalecimiento de capacidades, gobernanza local, incentivos (planes de negocio y MERESE) y un "
               "observatorio participativo del desarrollo local.",
         "fr": "Renforcement des capacités, gouvernance locale, incitations (plans d'affaires et PSE) et un "
               "observatoire participatif du développement local.",
         "en": "Capacity building, local governance, incentives (business plans and payment for ecosystem "
               "services) and a participatory local development observatory."},
        ["w:CU-POMA", "w:CU-CACH"], "2020-01-01", [("1", "Acting For Life"), ("4", "Acting For Life")]),
}


def identifier(program):
    return f"{identifier_prefix()}-{program.code.upper()}"


def _narratives(parent, texts):
    for language in LANGUAGES:
        if texts.get(language):
            narrative = etree.SubElement(parent, "narrative")
            narrative.set(XML_LANG, language)
            narrative.text = texts[language]


def _indicator_names(indicator):
    names = {"es": indicator.name, "fr": indicator.name_fr, "en": indicator.name_en}
    return {k: v for k, v in names.items() if v}


def _number(value):
    return f"{value.quantize(1) if value == value.to_integral() else round(value, 2)}"


def _units(program):
    """The program's reporting units that exist here (Territory or Watershed objects)."""
    units = []
    for code in program.units:
        model, code = (Watershed, code[2:]) if code.startswith("w:") else (Territory, code)
        unit = model.objects.filter(code=code).first()
        if unit is not None:
            units.append(unit)
    return units


def _actuals(indicator, unit, guard):
    """{season: (total row or None, {sex: row or None})}: what the public may see, per season: not a
    total hidden in a parent's table of its season or not confirmed by its community (territories), nor
    one that would give away a small or unconfirmed part of a district (watersheds). `guard` is the
    territory's withheld (indicator, period), or the watershed's WatershedGuard (see `guards`)."""
    is_territory = isinstance(unit, Territory)
    # seasonal indicators by season; the others (the situation today) as one period up to today
    rows = list(Value.objects.filter(Q(period__startswith="S") | Q(period=""), indicator=indicator,
                                     **{"territory" if is_territory else "watershed": unit}))
    by_season = {}
    for row in rows:
        by_season.setdefault(row.season or NOW, {})[row.breakdown] = row
    withheld = guard if is_territory else {(indicator.pk, row.period) for row in rows
                                           if not row.breakdown and guard.reveals(indicator, unit.pk, row.period)}
    actuals = {}
    for season, cells in sorted(by_season.items()):
        total = cells.get("")
        if total is None:
            continue
        shown = total.households >= MIN_HOUSEHOLDS and (indicator.pk, total.period) not in withheld
        sexes = {code: cells.get(f"sex:{code}") for code in ("F", "M") if cells.get(f"sex:{code}")}
        hide = hidden_cells({code: row.households for code, row in sexes.items()}, total_shown=shown)
        if None in hide or not shown:
            hide = set(sexes)
        actuals[season] = (total if shown else None,
                           {code: (None if code in hide else row) for code, row in sexes.items()})
    return actuals


def activity(program):
    """The program as one <iati-activity>."""
    units = _units(program)
    node = etree.Element("iati-activity")
    node.set("last-updated-datetime", timezone.now().replace(microsecond=0).isoformat())
    node.set(XML_LANG, "es")
    node.set("default-currency", "EUR")
    etree.SubElement(node, "iati-identifier").text = identifier(program)
    reporting = etree.SubElement(node, "reporting-org", ref=settings.IATI_ORGANISATION, type="21")
    _narratives(reporting, {"es": settings.IATI_ORGANISATION_NAME})
    _narratives(etree.SubElement(node, "title"), program.titles)
    _narratives(etree.SubElement(node, "description", type="1"), program.descriptions)
    for role, name in program.organisations:
        _narratives(etree.SubElement(node, "participating-org", role=role), {"es": name})
    etree.SubElement(node, "activity-status", code="2")  # implementation
    etree.SubElement(node, "activity-date", type="2", **{"iso-date": program.start})  # actual start
    etree.SubElement(node, "recipient-country", code="PE", percentage="100")
    for unit in units:
        location = etree.SubElement(node, "location", ref=_ref(unit))
        _narratives(etree.SubElement(location, "name"), {"es": unit.name})
    indicators = list(Indicator.objects.filter(program=program.code).order_by("level", "axis", "order"))
    guards = {unit: withheld_periods(unit) if isinstance(unit, Territory) else WatershedGuard([unit]) for unit in units}
    targets = {}
    territories = [unit for unit in units if isinstance(unit, Territory)]
    for target in Target.objects.filter(indicator__in=indicators, territory__in=territories, breakdown=""):
        targets.setdefault(target.indicator_id, []).append(target)
    groups = {}
    for indicator in indicators:
        groups.setdefault((indicator.level, indicator.axis), []).append(indicator)
    for (level, axis), members in groups.items():
        result = etree.SubElement(node, "result", type=LEVEL_TYPE.get(level, "2"), **{"aggregation-status": "0"})
        _narratives(etree.SubElement(result, "title"), {"es": axis or program.titles["es"]})
        for indicator in members:
            _indicator(result, indicator, units, targets.get(indicator.pk, []), program, guards)
    return node


def _ref(unit):
    return f"{identifier_prefix()}-{'W' if isinstance(unit, Watershed) else 'T'}-{unit.code}"


def identifier_prefix():
    return settings.IATI_ORGANISATION


def _indicator(result, indicator, units, targets, program, guards):
    node = etree.SubElement(result, "indicator", measure="2" if indicator.kind in PERCENT_KINDS else "1",
                            ascending="1" if indicator.direction == Indicator.Direction.UP else "0")
    _narratives(etree.SubElement(node, "title"), _indicator_names(indicator))
    if indicator.definition:
        _narratives(etree.SubElement(node, "description"), {"es": indicator.definition, "fr": indicator.definition_fr,
                                                            "en": indicator.definition_en})
    per_unit = {unit: _actuals(indicator, unit, guards[unit]) for unit in units}
    seasons = sorted({season for actuals in per_unit.values() for season in actuals})
    overall = next((t for t in targets if not t.period), None)
    if overall is not None:
        year = (indicator.spec or {}).get("base_season") or int(program.start[:4])
        etree.SubElement(node, "baseline", year=str(year), value=_number(overall.baseline))
    by_period = {t.period: t for t in targets}
    for season in seasons:
        if season == NOW:
            start, end = datetime.date.fromisoformat(program.start), timezone.localdate()
        else:
            start, end = season_range(season)
        period = etree.SubElement(node, "period")
        etree.SubElement(period, "period-start", **{"iso-date": start.isoformat()})
        etree.SubElement(period, "period-end", **{"iso-date": end.isoformat()})
        target = by_period.get(f"S{season}") or overall
        if target is not None:
            etree.SubElement(period, "target", value=_number(target.target))
        for unit, actuals in per_unit.items():
            total, sexes = actuals.get(season, (None, {}))
            if total is None or total.value is None:
                continue  # suppressed, or nothing recorded there that season
            for code, row in [("", total), *sexes.items()]:
                if row is None or row.value is None:
                    continue
                actual = etree.SubElement(period, "actual", value=_number(row.value))
                if len(units) > 1:
                    etree.SubElement(actual, "location", ref=_ref(unit))
                if code:
                    etree.SubElement(actual, "dimension", name="sex", value=code)


def document(programs=None):
    """The <iati-activities> document of the given programs (all by default), as bytes."""
    with translation.override("es"):
        root = etree.Element("iati-activities", version="2.03")
        root.set("generated-datetime", timezone.now().replace(microsecond=0).isoformat())
        for program in programs or PROGRAMS.values():
            root.append(activity(program))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@lru_cache(maxsize=1)
def schema():
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def errors(xml):
    """The schema's complaints about a document (empty when valid)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    tree = etree.fromstring(xml, parser)
    checker = schema()
    return [] if checker.validate(tree) else [str(e) for e in checker.error_log]
