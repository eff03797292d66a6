"""The one loader for tables people upload: CSV (any German Excel export) and XLSX.

CSV: separator (``;`` ``,`` tab ``|``) and encoding (UTF-8, UTF-8 with BOM, Windows-1252) are
detected; German numbers with decimal comma become numbers. XLSX: the sheet can be chosen; before
openpyxl sees a workbook, the office-file check of `workbench.documents` refuses zip bombs and DTDs.
Everything stays in memory. Broken input raises a `WorkbenchError` that says what is wrong and how to
fix it.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

import pandas as pd

from workbench import german
from workbench.documents import (
    EXCEL,
    PARSE_ERRORS,
    broken_office_file,
    check_office_file,
    unreadable_office_file,
)
from workbench.errors import WorkbenchError

DEFAULT_MAX_MB = 20
_SEPARATORS = (";", ",", "\t", "|")
_GERMAN_NUMBER = re.compile(r"^-?\d{1,3}(?:\.\d{3})*(?:,\d+)?$|^-?\d+(?:,\d+)?$")


@dataclass
class LoadedTable:
    frame: pd.DataFrame
    name: str
    sheets: list[str] = field(default_factory=list)  # XLSX: all sheet names
    sheet: str | None = None
    encoding: str | None = None  # CSV only
    separator: str | None = None

    @property
    def description(self) -> str:
        if self.sheet is not None:
            return (
                f"{len(self.frame)} Zeilen, {len(self.frame.columns)} Spalten, Tabellenblatt „{self.sheet}“"
            )
        shown = {";": "Semikolon", ",": "Komma", "\t": "Tabulator", "|": "senkrechter Strich"}[
            self.separator or ";"
        ]
        return f"{len(self.frame)} Zeilen, {len(self.frame.columns)} Spalten, getrennt durch {shown}, Kodierung {self.encoding}"


def load_table(
    name: str, data: bytes, *, sheet: str | None = None, max_mb: float = DEFAULT_MAX_MB
) -> LoadedTable:
    """Read an uploaded CSV or XLSX file into a DataFrame of strings and numbers."""
    if not data:
        raise WorkbenchError(
            f"Die Datei „{name}“ ist leer.",
            "Wählen Sie die richtige Datei oder exportieren Sie die Tabelle erneut.",
        )
    if len(data) > max_mb * 1_000_000:
        raise WorkbenchError(
            f"Die Datei „{name}“ ist {german.number(len(data) / 1_000_000, 1)} MB groß; erlaubt sind "
            f"{german.number(float(max_mb))} MB.",
            "Kürzen Sie die Tabelle auf die benötigten Spalten und Zeilen oder teilen Sie sie auf.",
        )
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in ("xlsx", "xlsm") or data[:4] == b"PK\x03\x04":
        return _load_xlsx(name, data, sheet, max_mb)
    if suffix == "xls":
        raise WorkbenchError(
            f"„{name}“ ist im alten Excel-Format (.xls).",
            "Öffnen Sie die Datei in Excel und speichern Sie sie als „Excel-Arbeitsmappe (.xlsx)“ oder als CSV.",
        )
    return _load_csv(name, data)


def _decode(name: str, data: bytes) -> tuple[str, str]:
    sample = data[:65536]
    if b"\x00" in sample or sum(b < 9 or 13 < b < 32 for b in sample) > len(sample) * 0.01:
        raise WorkbenchError(
            f"„{name}“ enthält Binärdaten und ist keine CSV-Datei.",
            "Laden Sie eine CSV-Datei (Text) oder eine Excel-Datei (.xlsx) hoch.",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8 mit BOM"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "Windows-1252"


def _separator(text: str) -> str:
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    try:
        return csv.Sniffer().sniff("\n".join(lines[:20]), delimiters="".join(_SEPARATORS)).delimiter
    except csv.Error:
        counts = {sep: min(line.count(sep) for line in lines[:20]) for sep in _SEPARATORS} if lines else {}
        best = max(counts, key=lambda sep: counts[sep], default=";")
        return best if counts.get(best) else ";"


def _load_csv(name: str, data: bytes) -> LoadedTable:
    text, encoding = _decode(name, data)
    if not text.strip():
        raise WorkbenchError(
            f"Die Datei „{name}“ enthält keine Daten.", "Prüfen Sie, ob beim Export etwas schiefgegangen ist."
        )
    separator = _separator(text)
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=separator, dtype=str, keep_default_na=False, skipinitialspace=True
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise WorkbenchError(
            f"„{name}“ lässt sich nicht als Tabelle lesen ({exc}).",
            "Prüfen Sie, ob alle Zeilen gleich viele Trennzeichen haben, und speichern Sie die Datei erneut als CSV.",
        ) from exc
    _check_header(name, frame)
    return LoadedTable(_typed(frame), name, encoding=encoding, separator=separator)


def _load_xlsx(name: str, data: bytes, sheet: str | None, max_mb: float) -> LoadedTable:
    check_office_file(name, data, EXCEL, max_mb=max_mb)
    try:
        workbook = pd.ExcelFile(io.BytesIO(data), engine="openpyxl")
    except SyntaxError as exc:
        raise broken_office_file(name, EXCEL) from exc
    except (zipfile.BadZipFile, ValueError, KeyError, OSError) as exc:
        raise unreadable_office_file(name, EXCEL) from exc
    sheets = [str(s) for s in workbook.sheet_names]  # openpyxl sheet names are always text
    if not sheets:
        raise WorkbenchError(
            f"„{name}“ enthält keine Tabellenblätter.",
            "Speichern Sie die Arbeitsmappe mit mindestens einem Blatt.",
        )
    chosen = sheet if sheet in sheets else sheets[0]
    try:  # openpyxl parses the sheet XML only here
        frame = pd.read_excel(workbook, sheet_name=chosen, dtype=str).fillna("")
    except PARSE_ERRORS as exc:
        raise broken_office_file(name, EXCEL, f"das Tabellenblatt „{chosen}“") from exc
    if frame.empty and len(frame.columns) == 0:
        raise WorkbenchError(
            f"Das Tabellenblatt „{chosen}“ in „{name}“ ist leer.",
            "Wählen Sie ein anderes Tabellenblatt oder prüfen Sie die Datei.",
        )
    _check_header(name, frame)
    return LoadedTable(_typed(frame), name, sheets=sheets, sheet=chosen)


def _check_header(name: str, frame: pd.DataFrame) -> None:
    columns = [str(c) for c in frame.columns]
    unnamed = sum(c.startswith("Unnamed") or not c.strip() for c in columns)
    numeric = sum(bool(re.fullmatch(r"[-\d.,\s]+", c)) for c in columns)
    if not columns or unnamed + numeric > len(columns) * 0.5:
        raise WorkbenchError(
            f"„{name}“ hat keine Kopfzeile mit Spaltennamen.",
            "Die erste Zeile muss die Spaltennamen enthalten (z. B. „Firmenname;Ort“). Ergänzen Sie sie und laden Sie "
            "die Datei erneut hoch.",
        )


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Strip cells; columns that hold only German numbers ("1.250,00") become numbers."""
    frame = frame.copy()
    frame.columns = [str(c).strip() for c in frame.columns]
    for column in frame.columns:
        values = frame[column].astype(str).str.strip()
        frame[column] = values
        filled = values[values != ""]
        if (
            len(filled)
            and filled.map(lambda v: bool(_GERMAN_NUMBER.match(v))).all()
            and filled.str.contains(",").any()
        ):
            frame[column] = pd.to_numeric(
                values.str.replace(".", "", regex=False).str.replace(",", ".", regex=False), errors="coerce"
            )
    return frame


_NAME_HINTS = ("firmenname", "firma", "unternehmen", "sponsor", "name", "bezeichnung", "betrieb")
_CITY_HINTS = ("ort", "stadt", "gemeinde", "sitz", "wohnort")


def detect_column(frame: pd.DataFrame, hints: tuple[str, ...]) -> str | None:
    """The column whose header best matches the hints (exact word first, then contained)."""
    names = [str(c) for c in frame.columns]
    for hint in hints:
        for column in names:
            if column.strip().lower() == hint:
                return column
    for hint in hints:
        for column in names:
            if hint in column.lower() and "nummer" not in column.lower():
                return column
    return None


def detect_name_column(frame: pd.DataFrame) -> str | None:
    return detect_column(frame, _NAME_HINTS)


def detect_city_column(frame: pd.DataFrame) -> str | None:
    return detect_column(frame, _CITY_HINTS)


def require_column(frame: pd.DataFrame, column: str | None, what: str, file: str) -> None:
    """The chosen name column must exist and hold names."""
    if not column or column not in frame.columns:
        raise WorkbenchError(
            f"In „{file}“ fehlt die Spalte für {what}.",
            "Wählen Sie die passende Spalte aus oder ergänzen Sie eine Spalte mit den Namen.",
        )
    if frame[column].astype(str).str.strip().replace("nan", "").eq("").all():
        raise WorkbenchError(
            f"Die Spalte „{column}“ in „{file}“ ist leer.",
            "Wählen Sie die Spalte, in der die Namen stehen.",
        )
