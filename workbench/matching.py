"""Matching a hand-typed sponsor list against the company register, exactly and without a model.

Each name is read once: normalised (legal forms, umlauts and their transliterations, punctuation,
"&"/"und", case, word order) into a key, plus its words in written order and the kind of legal form
written. Equal keys match first; where several companies share the key, the literally written name
decides, else the written legal form and register order propose one for review. The rest are compared
with rapidfuzz: the companies sharing a sponsor's words, or words one typo away, are scored pairwise
(`cpdist`); a sponsor left without a good candidate, with a word like a register word that the search
could not place, is compared with every company (`cdist`, C++, all cores, in chunks). The few best
candidates are then scored properly. The city tells look-alikes apart: a sponsor from another town is
never matched to a company in the register of this one.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import math
import re
import threading
import unicodedata
from collections.abc import Iterator
from typing import NamedTuple

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

SURE, UNSURE, NONE = "sicher", "unsicher", "kein Treffer"
SURE_SCORE = 90.0
UNSURE_SCORE = 75.0
CANDIDATES = 5  # per sponsor and comparison, scored with `_score`
CHUNK = 512  # sponsors per full comparison (a byte per sponsor and company)
BLOCK = 40  # companies per sponsor compared pairwise after the search by shared words
FREQUENT_SHARE = 0.05  # a word in more of the register's names tells nothing ...
FREQUENT_MIN = 50  # ... unless the register is small
TYPO_LENGTH = 4  # shorter words are not looked up with a typo
NEAR_WEIGHT = 0.8  # a register word one typo away counts this much of its weight
FALLBACK_CUTOFF = 70  # the full comparison keeps companies from this fuzz.ratio on
RESEMBLANCE = 70  # a sponsor's unplaced word this like a register word may be a typed company word

_LEGAL_FORMS = [
    r"(?:gesellschaft|ges\.?)\s*m\.?\s?b\.?\s?h\.?",
    r"gesellschaft\s+buergerlichen\s+rechts",
    r"gesellschaft\s+mit\s+beschraenkter\s+haftung",
    r"eingetragene\s+genossenschaft",
    r"eingetragener\s+kaufmann",
    r"eingetragene\s+kauffrau",
    r"aktiengesellschaft",
    r"kommanditgesellschaft",
    r"offene\s+handelsgesellschaft",
    r"(?:g\.?\s?m\.?\s?b\.?\s?h\.?|ag|se|ug)?\s*(?:und|&|\+)?\s*co\.?\s*k\.?g(?:aa)?",
    r"g\.?\s?m\.?\s?b\.?\s?h\.?",
    r"mbh",
    r"ug\s*\(?\s*(?:haftungsbeschr\w*\.?|h\.?\s?b\.?)?\s*\)?",
    r"ug",
    r"e\.?\s?k(?:fm|fr)?\.?",
    r"e\.?\s?g\.?",
    r"a\.?g\.?",
    r"kgaa",
    r"k\.?g\.?",
    r"o\.?h\.?g\.?",
    r"g\.?\s?b\.?\s?r\.?",
    r"mbb",
    r"se",
    r"inh\.?",
    r"dr\.?",
]
# One capturing group: `split` returns the text between legal forms and the legal forms themselves.
_LEGAL_RE = re.compile(r"(?<![a-z0-9])(" + "|".join(_LEGAL_FORMS) + r")(?![a-z0-9])")
# The same without "… & Co. KG", whose optional parts are tried at every word: for names without "co".
_LEGAL_WITHOUT_CO_RE = re.compile(
    r"(?<![a-z0-9])(" + "|".join(form for form in _LEGAL_FORMS if "co" not in form) + r")(?![a-z0-9])"
)
_TRANSLITERATION = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "&": " und ", "+": " und ", "/": " und "}
)
_SHORT_AND = re.compile(r"(?<![a-z0-9])u\.(?=\s)")
# Legal forms glued to the name ("GütherGmbH"); no German word ends in these (unlike "Verlag", "Zug").
_GLUED_FORMS = ("gmbh", "ohg", "gbr", "kg")
_FORM_KINDS = [
    ("gmbh_co_kg", re.compile(r"co\.?\s*k\.?g")),
    ("gmbh", re.compile(r"(?<![a-z])(?:g\.?\s?)?m\.?\s?b\.?\s?h")),  # also "Ges.m.b.H."
    ("ek", re.compile(r"(?<![a-z])e\.?\s?k(?:fm|fr)?\.?(?![a-z])")),
    ("ug", re.compile(r"(?<![a-z])ug(?![a-z])")),
    ("ag", re.compile(r"(?<![a-z])a\.?g(?![a-z])|aktiengesellschaft")),
    ("ohg", re.compile(r"(?<![a-z])o\.?h\.?g(?![a-z])|offene\s+handelsgesellschaft")),
    ("kg", re.compile(r"(?<![a-z])k\.?g(?![a-z])|kommanditgesellschaft")),
    ("gbr", re.compile(r"(?<![a-z])(?:g\.?\s?b\.?\s?r|gesellschaft buergerlichen rechts)")),
    ("eg", re.compile(r"(?<![a-z])e\.?\s?g\.?(?![a-z])")),
]
_NON_WORD = re.compile(r"[^a-z0-9]+")
# The same for ASCII text, faster: every byte but a-z and 0-9 becomes a space.
_WORD_BYTES = bytes(
    c if chr(c).isascii() and (chr(c).islower() or chr(c).isdigit()) else 32 for c in range(256)
)
# Common abbreviations in hand-typed lists, expanded before comparing.
_PHRASES = [
    (re.compile(r"(?<![a-z0-9])e[- ]?technik"), "elektrotechnik"),
    (re.compile(r"(?<![a-z0-9])galabau"), "garten und landschaftsbau"),
]
_ABBREVIATIONS = {
    "gebr": "gebrueder",
    "str": "strasse",
    "immob": "immobilien",
    "vers": "versicherungen",
    "stbg": "steuerberatungsgesellschaft",
    "f": "fuer",
}
_FILLER = {"fa", "firma"}
_REWRITTEN = frozenset(_ABBREVIATIONS) | _FILLER
# Legal forms typed without a space ("FriedrichGbR"); only the matcher's candidate search looks at these.
_GLUED_SUFFIXES = ("gmbh", "mbh", "ohg", "gbr", "kg", "ag", "ug", "ek", "eg")


def normalize(name: object) -> str:
    """Comparable form of a company name: "Müller & Söhne Bau G.m.b.H." -> "bau mueller soehne und"."""
    return _read(name)[0]


def legal_form(name: object) -> str:
    """The kind of legal form a name carries ("gmbh", "ek", …), or "" when none is written."""
    return _read(name)[2]


def _read(name: object) -> tuple[str, str, str]:
    """One name read by `_read_all`: (key, words in written order, kind of legal form)."""
    read = _read_all([name])
    return read.keys[0], read.words[0], read.forms[0]


def _unglued(words: list[str], written: str) -> tuple[list[str], str]:
    """A legal form glued to three letters of a word is cut off: "muellergmbh" -> "mueller" + "gmbh"."""
    out = []
    for word in words:
        for form in _GLUED_FORMS:
            if word.endswith(form) and word[-len(form) - 3 : -len(form)].isalpha():
                word, written = word[: -len(form)], f"{written} {form}"
                break
        out.append(word)
    return out, written


@functools.lru_cache(maxsize=1024)
def _form_kind(written: str) -> str:
    """The kind of a written legal form; the few spellings of a register repeat, hence the cache."""
    return next((kind for kind, pattern in _FORM_KINDS if pattern.search(written)), "") if written else ""


class _Names(NamedTuple):
    """A column of names, read once: per name its key, its words in written order, the same run
    together (catches "MarienApotheke" for "Marien-Apotheke") and the kind of its legal form."""

    keys: list[str]
    words: list[str]
    plain: list[str]
    forms: list[str]


def _read_all(names: list[object]) -> _Names:
    """Each name in one pass: its key (the sorted words without legal form), its words in written
    order, the same run together, and the kind of legal form written (the text the legal-form
    patterns took out, for `_form_kind`). The loop is the matcher's hot path, hence the local names."""
    keys: list[str] = []
    ordered: list[str] = []
    plain: list[str] = []
    written_forms: list[str] = []
    legal, legal_without_co = _LEGAL_RE.split, _LEGAL_WITHOUT_CO_RE.split
    short_and, non_word, word_bytes, rewritten = _SHORT_AND.sub, _NON_WORD.split, _WORD_BYTES, _REWRITTEN
    for name in names:
        if name is None or (isinstance(name, float) and name != name):
            keys.append("")
            ordered.append("")
            plain.append("")
            written_forms.append("")
            continue
        text = str(name).lower()
        if "&" in text or "+" in text or "/" in text:  # as _TRANSLITERATION, without its slow lookups
            text = text.replace("&", " und ").replace("+", " und ").replace("/", " und ")
        if not text.isascii():
            text = text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
            if not text.isascii():  # other accents (é, ç, ş): drop the mark, keep the letter
                text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
        if "u." in text:
            text = short_and(" und ", text)
        if "technik" in text or "galabau" in text:
            for pattern, replacement in _PHRASES:
                text = pattern.sub(replacement, text)
        pieces = legal(text) if "co" in text else legal_without_co(text)
        if len(pieces) > 1:
            text, written = " ".join(pieces[0::2]), " ".join(pieces[1::2])
        else:
            written = ""
        if text.isascii():
            words = text.encode().translate(word_bytes).decode().split()
        else:
            words = [word for word in non_word(text) if word]
        if "gmbh" in text or "ohg" in text or "gbr" in text or "kg" in text:
            words, written = _unglued(words, written)
        if not rewritten.isdisjoint(words):
            words = [_ABBREVIATIONS.get(word, word) for word in words if word not in _FILLER]
        keys.append(" ".join(sorted(words)))
        ordered.append(" ".join(words))
        plain.append("".join(words))
        written_forms.append(written)
    return _Names(keys, ordered, plain, list(map(_form_kind, written_forms)))


def normalize_city(city: object) -> str:
    if city is None or (isinstance(city, float) and np.isnan(city)):
        return ""
    return " ".join(_NON_WORD.split(str(city).lower().translate(_TRANSLITERATION))).strip()


_MINOR_TOKENS = frozenset(
    {"und", "der", "die", "das", "am", "an", "im", "in", "zum", "zur", "von", "fuer", "co"}
)


def _unmatched(tokens: list[str], others: list[str]) -> bool:
    """Does `tokens` hold a real word that nothing on the other side resembles?"""
    for token in tokens:
        if len(token) < 4 or token in _MINOR_TOKENS:
            continue
        if not any(
            fuzz.ratio(token, other) >= 80 or (len(other) >= 4 and (token in other or other in token))
            for other in others
        ):
            return True
    return False


def _score(a: str, b: str, a_plain: str = "", b_plain: str = "") -> float:
    """Typos and word order (ratio on sorted tokens), words run together, or a missing word (token set).

    When both names carry a word the other lacks ("Familie Brüggemann" / "Fahrschule Brüggemann"),
    they name different things however similar the letters are: the score is capped below "unsicher".
    """
    joined = fuzz.ratio(a_plain, b_plain) if a_plain and b_plain else 0.0
    score = max(
        fuzz.ratio(a, b),
        fuzz.ratio(a.replace(" ", ""), b.replace(" ", "")),
        joined,
        0.95 * fuzz.token_set_ratio(a, b),
    )
    if UNSURE_SCORE - 5 < score < 100 and joined < 90:  # the cap would change something
        a_tokens, b_tokens = a.split(), b.split()
        if _unmatched(a_tokens, b_tokens) and _unmatched(b_tokens, a_tokens):
            score = UNSURE_SCORE - 5
    return score


def match_sponsors(
    sponsors: pd.DataFrame,
    companies: pd.DataFrame,
    *,
    sponsor_name: str,
    company_name: str,
    sponsor_city: str | None = None,
    company_city: str | None = None,
) -> pd.DataFrame:
    """One row per sponsor: sponsor_index, company_index (or NA), score 0–100, status."""
    with _collector_paused():
        return _match(sponsors, companies, sponsor_name, company_name, sponsor_city, company_city)


_PAUSE_LOCK = threading.Lock()
_pauses = {"count": 0, "was_enabled": False}


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The matcher makes some hundred thousand small lists and tuples, none of them in a cycle; the
    cyclic garbage collector would walk them again and again (a tenth of the run). It is paused for
    the run. Sessions match in parallel threads: the first one in pauses it, the last one out
    switches it back on (if it was on), so one session never leaves it off for the others."""
    with _PAUSE_LOCK:
        if _pauses["count"] == 0:
            _pauses["was_enabled"] = gc.isenabled()
            gc.disable()
        _pauses["count"] += 1
    try:
        yield
    finally:
        with _PAUSE_LOCK:
            _pauses["count"] -= 1
            if _pauses["count"] == 0 and _pauses["was_enabled"]:
                gc.enable()


def _match(
    sponsors: pd.DataFrame,
    companies: pd.DataFrame,
    sponsor_name: str,
    company_name: str,
    sponsor_city: str | None,
    company_city: str | None,
) -> pd.DataFrame:
    s_names = sponsors[sponsor_name].tolist()
    c_names = companies[company_name].tolist()
    s, c = _read_all(s_names), _read_all(c_names)
    c_labels = list(companies.index)
    s_cities = _cities(sponsors[sponsor_city].tolist()) if sponsor_city else [""] * len(s_names)
    c_cities = _cities(companies[company_city].tolist()) if company_city else [""] * len(c_names)

    exact = _positions_by_key(c.keys)
    best_pos = np.full(len(s_names), -1, dtype=np.int64)
    best_score = np.zeros(len(s_names), dtype=np.float64)
    second_score = np.zeros(len(s_names), dtype=np.float64)
    fuzzy_rows = []
    for row, key in enumerate(s.keys):
        if not key:
            continue
        hits = exact.get(key)
        if hits is None:
            fuzzy_rows.append(row)
            continue
        local = [h for h in hits if _same_city(s_cities[row], c_cities[h])]
        if not local:  # only namesakes in another town: rejected below
            best_pos[row], best_score[row] = hits[0], 100.0
            continue
        position, clear = _break_tie(s_names[row], s.forms[row], local, c_names, c.forms)
        best_pos[row], best_score[row] = position, 100.0
        second_score[row] = 0.0 if clear else 100.0  # an undecided tie is shown for review

    if fuzzy_rows and c_names:
        # No company of the register is in some sponsors' towns: nothing to look for (score 0).
        towns = set(c_cities)
        searched = [row for row in fuzzy_rows if not s_cities[row] or "" in towns or s_cities[row] in towns]
        for row, ranked in _fuzzy(searched, s, c).items():
            if ranked:
                best_score[row], best_pos[row] = ranked[0][0], ranked[0][-1]
                second_score[row] = ranked[1][0] if len(ranked) > 1 else 0.0

    found, scores, statuses = [], [], []
    for row in range(len(s_names)):
        position = int(best_pos[row])
        score = float(best_score[row])
        if position >= 0 and not _same_city(s_cities[row], c_cities[position]):
            position, status = -1, NONE  # a look-alike from another town is not our company
        elif position >= 0 and score >= SURE_SCORE and score - second_score[row] >= 3:
            status = SURE
        elif position >= 0 and score >= UNSURE_SCORE:
            status = UNSURE
        else:
            position, status = -1, NONE
        found.append(c_labels[position] if position >= 0 else pd.NA)
        scores.append(round(score, 1))
        statuses.append(status)
    return pd.DataFrame.from_records(
        list(zip(sponsors.index, found, scores, statuses, strict=True)),
        columns=["sponsor_index", "company_index", "score", "status"],
    )


def _positions_by_key(keys: list[str]) -> dict[str, list[int]]:
    """Register positions per non-empty key, in register order."""
    first = {
        key: [position] for position, key in zip(range(len(keys) - 1, -1, -1), reversed(keys), strict=True)
    }
    if len(first) < len(keys):  # some keys are shared (or empty)
        first = {}
        for position, key in enumerate(keys):
            first.setdefault(key, []).append(position)
    first.pop("", None)
    return first


def _fuzzy(rows: list[int], s: _Names, c: _Names) -> dict[int, list[tuple[float, bool, int]]]:
    """Per sponsor row without an exact key, its candidates best first: (score, same legal form, position).

    The companies sharing a sponsor's words (`_blocked`) are compared pairwise in two views: sorted
    words (word order) and words run together (joined or split words). A sponsor left without a
    candidate worth showing, with a word the search could not place, is compared with every company
    (`cdist`). The few best of each comparison are scored with `_score`.
    """
    views = ((s.keys, c.keys), (s.plain, c.plain))
    candidates: dict[int, set[int]] = {row: set() for row in rows}
    register = _Words(c.keys)
    blocked = _blocked(rows, s, c, register)
    counts = np.fromiter((len(b) for b in blocked), dtype=np.int64, count=len(rows))
    if counts.sum():
        pair_rows = np.repeat(np.asarray(rows, dtype=np.int64), counts)
        pair_pos = np.concatenate(blocked)
        for queries, choices in views:
            scores = process.cpdist(
                np.asarray(queries, dtype=object)[pair_rows],
                np.asarray(choices, dtype=object)[pair_pos],
                scorer=fuzz.ratio,
                dtype=np.uint8,
                workers=-1,
            )
            for row, position in _best_per_row(pair_rows, pair_pos, scores):
                candidates[row].add(position)

    def rank(
        row: int, positions: set[int], ranked: list[tuple[float, bool, int]]
    ) -> list[tuple[float, bool, int]]:
        """`ranked` with `positions` scored and added, best first (ties: the written legal form, then
        register order)."""
        key, plain, form = s.keys[row], s.plain[row], s.forms[row]
        scored = [(score, same, -p) for score, same, p in ranked]
        scored += [
            (_score(key, c.keys[p], plain, c.plain[p]), bool(form) and form == c.forms[p], -p)
            for p in positions
        ]
        scored.sort(reverse=True)
        return [(score, same, -p) for score, same, p in scored]

    result = {row: rank(row, candidates[row], []) for row in rows}
    # A sponsor without a candidate worth showing may hold a company word typed beyond recognition, or
    # run together with another: it shares nothing with the register. Only a word the register knows
    # in no form (`_Words.knows`) but that is like one of its words can be such a word; those sponsors
    # are compared with every company, in the view that sees words run together.
    unplaced = {
        row: {word for word in s.words[row].split() if not register.knows(word)}
        for row in rows
        if not result[row] or result[row][0][0] < UNSURE_SCORE
    }
    resembled = register.resembled(set().union(*unplaced.values()))
    rest = [row for row, words in unplaced.items() if words & resembled]
    for start in range(0, len(rest), CHUNK):
        chunk = rest[start : start + CHUNK]
        scores = _compare_with_all([s.plain[r] for r in chunk], c.plain)
        hit_rows, hit_positions = np.divmod(_nonzero(scores), scores.shape[1])
        found: dict[int, set[int]] = {row: set() for row in chunk}
        for offset, position in _best_per_row(hit_rows, hit_positions, scores):
            if position not in candidates[chunk[offset]]:
                found[chunk[offset]].add(position)
        for row in chunk:
            result[row] = rank(row, found[row], result[row])
    return result


def _compare_with_all(queries: list[str], choices: list[str]) -> np.ndarray:
    """The full comparison: fuzz.ratio of each query with each choice (C++, all cores), as bytes; 0
    below FALLBACK_CUTOFF."""
    scores: np.ndarray = process.cdist(
        queries, choices, scorer=fuzz.ratio, dtype=np.uint8, workers=-1, score_cutoff=FALLBACK_CUTOFF
    )
    return scores


def _nonzero(matrix: np.ndarray) -> np.ndarray:
    """Flat indices of the nonzero bytes of a C-contiguous uint8 matrix that is mostly zero; eight
    bytes are looked at at once."""
    flat = matrix.reshape(-1)
    whole = len(flat) // 8 * 8
    words = np.flatnonzero(flat[:whole].view(np.uint64))
    candidates = (words[:, None] * 8 + np.arange(8)).reshape(-1)
    candidates = np.concatenate((candidates, np.arange(whole, len(flat))))
    found: np.ndarray = candidates[flat[candidates] != 0]
    return found


def _best_per_row(rows: np.ndarray, positions: np.ndarray, scores: np.ndarray) -> list[tuple[int, int]]:
    """The CANDIDATES best (row, position) pairs of each row; `scores` is per pair, or a matrix
    indexed by (row, position)."""
    values = scores if scores.ndim == 1 else scores[rows, positions]
    order = np.lexsort((-values.astype(np.int16), rows))  # by row, best first
    rows, positions = rows[order], positions[order]
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    rank = np.arange(len(rows)) - np.repeat(starts, np.diff(np.r_[starts, len(rows)]))
    keep = rank < CANDIDATES
    return list(zip(rows[keep].tolist(), positions[keep].tolist(), strict=True))


class _Words:
    """The register's words for the candidate search: where each is, and which are one typo apart."""

    def __init__(self, keys: list[str]) -> None:
        text = "\n".join(keys)  # keys are ASCII words with single spaces
        words = text.split()
        data = np.frombuffer(text.encode(), dtype=np.uint8)
        gap = (data == ord(" ")) | (data == ord("\n"))
        starts = np.flatnonzero(~gap & np.concatenate(([True], gap[:-1]))[: len(gap)])
        owners = np.cumsum(data == ord("\n"))[starts]  # the register position of each word
        codes, vocabulary = pd.factorize(np.asarray(words, dtype=object))
        self.vocabulary = frozenset(vocabulary.tolist())
        self._where = owners[np.argsort(codes, kind="stable")]  # positions grouped by word
        ends = np.cumsum(np.bincount(codes, minlength=len(vocabulary)))
        self.size = len(keys)
        limit = max(FREQUENT_MIN, FREQUENT_SHARE * self.size)
        # word -> (start, end) of its positions in _where
        self.spans = {
            word: (int(end - count), int(end))
            for word, end, count in zip(
                vocabulary.tolist(), ends.tolist(), np.diff(ends, prepend=0).tolist(), strict=True
            )
            if count <= limit and len(word) > 1 and word not in _MINOR_TOKENS
        }
        self.shortened: dict[str, list[str]] = {}  # a word with one letter taken out -> the words
        for word in self.spans:
            if len(word) >= TYPO_LENGTH:
                for i in range(len(word)):
                    self.shortened.setdefault(word[:i] + word[i + 1 :], []).append(word)
        self._similar: dict[str, dict[str, float]] = {}

    def positions(self, word: str) -> np.ndarray:
        """Where a register word is (a position twice if the name has the word twice)."""
        start, end = self.spans[word]
        return self._where[start:end]

    def weight(self, word: str) -> float:
        """How telling a shared register word is: the rarer, the more."""
        start, end = self.spans[word]
        return 1.0 + math.log(self.size / (end - start))

    def knows(self, word: str) -> bool:
        """Is `word` a register word, or found by `similar`? Short and minor words count as known."""
        return len(word) < 3 or word in _MINOR_TOKENS or word in self.vocabulary or bool(self.similar(word))

    def resembled(self, words: set[str]) -> set[str]:
        """Those of `words` that are like some register word (fuzz.ratio >= RESEMBLANCE), if further
        from it than `similar` reaches: a company word typed beyond recognition, perhaps."""
        if not words or not self.vocabulary:
            return set()
        queries = sorted(words)
        scores = process.cdist(
            queries,
            sorted(self.vocabulary),
            scorer=fuzz.ratio,
            dtype=np.uint8,
            workers=-1,
            score_cutoff=RESEMBLANCE,
        )
        alike = np.flatnonzero(scores.any(axis=1))
        return {queries[i] for i in alike.tolist()}

    def one_typo(self, word: str) -> set[str]:
        """Register words one letter more, less, other or swapped away from `word`."""
        if len(word) < TYPO_LENGTH:
            return set()
        shorter = [word[:i] + word[i + 1 :] for i in range(len(word))]
        return {
            other
            for other in (
                *self.shortened.get(word, ()),
                *shorter,
                *(o for d in shorter for o in self.shortened.get(d, ())),
            )
            if other in self.spans and other != word
        }

    def similar(self, word: str) -> dict[str, float]:
        """The register words a sponsor's word may stand for, each with the weight it brings.

        The word itself; words one typo away; for a word the register does not know, also those one
        typo from these (so "Hofmnn" finds "Hoffmann" beside "Hofmann"); its two halves when both are
        register words, one of them perhaps with a typo ("LütkeWöstman"); the word without a legal
        form glued to it ("FriedrichGbR").
        A word weighs more the rarer it is in the register, and less the further it is from `word`.
        """
        found = self._similar.get(word)
        if found is not None:
            return found
        found = dict.fromkeys(self.one_typo(word), NEAR_WEIGHT)
        if word not in self.spans:
            for other in list(found):
                for further in self.one_typo(other):
                    found.setdefault(further, NEAR_WEIGHT * NEAR_WEIGHT)
            for i in range(2, len(word) - 1):
                head, tail = word[:i], word[i:]
                if head in self.spans or tail in self.spans:  # the other half may carry a typo
                    heads = [head] if head in self.spans else self.one_typo(head)
                    tails = [tail] if tail in self.spans else self.one_typo(tail)
                    if heads and tails:
                        for half in (*heads, *tails):
                            found.setdefault(half, NEAR_WEIGHT)
            for suffix in _GLUED_SUFFIXES:
                if word.endswith(suffix) and len(word) - len(suffix) >= TYPO_LENGTH:
                    rest = word[: -len(suffix)]
                    for other in (rest, *self.one_typo(rest)):
                        if other in self.spans:
                            found.setdefault(other, NEAR_WEIGHT)
        else:
            found[word] = 1.0
        for other, share in found.items():
            found[other] = share * self.weight(other)
        self._similar[word] = found
        return found


def _blocked(rows: list[int], s: _Names, c: _Names, register: _Words) -> list[np.ndarray]:
    """Per sponsor row, up to BLOCK register positions that share its words, the most telling first.

    A sponsor's word counts with the register words it may stand for (`_Words.similar`); two
    neighbouring words count as the one register word they may be ("Immob.-Verwaltung"). Minor
    words and words in more than FREQUENT_SHARE of the register do not count. Shared words weigh more
    the rarer they are; between equal weights, the name whose length is closer comes first.
    """
    n = len(c.keys)
    # Equal weights are told apart by the length of the name: a millionth per letter of difference
    # (different words differ by far more).
    lengths = np.fromiter(map(len, c.keys), dtype=np.float64, count=n) * 1e-6
    totals = np.zeros(n, dtype=np.float64)  # per company, the weight it shares with the current row
    marks = np.zeros(n, dtype=np.int64)
    similar, positions, spans = register.similar, register.positions, register.spans
    empty = np.zeros(0, dtype=np.int64)
    out = []
    for row in rows:
        words = s.words[row].split()
        weights: dict[str, float] = {}
        for word in words:
            for other, weight in similar(word).items():
                if weight > weights.get(other, 0.0):
                    weights[other] = weight
        for first, second in itertools.pairwise(words):
            if first + second in spans:  # split in two on the list, one word in the register
                weights[first + second] = register.weight(first + second)
        if not weights:
            out.append(empty)
            continue
        length = len(s.keys[row]) * 1e-6
        if len(weights) == 1:
            found = positions(next(iter(weights)))
            if len(found) > BLOCK:
                found = found[np.argpartition(np.abs(lengths[found] - length), BLOCK)[:BLOCK]]
            out.append(found)
            continue
        arrays = []
        for other, weight in weights.items():
            where = positions(other)
            totals[where] += weight  # a name with the word twice counts it once
            arrays.append(where)
        touched = np.concatenate(arrays)
        # each position once, without sorting: the last write to a position marks its one occurrence
        sequence = np.arange(len(touched))
        marks[touched] = sequence
        found = touched[marks[touched] == sequence]
        if len(found) > BLOCK:
            # the same words in the same order give the same sum: equal weights are equal floats
            telling = totals[found] - np.abs(lengths[found] - length)
            found = found[np.argpartition(-telling, BLOCK)[:BLOCK]]
        totals[touched] = 0.0
        out.append(found)
    return out


def _break_tie(
    name: object, form: str, positions: list[int], c_names: list[object], c_forms: list[str]
) -> tuple[int, bool]:
    """Which of several companies with the sponsor's key is meant, and whether that is clear.

    The name written exactly as in the register (case and spaces aside) decides; failing that the
    written legal form narrows the choice, then register order picks. Only the first is clear: "Müller
    Bau" may be the GmbH or the KG, and a person has to look.
    """
    if len(positions) == 1:
        return positions[0], True
    literal = _literal(name)
    same = [p for p in positions if _literal(c_names[p]) == literal]
    if len(same) == 1:
        return same[0], True
    pool = same or positions
    if form:
        pool = [p for p in pool if c_forms[p] == form] or pool
    return pool[0], False


def _literal(name: object) -> str:
    """A name as written, apart from case and spacing."""
    if name is None or (isinstance(name, float) and np.isnan(name)):
        return ""
    return " ".join(str(name).split()).casefold()


def _cities(values: list[object]) -> list[str]:
    """Normalised towns; a register column repeats a handful of them, so each is read once."""
    seen: dict[object, str] = {}
    out = []
    for value in values:
        city = seen.get(value)
        if city is None:
            city = seen[value] = normalize_city(value)
        out.append(city)
    return out


def _same_city(sponsor_city: str, company_city: str) -> bool:
    """An empty city says nothing; otherwise the normalised names must agree."""
    return not sponsor_city or not company_city or sponsor_city == company_city


def non_sponsors(companies: pd.DataFrame, matched: pd.DataFrame) -> pd.DataFrame:
    """Companies of the register that no (accepted) sponsor row points to."""
    taken = set(matched.loc[matched["company_index"].notna(), "company_index"].tolist())
    return companies.loc[[label not in taken for label in companies.index]]
