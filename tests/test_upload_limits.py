"""Hostile uploads: zip bombs, entity expansion, lying zip headers, broken XML.

Each hostile Excel or Word file must be refused with a German error within two seconds and with less
than 200 MB of extra memory, through both readers (Datenschutz-Check text and table loader) and through
`workbench scan`. The files are built here, in memory, from a normal workbook or document whose parts
are replaced.
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import docx
import openpyxl
import pytest
from openpyxl import Workbook

from workbench.documents import MAX_PARTS, read_document
from workbench.errors import FileRefused
from workbench.routes import load_route_data
from workbench.tables import load_table

ROOT = Path(__file__).resolve().parent.parent
SHEET = "xl/worksheets/sheet1.xml"
BODY = "word/document.xml"
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
WORD_NS = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
LAUGHS = b"".join(
    [b'<!ENTITY lol0 "lol">']
    + [b'<!ENTITY lol%d "%s">' % (n, b"&lol%d;" % (n - 1) * 10) for n in range(1, 10)]
)
BUDGET_S = 2.0
BUDGET_BYTES = 200 * 1024 * 1024


def normal_xlsx() -> bytes:
    book = Workbook()
    book.active.title = "Tabelle1"
    book.active.append(["Firmenname", "Ort"])
    book.active.append(["Bäckerei Schäfer", "Musterstadt"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def normal_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("Sehr geehrte Frau Vogel,")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def replace_part(data: bytes, part: str, chunks: Iterable[bytes]) -> bytes:
    """The same archive with one part's content streamed in from `chunks` (never held in memory whole)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename == part:
                with target.open(part, "w") as handle:
                    for chunk in chunks:
                        handle.write(chunk)
            else:
                target.writestr(info, source.read(info))
    return out.getvalue()


def repeated(head: bytes, unit: bytes, total_bytes: int, tail: bytes) -> Iterable[bytes]:
    yield head
    block = unit * max(1, 1_000_000 // len(unit))
    for _ in range(max(1, total_bytes // len(block))):
        yield block
    yield tail


def xlsx_bomb(total_bytes: int = 150_000_000) -> bytes:
    """The finding: a 0.5 MB workbook whose sheet unpacks to 150 MB of identical rows (300x)."""
    row = b'<row><c t="inlineStr"><is><t>Musterstadt</t></is></c><c><v>42</v></c></row>'
    return replace_part(
        normal_xlsx(), SHEET, repeated(SHEET_HEAD, row, total_bytes, b"</sheetData></worksheet>")
    )


def docx_long() -> bytes:
    """30 MB of numbered paragraphs in 1.5 MB: an honest packing ratio, but python-docx would need
    half a minute and half a gigabyte for it."""

    def chunks() -> Iterable[bytes]:
        yield b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document %s><w:body>' % WORD_NS
        for start in range(0, 700_000, 10_000):
            yield b"".join(
                b"<w:p><w:r><w:t>Absatz %d</w:t></w:r></w:p>" % i for i in range(start, start + 10_000)
            )
        yield b"<w:sectPr/></w:body></w:document>"

    return replace_part(normal_docx(), BODY, chunks())


def docx_entities() -> bytes:
    """The finding: about 0.5 MB of Word file, a billion-laughs DTD and 12 MB of paragraphs using entities."""
    head = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE w:document [%s]>' % LAUGHS
    head += b"<w:document %s><w:body>" % WORD_NS

    def chunks() -> Iterable[bytes]:
        yield head
        for start in range(0, 270_000, 10_000):
            yield b"".join(
                b"<w:p><w:r><w:t>&lol0; %d</w:t></w:r></w:p>" % i for i in range(start, start + 10_000)
            )
        yield b"<w:sectPr/></w:body></w:document>"

    return replace_part(normal_docx(), BODY, chunks())


def docx_billion_laughs() -> bytes:
    """The classic: a few hundred bytes that would expand to three gigabytes."""
    body = b'<?xml version="1.0"?>\n<!DOCTYPE w:document [%s]><w:document %s><w:body>' % (LAUGHS, WORD_NS)
    body += b"<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
    return replace_part(normal_docx(), BODY, [body])


def xlsx_billion_laughs() -> bytes:
    head = b'<?xml version="1.0"?>\n<!DOCTYPE worksheet [%s]>' % LAUGHS
    head += SHEET_HEAD.split(b"\n", 1)[1]
    row = b'<row><c t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    return replace_part(normal_xlsx(), SHEET, [head, row, b"</sheetData></worksheet>"])


def xlsx_external_entity() -> bytes:
    head = b'<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    head += SHEET_HEAD.split(b"\n", 1)[1]
    row = b'<row><c t="inlineStr"><is><t>&xxe;</t></is></c></row>'
    return replace_part(normal_xlsx(), SHEET, [head, row, b"</sheetData></worksheet>"])


def xlsx_utf16_dtd() -> bytes:
    """A DTD hidden from byte searches: the sheet is UTF-16, which XML allows."""
    text = (
        '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE worksheet [<!ENTITY a "GEHEIM">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row><c t="inlineStr"><is><t>&a;</t></is></c></row></sheetData></worksheet>'
    )
    return replace_part(normal_xlsx(), SHEET, [text.encode("utf-16")])


def xlsx_broken_sheet() -> bytes:
    """The finding: malformed sheet XML (a cell never closed) in an otherwise valid workbook."""
    row = b"<row><c><v>1</v></row>"
    return replace_part(normal_xlsx(), SHEET, [SHEET_HEAD, row, b"</sheetData></worksheet>"])


def docx_broken_body() -> bytes:
    body = b'<?xml version="1.0"?>\n<w:document %s><w:body><w:p><w:r><w:t>Text</w:r></w:p>' % WORD_NS
    return replace_part(normal_docx(), BODY, [body])


def xlsx_lying_header() -> bytes:
    """A sheet of 2 MB whose zip headers claim 1,000 bytes: the real size only shows when unpacking."""
    rows = b"".join(
        b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i * 7919 % 100_003) for i in range(1, 60_000)
    )
    data = bytearray(replace_part(normal_xlsx(), SHEET, [SHEET_HEAD, rows, b"</sheetData></worksheet>"]))
    name = SHEET.encode()
    central = data.find(b"PK\x01\x02")  # the first entry of the central directory
    while central != -1:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == name:
            struct.pack_into("<I", data, central + 24, 1_000)  # uncompressed size in the directory
            local = struct.unpack_from("<I", data, central + 42)[0]
            struct.pack_into("<I", data, local + 22, 1_000)  # and in the local header
            return bytes(data)
        central = data.find(b"PK\x01\x02", central + 46)
    raise AssertionError("sheet entry not found")


def xlsx_many_parts(count: int = 50_000) -> bytes:
    """A valid workbook plus tens of thousands of empty parts (each one costs memory to list)."""
    out = io.BytesIO(normal_xlsx())
    with zipfile.ZipFile(out, "a", zipfile.ZIP_STORED) as archive:
        for i in range(count):
            archive.writestr(f"x/{i}", b"")
    return out.getvalue()


HOSTILE: dict[str, Callable[[], bytes]] = {
    "bombe.xlsx": xlsx_bomb,
    "dicht.xlsx": lambda: xlsx_bomb(5_000_000),
    "lang.docx": docx_long,
    "entitaeten.docx": docx_entities,
    "lachen.docx": docx_billion_laughs,
    "lachen.xlsx": xlsx_billion_laughs,
    "extern.xlsx": xlsx_external_entity,
    "utf16.xlsx": xlsx_utf16_dtd,
    "kaputt.xlsx": xlsx_broken_sheet,
    "kaputt.docx": docx_broken_body,
    "luegt.xlsx": xlsx_lying_header,
    "viele-teile.xlsx": xlsx_many_parts,
}
# What each refusal must say (German, naming the problem).
EXPECTED = {
    "bombe.xlsx": "entpackt sich auf über 100 MB",
    "dicht.xlsx": "ungewöhnlich stark gepackt",
    "lang.docx": "entpackt sich auf über 25 MB",
    "entitaeten.docx": "Dokumenttyp-Definition (DTD)",
    "lachen.docx": "Dokumenttyp-Definition (DTD)",
    "lachen.xlsx": "Dokumenttyp-Definition (DTD)",
    "extern.xlsx": "Dokumenttyp-Definition (DTD)",
    "utf16.xlsx": "Dokumenttyp-Definition (DTD)",
    "kaputt.xlsx": "ist beschädigt",
    "kaputt.docx": "ist beschädigt",
    "luegt.xlsx": "lässt sich nicht entpacken",
    "viele-teile.xlsx": "besteht aus 50.009 Teildateien",
}
READERS: dict[str, Callable[[str, bytes], object]] = {"text": read_document, "table": load_table}
CASES = [
    (name, reader) for name in HOSTILE for reader in READERS if name.endswith(".xlsx") or reader == "text"
]


@pytest.fixture(scope="module")
def hostile() -> dict[str, bytes]:
    return {name: build() for name, build in HOSTILE.items()}


def refused_within_budget(call: Callable[[], object]) -> tuple[FileRefused, float, int]:
    """Run `call`, which must raise FileRefused; return it with seconds taken and peak Python memory."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(FileRefused) as info:
            call()
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return info.value, elapsed, peak


@pytest.mark.parametrize(("name", "reader"), CASES)
def test_hostile_file_is_refused_in_german_within_budget(hostile, name, reader):
    error, elapsed, peak = refused_within_budget(lambda: READERS[reader](name, hostile[name]))
    assert EXPECTED[name] in error.user_message
    assert f"„{name}“" in error.user_message and error.hint
    assert elapsed < BUDGET_S, f"{name}: {elapsed:.2f} s"
    assert peak < BUDGET_BYTES, f"{name}: {peak / 1e6:.0f} MB"


def test_route_files_get_the_same_check(hostile):
    files = {"touren.csv": hostile["bombe.xlsx"], "mengen.csv": b"", "gps.csv": b"", "beschwerden.csv": b""}
    error, elapsed, _ = refused_within_budget(lambda: load_route_data(files))
    assert "entpackt sich auf über 100 MB" in error.user_message and elapsed < BUDGET_S


def test_limits_follow_the_upload_setting():
    """Ten times the upload limit unpacked, at most 200 MB (the part limits: bombe.xlsx, lang.docx)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:  # stored: ratio 1, only sizes count
        for i in range(3):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", b"<x>" + b"1" * 8_000_000 + b"</x>")
    data = out.getvalue()
    with pytest.raises(FileRefused, match=r"entpackt sich aber auf über 20 MB \(24,0 MB\)"):
        read_document("gross.xlsx", data, max_mb=2)
    with pytest.raises(FileRefused, match="keine lesbare Excel-Datei"):  # within the limits: on to openpyxl
        read_document("gross.xlsx", data, max_mb=3)


def test_part_count_is_read_before_the_zip_is_listed(hostile):
    """The count comes from the end record: listing 50,000 entries would already cost time and memory."""
    error, _, peak = refused_within_budget(lambda: read_document("viele.xlsx", hostile["viele-teile.xlsx"]))
    assert f"höchstens {MAX_PARTS:,}".replace(",", ".") in error.user_message
    assert peak < 20 * 1024 * 1024


def test_openpyxl_uses_defusedxml():
    """Behind the upload check: openpyxl itself refuses entities, because defusedxml is installed."""
    from defusedxml import DefusedXmlException

    assert openpyxl.DEFUSEDXML
    with pytest.raises(ValueError) as info:  # openpyxl wraps it: "Unable to read workbook"
        book = openpyxl.load_workbook(io.BytesIO(xlsx_utf16_dtd()), read_only=True)
        list(book.worksheets[0].iter_rows(values_only=True))
    assert isinstance(info.value, DefusedXmlException) or isinstance(
        info.value.__cause__, DefusedXmlException
    )


def test_python_docx_does_not_resolve_entities():
    """python-docx parses with resolve_entities=False: an internal entity stays unexpanded."""
    head = b'<?xml version="1.0"?>\n<!DOCTYPE w:document [<!ENTITY a "GEHEIM">]><w:document %s>' % WORD_NS
    data = replace_part(
        normal_docx(), BODY, [head, b"<w:body><w:p><w:r><w:t>&a;</w:t></w:r></w:p></w:body></w:document>"]
    )
    assert "GEHEIM" not in "".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


@pytest.mark.parametrize(
    ("name", "data"),
    [("liste.xlsx", normal_xlsx()), ("brief.docx", normal_docx())],
)
def test_normal_office_files_still_load(name, data):
    text = read_document(name, data)
    assert "Schäfer" in text or "Vogel" in text
    if name.endswith(".xlsx"):
        assert load_table(name, data).frame["Ort"].tolist() == ["Musterstadt"]


def test_an_honest_larger_workbook_passes(tmp_path):
    """2 MB of sheet XML with numbered rows (packs about 10x) is read as before."""
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>Firma %d</t></is></c><c r="B%d"><v>%d</v></c></row>'
        % (i, i, i, i, i % 97)
        for i in range(2, 20_000)
    )
    header = b'<row r="1"><c r="A1" t="inlineStr"><is><t>Firmenname</t></is></c><c r="B1" t="inlineStr"><is><t>Nummer</t></is></c></row>'
    data = replace_part(normal_xlsx(), SHEET, [SHEET_HEAD, header, rows, b"</sheetData></worksheet>"])
    table = load_table("gross.xlsx", data)
    assert len(table.frame) == 19_998 and table.frame["Firmenname"].iloc[-1] == "Firma 19999"


# `workbench scan` in a process of its own, as a person would run it.


def run_scan(path: Path, timeout: float = 60) -> tuple[int, str, float, int]:
    """Exit code, stderr, seconds and peak resident memory (bytes) of `python -m workbench scan PATH`."""
    out, err = path.with_suffix(".out"), path.with_suffix(".err")
    start = time.perf_counter()
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "workbench", "scan", str(path)], cwd=ROOT, stdout=stdout, stderr=stderr
        )
        deadline = start + timeout
        while True:  # wait4, not wait: it also reports the child's peak memory
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                process.wait()
                pytest.fail(f"workbench scan {path.name} did not finish within {timeout} s")
            time.sleep(0.01)
    process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    return process.returncode, err.read_text(encoding="utf-8"), elapsed, usage.ru_maxrss * 1024


@pytest.fixture(scope="module")
def scan_baseline(tmp_path_factory) -> tuple[float, int]:
    """Start-up of the interpreter and the scan command on a harmless file: time and memory."""
    path = tmp_path_factory.mktemp("scan") / "brief.txt"
    path.write_text("Sehr geehrte Damen und Herren,", encoding="utf-8")
    code, _, elapsed, memory = run_scan(path)
    assert code == 0
    return elapsed, memory


@pytest.mark.parametrize("name", ["bombe.xlsx", "entitaeten.docx", "kaputt.xlsx"])
def test_scan_refuses_hostile_file_in_german(hostile, scan_baseline, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(hostile[name])
    code, stderr, elapsed, memory = run_scan(path)
    assert code != 0
    assert "Datei nicht geöffnet" in stderr and EXPECTED[name] in stderr
    assert "Traceback" not in stderr
    start_up, baseline_memory = scan_baseline
    assert elapsed < start_up + BUDGET_S, f"{elapsed:.2f} s (start-up {start_up:.2f} s)"
    assert memory - baseline_memory < BUDGET_BYTES, f"{(memory - baseline_memory) / 1e6:.0f} MB"
