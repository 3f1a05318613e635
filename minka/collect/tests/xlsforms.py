"""XLSForms built in the tests, as coordinators write them (Spanish and Quechua labels)."""

import io

from openpyxl import Workbook


def xlsform(form_id="leche_diaria", version="2024110101", title="Leche diaria", survey=None, choices=None):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    sheet.append(["type", "name", "label::Español (es)", "label::Runasimi (quz)", "required"])
    for row in survey or [
        ["select_one_from_file households.csv", "household", "Familia", "Ayllu", "yes"],
        ["date", "date", "Fecha", "P'unchay", "yes"],
        ["decimal", "litres", "Litros por día", "Sapa p'unchay litro", "yes"],
        ["integer", "cows", "Vacas en producción", "Lichiyuq wakakuna", ""],
        ["image", "photo", "Foto", "Foto", ""],
    ]:
        sheet.append(row)
    if choices:
        sheet_choices = workbook.create_sheet("choices")
        sheet_choices.append(["list_name", "name", "label::Español (es)", "label::Runasimi (quz)"])
        for row in choices:
            sheet_choices.append(row)
    settings = workbook.create_sheet("settings")
    settings.append(["form_id", "version", "form_title", "default_language"])
    settings.append([form_id, version, title, "Español (es)"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def instance(form_id="leche_diaria", version="2024110101", instance_id="uuid:6f1c0e9a-0000-4000-8000-000000000001",
             household="F-AAAAAA", litres="12.5", photo="", deprecated=""):
    meta = f"<instanceID>{instance_id}</instanceID>"
    if deprecated:
        meta += f"<deprecatedID>{deprecated}</deprecatedID>"
    return (f'<?xml version="1.0"?><data xmlns:jr="http://openrosa.org/javarosa" '
            f'xmlns:orx="http://openrosa.org/xforms" id="{form_id}" version="{version}">'
            f"<household>{household}</household><date>2024-11-20</date><litres>{litres}</litres><cows>3</cows>"
            f"<photo>{photo}</photo><meta>{meta}</meta></data>").encode()
