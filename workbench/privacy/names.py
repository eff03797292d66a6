"""Names of persons, found from their context: salutations, field labels, signatures, lists, first names."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator

from workbench.privacy import keywords
from workbench.privacy.addresses import _find_addresses
from workbench.privacy.casing import _LOWER_NON_NAMES, find_lowercase_names, find_plain_case_names
from workbench.privacy.data import (
    FIRST_NAMES,
    NAME_PARTICLES,
    NOT_NAME_WORDS,
    ROLE_WORDS,
)
from workbench.privacy.normalize import LOWER, UPPER
from workbench.privacy.organisations import (
    _COMPANY_AFTER,
    _is_organisation_word,
    _is_stop_word,
)
from workbench.privacy.patterns import (
    BLANKS,
    CAPS_WORD,
    NAME_WORD,
    _matched,
    both_cases,
    line_start,
    word_starts,
)

# Each context rule runs where one of its keywords starts (see `keywords`); the word or line
# boundary before it is checked in Python.
_SALUTATIONS = r"Herrn?|Frau|Hr\.|Fr\.|Familie|Eheleute"
SALUTATION_WORDS = keywords.register("salutation", keywords.literal_prefixes(_SALUTATIONS))
_SALUTATION = re.compile(rf"(?:{_SALUTATIONS})(?=[ \t])")
_SALUTATION_LINE = re.compile(r"(?:Herrn?|Frau|Familie|Eheleute)[ \t]*\n")
_FIELD_LABELS = (
    r"Antragsteller(?:in)?|Antragstellende|Name|Vornamen?|Nachname|Familienname|Geburtsname|"
    r"Rufname|Ehename|Künftiger Ehename|Vor-\s?und\s?Zuname|Vorname,\s?Name|Name,\s?Vorname|Ansprechpartner(?:in)?|"
    r"Ansprechperson|Sachbearbeiter(?:in)?|Sachbearbeitung|Bearbeiter(?:in)?|Bearbeitet|Erfasst|Aufgestellt|Kontaktperson|"
    r"Absender(?:in)?|Empfänger(?:in)?|Verfasser(?:in)?|Melder(?:in)?|Beschwerdeführer(?:in)?|Hinweisgeber(?:in)?|Kind|"
    r"Ehepartner(?:in)?|Ehegatte|Ehegattin|Eigentümer(?:in)?|Mieter(?:in)?|Vermieter(?:in)?|Halter(?:/in|in)?|"
    r"Fahrzeughalter(?:in)?|Protokoll(?:führung|führer|führerin)?|Schriftführ(?:ung|er|erin)|Zeuge|Zeugin|Schüler(?:in)?|"
    r"Betreuer(?:in)?|Sorgeberechtigte[r]?|Erziehungsberechtigte[r]?|Vater|Mutter|Bewerber(?:in)?|"
    r"Leistungsberechtigte[r]?|Patient(?:in)?|Verstorbene[r]?|Verstorbene Person|Angaben zur Person|Bauherr(?:in)?|"
    r"Unterzeichner(?:in)?|Unterschrift|Standesbeamt(?:in|er)|Vollziehungsbeamt(?:in|er)|Für die Richtigkeit|Leitung"
)
_FIELD_LABEL = re.compile(rf"(?:{_FIELD_LABELS})[ \t]*(?:\([^)\n]{{0,15}}\))?[ \t]*:[ \t]*(?:\n[ \t]*)?")
_SIGNATURES = r"gez\.|i\.\s?A\.|i\.\s?V\.|Im Auftrag|In Vertretung"
_SIGNED = re.compile(rf"(?:{_SIGNATURES})[ \t]*(?:\n[ \t]*)?")
_LABELS = keywords.register("field_label", keywords.literal_prefixes(_FIELD_LABELS + "|" + _SIGNATURES))
_CLOSINGS = (
    both_cases(
        "Mit freundlichen [Gg]rüßen",
        "Mit freundlichem [Gg]ruß",
        "Freundliche [Gg]rüße",
        "Viele [Gg]rüße",
        "Beste [Gg]rüße",
        "Liebe [Gg]rüße",
        "Herzliche [Gg]rüße",
        "Schöne [Gg]rüße",
        "Hochachtungsvoll",
        "Gruß",
    )
    + "|MfG|MFG"
)
_CLOSING = re.compile(
    rf"(?:{_CLOSINGS})[ \t]*[,.!]?[ \t]*(?:\n[ \t]*)*(?:(?:{_SIGNATURES})[ \t]*(?:\n[ \t]*)*)?"
)
_CLOSING_WORDS = keywords.register("closing", keywords.literal_prefixes(_CLOSINGS))
_LIST_LABELS = (
    r"Mitglieder|Verwaltung|Schriftführung|Anwesend(?:e)?|Teilnehmende|Teilnehmer(?:innen|\*innen|:innen)?|Entschuldigt|Abwesend|Gäste|"
    r"Verteiler|Moderation|Sitzungsleitung|Leitung|Vorsitz|Referent(?:in|innen)?|Referierende|Es fehlten|Ferner anwesend"
)
_LIST_LABEL = re.compile(rf"(?:{_LIST_LABELS})[ \t]*(?:\([^)\n]{{0,60}}\))?[ \t]*:[ \t]*")
_LIST_WORDS = keywords.register("list_label", keywords.literal_prefixes(_LIST_LABELS))
_LIST_LABEL_PREFIX = re.compile(r"[ \t]*(?:[\wäöüß]+[ \t]+){0,2}")


# --- names -----------------------------------------------------------------------------------------


_PARTICLES = "|".join(sorted(NAME_PARTICLES, key=len, reverse=True))
_INITIAL = rf"[{UPPER}]\.(?:-[{UPPER}]\.)?(?=[ \t]*[{UPPER}])"
_LEADING_PARTICLES = re.compile(rf"(?:(?:{_PARTICLES})[ \t]+)+(?=[{UPPER}])")
_NAME_TOKEN = re.compile(rf"{NAME_WORD}|{CAPS_WORD}|{_INITIAL}")
_NEXT_NAME_TOKEN = re.compile(rf"[ \t]+((?:(?:{_PARTICLES})[ \t]+)*)({NAME_WORD}|{CAPS_WORD}|{_INITIAL})")
_COMMA_NAME = re.compile(rf",[ \t]*((?:{NAME_WORD}|{CAPS_WORD})(?:[ \t]+{NAME_WORD})?)(?![\wäöüß.])")
_POSSESSIVES = both_cases(
    "Mein",
    "Meine",
    "Meinem",
    "Meiner",
    "Unser",
    "Unsere",
    "Unserem",
    "Unserer",
    "Sein",
    "Seine",
    "Ihr",
    "Ihre",
)
_KINSHIP_WORDS = keywords.register("kinship", keywords.literal_prefixes(_POSSESSIVES))
_KINSHIP = re.compile(
    rf"(?:{_POSSESSIVES})[ \t]+"
    r"(?:[Mm]ann|[Ff]rau|[Ss]ohn|[Tt]ochter|[Bb]ruder|[Ss]chwester|[Vv]ater|[Mm]utter|[Ee]hemann|[Ee]hefrau|[Pp]artner|"
    r"[Pp]artnerin|[Nn]achbar|[Nn]achbarin|[Ee]nkel|[Ee]nkelin|[Kk]ind)[ \t]+"
)
# A line holding only a name: found from the line break before it (the text's first line apart).
_NAME_LINE_BODY = rf"[ \t]*((?:{NAME_WORD}|{_INITIAL})(?:[ \t]+(?:(?:{_PARTICLES})[ \t]+)*(?:{NAME_WORD}|{CAPS_WORD})){{1,3}}+)[ \t]*(?=\n)"  # possessive: no backtracking on prose
_NAME_LINE = re.compile(rf"\n{_NAME_LINE_BODY}")
_FIRST_NAME_LINE = re.compile(_NAME_LINE_BODY)
# A capitalised word before another one or a name particle: the candidates for a known first name.
_WORD_BEFORE_NAME = re.compile(
    rf"([{UPPER}][{LOWER}]+(?:-[{UPPER}][{LOWER}]+)*)(?![\w])[ \t]+(?=[{UPPER}]|(?:{_PARTICLES})[ \t])"
)
_BIRTH_NAME = re.compile(rf"geb\.[ \t]+(?=[{UPPER}])")
_BIRTH_NAME_WORDS = keywords.register("birth_name", ["geb."])
FIRST_NAME_WORDS = keywords.register("first_name", FIRST_NAMES)
_CONTACT_LINE = re.compile(
    r"[ \t]*(?:Tel\.?|Telefon|Handy|Mobil|E-Mail|Mail|Fax)[ \t]*:?[ \t]*[+\d(]|[ \t]*(?:\+49|0\d)"
)


def _read_name(
    text: str,
    position: int,
    *,
    allow_single: bool,
    allow_comma: bool = False,
    after_salutation: bool = False,
) -> tuple[int, int] | None:
    """Read a name from `position`: capitalised words, particles, initials. None if it is no name.

    `allow_single` accepts a lone surname (after a salutation or a field label); `allow_comma`
    accepts the form "Krause, Jürgen" used in forms and lists. Organisation words end a name; one
    word followed by an organisation word is a company ("Friedrich Elektroanlagen"), except after a
    salutation, where "Frau Becker Ordnungsamt" is Frau Becker.
    """
    particles = _LEADING_PARTICLES.match(text, position) if text[position : position + 1].islower() else None
    first = _NAME_TOKEN.match(text, particles.end() if particles else position)
    if first is None or _is_stop_word(first.group()):
        return None
    all_caps = first.group().isupper() and len(first.group()) > 2
    end, count = first.end(), 1 + bool(particles)
    last = first.group()
    while count < 5:
        if text[end : end + 1] not in (" ", "\t"):
            break  # the next token needs a blank first: no pattern call for the common end of a name
        token = _NEXT_NAME_TOKEN.match(text, end)
        if token is None:
            break
        if count == 1 and not after_salutation and _is_organisation_word(token.group(2)):
            return None  # "Otto Sanitär", "Musterstädter Wohnungsbau": a company, not a person
        if _is_stop_word(token.group(2)):
            break
        if token.group(2).isupper() and len(token.group(2)) > 1 and not all_caps:
            break  # "Anna Becker GmbH": an acronym after a name ends it
        end, count, last = token.end(), count + 1, token.group(2)
    if allow_comma and count <= 2 and text[end : end + 1] == ",":
        comma = _COMMA_NAME.match(text, end)
        if comma and not _is_stop_word(comma.group(1).split()[0]):
            end, count, last = comma.end(), count + 1, comma.group(1)
    if last.endswith(".") and len(last) <= 5:
        return None  # ends on an initial: not a name we can vouch for
    if count == 1 and not allow_single:
        return None
    if text[end : end + 1] in (" ", "\t") and _COMPANY_AFTER.match(text, end):
        return None  # "Hermann Krämer Rohrsanierung GmbH" is a company
    return (particles.start() if particles else first.start()), end


_ROLE_TOKEN = re.compile(rf"[ \t]+([{UPPER}][{LOWER}]+)")
_ROLE_WORD = re.compile(rf"[{UPPER}][{LOWER}]+")
_BULLET_LINE = re.compile(r"\n[ \t]*(?:[-*•–·]|\d+\.)[ \t]+[^\n]*")
_SKIP_TITLES = re.compile(
    r"[ \t]*(?:(?:Dr|Prof|Dipl|Mag|med|jur|rer|nat|phil|h\.c|Ing|Dipl\.-Ing|Dipl\.-Kfm)\.[ \t]*)+"
)


_NON_BLANK = re.compile(r"\S+")
_LIST_ITEM = re.compile(r"[^,;\n]+")
_ITEM_LEAD = re.compile(r"[ \t]*(?:[-*•–·]|\d+\.)?[ \t]*(?:und[ \t]+|sowie[ \t]+)?")
_INITIAL_AND_NAME = re.compile(rf"[{UPPER}]\.[ \t]*({NAME_WORD})")


def _skip_roles(text: str, position: int) -> int:
    """Skip role words between a salutation and the name ("Frau Bürgermeisterin Schmidt")."""
    while True:
        match = _ROLE_TOKEN.match(text, position)
        if match and match.group(1).lower() in ROLE_WORDS:
            position = match.end()
            continue
        return position


def _name_at(
    text: str,
    position: int,
    *,
    allow_single: bool,
    allow_comma: bool = False,
    after_salutation: bool = False,
) -> tuple[int, int] | None:
    """A name after optional titles and role words ("Stadtbaurat Dr. Michael Heitkamp")."""
    position = _matched(BLANKS.match(text, position)).end()
    role = _ROLE_WORD.match(text, position)
    if role and role.group().lower() in ROLE_WORDS:
        position = role.end()
    titles = _SKIP_TITLES.match(text, position)
    if titles:
        position = titles.end()
    return _read_name(
        text,
        _matched(BLANKS.match(text, position)).end(),
        allow_single=allow_single,
        allow_comma=allow_comma,
        after_salutation=after_salutation or bool(titles),  # "Dr. Becker" is a person
    )


def _matches(pattern: re.Pattern[str], text: str, starts: Iterable[int]) -> Iterator[re.Match[str]]:
    """The matches of `pattern` that begin at one of `starts`."""
    for start in starts:
        match = pattern.match(text, start)
        if match:
            yield match


def _find_names(text: str) -> Iterator[tuple[int, int]]:
    # 1. salutation and titles: "Frau Dr. Claudia Vogel", "Herrn Nowak", "Herrn\nJürgen Krause"
    salutations = [s for s in keywords.starts(text, SALUTATION_WORDS) if word_starts(text, s)]
    for match in _matches(_SALUTATION, text, salutations):
        position = _skip_roles(text, match.end())
        span = _name_at(text, position, allow_single=True, after_salutation=True)
        if span:
            yield match.start(), span[1]
    for match in _matches(_SALUTATION_LINE, text, salutations):
        if text[line_start(text, match.start()) : match.start()].strip(" \t"):
            continue  # the salutation alone on its line
        span = _name_at(text, match.end(), allow_single=True, after_salutation=True)
        if span:
            yield span
    # 2. field labels: "Antragsteller: Jürgen Krause", "Name: KRAUSE, Jürgen", "gez. Brüggemann"
    labels = [
        s for s in keywords.starts(text, _LABELS) if not s or text[s - 1].isspace() or text[s - 1] in "(;,|"
    ]
    for pattern in (_FIELD_LABEL, _SIGNED):
        for match in _matches(pattern, text, labels):
            if _SALUTATION.match(text, _matched(BLANKS.match(text, match.end())).end()):
                continue  # handled above
            span = _name_at(text, match.end(), allow_single=True, allow_comma=True)
            if span:
                yield span
    # 3. signatures after a closing formula
    closings = [s for s in keywords.starts(text, _CLOSING_WORDS) if word_starts(text, s)]
    for match in _matches(_CLOSING, text, closings):
        span = _name_at(text, match.end(), allow_single=True)
        if span and "\n" not in text[span[0] : span[1]]:
            yield span
    # 4. participant lists: "Anwesend: Frau Schneider (FB 32), Dr. Öztürk, Anna Becker"
    for match in _matches(_LIST_LABEL, text, keywords.starts(text, _LIST_WORDS)):
        before = text[line_start(text, match.start()) : match.start()]
        if _LIST_LABEL_PREFIX.fullmatch(before):  # the label starts its line, after at most two words
            yield from _list_items(text, match.end())
    # 5. a known first name followed by a capitalised word: "Anna Becker"
    for match in _matches(_WORD_BEFORE_NAME, text, keywords.starts(text, FIRST_NAME_WORDS)):
        start = match.start()
        if match.group(1).split("-")[0].lower() not in FIRST_NAMES:
            continue
        if start and (text[start - 1].isalnum() or text[start - 1] in "_-."):
            continue
        span = _read_name(text, start, allow_single=False)
        if span and text[span[1] : span[1] + 1] != "-":
            yield span
    # 6. a name right before a birth date or birth name: "Weißenböck, Jürgen, geb. 27.05.1966", "Elira (*02.10.2016)"
    yield from _names_before_birth(text)
    # 7. a birth name: "geb. Tenhagen"
    for match in _matches(_BIRTH_NAME, text, keywords.starts(text, _BIRTH_NAME_WORDS)):
        if not word_starts(text, match.start()):
            continue
        span = _read_name(text, match.end(), allow_single=True)
        if span:
            yield span
    # 8. a line holding only a name, above an address or phone line (letter heads, signatures)
    first_line = _FIRST_NAME_LINE.match(text)
    for match in itertools.chain([first_line] if first_line else [], _NAME_LINE.finditer(text)):
        next_start = match.end() + 1
        next_end = text.find("\n", next_start)
        next_line = text[next_start : next_end if next_end != -1 else len(text)]
        address = next(_find_addresses(next_line), None)
        if not (_CONTACT_LINE.match(next_line) or (address and not next_line[: address[0]].strip())):
            continue
        span = _read_name(text, match.start(1), allow_single=False)
        if span:
            yield span
    # 9. kinship: "mein Mann Cem"
    kinship = [s for s in keywords.starts(text, _KINSHIP_WORDS) if word_starts(text, s)]
    for match in _matches(_KINSHIP, text, kinship):
        span = _read_name(text, match.end(), allow_single=True)
        if span:
            yield span
    # 10. informal lower-case writing: "herr pawlak", "elfriede baumann"
    yield from find_lowercase_names(text, _is_plain_stop_word)
    # 11. all caps or all lower case where the context says person: "HERR JÜRGEN KRAUSE",
    # "JÜRGEN KRAUSE BESCHWERT SICH", "NAME: KRAUSE", "antragsteller: jürgen krause"
    yield from find_plain_case_names(text, _is_plain_stop_word)


def _is_plain_stop_word(value: str) -> bool:
    return _is_stop_word(value.title()) or value.lower() in _LOWER_NON_NAMES


_BIRTH_MARK = re.compile(r"(?:geb\.|geboren|\*)[ \t]*(?:am[ \t]*)?(?=\d|[A-ZÄÖÜ])")
_BIRTH_MARK_WORDS = keywords.register("birth_mark", ["geb.", "geboren", "*"])
_BIRTH_SEPARATORS = " \t,(–"
_NAME_BEFORE = re.compile(
    rf"(?:(?<=[\s(:;|•–-])|^)((?:{NAME_WORD}|{CAPS_WORD}|{_INITIAL})(?:(?:[ \t]+(?:(?:{_PARTICLES})[ \t]+)*|,[ \t]*)(?:{NAME_WORD}|{CAPS_WORD})){{0,3}})$"
)


def _names_before_birth(text: str) -> Iterator[tuple[int, int]]:
    for mark in _matches(_BIRTH_MARK, text, keywords.starts(text, _BIRTH_MARK_WORDS)):
        stop = mark.start()
        while stop > 0 and text[stop - 1] in _BIRTH_SEPARATORS:
            stop -= 1
        if stop == mark.start():
            continue  # "geb." glued to a word is something else
        window = max(0, stop - 60)
        newline = text.rfind("\n", window, stop)
        window = newline + 1 if newline != -1 else window
        before = _NAME_BEFORE.search(text, window, stop)
        if before is None:
            continue
        # read forward from each word start so leading nouns ("Schwester", "Kind:") drop out
        for word in _NON_BLANK.finditer(text[before.start(1) : stop]):
            span = _read_name(text, before.start(1) + word.start(), allow_single=True, allow_comma=True)
            if span and span[1] >= stop - 1:
                yield span
                break


def _list_items(text: str, position: int) -> Iterator[tuple[int, int]]:
    """Names in a participant list: the rest of the line, then bullet lines, until a blank line."""
    end = text.find("\n", position)
    end = len(text) if end == -1 else end
    block_end = end
    while True:
        nxt = _BULLET_LINE.match(text, block_end)
        if not nxt:
            break
        block_end = nxt.end()
    for item in _LIST_ITEM.finditer(text[position:block_end]):
        start = position + item.start()
        stop = position + item.end()
        start += len(_matched(_ITEM_LEAD.match(text[start:stop])).group())
        if _SALUTATION.match(text, start):
            continue  # found by the salutation rule
        titles = _SKIP_TITLES.match(text, start)
        span = _name_at(text, start, allow_single=bool(titles))
        if span is None:
            # "K. Wagner": an initial and a surname
            initial = _INITIAL_AND_NAME.match(text[start:stop])
            if initial and initial.group(1).lower() not in NOT_NAME_WORDS:
                yield start, start + initial.end()
            continue
        yield span
