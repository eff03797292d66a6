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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from workbench.privacy_data import DISTRICT_CODES, FIRST_NAMES

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

# ASCII never changes (tab and line breaks stay: the detectors tell them apart).
_SPECIAL = re.compile(r"[^\x00-\x7f]")


@lru_cache(maxsize=4096)
def normalize_char(char: str) -> str:
    """The replacement of one character: "" for format characters, else its plain form."""
    if char in LOOKALIKES:
        return LOOKALIKES[char]
    if char in DASHES:
        return "-"
    category = unicodedata.category(char)
    if category == "Cf":
        return ""  # zero-width space and joiners, soft hyphen, BOM, bidi marks
    if category == "Zs":
        return " "
    value = unicodedata.normalize("NFKC", char)
    if len(value) == 1 and value in DASHES:
        return "-"
    return "".join(LOOKALIKES.get(c, c) for c in value)


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


# --- detectors for obfuscated writing ----------------------------------------------------------------

# Written to slip past filters: "max [at] example.de", "max(at)example(dot)de", "max @ example . de".
_AT = r"(?:[ \t]*@[ \t]*|[ \t]*[\[(][ \t]*(?:at|ät|AT)[ \t]*[\])][ \t]*|[ \t]+(?:at|AT)[ \t]+)"
_DOT = r"(?:[ \t]*\.[ \t]*|[ \t]*[\[(][ \t]*(?:dot|punkt|DOT|PUNKT)[ \t]*[\])][ \t]*|[ \t]+(?:dot|punkt|DOT|PUNKT)[ \t]+)"
_TLDS = "de|com|org|net|eu|info|at|ch|biz|io|nrw|bayern|berlin|hamburg|koeln|ruhr|online|email|gov|edu|nl|fr|it|pl|tr"
_OBFUSCATED_EMAIL = re.compile(
    rf"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*{_AT}[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:{_DOT}[A-Za-z0-9-]+)*?{_DOT}(?:{_TLDS})(?![\w])",
    re.IGNORECASE,
)
_AT_HINT = re.compile(r"(?i)[ \t]@|@[ \t]|[\[(][ \t]*(?:at|ät)[ \t]*[\])]|[ \t]at[ \t]")


_AT_WORDS = (" at ", " AT ", "\tat", "(at", "[at", "(AT", "[AT", "(ät", "[ät", "( at", "[ at", "( AT", "[ AT")


def _at_positions(text: str) -> Iterator[int]:
    position = text.find("@")
    while position != -1:
        yield position
        position = text.find("@", position + 1)
    if any(word in text for word in _AT_WORDS):
        for hint in _AT_HINT.finditer(text):
            yield hint.start()


def find_obfuscated_emails(text: str) -> Iterator[tuple[int, int]]:
    """E-mail addresses with "[at]", "(dot)", " at " or blanks around "@" and "."."""
    seen: set[tuple[int, int]] = set()
    for hint in _at_positions(text):  # only around an "@" or an "at": the full pattern is slow
        for match in _OBFUSCATED_EMAIL.finditer(text, max(0, hint - 64), hint + 128):
            if match.span() not in seen:
                seen.add(match.span())
                yield match.span()


# Informal lower-case writing: "ms-kw 4711" (hyphen and a known district code required).
# Found from its hyphen (a literal start is fast), the district code read backwards.
_LOWER_PLATE = re.compile(r"-[ \t]?[a-z]{1,2}[ \t-]?[1-9]\d{0,3}[eh]?(?![\w])")
_LOWER_DISTRICT = re.compile(r"(?<![\w-])[a-zäöü]{1,3}[ \t]?$")
_PLATE_CONTINUES = re.compile(r"[/.\-]\d")


def find_lower_plates(text: str) -> Iterator[tuple[int, int]]:
    """Licence plates in lower case ("ms-kw 4711"), with a hyphen and a known district code."""
    for match in _LOWER_PLATE.finditer(text):
        district = _LOWER_DISTRICT.search(text, max(0, match.start() - 4), match.start())
        if (
            district
            and district.group().strip().upper() in DISTRICT_CODES
            and not _PLATE_CONTINUES.match(text, match.end())
        ):
            yield district.start(), match.end()


_CAPS_SALUTATION = re.compile(
    r"(?=[HF])\b(?:HERRN?|FRAU|HR\.|FR\.)[ \t]+(?:(?:DR|PROF|Dr|Prof)\.[ \t]*)*(?=[A-ZÄÖÜ]{2})"
)
_CAPS_FIRST_NAME = re.compile(rf"[{UPPER}]{{2,}}[ \t]+(?=[{UPPER}]{{2}})")
_PLAIN_LABELS = (
    "name vorname nachname familienname antragsteller antragstellerin absender absenderin ansprechpartner "
    "ansprechpartnerin sachbearbeiter sachbearbeiterin beschwerdeführer beschwerdeführerin mieter mieterin "
    "patient patientin"
).split()
_PLAIN_LABEL_WORDS = frozenset(
    {*_PLAIN_LABELS, *(w.upper() for w in _PLAIN_LABELS), *(w.title() for w in _PLAIN_LABELS)}
)
# Found from the colon (a literal start is fast), the label read backwards.
_LABEL_COLON = re.compile(r":[ \t]*(?=[a-zäöüß]{2}|[A-ZÄÖÜ]{2})")
_LABEL_BEFORE = re.compile(r"(?:^|(?<=[\s(;,|]))([A-Za-zÄÖÜäöüß]+)[ \t]*$", re.MULTILINE)
_BLANKS = re.compile(r"[ \t]*")
_PLAIN_WORD = re.compile(
    rf"[{UPPER}]{{2,}}(?:-[{UPPER}]{{2,}})?(?![\w])|[{LOWER}]{{2,}}(?:-[{LOWER}]{{2,}})?(?![\w])"
)


def plain_case_name(
    text: str, position: int, *, need_first_name: bool, is_stop_word: Callable[[str], bool]
) -> int | None:
    """End of a name written in capitals or lower case only: first names, then one surname."""
    word = _PLAIN_WORD.match(text, position)
    if word is None or word.group()[1:].isupper() == word.group()[1:].islower():
        return None
    upper = word.group().isupper()
    end, first_names = position, 0
    while word is not None and word.group().isupper() == upper:
        value = word.group()
        low = value.lower()
        if is_stop_word(value):
            break
        end = word.end()
        if low.split("-")[0] not in FIRST_NAMES:
            break  # the surname ends the name
        first_names += 1
        blanks = _BLANKS.match(text, end)
        word = _PLAIN_WORD.match(text, blanks.end() if blanks else end)
    if end == position or (need_first_name and (first_names == 0 or text[position:end].count(" ") == 0)):
        return None
    return end


def find_plain_case_names(text: str, is_stop_word: Callable[[str], bool]) -> Iterator[tuple[int, int]]:
    """Names in capitals or lower case after "HERR", "NAME:" or a first name: "JÜRGEN KRAUSE".

    `is_stop_word` tells words that end a name (role and organisation words, articles)."""
    for match in _CAPS_SALUTATION.finditer(text):
        end = plain_case_name(text, match.end(), need_first_name=False, is_stop_word=is_stop_word)
        if end:
            yield match.start(), end
    for match in _CAPS_FIRST_NAME.finditer(text):
        start = match.start()
        if start and (text[start - 1].isalnum() or text[start - 1] in "-._"):
            continue
        end = plain_case_name(text, start, need_first_name=True, is_stop_word=is_stop_word)
        if end:
            yield start, end
    for match in _LABEL_COLON.finditer(text):
        label = _LABEL_BEFORE.search(text, max(0, match.start() - 30), match.start())
        if label is None or label.group(1) not in _PLAIN_LABEL_WORDS:
            continue
        end = plain_case_name(text, match.end(), need_first_name=False, is_stop_word=is_stop_word)
        if end:
            yield match.end(), end
