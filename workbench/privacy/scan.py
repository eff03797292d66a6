"""Scan a text: every detector on the normalised text, overlaps resolved, offsets into the original."""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Any, NamedTuple

from workbench.privacy import parts
from workbench.privacy.addresses import _find_addresses
from workbench.privacy.emails import _find_emails
from workbench.privacy.health import _find_health
from workbench.privacy.identifiers import (
    _find_birth_dates,
    _find_case_numbers,
    _find_iban,
    _find_id_card,
    _find_rvnr,
    _find_tax_id,
    _find_vat,
)
from workbench.privacy.names import _find_names
from workbench.privacy.normalize import normalize
from workbench.privacy.patterns import _strip
from workbench.privacy.phones import _find_phones
from workbench.privacy.plates import _find_plates
from workbench.privacy.tables import _BIRTH_HEADER, _NAME_HEADER, _find_table_cells

KIND_LABELS = {
    "PERSON": "Name einer Person",
    "ADDRESS": "Anschrift",
    "BIRTH_DATE": "Geburtsdatum",
    "EMAIL": "E-Mail-Adresse",
    "PHONE": "Telefonnummer",
    "IBAN": "IBAN (Bankverbindung)",
    "TAX_ID": "Steuer-Identifikationsnummer",
    "SOCIAL_SECURITY_NUMBER": "Renten-/Sozialversicherungsnummer",
    "ID_CARD": "Ausweis- oder Passnummer",
    "LICENSE_PLATE": "Kfz-Kennzeichen",
    "CASE_NUMBER": "Aktenzeichen",
    "HEALTH": "Gesundheitsangabe (Art. 9 DSGVO)",
    "VAT_ID": "Umsatzsteuer-Identifikationsnummer",
}

# The word a placeholder carries in pseudonymised text, e.g. "[NAME_1]": German, because people and
# the model read it. Upper-case letters and hyphens only, so `restore` and `StreamRestorer` can tell
# placeholders from other bracketed text. The kind codes themselves stay internal (logs, counts).
PLACEHOLDER_WORDS = {
    "PERSON": "NAME",
    "ADDRESS": "ANSCHRIFT",
    "BIRTH_DATE": "GEBURTSDATUM",
    "EMAIL": "E-MAIL",
    "PHONE": "TELEFON",
    "IBAN": "IBAN",
    "TAX_ID": "STEUER-ID",
    "SOCIAL_SECURITY_NUMBER": "SOZIALVERSICHERUNGSNUMMER",
    "ID_CARD": "AUSWEIS",
    "LICENSE_PLATE": "KENNZEICHEN",
    "CASE_NUMBER": "AKTENZEICHEN",
    "HEALTH": "GESUNDHEIT",
    "VAT_ID": "UST-IDNR",
}
_KIND_BY_WORD = {word: kind for kind, word in PLACEHOLDER_WORDS.items()}

# When candidates overlap, the earlier kind wins: validated identifiers before context guesses.
PRIORITY = (
    "EMAIL",
    "IBAN",
    "VAT_ID",
    "TAX_ID",
    "SOCIAL_SECURITY_NUMBER",
    "ID_CARD",
    "LICENSE_PLATE",
    "BIRTH_DATE",
    "PHONE",
    "CASE_NUMBER",
    "ADDRESS",
    "PERSON",
    "HEALTH",
)
_RANK = {kind: index for index, kind in enumerate(PRIORITY)}


class Finding(NamedTuple):
    """One finding: its kind code, its span in the scanned text, and that text.

    A named tuple rather than a frozen dataclass: a dense text yields thousands of findings, and a
    tuple is several times quicker to create."""

    kind: str
    start: int
    end: int
    text: str

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def placeholder_word(self) -> str:
        """The German word of its placeholder, e.g. "NAME" for a person."""
        return PLACEHOLDER_WORDS[self.kind]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }


# --- scan ------------------------------------------------------------------------------------------

_DETECTORS = (
    ("EMAIL", _find_emails),
    ("IBAN", _find_iban),
    ("VAT_ID", _find_vat),
    ("TAX_ID", _find_tax_id),
    ("SOCIAL_SECURITY_NUMBER", _find_rvnr),
    ("ID_CARD", _find_id_card),
    ("LICENSE_PLATE", _find_plates),
    ("BIRTH_DATE", _find_birth_dates),
    ("PHONE", _find_phones),
    ("CASE_NUMBER", _find_case_numbers),
    ("ADDRESS", _find_addresses),
    ("PERSON", _find_names),
    ("PERSON", lambda text: _find_table_cells(text, _NAME_HEADER, people=True)),
    ("BIRTH_DATE", lambda text: _find_table_cells(text, _BIRTH_HEADER)),
    ("HEALTH", _find_health),
)


_BY_POSITION = itemgetter(1, 2)


def _resolve(candidates: Iterable[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Keep one finding per stretch of text: higher-priority kinds first, then longer spans.

    Most candidates overlap no other one: a sweep by position splits them into groups of
    overlapping candidates, and only groups of two or more need choosing."""
    chosen: list[tuple[str, int, int]] = []
    group: list[tuple[str, int, int]] = []
    group_end = -1
    for candidate in sorted(set(candidates), key=_BY_POSITION):
        if candidate[1] >= group_end:
            chosen.extend(_choose(group))
            group = [candidate]
            group_end = candidate[2]
        else:
            group.append(candidate)
            group_end = max(group_end, candidate[2])
    chosen.extend(_choose(group))
    return chosen


def _choose(group: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """The disjoint candidates to keep out of a group, sorted by position."""
    if len(group) < 2:
        return group
    starts: list[int] = []  # chosen spans, sorted and disjoint
    ends: list[int] = []
    chosen: list[tuple[str, int, int]] = []
    for kind, start, end in sorted(group, key=lambda c: (_RANK[c[0]], -(c[2] - c[1]), c[1])):
        index = bisect.bisect_right(starts, start)
        if index and ends[index - 1] > start:
            continue  # overlaps the chosen span on its left
        if index < len(starts) and starts[index] < end:
            continue  # overlaps the chosen span on its right
        starts.insert(index, start)
        ends.insert(index, end)
        chosen.append((kind, start, end))
    return sorted(chosen, key=lambda c: (c[1], c[2]))


_EDGE = " \t\n,;"


def scan(text: str) -> list[Finding]:
    """Find personal data in `text`. Offsets index into `text`; results are sorted and do not overlap."""
    if not text:
        return []
    found = parts.scan_in_parts(text, _scan_part)  # a large text on several cores
    spans = _spans(text) if found is None else _join(found)
    return [Finding(kind, start, end, text[start:end]) for kind, start, end in spans]


def _scan_part(window: str, keep_from: int, keep_to: int) -> list[tuple[str, int, int]]:
    """The findings of `window` that start in `window[keep_from:keep_to]` (runs in a worker process)."""
    return [found for found in _spans(window) if keep_from <= found[1] < keep_to]


def _join(parts_found: list[list[tuple[str, int, int]]]) -> list[tuple[str, int, int]]:
    """The findings of consecutive parts as one list, as if the text had been resolved in one pass.

    Each part's findings are sorted and disjoint, and each starts inside its part: only the last
    finding of a part can reach into the next one, so only there candidates need choosing again."""
    joined: list[tuple[str, int, int]] = []
    for found in parts_found:
        if joined and found and found[0][1] < joined[-1][2]:
            reach = joined[-1][2]
            overlapping = next((i for i, f in enumerate(found) if f[1] >= reach), len(found))
            joined[-1:] = _resolve([joined[-1], *found[:overlapping]])
            found = found[overlapping:]
        joined.extend(found)
    return joined


def _spans(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of each finding in `text`, sorted and disjoint."""
    # Detect on the normalised text (no zero-width characters, full-width digits, look-alikes),
    # report offsets into the original.
    normal = normalize(text)
    plain = normal.text
    candidates = []
    for kind, detector in _DETECTORS:
        for start, end in detector(plain):
            if plain[start] in _EDGE or plain[end - 1] in _EDGE:
                start, end = _strip(plain, start, end, _EDGE)
            if end > start:
                candidates.append((kind, start, end))
    resolved = _resolve(candidates)  # on the normalised text, then mapped back to the original
    spans = normal.spans([(start, end) for _, start, end in resolved])
    return [(kind, start, end) for (kind, _, _), (start, end) in zip(resolved, spans, strict=True)]


@dataclass(frozen=True)
class MessageFinding:
    """A finding in one message of a chat request."""

    message: int
    finding: Finding


def scan_messages(messages: Iterable[dict[str, Any]]) -> list[MessageFinding]:
    """Scan every text that would leave: user input, earlier answers, rendered data, tool results."""
    found: list[MessageFinding] = []
    for index, message in enumerate(messages):
        content = message.get("content")
        if isinstance(content, str):
            found.extend(MessageFinding(index, f) for f in _scan_once(content))
    return found


@lru_cache(maxsize=1024)
def _scan_once(text: str) -> tuple[Finding, ...]:
    """`scan` remembered by content: a conversation resends its earlier turns with every question, and
    each of them is checked only the first time (findings are immutable, the detector is pure)."""
    return tuple(scan(text))


def summarize(findings: Iterable[Finding]) -> dict[str, int]:
    """Kinds and counts only, never values: what may be logged."""
    return dict(Counter(f.kind for f in findings))


def describe(counts: dict[str, int]) -> str:
    """German list of kinds and counts, e.g. "1 × IBAN (Bankverbindung), 2 × Name einer Person"."""
    return ", ".join(
        f"{n} × {KIND_LABELS.get(kind, kind)}"
        for kind, n in sorted(counts.items(), key=lambda kv: _RANK.get(kv[0], 99))
    )


def recommend_schutzstufe(findings: Iterable[Finding]) -> tuple[int, str]:
    """The Schutzstufe the text calls for, with the German reason."""
    counts = summarize(findings)
    if counts:
        return 2, (
            f"Schutzstufe 2: Der Text enthält personenbezogene Daten ({describe(counts)}). Verwenden Sie nur "
            "freigegebene lokale Dienste – oder entfernen bzw. pseudonymisieren Sie die Angaben."
        )
    return 1, (
        "Schutzstufe 1 ist möglich: Es wurden keine personenbezogenen Daten gefunden. Prüfen Sie selbst, ob der "
        "Text Amts-, Dienst- oder Geschäftsgeheimnisse enthält – die erkennt die Werkbank nicht."
    )
