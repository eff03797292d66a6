"""Names of persons, found from their context: salutations, field labels, signatures, lists, first names."""

from __future__ import annotations

import re
from collections.abc import Iterator

from workbench.privacy.addresses import _find_addresses
from workbench.privacy.casing import _LOWER_NON_NAMES, find_lowercase_names, find_plain_case_names
from workbench.privacy.data import (
    FIRST_NAMES,
    NAME_PARTICLES,
    NOT_NAME_WORDS,
    ORGANISATION_ENDINGS,
    ORGANISATION_WORDS,
    ROLE_WORDS,
)
from workbench.privacy.normalize import LOWER, UPPER
from workbench.privacy.patterns import CAPS_WORD, NAME_WORD, _matched

_SALUTATION = re.compile(r"\b(?:Herrn?|Frau|Hr\.|Fr\.|Familie|Eheleute)(?=[ \t]+)")
_TITLES = re.compile(
    r"[ \t]+(?:(?:Dr|Prof|Dipl|Mag|med|jur|rer|nat|phil|h\.c|Ing|Dipl\.-Ing|Dipl\.-Kfm)\.[ \t]*)+"
)
_NAME_TOKEN = re.compile(rf"{NAME_WORD}|{CAPS_WORD}|[{UPPER}]\.(?=[ \t]*[{UPPER}])")
_FIELD_LABEL = re.compile(
    r"(?m)(?:^|(?<=[\s(;,|]))(?=[A-ZÄÖÜgiI])(?:(?:Antragsteller(?:in)?|Antragstellende|Name|Vornamen?|Nachname|Familienname|Geburtsname|"
    r"Rufname|Ehename|Künftiger Ehename|Vor-\s?und\s?Zuname|Vorname,\s?Name|Name,\s?Vorname|Ansprechpartner(?:in)?|"
    r"Ansprechperson|Sachbearbeiter(?:in)?|Sachbearbeitung|Bearbeiter(?:in)?|Bearbeitet|Erfasst|Aufgestellt|Kontaktperson|"
    r"Absender(?:in)?|Empfänger(?:in)?|Verfasser(?:in)?|Melder(?:in)?|Beschwerdeführer(?:in)?|Hinweisgeber(?:in)?|Kind|"
    r"Ehepartner(?:in)?|Ehegatte|Ehegattin|Eigentümer(?:in)?|Mieter(?:in)?|Vermieter(?:in)?|Halter(?:/in|in)?|"
    r"Fahrzeughalter(?:in)?|Protokoll(?:führung|führer|führerin)?|Schriftführ(?:ung|er|erin)|Zeuge|Zeugin|Schüler(?:in)?|"
    r"Betreuer(?:in)?|Sorgeberechtigte[r]?|Erziehungsberechtigte[r]?|Vater|Mutter|Bewerber(?:in)?|"
    r"Leistungsberechtigte[r]?|Patient(?:in)?|Verstorbene[r]?|Verstorbene Person|Angaben zur Person|Bauherr(?:in)?|"
    r"Unterzeichner(?:in)?|Unterschrift|Standesbeamt(?:in|er)|Vollziehungsbeamt(?:in|er)|Für die Richtigkeit|Leitung)"
    r"[ \t]*(?:\([^)\n]{0,15}\))?[ \t]*:|gez\.|i\.\s?A\.|i\.\s?V\.|Im Auftrag|In Vertretung)[ \t]*(?:\n[ \t]*)?"
)
_CLOSING = re.compile(
    r"(?=[MmFfVvBbLlHhSsGg])(?:[Mm]it freundlichen [Gg]rüßen|[Mm]it freundlichem [Gg]ruß|(?:[Ff]reundliche|[Vv]iele|[Bb]este|[Ll]iebe|"
    r"[Hh]erzliche|[Ss]chöne) [Gg]rüße|MfG|mfg|MFG|[Hh]ochachtungsvoll|\b[Gg]ruß)[ \t]*[,.!]?[ \t]*(?:\n[ \t]*)*"
    r"(?:(?:i\.\s?A\.|i\.\s?V\.|gez\.|Im Auftrag|In Vertretung)[ \t]*(?:\n[ \t]*)*)?"
)
_LIST_LABEL = re.compile(
    r"(?m)^[ \t]*(?:[\wäöüß]+[ \t]+){0,2}(?:Mitglieder|Verwaltung|Schriftführung|Anwesend(?:e)?|Teilnehmende|Teilnehmer(?:innen|\*innen|:innen)?|Entschuldigt|Abwesend|Gäste|"
    r"Verteiler|Moderation|Sitzungsleitung|Leitung|Vorsitz|Referent(?:in|innen)?|Referierende|Es fehlten|Ferner anwesend)"
    r"[ \t]*(?:\([^)\n]{0,60}\))?[ \t]*:[ \t]*"
)


# --- names -----------------------------------------------------------------------------------------


_PARTICLES = "|".join(sorted(NAME_PARTICLES, key=len, reverse=True))
_INITIAL = rf"[{UPPER}]\.(?:-[{UPPER}]\.)?(?=[ \t]*[{UPPER}])"
_LEADING_PARTICLES = re.compile(rf"(?:(?:{_PARTICLES})[ \t]+)+(?=[{UPPER}])")
_NAME_TOKEN = re.compile(rf"{NAME_WORD}|{CAPS_WORD}|{_INITIAL}")
_NEXT_NAME_TOKEN = re.compile(rf"[ \t]+((?:(?:{_PARTICLES})[ \t]+)*)({NAME_WORD}|{CAPS_WORD}|{_INITIAL})")
_COMMA_NAME = re.compile(rf",[ \t]*((?:{NAME_WORD}|{CAPS_WORD})(?:[ \t]+{NAME_WORD})?)(?![\wäöüß.])")
# Legal forms of companies and associations: "GmbH", "eG", "e.V.", "& Co. KG", "Stiftung", "& Partner".
# Not "e.K.": the eingetragene Kaufmann is a natural person, "Jana Lange e.K." names her.
_LEGAL_FORM = (
    r"(?:(?:g?GmbH|AG|KG|KGaA|OHG|UG|eG|GbR|SE|mbH|PartG(?:mbB)?|Partnerschaft|Stiftung)(?![\wäöüß])"
    r"|e\.[ \t]?V\.|[&+][ \t]?(?:Co\b|Partner|Söhne|Sohn|Kollegen))"
)
_COMPANY_AFTER = re.compile(rf"[ \t]+(?:[{UPPER}][\wäöüß\-]*[ \t]+){{0,3}}{_LEGAL_FORM}")
_HAS_LEGAL_FORM = re.compile(rf"(?:^|[ \t]){_LEGAL_FORM}")
_NOUN_ENDINGS = re.compile(
    r"(?i)-(?:institut|instituts|schule|stiftung|preis|preises|haus|hauses|platz|straße|weg|allee|gymnasium|klinik|"
    r"klinikum|zentrum|museum|halle|bad|park|brücke|bibliothek|kaserne|ring|saal|kirche|gemeinde|verein|forum)$"
)
_KINSHIP = re.compile(
    r"\b(?:[Mm]ein|[Mm]eine|[Mm]einem|[Mm]einer|[Uu]nser|[Uu]nsere|[Uu]nserem|[Uu]nserer|[Ss]ein|[Ss]eine|[Ii]hr|[Ii]hre)[ \t]+"
    r"(?:[Mm]ann|[Ff]rau|[Ss]ohn|[Tt]ochter|[Bb]ruder|[Ss]chwester|[Vv]ater|[Mm]utter|[Ee]hemann|[Ee]hefrau|[Pp]artner|"
    r"[Pp]artnerin|[Nn]achbar|[Nn]achbarin|[Ee]nkel|[Ee]nkelin|[Kk]ind)[ \t]+"
)
_NAME_LINE = re.compile(
    rf"(?m)^[ \t]*((?:{NAME_WORD}|{_INITIAL})(?:[ \t]+(?:(?:{_PARTICLES})[ \t]+)*(?:{NAME_WORD}|{CAPS_WORD})){{1,3}})[ \t]*\n"
)
_CONTACT_LINE = re.compile(
    r"[ \t]*(?:Tel\.?|Telefon|Handy|Mobil|E-Mail|Mail|Fax)[ \t]*:?[ \t]*[+\d(]|[ \t]*(?:\+49|0\d)"
)


# Street words that end a name ("Jürgen Krause Lindenstraße"); "-kamp", "-ring", "-winkel" are also
# common surnames (Haverkamp), so only the unambiguous ones count.
_STREET_IN_NAME = re.compile(r"(?i)(?:straße|strasse|str\.|allee|gasse|platz|chaussee|promenade|weg)$")


def _is_organisation_word(value: str) -> bool:
    """A word that names an organisation or a trade: "Stadtmarketing", "Sparkasse", "Elektroanlagen"."""
    low = value.lower().rstrip(".")
    return low in ORGANISATION_WORDS or low.endswith(ORGANISATION_ENDINGS)


def _is_stop_word(value: str) -> bool:
    low = value.lower().rstrip(".")
    return (
        low in NOT_NAME_WORDS
        or low in ROLE_WORDS
        or _is_organisation_word(value)
        or bool(_STREET_IN_NAME.search(value))
        or bool(_NOUN_ENDINGS.search(value))
    )


def _is_organisation(value: str) -> bool:
    """A whole table cell or line that names an organisation: "Sparkasse Musterland", "Wohnungsbau eG"."""
    words = value.split(maxsplit=2)
    return bool(words) and (
        any(_is_organisation_word(word) for word in words[:2]) or bool(_HAS_LEGAL_FORM.search(value))
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
    particles = _LEADING_PARTICLES.match(text, position)
    first = _NAME_TOKEN.match(text, particles.end() if particles else position)
    if first is None or _is_stop_word(first.group()):
        return None
    all_caps = first.group().isupper() and len(first.group()) > 2
    end, count = first.end(), 1 + bool(particles)
    last = first.group()
    while count < 5:
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
    if allow_comma and count <= 2:
        comma = _COMMA_NAME.match(text, end)
        if comma and not _is_stop_word(comma.group(1).split()[0]):
            end, count, last = comma.end(), count + 1, comma.group(1)
    if last.endswith(".") and len(last) <= 5:
        return None  # ends on an initial: not a name we can vouch for
    if count == 1 and not allow_single:
        return None
    if _COMPANY_AFTER.match(text, end):
        return None  # "Hermann Krämer Rohrsanierung GmbH" is a company
    return (particles.start() if particles else first.start()), end


_ROLE_TOKEN = re.compile(rf"[ \t]+([{UPPER}][{LOWER}]+)")
_BLANKS = re.compile(r"[ \t]*")
_BULLET_LINE = re.compile(r"\n[ \t]*(?:[-*•–·]|\d+\.)[ \t]+[^\n]*")
_SKIP_TITLES = re.compile(
    r"[ \t]*(?:(?:Dr|Prof|Dipl|Mag|med|jur|rer|nat|phil|h\.c|Ing|Dipl\.-Ing|Dipl\.-Kfm)\.[ \t]*)+"
)


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
    position = _matched(_BLANKS.match(text, position)).end()
    role = _ROLE_TOKEN.match(" " + text[position : position + 40])
    if role and role.group(1).lower() in ROLE_WORDS:
        position += role.end() - 1
    titles = _SKIP_TITLES.match(text, position)
    if titles:
        position = titles.end()
    return _read_name(
        text,
        _matched(_BLANKS.match(text, position)).end(),
        allow_single=allow_single,
        allow_comma=allow_comma,
        after_salutation=after_salutation or bool(titles),  # "Dr. Becker" is a person
    )


def _find_names(text: str) -> Iterator[tuple[int, int]]:
    # 1. salutation and titles: "Frau Dr. Claudia Vogel", "Herrn Nowak", "Herrn\nJürgen Krause"
    for match in _SALUTATION.finditer(text):
        position = _skip_roles(text, match.end())
        span = _name_at(text, position, allow_single=True, after_salutation=True)
        if span:
            yield match.start(), span[1]
    for match in re.finditer(r"(?m)^[ \t]*(?:Herrn?|Frau|Familie|Eheleute)[ \t]*\n", text):
        span = _name_at(text, match.end(), allow_single=True, after_salutation=True)
        if span:
            yield span
    # 2. field labels: "Antragsteller: Jürgen Krause", "Name: KRAUSE, Jürgen", "gez. Brüggemann"
    for match in _FIELD_LABEL.finditer(text):
        if _SALUTATION.match(text, _matched(_BLANKS.match(text, match.end())).end()):
            continue  # handled above
        span = _name_at(text, match.end(), allow_single=True, allow_comma=True)
        if span:
            yield span
    # 3. signatures after a closing formula
    for match in _CLOSING.finditer(text):
        span = _name_at(text, match.end(), allow_single=True)
        if span and "\n" not in text[span[0] : span[1]]:
            yield span
    # 4. participant lists: "Anwesend: Frau Schneider (FB 32), Dr. Öztürk, Anna Becker"
    for match in _LIST_LABEL.finditer(text):
        yield from _list_items(text, match.end())
    # 5. a known first name followed by a capitalised word: "Anna Becker"
    for match in re.finditer(rf"(?<![\w\-.])({NAME_WORD})[ \t]+(?=[{UPPER}]|(?:{_PARTICLES})[ \t])", text):
        if match.group(1).split("-")[0].lower() not in FIRST_NAMES:
            continue
        span = _read_name(text, match.start(), allow_single=False)
        if span and text[span[1] : span[1] + 1] != "-":
            yield span
    # 6. a name right before a birth date or birth name: "Weißenböck, Jürgen, geb. 27.05.1966", "Elira (*02.10.2016)"
    yield from _names_before_birth(text)
    # 7. a birth name: "geb. Tenhagen"
    for match in re.finditer(rf"\bgeb\.[ \t]+(?=[{UPPER}])", text):
        span = _read_name(text, match.end(), allow_single=True)
        if span:
            yield span
    # 8. a line holding only a name, above an address or phone line (letter heads, signatures)
    for match in _NAME_LINE.finditer(text):
        next_end = text.find("\n", match.end())
        next_line = text[match.end() : next_end if next_end != -1 else len(text)]
        address = next(_find_addresses(next_line), None)
        if not (_CONTACT_LINE.match(next_line) or (address and not next_line[: address[0]].strip())):
            continue
        span = _read_name(text, match.start(1), allow_single=False)
        if span:
            yield span
    # 9. kinship: "mein Mann Cem"
    for match in _KINSHIP.finditer(text):
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
_BIRTH_SEPARATORS = " \t,(–"
_NAME_BEFORE = re.compile(
    rf"(?:(?<=[\s(:;|•–-])|^)((?:{NAME_WORD}|{CAPS_WORD}|{_INITIAL})(?:(?:[ \t]+(?:(?:{_PARTICLES})[ \t]+)*|,[ \t]*)(?:{NAME_WORD}|{CAPS_WORD})){{0,3}})$"
)


def _names_before_birth(text: str) -> Iterator[tuple[int, int]]:
    for mark in _BIRTH_MARK.finditer(text):
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
        for word in re.finditer(r"\S+", text[before.start(1) : stop]):
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
    for item in re.finditer(r"[^,;\n]+", text[position:block_end]):
        start = position + item.start()
        stop = position + item.end()
        start += len(
            _matched(
                re.match(r"[ \t]*(?:[-*•–·]|\d+\.)?[ \t]*(?:und[ \t]+|sowie[ \t]+)?", text[start:stop])
            ).group()
        )
        if _SALUTATION.match(text, start):
            continue  # found by the salutation rule
        titles = _SKIP_TITLES.match(text, start)
        span = _name_at(text, start, allow_single=bool(titles))
        if span is None:
            # "K. Wagner": an initial and a surname
            initial = re.match(rf"[{UPPER}]\.[ \t]*({NAME_WORD})", text[start:stop])
            if initial and initial.group(1).lower() not in NOT_NAME_WORDS:
                yield start, start + initial.end()
            continue
        yield span
