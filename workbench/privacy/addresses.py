"""Addresses: street and house number, with or without PLZ and city, also glued or in lower case."""

from __future__ import annotations

import re
from collections.abc import Iterator

from workbench.privacy.normalize import UPPER
from workbench.privacy.patterns import HOUSE_NUMBER, PLZ_CITY, _matched

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
# A capitalised word directly followed by a number: the cheap anchor every address has.
_STREET_ANCHOR = re.compile(rf"(?<![\wäöüß.\-])[{UPPER}][\wäöüß\-]*\.?[ \t]+(?=\d)")
_STREET_SUFFIX = re.compile(rf"(?i)(?:{STREET_SUFFIXES})$")
_STREET_WORDS = frozenset(
    {"straße", "strasse", "str.", "weg", "allee", "platz", "ring", "gasse", "ufer", "damm", "chaussee"}
)
_PREFIX_BEFORE = re.compile(rf"(?:^|(?<=[\s,;(]))(?:{STREET_PREFIX})[ \t]+(?:[{UPPER}][\wäöüß\-]*[ \t]+)?$")
_PREFIX_STARTS = frozenset(alternative.split()[0] for alternative in STREET_PREFIX.split("|"))
_WORDS_BEFORE = re.compile(rf"(?:^|(?<=[\s,;(]))(?:[{UPPER}][\wäöüß\-]*[ \t]+){{1,2}}$")
_FIRST_WORD = re.compile(r"\S*")
_LOWER_STREET = re.compile(r"(?<![\wäöüß.\-])[a-zäöüß][a-zäöüß\-]*(?:straße|strasse|str\.?)[ \t]*(?=\d)")
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


_GLUED_STREET = re.compile(r"(?:straße|strasse|str\.|weg|allee|platz|gasse|ring|damm)(?=\d)")
_GLUED_WORD = re.compile(r"(?<![\w.\-])[^\W\d_][\w\-]*$")
_GLUED_TAIL = re.compile(rf"\d{{1,4}}[a-h]?(?:,[ \t]*|[ \t]*\n[ \t]*|[ \t]+){PLZ_CITY}")


def _find_addresses(text: str) -> Iterator[tuple[int, int]]:
    yield from _find_streets(text)
    for match in _GLUED_STREET.finditer(text):  # "Lindenstr.12,48143 Münster": only with PLZ and city
        tail = _GLUED_TAIL.match(text, match.end())
        word = _GLUED_WORD.search(text, max(0, match.start() - 40), match.start()) if tail else None
        if tail and (word or match.start() == 0 or not text[match.start() - 1].isalnum()):
            yield (word.start() if word else match.start()), tail.end()
    for match in _LOWER_STREET.finditer(text):  # informal writing: "lindenstr.11", "kolpingstr 8"
        tail = _NUMBER_AND_CITY.match(text, match.end())
        if tail:
            yield match.start(), tail.end()


def _find_streets(text: str) -> Iterator[tuple[int, int]]:
    for anchor in _STREET_ANCHOR.finditer(text):
        word = anchor.group().rstrip()
        start = anchor.start()
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
        elif not _STREET_SUFFIX.search(word) and not _HAS_CITY.match(text, anchor.end()):
            continue  # no street suffix: only "Domhof 6, 49074 Osnabrück" with PLZ and city counts
        if _matched(_FIRST_WORD.match(text, start)).group().lower() in _ARTICLES:
            continue
        not_street = word.lower().rstrip(".") in _NOT_STREETS or word.lower().endswith(_ROAD_CLASSES)
        if not_street and not _HAS_CITY.match(text, anchor.end()):
            continue
        tail = _NUMBER_AND_CITY.match(text, anchor.end())
        if tail is None:
            continue
        has_city = bool(tail.group("city"))
        if word.lower().rstrip(".") in GENERIC_PLACES and not has_city:
            continue
        leading = _matched(re.match(r"\d*", tail.group("number"))).group()
        if len(leading) == 4 and leading[:2] in ("19", "20") and not has_city:
            continue  # a year after a street name ("Hauptstraße 2025"), not a house number
        yield start, tail.end()
