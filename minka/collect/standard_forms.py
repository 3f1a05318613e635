"""The core questionnaires Minka ships, as XLSForms with labels in Spanish and Quechua, each bound
to its target. `xlsform(code)` writes the .xlsx a coordinator can download, change and publish
again; the demo publishes them all."""

import io

from openpyxl import Workbook

from minka.chains.models import Practice, Topic
from minka.people.models import ValueChain

ES, QUZ = "label::Español (es)", "label::Runasimi (quz)"
HEADER = ["type", "name", ES, QUZ, "required", "constraint", "appearance", "parameters"]


def _row(kind, name, es="", quz="", required="", constraint="", appearance=""):
    # Photos are made small on the phone: a slow rural link sends them sooner.
    parameters = "max-pixels=1280" if kind == "image" else ""
    return [kind, name, es, quz or es, required, constraint, appearance, parameters]


HOUSEHOLD = _row("select_one_from_file households.csv", "household", "Familia", "Ayllu", "yes", "",
                 "autocomplete")
DATE = _row("date", "date", "Fecha", "P'unchay", "yes", ". <= today()")
NOTES = _row("text", "notes", "Observaciones", "Qhawasqakuna")


def _yes_no():
    return [["yes_no", "false", "No", "Mana"], ["yes_no", "true", "Sí", "Arí"]]


def _forms():
    chains = [["chain", c.code, c.name, c.name_quz or c.name] for c in ValueChain.objects.filter(active=True)]
    topics = [["topic", t.code, t.name, t.name_quz or t.name] for t in Topic.objects.filter(active=True)]
    practices = [["practice", p.code, p.name, p.name_quz or p.name] for p in Practice.objects.filter(active=True)]
    return {
        "minka_leche": {
            "title": "Producción de leche", "target": "production",
            "survey": [HOUSEHOLD, DATE,
                       _row("decimal", "litres_day", "Litros de leche por día", "Sapa p'unchay lichi (litro)", "yes",
                            ". >= 0 and . <= 1000"),
                       _row("decimal", "litres_month", "Litros de leche en el mes", "Killapi lichi (litro)", "",
                            ". >= 0"),
                       _row("integer", "cows", "Vacas en producción", "Lichiyuq wakakuna", "yes", ". >= 0"), NOTES],
            "mapping": {"household": "household", "date": "date", "chain": "=milk", "notes": "notes",
                        "measure:milk-litres-day": "litres_day", "measure:milk-litres-month": "litres_month",
                        "measure:milk-cows": "cows"}},
        "minka_calidad_leche": {
            "title": "Calidad de leche", "target": "quality", "choices": _yes_no() + [
                ["tram", "1", "Clase 1 (más de 5 h)", "1 clase (5 horamanta aswan)"],
                ["tram", "2", "Clase 2 (2 a 5 h)", "2 clase (2manta 5 hora kama)"],
                ["tram", "3", "Clase 3 (20 min a 2 h)", "3 clase (20 minutomanta 2 hora kama)"],
                ["tram", "4", "Clase 4 (menos de 20 min)", "4 clase (20 minutomanta pisi)"]],
            "survey": [HOUSEHOLD, DATE,
                       _row("decimal", "fat", "Grasa (%)", "Wira (%)", "yes", ". >= 0 and . <= 15"),
                       _row("decimal", "solids", "Sólidos totales (%)", "Sólidos totales (%)", "", ". >= 0 and . <= 30"),
                       _row("decimal", "density", "Densidad a 15 °C (g/mL)", "Densidad (g/mL)", "",
                            ". >= 0.9 and . <= 1.1"),
                       _row("decimal", "acidity", "Acidez (°D)", "P'uchqu kay (°D)"),
                       _row("select_one yes_no", "antibiotics", "¿Antibióticos presentes?", "¿Antibiótico kanchu?",
                            "yes"),
                       _row("select_one tram", "tram", "Prueba de reductasa (TRAM)", "TRAM", ""),
                       _row("image", "photo", "Foto de la muestra", "Muestrapa fotón"), NOTES],
            "mapping": {"household": "household", "date": "date", "chain": "=milk", "notes": "notes",
                        "measure:milk-fat": "fat", "measure:milk-solids": "solids", "measure:milk-density": "density",
                        "measure:milk-acidity": "acidity", "measure:milk-antibiotics": "antibiotics",
                        "measure:milk-bacterial-class": "tram"}},
        "minka_cuy": {
            "title": "Inventario de cuyes", "target": "production",
            "survey": [HOUSEHOLD, DATE,
                       _row("integer", "breeding", "Cuyes reproductores", "Miraq quwikuna", "yes", ". >= 0"),
                       _row("integer", "sold", "Cuyes vendidos en el mes", "Killapi qhatusqa quwikuna", "", ". >= 0"),
                       _row("decimal", "weight", "Peso vivo promedio (kg)", "Quwipa llasaynin (kg)", "",
                            ". >= 0.2 and . <= 2.5"), NOTES],
            "mapping": {"household": "household", "date": "date", "chain": "=guinea-pig", "notes": "notes",
                        "measure:gp-breeding-stock": "breeding", "measure:gp-sold": "sold",
                        "measure:gp-live-weight": "weight"}},
        "minka_visita": {
            "title": "Visita de asistencia técnica", "target": "visit", "choices": chains + topics,
            "survey": [HOUSEHOLD, DATE,
                       _row("select_one chain", "chain", "Cadena de valor", "Valor cadena"),
                       _row("select_multiple topic", "topics", "Temas tratados", "Rimasqa yachanakuna"),
                       _row("text", "findings", "Observaciones", "Qhawasqakuna"),
                       _row("text", "recommendations", "Recomendaciones", "Yuyaychaykuna"),
                       _row("date", "follow_up", "Fecha de seguimiento", "Qatipay p'unchay", "", ". >= ${date}"),
                       _row("geopoint", "location", "Ubicación", "Maypi")],
            "mapping": {"household": "household", "date": "date", "chain": "chain", "topics": "topics",
                        "findings": "findings", "recommendations": "recommendations", "follow_up_due": "follow_up"}},
        "minka_practicas": {
            "title": "Prácticas agroecológicas", "target": "practices", "choices": practices,
            "survey": [HOUSEHOLD, DATE,
                       _row("select_multiple practice", "practices", "Prácticas que aplica", "Ruwasqan ruwaykuna",
                            "yes"),
                       _row("decimal", "compost", "Compost producido (kg)", "Compost (kg)", "", ". >= 0"),
                       _row("decimal", "biol", "Biol producido (L)", "Biol (litro)", "", ". >= 0"),
                       _row("decimal", "humus", "Humus producido (kg)", "Humus (kg)", "", ". >= 0"), NOTES],
            "mapping": {"household": "household", "date": "date", "practices": "practices", "notes": "notes",
                        "quantity:compost": "compost", "quantity:biol": "biol", "quantity:humus": "humus"}},
        "minka_ingresos": {
            "title": "Encuesta de ingresos", "target": "income", "choices": [
                ["round", "baseline", "Línea de base", "Qallariy tupu"], ["round", "follow_up", "Seguimiento", "Qatipay"],
                *[["source", c[1], c[2], c[3]] for c in chains],
                ["source", "other-farm", "Otra producción agropecuaria", "Huk chakra, uywa"],
                ["source", "off-farm", "Trabajo fuera de la finca", "Hawa llamk'ay"],
                ["source", "transfers", "Transferencias y programas sociales", "Yanapakuy qullqi"]],
            "survey": [HOUSEHOLD,
                       _row("text", "season", "Campaña agrícola (p. ej. 2024-25)", "Tarpuy wata (2024-25 hina)", "yes",
                            "regex(., '^[0-9]{4}-[0-9]{2}$')"),
                       _row("select_one round", "round", "Ronda", "Muyu", "yes"), DATE,
                       _row("begin_repeat", "lines", "Ingresos por fuente", "Pukyunkama qullqi"),
                       _row("select_one source", "source", "Fuente", "Pukyu", "yes"),
                       _row("decimal", "income", "Ingresos (S/)", "Yaykuq qullqi (S/)", "yes", ". >= 0"),
                       _row("decimal", "costs", "Costos (S/)", "Gastokuna (S/)", "", ". >= 0"),
                       _row("end_repeat", "")],
            "mapping": {"household": "household", "season": "season", "round": "round", "date": "date",
                        "lines": {"repeat": "lines", "fields": {"source": "source", "income": "income",
                                                                "costs": "costs"}}}},
        "minka_familia": {
            "title": "Registro de familia", "target": "household", "choices": chains + [
                ["sex", "F", "Mujer", "Warmi"], ["sex", "M", "Hombre", "Qhari"],
                ["role", "head", "Jefe(a) de familia", "Ayllu uma"], ["role", "spouse", "Cónyuge", "Qusa/warmi"],
                ["role", "child", "Hijo(a)", "Wawa"], ["role", "parent", "Padre o madre", "Tayta/mama"],
                ["role", "other", "Otro pariente", "Huk ayllu"],
                ["language", "quz", "Quechua", "Runasimi"], ["language", "es", "Castellano", "Castellano"],
                ["language", "quz-es", "Quechua y castellano", "Runasimi, castellanopas"]],
            "survey": [_row("select_one_from_file communities.csv", "community", "Comunidad", "Ayllu llaqta", "yes",
                            "", "autocomplete"),
                       _row("text", "name", "Nombre de la familia", "Ayllup sutin", "yes"),
                       _row("select_multiple chain", "chains", "Cadenas de valor", "Valor cadenakuna"),
                       _row("text", "phone", "Teléfono", "Teléfono", "", "regex(., '^[0-9 +]{6,20}$')"),
                       _row("begin_repeat", "members", "Miembros", "Ayllu runakuna"),
                       _row("text", "given_names", "Nombres", "Sutikuna", "yes"),
                       _row("text", "surnames", "Apellidos", "Ayllu sutikuna", "yes"),
                       _row("select_one sex", "sex", "Sexo", "Warmi/qhari", "yes"),
                       _row("integer", "birth_year", "Año de nacimiento", "Paqarisqan wata", "",
                            ". >= 1900 and . <= 2030"),
                       _row("select_one role", "role", "Rol en la familia", "Ayllupi ruwaynin", "yes"),
                       _row("text", "dni", "DNI", "DNI", "", "regex(., '^[0-9]{8}$')"),
                       _row("select_one language", "language", "Idioma", "Simi"),
                       _row("end_repeat", "")],
            "mapping": {"community": "community", "name": "name", "chains": "chains", "phone": "phone",
                        "members": {"repeat": "members", "fields": {k: k for k in [
                            "given_names", "surnames", "sex", "birth_year", "role", "dni", "language"]}}}},
        "minka_asistencia": {
            "title": "Asistencia a capacitación", "target": "training_attendance", "choices": [
                ["sex", "F", "Mujer", "Warmi"], ["sex", "M", "Hombre", "Qhari"],
                ["actor", "family", "Familia productora", "Ruruchiq ayllu"],
                ["actor", "leader", "Autoridad o líder comunal", "Ayllu kamachiq"],
                ["actor", "government", "Personal del gobierno local", "Municipalidadpi llamk'aq"],
                ["actor", "organisation", "Organización", "Organización"]],
            "survey": [_row("select_one_from_file trainings.csv", "training", "Capacitación", "Yachachiy", "yes"),
                       _row("begin_repeat", "participants", "Participantes", "Yachaqkuna"),
                       _row("select_one_from_file households.csv", "household",
                            "Familia (si es del registro)", "Ayllu (registropi kaptin)", "", "", "autocomplete"),
                       _row("text", "name", "Nombre", "Suti"),
                       _row("select_one sex", "sex", "Sexo", "Warmi/qhari"),
                       _row("select_one actor", "actor", "Tipo de actor", "Actorpa layan", "yes"),
                       _row("decimal", "pre_score", "Nota de entrada (0–20)", "Yaykuy nota (0–20)", "",
                            ". >= 0 and . <= 20"),
                       _row("decimal", "post_score", "Nota de salida (0–20)", "Lluqsiy nota (0–20)", "",
                            ". >= 0 and . <= 20"),
                       _row("end_repeat", "")],
            "mapping": {"training": "training", "participants": {"repeat": "participants", "fields": {
                k: k for k in ["household", "name", "sex", "actor", "pre_score", "post_score"]}}}},
        "minka_infraestructura": {
            "title": "Estado de infraestructura", "target": "infrastructure_condition", "choices": [
                ["condition", "good", "Bueno", "Allin"], ["condition", "fair", "Regular", "Chawpi"],
                ["condition", "poor", "Malo", "Mana allin"], ["condition", "out_of_use", "Fuera de uso", "Mana llamk'anchu"]],
            "survey": [_row("text", "infrastructure", "Código de la obra (INF-…)", "Ruwaypa codigon (INF-…)", "yes"),
                       DATE, _row("select_one condition", "condition", "Estado", "Imayna kasqan", "yes"),
                       _row("image", "photo", "Foto", "Foto"), _row("geopoint", "location", "Ubicación", "Maypi"),
                       NOTES],
            "mapping": {"infrastructure": "infrastructure", "date": "date", "condition": "condition",
                        "notes": "notes"}},
    }


def standard_forms():
    """{form_id: definition} of the shipped questionnaires."""
    return _forms()


def xlsform(form_id, version="2026010101"):
    definition = _forms()[form_id]
    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(HEADER)
    for row in definition["survey"]:
        survey.append(row)
    choices = workbook.create_sheet("choices")
    choices.append(["list_name", "name", ES, QUZ])
    for row in definition.get("choices", []):
        choices.append(row)
    settings = workbook.create_sheet("settings")
    settings.append(["form_id", "version", "form_title", "default_language", "instance_name"])
    top, depth = set(), 0  # names outside repeat groups: the instance name may only use those
    for row in definition["survey"]:
        depth += {"begin_repeat": 1, "end_repeat": -1}.get(row[0], 0)
        if depth == 0:
            top.add(row[1])
    named = {"household", "date"} <= top
    settings.append([form_id, version, definition["title"], "Español (es)",
                     "concat(${date}, ' ', ${household})" if named else ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


GENERATED = {"households.csv": "households", "communities.csv": "communities", "trainings.csv": "trainings"}


def publish_standard_forms(*, actor, territory):
    """Publish every shipped questionnaire in a territory, with its registry lists and its mapping."""
    from . import services
    from .models import Form

    published = []
    for form_id, definition in _forms().items():
        if Form.objects.filter(form_id=form_id).exists():
            continue
        version = services.publish_xlsform(actor=actor, data=xlsform(form_id), filename=f"{form_id}.xlsx",
                                           territory=territory)
        for filename in services.expected_media(version)[1]:
            if filename in GENERATED:
                services.attach_media(actor=actor, form=version.form, filename=filename,
                                      generated=GENERATED[filename])
        published.append(services.set_mapping(actor=actor, form=version.form, target=definition["target"],
                                              mapping=definition["mapping"]))
    return published
