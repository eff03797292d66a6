"""Phone numbers: found near digit clusters, validated with `phonenumbers`' metadata.

German numbers are the common case: they are split into country code and national number here and
checked against the metadata's patterns directly, landlines and mobile numbers first; anything else
goes through `phonenumbers`' parser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import phonenumbers

from workbench.privacy.identifiers import _digit_windows

_PHONE = re.compile(
    r"(?<![\w+/.,-])(?:(?:\+|00)\d{2}[ \t]?(?:\(0\)[ \t]?)?\d[\d \t/()-]{4,18}\d|\(0\d{2,5}\)[ \t]?\d[\d \t/-]{2,14}\d|0\d{2,5}[ \t]?[/.-]?[ \t]?\d[\d \t/.-]{2,14}\d)(?![\w])"
)
_PHONE_GAP = re.compile(r"[ \t/-]+")
_BLOCKER_WORDS: tuple[str, ...] = (
    "drucksache",
    "drs.",
    "vorlage",
    "nr.",
    "nummer",
    "rechnung",
    "az.",
    "zeichen",
    "konto",
    "ticket",
)
_BLOCKER_WORDS += ("version", "release", "steuer", "iban", "plz")
_PHONE_BLOCKERS = re.compile(
    r"(?i)(drucksache|drs\.|vorlage|nr\.|nummer|rechnung|az\.|aktenzeichen|zeichen|kassenzeichen|konto|ticket|version|release|steuer|iban|\bplz\b)[^\n]{0,12}$"
)


def _find_phones(text: str) -> Iterator[tuple[int, int]]:
    windows = _digit_windows(text)
    position = 0
    while (match := _PHONE.search(windows.text, position)) is not None:
        start, end = match.span()
        original = windows.span(start, end)
        if _is_phone(text, match.group(), original[0]):
            yield original
            position = end
        else:
            # A long run of digit groups may hide a real number further right: retry after the next gap.
            gap = _PHONE_GAP.search(windows.text, start + 1, end)
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
    before = text[max(0, start - 30) : start].lower()
    if any(word in before for word in _BLOCKER_WORDS) and _PHONE_BLOCKERS.search(
        text, max(0, start - 30), start
    ):
        return False
    return _valid_phone_number(candidate)


_NON_DIGITS = re.compile(r"\D")


_PatternAndLengths = tuple[re.Pattern[str], frozenset[int]]


@lru_cache(maxsize=1)
def _german_number_types() -> tuple[_PatternAndLengths, tuple[_PatternAndLengths, ...]]:
    """`phonenumbers`' German metadata: the general pattern and one per kind of number, landlines and
    mobile numbers first (they are the common ones; `phonenumbers` tries the rare kinds first)."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("DE")
    assert metadata is not None and metadata.general_desc is not None

    def compiled(desc: phonenumbers.PhoneNumberDesc) -> _PatternAndLengths:
        return re.compile(desc.national_number_pattern or "(?!)"), frozenset(desc.possible_length or ())

    kinds = (
        metadata.fixed_line,
        metadata.mobile,
        metadata.toll_free,
        metadata.premium_rate,
        metadata.shared_cost,
        metadata.personal_number,
        metadata.voip,
        metadata.pager,
        metadata.uan,
        metadata.voicemail,
    )
    return compiled(metadata.general_desc), tuple(compiled(desc) for desc in kinds if desc is not None)


def _fits(national: str, kind: _PatternAndLengths) -> bool:
    pattern, lengths = kind
    return (not lengths or len(national) in lengths) and pattern.fullmatch(national) is not None


def _valid_german_number(national: str) -> bool:
    """What `phonenumbers.is_valid_number` says of +49 `national`: it fits the general pattern and
    that of some kind of number."""
    general, kinds = _german_number_types()
    return _fits(national, general) and any(_fits(national, kind) for kind in kinds)


def _valid_phone_number(candidate: str) -> bool:
    """`phonenumbers`' validity check. German numbers are handed over already split into country
    code and national number: parsing the text is two thirds of the check's cost."""
    digits = _NON_DIGITS.sub("", candidate)
    body = candidate[1:] if candidate.startswith("(") else candidate
    national = None
    if body.startswith("+49") or body.startswith("0049"):
        national = digits[4:] if body.startswith("0049") else digits[2:]
        national = national[1:] if national.startswith("0") else national  # "+49 (0)251 …"
    elif body.startswith("0") and not body.startswith("00"):
        national = digits[1:]
    if national is not None and not national.startswith("0"):  # leading zeros: let phonenumbers read it
        if not national or not 4 <= len(national) <= 15:
            return False
        return _valid_german_number(national)
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(candidate, "DE"))
    except phonenumbers.NumberParseException:
        return False
