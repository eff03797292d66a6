"""Reading uploaded documents for the Datenschutz-Check: encodings, Excel, Word, broken files."""

import io

import docx
import pytest
from openpyxl import Workbook

from workbench.documents import read_document
from workbench.errors import WorkbenchError
from workbench.privacy import scan


def test_text_in_windows_1252_and_utf8_bom():
    text = "Anschrift: Lindenstraße 12, 48143 Münster"
    assert read_document("a.txt", text.encode("cp1252")) == text
    assert read_document("a.csv", b"\xef\xbb\xbf" + text.encode("utf-8")) == text


def test_excel_cells_become_text():
    book = Workbook()
    sheet = book.active
    sheet.title = "Antraege"
    sheet.append(["Name", "IBAN"])
    sheet.append(["Krause, Jürgen", "DE89 3704 0044 0532 0130 00"])
    buffer = io.BytesIO()
    book.save(buffer)
    text = read_document("liste.xlsx", buffer.getvalue())
    assert "[Antraege]" in text and "Krause, Jürgen\tDE89 3704 0044 0532 0130 00" in text
    assert {f.kind for f in scan(text)} == {"PERSON", "IBAN"}


def test_word_paragraphs_and_tables():
    document = docx.Document()
    document.add_paragraph("Sehr geehrte Frau Dr. Claudia Vogel,")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Telefon"
    table.rows[0].cells[1].text = "0251 492-1234"
    buffer = io.BytesIO()
    document.save(buffer)
    text = read_document("brief.docx", buffer.getvalue())
    assert "Frau Dr. Claudia Vogel" in text and "0251 492-1234" in text


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("leer.txt", b"", "leer"),
        ("bild.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Binärdaten"),
        ("kaputt.xlsx", b"PK\x03\x04 nicht wirklich", "Excel"),
        ("kaputt.docx", b"kein zip", "Word"),
        ("praesentation.pptx", b"PK\x03\x04", "nicht unterstützt"),
    ],
)
def test_broken_files_get_german_errors(name, data, words):
    with pytest.raises(WorkbenchError) as info:
        read_document(name, data)
    assert words in info.value.user_message
    assert info.value.hint
