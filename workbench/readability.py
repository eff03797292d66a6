"""German readability of a text: Flesch reading ease after Amstad and the Wiener Sachtextformel.

Both measures come from textstat and need no model: they count sentences, words, syllables (Pyphen's
German hyphenation) and long words. Markdown marks are removed first, headings and list items count
as sentences of their own, and common German abbreviations and dates lose their dots, so that
"z. B." or "1. Januar" do not end a sentence.

textstat's module-level functions share one language setting for the whole process
(``textstat.set_lang``); another part of the program switching it would change the formula under our
feet. This module therefore keeps its own textstat object, set to German once and never switched, and
leaves the shared one alone.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textstat.textstat import textstatistics

MIN_WORDS = 10  # below this the formulas say more about chance than about the text

# Target band for Einfache Sprache (Flesch–Amstad: 0–100, higher is easier; Wiener Sachtextformel:
# school grade 4–15, lower is easier).
TARGET_FLESCH = 60.0
TARGET_WIENER = 7.0
FLESCH_SCALE = (0.0, 100.0)
WIENER_SCALE = (4.0, 15.0)

TOO_SHORT = "zu kurz für eine Messung"

TARGET_TEXT = (
    "Zielbereich für Einfache Sprache: Flesch–Amstad ab 60 (60 bis 70 mittel, ab 70 leicht; Skala 0 bis "
    "100, höher ist leichter) und Wiener Sachtextformel höchstens 6 bis 7 (entspricht etwa der "
    "Schulstufe; 4 = sehr leicht, 15 = sehr schwer). Texte in Leichter Sprache liegen noch deutlich "
    "darunter. Die Formeln messen nur Satz- und Wortlängen – ob der Text verständlich, vollständig und "
    "richtig ist, muss ein Mensch prüfen."
)

# (lower bound, label) of the Flesch–Amstad bands, from easy to hard.
_FLESCH_BANDS = (
    (90.0, "sehr leicht"),
    (70.0, "leicht"),
    (60.0, "mittel"),
    (50.0, "eher schwer"),
    (30.0, "schwer"),
    (float("-inf"), "sehr schwer"),
)


@dataclass(frozen=True)
class Readability:
    """The readability of one text. Scores are None when the text is too short to be measured."""

    sentences: int
    words: int
    flesch_amstad: float | None  # 0–100, higher is easier (clamped to the scale)
    wiener: float | None  # Wiener Sachtextformel, variant 1 (prose): school grade 4–15, lower is easier
    band: str  # German label from the Flesch–Amstad score, or TOO_SHORT
    verdict: str  # one German sentence on the target band for Einfache Sprache

    @property
    def measured(self) -> bool:
        return self.flesch_amstad is not None and self.wiener is not None

    @property
    def in_target(self) -> bool:
        """Whether both scores lie in the target band for Einfache Sprache."""
        return (
            self.flesch_amstad is not None
            and self.wiener is not None
            and self.flesch_amstad >= TARGET_FLESCH
            and self.wiener <= TARGET_WIENER
        )


_lock = threading.Lock()
_german: textstatistics | None = None


def _scorer() -> textstatistics:
    """The module's own German textstat object, made on first use.

    That takes a moment once per process (textstat imports nltk, Pyphen reads its German hyphenation
    patterns); `warm_up` lets the app pay it in the background.
    """
    global _german
    with _lock:
        if _german is None:
            from textstat.textstat import textstatistics

            scorer = textstatistics()
            scorer.set_lang("de")  # German syllables (Pyphen); Amstad's coefficients in textstat's formula
            scorer.syllable_count("Lesbarkeit")  # loads the hyphenation patterns now
            _german = scorer
        return _german


def warm_up() -> None:
    """Load textstat and the German hyphenation patterns ahead of the first measurement."""
    _scorer()


def measure(text: str) -> Readability:
    """Readability of a German text (plain or Markdown); never raises for empty or short texts."""
    prose = plain_text(text)
    if not prose:
        return _too_short(0, 0)
    scorer = _scorer()
    tokens = scorer.remove_punctuation(prose).split()  # textstat's words, as its formulas count them
    sentences = scorer.sentence_count(prose)
    if len(tokens) < MIN_WORDS:
        return _too_short(sentences, len(tokens))
    flesch, wiener = _scores(tokens, sentences)
    flesch, wiener = _clamp(flesch, FLESCH_SCALE), _clamp(wiener, WIENER_SCALE)
    return Readability(sentences, len(tokens), flesch, wiener, flesch_band(flesch), _verdict(flesch, wiener))


def _scores(tokens: list[str], sentences: int) -> tuple[float, float]:
    """Flesch–Amstad and Wiener Sachtextformel (variant 1) from textstat's German counts.

    These are the values of textstat's ``flesch_reading_ease`` (with the language "de": Amstad's
    180 - ASL - 58.5 * ASW) and ``wiener_sachtextformel(text, 1)``. Those two walk every word three
    times; here each distinct word is counted once, which is about a third faster on long texts.
    """
    words = len(tokens)
    syllables = polysyllables = monosyllables = long_words = 0
    for word, count in Counter(token.lower() for token in tokens).items():
        n = _syllables(word)
        syllables += n * count
        polysyllables += count if n >= 3 else 0
        monosyllables += count if n == 1 else 0
        long_words += count if len(word) > 6 else 0
    sentence_length = words / sentences
    flesch = 180 - sentence_length - 58.5 * syllables / words
    wiener = (
        0.1935 * 100 * polysyllables / words
        + 0.1672 * sentence_length
        + 0.1297 * 100 * long_words / words
        - 0.0327 * 100 * monosyllables / words
        - 0.875
    )
    return flesch, wiener


@lru_cache(maxsize=50_000)
def _syllables(word: str) -> int:
    """Syllables of one lower-case word by textstat's German count (Pyphen), remembered across texts."""
    return int(_scorer().syllable_count(word))


def _too_short(sentences: int, words: int) -> Readability:
    message = f"Der Text ist {TOO_SHORT} (mindestens {MIN_WORDS} Wörter)."
    return Readability(sentences, words, None, None, TOO_SHORT, message)


def flesch_band(score: float) -> str:
    return next(label for low, label in _FLESCH_BANDS if score >= low)


def school_grade(wiener: float) -> str:
    """The Wiener Sachtextformel read as a school grade, in German."""
    grade = int(wiener + 0.5)  # 14,5 is grade 15, as people round (not to the even number)
    if grade <= WIENER_SCALE[0]:
        return "Schulstufe 4 oder darunter"
    if grade >= WIENER_SCALE[1]:
        return "Schulstufe 15"
    return f"etwa Schulstufe {grade}"


def _verdict(flesch: float, wiener: float) -> str:
    flesch_ok, wiener_ok = flesch >= TARGET_FLESCH, wiener <= TARGET_WIENER
    if flesch_ok and wiener_ok:
        return "Beide Werte liegen im Zielbereich für Einfache Sprache."
    if flesch_ok:
        return (
            "Der Flesch–Amstad-Wert liegt im Zielbereich für Einfache Sprache, die Wiener Sachtextformel "
            "noch nicht: Es gibt zu viele lange oder mehrsilbige Wörter."
        )
    if wiener_ok:
        return (
            "Die Wiener Sachtextformel liegt im Zielbereich für Einfache Sprache, der Flesch–Amstad-Wert "
            "noch nicht: Sätze oder Wörter sind im Schnitt zu lang."
        )
    return "Der Text liegt außerhalb des Zielbereichs für Einfache Sprache."


def _clamp(value: float, scale: tuple[float, float]) -> float:
    return round(min(max(value, scale[0]), scale[1]), 1)


# --- from Markdown to prose ---------------------------------------------------------------------

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(\s+#+)?\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_=])(\s*\1){2,}\s*$")  # also the underline of a setext heading
_QUOTE = re.compile(r"^\s*(>\s?)+")
_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+(?:\[[ xX]\]\s+)?")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_SEPARATOR = re.compile(r"^[\s|:\-]+$")
# The inline patterns run once over all blocks (one per line) and never reach across a line end.
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)")
_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)")
_URL = re.compile(r"<?(?:https?://|www\.)\S+>?")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>\n]*>")
_CODE = re.compile(r"`+([^`\n]*)`+")
_STARS = re.compile(r"(\*{1,3}|~~)(?=\S)(.+?)(?<=\S)\1")
_UNDERSCORES = re.compile(r"(?<!\w)(_{1,3})(?=\S)(.+?)(?<=\S)\1(?!\w)")
_SPACES = re.compile(r"[^\S\n]+")
_SENTENCE_END = re.compile(r"[.!?…][\"“”„»«)\]]*$")

# Dots that do not end a sentence: "z. B.", "d. h.", "u. a.", "i. d. R." ...
_LETTER_ABBREVIATION = re.compile(r"(?<!\w)(?:[^\W\d_]\.[^\S\n]?){2,}")
_WORD_ABBREVIATION = re.compile(
    r"(?<!\w)(bzw|ggf|vgl|evtl|inkl|zzgl|bspw|sog|gem|lt|ca|Tel|Dr|Prof|Hr|Fr|Mo|Di|Mi|Do|Sa|So"
    r"|(?:usw|etc)(?=\.[^\S\n]+[a-zäöüß]))\."  # "usw." and "etc." often end a sentence: only before lower case
)
# ... "Art. 3", "Hauptstr. 5", and dates and numbers: "01.02.2025", "1.500", "1. Januar".
_NUMBERED_ABBREVIATION = re.compile(r"((?<!\w)(?:Nr|Abs|Art|S)|[Ss]tr)\.(?=[^\S\n]*\d)")
_MONTHS = "Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
_NUMBER_DOT = re.compile(rf"\.(?<=\d\.)(?=\d|[^\S\n]+(?:{_MONTHS})\b)")


def plain_text(markdown: str) -> str:
    """Prose for the formulas: Markdown marks removed, one sentence per heading, list item or paragraph."""
    blocks: list[str] = []
    paragraph: list[str] = []

    def close() -> None:
        if paragraph:
            blocks.append(" ".join(paragraph))
            paragraph.clear()

    in_code = False
    for raw in markdown.splitlines():
        if _FENCE.match(raw):
            close()
            in_code = not in_code
            continue
        if in_code:
            continue  # code is no prose
        line = raw.strip()
        if not line or _RULE.match(line):
            close()
            continue
        if _TABLE_ROW.match(line):
            close()
            if not _TABLE_SEPARATOR.match(line):
                blocks.append(", ".join(c.strip() for c in line.strip("|").split("|") if c.strip()))
            continue
        heading = _HEADING.match(line)
        if heading:
            close()
            blocks.append(heading.group(1))
            continue
        line = _QUOTE.sub("", line)
        item = _ITEM.match(line)
        if item:
            close()
            blocks.append(line[item.end() :])
            continue
        paragraph.append(line)
    close()
    text = _inline("\n".join(blocks))
    sentences = (line.strip() for line in text.split("\n"))
    return "\n".join(s if _SENTENCE_END.search(s) else f"{s}." for s in sentences if s)


def _inline(text: str) -> str:
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _URL.sub("", text)
    text = _HTML_TAG.sub(" ", text)
    text = _CODE.sub(r"\1", text)
    text = text.replace("'", "")  # "geht's" is one word either way; textstat's word lists then agree
    text = _STARS.sub(r"\2", text)
    text = _UNDERSCORES.sub(r"\2", text)
    text = _LETTER_ABBREVIATION.sub(lambda m: m.group(0).replace(".", ""), text)
    text = _WORD_ABBREVIATION.sub(r"\1", text)
    text = _NUMBERED_ABBREVIATION.sub(r"\1", text)
    text = _NUMBER_DOT.sub("", text)
    return _SPACES.sub(" ", text)
