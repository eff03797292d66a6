"""Downloads that carry their notice: Word (DOCX), CSV and Excel (XLSX).

Each file holds the transparency notice twice: readable (a paragraph, a last row, a sheet) and
machine-readable (document properties in DOCX and XLSX, the notice fields as JSON). Every CSV and XLSX
the workbench writes goes through `to_csv` or `to_xlsx`, and every cell in them (headers, data, notice
rows, the notice sheet) through `neutralize`: model names, endpoint labels, purposes and comments are
untrusted, and a spreadsheet must never run them as formulas.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from workbench.german import number as german_number
from workbench.transparency import Notice

_FORMULA_START = ("=", "+", "-", "@")
_CONTROL_START = ("\t", "\r", "\n")
_SHEET_TITLE_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "-"))


def neutralize(value: object) -> object:
    """Make a cell inert for spreadsheets: a leading apostrophe before anything that could start a formula.

    Spreadsheet apps skip leading blanks and treat tab, CR and line feed as cell starts, so `" =1+1"` and
    `"\t=1+1"` are formulas too.
    """
    if isinstance(value, str) and (
        value.startswith(_CONTROL_START) or value.lstrip().startswith(_FORMULA_START)
    ):
        return "'" + value
    return value


def neutralized(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell and every column name neutralised (numbers and dates stay as they are)."""
    safe = frame.copy()
    for column in safe.columns:
        series = safe[column]
        if not (
            pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_datetime64_any_dtype(series.dtype)
        ):
            # object, string, category, timedelta, …: whatever ends up as text in the file
            safe[column] = series.astype(object).map(neutralize)
    safe.columns = [neutralize(str(c)) for c in safe.columns]
    return safe


def _yes_no(series: pd.Series) -> pd.Series:
    """A column of truth values as German words; any other column unchanged."""
    present = series.dropna()
    if len(present) and (
        pd.api.types.is_bool_dtype(series.dtype) or all(isinstance(v, bool | np.bool_) for v in present)
    ):
        return series.map(lambda v: None if v is None or v is pd.NA else ("ja" if v else "nein"))
    return series


def for_german_spreadsheets(frame: pd.DataFrame) -> pd.DataFrame:
    """Truth values as „ja“/„nein“ (decimal commas and dates are the writer's part)."""
    return frame.apply(_yes_no) if len(frame.columns) else frame


def to_csv(
    frame: pd.DataFrame, notice: Notice | None, remarks: Sequence[str] = (), heading: str = ""
) -> bytes:
    """Semicolon CSV in UTF-8 with BOM for German Excel: decimal comma, „ja“/„nein“, dates as 31.12.2026.

    `remarks` (e.g. the open points of a plan) follow the table under `heading`; the notice is the last row.
    """
    buffer = io.StringIO()
    # CRLF like the rows below; with a bare "\n" the csv module would leave a cell holding "\r" unquoted,
    # and a spreadsheet would split the row there.
    neutralized(for_german_spreadsheets(frame)).to_csv(
        buffer, sep=";", decimal=",", date_format="%d.%m.%Y %H:%M", index=False, quoting=csv.QUOTE_MINIMAL,
        lineterminator="\r\n",
    )  # fmt: skip
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    if remarks:
        writer.writerow([])
        writer.writerow([neutralize(heading)] if heading else [])
        for remark in remarks:
            writer.writerow([neutralize(remark)])
    if notice is not None:
        writer.writerow([])
        writer.writerow([neutralize(f"{notice.title}: {notice.text()}")])
    return buffer.getvalue().encode("utf-8-sig")


def _sheet_title(name: str, fallback: str) -> str:
    """A title Excel accepts: no [ ] : * ? / \\, no apostrophe at either end, at most 31 characters."""
    title = name.translate(_SHEET_TITLE_FORBIDDEN).strip().strip("'")[:31].strip()
    return title or fallback


def _xlsx_value(value: Any) -> object:
    """One cell for openpyxl: empty for missing values, no control characters XML cannot hold, inert."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return neutralize(value)


def to_xlsx(frame: pd.DataFrame, notice: Notice, sheet: str = "Daten") -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    data = workbook.active
    if data is None:  # a new Workbook always starts with one active worksheet
        raise RuntimeError("openpyxl created a workbook without a worksheet")
    data.title = _sheet_title(sheet, "Daten")
    safe = neutralized(frame)
    data.append([_xlsx_value(str(c)) for c in safe.columns])
    for row in safe.itertuples(index=False):
        data.append([_xlsx_value(v) for v in row])
    for index, column in enumerate(safe.columns, start=1):
        width = max([len(str(column)), *(len(str(v)) for v in safe[column].head(200))], default=10)
        data.column_dimensions[get_column_letter(index)].width = min(60, width + 2)
    info = workbook.create_sheet(_sheet_title(notice.title, "Hinweis"))
    info.append([_xlsx_value(f"{notice.title}: {notice.text()}")])
    info.append([])
    for key, value in notice.to_dict().items():
        text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
        info.append([_xlsx_value(key), _xlsx_value(text)])
    workbook.properties.title = str(_xlsx_value(sheet) or "")
    workbook.properties.keywords = "KI-generiert" if notice.ai_generated else "berechnet ohne KI"
    workbook.properties.description = json.dumps(notice.to_dict(), ensure_ascii=False)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _add_grid(document: Any, rows: list[list[str]]) -> None:
    """A Word table: the first row is the header."""
    width = max(len(row) for row in rows)
    grid = document.add_table(rows=0, cols=width)
    grid.style = "Table Grid"
    for row in rows:
        for cell, value in zip(grid.add_row().cells, row + [""] * (width - len(row)), strict=True):
            cell.text = value


def _table_row(line: str) -> list[str] | None:
    """The cells of a Markdown table row; None for the |---|---| line under the header."""
    cells = [_plain(c.strip()) for c in line.strip().strip("|").split("|")]
    return None if all(set(c) <= set("-: ") for c in cells) else cells


def _add_text(document: Any, text: str) -> None:
    """Markdown kept simple: headings, bullet lists, tables, quotes and paragraphs."""
    rows: list[list[str]] = []
    for block in [*text.strip().splitlines(), ""]:
        line = block.rstrip()
        stripped = line.lstrip()
        if stripped.startswith("|"):
            row = _table_row(stripped)
            if row is not None:
                rows.append(row)
            continue
        if rows:
            _add_grid(document, rows)
            rows = []
        if not line.strip():
            continue
        if stripped.startswith(">"):
            quoted = _plain(stripped.lstrip("> ").strip())
            if quoted:
                document.add_paragraph().add_run(quoted).italic = True
        elif stripped.startswith("#"):
            level = min(3, len(stripped) - len(stripped.lstrip("#")))
            document.add_heading(stripped.lstrip("#").strip(), level=level)
        elif stripped[:2] in ("- ", "* ", "• "):
            document.add_paragraph(_plain(stripped[2:]), style="List Bullet")
        else:
            document.add_paragraph(_plain(stripped))


def to_docx(
    title: str, content: str, notice: Notice, table: pd.DataFrame | None = None, after: str = ""
) -> bytes:
    """A Word document: title, the text (Markdown headings and lists kept simple), a table, `after`, the notice."""
    import docx

    document = docx.Document()
    document.add_heading(title, level=1)
    _add_text(document, content)
    if table is not None and not table.empty:
        table = for_german_spreadsheets(table)
        grid = document.add_table(rows=1, cols=len(table.columns))
        grid.style = "Table Grid"
        for cell, name in zip(grid.rows[0].cells, table.columns, strict=True):
            cell.text = str(name)
        for row in table.itertuples(index=False):
            cells = grid.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = "" if pd.isna(value) else german_number(value)
    _add_text(document, after)
    document.add_heading(notice.title, level=2)
    document.add_paragraph(notice.text()).runs[0].italic = True
    _german_document(document)
    properties = document.core_properties
    properties.title = title
    properties.keywords = "KI-generiert" if notice.ai_generated else "berechnet ohne KI"
    properties.comments = _compact_notice(notice)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _german_document(document: Any) -> None:
    """German spelling and reading voice, and the workbench as author (not the library's template data)."""
    from datetime import datetime

    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run_properties = document.styles["Normal"].element.get_or_add_rPr()
    language = run_properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        run_properties.append(language)
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        language.set(qn(attribute), "de-DE")
    properties = document.core_properties
    properties.author = properties.last_modified_by = "KI-Werkbank"
    properties.language = "de-DE"
    properties.created = properties.modified = datetime.now()
    properties.revision = 1


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
