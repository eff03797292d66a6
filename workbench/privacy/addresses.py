"""Addresses: street and house number, with or without PLZ and city, also glued or in lower case."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from functools import lru_cache

import numpy as np

from workbench.privacy.normalize import UPPER
from workbench.privacy.patterns import HOUSE_NUMBER, PLZ_CITY, _matched, digit_run_arrays, text_codes

STREET_SUFFIXES = (
    "straße|strasse|str\\.|weg|allee|platz|ring|gasse|ufer|damm|chaussee|steig|pfad|stieg|kamp|"
    "promenade|zeile|wall|graben|twiete|deich|kai|brink|anger|winkel"
)
# Compounds of "-platz"/"-weg" that are places in general statements, not addresses.
GENERIC_PLACES = frozenset(
    """
    arbeitsplatz parkplatz stellplatz spielplatz sportplatz ausbildungsplatz kitaplatz studienplatz
    betreuungsplatz sitzplatz abstellplatz bolzplatz lagerplatz festplatz kindergartenplatz pflegeplatz
    krippenplatz wohnmobilstellplatz heimplatz radweg fußweg gehweg rettungsweg dienstweg lösungsweg
    rechtsweg radwanderweg wanderweg schulweg umweg zufahrtsweg fluchtweg feldweg waldweg
    """.split()
)
STREET_PREFIX = (
    "Am|An der|An den|An dem|Auf der|Auf dem|Auf den|Im|In der|In den|Zum|Zur|Hinter der|Hinter dem|"
    "Unter den|Vor dem|Vor der|Bei der|Beim|Alte|Alter|Altes|Neue|Neuer|Große|Großer|Kleine|Kleiner|Hohe|Hoher|Hohen|"
    "Lange|Langer|Obere|Oberer|Untere|Unterer"
)
# The letters a street name may start with.
_UPPER_CHARS = frozenset(c for c in map(chr, range(0x41, 0x17F)) if re.fullmatch(f"[{UPPER}]", c))
_STREET_SUFFIX = re.compile(rf"(?i)(?:{STREET_SUFFIXES})$")
_STREET_WORDS = frozenset(
    {"straße", "strasse", "str.", "weg", "allee", "platz", "ring", "gasse", "ufer", "damm", "chaussee"}
)
_PREFIX_BEFORE = re.compile(rf"(?:^|(?<=[\s,;(]))(?:{STREET_PREFIX})[ \t]+(?:[{UPPER}][\wäöüß\-]*[ \t]+)?$")
_PREFIX_STARTS = frozenset(alternative.split()[0] for alternative in STREET_PREFIX.split("|"))
_WORDS_BEFORE = re.compile(rf"(?:^|(?<=[\s,;(]))(?:[{UPPER}][\wäöüß\-]*[ \t]+){{1,2}}$")
_FIRST_WORD = re.compile(r"\S*")
_LOWER_STREET = re.compile(r"(?<![\wäöüß.\-])[a-zäöüß][a-zäöüß\-]*(?:straße|strasse|str\.?)[ \t]*$")
_HAS_CITY = re.compile(rf"{HOUSE_NUMBER}(?:,[ \t]*|[ \t]*\n[ \t]*|[ \t]+){PLZ_CITY}")
# "Bundesstraße 51" is a road, "Im Haus 4" a building: no addresses without PLZ and city.
_ROAD_CLASSES = ("bundesstraße", "landesstraße", "kreisstraße", "staatsstraße", "gemeindestraße", "autobahn")
_NOT_STREETS = frozenset(
    "haus gebäude raum zimmer saal block bauteil flur etage anschlussstelle ausfahrt kreuzung haltestelle stelle "
    "gleis bahnsteig tor halle".split()
)
_NUMBER_AND_CITY = re.compile(
    rf"(?P<number>{HOUSE_NUMBER})(?!\d|[.,:]\d)(?P<city>(?:,[ \t]*|[ \t]*\n[ \t]*|[ \t]+){PLZ_CITY})?"
)
_ARTICLES = frozenset(
    {
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einen",
        "einem",
        "jeder",
        "jede",
        "dieser",
        "diese",
    }
)

# --- addresses -------------------------------------------------------------------------------------


_GLUED_STREET = re.compile(r"(?:straße|strasse|str\.|weg|allee|platz|gasse|ring|damm)$")
_LOWER_ENDINGS = ("straße", "strasse", "str.", "str")
_GLUED_WORD = re.compile(r"(?<![\w.\-])[^\W\d_][\w\-]*$")
_GLUED_TAIL = re.compile(rf"\d{{1,4}}[a-h]?(?:,[ \t]*|[ \t]*\n[ \t]*|[ \t]+){PLZ_CITY}")


def _find_addresses(text: str) -> Iterator[tuple[int, int]]:
    """Every address has a house number: the detector starts at the runs of digits, not at every word."""
    blank_before, glued, informal = _house_numbers(text)
    yield from _find_streets(text, blank_before)
    for number in glued:  # "Lindenstr.12,48143 Münster": only with PLZ and city
        match = (
            _GLUED_STREET.search(text, max(0, number - 7), number) if text[number - 1] in "eßgrtzm." else None
        )
        tail = _GLUED_TAIL.match(text, number) if match else None
        if match is None or tail is None:
            continue
        word = _GLUED_WORD.search(text, max(0, match.start() - 40), match.start())
        if word or match.start() == 0 or not text[match.start() - 1].isalnum():
            yield (word.start() if word else match.start()), tail.end()
    for number in informal:  # informal writing: "lindenstr.11", "kolpingstr 8"
        if not text[max(0, number - 12) : number].rstrip(" \t").endswith(_LOWER_ENDINGS):
            continue
        match = _LOWER_STREET.search(text, max(0, number - 60), number)
        tail = _NUMBER_AND_CITY.match(text, number) if match else None
        if match and tail:
            yield match.start(), tail.end()


_DIGITS = re.compile(r"[0-9]+")
_LEADING_DIGITS = re.compile(r"\d*")
_GLUED_BEFORE = np.array([ord(c) for c in "eßgrtzm."], dtype=np.uint32)
_INFORMAL_LAST, _INFORMAL_BEFORE_LAST = "r.e \t", "r.etsß \t"
_INFORMAL_LAST_CODES = np.array([ord(c) for c in _INFORMAL_LAST], dtype=np.uint32)
_INFORMAL_BEFORE_LAST_CODES = np.array([ord(c) for c in _INFORMAL_BEFORE_LAST], dtype=np.uint32)


def _house_numbers(text: str) -> tuple[list[int], list[int], list[int]]:
    """Digit runs that may be house numbers: at most four digits, after a blank ("Markt 3") or glued
    to a street word ("Lindenstr.12"); after a blank not the start of a date or amount ("12.05.").
    The third list holds those of either kind whose two characters before could end "str", "str.",
    "straße" or "strasse" (informal writing, "lindenstr.11")."""
    if len(text) < 4096:  # a line or a cell: quicker without numpy
        blank: list[int] = []
        glued: list[int] = []
        for run in _DIGITS.finditer(text):
            start, end = run.span()
            if end - start > 4 or start == 0:
                continue
            if text[start - 1] in " \t":
                if not (text[end : end + 1] in (",", ".", ":") and text[end + 1 : end + 2].isdigit()):
                    blank.append(start)
            elif text[start - 1] in "eßgrtzm.":
                glued.append(start)
        informal = [
            number
            for number in itertools.chain(glued, blank)
            if number >= 2
            and text[number - 1] in _INFORMAL_LAST
            and text[number - 2] in _INFORMAL_BEFORE_LAST
        ]
        return blank, glued, informal
    starts, ends = digit_run_arrays(text)
    if not len(starts):
        return [], [], []
    codes = text_codes(text)
    last = len(codes) - 1
    previous = codes[np.maximum(starts - 1, 0)]
    candidate = (ends - starts <= 4) & (starts > 0)
    following = codes[np.minimum(ends, last)]
    after_that = codes[np.minimum(ends + 1, last)]
    continues = (ends + 1 <= last) & np.isin(following, (44, 46, 58)) & ((after_that - np.uint32(48)) < 10)
    after_blank = candidate & ((previous == 32) | (previous == 9)) & ~continues
    after_word = candidate & np.isin(previous, _GLUED_BEFORE)
    informal_end = (
        (starts >= 2)
        & np.isin(previous, _INFORMAL_LAST_CODES)
        & np.isin(codes[np.maximum(starts - 2, 0)], _INFORMAL_BEFORE_LAST_CODES)
    )
    informal_numbers = (
        starts[after_word & informal_end].tolist() + starts[after_blank & informal_end].tolist()
    )
    return starts[after_blank].tolist(), starts[after_word].tolist(), informal_numbers


def _anchor_at(text: str, number: int) -> int | None:
    """Start of the capitalised word before the blanks before `number` ("Lindenstraße 12", "Am Markt 3")."""
    position = number
    while position and text[position - 1] in " \t":
        position -= 1
    if position and text[position - 1] == ".":
        position -= 1
    while position and (text[position - 1].isalnum() or text[position - 1] in "_-"):
        position -= 1
    if position == number or text[position] not in _UPPER_CHARS:
        return None
    if position and text[position - 1] == ".":
        return None
    return position


_UPPER_CODES = np.array(sorted(ord(c) for c in _UPPER_CHARS), dtype=np.uint32)


@lru_cache(maxsize=4)
def _word_starts(text: str) -> tuple[np.ndarray, np.ndarray]:
    """For each position: is it a word character (letter, digit, "_", "-"); and where words start."""
    codes = text_codes(text)
    ascii_word = (
        ((codes | np.uint32(32)) - np.uint32(97) < 26)  # a-z, A-Z
        | (codes - np.uint32(48) < 10)
        | (codes == 95)
        | (codes == 45)
    )
    latin_letter = (codes >= 0xC0) & (codes < 0x250) & (codes != 0xD7) & (codes != 0xF7)
    word = ascii_word | latin_letter
    begins = word & ~np.concatenate(([False], word[:-1]))
    return word, np.flatnonzero(begins)


def _anchors(text: str, numbers: list[int]) -> Iterator[tuple[int, int]]:
    """(start of the capitalised word before the number, number) for each house-number candidate.

    One blank between word and number is the rule and is checked for all numbers at once; other
    spacing falls back to reading backwards character by character."""
    if len(text) < 4096 or not numbers:
        for number in numbers:
            anchor = _anchor_at(text, number)
            if anchor is not None:
                yield anchor, number
        return
    codes = text_codes(text)
    word, begins = _word_starts(text)
    number_array = np.array(numbers, dtype=np.int64)
    last = np.maximum(number_array - 2, 0)
    single_blank = (number_array >= 2) & (codes[last] != 32) & (codes[last] != 9)
    last = np.where(codes[last] == 46, np.maximum(last - 1, 0), last)  # "Str. 5"
    start = begins[np.maximum(np.searchsorted(begins, last, side="right") - 1, 0)]
    before = codes[np.maximum(start - 1, 0)]
    found = single_blank & word[last] & np.isin(codes[start], _UPPER_CODES) & ((start == 0) | (before != 46))
    yield from zip(start[found].tolist(), number_array[found].tolist(), strict=True)
    for number in number_array[~single_blank].tolist():
        anchor = _anchor_at(text, number)
        if anchor is not None:
            yield anchor, number


_SUFFIXES = tuple(suffix.replace("\\", "") for suffix in STREET_SUFFIXES.split("|"))


def _could_follow_prefix(text: str, start: int) -> bool:
    """One of the two words before `start` could begin a street name like "Am …", "Zum Alten …"."""
    return bool(_PREFIX_STARTS.intersection(text[max(0, start - 40) : start].split()[-3:]))


def _find_streets(text: str, numbers: list[int]) -> Iterator[tuple[int, int]]:
    for anchor_start, number in _anchors(text, numbers):
        word = text[anchor_start:number].rstrip()
        low = word.lower()
        if not (
            low.endswith(_SUFFIXES)
            or low in _STREET_WORDS
            or _HAS_CITY.match(text, number)
            or _could_follow_prefix(text, anchor_start)
        ):
            continue  # most capitalised words before a number: "Seite 3", "Kapitel 12"
        start = anchor_start
        window = max(0, start - 40)
        newline = text.rfind("\n", window, start)
        window = newline + 1 if newline != -1 else window
        # only look for "Am …", "Zum Alten …" when one of the two words before could start such a name
        recent = text[window:start].split()[-3:]
        prefix = _PREFIX_BEFORE.search(text, window, start) if _PREFIX_STARTS.intersection(recent) else None
        if prefix:
            start = prefix.start()
        elif word.lower() in _STREET_WORDS:
            before = _WORDS_BEFORE.search(text, window, start)
            if before is None:
                continue  # "Weg 3" alone is no street
            start = before.start()
        elif not _STREET_SUFFIX.search(word) and not _HAS_CITY.match(text, number):
            continue  # no street suffix: only "Domhof 6, 49074 Osnabrück" with PLZ and city counts
        if _matched(_FIRST_WORD.match(text, start)).group().lower() in _ARTICLES:
            continue
        not_street = word.lower().rstrip(".") in _NOT_STREETS or word.lower().endswith(_ROAD_CLASSES)
        if not_street and not _HAS_CITY.match(text, number):
            continue
        tail = _NUMBER_AND_CITY.match(text, number)
        if tail is None:
            continue
        has_city = bool(tail.group("city"))
        if word.lower().rstrip(".") in GENERIC_PLACES and not has_city:
            continue
        leading = _matched(_LEADING_DIGITS.match(tail.group("number"))).group()
        if len(leading) == 4 and leading[:2] in ("19", "20") and not has_city:
            continue  # a year after a street name ("Hauptstraße 2025"), not a house number
        yield start, tail.end()
