"""Where the detectors' keywords occur: one pass of an Aho-Corasick automaton over the lower-cased text.

Most rules start at a word from a list: a salutation, a field label, a closing formula, a first
name, a medical term. A regular expression per list would cost a pass over the whole text each, and
`re` tries such a pattern at every position whose first letter fits. Instead all lists go into one
automaton (`ahocorasick_rs`), which finds every keyword of every list in a single pass. A rule then
runs its exact, case-sensitive pattern only where one of its keywords starts.

Keywords are matched case-insensitively and anywhere, also inside words: the rule's own pattern and
boundary check decide. So a list may only narrow where a rule looks, never change what it finds.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

import ahocorasick_rs
import numpy as np

_FAMILIES: dict[str, set[str]] = defaultdict(set)
_QUANTIFIERS = "?*{"
_STOPS = "()[]|^$.+\\"
_ESCAPED_LITERALS = ".-/ "


def literal_prefixes(alternation: str) -> list[str]:
    """The literal text each top-level alternative of a regular expression starts with.

    "Herrn?|Frau|Hr\\.|Unsere? Zeichen" gives ["Herr", "Frau", "Hr.", "Unser"]: a character made
    optional by "?", "*" or "{0,…}" ends the prefix before it. Every alternative must start with at
    least one literal character.
    """
    prefixes: list[str] = []
    for alternative in _split_alternatives(alternation):
        prefix = ""
        index = 0
        while index < len(alternative):
            char = alternative[index]
            if char == "\\" and index + 1 < len(alternative) and alternative[index + 1] in _ESCAPED_LITERALS:
                char = alternative[index + 1]
                index += 1
            elif char in _STOPS or char in _QUANTIFIERS:
                break
            following = alternative[index + 1 : index + 2]
            if following and following in _QUANTIFIERS:
                break  # this character is optional: the prefix ends before it
            prefix += char
            index += 1
        if not prefix:
            raise ValueError(f"alternative without a literal start: {alternative!r}")
        prefixes.append(prefix)
    return prefixes


def _split_alternatives(alternation: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    in_class = False
    current = ""
    index = 0
    while index < len(alternation):
        char = alternation[index]
        if char == "\\":
            current += alternation[index : index + 2]
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(current)
            current = ""
            index += 1
            continue
        current += char
        index += 1
    parts.append(current)
    return parts


def register(family: str, words: Iterable[str]) -> str:
    """Add keywords to a family (lower-cased); returns the family's name for the caller to keep."""
    _FAMILIES[family].update(word.lower() for word in words if word)
    _automaton.cache_clear()
    _hits.cache_clear()
    return family


class _Automaton(NamedTuple):
    search: ahocorasick_rs.AhoCorasick
    families: tuple[str, ...]
    offsets: np.ndarray  # keyword i belongs to families family_ids[offsets[i]:offsets[i + 1]]
    family_ids: np.ndarray


@lru_cache(maxsize=1)
def _automaton() -> _Automaton:
    families_of: dict[str, list[int]] = defaultdict(list)
    families = tuple(sorted(_FAMILIES))
    for number, family in enumerate(families):
        for word in _FAMILIES[family]:
            families_of[word].append(number)
    words = sorted(families_of)
    search = ahocorasick_rs.AhoCorasick(
        words, matchkind=ahocorasick_rs.MatchKind.Standard, implementation=ahocorasick_rs.Implementation.DFA
    )  # a DFA takes a few milliseconds more to build once and searches twice as fast
    counts = np.array([len(families_of[word]) for word in words], dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(counts)))
    family_ids = np.array([number for word in words for number in families_of[word]], dtype=np.int64)
    return _Automaton(search, families, offsets, family_ids)


def lower(text: str) -> str:
    """`text` lower-cased with the same length, so positions stay the same."""
    low = text.lower()
    if len(low) != len(text):  # "İ" becomes two characters: keep those as they are
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low


@lru_cache(maxsize=4)
def _hits(text: str) -> dict[str, tuple[int, ...]]:
    """Sorted start positions per family: grouped with numpy, a dense text has tens of thousands."""
    automaton = _automaton()
    matches = automaton.search.find_matches_as_indexes(lower(text), overlapping=True)
    if not matches:
        return {}
    flat = np.fromiter(itertools.chain.from_iterable(matches), dtype=np.int64, count=3 * len(matches))
    words, positions = flat[0::3], flat[1::3]
    counts = automaton.offsets[words + 1] - automaton.offsets[words]  # a keyword may be in several families
    firsts = np.repeat(automaton.offsets[words], counts)
    within = np.arange(len(firsts)) - np.repeat(np.cumsum(counts) - counts, counts)
    families = automaton.family_ids[firsts + within]
    keys = np.unique(families * (len(text) + 1) + np.repeat(positions, counts))  # sorted, no duplicates
    bounds = np.searchsorted(keys, np.arange(len(automaton.families) + 1) * (len(text) + 1))
    return {
        family: tuple((keys[low:high] - number * (len(text) + 1)).tolist())
        for number, (family, low, high) in enumerate(
            zip(automaton.families, bounds[:-1], bounds[1:], strict=True)
        )
        if high > low
    }


def starts(text: str, family: str) -> tuple[int, ...]:
    """Sorted positions in `text` where a keyword of `family` starts (case-insensitive)."""
    return _hits(text).get(family, ())
