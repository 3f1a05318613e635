"""Reading the spreadsheets people actually send: CSV from Excel (UTF-8 or Windows Latin-1,
comma or semicolon) and XLSX. Every row keeps the line number the user sees in their file."""

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass
class RowError:
    line: int
    message: str
    column: str = ""

    def __str__(self):
        where = _("línea %(line)s") % {"line": self.line} if self.line else _("archivo")
        if self.column:
            where = f"{where}, {self.column}"
        return f"{where}: {self.message}"


class ImportRejected(Exception):
    """Nothing was imported; `errors` says why, line by line."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors[:5]))


@dataclass
class Table:
    rows: list  # (line number, {column: text})
    columns: list
    notices: list = field(default_factory=list)


MAX_ROWS = 200_000


def _decode(data):
    """UTF-8 (with or without BOM) first; Excel on Windows writes Windows-1252 (a Latin-1 superset)."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportRejected([RowError(0, _(
            "No se pudo leer el archivo: no es texto UTF-8 ni Latin-1/Windows-1252. "
            "Guárdelo como «CSV UTF-8» o como XLSX."
        ))])
    return text, _("El archivo no estaba en UTF-8: se leyó como Latin-1 (Windows-1252), como lo guarda Excel.")


def _clean(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_csv(data):
    if b"\x00" in data[:4096]:
        raise ImportRejected([RowError(0, _("El archivo parece binario, no un CSV."))])
    text, notice = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportRejected([RowError(0, _("El archivo está vacío."))])
    except csv.Error as exc:
        raise ImportRejected([RowError(1, _("CSV mal formado: %(error)s") % {"error": exc})])
    columns = [_clean(c).lower() for c in header]
    rows = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise ImportRejected([RowError(reader.line_num, _("Demasiadas filas."))])
            rows.append((reader.line_num, {c: _clean(v) for c, v in zip(columns, values)}))
    except csv.Error as exc:
        raise ImportRejected([RowError(reader.line_num, _("CSV mal formado: %(error)s") % {"error": exc})])
    return Table(rows=rows, columns=columns, notices=[notice] if notice else [])


def read_xlsx(data):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a broken file; all mean the same to the user
        raise ImportRejected([RowError(0, _("No se pudo abrir el archivo XLSX: está dañado o no es una hoja de cálculo."))])
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    header = next(iterator, None)
    if not header:
        raise ImportRejected([RowError(0, _("El archivo está vacío."))])
    columns = [_clean(c).lower() for c in header]
    rows = []
    for number, values in enumerate(iterator, start=2):
        if not any(_clean(v) for v in values):
            continue
        rows.append((number, {c: _clean(v) for c, v in zip(columns, values) if c}))
    workbook.close()
    return Table(rows=rows, columns=columns)


def read_table(data, filename):
    """A CSV or XLSX file's rows, by its name's extension (XLSX also recognised by content)."""
    if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
        return read_xlsx(data)
    return read_csv(data)


def require_columns(table, required):
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise ImportRejected([RowError(1, _("Faltan columnas: %(columns)s") % {"columns": ", ".join(missing)})])


def write_csv(header, rows):
    """CSV bytes that Excel opens correctly (UTF-8 with a BOM)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(title, header, rows):
    return write_xlsx_sheets([(title, header, rows)])


def write_xlsx_sheets(sheets):
    """XLSX bytes with one sheet per (title, header, rows), written as a stream."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(str(title)[:31])
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
