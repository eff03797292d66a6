"""Identifiers: IBAN, USt-IdNr., Steuer-ID, RV-Nummer, Ausweis, Geburtsdatum, Aktenzeichen (phone numbers: `phones`).

Identifiers with check digits are validated, so an 11-digit invoice number is not a Steuer-ID.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from stdnum import iban as stdnum_iban
from stdnum.de import idnr as stdnum_idnr
from stdnum.de import vat as stdnum_vat

from workbench.privacy import keywords
from workbench.privacy.patterns import (
    DATE,
    _compact,
    _iter_spans,
    _strip,
    number_clusters,
    text_codes,
    word_starts,
)

# Separators inside an identifier: blanks, "-", ".", "/", a line break (check digits guard the rest).
# "_", "|" and "," too: typed to get past a filter ("DE89_3704_…", "12,345,678,903").
_ID_SEP = r"(?:[ \t]*\n[ \t]*|[ \t]{1,3}|[ \t]?[./_|,-][ \t]?)"
# Any grouping ("DE89 3704 …", "DE 52 28981396 8837915254"); trimmed back until the check digits fit.
# Lower-case ("de89 3704 …") only with a numeric body, as German IBANs have: "am 12.05.2024 um" is none.
_IBAN = re.compile(
    rf"[A-Z](?<![A-Za-z0-9].)[A-Z](?={_ID_SEP}?\d){_ID_SEP}?\d{{2}}(?:{_ID_SEP}?[A-Z0-9]){{11,30}}(?![A-Za-z0-9])"
)
_IBAN_LOWER = re.compile(
    rf"[a-z](?<![A-Za-z0-9].)[a-z]{_ID_SEP}?\d{{2}}(?:{_ID_SEP}?\d){{11,30}}(?![A-Za-z0-9])"
)
# Every numeric identifier (Steuer-ID, RV-Nummer, USt-IdNr., IBAN, phone number) holds six digits or
# more with at most a few separators between them, so their exact patterns only run in a window
# around such a cluster of digits instead of over the whole text.
_MIN_DIGITS = 6
_MAX_GAP = 6  # blanks, "-", ".", "/", a line break (and some indentation) between two digit groups
_BEFORE_RUN = 24  # room for "DE89 ", "GB29 NWBK ", "+49 (0) " before the run
_AFTER_RUN = 12  # room for " J 003" of an RV-Nummer, and for the lookaheads after a number
_VAT = re.compile(rf"[Dd](?<![A-Za-z0-9].)[Ee]{_ID_SEP}?\d{{3}}{_ID_SEP}?\d{{3}}{_ID_SEP}?\d{{3}}(?!\d)")
_TAX_ID = re.compile(r"\d(?<![\d/.,-]\d)\d(?:(?:[ \t/._|,-]|[ \t]*\n[ \t]*)?\d{3}){3}(?![\d/.,-]?\d)")
_RVNR = re.compile(
    rf"\d(?<![\w]\d)\d{_ID_SEP}?\d{{2}}{_ID_SEP}?\d{{2}}{_ID_SEP}?\d{{2}}{_ID_SEP}?[A-Za-z]{_ID_SEP}?\d{{2}}{_ID_SEP}?\d(?![\w])"
)
_SEPARATORS = " \t\n./_|,-"
_ID_CUT = re.compile(r"[ \t\n./_|,-]")
_ID_CARD = re.compile(r"[CFGHJKLMNPRTVWXYZ0-9](?<![\w].)[CFGHJKLMNPRTVWXYZ0-9]{8}\d?(?![\w])")
_ID_CONTEXT = re.compile(
    r"(?i)(ausweis|pass\b|passnummer|reisepass|dokumentennummer|dokumenten-nr|seriennummer|perso\b)"
)
_BIRTH_LABELS = (
    r"Geb\.|geb\.|Geboren|geboren|GEBOREN|Geburtsdatum|GEBURTSDATUM|Geb\.-[Dd]atum|Geburtstag|Geb\.\s*am|geb\.\s*am|"
    r"Tag der Geburt"
)
_BIRTH_WORDS = keywords.register("birth", keywords.literal_prefixes(_BIRTH_LABELS))
_BIRTH = re.compile(
    rf"(?:{_BIRTH_LABELS})"
    rf"(?:[ \t]*(?:am|:|/-ort:|-?ort:|,))*[ \t]*\*?[ \t]*(?P<date>{DATE})"
)
_BIRTH_STAR = re.compile(rf"\*(?<![\w*].)[ \t]?(?P<date>{DATE})")
# The word boundary before a label is checked in Python (see `patterns.both_cases`).
_CASE_LABELS = (
    r"Az\b\.?|AZ\b|Aktenzeichen|Gz\b\.?|Geschäftszeichen|GeschZ\.?|Unsere? Zeichen|unsere? Zeichen|Unser Az\.?|unser Az\.?|"
    r"Ihre? Zeichen|ihre? Zeichen|Kassenzeichen|Vorgangsnummer|Vorgangs-Nr\.?|Buchungszeichen|Akten-?Nr\.?|"
    r"Fallnummer|Antragsnummer|Bescheid-Nr\.?|BG-Nummer|Geschäftsnummer|Vorgangs-?[Zz]eichen|"
    r"Dem Zeichen|dem Zeichen|Zeichen(?=[ \t]*:|[ \t]+[A-Z0-9]{1,6}(?:[ \t]\d+)?[-/.])|Vorgang|Registernummer|Register-Nr\.?|Akte\b"
)
_CASE_WORDS = keywords.register("case_label", keywords.literal_prefixes(_CASE_LABELS))
_AKTE_WORDS = keywords.register("akte", ["akte"])
_CASE_LABEL = re.compile(
    rf"(?:{_CASE_LABELS})"
    r"(?:[ \t]+laut[ \t]+[\wäöüß]+)?[ \t]*(?:\([^)\n]{0,20}\))?[ \t]*[:.]?[ \t]*(?:Nr\.?[ \t]*)?"
)
_AKTE_LABEL = re.compile(r"akte\b[ \t]*(?:\([^)\n]{0,20}\))?[ \t]*[:.]?[ \t]*(?:Nr\.?[ \t]*)?")
_CASE_TOKEN = re.compile(r"[A-Za-zÄÖÜäöü0-9][A-Za-zÄÖÜäöü0-9./\-_]*")

# --- identifier detectors -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Windows:
    """The stretches of a text around its digit clusters, joined by blank lines into one string.

    The identifier patterns run once over `text` instead of once per stretch; `span` maps a match
    back. Each stretch starts after a blank, so a lookbehind at its start sees a blank as in the
    text, and no identifier pattern runs across the blank lines between two stretches."""

    text: str
    starts: tuple[int, ...]  # where each stretch starts in `text`
    shifts: tuple[int, ...]  # its start in the original text minus its start in `text`

    def span(self, start: int, end: int) -> tuple[int, int]:
        shift = self.shifts[bisect.bisect_right(self.starts, start) - 1]
        return start + shift, end + shift


@lru_cache(maxsize=4)
def _digit_windows(text: str) -> _Windows:
    clusters = number_clusters(text, min_digits=_MIN_DIGITS, max_gap=_MAX_GAP)
    if not clusters:
        return _Windows("", (), ())
    cluster_starts, cluster_ends = (
        np.array(column, dtype=np.int64) for column in zip(*clusters, strict=True)
    )
    starts = np.maximum(0, cluster_starts - _BEFORE_RUN)
    ends = np.minimum(len(text), cluster_ends + _AFTER_RUN)
    # start after the last blank up to 20 characters before, if there is one
    codes = text_codes(text)
    blanks = np.flatnonzero(codes <= 32)  # one comparison over the text, then the exact check on few
    blanks = blanks[np.isin(codes[blanks], (32, 10, 9))]
    before = np.searchsorted(blanks, starts) - 1
    last_blank = np.where(before >= 0, blanks[np.maximum(before, 0)], -1)
    starts = np.where(last_blank >= np.maximum(0, starts - 20), last_blank + 1, starts)
    # stretches that touch or overlap the one before merge with it
    reach = np.maximum.accumulate(ends)
    new = np.concatenate(([True], starts[1:] > reach[:-1]))
    first = np.flatnonzero(new)
    last = np.concatenate((first[1:] - 1, [len(starts) - 1]))
    stretches = list(zip(starts[first].tolist(), reach[last].tolist(), strict=True))
    lengths = np.array([end - start for start, end in stretches], dtype=np.int64) + len(_BETWEEN)
    positions = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    return _Windows(
        _BETWEEN.join(text[start:end] for start, end in stretches),
        tuple(positions.tolist()),
        tuple((starts[first] - positions).tolist()),
    )


_BETWEEN = "\n\n\n"


def _near_digit_runs(pattern: re.Pattern[str], text: str) -> Iterator[tuple[int, int]]:
    """The matches of `pattern` near the digit clusters of `text`, with offsets into `text`."""
    windows = _digit_windows(text)
    for match in pattern.finditer(windows.text):
        yield windows.span(*match.span())


def _iban_checksum(value: str) -> bool:
    """The ISO 13616 check (mod 97): cheap, so the full check with the country's format runs rarely."""
    if not value.isalnum() or not value.isascii():
        return False
    rotated = value[4:] + value[:4]
    return int("".join(str(int(char, 36)) for char in rotated)) % 97 == 1


# Country code and length of the IBANs whose account part is all digits (ISO 13616 registry): these
# need no check beyond length and checksum, which saves the country-format lookup for most IBANs.
_DIGIT_IBAN_LENGTHS = {"DE": 22, "AT": 20}


def _valid_iban(value: str) -> bool:
    if not _iban_checksum(value):
        return False
    length = _DIGIT_IBAN_LENGTHS.get(value[:2].upper())
    if length is not None:
        return len(value) == length and value[2:].isdigit()
    return stdnum_iban.is_valid(value)


# German and Austrian IBANs are all digits after the country: an "O" or "l" there stands for a digit,
# typed to get past a filter ("DE89 37O4 OO44 …").
_DIGIT_LOOKALIKES = str.maketrans("OoIl", "0011")


def _digits_for_lookalikes(value: str) -> str:
    if value[:2].upper() not in ("DE", "AT"):
        return value
    return value[:2] + value[2:].translate(_DIGIT_LOOKALIKES)


def _find_iban(text: str) -> Iterator[tuple[int, int]]:
    windows = _digit_windows(text)
    for pattern in (_IBAN, _IBAN_LOWER):
        position = 0
        while (match := pattern.search(windows.text, position)) is not None:
            found = _trimmed_iban(windows.text, *match.span())
            if found is None:
                position = match.start() + 1
                continue
            yield windows.span(*found)
            position = found[1]  # the greedy match may hold the next IBAN: "DE89 … 00 / DE12 …"


def _trimmed_iban(text: str, start: int, end: int) -> tuple[int, int] | None:
    """A greedy match may run into the next word: drop trailing groups until the check digits fit."""
    while end - start >= 15:
        value = _compact(text[start:end])
        if _valid_iban(value) or _valid_iban(_digits_for_lookalikes(value)):
            return _strip(text, start, end, _SEPARATORS)
        cut = max((m.start() for m in _ID_CUT.finditer(text, start, end)), default=start)
        if cut <= start:
            return None
        end = cut
    return None


def _find_vat(text: str) -> Iterator[tuple[int, int]]:
    for start, end in _near_digit_runs(_VAT, text):
        if stdnum_vat.is_valid(_compact(text[start:end])):
            yield start, end


def _find_tax_id(text: str) -> Iterator[tuple[int, int]]:
    for start, end in _near_digit_runs(_TAX_ID, text):
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
    for start, end in _near_digit_runs(_RVNR, text):
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


def _find_birth_dates(text: str) -> Iterator[tuple[int, int]]:
    for position in keywords.starts(text, _BIRTH_WORDS):
        match = _BIRTH.match(text, position)
        if match and word_starts(text, position):
            yield match.span("date")
    for match in _BIRTH_STAR.finditer(text):
        yield match.span("date")


def _case_labels(text: str) -> Iterator[int]:
    """End positions of file-reference labels ("Az.", "Unser Zeichen:", "Wohngeldakte")."""
    for position in keywords.starts(text, _CASE_WORDS):
        label = _CASE_LABEL.match(text, position)
        if label and word_starts(text, position):
            yield label.end()
    for position in keywords.starts(text, _AKTE_WORDS):
        label = _AKTE_LABEL.match(text, position)
        if (
            label
            and label.start() > 0
            and text[label.start() - 1].isalpha()
            and text[label.start() - 1].islower()
        ):
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
            if text[end : end + 1] not in (" ", "\t"):
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
