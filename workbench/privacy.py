"""Datenschutz-Check: find German personal data in text, and pseudonymise it.

Pure functions over strings, no model and nothing to download. Identifiers with check digits (IBAN,
Steuer-ID, USt-IdNr., Renten-/Sozialversicherungsnummer, Ausweisnummer) are validated, so an
11-digit invoice number is not a Steuer-ID; phone numbers are checked with ``phonenumbers``. Names,
addresses, birth dates and file references are found from their context: salutations and titles,
field labels, signatures after a closing formula, participant lists, street suffixes and house
numbers, PLZ and city, "geb.", "Az.". Overlapping candidates resolve to one finding, the more
specific kind winning.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum.de import idnr as stdnum_idnr
from stdnum.de import vat as stdnum_vat

from workbench.privacy_data import DISTRICT_CODES, FIRST_NAMES, NAME_PARTICLES, NOT_NAME_WORDS, ROLE_WORDS

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


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "label": self.label,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }


# --- building blocks -----------------------------------------------------------------------------

UPPER = "A-ZÄÖÜ"
LOWER = "a-zäöüßéèáàçğışñó"
NAME_WORD = rf"[{UPPER}][{LOWER}]+(?:-[{UPPER}][{LOWER}]+)*"
CAPS_WORD = rf"[{UPPER}]{{2,}}(?:-[{UPPER}]{{2,}})*"
MONTHS = (
    "Januar|Februar|März|Maerz|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember|"
    "Jan\\.|Feb\\.|Mär\\.|Apr\\.|Jun\\.|Jul\\.|Aug\\.|Sep\\.|Sept\\.|Okt\\.|Nov\\.|Dez\\."
)
DATE = rf"(?:\d{{1,2}}\.\s?\d{{1,2}}\.\s?(?:19|20)?\d{{2}}(?!\d)|\d{{1,2}}\.\s?(?:{MONTHS})\s+(?:19|20)\d{{2}}|(?:19|20)\d{{2}}-\d{{2}}-\d{{2}})"

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
    "Unter den|Vor dem|Vor der|Bei der|Beim|Alte|Alter|Altes|Neue|Neuer|Große|Großer|Kleine|Kleiner|"
    "Lange|Langer|Obere|Oberer|Untere|Unterer"
)
HOUSE_NUMBER = r"\d{1,4}(?:\s?[a-hA-H](?![\wäöüß]))?(?:\s?[-–/]\s?\d{1,4}(?:\s?[a-h](?![\wäöüß]))?)?"
PLZ_CITY = rf"(?:D-)?\d{{5}}[ \t]+[{UPPER}][{LOWER}]+(?:[-\s][{UPPER}][{LOWER}]+)?(?:\s(?:am|an der|im|in|ob der|vor der)\s[{UPPER}][{LOWER}]+|\s\([{UPPER}][{LOWER}. ]+\))?"

# A capitalised word directly followed by a number: the cheap anchor every address has.
_STREET_ANCHOR = re.compile(rf"(?<![\wäöüß.\-])[{UPPER}][\wäöüß\-]*\.?[ \t]+(?=\d)")
_STREET_SUFFIX = re.compile(rf"(?i)(?:{STREET_SUFFIXES})$")
_STREET_WORDS = frozenset(
    {"straße", "strasse", "str.", "weg", "allee", "platz", "ring", "gasse", "ufer", "damm", "chaussee"}
)
_PREFIX_BEFORE = re.compile(rf"(?:^|(?<=[\s,;(]))(?:{STREET_PREFIX})[ \t]+(?:[{UPPER}][\wäöüß\-]*[ \t]+)?$")
_WORDS_BEFORE = re.compile(rf"(?:^|(?<=[\s,;(]))(?:[{UPPER}][\wäöüß\-]*[ \t]+){{1,2}}$")
_FIRST_WORD = re.compile(r"\S*")
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

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
_IBAN = re.compile(
    r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ \t]?[A-Z0-9]{4}){2,7}(?:[ \t]?[A-Z0-9]{1,3})?(?![A-Za-z0-9])"
)
_VAT = re.compile(r"(?<![A-Za-z0-9])DE[ \t]?\d{3}[ \t]?\d{3}[ \t]?\d{3}(?!\d)")
_TAX_ID = re.compile(r"(?<![\d/.,-])\d{2}(?:[ \t/.]?\d{3}){3}(?![\d/.,-]?\d)")
_RVNR = re.compile(r"(?<![\w])\d{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?[A-Z][ \t]?\d{2}[ \t]?\d(?![\w])")
_ID_CARD = re.compile(r"(?<![\w])[CFGHJKLMNPRTVWXYZ0-9]{9}\d?(?![\w])")
_ID_CONTEXT = re.compile(
    r"(?i)(ausweis|pass\b|passnummer|reisepass|dokumentennummer|dokumenten-nr|seriennummer|perso\b)"
)
_PLATE = re.compile(
    rf"(?<![\w-])(?P<district>[{UPPER}]{{1,3}})(?P<sep>[ \t]?-[ \t]?|[ \t])(?P<letters>[A-Z]{{1,2}})[ \t-]?(?P<digits>[1-9]\d{{0,3}})(?P<suffix>[EH])?(?![\w])"
)
_PHONE = re.compile(
    r"(?<![\w+/.,-])(?:(?:\+|00)\d{2}[ \t]?(?:\(0\)[ \t]?)?\d[\d \t/()-]{4,18}\d|\(0\d{2,5}\)[ \t]?\d[\d \t/-]{2,14}\d|0\d{2,5}[ \t]?[/-]?[ \t]?\d[\d \t/-]{2,14}\d)(?![\w])"
)
_PHONE_GAP = re.compile(r"[ \t/-]+")
_PHONE_BLOCKERS = re.compile(
    r"(?i)(drucksache|drs\.|vorlage|nr\.|nummer|rechnung|az\.|aktenzeichen|zeichen|kassenzeichen|konto|ticket|version|release|steuer|iban|\bplz\b)[^\n]{0,12}$"
)
_BIRTH = re.compile(
    rf"(?:(?:\b[Gg]eb\.|\b[Gg]eboren|\bGEBOREN|\bGeburtsdatum|\bGEBURTSDATUM|\bGeb\.-[Dd]atum|\bGeburtstag|\b[Gg]eb\.\s*am)(?:[ \t]*(?:am|:|/-ort:|-?ort:|,))?[ \t]*\*?[ \t]*(?P<d1>{DATE})|(?<![\w*])\*[ \t]?(?P<d2>{DATE}))"
)
_CASE_LABEL = re.compile(
    r"(?:\bAz\b\.?|\bAZ\b|\bAktenzeichen|\bGz\b\.?|\bGeschäftszeichen|\bGeschZ\.?|\b[Uu]nser(?:e)? Zeichen|\b[Uu]nser Az\.?|"
    r"\b[Ii]hr(?:e)? Zeichen|\bKassenzeichen|\bVorgangsnummer|\bVorgangs-Nr\.?|\bBuchungszeichen|\bAkten-?Nr\.?|"
    r"\bFallnummer|\bAntragsnummer|\bBescheid-Nr\.?|\bBG-Nummer|\bGeschäftsnummer|\bVorgangs-?[Zz]eichen)"
    r"[ \t]*(?:\([^)\n]{0,20}\))?[ \t]*[:.]?[ \t]*(?:Nr\.?[ \t]*)?"
)
_CASE_TOKEN = re.compile(r"[A-Za-zÄÖÜäöü0-9][A-Za-zÄÖÜäöü0-9./\-_]*")
_HEALTH = re.compile(
    r"(?i)(?:\b(?:mein|meine|meiner|meinem|meines|sein|seine|seiner|seinem|ihr|ihre|ihrer|ihrem|unser|unsere|unserer)\s+(?:\w+\s+)?"
    r"(?P<h1>\w*(?:erkrankung|krankheit|behinderung|diagnose|depression|diabetes|asthma|demenz|therapie|sucht|allergie|"
    r"schwangerschaft|operation|pflegebedürftigkeit)\w*)"
    r"|\b(?P<h2>(?:Diagnose|Befund)[ \t]*:[ \t]*[^\n.;]{2,60})"
    r"|\b(?P<h3>GdB[ \t]*(?:von[ \t]*)?\d{2,3}|Pflegegrad[ \t]*[1-5]|Grad der Behinderung[ \t]*(?:von[ \t]*)?\d{2,3})"
    r"|\b(?:leidet|leide|litt)\s+(?:seit\s+\w+\s+)?(?:an|unter)\s+(?P<h4>(?:einer?\s+)?\w+))"
)

# Cheap case-sensitive stems; the full rule above only runs in a window around each hit.
_HEALTH_ANCHOR = re.compile(
    r"[Ee]rkrank|[Kk]rankheit|[Bb]ehinder|[Dd]iagnose|[Dd]epression|[Dd]iabetes|[Aa]sthma|[Dd]emenz|[Tt]herapie|"
    r"[Ss]ucht|[Aa]llergi|[Ss]chwangerschaft|[Oo]peration|[Pp]flegebedürftig|Befund|GdB|Pflegegrad|leide|litt"
)

_SALUTATION = re.compile(r"\b(?:Herrn?|Frau|Hr\.|Fr\.|Familie|Eheleute)(?=[ \t]+)")
_TITLES = re.compile(
    r"[ \t]+(?:(?:Dr|Prof|Dipl|Mag|med|jur|rer|nat|phil|h\.c|Ing|Dipl\.-Ing|Dipl\.-Kfm)\.[ \t]*)+"
)
_NAME_TOKEN = re.compile(rf"{NAME_WORD}|{CAPS_WORD}|[{UPPER}]\.(?=[ \t]*[{UPPER}])")
_FIELD_LABEL = re.compile(
    r"(?m)(?:^|(?<=[\s(;,]))(?:Antragsteller(?:in)?|Antragstellende|Name|Vorname|Nachname|Familienname|Geburtsname|"
    r"Vor-\s?und\s?Zuname|Vorname,\s?Name|Name,\s?Vorname|Ansprechpartner(?:in)?|Ansprechperson|Sachbearbeiter(?:in)?|"
    r"Sachbearbeitung|Bearbeiter(?:in)?|Kontaktperson|Absender(?:in)?|Empfänger(?:in)?|Verfasser(?:in)?|Melder(?:in)?|"
    r"Beschwerdeführer(?:in)?|Hinweisgeber(?:in)?|Kind|Ehepartner(?:in)?|Ehegatte|Ehegattin|Eigentümer(?:in)?|Mieter(?:in)?|"
    r"Vermieter(?:in)?|Halter(?:in)?|Fahrzeughalter(?:in)?|Protokoll(?:führung|führer|führerin)?|Schriftführ(?:ung|er|erin)|"
    r"Zeuge|Zeugin|Schüler(?:in)?|Betreuer(?:in)?|Erziehungsberechtigte[r]?|Vater|Mutter|Bewerber(?:in)?|"
    r"Leistungsberechtigte[r]?|Patient(?:in)?|Verstorbene[r]?|Bauherr(?:in)?|Unterzeichner(?:in)?|gez\.|i\.\s?A\.|i\.\s?V\.)"
    r"[ \t]*(?:\([^)\n]{0,15}\))?[ \t]*[:.]?[ \t]*"
)
_CLOSING = re.compile(
    r"(?:[Mm]it freundlichen [Gg]rüßen|[Mm]it freundlichem [Gg]ruß|(?:[Ff]reundliche|[Vv]iele|[Bb]este|[Ll]iebe|"
    r"[Hh]erzliche|[Ss]chöne) [Gg]rüße|MfG|mfg|MFG|[Hh]ochachtungsvoll|\b[Gg]ruß)[ \t]*[,.!]?[ \t]*(?:\n[ \t]*)*"
    r"(?:(?:i\.\s?A\.|i\.\s?V\.|gez\.|Im Auftrag)[ \t]*(?:\n[ \t]*)?)?"
)
_LIST_LABEL = re.compile(
    r"(?im)(?:^|(?<=\n))[ \t]*(?:Anwesend(?:e)?|Teilnehmende|Teilnehmer(?:innen|\*innen|:innen)?|Entschuldigt|Abwesend|Gäste|"
    r"Verteiler|Moderation|Sitzungsleitung|Leitung|Vorsitz|Referent(?:in|innen)?|Referierende|Es fehlten|Ferner anwesend)"
    r"[ \t]*(?:\([^)\n]{0,30}\))?[ \t]*:[ \t]*"
)


def _iter_spans(pattern: re.Pattern, text: str, group: str | int = 0) -> Iterator[tuple[int, int]]:
    for match in pattern.finditer(text):
        yield match.span(group)


def _strip(text: str, start: int, end: int, chars: str = " \t\n,;.") -> tuple[int, int]:
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


# --- identifier detectors -------------------------------------------------------------------------


def _compact(value: str) -> str:
    return re.sub(r"[\s/.-]", "", value)


def _find_iban(text: str) -> Iterator[tuple[int, int]]:
    for match in _IBAN.finditer(text):
        start, end = match.span()
        # A greedy match may run into the next word; drop trailing groups until the check digits fit.
        while end - start >= 15:
            if stdnum_iban.is_valid(_compact(text[start:end])):
                yield start, end
                break
            cut = max(text.rfind(" ", start, end), text.rfind("\t", start, end))
            if cut <= start:
                break
            end = cut


def _find_vat(text: str) -> Iterator[tuple[int, int]]:
    for start, end in _iter_spans(_VAT, text):
        if stdnum_vat.is_valid(_compact(text[start:end])):
            yield start, end


def _find_tax_id(text: str) -> Iterator[tuple[int, int]]:
    for start, end in _iter_spans(_TAX_ID, text):
        digits = _compact(text[start:end])
        if len(digits) == 11 and stdnum_idnr.is_valid(digits):
            yield start, end


def rv_check_digit(number: str) -> int | None:
    """Check digit of a Rentenversicherungsnummer (11 characters without the check digit)."""
    if len(number) != 11 or not number[:8].isdigit() or not number[8].isalpha() or not number[9:].isdigit():
        return None
    digits = number[:8] + f"{ord(number[8].upper()) - 64:02d}" + number[9:]
    weights = (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)
    total = sum(sum(divmod(int(d) * w, 10)) for d, w in zip(digits, weights, strict=True))
    return total % 10


def _find_rvnr(text: str) -> Iterator[tuple[int, int]]:
    for start, end in _iter_spans(_RVNR, text):
        value = _compact(text[start:end])
        day, month = int(value[2:4]), int(value[4:6])
        if not (1 <= day <= 31 or 51 <= day <= 81) or not 1 <= month <= 12:
            continue
        if rv_check_digit(value[:11]) == int(value[11]):
            yield start, end


_ICAO_VALUES = {**{str(d): d for d in range(10)}, **{chr(c): c - 55 for c in range(65, 91)}}


def icao_check_digit(value: str) -> int:
    weights = (7, 3, 1)
    return sum(_ICAO_VALUES[ch] * weights[i % 3] for i, ch in enumerate(value.upper())) % 10


def _find_id_card(text: str) -> Iterator[tuple[int, int]]:
    for start, end in _iter_spans(_ID_CARD, text):
        value = text[start:end]
        has_letter = any(c.isalpha() for c in value)
        context = bool(_ID_CONTEXT.search(text, max(0, start - 60), start))
        # Ten characters carry the ICAO check digit; the nine printed on the card only count in context.
        checked = (
            len(value) == 10 and icao_check_digit(value[:9]) == int(value[9]) and (has_letter or context)
        )
        printed = len(value) == 9 and context and has_letter and any(c.isdigit() for c in value)
        if checked or printed:
            yield start, end


def _find_plates(text: str) -> Iterator[tuple[int, int]]:
    for match in _PLATE.finditer(text):
        district = match.group("district")
        hyphen = "-" in match.group("sep")
        if district in DISTRICT_CODES or (hyphen and len(district) <= 3):
            if not hyphen and district not in DISTRICT_CODES:
                continue
            yield match.span()


def _find_phones(text: str) -> Iterator[tuple[int, int]]:
    position = 0
    while (match := _PHONE.search(text, position)) is not None:
        start, end = match.span()
        if _is_phone(text, match.group(), start):
            yield start, end
            position = end
        else:
            # A long run of digit groups may hide a real number further right: retry after the next gap.
            gap = _PHONE_GAP.search(text, start + 1, end)
            position = gap.end() if gap else end


def _is_phone(text: str, candidate: str, start: int) -> bool:
    if sum(c.isdigit() for c in candidate) < 6:
        return False
    if _PHONE_BLOCKERS.search(text, max(0, start - 30), start):
        return False
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(candidate, "DE"))
    except phonenumbers.NumberParseException:
        return False


def _find_birth_dates(text: str) -> Iterator[tuple[int, int]]:
    for match in _BIRTH.finditer(text):
        group = "d1" if match.group("d1") else "d2"
        yield match.span(group)


def _find_case_numbers(text: str) -> Iterator[tuple[int, int]]:
    for label in _CASE_LABEL.finditer(text):
        position = label.end()
        start = end = None
        tokens = 0
        while tokens < 4:
            token = _CASE_TOKEN.match(text, position)
            if token is None:
                break
            value = token.group()
            has_digit = any(c.isdigit() for c in value)
            if tokens > 0 and not (has_digit or value.isupper()):
                break
            if start is None:
                start = token.start()
            end = token.end()
            tokens += 1
            gap = re.match(r"[ \t]", text[end : end + 1])
            if not gap:
                break
            position = end + 1
        if start is None:
            continue
        start, end = _strip(text, start, end, " \t.,;:/-")
        value = text[start:end]
        # trailing all-caps words without digits belong to the sentence, not the reference
        while " " in value and not any(c.isdigit() for c in value.rsplit(" ", 1)[1]):
            value = value.rsplit(" ", 1)[0]
        end = start + len(value)
        if any(c.isdigit() for c in value) and len(value) >= 3:
            yield start, end


def _find_health(text: str) -> Iterator[tuple[int, int]]:
    seen_until = 0
    for anchor in _HEALTH_ANCHOR.finditer(text):
        if anchor.start() < seen_until:
            continue
        window_end = min(len(text), anchor.end() + 80)
        for match in _HEALTH.finditer(text, max(0, anchor.start() - 60), window_end):
            for group in ("h1", "h2", "h3", "h4"):
                if match.group(group):
                    yield _strip(text, *match.span(group))
                    break
        seen_until = window_end


# --- addresses -------------------------------------------------------------------------------------


def _find_addresses(text: str) -> Iterator[tuple[int, int]]:
    for anchor in _STREET_ANCHOR.finditer(text):
        word = anchor.group().rstrip()
        start = anchor.start()
        window = max(0, start - 40)
        newline = text.rfind("\n", window, start)
        window = newline + 1 if newline != -1 else window
        prefix = _PREFIX_BEFORE.search(text, window, start)
        if prefix:
            start = prefix.start()
        elif word.lower() in _STREET_WORDS:
            before = _WORDS_BEFORE.search(text, window, start)
            if before is None:
                continue  # "Weg 3" alone is no street
            start = before.start()
        elif not _STREET_SUFFIX.search(word):
            continue
        if _FIRST_WORD.match(text, start).group().lower() in _ARTICLES:
            continue
        tail = _NUMBER_AND_CITY.match(text, anchor.end())
        if tail is None:
            continue
        has_city = bool(tail.group("city"))
        if word.lower().rstrip(".") in GENERIC_PLACES and not has_city:
            continue
        leading = re.match(r"\d+", tail.group("number")).group()
        if len(leading) == 4 and leading[:2] in ("19", "20") and not has_city:
            continue  # a year after a street name ("Hauptstraße 2025"), not a house number
        yield start, tail.end()


# --- names -----------------------------------------------------------------------------------------


_PARTICLES = "|".join(sorted(NAME_PARTICLES, key=len, reverse=True))
_NEXT_NAME_TOKEN = re.compile(
    rf"[ \t]+((?:(?:{_PARTICLES})[ \t]+)*)({NAME_WORD}|{CAPS_WORD}|[{UPPER}]\.(?=[ \t]*[{UPPER}]))"
)
_COMMA_FIRST_NAME = re.compile(rf",[ \t]*({NAME_WORD})(?![\wäöüß.])")


def _is_stop_word(value: str) -> bool:
    low = value.lower().rstrip(".")
    return low in NOT_NAME_WORDS or low in ROLE_WORDS or bool(re.search(rf"(?i)({STREET_SUFFIXES})$", value))


def _read_name(
    text: str, position: int, *, allow_single: bool, allow_comma: bool = False
) -> tuple[int, int] | None:
    """Read a name from `position`: capitalised words, particles, initials. None if it is no name.

    `allow_single` accepts a lone surname (after a salutation); `allow_comma` accepts the form
    "Krause, Jürgen" used in forms.
    """
    first = _NAME_TOKEN.match(text, position)
    if first is None or _is_stop_word(first.group()):
        return None
    all_caps = first.group().isupper() and len(first.group()) > 2
    end, count = first.end(), 1
    last = first.group()
    while count < 5:
        token = _NEXT_NAME_TOKEN.match(text, end)
        if token is None or _is_stop_word(token.group(2)):
            break
        if token.group(2).isupper() and len(token.group(2)) > 1 and not all_caps:
            break  # "Anna Becker GmbH": an acronym after a name ends it
        end, count, last = token.end(), count + 1, token.group(2)
    if allow_comma and count == 1:
        comma = _COMMA_FIRST_NAME.match(text, end)
        if comma and comma.group(1).lower() in FIRST_NAMES:
            end, count, last = comma.end(), 2, comma.group(1)
    if len(last) == 2 and last.endswith("."):
        return None  # ends on an initial: not a name we can vouch for
    if count == 1 and (not allow_single or first.group().endswith(".")):
        return None
    return first.start(), end


_ROLE_TOKEN = re.compile(rf"[ \t]+([{UPPER}][{LOWER}]+)")
_BLANKS = re.compile(r"[ \t]*")
_BULLET_LINE = re.compile(r"\n[ \t]*(?:[-*•–·]|\d+\.)[ \t]+[^\n]*")


def _skip_roles(text: str, position: int) -> int:
    """Skip role words between a salutation and the name ("Frau Bürgermeisterin Schmidt")."""
    while True:
        match = _ROLE_TOKEN.match(text, position)
        if match and match.group(1).lower() in ROLE_WORDS:
            position = match.end()
            continue
        return position


def _find_names(text: str) -> Iterator[tuple[int, int]]:
    # 1. salutation and titles: "Frau Dr. Claudia Vogel", "Herrn Nowak"
    for match in _SALUTATION.finditer(text):
        position = match.end()
        titles = _TITLES.match(text, position)
        if titles:
            position = titles.end()
        position = _skip_roles(text, position)
        span = _read_name(text, _BLANKS.match(text, position).end(), allow_single=True)
        if span:
            yield match.start(), span[1]
    # 2. field labels: "Antragsteller: Jürgen Krause", "Name: KRAUSE, Jürgen"
    for match in _FIELD_LABEL.finditer(text):
        position = match.end()
        salutation = _SALUTATION.match(text, position)
        if salutation:
            continue  # handled above
        titles = _TITLES.match(" " + text[position : position + 40])
        if titles:
            position += titles.end() - 1
        span = _read_name(text, position, allow_single=False, allow_comma=True)
        if span:
            yield span
    # 3. signatures after a closing formula
    for match in _CLOSING.finditer(text):
        position = match.end()
        titles = _TITLES.match(" " + text[position : position + 40])
        if titles:
            position += titles.end() - 1
        span = _read_name(text, position, allow_single=False)
        if span and "\n" not in text[span[0] : span[1]]:
            yield span
    # 4. participant lists: "Anwesend: Frau Schneider (FB 32), Dr. Öztürk, Anna Becker"
    for match in _LIST_LABEL.finditer(text):
        yield from _list_items(text, match.end())
    # 5. a known first name followed by a capitalised word: "Anna Becker"
    for match in re.finditer(rf"(?<![\w\-.])({NAME_WORD})[ \t]+(?=[{UPPER}])", text):
        if match.group(1).split("-")[0].lower() not in FIRST_NAMES:
            continue
        span = _read_name(text, match.start(), allow_single=False)
        if span and text[span[1] : span[1] + 1] != "-":
            yield span


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
            re.match(r"[ \t]*(?:[-*•–·]|\d+\.)?[ \t]*(?:und[ \t]+|sowie[ \t]+)?", text[start:stop]).group()
        )
        salutation = _SALUTATION.match(text, start)
        if salutation:
            continue  # found by the salutation rule
        cursor = start
        titles = _TITLES.match(" " + text[start:stop])
        if titles:
            cursor += titles.end() - 1
        span = _read_name(text, cursor, allow_single=bool(titles))
        if span is None:
            # "K. Wagner": an initial and a surname
            initial = re.match(rf"[{UPPER}]\.[ \t]*({NAME_WORD})", text[cursor:stop])
            if initial and initial.group(1).lower() not in NOT_NAME_WORDS:
                yield cursor, cursor + initial.end()
            continue
        yield start, span[1]


# --- scan ------------------------------------------------------------------------------------------

_DETECTORS = (
    ("EMAIL", lambda text: _iter_spans(_EMAIL, text)),
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
    ("HEALTH", _find_health),
)


def _resolve(candidates: Iterable[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Keep one finding per stretch of text: higher-priority kinds first, then longer spans."""
    starts: list[int] = []  # chosen spans, sorted and disjoint
    ends: list[int] = []
    chosen: list[tuple[str, int, int]] = []
    for kind, start, end in sorted(set(candidates), key=lambda c: (_RANK[c[0]], -(c[2] - c[1]), c[1])):
        index = bisect.bisect_right(starts, start)
        if index and ends[index - 1] > start:
            continue  # overlaps the chosen span on its left
        if index < len(starts) and starts[index] < end:
            continue  # overlaps the chosen span on its right
        starts.insert(index, start)
        ends.insert(index, end)
        chosen.append((kind, start, end))
    return sorted(chosen, key=lambda c: (c[1], c[2]))


def scan(text: str) -> list[Finding]:
    """Find personal data in `text`. Offsets index into `text`; results are sorted and do not overlap."""
    if not text:
        return []
    candidates = []
    for kind, detector in _DETECTORS:
        for start, end in detector(text):
            start, end = _strip(text, start, end, " \t\n,;")
            if end > start:
                candidates.append((kind, start, end))
    return [Finding(kind, start, end, text[start:end]) for kind, start, end in _resolve(candidates)]


@dataclass(frozen=True)
class MessageFinding:
    """A finding in one message of a chat request."""

    message: int
    finding: Finding


def scan_messages(messages: Iterable[dict]) -> list[MessageFinding]:
    """Scan every text that would leave: user input, earlier answers, rendered data, tool results."""
    found = []
    for index, message in enumerate(messages):
        content = message.get("content")
        if isinstance(content, str):
            found.extend(MessageFinding(index, f) for f in scan(content))
    return found


def pseudonymize_messages(messages: Iterable[dict]) -> tuple[list[dict], dict[str, str]]:
    """Pseudonymise all messages with one consistent mapping (same value, same placeholder)."""
    mapping: dict[str, str] = {}
    result = []
    for message in messages:
        content = message.get("content")
        if isinstance(content, str) and content:
            replaced = pseudonymize(content, mapping)
            mapping = replaced.mapping
            message = {**message, "content": replaced.text}
        result.append(message)
    return result, mapping


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


# --- pseudonymisation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pseudonymized:
    text: str
    mapping: dict[str, str]  # placeholder -> original value; stays in the session, never sent
    findings: tuple[Finding, ...]


def _normal(kind: str, value: str) -> str:
    if kind in ("PERSON", "ADDRESS", "CASE_NUMBER", "HEALTH", "BIRTH_DATE"):
        return " ".join(value.split()).casefold()
    return _compact(value).casefold()


def pseudonymize(text: str, mapping: dict[str, str] | None = None) -> Pseudonymized:
    """Replace each finding by a stable placeholder like ``[PERSON_1]``; the same value gets the same one.

    Pass the `mapping` of earlier texts (e.g. earlier turns of a conversation) to keep placeholders
    consistent across them. Numbers already used in the text itself are skipped, so a literal
    ``[PERSON_1]`` typed by the user is never confused with a placeholder.
    """
    mapping = dict(mapping or {})
    findings = scan(text)
    by_value = {(_placeholder_kind(p), _normal(_placeholder_kind(p), v)): p for p, v in mapping.items()}
    counters: Counter[str] = Counter()
    for placeholder in mapping:
        kind = _placeholder_kind(placeholder)
        counters[kind] = max(counters[kind], int(placeholder.rsplit("_", 1)[1].rstrip("]")))
    parts: list[str] = []
    last = 0
    for finding in findings:
        key = (finding.kind, _normal(finding.kind, finding.text))
        placeholder = by_value.get(key)
        if placeholder is None:
            while True:
                counters[finding.kind] += 1
                placeholder = f"[{finding.kind}_{counters[finding.kind]}]"
                if placeholder not in text and placeholder not in mapping:
                    break
            by_value[key] = placeholder
            mapping[placeholder] = finding.text
        parts.append(text[last : finding.start])
        parts.append(placeholder)
        last = finding.end
    parts.append(text[last:])
    return Pseudonymized("".join(parts), mapping, tuple(findings))


def _placeholder_kind(placeholder: str) -> str:
    return placeholder[1:].rsplit("_", 1)[0]


_PLACEHOLDER = re.compile(r"\[([A-Z_]+_\d+)\]")


def restore(text: str, mapping: dict[str, str]) -> str:
    """Put the original values back into a model's answer (only placeholders from `mapping`)."""
    return _PLACEHOLDER.sub(lambda m: mapping.get(f"[{m.group(1)}]", m.group(0)), text)


class StreamRestorer:
    """Restores placeholders in a streamed answer whose chunks may split a placeholder in two."""

    def __init__(self, mapping: dict[str, str]) -> None:
        self.mapping = mapping
        self._pending = ""

    def feed(self, chunk: str) -> str:
        text = self._pending + chunk
        cut = text.rfind("[")
        if cut != -1 and "]" not in text[cut:] and re.fullmatch(r"\[[A-Z_0-9]*", text[cut:]):
            self._pending = text[cut:]
            text = text[:cut]
        else:
            self._pending = ""
        return restore(text, self.mapping)

    def flush(self) -> str:
        text, self._pending = self._pending, ""
        return restore(text, self.mapping)
