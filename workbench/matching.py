"""Matching a hand-typed sponsor list against the company register, exactly and without a model.

Each name is read once: normalised (legal forms, umlauts and their transliterations, punctuation,
"&"/"und", case, word order) into a key, plus its words in written order and the kind of legal form
written. Equal keys match first; where several companies share the key, the literally written name
decides, else the written legal form and register order propose one for review. The rest are compared
with rapidfuzz: the companies sharing a sponsor's words, or words one typo away, are scored pairwise
(`cpdist`); a sponsor left without a good candidate is compared with every company (`cdist`, C++, all
cores, in chunks). The few best candidates are then scored properly. The city tells look-alikes apart:
a sponsor from another town is never matched to a company in the register of this one.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import unicodedata
from typing import NamedTuple

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

SURE, UNSURE, NONE = "sicher", "unsicher", "kein Treffer"
SURE_SCORE = 90.0
UNSURE_SCORE = 75.0
CANDIDATES = 5
CHUNK = 512
BLOCK = 40
FREQUENT_SHARE = 0.05
FREQUENT_MIN = 50
TYPO_LENGTH = 4
NEAR_WEIGHT = 0.8

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
    ("gmbh", re.compile(r"(?<![a-z])(?:g\.?\s?)?m\.?\s?b\.?\s?h")),  # also "Ges.m.b.H.",
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
    score = max(
        fuzz.ratio(a, b),
        fuzz.ratio(a.replace(" ", ""), b.replace(" ", "")),
        fuzz.ratio(a_plain, b_plain) if a_plain and b_plain else 0.0,
        0.95 * fuzz.token_set_ratio(a, b),
    )
    a_tokens, b_tokens = a.split(), b.split()
    joined_alike = a_plain and b_plain and fuzz.ratio(a_plain, b_plain) >= 90
    if score < 100 and not joined_alike and _unmatched(a_tokens, b_tokens) and _unmatched(b_tokens, a_tokens):
        score = min(score, UNSURE_SCORE - 5)
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
    s_names = sponsors[sponsor_name].tolist()
    c_names = companies[company_name].tolist()
    s, c = _read_all(s_names), _read_all(c_names)
    c_labels = list(companies.index)
    s_cities = _cities(sponsors[sponsor_city].tolist()) if sponsor_city else [""] * len(s_names)
    c_cities = _cities(companies[company_city].tolist()) if company_city else [""] * len(c_names)

    exact: dict[str, list[int]] = {}
    for position, key in enumerate(c.keys):
        if key:
            exact.setdefault(key, []).append(position)

    best_pos = np.full(len(s_names), -1, dtype=np.int64)
    best_score = np.zeros(len(s_names), dtype=np.float64)
    second_score = np.zeros(len(s_names), dtype=np.float64)
    fuzzy_rows = []
    for row, key in enumerate(s.keys):
        if not key:
            continue
        hits = exact.get(key)
        if not hits:
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
        towns = set(c_cities)
        # Where no company of the register is in the sponsor's town, none can be matched to it.
        local = [row for row in fuzzy_rows if not s_cities[row] or "" in towns or s_cities[row] in towns]
        for row, ranked in _fuzzy(fuzzy_rows, s, c, set(local)).items():
            if ranked:
                best_score[row], best_pos[row] = ranked[0][0], ranked[0][-1]
                second_score[row] = ranked[1][0] if len(ranked) > 1 else 0.0

    records = []
    for row, label in enumerate(sponsors.index):
        position = int(best_pos[row])
        score = float(best_score[row])
        status = NONE
        if position >= 0 and not _same_city(s_cities[row], c_cities[position]):
            position, score = -1, score  # a look-alike from another town is not our company
            status = NONE
        elif position >= 0 and score >= SURE_SCORE and best_score[row] - second_score[row] >= 3:
            status = SURE
        elif position >= 0 and score >= UNSURE_SCORE:
            status = UNSURE
        else:
            position = -1
        records.append(
            {
                "sponsor_index": label,
                "company_index": c_labels[position] if position >= 0 else pd.NA,
                "score": round(score, 1),
                "status": status,
            }
        )
    return pd.DataFrame.from_records(records, columns=["sponsor_index", "company_index", "score", "status"])


def _fuzzy(
    rows: list[int], s: _Names, c: _Names, local: set[int]
) -> dict[int, list[tuple[float, bool, int]]]:
    """Per sponsor row without an exact key, its candidates best first: (score, same legal form, position).

    The companies sharing a sponsor's words (`_blocked`) are compared pairwise in two views: sorted
    words (word order) and words run together (joined or split words). A sponsor of the town left
    without a candidate worth showing is compared with every company (`cdist`). The few best of each
    comparison are scored with `_score`.
    """
    views = ((s.keys, c.keys), (s.plain, c.plain))
    candidates: dict[int, set[int]] = {row: set() for row in rows}
    blocked = _blocked(rows, s, c)
    counts = np.fromiter((len(b) for b in blocked), dtype=np.int64, count=len(rows))
    if counts.sum():
        pair_rows = np.repeat(np.asarray(rows, dtype=np.int64), counts)
        pair_pos = np.concatenate(blocked)
        rank_in_row = np.arange(len(pair_pos)) - np.repeat(np.cumsum(counts) - counts, counts)
        for queries, choices in views:
            scores = process.cpdist(
                np.asarray(queries, dtype=object)[pair_rows],
                np.asarray(choices, dtype=object)[pair_pos],
                scorer=fuzz.ratio,
                dtype=np.uint8,
                workers=-1,
            )
            order = np.lexsort((-scores.astype(np.int16), pair_rows))  # by row, best first
            best = order[rank_in_row < CANDIDATES]
            for row, position in zip(pair_rows[best].tolist(), pair_pos[best].tolist(), strict=True):
                candidates[row].add(position)

    def rank(row: int) -> list[tuple[float, bool, int]]:
        key, plain, form = s.keys[row], s.plain[row], s.forms[row]
        ranked = [
            (_score(key, c.keys[p], plain, c.plain[p]), bool(form) and form == c.forms[p], -p)
            for p in candidates[row]
        ]
        ranked.sort(reverse=True)
        return [(score, same, -p) for score, same, p in ranked]

    result = {row: rank(row) for row in rows}
    # Words typed beyond recognition share nothing with the register: the full comparison, in the
    # view that also sees words run together, finds such a company.
    rest = [row for row in rows if row in local and (not result[row] or result[row][0][0] < UNSURE_SCORE)]
    for start in range(0, len(rest), CHUNK):
        chunk = rest[start : start + CHUNK]
        scores = process.cdist(
            [s.plain[r] for r in chunk],
            c.plain,
            scorer=fuzz.ratio,
            dtype=np.uint8,
            workers=-1,
            score_cutoff=50,
        )
        k = min(CANDIDATES, scores.shape[1])
        top = np.argpartition(scores, -k, axis=1)[:, -k:]
        for offset, row in enumerate(chunk):
            candidates[row].update(top[offset].tolist())
            result[row] = rank(row)
    return result


class _Words:
    """The register's words for the candidate search: where each is, and which are one typo apart."""

    def __init__(self, keys: list[str]) -> None:
        postings: dict[str, list[int]] = {}
        for position, key in enumerate(keys):
            for word in key.split():
                bucket = postings.setdefault(word, [])
                if not bucket or bucket[-1] != position:
                    bucket.append(position)
        self.size = len(keys)
        limit = max(FREQUENT_MIN, FREQUENT_SHARE * self.size)
        self.postings = {
            w: b for w, b in postings.items() if len(b) <= limit and len(w) > 1 and w not in _MINOR_TOKENS
        }
        self.shortened: dict[str, list[str]] = {}  # a word with one letter taken out -> the words
        for word in self.postings:
            if len(word) >= TYPO_LENGTH:
                for i in range(len(word)):
                    self.shortened.setdefault(word[:i] + word[i + 1 :], []).append(word)
        self._similar: dict[str, dict[str, float]] = {}
        self._positions: dict[str, tuple[np.ndarray, float]] = {}

    def positions(self, word: str) -> tuple[np.ndarray, float]:
        """Where a register word is, and its weight: the rarer, the heavier."""
        found = self._positions.get(word)
        if found is None:
            bucket = self.postings[word]
            found = self._positions[word] = (
                np.asarray(bucket, dtype=np.int64),
                1.0 + math.log(self.size / len(bucket)),
            )
        return found

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
            if other in self.postings and other != word
        }

    def similar(self, word: str) -> dict[str, float]:
        """The register words a sponsor's word may stand for, each with the share of its weight it brings.

        The word itself; words one typo away; for a word the register does not know, also those one
        typo from these (so "Hofmnn" finds "Hoffmann" beside "Hofmann"); its two halves when both are
        register words ("LütkeWöstmann"); the word without a legal form glued to it ("FriedrichGbR").
        """
        found = self._similar.get(word)
        if found is not None:
            return found
        found = dict.fromkeys(self.one_typo(word), NEAR_WEIGHT)
        if word not in self.postings:
            for other in list(found):
                for further in self.one_typo(other):
                    found.setdefault(further, NEAR_WEIGHT * NEAR_WEIGHT)
            for i in range(2, len(word) - 1):
                if word[:i] in self.postings and word[i:] in self.postings:
                    found.setdefault(word[:i], NEAR_WEIGHT)
                    found.setdefault(word[i:], NEAR_WEIGHT)
            for suffix in _GLUED_SUFFIXES:
                if word.endswith(suffix) and len(word) - len(suffix) >= TYPO_LENGTH:
                    rest = word[: -len(suffix)]
                    for other in (rest, *self.one_typo(rest)):
                        if other in self.postings:
                            found.setdefault(other, NEAR_WEIGHT)
        else:
            found[word] = 1.0
        self._similar[word] = found
        return found


def _blocked(rows: list[int], s: _Names, c: _Names) -> list[np.ndarray]:
    """Per sponsor row, up to BLOCK register positions that share its words, the most telling first.

    A sponsor's word counts with the register words it may stand for (`_Words.similar`); two
    neighbouring words count as one as well ("Immob.-Verwaltung" for "Immobilienverwaltung"). Minor
    words and words in more than FREQUENT_SHARE of the register do not count. Shared words weigh more
    the rarer they are; between equal weights, the name whose length is closer comes first.
    """
    register = _Words(c.keys)
    lengths = np.fromiter(map(len, c.keys), dtype=np.int64, count=len(c.keys))
    empty = np.zeros(0, dtype=np.int64)
    out = []
    for row in rows:
        words = s.words[row].split()
        weights: dict[str, float] = {}
        for word in (*words, *(a + b for a, b in itertools.pairwise(words))):
            for other, share in register.similar(word).items():
                weights[other] = max(weights.get(other, 0.0), share * register.positions(other)[1])
        if not weights:
            out.append(empty)
            continue
        arrays = [register.positions(w)[0] for w in weights]
        found, inverse = np.unique(np.concatenate(arrays), return_inverse=True)
        if len(found) > BLOCK:
            totals = np.bincount(inverse, weights=np.repeat(list(weights.values()), [len(a) for a in arrays]))
            gap = np.abs(lengths[found] - len(s.keys[row]))
            found = found[np.lexsort((gap, -totals))[:BLOCK]]
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
