"""The table loader: separators, encodings, decimal comma, Excel sheets, and every broken input."""

import io

import pandas as pd
import pytest
from openpyxl import Workbook

from workbench.errors import WorkbenchError
from workbench.tables import detect_city_column, detect_name_column, load_table, require_column

ROWS = [
    ("Firmenname", "Ort", "Betrag"),
    ("Bäckerei Schäfer e.K.", "Musterstadt", "1.250,50"),
    ("Müller & Söhne", "Nachbarstadt", "500,00"),
]


def csv_bytes(separator: str, encoding: str) -> bytes:
    text = "\n".join(separator.join(row) for row in ROWS) + "\n"
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode(encoding)


@pytest.mark.parametrize("separator", [";", ",", "\t", "|"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_variants(separator, encoding):
    data = csv_bytes(separator, encoding)
    if separator == ",":  # a comma-separated file quotes decimal commas
        data = data.replace(b"1.250,50", b'"1.250,50"').replace(b"500,00", b'"500,00"')
    table = load_table("liste.csv", data)
    assert list(table.frame.columns) == ["Firmenname", "Ort", "Betrag"]
    assert table.frame["Firmenname"].tolist() == ["Bäckerei Schäfer e.K.", "Müller & Söhne"]
    assert table.frame["Betrag"].tolist() == [1250.5, 500.0]  # decimal comma understood
    assert table.separator == separator


def test_xlsx_with_sheet_choice():
    book = Workbook()
    book.active.title = "Hinweise"
    book.active.append(["Stand", "2025"])
    sheet = book.create_sheet("Sponsoren")
    for row in ROWS:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    first = load_table("liste.xlsx", buffer.getvalue())
    assert first.sheets == ["Hinweise", "Sponsoren"] and first.sheet == "Hinweise"
    chosen = load_table("liste.xlsx", buffer.getvalue(), sheet="Sponsoren")
    assert chosen.frame["Ort"].tolist() == ["Musterstadt", "Nachbarstadt"]


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("leer.csv", b"", "leer"),
        ("nur-leerzeilen.csv", b"\n\n  \n", "keine Daten"),
        ("bild.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "Binärdaten"),
        ("ohne-kopf.csv", b"1;2;3\n4;5;6\n", "keine Kopfzeile"),
        ("kaputt.xlsx", b"PK\x03\x04 das ist kein Excel", "keine lesbare Excel-Datei"),
        ("alt.xls", b"\xd0\xcf\x11\xe0 altes Format", "alten Excel-Format"),
    ],
)
def test_broken_input_gets_a_german_error(name, data, words):
    with pytest.raises(WorkbenchError) as info:
        load_table(name, data)
    assert words in info.value.user_message
    assert info.value.hint


def test_size_limit():
    with pytest.raises(WorkbenchError) as info:
        load_table("gross.csv", b"a;b\n" + b"x;y\n" * 400_000, max_mb=1)
    assert "erlaubt sind 1 MB" in info.value.user_message


def test_column_detection_and_requirements():
    frame = pd.DataFrame({"Betriebsnummer": ["1"], "Firmenname": ["A"], "Ort": ["M"], "Leer": [""]})
    assert detect_name_column(frame) == "Firmenname"
    assert detect_city_column(frame) == "Ort"
    with pytest.raises(WorkbenchError, match="fehlt"):
        require_column(frame, None, "die Firmennamen", "liste.csv")
    with pytest.raises(WorkbenchError, match="ist leer"):
        require_column(frame, "Leer", "die Firmennamen", "liste.csv")
