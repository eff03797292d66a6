"""Normalisation before the Datenschutz-Check: undo typing tricks, keep the way back to the original.

Personal data gets past a rule-based detector with characters a reader does not see or does not
tell apart: zero-width spaces inside an IBAN, soft hyphens, no-break spaces, full-width digits
("８９"), Cyrillic or Greek letters that look Latin ("DЕ89" with a Cyrillic Е), typographic dashes.
`normalize` maps each character on its own (NFKC, format characters removed, dashes and spaces
unified, look-alikes replaced) and records where every character of the result came from, so that
findings on the normalised text can be reported with offsets into the original text.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

# Letters of names (German and frequent foreign ones), for the character classes of the detectors.
UPPER = "A-ZÄÖÜÇŞĞİÉÈÁÀÓÒÚŁŻŹĆŃŚČŠŽŘĐ"
LOWER = "a-zäöüßéèáàâçğışñóòôúùûíìłżźćńśčšžřěýđęąõãë"

# Cyrillic and Greek letters that look like Latin ones: typed to hide an identifier from a filter.
LOOKALIKES = {
    # Cyrillic capitals
    "А": "A",
    "В": "B",
    "Е": "E",
    "К": "K",
    "М": "M",
    "Н": "H",
    "О": "O",
    "Р": "P",
    "С": "C",
    "Т": "T",
    "У": "Y",
    "Х": "X",
    "Ѕ": "S",
    "І": "I",
    "Ј": "J",
    # Cyrillic small letters
    "а": "a",
    "е": "e",
    "о": "o",
    "р": "p",
    "с": "c",
    "у": "y",
    "х": "x",
    "ѕ": "s",
    "і": "i",
    "ј": "j",
    "һ": "h",
    "ԁ": "d",
    # Greek capitals
    "Α": "A",
    "Β": "B",
    "Ε": "E",
    "Ζ": "Z",
    "Η": "H",
    "Ι": "I",
    "Κ": "K",
    "Μ": "M",
    "Ν": "N",
    "Ο": "O",
    "Ρ": "P",
    "Τ": "T",
    "Υ": "Y",
    "Χ": "X",
    # Greek small letters
    "ο": "o",
    "ι": "i",
    "κ": "k",
    "ν": "v",
    "ρ": "p",
    "τ": "t",
    "υ": "u",
}
DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")


@lru_cache(maxsize=4096)
def normalize_char(char: str) -> str:
    """The replacement of one character: "" for format characters, else its plain form."""
    if char in LOOKALIKES:
        return LOOKALIKES[char]
    if char in DASHES:
        return "-"
    category = unicodedata.category(char)
    if category == "Nd":
        return str(unicodedata.decimal(char))  # digits of other scripts ("٤٩", "４９") become ASCII
    if category == "Cf":
        return ""  # zero-width space and joiners, soft hyphen, BOM, bidi marks
    if category == "Zs":
        return " "
    value = unicodedata.normalize("NFKC", char)
    if len(value) == 1 and value in DASHES:
        return "-"
    return "".join(LOOKALIKES.get(c, c) for c in value)


# Characters `normalize` has to look at: not ASCII (tab and line breaks stay, the detectors tell them
# apart), and not one of the Latin letters and punctuation that stay as they are ("ä", "ß", "é", "„").
# German text is full of umlauts; skipping them keeps the pass cheap.
_KEPT = "".join(
    char
    for char in map(chr, [*range(0x80, 0x250), *range(0x2018, 0x2023), 0x20AC])
    if normalize_char(char) == char
)
_SPECIAL = re.compile(f"[^\\x00-\\x7f{re.escape(_KEPT)}]")


@dataclass(frozen=True)
class Normalized:
    """A normalised text and the edits that made it from the original.

    Each edit replaced one original character at `origins[i]` by `lengths[i]` characters that
    start at `positions[i]` in `text` (zero for a removed character).
    """

    original: str
    text: str
    positions: tuple[int, ...] = ()
    origins: tuple[int, ...] = ()
    lengths: tuple[int, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.positions)

    def _origin(self, index: int, *, end: bool) -> int:
        edit = bisect.bisect_right(self.positions, index) - 1
        if edit < 0:
            return index + end
        if index < self.positions[edit] + self.lengths[edit]:
            return self.origins[edit] + end  # inside a replacement: the whole original character
        return self.origins[edit] + 1 + index - self.positions[edit] - self.lengths[edit] + end

    def spans(self, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The original spans of many spans of `text` at once (as `span` does for one)."""
        if not self.positions or not spans:
            return spans
        if len(spans) < 64:
            return [self.span(start, end) for start, end in spans]
        pairs = np.array(spans, dtype=np.int64)
        starts = self._origins(pairs[:, 0])
        ends = np.where(pairs[:, 1] > pairs[:, 0], self._origins(pairs[:, 1] - 1) + 1, starts)
        return list(zip(starts.tolist(), ends.tolist(), strict=True))

    def _origins(self, index: np.ndarray) -> np.ndarray:
        """`_origin(i, end=False)` for an array of indices."""
        positions = np.array(self.positions, dtype=np.int64)
        lengths = np.array(self.lengths, dtype=np.int64)
        origins = np.array(self.origins, dtype=np.int64)
        edit = np.searchsorted(positions, index, side="right") - 1
        known = np.maximum(edit, 0)
        inside = index < positions[known] + lengths[known]
        after = origins[known] + 1 + index - positions[known] - lengths[known]
        return np.where(edit < 0, index, np.where(inside, origins[known], after))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of `text[start:end]`."""
        if not self.positions:
            return start, end
        if end <= start:
            origin = self._origin(start, end=False)
            return origin, origin
        return self._origin(start, end=False), self._origin(end - 1, end=True)


def normalize(text: str) -> Normalized:
    """NFKC per character, format characters removed, dashes, spaces and look-alikes unified."""
    parts: list[str] = []
    positions: list[int] = []
    origins: list[int] = []
    lengths: list[int] = []
    last = 0
    length = 0
    for match in _SPECIAL.finditer(text):
        index = match.start()
        char = match.group()
        value = normalize_char(char)
        if value == char:
            continue
        parts.append(text[last:index])
        length += index - last
        positions.append(length)
        origins.append(index)
        lengths.append(len(value))
        parts.append(value)
        length += len(value)
        last = index + 1
    if not positions:
        return Normalized(text, text)
    parts.append(text[last:])
    return Normalized(text, "".join(parts), tuple(positions), tuple(origins), tuple(lengths))
