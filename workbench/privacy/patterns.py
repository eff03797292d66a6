"""Building blocks the detectors share: name words, dates, house numbers, PLZ and city, span helpers."""

from __future__ import annotations

import re
from collections.abc import Iterator

from workbench.privacy.normalize import LOWER, UPPER

# --- building blocks -----------------------------------------------------------------------------

NAME_WORD = rf"[{UPPER}][{LOWER}]+(?:-[{UPPER}][{LOWER}]+)*(?![\w])"
CAPS_WORD = rf"[{UPPER}]{{2,}}(?:-[{UPPER}]{{2,}})*(?![\w])"
MONTHS = (
    "Januar|Februar|März|Maerz|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember|"
    "Jan\\.|Feb\\.|Mär\\.|Apr\\.|Jun\\.|Jul\\.|Aug\\.|Sep\\.|Sept\\.|Okt\\.|Nov\\.|Dez\\."
)
DATE = rf"(?:\d{{1,2}}\.\s?\d{{1,2}}\.\s?(?:19|20)?\d{{2}}(?!\d)|\d{{1,2}}\.\s?(?:{MONTHS})\s+(?:19|20)\d{{2}}|(?:19|20)\d{{2}}-\d{{2}}-\d{{2}})"

HOUSE_NUMBER = r"\d{1,4}(?:\s?[a-hA-H](?![\wäöüß]))?(?:\s?[-–/]\s?\d{1,4}(?:\s?[a-h](?![\wäöüß]))?)?"
PLZ_CITY = rf"(?:D-)?\d{{5}}[ \t]+[{UPPER}][{LOWER}]+(?:[- ][{UPPER}][{LOWER}]+)?(?:\s(?:am|an der|im|in|ob der|vor der)\s[{UPPER}][{LOWER}]+|\s\([{UPPER}][{LOWER}. ]+\))?"


def _iter_spans(pattern: re.Pattern[str], text: str, group: str | int = 0) -> Iterator[tuple[int, int]]:
    for match in pattern.finditer(text):
        yield match.span(group)


def _matched(match: re.Match[str] | None) -> re.Match[str]:
    """The match of a pattern that can match the empty string, so it always matches."""
    if match is None:
        raise AssertionError("pattern that always matches did not match")
    return match


def _strip(text: str, start: int, end: int, chars: str = " \t\n,;.") -> tuple[int, int]:
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


def _compact(value: str) -> str:
    return re.sub(r"[\s/.-]", "", value)
