"""Names written in capitals or lower case only: "JÜRGEN KRAUSE", "herr pawlak"."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator

from workbench.privacy import keywords
from workbench.privacy.data import FIRST_NAMES
from workbench.privacy.normalize import LOWER, UPPER
from workbench.privacy.patterns import BLANKS, _matched, word_starts

_SALUTATIONS = keywords.register("salutation", ["herr", "frau", "hr.", "fr."])
_FIRST_NAMES = keywords.register("first_name", FIRST_NAMES)
_CAPS_SALUTATION = re.compile(
    r"(?:HERRN?|FRAU|HR\.|FR\.)[ \t]+(?:(?:DR|PROF|Dr|Prof)\.[ \t]*)*(?=[A-ZÄÖÜ]{2})"
)
_CAPS_FIRST_NAME = re.compile(rf"[{UPPER}]{{2,}}[ \t]+(?=[{UPPER}]{{2}})")
_PLAIN_LABELS = (
    "name vorname nachname familienname antragsteller antragstellerin absender absenderin ansprechpartner "
    "ansprechpartnerin sachbearbeiter sachbearbeiterin beschwerdeführer beschwerdeführerin mieter mieterin "
    "patient patientin unterschrift kontakt kontaktperson ansprechperson verfasser verfasserin halter halterin "
    "eigentümer eigentümerin vermieter vermieterin zeuge zeugin ehepartner ehepartnerin melder melderin"
).split()
_PLAIN_LABEL_WORDS = frozenset(
    {*_PLAIN_LABELS, *(w.upper() for w in _PLAIN_LABELS), *(w.title() for w in _PLAIN_LABELS)}
)
# Found from the colon (a literal start is fast), the label read backwards.
_LABEL_WORDS = keywords.register("plain_label", _PLAIN_LABELS)
_PLAIN_LABEL = re.compile(r"([A-Za-zÄÖÜäöüß]+)[ \t]*:[ \t]*(?=[a-zäöüß]{2}|[A-ZÄÖÜ]{2})")
_PLAIN_WORD = re.compile(
    rf"[{UPPER}]{{2,}}(?:-[{UPPER}]{{2,}})?(?![\w])|[{LOWER}]{{2,}}(?:-[{LOWER}]{{2,}})?(?![\w])"
)


def plain_case_name(
    text: str, position: int, *, need_first_name: bool, is_stop_word: Callable[[str], bool]
) -> int | None:
    """End of a name written in capitals or lower case only: first names, then one surname."""
    word = _PLAIN_WORD.match(text, position)
    if word is None or word.group()[1:].isupper() == word.group()[1:].islower():
        return None
    upper = word.group().isupper()
    end, first_names = position, 0
    while word is not None and word.group().isupper() == upper:
        value = word.group()
        low = value.lower()
        if is_stop_word(value):
            break
        end = word.end()
        if low.split("-")[0] not in FIRST_NAMES:
            break  # the surname ends the name
        first_names += 1
        blanks = BLANKS.match(text, end)
        word = _PLAIN_WORD.match(text, blanks.end() if blanks else end)
    if end == position or (need_first_name and (first_names == 0 or text[position:end].count(" ") == 0)):
        return None
    return end


def find_plain_case_names(text: str, is_stop_word: Callable[[str], bool]) -> Iterator[tuple[int, int]]:
    """Names in capitals or lower case after "HERR", "NAME:" or a first name: "JÜRGEN KRAUSE".

    `is_stop_word` tells words that end a name (role and organisation words, articles)."""
    for position in keywords.starts(text, _SALUTATIONS):
        match = _CAPS_SALUTATION.match(text, position)
        if match is None or not word_starts(text, position):
            continue
        end = plain_case_name(text, match.end(), need_first_name=False, is_stop_word=is_stop_word)
        if end:
            yield match.start(), end
    for start in keywords.starts(text, _FIRST_NAMES):
        if not _CAPS_FIRST_NAME.match(text, start):
            continue
        if start and (text[start - 1].isalnum() or text[start - 1] in "-._"):
            continue
        end = plain_case_name(text, start, need_first_name=True, is_stop_word=is_stop_word)
        if end:
            yield start, end
    for position in keywords.starts(text, _LABEL_WORDS):
        if position and not (text[position - 1].isspace() or text[position - 1] in "(;,|"):
            continue
        match = _PLAIN_LABEL.match(text, position)
        if match is None or match.group(1) not in _PLAIN_LABEL_WORDS:
            continue
        end = plain_case_name(text, match.end(), need_first_name=False, is_stop_word=is_stop_word)
        if end:
            yield match.end(), end


# After "herr" or "Herr" alike: "Sehr geehrter Herr krause" is written to slip past a filter too.
_LOWER_SALUTATION = re.compile(r"(?:[Hh]errn?|[Ff]rau|[Ff]r\.|[Hh]r\.)[ \t]+(?=[a-zäöüß]{3,})")
_LOWER_WORD = re.compile(r"[a-zäöüß]+(?:-[a-zäöüß]+)?")
_LOWER_NON_NAMES = frozenset(
    """
    und oder der die das den dem des ein eine einer einen im in am an auf aus bei mit von vom zu zum zur ist hat
    war wird wurde sind haben hatte mehr nicht noch schon auch nur sehr so wie was wer wo wann dass nachbar nachbarin
    doktor kollege kollegin bürgermeister bürgermeisterin meine mein sein seine ihr ihre bitte danke hier dort heute
    morgen gestern immer wieder ganz gut neue neuen alte alten über unter gegen ohne nach wegen sowie bzw
    kann muss soll will möchte sagt meint schreibt bittet fragt teilt wurden werden vorsitzender vorsitzende
    oberbürgermeister oberbürgermeisterin landrat landrätin minister ministerin präsident präsidentin pfarrer
    professor professorin rechtsanwalt rechtsanwältin dr prof""".split()
)


_TWO_LOWER_WORDS = r"(?=[a-zäöüß]{2,}(?:-[a-zäöüß]+)?[ \t]+[a-zäöüß]{3,})"
_INFORMAL_CONTEXTS = r"vg|lg|mfg|gruß|grüße|heißt|heiße|namens|name ist|ich bin|von"
_INFORMAL_WORDS = keywords.register("informal", keywords.literal_prefixes(_INFORMAL_CONTEXTS))
_INFORMAL_NAME_CONTEXT = re.compile(rf"(?:{_INFORMAL_CONTEXTS})[ \t,:]+{_TWO_LOWER_WORDS}")
_INFORMAL_NAME_LINE = re.compile(rf"\n[ \t]*{_TWO_LOWER_WORDS}")


def find_lowercase_names(text: str, is_stop_word: Callable[[str], bool]) -> Iterator[tuple[int, int]]:
    """Informal writing: "herr pawlak", "sie heißt elfriede baumann", a signature "jonas petersen"."""
    for position in keywords.starts(text, _SALUTATIONS):
        match = _LOWER_SALUTATION.match(text, position)
        if match is None or not word_starts(text, position):
            continue
        word = _LOWER_WORD.match(text, match.end())
        if word and word.group() not in _LOWER_NON_NAMES:
            end = plain_case_name(text, match.end(), need_first_name=False, is_stop_word=is_stop_word)
            yield match.start(), max(word.end(), end or 0)
    first_line = _matched(BLANKS.match(text))
    lines = itertools.chain([first_line], _INFORMAL_NAME_LINE.finditer(text))
    contexts = (
        match
        for position in keywords.starts(text, _INFORMAL_WORDS)
        if word_starts(text, position)
        if (match := _INFORMAL_NAME_CONTEXT.match(text, position))
    )
    for match in itertools.chain(lines, contexts):
        first = _LOWER_WORD.match(text, match.end())
        if first is None or first.group().split("-")[0] not in FIRST_NAMES:
            continue
        last = _LOWER_WORD.match(text, _matched(BLANKS.match(text, first.end())).end())
        if last and last.group() not in _LOWER_NON_NAMES and last.group() not in FIRST_NAMES:
            yield first.start(), last.end()
