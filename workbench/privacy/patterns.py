"""Building blocks the detectors share: name words, dates, house numbers, PLZ and city, span helpers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import numpy as np

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


# Blanks inside a line (none or more): where a name or value may start after a label.
BLANKS = re.compile(r"[ \t]*")


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
    return re.sub(r"[\s/._|,-]", "", value)


# --- fast search -------------------------------------------------------------------------------------
# `re` skips ahead in C to the next possible start when a pattern begins with a literal, a character
# class or a flat alternation of branches that each begin with a literal. A leading "\b", a
# lookbehind, a lookahead, "^" in multi-line mode or a branch beginning with "[Mm]" makes it try the
# whole pattern at every position of the text, several times slower. So the whole-text patterns
# start with what they consume, and the boundary before it is checked in Python.


def both_cases(*alternatives: str) -> str:
    """A flat alternation of `alternatives`, each also with its first letter in the other case.

    `both_cases("Mein", "Unser")` is "Mein|mein|Unser|unser"; the rest of each alternative may be
    a regular expression of its own."""
    branches: list[str] = []
    for alternative in alternatives:
        first = alternative[0]
        branches.append(alternative)
        if first.isalpha():
            branches.append(first.swapcase() + alternative[1:])
    return "|".join(branches)


def word_starts(text: str, index: int) -> bool:
    """True when `text[index]` is not preceded by a letter, digit or underscore (a "\\b" before a word)."""
    return index == 0 or not (text[index - 1].isalnum() or text[index - 1] == "_")


def line_start(text: str, index: int, limit: int = 200) -> int:
    """Where the line holding `text[index]` starts, looking back at most `limit` characters."""
    return text.rfind("\n", max(0, index - limit), index) + 1 or max(0, index - limit)


# --- digit runs -----------------------------------------------------------------------------------


_ASCII_DIGITS = re.compile(r"[0-9]+")


@lru_cache(maxsize=4)
def text_codes(text: str) -> np.ndarray:
    """The code points of `text` as a numpy array, for checks over many positions at once."""
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


@lru_cache(maxsize=4)
def digit_run_arrays(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends of the runs of ASCII digits in `text` (`normalize` made every digit ASCII).

    Numeric identifiers, house numbers and PLZ all start at such a run, so the detectors look at
    these positions instead of trying a pattern at every character. numpy finds them in one pass;
    for a short text (a line, a table cell) a regular expression is quicker."""
    if len(text) < 4096:
        runs = [match.span() for match in _ASCII_DIGITS.finditer(text)]
        return np.array([s for s, _ in runs], dtype=np.int64), np.array([e for _, e in runs], dtype=np.int64)
    codes = text_codes(text)
    digits = (codes - np.uint32(48)) < 10  # one comparison: below "0" wraps around to a large number
    edges = np.diff(digits.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def number_clusters(text: str, *, min_digits: int, max_gap: int) -> list[tuple[int, int]]:
    """Stretches of digit runs at most `max_gap` characters apart holding `min_digits` digits or more."""
    start_array, end_array = digit_run_arrays(text)
    if not len(start_array):
        return []
    new_cluster = np.concatenate(([True], start_array[1:] - end_array[:-1] > max_gap))
    first = np.flatnonzero(new_cluster)
    last = np.concatenate((first[1:] - 1, [len(start_array) - 1]))
    counts = np.add.reduceat(end_array - start_array, first)
    keep = counts >= min_digits
    return list(zip(start_array[first[keep]].tolist(), end_array[last[keep]].tolist(), strict=True))
