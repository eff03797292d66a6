"""Art. 9 health data: a medical term in a sentence that is about a person."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from workbench.privacy import keywords
from workbench.privacy.data import FIRST_NAMES
from workbench.privacy.patterns import _matched, word_starts

# Art. 9 health data: a medical term in a sentence that is about a person (a pronoun, a salutation,
# a family word). General statements ("Beratung für Menschen mit Demenz") stay clean.
HEALTH_STEMS = (
    "insuffizienz diabetes depression demenz alzheimer migräne allergie schlaganfall herzinfarkt leukämie krebs "
    "tumor bandscheibenvorfall fraktur gebrochen belastungsstörung autismus epilepsie asthma neuropathie sklerose "
    "parkinson hepatitis abhängigkeit erkrankung krankheit syndrom schwangerschaft behinderung erwerbsminderung "
    "pflegebedürftig psychose schizophrenie infektion lähmung dialyse adhs beinbruch armbruch knochenbruch "
    "rippenbruch zöliakie rheuma arthrose arthritis osteoporose hypertonie bluthochdruck inkontinenz tinnitus "
    "hörsturz covid chemotherapie amputation angststörung essstörung burnout burn-out schwerbehindert "
    "querschnitt depressiv schwanger erkrankt alkoholkrank suchtkrank krebskrank herzkrank nierenkrank "
    "krankgeschrieben arbeitsunfähig"
).split()
_HEALTH_TAIL = re.compile(r"[\wäöüß]*(?:-[\wäöüß]+)*(?:[ \t]+(?:mellitus|vom[ \t]+[\wäöüß-]+|Typ[ \t]+\d))?")
_HEALTH_FACT = re.compile(
    r"GdB[ \t]*(?:von[ \t]*)?\d{2,3}|Pflegegrad[ \t]*[1-5]|Grad der Behinderung[ \t]*(?:von[ \t]*)?\d{2,3}"
)
_STEMS = keywords.register("health_stem", HEALTH_STEMS)
_FACTS = keywords.register("health_fact", ["GdB", "Pflegegrad", "Grad der Behinderung"])
_ACRONYMS = keywords.register("health_acronym", ["hiv", "aids"])
_HEALTH_PERSON = re.compile(
    r"\b(?:[Ii]ch|mir|mich|[Mm]ein\w*|[Ee]r|ihm|ihn|[Ss]ein\w*|bei ihr|[Ii]hre[mnrs]?|[Hh]err\w*|[Ff]rau|[Ss]ohn|[Tt]ochter|"
    r"[Kk]ind|[Mm]utter|[Vv]ater|[Ee]hemann|[Ee]hefrau|[Ss]chwester|[Bb]ruder|[Dd]iagnose|[Bb]efund|festgestellt|"
    r"[Ff]unktionsbeeinträchtigung\w*|[Ll]eidet|[Ll]eide|[Aa]ttest)\b"
)
# A first name on its own, not in a compound ("Clara-Schumann-Musikschule").
_CAPITALISED = re.compile(r"(?<![\w-])[A-ZÄÖÜ][a-zäöüß]+(?![\w-])")
# Compounds that name an office, a role or a facility, not a person's health: "Schwerbehindertenvertretung",
# "Behinderten-WC", "Beauftragte für Menschen mit Behinderung" is caught by its sentence having no person.
_NOT_HEALTH_ENDINGS = (
    "vertretung",
    "beauftragte",
    "beauftragter",
    "beirat",
    "verband",
    "verein",
    "beratung",
    "beratungsstelle",
    "-wc",
    "toilette",
    "parkplatz",
    "gerecht",
)
_SENTENCE_END = re.compile(r"[.!?;]\s|\n\s*\n")


def _health_terms(text: str) -> Iterator[tuple[int, int]]:
    """Medical terms as whole (compound) words: "Niereninsuffizienz", "Diabetes mellitus Typ 2"."""
    covered = -1
    for position in keywords.starts(text, _STEMS):
        if position < covered:
            continue  # a second stem inside a compound already found ("Demenzerkrankung")
        start = position
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "-"):
            start -= 1  # the whole compound
        covered = _matched(_HEALTH_TAIL.match(text, position)).end()
        yield start, covered


_HEALTH_ACRONYMS = re.compile(r"(?:HIV|AIDS|hiv)(?:-[\wäöüß]+)*(?![\w])")


def _names_someone(text: str, start: int, end: int) -> bool:
    """A known first name in the sentence: "Noah hat eine Erdnussallergie"."""
    return any(word.lower() in FIRST_NAMES for word in _CAPITALISED.findall(text, start, end))


def _find_health(text: str) -> Iterator[tuple[int, int]]:
    for position in keywords.starts(text, _FACTS):
        fact = _HEALTH_FACT.match(text, position)
        if fact and word_starts(text, position):
            yield fact.span()
    checked: dict[int, bool] = {}
    acronyms = (
        match.span()
        for position in keywords.starts(text, _ACRONYMS)
        if not position or not (text[position - 1].isalnum() or text[position - 1] in "-_")
        if (match := _HEALTH_ACRONYMS.match(text, position))
    )
    terms = itertools.chain(_health_terms(text), acronyms)
    for term_start, term_end in terms:
        if text[term_start:term_end].lower().endswith(_NOT_HEALTH_ENDINGS):
            continue
        # the sentence around the term, or the list item's paragraph for bullet lists
        floor = max(0, term_start - 400)
        start = max(text.rfind(". ", floor, term_start), text.rfind("\n\n", floor, term_start), floor)
        if start not in checked:
            end_match = _SENTENCE_END.search(text, term_end)
            end = end_match.start() if end_match else len(text)
            checked[start] = bool(_HEALTH_PERSON.search(text, start, end)) or _names_someone(text, start, end)
        if checked[start]:
            yield term_start, term_end
