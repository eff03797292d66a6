"""Turn an uploaded document (TXT, CSV, XLSX, DOCX) into plain text for the Datenschutz-Check.

Everything stays in memory. Text files may come as UTF-8 (with or without BOM) or Windows-1252,
as German office software writes them. Broken files give a German error that says what to do.
"""

from __future__ import annotations

import io
import zipfile

from workbench.errors import WorkbenchError

SUPPORTED = ("txt", "csv", "md", "xlsx", "docx")


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM or not), else Windows-1252; binary data is refused."""
    if b"\x00" in data[:4096]:
        raise WorkbenchError(
            "Die Datei enthält Binärdaten und ist keine Textdatei.",
            "Laden Sie eine TXT-, CSV-, XLSX- oder DOCX-Datei hoch.",
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def read_document(name: str, data: bytes) -> str:
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else "txt"
    if not data:
        raise WorkbenchError(f"Die Datei „{name}“ ist leer.", "Wählen Sie eine Datei mit Inhalt.")
    if suffix in ("txt", "csv", "md", "text"):
        return decode_text(data)
    if suffix == "xlsx":
        return _read_xlsx(name, data)
    if suffix == "docx":
        return _read_docx(name, data)
    raise WorkbenchError(
        f"Das Format „.{suffix}“ wird nicht unterstützt.",
        "Möglich sind TXT, CSV, XLSX und DOCX. Speichern Sie die Datei in einem dieser Formate.",
    )


def _read_xlsx(name: str, data: bytes) -> str:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise WorkbenchError(
            f"„{name}“ ist keine lesbare Excel-Datei (.xlsx).",
            "Öffnen Sie die Datei in Excel und speichern Sie sie erneut als „Excel-Arbeitsmappe (.xlsx)“.",
        ) from exc
    lines = []
    for sheet in workbook.worksheets:
        lines.append(f"[{sheet.title}]")
        for row in sheet.iter_rows(values_only=True):
            cells = ["" if value is None else str(value) for value in row]
            if any(cells):
                lines.append("\t".join(cells))
    workbook.close()
    if len(lines) == len(workbook.sheetnames):
        raise WorkbenchError(
            f"„{name}“ enthält keine ausgefüllten Zellen.",
            "Prüfen Sie, ob Sie die richtige Datei gewählt haben.",
        )
    return "\n".join(lines)


def _read_docx(name: str, data: bytes) -> str:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise WorkbenchError(
            f"„{name}“ ist kein lesbares Word-Dokument (.docx).",
            "Öffnen Sie die Datei in Word und speichern Sie sie erneut als „Word-Dokument (.docx)“.",
        ) from exc
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(parts)
