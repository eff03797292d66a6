"""Table cells under a column whose header names people or birth dates."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from workbench.privacy.organisations import _is_organisation

# --- tables ---------------------------------------------------------------------------------------

_NAME_HEADER = re.compile(
    r"(?i)^(?:name|vorname|vornamen|nachname|familienname|geburtsname|name, ?vorname|vorname,? ?name|teilnehmer(?:in)?|"
    r"teilnehmende|kind|antragsteller(?:in)?|empfänger(?:in)?|beschäftigte[r]?|mitarbeiter(?:in)?|person|halter(?:in)?|"
    r"schüler(?:in)?|bewerber(?:in)?|erziehungsberechtigte[r]?|patient(?:in)?|mieter(?:in)?|eigentümer(?:in)?)$"
)
_BIRTH_HEADER = re.compile(r"(?i)^(?:geb\.?|geboren|geburtsdatum|geb\.-datum|geburtstag)$")


_TABLE_HEADER_HINT = re.compile(
    r"(?i)(?:^|[|;\t])[ \t]*(?:name|vornamen?|nachname|familienname|geburtsname|teilnehmer|teilnehmende|kind|"
    r"antragsteller|empfänger|beschäftigte|mitarbeiter|person|halter|schüler|bewerber|erziehungsberechtigte|patient|"
    r"mieter|eigentümer|geb\.?|geboren|geburtsdatum|geburtstag)"
)


@lru_cache(maxsize=4)
def _header_lines(text: str) -> tuple[tuple[int, str], ...]:
    """Lines that may head a table (a separator and a header word), with the index where they end.

    Only lines holding a separator are looked at; both the person and the birth-date columns use
    the same lines, so they are found once per text."""
    if "|" not in text and ";" not in text and "\t" not in text:
        return ()
    found = []
    position = 0
    for line in text.split("\n"):
        if ("|" in line or ";" in line or "\t" in line) and _TABLE_HEADER_HINT.search(line):
            found.append((position + len(line), line))
        position += len(line) + 1
    return tuple(found)


def _find_table_cells(
    text: str, header_pattern: re.Pattern[str], *, people: bool = False
) -> Iterator[tuple[int, int]]:
    """Cells under a column whose header names people (or birth dates) in | ; or tab separated tables.

    With `people`, cells naming an organisation ("Musterstädter Wohnungsbau eG") are left out.
    """
    for header_end, header in _header_lines(text):
        separator = next((s for s in ("|", ";", "\t") if s in header), "")
        if not separator:
            continue
        columns = {i for i, cell in enumerate(header.split(separator)) if header_pattern.match(cell.strip())}
        if not columns:
            continue
        position = header_end + 1
        while position < len(text):
            line_end = text.find("\n", position)
            line_end = len(text) if line_end == -1 else line_end
            line = text[position:line_end].rstrip("\r")
            if separator not in line:
                break
            offset = position
            for index, cell in enumerate(line.split(separator)):
                value = cell.strip()
                if (
                    index in columns
                    and value
                    and not value.isdigit()
                    and not (people and _is_organisation(value))
                ):
                    cell_start = offset + len(cell) - len(cell.lstrip())
                    yield cell_start, cell_start + len(value)
                offset += len(cell) + len(separator)
            position = line_end + 1
