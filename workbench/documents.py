"""Turn an uploaded document (TXT, CSV, XLSX, DOCX) into plain text for the Datenschutz-Check.

Everything stays in memory. Text files may come as UTF-8 (with or without BOM) or Windows-1252,
as German office software writes them. Excel and Word files are zip archives of XML parts: before any
parser sees one, `check_office_file` refuses zip bombs (unpacked size, part count, packing ratio, zip
headers that understate a part's size) and any DTD, the door to entity expansion ("billion laughs") and
to external entities. The table loader uses the same check. Broken files give a German error that says
what to do.

A Word document gives its body first (paragraphs, then table rows), then what python-docx does not
read by itself, each part under a German label line ("Kopfzeile:", "Fußzeile:", "Textfeld:", …) so a
person sees where a finding sits: text boxes and shapes, the headers and footers of every section,
footnotes, endnotes and comments.
"""

from __future__ import annotations

import io
import lzma
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.expatreader import DefusedExpatParser  # type: ignore[import-untyped]

from workbench.errors import FileRefused, WorkbenchError

if TYPE_CHECKING:
    from docx.document import Document as WordDocument

SUPPORTED = ("txt", "csv", "md", "xlsx", "docx")
DEFAULT_MAX_MB = 20.0  # the default of the `max_upload_mb` setting; callers pass the configured value

# Limits for Excel and Word files. Office files pack 5-10x (XML compresses well), so ten times the
# upload limit lets through every honest file that passed the upload limit; 200 MB is the most the
# readers handle in reasonable time on an office PC (openpyxl: ~7 s and pandas ~10 s per 20 MB of sheet
# XML, measured).
UNPACKED_FACTOR = 10
MAX_UNPACKED_MB = 200.0
# One part: openpyxl streams a worksheet row by row, but python-docx builds the whole tree of
# word/document.xml (measured ~1 s and ~16 MB of memory per MB of XML), so Word parts get less.
MAX_PART_MB_XLSX = 100.0
MAX_PART_MB_DOCX = 25.0
# Packing ratio: honest sheets and documents pack 5-30x; 100x is where Apache POI draws the line
# (ZipSecureFile's minimum inflate ratio 0.01). Parts under 1 MB unpacked are harmless at any ratio.
MAX_RATIO = 100
RATIO_GRACE_BYTES = 1_000_000
# Part count: a workbook or document has a few dozen parts (Apache POI allows 1000). Listing a zip
# costs memory per entry, so the count and the directory size are read from the end record first.
MAX_PARTS = 1000
MAX_DIRECTORY_BYTES = MAX_PARTS * 1024
_CHUNK = 1 << 20  # the check unpacks each part in pieces of 1 MB, never a whole part at once


@dataclass(frozen=True)
class OfficeFormat:
    """German wording and the part limit for one kind of office file."""

    unreadable: str  # completes "„name“ ist …"
    resave: str
    shrink: str
    repair: str
    max_part_mb: float


EXCEL = OfficeFormat(
    unreadable="keine lesbare Excel-Datei (.xlsx)",
    resave="Öffnen Sie die Datei in Excel und speichern Sie sie erneut als „Excel-Arbeitsmappe (.xlsx)“.",
    shrink="Speichern Sie nur die benötigten Tabellenblätter und Spalten in einer neuen Arbeitsmappe, teilen "
    "Sie die Tabelle auf mehrere Dateien auf oder speichern Sie sie als CSV.",
    repair="Öffnen Sie die Datei in Excel (Excel bietet dann an, sie zu reparieren) und speichern Sie sie "
    "erneut als „Excel-Arbeitsmappe (.xlsx)“ oder das Tabellenblatt als CSV.",
    max_part_mb=MAX_PART_MB_XLSX,
)
WORD = OfficeFormat(
    unreadable="kein lesbares Word-Dokument (.docx)",
    resave="Öffnen Sie die Datei in Word und speichern Sie sie erneut als „Word-Dokument (.docx)“.",
    shrink="Teilen Sie das Dokument auf mehrere Dateien auf, entfernen Sie große Bilder oder speichern Sie den "
    "Text als TXT-Datei.",
    repair="Öffnen Sie die Datei in Word (Word bietet dann an, den Text wiederherzustellen) und speichern Sie "
    "sie erneut als „Word-Dokument (.docx)“ oder den Text als TXT-Datei.",
    max_part_mb=MAX_PART_MB_DOCX,
)
_FOREIGN = " Wenn Sie die Datei nicht selbst erstellt haben, fragen Sie beim Absender nach."

# What openpyxl, pandas and python-docx raise on a broken part: XML errors (ElementTree's ParseError
# and lxml's XMLSyntaxError are SyntaxErrors; defusedxml's refusals are ValueErrors), odd values in
# cells, and unpacking errors.
PARSE_ERRORS: tuple[type[Exception], ...] = (
    SyntaxError,
    ValueError,
    KeyError,
    TypeError,
    IndexError,
    EOFError,
    zipfile.BadZipFile,
    zlib.error,
)
_UNPACK_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    NotImplementedError,  # a packing method zipfile does not know (e.g. Deflate64)
    RuntimeError,  # encrypted part
    OSError,
    ValueError,
)


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


def read_document(name: str, data: bytes, *, max_mb: float = DEFAULT_MAX_MB) -> str:
    """The text of an uploaded file; `max_mb` (the upload limit) sets how far an office file may unpack."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else "txt"
    if not data:
        raise WorkbenchError(f"Die Datei „{name}“ ist leer.", "Wählen Sie eine Datei mit Inhalt.")
    if suffix in ("txt", "csv", "md", "text"):
        return decode_text(data)
    if suffix == "xlsx":
        return _read_xlsx(name, data, max_mb)
    if suffix == "docx":
        return _read_docx(name, data, max_mb)
    raise WorkbenchError(
        f"Das Format „.{suffix}“ wird nicht unterstützt.",
        "Möglich sind TXT, CSV, XLSX und DOCX. Speichern Sie die Datei in einem dieser Formate.",
    )


def _read_xlsx(name: str, data: bytes, max_mb: float) -> str:
    check_office_file(name, data, EXCEL, max_mb=max_mb)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except SyntaxError as exc:
        raise broken_office_file(name, EXCEL) from exc
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise unreadable_office_file(name, EXCEL) from exc
    lines = []
    where = "der Inhalt"
    try:
        for sheet in workbook.worksheets:
            where = f"das Tabellenblatt „{sheet.title}“"
            lines.append(f"[{sheet.title}]")
            for row in sheet.iter_rows(values_only=True):  # read-only: the sheet XML is parsed here
                cells = ["" if value is None else str(value) for value in row]
                if any(cells):
                    lines.append("\t".join(cells))
    except PARSE_ERRORS as exc:
        raise broken_office_file(name, EXCEL, where) from exc
    finally:
        workbook.close()
    if len(lines) == len(workbook.sheetnames):
        raise WorkbenchError(
            f"„{name}“ enthält keine ausgefüllten Zellen.",
            "Prüfen Sie, ob Sie die richtige Datei gewählt haben.",
        )
    return "\n".join(lines)


def _read_docx(name: str, data: bytes, max_mb: float) -> str:
    check_office_file(name, data, WORD, max_mb=max_mb)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))  # parses every XML part here
    except SyntaxError as exc:
        raise broken_office_file(name, WORD) from exc
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise unreadable_office_file(name, WORD) from exc
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    # Offsets into the body stay as they were: the other parts only follow it.
    extras = _WordExtras()
    try:
        extras.read(document)
    except _EXTRA_ERRORS as exc:
        raise broken_office_file(name, WORD, extras.where) from exc
    for label, text in extras.blocks:
        parts.append(f"\n{label}:\n{text}")
    return "\n".join(parts)


# WordprocessingML names for the parts python-docx has no API for (text boxes, notes, comments).
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_INLINE_TEXT = {f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}
_BRANCHES = (f"{_MC}Choice", f"{_MC}Fallback")
_EXTRA_ERRORS: tuple[type[Exception], ...] = (*PARSE_ERRORS, RecursionError)
_HEADERS_FOOTERS = (
    ("header", "Kopfzeile"),
    ("first_page_header", "Kopfzeile der ersten Seite"),
    ("even_page_header", "Kopfzeile der geraden Seiten"),
    ("footer", "Fußzeile"),
    ("first_page_footer", "Fußzeile der ersten Seite"),
    ("even_page_footer", "Fußzeile der geraden Seiten"),
)
# Notes and comments: relationship type, the element of one entry, the labels of the block and its text boxes.
_NOTES = (
    ("footnotes", "footnote", "Fußnoten", "Textfeld in den Fußnoten"),
    ("endnotes", "endnote", "Endnoten", "Textfeld in den Endnoten"),
    ("comments", "comment", "Kommentare", "Textfeld in den Kommentaren"),
)
_Element = Any  # an lxml element of a Word part (lxml ships no type information)


class _WordExtras:
    """The parts of a Word document after its body, as (German label, text) blocks.

    Each text box (`w:txbxContent`) gets a block of its own, after the part that shows it. A DrawingML
    text box usually comes twice, in `mc:Choice` and as the VML copy in `mc:Fallback`: only one branch
    is read (see `_chosen`). A header or footer shared by several sections is read once, one linked to
    the previous section not at all; a block whose text an earlier block already gave is left out.
    """

    def __init__(self) -> None:
        self.where = "der Inhalt"  # names the part being read, for the error message
        self.blocks: list[tuple[str, str]] = []
        self._seen: set[str] = set()

    def read(self, document: WordDocument) -> None:
        self._add_boxes(document.element.body, "Textfeld")
        sections = list(document.sections)
        read_parts: set[str] = set()
        for number, section in enumerate(sections, start=1):
            for attribute, label in _HEADERS_FOOTERS:
                header_footer = getattr(section, attribute)
                # Asked first: for a linked one, `.part` would fetch the previous definition or add one.
                if header_footer.is_linked_to_previous:
                    continue
                part = header_footer.part
                if str(part.partname) in read_parts:
                    continue
                read_parts.add(str(part.partname))
                if len(sections) > 1:
                    label = f"{label} (Abschnitt {number})"
                self.where = f"die {label}"
                self._add(label, _block_lines(part.element))
                self._add_boxes(part.element, f"Textfeld in der {label}")
        for reltype, entry, label, boxes_label in _NOTES:
            for root in self._related_roots(document, reltype):
                lines: list[str] = []
                for element in root.iter(f"{_W}{entry}"):
                    if element.get(f"{_W}type") in (None, "normal"):  # not a separator line
                        lines.extend(_block_lines(element))
                self._add(label, lines)
                self._add_boxes(root, boxes_label)

    def _add_boxes(self, root: _Element, label: str) -> None:
        pending = _text_boxes(root)[::-1]  # a stack: the next box is last
        while pending:
            box = pending.pop()
            self._add(label, _block_lines(box))
            pending.extend(_text_boxes(box)[::-1])  # a text box inside this one comes next

    def _add(self, label: str, lines: Iterable[str]) -> None:
        text = "\n".join(line for line in lines if line.strip())
        if text and text not in self._seen:
            self._seen.add(text)
            self.blocks.append((label, text))

    def _related_roots(self, document: WordDocument, reltype: str) -> Iterator[_Element]:
        """The XML of the document's parts of this type (python-docx leaves notes unparsed)."""
        from docx.opc.part import XmlPart
        from docx.oxml.parser import parse_xml

        for rel in list(document.part.rels.values()):
            if rel.is_external or rel.reltype != _RELATIONSHIPS + reltype:
                continue
            part = rel.target_part
            self.where = f"der Bestandteil {str(part.partname).lstrip('/')}"
            # The part passed check_office_file (size, no DTD); python-docx's parser resolves no entities.
            yield part.element if isinstance(part, XmlPart) else parse_xml(part.blob)


def _text_boxes(root: _Element) -> list[_Element]:
    """The text boxes under `root` that are neither inside another one nor in a branch not read."""
    found = []
    for box in root.iter(f"{_W}txbxContent"):
        if box is root:
            continue
        for ancestor in box.iterancestors():
            if ancestor is root:
                found.append(box)
                break
            if ancestor.tag == f"{_W}txbxContent":
                break
            if ancestor.tag in _BRANCHES and _chosen(ancestor.getparent()) is not ancestor:
                break
    return found


def _chosen(alternate: _Element) -> _Element | None:
    """The branch of an `mc:AlternateContent` that is read: the first choice with text, else the fallback."""
    if alternate is None:
        return None
    branches = list(alternate)
    for branch in branches:
        if branch.tag == f"{_MC}Choice" and next(branch.iter(f"{_W}t"), None) is not None:
            return branch
    fallback = next((b for b in branches if b.tag == f"{_MC}Fallback"), None)
    return fallback if fallback is not None else next((b for b in branches if b.tag == f"{_MC}Choice"), None)


def _children(element: _Element) -> Iterator[_Element]:
    """The child elements, with an `mc:AlternateContent` replaced by the content of its chosen branch."""
    for child in element:
        if child.tag == f"{_MC}AlternateContent":
            branch = _chosen(child)
            if branch is not None:
                yield from _children(branch)
        elif isinstance(child.tag, str):  # not an XML comment or processing instruction
            yield child


def _block_lines(container: _Element) -> Iterator[str]:
    """Paragraphs and table rows under `container`, in order, also inside content controls.

    A table row is one line, its cells joined by tabs, like the body's. Text boxes are left out (see
    `_text_boxes`). The XML parser allows a depth of 256, which bounds the recursion.
    """
    for child in _children(container):
        if child.tag == f"{_W}p":
            yield _paragraph_text(child)
        elif child.tag == f"{_W}tr":
            yield "\t".join("\n".join(_block_lines(cell)) for cell in _cells(child))
        elif child.tag != f"{_W}txbxContent":
            yield from _block_lines(child)


def _cells(row: _Element) -> Iterator[_Element]:
    for child in _children(row):
        if child.tag == f"{_W}tc":
            yield child
        else:  # a cell inside a content control
            yield from _cells(child)


def _paragraph_text(paragraph: _Element) -> str:
    """The text of a paragraph, including content controls, tracked insertions and fields' results."""
    pieces = []
    stack = list(_children(paragraph))[::-1]
    while stack:
        element = stack.pop()
        if element.tag == f"{_W}t":
            pieces.append(element.text or "")
        elif element.tag in _INLINE_TEXT:
            pieces.append(_INLINE_TEXT[element.tag])
        elif element.tag != f"{_W}txbxContent":
            stack.extend(list(_children(element))[::-1])
    return "".join(pieces)


def unreadable_office_file(name: str, kind: OfficeFormat) -> FileRefused:
    return FileRefused(f"„{name}“ ist {kind.unreadable}.", kind.resave)


def broken_office_file(name: str, kind: OfficeFormat, where: str = "der Inhalt") -> FileRefused:
    """A part whose XML (or a value in it) the reader cannot understand."""
    return FileRefused(f"„{name}“ ist beschädigt: {where} ist fehlerhaft aufgebaut.", kind.repair)


def check_office_file(name: str, data: bytes, kind: OfficeFormat, *, max_mb: float = DEFAULT_MAX_MB) -> None:
    """Refuse an XLSX/DOCX that would unpack too far or carries a DTD, before any parser sees it.

    First the sizes the zip directory declares (nothing unpacked), then one pass that unpacks every
    part in 1 MB pieces, counting: a part larger than declared is refused at once. The same pass reads
    the start of each XML part up to its root element with defusedxml, which refuses any DTD.
    """
    total_limit = min(UNPACKED_FACTOR * max_mb, MAX_UNPACKED_MB)
    part_limit = min(kind.max_part_mb, total_limit)
    declared = _declared_directory(data)
    if declared is not None and declared[0] > MAX_PARTS:
        raise _too_many_parts(name, kind, declared[0])
    if declared is not None and declared[1] > MAX_DIRECTORY_BYTES:  # few entries with huge names
        raise FileRefused(
            f"„{name}“ ist beschädigt: Das Inhaltsverzeichnis der Datei ist ungewöhnlich groß "
            f"({_mb(declared[1])} MB).",
            kind.resave + _FOREIGN,
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error) as exc:
        raise unreadable_office_file(name, kind) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_PARTS:
            raise _too_many_parts(name, kind, len(infos))
        total = sum(info.file_size for info in infos)
        if total > total_limit * 1_000_000:
            raise FileRefused(
                f"„{name}“ ist {_mb(len(data))} MB groß, entpackt sich aber auf über {total_limit:g} MB "
                f"({_mb(total)} MB). So viel kann die Werkbank nicht sicher verarbeiten.",
                kind.shrink,
            )
        for info in infos:
            if info.file_size > part_limit * 1_000_000:
                raise FileRefused(
                    f"„{name}“ ist {_mb(len(data))} MB groß, aber ein Bestandteil ({info.filename}) entpackt "
                    f"sich auf über {part_limit:g} MB ({_mb(info.file_size)} MB). So viel kann die Werkbank "
                    "nicht sicher verarbeiten.",
                    kind.shrink,
                )
            if info.file_size > RATIO_GRACE_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                ratio = info.file_size // max(info.compress_size, 1)
                raise FileRefused(
                    f"„{name}“ ist ungewöhnlich stark gepackt: {info.filename} wird beim Entpacken "
                    f"{_count(ratio)}-mal so groß ({_mb(info.compress_size)} MB werden zu {_mb(info.file_size)} "
                    f"MB; erlaubt ist höchstens das {MAX_RATIO}-Fache). Solche Dateien können den Rechner "
                    "lahmlegen und werden nicht geöffnet.",
                    kind.resave + _FOREIGN,
                )
        for info in infos:
            _unpack_and_check(name, kind, archive, info)


def _unpack_and_check(name: str, kind: OfficeFormat, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    prolog = _PrologCheck(name, kind, info.filename)
    size = 0
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(_CHUNK):
                size += len(chunk)
                # zipfile itself stops at the declared size; this guards a reader that would not. As
                # declared sizes passed the limits above, this also keeps every part within them.
                if size > info.file_size:
                    raise FileRefused(
                        f"„{name}“ ist beschädigt: {info.filename} ist größer als im Inhaltsverzeichnis "
                        "der Datei angegeben.",
                        kind.resave + _FOREIGN,
                    )
                prolog.feed(chunk)
    except _UNPACK_ERRORS as exc:  # wrong checksum (e.g. a header that understated the size), bad data
        raise FileRefused(
            f"„{name}“ ist beschädigt: {info.filename} lässt sich nicht entpacken.", kind.resave
        ) from exc


class _RootReached(Exception):
    """The prolog is over: no DTD can follow the first element."""


class _StopAtRoot(ContentHandler):
    def startElement(self, name: str, attrs: object) -> None:
        raise _RootReached


class _PrologCheck:
    """Reads a part up to its root element with defusedxml, which refuses a DTD (and so any entity).

    A DTD may only stand before the root element, so the rest of the part need not be parsed. Parts
    that are not XML (images) are skipped; a part named .xml or .rels must at least start as XML.
    """

    def __init__(self, name: str, kind: OfficeFormat, part: str) -> None:
        self.name, self.kind, self.part = name, kind, part
        self.active = True
        self.parser = DefusedExpatParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
        self.parser.setContentHandler(_StopAtRoot())

    def feed(self, chunk: bytes) -> None:
        if not self.active:
            return
        try:
            self.parser.feed(chunk)
        except _RootReached:
            self.active = False
        except DefusedXmlException as exc:
            self.active = False
            raise FileRefused(
                f"„{self.name}“ enthält in {self.part} eine Dokumenttyp-Definition (DTD). In Excel- und "
                "Word-Dateien kommt so etwas nicht vor; damit lassen sich Inhalte vervielfachen oder fremde "
                "Dateien einlesen. Die Datei wird deshalb nicht geöffnet.",
                self.kind.resave + _FOREIGN,
            ) from exc
        except SAXParseException as exc:
            self.active = False
            if self.part.lower().endswith((".xml", ".rels")):
                raise broken_office_file(self.name, self.kind, f"der Bestandteil {self.part}") from exc


def _declared_directory(data: bytes) -> tuple[int, int] | None:
    """Entry count and central directory size from the zip's end record, or None if there is none.

    zipfile builds an object for every entry while opening a file; reading these two numbers first
    keeps a zip of a million empty entries from costing seconds and hundreds of MB.
    """
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 0xFFFF))
    if end < 0 or end + 22 > len(data):
        return None
    entries, directory_size = struct.unpack_from("<HI", data, end + 10)
    if entries == 0xFFFF or directory_size == 0xFFFFFFFF:  # ZIP64: the real numbers sit in its end record
        locator = end - 20
        if locator >= 0 and data[locator : locator + 4] == b"PK\x06\x07":
            (offset,) = struct.unpack_from("<Q", data, locator + 8)
            if offset + 56 <= len(data) and data[offset : offset + 4] == b"PK\x06\x06":
                entries, directory_size = struct.unpack_from("<QQ", data, offset + 32)
    return entries, directory_size


def _too_many_parts(name: str, kind: OfficeFormat, count: int) -> FileRefused:
    return FileRefused(
        f"„{name}“ besteht aus {_count(count)} Teildateien; geöffnet werden Dateien mit höchstens "
        f"{_count(MAX_PARTS)} Teildateien (üblich sind wenige Dutzend).",
        kind.resave + _FOREIGN,
    )


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f}".replace(".", ",")


def _count(number: int) -> str:
    return f"{number:,}".replace(",", ".")
