"""Reading uploaded documents for the Datenschutz-Check: encodings, Excel, Word (with its headers, footers,
text boxes, notes and comments), broken files."""

import copy
import io
import json
import os
import subprocess
import sys
import zipfile

import docx
import docx.shared
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from openpyxl import Workbook

from tests.conftest import ROOT
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


# --- Word: headers, footers, text boxes, notes -------------------------------------------------------

IBAN = "DE89 3704 0044 0532 0130 00"
PERSON = "Herr Jürgen Krause"
BODY = "Sehr geehrte Damen und Herren, anbei der Bescheid."
NAMESPACES = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)


def text_box(*lines: str) -> str:
    paragraphs = "".join(f"<w:p><w:r><w:t xml:space='preserve'>{line}</w:t></w:r></w:p>" for line in lines)
    return f"<w:txbxContent>{paragraphs}</w:txbxContent>"


def vml_shape(*lines: str) -> str:
    """A text box as Word wrote it before 2010 (and still writes as the fallback): a VML shape."""
    return f'<w:pict><v:shape id="Textfeld" style="width:200pt;height:60pt"><v:textbox>{text_box(*lines)}</v:textbox></v:shape></w:pict>'


def drawingml_shape(*lines: str) -> str:
    """A text box as Word writes it today: a DrawingML shape, and the same box again as VML fallback."""
    drawing = (
        '<w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="2540000" cy="762000"/>'
        '<wp:docPr id="1" name="Textfeld 1"/><a:graphic><a:graphicData '
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:spPr/>'
        f"<wps:txbx>{text_box(*lines)}</wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic>"
        "</wp:inline></w:drawing>"
    )
    return (
        f'<mc:AlternateContent><mc:Choice Requires="wps">{drawing}</mc:Choice>'
        f"<mc:Fallback>{vml_shape(*lines)}</mc:Fallback></mc:AlternateContent>"
    )


def add_shape(paragraph, shape_xml: str) -> None:
    """Put a shape into a new run of the paragraph, as Word anchors a text box."""
    run = paragraph.add_run()
    run._r.append(parse_xml(f"<w:wrapper {NAMESPACES}>{shape_xml}</w:wrapper>")[0])


def letter():
    document = docx.Document()
    document.add_paragraph(BODY)
    return document


def as_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def kinds(text: str) -> list[str]:
    return sorted(f.kind for f in scan(text))


def test_word_without_extra_parts_reads_as_before():
    document = letter()
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Aktenzeichen"
    table.rows[0].cells[1].text = "63-BA-2024/0815"
    assert read_document("brief.docx", as_bytes(document)) == f"{BODY}\nAktenzeichen\t63-BA-2024/0815"


def test_word_personal_data_only_in_the_header_is_found():
    document = letter()
    document.sections[0].header.paragraphs[0].text = f"{PERSON}, IBAN {IBAN}"
    text = read_document("brief.docx", as_bytes(document))
    assert text.startswith(f"{BODY}\n")  # the body comes first, unchanged
    assert f"\nKopfzeile:\n{PERSON}, IBAN {IBAN}" in text
    assert kinds(text) == ["IBAN", "PERSON"]
    assert text.count(IBAN) == 1


def test_word_personal_data_only_in_the_footer_is_found():
    document = letter()
    document.sections[0].footer.paragraphs[0].text = f"Bankverbindung: IBAN {IBAN}"
    text = read_document("brief.docx", as_bytes(document))
    assert f"\nFußzeile:\nBankverbindung: IBAN {IBAN}" in text
    assert kinds(text) == ["IBAN"]


def test_word_header_table_is_read_row_by_row():
    document = letter()
    header = document.sections[0].header
    cells = header.add_table(rows=1, cols=2, width=docx.shared.Cm(16)).rows[0].cells
    cells[0].text, cells[1].text = "Sachbearbeitung", PERSON
    text = read_document("brief.docx", as_bytes(document))
    assert f"Kopfzeile:\nSachbearbeitung\t{PERSON}" in text
    assert kinds(text) == ["PERSON"]


def test_word_personal_data_only_in_the_first_page_header_is_found():
    document = letter()
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = f"{PERSON}, Lindenstraße 12, 48143 Münster"
    section.even_page_footer.paragraphs[0].text = f"IBAN {IBAN}"
    text = read_document("brief.docx", as_bytes(document))
    assert f"\nKopfzeile der ersten Seite:\n{PERSON}, Lindenstraße 12" in text
    assert f"\nFußzeile der geraden Seiten:\nIBAN {IBAN}" in text
    assert "PERSON" in kinds(text) and "IBAN" in kinds(text)
    assert "\nKopfzeile:" not in text  # the default header was never defined: nothing to read


def test_word_header_shared_or_linked_by_several_sections_is_read_once():
    document = letter()
    document.sections[0].header.paragraphs[0].text = PERSON
    document.add_section()  # linked to the previous section's header
    third = document.add_section()
    # A third section that refers to the same header part as the first.
    reference = document.sections[0]._sectPr.find(qn("w:headerReference"))
    third._sectPr.insert(0, copy.deepcopy(reference))
    assert not third.header.is_linked_to_previous
    text = read_document("brief.docx", as_bytes(document))
    assert text.count(PERSON) == 1
    assert "\nKopfzeile (Abschnitt 1):\n" in text
    assert kinds(text) == ["PERSON"]


def test_word_same_text_in_header_and_first_page_header_is_given_once():
    document = letter()
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.header.paragraphs[0].text = f"IBAN {IBAN}"
    section.first_page_header.paragraphs[0].text = f"IBAN {IBAN}"
    text = read_document("brief.docx", as_bytes(document))
    assert text.count(IBAN) == 1
    assert kinds(text) == ["IBAN"]


@pytest.mark.parametrize("shape", [drawingml_shape, vml_shape], ids=["drawingml-mit-vml-fallback", "nur-vml"])
def test_word_personal_data_only_in_a_text_box_is_found_once(shape):
    document = letter()
    add_shape(document.paragraphs[0], shape(PERSON, f"IBAN {IBAN}"))
    text = read_document("brief.docx", as_bytes(document))
    assert text == f"{BODY}\n\nTextfeld:\n{PERSON}\nIBAN {IBAN}"
    assert kinds(text) == ["IBAN", "PERSON"]


def test_word_text_boxes_in_header_table_and_nested_are_each_read_once():
    document = letter()
    add_shape(document.sections[0].header.paragraphs[0], drawingml_shape(f"IBAN {IBAN}"))
    cell = document.add_table(rows=1, cols=1).rows[0].cells[0]
    add_shape(cell.paragraphs[0], vml_shape(PERSON))
    outer = text_box("Außen").replace("</w:p>", f"<w:r>{vml_shape('Innen')}</w:r></w:p>", 1)
    add_shape(
        document.paragraphs[0], f'<w:pict><v:shape id="x"><v:textbox>{outer}</v:textbox></v:shape></w:pict>'
    )
    text = read_document("brief.docx", as_bytes(document))
    assert text.count(IBAN) == 1 and text.count(PERSON) == 1
    assert text.count("Außen") == 1 and text.count("Innen") == 1
    assert "\nTextfeld in der Kopfzeile:\nIBAN" in text
    assert text.index("Außen") < text.index("Innen")
    assert kinds(text) == ["IBAN", "PERSON"]


def test_word_footnotes_and_comments_are_read():
    document = letter()
    document.add_comment(document.paragraphs[0].runs, text=f"Rückfrage an {PERSON}", author="Sachbearbeitung")
    data = with_footnote(as_bytes(document), f"Zahlung auf IBAN {IBAN}")
    text = read_document("brief.docx", data)
    assert f"\nFußnoten:\nZahlung auf IBAN {IBAN}" in text
    assert f"\nKommentare:\nRückfrage an {PERSON}" in text
    assert kinds(text) == ["IBAN", "PERSON"]


def test_word_footer_content_control_is_read():
    """Word's ready-made footers put their paragraphs into a content control (w:sdt)."""
    document = letter()
    footer = document.sections[0].footer
    footer.is_linked_to_previous = False
    footer._element.append(
        parse_xml(
            f"<w:sdt {NAMESPACES}><w:sdtPr><w:docPartObj><w:docPartGallery w:val='Page Numbers (Bottom of Page)'/>"
            f"</w:docPartObj></w:sdtPr><w:sdtContent><w:p><w:r><w:t>IBAN {IBAN}</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        )
    )
    text = read_document("brief.docx", as_bytes(document))
    assert f"\nFußzeile:\nIBAN {IBAN}" in text
    assert kinds(text) == ["IBAN"]


def test_word_broken_footnotes_get_a_german_error():
    data = with_footnote(as_bytes(letter()), "Text</w:t></w:r></w:p></w:footnote><w:footnote>")
    with pytest.raises(WorkbenchError) as info:
        read_document("brief.docx", data)
    assert "word/footnotes.xml ist fehlerhaft aufgebaut" in info.value.user_message
    assert "Word" in info.value.hint


def with_footnote(data: bytes, note: str) -> bytes:
    """Add a footnotes part (python-docx cannot write one) with a separator and one footnote."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    footnotes = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{w}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        f'<w:footnote w:id="1"><w:p><w:r><w:t>{note}</w:t></w:r></w:p></w:footnote></w:footnotes>'
    )
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
                )
            elif info.filename == "word/_rels/document.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdFn1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/footnotes" Target="footnotes.xml"/></Relationships>',
                )
            out.writestr(info, content)
        out.writestr("word/footnotes.xml", footnotes)
    return target.getvalue()


def test_cli_scan_reports_a_finding_in_the_header(tmp_path):
    document = letter()
    document.sections[0].header.paragraphs[0].text = f"IBAN {IBAN}"
    (tmp_path / "brief.docx").write_bytes(as_bytes(document))
    env = {key: value for key, value in os.environ.items() if key != "WORKBENCH_CONFIG"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    proc = subprocess.run(
        [sys.executable, "-m", "workbench", "scan", "brief.docx"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert [(f["kind"], f["text"]) for f in report["findings"]] == [("IBAN", IBAN)]
    assert report["counts"] == {"IBAN": 1}
