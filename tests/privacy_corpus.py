"""Loader for the labelled German privacy corpus in ``tests/privacy_corpus/*.txt``.

File format (UTF-8): every document starts with a header line

    === <doc-id> | <category> | positive ===
    === <doc-id> | <category> | negative ===

followed by its text up to the next header. Entities are marked inline as ``⟦KIND|surface text⟧``
(U+27E6 / U+27E7); a marker may span line breaks (an address block of street line and PLZ line),
markers are never nested. Blank lines and lines starting with ``#`` before the first header are file
comments. The loader removes the markers and returns the clean text with exact character offsets,
``doc.text[e.start:e.end] == e.text``. Leading blank lines and trailing whitespace of every document are
stripped; everything in between is kept as written.

Anything malformed raises ``ValueError`` naming the file and line, so a broken corpus fails loudly
instead of silently shifting offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent / "privacy_corpus"

OPEN = "\u27e6"  # ⟦
CLOSE = "\u27e7"  # ⟧
SEPARATOR = "|"

STRUCTURED_KINDS: tuple[str, ...] = (
    "IBAN",
    "TAX_ID",
    "SOCIAL_SECURITY_NUMBER",
    "ID_CARD",
    "EMAIL",
    "PHONE",
    "LICENSE_PLATE",
)
SOFT_KINDS: tuple[str, ...] = ("PERSON", "ADDRESS", "BIRTH_DATE", "CASE_NUMBER")
REQUIRED_KINDS: tuple[str, ...] = SOFT_KINDS + STRUCTURED_KINDS
OPTIONAL_KINDS: tuple[str, ...] = ("HEALTH", "VAT_ID")
KINDS: frozenset[str] = frozenset(REQUIRED_KINDS + OPTIONAL_KINDS)

HEADER_RE = re.compile(
    r"^=== (?P<id>[A-Za-z0-9][A-Za-z0-9._-]*) \| (?P<category>[a-z0-9_/-]+) \| (?P<polarity>positive|negative) ===$"
)


@dataclass(frozen=True)
class Entity:
    kind: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Document:
    id: str
    category: str
    positive: bool
    text: str
    entities: tuple[Entity, ...]
    source: str  # file name, e.g. "bescheide.txt"


@dataclass
class _RawDocument:
    id: str
    category: str
    positive: bool
    header_line: int
    lines: list[str]


def _error(source: str, line: int, message: str) -> ValueError:
    return ValueError(f"{source}:{line}: {message}")


def _strip_block(lines: list[str], first_line: int) -> tuple[str, int]:
    """Drop leading blank lines and trailing whitespace; return the text and the line number it starts on."""
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    text = "\n".join(lines[start:]).rstrip()
    return text, first_line + start


def _parse_markers(raw: str, source: str, first_line: int) -> tuple[str, tuple[Entity, ...]]:
    """Remove the ⟦KIND|text⟧ markers from ``raw``; return the clean text and the entities."""
    clean: list[str] = []
    entities: list[Entity] = []
    length = 0  # length of the clean text so far
    line = first_line
    i = 0
    while i < len(raw):
        char = raw[i]
        if char == CLOSE:
            raise _error(source, line, f"'{CLOSE}' without an opening '{OPEN}'")
        if char != OPEN:
            clean.append(char)
            length += 1
            if char == "\n":
                line += 1
            i += 1
            continue
        open_line = line
        end = raw.find(CLOSE, i + 1)
        if end == -1:
            raise _error(source, open_line, f"'{OPEN}' is never closed")
        body = raw[i + 1 : end]
        if OPEN in body:
            raise _error(source, open_line, "nested or unclosed marker")
        kind, sep, surface = body.partition(SEPARATOR)
        if not sep:
            raise _error(source, open_line, f"marker without '{SEPARATOR}' between kind and text: {body!r}")
        if kind not in KINDS:
            raise _error(source, open_line, f"unknown entity kind {kind!r}")
        if not surface.strip():
            raise _error(source, open_line, f"empty {kind} entity")
        if surface != surface.strip():
            raise _error(source, open_line, f"{kind} entity with leading or trailing whitespace: {surface!r}")
        entities.append(Entity(kind=kind, start=length, end=length + len(surface), text=surface))
        clean.append(surface)
        length += len(surface)
        line += surface.count("\n")
        i = end + 1
    return "".join(clean), tuple(entities)


def _build(raw_doc: _RawDocument, source: str) -> Document:
    raw, first_line = _strip_block(raw_doc.lines, raw_doc.header_line + 1)
    if not raw:
        raise _error(source, raw_doc.header_line, f"document {raw_doc.id!r} is empty")
    text, entities = _parse_markers(raw, source, first_line)
    if not raw_doc.positive and entities:
        kinds = ", ".join(sorted({e.kind for e in entities}))
        raise _error(
            source, raw_doc.header_line, f"negative document {raw_doc.id!r} contains entities ({kinds})"
        )
    if raw_doc.positive and not entities:
        raise _error(source, raw_doc.header_line, f"positive document {raw_doc.id!r} has no entities")
    return Document(
        id=raw_doc.id,
        category=raw_doc.category,
        positive=raw_doc.positive,
        text=text,
        entities=entities,
        source=source,
    )


def _parse(content: str, source: str) -> list[tuple[Document, int]]:
    """Documents of one file, each with the line number of its header."""
    content = content.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    documents: list[tuple[Document, int]] = []
    current: _RawDocument | None = None
    for number, line in enumerate(content.split("\n"), start=1):
        if line.startswith("==="):
            match = HEADER_RE.match(line.rstrip())
            if not match:
                raise _error(
                    source,
                    number,
                    f"malformed header (expected '=== <id> | <category> | positive|negative ==='): {line!r}",
                )
            if current is not None:
                documents.append((_build(current, source), current.header_line))
            current = _RawDocument(
                id=match["id"],
                category=match["category"],
                positive=match["polarity"] == "positive",
                header_line=number,
                lines=[],
            )
        elif current is None:
            if line.strip() and not line.startswith("#"):
                raise _error(source, number, "text before the first document header")
        else:
            current.lines.append(line)
    if current is not None:
        documents.append((_build(current, source), current.header_line))
    return documents


def _check_unique(parsed: list[tuple[Document, int]], seen: dict[str, str]) -> None:
    for doc, line in parsed:
        if doc.id in seen:
            raise _error(doc.source, line, f"duplicate document id {doc.id!r} (first in {seen[doc.id]})")
        seen[doc.id] = f"{doc.source}:{line}"


def parse_corpus_text(content: str, source: str = "<string>") -> list[Document]:
    """Parse the content of one corpus file (``source`` is used in error messages and ``Document.source``)."""
    parsed = _parse(content, source)
    _check_unique(parsed, {})
    return [doc for doc, _ in parsed]


def load_corpus(folder: Path | None = None) -> list[Document]:
    """Load every ``*.txt`` file of the corpus folder (sorted by name); document ids must be unique."""
    folder = CORPUS_DIR if folder is None else Path(folder)
    files = sorted(folder.glob("*.txt"))
    if not files:
        raise ValueError(f"{folder}: no corpus files (*.txt)")
    documents: list[Document] = []
    seen: dict[str, str] = {}
    for path in files:
        try:
            content = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"{path.name}: not valid UTF-8 ({exc})") from exc
        parsed = _parse(content, path.name)
        _check_unique(parsed, seen)
        documents.extend(doc for doc, _ in parsed)
    return documents
