"""Vehicle licence plates: "MS-AB 1234", "B X 77", in lower case "ms-kw 4711"."""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np

from workbench.privacy import keywords
from workbench.privacy.data import DISTRICT_CODES
from workbench.privacy.normalize import UPPER
from workbench.privacy.patterns import digit_run_arrays, text_codes

_PLATE = re.compile(
    rf"(?P<district>[{UPPER}](?<![\w-].)[{UPPER}]{{0,2}})(?P<sep>[ \t]?-[ \t]?|[ \t])(?P<letters>[A-Z]{{1,2}})[ \t-]?(?P<digits>[1-9]\d{{0,3}})(?P<suffix>[EH])?(?![\w])"
)
_STANDARDS = frozenset({"DIN", "EN", "ISO", "IEC", "VDE", "VDI", "DVGW", "TRGS", "ASR", "BGV", "DGUV"})
_PLATE_CONTINUES = re.compile(r"[/.\-]\d")


def _plate_numbers(text: str) -> list[tuple[int, int]]:
    """Digit runs that may end a plate: one to four digits, not starting with 0, right after a capital
    letter or after a blank or hyphen that follows one ("MS-AB 1234", "B-X 7")."""
    starts, ends = digit_run_arrays(text)
    if not len(starts):
        return []
    codes = text_codes(text)
    previous = codes[np.maximum(starts - 1, 0)]
    before_that = codes[np.maximum(starts - 2, 0)]
    capital = (previous - np.uint32(65)) < 26
    spaced = np.isin(previous, (32, 9, 45)) & ((before_that - np.uint32(65)) < 26) & (starts > 1)
    keep = (ends - starts <= 4) & (codes[starts] != 48) & (starts > 0) & (capital | spaced)
    return list(zip(starts[keep].tolist(), ends[keep].tolist(), strict=True))


def _plate_matches(text: str) -> Iterator[re.Match[str]]:
    for number, number_end in _plate_numbers(text):
        for match in _PLATE.finditer(text, max(0, number - 12), min(len(text), number_end + 3)):
            if match.start("digits") == number:
                yield match


def _find_plates(text: str) -> Iterator[tuple[int, int]]:
    for match in _plate_matches(text):
        if _PLATE_CONTINUES.match(text, match.end()):
            continue  # "BP-K-2025/00871" is a file reference, not a plate
        district = match.group("district")
        known = district in DISTRICT_CODES
        hyphen = "-" in match.group("sep")
        if not hyphen and (district in _STANDARDS or match.group("letters") in _STANDARDS):
            continue  # "DIN EN 1125" is a standard, not a plate
        # Unknown district codes only in the unmistakable form "XX-YY 1234".
        if known or (hyphen and text[match.start("digits") - 1] == " "):
            yield match.span()
    yield from find_lower_plates(text)


# Informal lower-case writing: "ms-kw 4711" (hyphen and a known district code required).
# Found from its hyphen (a literal start is fast), the district code read backwards.
_LOWER_PLATE = re.compile(r"-[ \t]?[a-z]{1,2}[ \t-]?[1-9]\d{0,3}[eh]?(?![\w])")
_LOWER_DISTRICT = re.compile(r"(?<![\w-])[a-zäöü]{1,3}[ \t]?$")


# After "Kennzeichen:" a lower-case plate needs no hyphen: "kennzeichen: ms ab 123".
_PLATE_CONTEXT = keywords.register("plate_context", ["kennzeichen", "kfz", "nummernschild"])
_PLATE_AFTER_CONTEXT = re.compile(
    r"(?:[Kk]ennzeichen|KENNZEICHEN|[Kk]fz|KFZ|[Nn]ummernschild)[\w-]*[ \t]*:?[ \t]*"
    r"(?P<plate>(?P<district>[a-zäöü]{1,3})[ \t-][a-z]{1,2}[ \t-]?[1-9]\d{0,3}[eh]?)(?![\w])"
)


def find_lower_plates(text: str) -> Iterator[tuple[int, int]]:
    """Licence plates in lower case ("ms-kw 4711"), with a hyphen and a known district code."""
    for position in keywords.starts(text, _PLATE_CONTEXT):
        match = _PLATE_AFTER_CONTEXT.match(text, position)
        if match and match.group("district").upper() in DISTRICT_CODES:
            yield match.span("plate")
    for match in _LOWER_PLATE.finditer(text):
        district = _LOWER_DISTRICT.search(text, max(0, match.start() - 4), match.start())
        if (
            district
            and district.group().strip().upper() in DISTRICT_CODES
            and not _PLATE_CONTINUES.match(text, match.end())
        ):
            yield district.start(), match.end()
