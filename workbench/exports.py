"""Downloads that carry their notice: Word (DOCX), CSV and Excel (XLSX).

Each file holds the transparency notice twice: readable (a paragraph, a last row, a sheet) and
machine-readable (document properties in DOCX and XLSX, the notice fields as JSON). Table cells that
begin with ``=``, ``+``, ``-`` or ``@`` are neutralised so a spreadsheet never runs them as formulas.
"""

from __future__ import annotations

import csv
import io
import json

import pandas as pd

from workbench.transparency import Notice

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: object) -> object:
    """Make a cell inert for spreadsheets: a leading apostrophe before formula characters."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def neutralized(frame: pd.DataFrame) -> pd.DataFrame:
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralize)
    safe.columns = [neutralize(str(c)) for c in safe.columns]
    return safe


def to_csv(frame: pd.DataFrame, notice: Notice) -> bytes:
    """Semicolon CSV in UTF-8 with BOM (opens correctly in German Excel), the notice in the last row."""
    buffer = io.StringIO()
    neutralized(frame).to_csv(buffer, sep=";", index=False, quoting=csv.QUOTE_MINIMAL)
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([])
    writer.writerow([f"{notice.title}: {notice.text()}"])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(frame: pd.DataFrame, notice: Notice, sheet: str = "Daten") -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    data = workbook.active
    if data is None:  # a new Workbook always starts with one active worksheet
        raise RuntimeError("openpyxl created a workbook without a worksheet")
    data.title = sheet[:31]
    safe = neutralized(frame)
    data.append([str(c) for c in safe.columns])
    for row in safe.itertuples(index=False):
        data.append([None if pd.isna(v) else v for v in row])
    for index, column in enumerate(safe.columns, start=1):
        width = max([len(str(column)), *(len(str(v)) for v in safe[column].head(200))], default=10)
        data.column_dimensions[get_column_letter(index)].width = min(60, width + 2)
    info = workbook.create_sheet(notice.title[:31])
    info.append([f"{notice.title}: {notice.text()}"])
    info.append([])
    for key, value in notice.to_dict().items():
        info.append([key, json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value])
    workbook.properties.title = sheet
    workbook.properties.keywords = "KI-generiert" if notice.ai_generated else "berechnet ohne KI"
    workbook.properties.description = json.dumps(notice.to_dict(), ensure_ascii=False)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_docx(title: str, content: str, notice: Notice, table: pd.DataFrame | None = None) -> bytes:
    """A Word document: title, the text (Markdown headings and lists kept simple), a table, the notice."""
    import docx

    document = docx.Document()
    document.add_heading(title, level=1)
    for block in content.strip().splitlines():
        line = block.rstrip()
        if not line.strip():
            continue
        stripped = line.lstrip()
        if stripped.startswith("#"):
            level = min(3, len(stripped) - len(stripped.lstrip("#")) + 1)
            document.add_heading(stripped.lstrip("#").strip(), level=level)
        elif stripped[:2] in ("- ", "* ", "• "):
            document.add_paragraph(_plain(stripped[2:]), style="List Bullet")
        else:
            document.add_paragraph(_plain(stripped))
    if table is not None and not table.empty:
        grid = document.add_table(rows=1, cols=len(table.columns))
        grid.style = "Table Grid"
        for cell, name in zip(grid.rows[0].cells, table.columns, strict=True):
            cell.text = str(name)
        for row in table.itertuples(index=False):
            cells = grid.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = "" if pd.isna(value) else str(value)
    document.add_heading(notice.title, level=2)
    document.add_paragraph(notice.text()).runs[0].italic = True
    properties = document.core_properties
    properties.title = title
    properties.keywords = "KI-generiert" if notice.ai_generated else "berechnet ohne KI"
    properties.comments = _compact_notice(notice)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _compact_notice(notice: Notice) -> str:
    """The notice's key fields as JSON within the 255 characters a Word document property holds."""
    data = notice.to_dict()
    keys = [
        "ai_generated",
        "generator",
        "created_at",
        "model",
        "endpoint_id",
        "location",
        "schutzstufe",
        "schema",
    ]
    compact = {k: data[k] for k in keys if k in data}
    text = json.dumps(compact, ensure_ascii=False)
    while len(text) > 255 and compact:
        compact.popitem()
        text = json.dumps(compact, ensure_ascii=False)
    return text


def _plain(text: str) -> str:
    """Drop Markdown emphasis markers for Word."""
    return text.replace("**", "").replace("__", "")
