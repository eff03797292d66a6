"""Datenschutz-Check: find German personal data in text, and pseudonymise it.

Pure functions over strings, no model and nothing to download. Identifiers with check digits (IBAN,
Steuer-ID, USt-IdNr., Renten-/Sozialversicherungsnummer, Ausweisnummer) are validated, so an
11-digit invoice number is not a Steuer-ID; phone numbers are checked with ``phonenumbers``. Names,
addresses, birth dates and file references are found from their context: salutations and titles,
field labels, signatures after a closing formula, participant lists, street suffixes and house
numbers, PLZ and city, "geb.", "Az.". Organisation words and legal forms ("Stadtmarketing",
"Sparkasse", "GmbH", "e.V.") mark organisations, which are no persons. Overlapping candidates resolve
to one finding, the more specific kind winning. Pseudonymised text carries German placeholders
("[NAME_1]", "[STEUER-ID_1]"); the kind codes (PERSON, TAX_ID) stay internal.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum.de import idnr as stdnum_idnr
from stdnum.de import vat as stdnum_vat

from workbench.privacy_data import (
    DISTRICT_CODES,
    FIRST_NAMES,
    NAME_PARTICLES,
    NOT_NAME_WORDS,
    ORGANISATION_ENDINGS,
    ORGANISATION_WORDS,
    ROLE_WORDS,
)
from workbench.privacy_normalize import (
    LOWER,
    UPPER,
    find_lower_plates,
    find_obfuscated_emails,
    find_plain_case_names,
    normalize,
    plain_case_name,
)

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

# The word a placeholder carries in pseudonymised text, e.g. "[NAME_1]": German, because people and
# the model read it. Upper-case letters and hyphens only, so `restore` and `StreamRestorer` can tell
# placeholders from other bracketed text. The kind codes themselves stay internal (logs, counts).
PLACEHOLDER_WORDS = {
    "PERSON": "NAME",
    "ADDRESS": "ANSCHRIFT",
    "BIRTH_DATE": "GEBURTSDATUM",
    "EMAIL": "E-MAIL",
    "PHONE": "TELEFON",
    "IBAN": "IBAN",
    "TAX_ID": "STEUER-ID",
    "SOCIAL_SECURITY_NUMBER": "SOZIALVERSICHERUNGSNUMMER",
    "ID_CARD": "AUSWEIS",
    "LICENSE_PLATE": "KENNZEICHEN",
    "CASE_NUMBER": "AKTENZEICHEN",
    "HEALTH": "GESUNDHEIT",
    "VAT_ID": "UST-IDNR",
}
_KIND_BY_WORD = {word: kind for kind, word in PLACEHOLDER_WORDS.items()}

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

    @property
    def placeholder_word(self) -> str:
        """The German word of its placeholder, e.g. "NAME" for a person."""
        return PLACEHOLDER_WORDS[self.kind]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }


# --- building blocks -----------------------------------------------------------------------------

NAME_WORD = rf"[{UPPER}][{LOWER}]+(?:-[{UPPER}][{LOWER}]+)*(?![\w])"
CAPS_WORD = rf"[{UPPER}]{{2,}}(?:-[{UPPER}]{{2,}})*(?![\w])"
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
    "Unter den|Vor dem|Vor der|Bei der|Beim|Alte|Alter|Altes|Neue|Neuer|Große|Großer|Kleine|Kleiner|Hohe|Hoher|Hohen|"
    "Lange|Langer|Obere|Oberer|Untere|Unterer"
)
HOUSE_NUMBER = r"\d{1,4}(?:\s?[a-hA-H](?![\wäöüß]))?(?:\s?[-–/]\s?\d{1,4}(?:\s?[a-h](?![\wäöüß]))?)?"
PLZ_CITY = rf"(?:D-)?\d{{5}}[ \t]+[{UPPER}][{LOWER}]+(?:[- ][{UPPER}][{LOWER}]+)?(?:\s(?:am|an der|im|in|ob der|vor der)\s[{UPPER}][{LOWER}]+|\s\([{UPPER}][{LOWER}. ]+\))?"

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

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
# Separators inside an identifier: blanks, "-", ".", "/", a line break (check digits guard the rest).
_ID_SEP = r"(?:[ \t]*\n[ \t]*|[ \t]{1,3}|[ \t]?[./-][ \t]?)"
# Any grouping ("DE89 3704 …", "DE 52 28981396 8837915254"); trimmed back until the check digits fit.
# Lower-case ("de89 3704 …") only with a numeric body, as German IBANs have: "am 12.05.2024 um" is none.
_IBAN = re.compile(
    rf"(?<![A-Za-z0-9])[A-Z]{{2}}(?={_ID_SEP}?\d){_ID_SEP}?\d{{2}}(?:{_ID_SEP}?[A-Z0-9]){{11,30}}(?![A-Za-z0-9])"
)
_IBAN_LOWER = re.compile(
    rf"(?<![A-Za-z0-9])[a-z]{{2}}{_ID_SEP}?\d{{2}}(?:{_ID_SEP}?\d){{11,30}}(?![A-Za-z0-9])"
)
# Where a lower-case IBAN may start: two digits after two lower-case letters (scanning digits is fast).
_IBAN_LOWER_HINT = re.compile(r"\d\d(?:(?<=[a-z]{2}\d\d)|(?<=[a-z]{2}[ \t\n./-]\d\d))")
_VAT = re.compile(rf"(?<![A-Za-z0-9])[Dd][Ee]{_ID_SEP}?\d{{3}}{_ID_SEP}?\d{{3}}{_ID_SEP}?\d{{3}}(?!\d)")
_TAX_ID = re.compile(r"(?<![\d/.,-])\d{2}(?:(?:[ \t/.-]|[ \t]*\n[ \t]*)?\d{3}){3}(?![\d/.,-]?\d)")
_RVNR = re.compile(
    rf"(?<![\w])\d{{2}}{_ID_SEP}?\d{{2}}{_ID_SEP}?\d{{2}}{_ID_SEP}?\d{{2}}{_ID_SEP}?[A-Za-z]{_ID_SEP}?\d{{2}}{_ID_SEP}?\d(?![\w])"
)
_ID_CUT = re.compile(r"[ \t\n./-]")
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
_STANDARDS = frozenset({"DIN", "EN", "ISO", "IEC", "VDE", "VDI", "DVGW", "TRGS", "ASR", "BGV", "DGUV"})
_PLATE_CONTINUES = re.compile(r"[/.\-]\d")
_PHONE_GAP = re.compile(r"[ \t/-]+")
_PHONE_BLOCKERS = re.compile(
    r"(?i)(drucksache|drs\.|vorlage|nr\.|nummer|rechnung|az\.|aktenzeichen|zeichen|kassenzeichen|konto|ticket|version|release|steuer|iban|\bplz\b)[^\n]{0,12}$"
)
_BIRTH = re.compile(
    rf"(?=[GgT*])(?:(?:\b[Gg]eb\.|\b[Gg]eboren|\bGEBOREN|\bGeburtsdatum|\bGEBURTSDATUM|\bGeb\.-[Dd]atum|\bGeburtstag|\b[Gg]eb\.\s*am|\bTag der Geburt)(?:[ \t]*(?:am|:|/-ort:|-?ort:|,))*[ \t]*\*?[ \t]*(?P<d1>{DATE})|(?<![\w*])\*[ \t]?(?P<d2>{DATE}))"
)
_CASE_LABEL = re.compile(
    r"(?=[AGUuIiKVBFRDdZ])(?:\bAz\b\.?|\bAZ\b|\bAktenzeichen|\bGz\b\.?|\bGeschäftszeichen|\bGeschZ\.?|\b[Uu]nser(?:e)? Zeichen|\b[Uu]nser Az\.?|"
    r"\b[Ii]hr(?:e)? Zeichen|\bKassenzeichen|\bVorgangsnummer|\bVorgangs-Nr\.?|\bBuchungszeichen|\bAkten-?Nr\.?|"
    r"\bFallnummer|\bAntragsnummer|\bBescheid-Nr\.?|\bBG-Nummer|\bGeschäftsnummer|\bVorgangs-?[Zz]eichen|"
    r"\b[Dd]em Zeichen|\bZeichen(?=[ \t]*:|[ \t]+[A-Z0-9]{1,6}(?:[ \t]\d+)?[-/.])|\bVorgang|\bRegisternummer|\bRegister-Nr\.?|\bAkte\b)"
    r"(?:[ \t]+laut[ \t]+[\wäöüß]+)?[ \t]*(?:\([^)\n]{0,20}\))?[ \t]*[:.]?[ \t]*(?:Nr\.?[ \t]*)?"
)
_AKTE_LABEL = re.compile(r"akte\b[ \t]*(?:\([^)\n]{0,20}\))?[ \t]*[:.]?[ \t]*(?:Nr\.?[ \t]*)?")
_CASE_TOKEN = re.compile(r"[A-Za-zÄÖÜäöü0-9][A-Za-zÄÖÜäöü0-9./\-_]*")
# Art. 9 health data: a medical term in a sentence that is about a person (a pronoun, a salutation,
# a family word). General statements ("Beratung für Menschen mit Demenz") stay clean.
HEALTH_STEMS = (
    "insuffizienz diabetes depression demenz alzheimer migräne allergie schlaganfall herzinfarkt leukämie krebs "
    "tumor bandscheibenvorfall fraktur gebrochen belastungsstörung autismus epilepsie asthma neuropathie sklerose "
    "parkinson hepatitis abhängigkeit erkrankung krankheit syndrom schwangerschaft behinderung erwerbsminderung "
    "pflegebedürftig psychose schizophrenie infektion lähmung dialyse adhs beinbruch armbruch knochenbruch "
    "rippenbruch"
).split()
_HEALTH_TAIL = re.compile(r"[\wäöüß]*(?:-[\wäöüß]+)*(?:[ \t]+(?:mellitus|vom[ \t]+[\wäöüß-]+|Typ[ \t]+\d))?")
_HEALTH_FACT = re.compile(
    r"\b(?:GdB[ \t]*(?:von[ \t]*)?\d{2,3}|Pflegegrad[ \t]*[1-5]|Grad der Behinderung[ \t]*(?:von[ \t]*)?\d{2,3})"
)
_HEALTH_PERSON = re.compile(
    r"\b(?:[Ii]ch|mir|mich|[Mm]ein\w*|[Ee]r|ihm|ihn|[Ss]ein\w*|bei ihr|[Ii]hre[mnrs]?|[Hh]err\w*|[Ff]rau|[Ss]ohn|[Tt]ochter|"
    r"[Kk]ind|[Mm]utter|[Vv]ater|[Ee]hemann|[Ee]hefrau|[Ss]chwester|[Bb]ruder|[Dd]iagnose|[Bb]efund|festgestellt|"
    r"[Ff]unktionsbeeinträchtigung\w*|[Ll]eidet|[Ll]eide)\b"
)
_SENTENCE_END = re.compile(r"[.!?;]\s|\n\s*\n")

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


# --- identifier detectors -------------------------------------------------------------------------


def _compact(value: str) -> str:
    return re.sub(r"[\s/.-]", "", value)


def _find_emails(text: str) -> Iterator[tuple[int, int]]:
    yield from _iter_spans(_EMAIL, text)
    yield from find_obfuscated_emails(text)


def _iban_candidates(text: str) -> Iterator[tuple[int, int]]:
    yield from _iter_spans(_IBAN, text)
    for hint in _IBAN_LOWER_HINT.finditer(text):
        start = hint.start() - (3 if text[hint.start() - 1] in " \t\n./-" else 2)
        match = _IBAN_LOWER.match(text, start)
        if match:
            yield match.span()


def _find_iban(text: str) -> Iterator[tuple[int, int]]:
    for start, end in _iban_candidates(text):
        # A greedy match may run into the next word; drop trailing groups until the check digits fit.
        while end - start >= 15:
            if stdnum_iban.is_valid(_compact(text[start:end])):
                yield start, end
                break
            cut = max((m.start() for m in _ID_CUT.finditer(text, start, end)), default=start)
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


# The tail of an IBAN whose check digits fail ("DE88 3704 0044 0532 0130 00") is no phone number.
_IBAN_BEFORE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ \t./-]{0,3}\d{4}){1,5}[ \t./-]{0,3}$")


def _is_phone(text: str, candidate: str, start: int) -> bool:
    if sum(c.isdigit() for c in candidate) < 6:
        return False
    if (
        start
        and text[start - 1] in " \t./-0123456789"
        and _IBAN_BEFORE.search(text, max(0, start - 40), start)
    ):
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


def _case_labels(text: str) -> Iterator[int]:
    """End positions of file-reference labels ("Az.", "Unser Zeichen:", "Wohngeldakte")."""
    for label in _CASE_LABEL.finditer(text):
        yield label.end()
    for label in _AKTE_LABEL.finditer(text):
        if label.start() > 0 and text[label.start() - 1].isalpha() and text[label.start() - 1].islower():
            yield label.end()


def _find_case_numbers(text: str) -> Iterator[tuple[int, int]]:
    for position in _case_labels(text):
        start: int | None = None
        end = position
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


def _health_terms(text: str) -> Iterator[tuple[int, int]]:
    """Medical terms as whole (compound) words; str.find per stem is far faster than one big regex."""
    lower = text.lower()
    if len(lower) != len(text):  # a few characters change length when lower-cased: stay exact
        lower = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    for stem in HEALTH_STEMS:
        position = lower.find(stem)
        while position != -1:
            start = position
            while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "-"):
                start -= 1  # the whole compound: "Niereninsuffizienz"
            end = _matched(_HEALTH_TAIL.match(text, position + len(stem))).end()
            yield start, end
            position = lower.find(stem, end)


_HEALTH_ACRONYMS = re.compile(r"(?:HIV|AIDS|hiv)(?:-[\wäöüß]+)*(?![\w])")


def _find_health(text: str) -> Iterator[tuple[int, int]]:
    yield from _iter_spans(_HEALTH_FACT, text)
    checked: dict[int, bool] = {}
    acronyms = (
        span
        for span in _iter_spans(_HEALTH_ACRONYMS, text)
        if not span[0] or not (text[span[0] - 1].isalnum() or text[span[0] - 1] in "-_")
    )
    terms = itertools.chain(_health_terms(text), acronyms)
    for term_start, term_end in terms:
        # the sentence around the term, or the list item's paragraph for bullet lists
        floor = max(0, term_start - 400)
        start = max(text.rfind(". ", floor, term_start), text.rfind("\n\n", floor, term_start), floor)
        if start not in checked:
            end_match = _SENTENCE_END.search(text, term_end)
            end = end_match.start() if end_match else len(text)
            checked[start] = bool(_HEALTH_PERSON.search(text, start, end))
        if checked[start]:
            yield term_start, term_end


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
_LOWER_SALUTATION = re.compile(r"\b(?:herr|herrn|frau|fr\.|hr\.)[ \t]+(?=[a-zäöüß]{3,})")
_LOWER_WORD = re.compile(r"[a-zäöüß]+(?:-[a-zäöüß]+)?")
_LOWER_NON_NAMES = frozenset(
    """
    und oder der die das den dem des ein eine einer einen im in am an auf aus bei mit von vom zu zum zur ist hat
    war wird wurde sind haben hatte mehr nicht noch schon auch nur sehr so wie was wer wo wann dass nachbar nachbarin
    doktor kollege kollegin bürgermeister bürgermeisterin meine mein sein seine ihr ihre bitte danke hier dort heute
    morgen gestern immer wieder ganz gut neue neuen alte alten""".split()
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
    yield from _lowercase_names(text)
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


_INFORMAL_NAME_CONTEXT = re.compile(
    r"(?:\b(?:vg|lg|mfg|gruß|grüße|heißt|heiße|namens|name ist|ich bin|von)[ \t,:]+|(?m:^)[ \t]*)(?=[a-zäöüß]{2,}(?:-[a-zäöüß]+)?[ \t]+[a-zäöüß]{3,})"
)


# Lower-case names are only looked for in texts that read like an informal message.
_INFORMAL_MARKERS = (
    "herr ",
    "herrn ",
    "frau ",
    "vg ",
    "lg ",
    "gruß",
    "grüße",
    "heißt",
    "heiße",
    "namens",
    "ich ",
    "hallo",
)


def _lowercase_names(text: str) -> Iterator[tuple[int, int]]:
    """Informal writing: "herr pawlak", "sie heißt elfriede baumann", a signature "jonas petersen"."""
    if not any(marker in text for marker in _INFORMAL_MARKERS):
        return
    for match in _LOWER_SALUTATION.finditer(text):
        word = _LOWER_WORD.match(text, match.end())
        if word and word.group() not in _LOWER_NON_NAMES:
            end = plain_case_name(text, match.end(), need_first_name=False, is_stop_word=_is_plain_stop_word)
            yield match.start(), max(word.end(), end or 0)
    for match in _INFORMAL_NAME_CONTEXT.finditer(text):
        first = _LOWER_WORD.match(text, match.end())
        if first is None or first.group().split("-")[0] not in FIRST_NAMES:
            continue
        last = _LOWER_WORD.match(text, _matched(_BLANKS.match(text, first.end())).end())
        if last and last.group() not in _LOWER_NON_NAMES and last.group() not in FIRST_NAMES:
            yield first.start(), last.end()


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


# --- tables ---------------------------------------------------------------------------------------

_NAME_HEADER = re.compile(
    r"(?i)^(?:name|vorname|vornamen|nachname|familienname|geburtsname|name, ?vorname|vorname,? ?name|teilnehmer(?:in)?|"
    r"teilnehmende|kind|antragsteller(?:in)?|empfänger(?:in)?|beschäftigte[r]?|mitarbeiter(?:in)?|person|halter(?:in)?|"
    r"schüler(?:in)?|bewerber(?:in)?|erziehungsberechtigte[r]?|patient(?:in)?|mieter(?:in)?|eigentümer(?:in)?)$"
)
_BIRTH_HEADER = re.compile(r"(?i)^(?:geb\.?|geboren|geburtsdatum|geb\.-datum|geburtstag)$")


_TABLE_HEADER_HINT = re.compile(
    r"(?im)^[^\n]*?(?:^|[|;\t])[ \t]*(?:name|vornamen?|nachname|familienname|geburtsname|teilnehmer|teilnehmende|kind|"
    r"antragsteller|empfänger|beschäftigte|mitarbeiter|person|halter|schüler|bewerber|erziehungsberechtigte|patient|"
    r"mieter|eigentümer|geb\.?|geboren|geburtsdatum|geburtstag)[^\n]*$"
)


def _find_table_cells(
    text: str, header_pattern: re.Pattern[str], *, people: bool = False
) -> Iterator[tuple[int, int]]:
    """Cells under a column whose header names people (or birth dates) in | ; or tab separated tables.

    With `people`, cells naming an organisation ("Musterstädter Wohnungsbau eG") are left out.
    """
    for hint in _TABLE_HEADER_HINT.finditer(text):
        header = hint.group()
        separator = next((s for s in ("|", ";", "\t") if s in header), "")
        if not separator:
            continue
        columns = {i for i, cell in enumerate(header.split(separator)) if header_pattern.match(cell.strip())}
        if not columns:
            continue
        position = hint.end() + 1
        while position < len(text):
            line_end = text.find("\n", position)
            line_end = len(text) if line_end == -1 else line_end
            line = text[position:line_end].rstrip("\r")
            if separator not in line:
                break
            offset = position
            for index, cell in enumerate(line.split(separator)):
                value = cell.strip()
                if (
                    index in columns
                    and value
                    and not value.isdigit()
                    and not (people and _is_organisation(value))
                ):
                    cell_start = offset + len(cell) - len(cell.lstrip())
                    yield cell_start, cell_start + len(value)
                offset += len(cell) + len(separator)
            position = line_end + 1


# --- scan ------------------------------------------------------------------------------------------

_DETECTORS = (
    ("EMAIL", _find_emails),
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
    ("PERSON", lambda text: _find_table_cells(text, _NAME_HEADER, people=True)),
    ("BIRTH_DATE", lambda text: _find_table_cells(text, _BIRTH_HEADER)),
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
    # Detect on the normalised text (no zero-width characters, full-width digits, look-alikes),
    # report offsets into the original.
    normal = normalize(text)
    plain = normal.text
    candidates = []
    for kind, detector in _DETECTORS:
        for start, end in detector(plain):
            start, end = _strip(plain, start, end, " \t\n,;")
            if end > start:
                start, end = normal.span(start, end)
                candidates.append((kind, start, end))
    return [Finding(kind, start, end, text[start:end]) for kind, start, end in _resolve(candidates)]


@dataclass(frozen=True)
class MessageFinding:
    """A finding in one message of a chat request."""

    message: int
    finding: Finding


def scan_messages(messages: Iterable[dict[str, Any]]) -> list[MessageFinding]:
    """Scan every text that would leave: user input, earlier answers, rendered data, tool results."""
    found: list[MessageFinding] = []
    for index, message in enumerate(messages):
        content = message.get("content")
        if isinstance(content, str):
            found.extend(MessageFinding(index, f) for f in _scan_once(content))
    return found


@lru_cache(maxsize=1024)
def _scan_once(text: str) -> tuple[Finding, ...]:
    """`scan` remembered by content: a conversation resends its earlier turns with every question, and
    each of them is checked only the first time (findings are immutable, the detector is pure)."""
    return tuple(scan(text))


def pseudonymize_messages(messages: Iterable[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, str]]:
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
    placeholders: tuple[str, ...] = ()  # the placeholder of each finding, in the same order


def _normal(kind: str, value: str) -> str:
    if kind in ("PERSON", "ADDRESS", "CASE_NUMBER", "HEALTH", "BIRTH_DATE"):
        return " ".join(value.split()).casefold()
    return _compact(value).casefold()


def pseudonymize(text: str, mapping: dict[str, str] | None = None) -> Pseudonymized:
    """Replace each finding by a stable German placeholder like ``[NAME_1]``; the same value gets the same one.

    Pass the `mapping` of earlier texts (e.g. earlier turns of a conversation) to keep placeholders
    consistent across them. Numbers already used in the text itself are skipped, so a literal
    ``[NAME_1]`` typed by the user is never confused with a placeholder.
    """
    mapping = dict(mapping or {})
    findings = scan(text)
    by_value = {(_placeholder_kind(p), _normal(_placeholder_kind(p), v)): p for p, v in mapping.items()}
    counters: Counter[str] = Counter()
    for known in mapping:
        kind = _placeholder_kind(known)
        counters[kind] = max(counters[kind], _placeholder_number(known))
    parts: list[str] = []
    placeholders: list[str] = []
    last = 0
    for finding in findings:
        key = (finding.kind, _normal(finding.kind, finding.text))
        placeholder = by_value.get(key)
        if placeholder is None:
            while True:
                counters[finding.kind] += 1
                placeholder = f"[{PLACEHOLDER_WORDS[finding.kind]}_{counters[finding.kind]}]"
                if placeholder not in text and placeholder not in mapping:
                    break
            by_value[key] = placeholder
            mapping[placeholder] = finding.text
        parts.append(text[last : finding.start])
        parts.append(placeholder)
        placeholders.append(placeholder)
        last = finding.end
    parts.append(text[last:])
    return Pseudonymized("".join(parts), mapping, tuple(findings), tuple(placeholders))


def _placeholder_kind(placeholder: str) -> str:
    """The kind code of a placeholder: "[NAME_3]" -> "PERSON" (an unknown word is its own kind)."""
    word = placeholder[1:].rsplit("_", 1)[0]
    return _KIND_BY_WORD.get(word, word)


def _placeholder_number(placeholder: str) -> int:
    number = placeholder.rsplit("_", 1)[-1].rstrip("]")
    return int(number) if number.isdigit() else 0


# Upper-case words with inner hyphens ("STEUER-ID"), an underscore and a number.
_PLACEHOLDER = re.compile(r"\[([A-ZÄÖÜ]+(?:-[A-ZÄÖÜ]+)*_\d+)\]")


def restore(text: str, mapping: dict[str, str]) -> str:
    """Put the original values back into a model's answer (only placeholders from `mapping`)."""
    return _PLACEHOLDER.sub(lambda m: mapping.get(f"[{m.group(1)}]", m.group(0)), text)


class StreamRestorer:
    """Restores placeholders in a streamed answer whose chunks may split a placeholder in two.

    A chunk that ends in the beginning of a known placeholder ("[STEUER-", "[NAME_1") is held back
    until the next chunk shows whether the placeholder is complete.
    """

    def __init__(self, mapping: dict[str, str]) -> None:
        self.mapping = mapping
        self._pending = ""

    def feed(self, chunk: str) -> str:
        text = self._pending + chunk
        cut = text.rfind("[")
        tail = text[cut:] if cut != -1 else ""
        if tail and "]" not in tail and any(key.startswith(tail) for key in self.mapping):
            self._pending = tail
            text = text[:cut]
        else:
            self._pending = ""
        return restore(text, self.mapping)

    def flush(self) -> str:
        text, self._pending = self._pending, ""
        return restore(text, self.mapping)
