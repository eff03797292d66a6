"""Matching a hand-typed sponsor list against the company register, exactly and without a model.

Names are normalised (legal forms, umlauts and their transliterations, punctuation, "&"/"und", case,
word order). Exact normalised names match first; the rest are compared with rapidfuzz: a fast
`cdist` pass over all companies (C++, all cores, in chunks) picks a few candidates per sponsor, which
are then scored properly. The city tells look-alikes apart: a sponsor from another town is never
matched to a company in the register of this one.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from workbench.privacy.data import FIRST_NAMES

SURE, UNSURE, NONE = "sicher", "unsicher", "kein Treffer"
SURE_SCORE = 90.0
UNSURE_SCORE = 75.0
CANDIDATES = 5
CHUNK = 512

_LEGAL_FORMS = [
    r"(?:gesellschaft|ges\.?)\s*m\.?\s?b\.?\s?h\.?",
    r"gesellschaft\s+buergerlichen\s+rechts",
    r"gesellschaft\s+mit\s+beschraenkter\s+haftung",
    r"eingetragene\s+genossenschaft",
    r"eingetragener\s+kaufmann",
    r"eingetragene\s+kauffrau",
    r"(?:g\.?\s?m\.?\s?b\.?\s?h\.?|ag|se|ug)?\s*(?:und|&|\+)?\s*co\.?\s*kg(?:aa)?",
    r"g\.?\s?m\.?\s?b\.?\s?h\.?",
    r"mbh",
    r"ug\s*\(?\s*(?:haftungsbeschr\w*\.?|h\.?\s?b\.?)?\s*\)?",
    r"ug",
    r"e\.?\s?k(?:fm|fr)?\.?",
    r"e\.?\s?g\.?",
    r"ag",
    r"kgaa",
    r"kg",
    r"ohg",
    r"g\.?\s?b\.?\s?r\.?",
    r"mbb",
    r"se",
    r"inh\.?",
    r"dr\.?",
]
_LEGAL_RE = re.compile(r"(?<![a-z0-9])(?:" + "|".join(_LEGAL_FORMS) + r")(?![a-z0-9])")
_TRANSLITERATION = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "&": " und ", "+": " und ", "/": " und "}
)
_SHORT_AND = re.compile(r"(?<![a-z0-9])u\.(?=\s)")
_GLUED_FORM = re.compile(r"(?<=[a-z]{3})(?=(?:gmbh|ohg)(?![a-z]))")  # "GütherGmbH" -> "Güther GmbH"
_FORM_KINDS = [
    ("gmbh_co_kg", re.compile(r"co\.?\s*kg")),
    ("gmbh", re.compile(r"(?<![a-z])(?:g\.?\s?m\.?\s?b\.?\s?h|mbh)")),
    ("ek", re.compile(r"(?<![a-z])e\.?\s?k(?:fm|fr)?\.?(?![a-z])")),
    ("ug", re.compile(r"(?<![a-z])ug(?![a-z])")),
    ("ag", re.compile(r"(?<![a-z])ag(?![a-z])")),
    ("ohg", re.compile(r"(?<![a-z])ohg(?![a-z])")),
    ("kg", re.compile(r"(?<![a-z])kg(?![a-z])")),
    ("gbr", re.compile(r"(?<![a-z])(?:g\.?\s?b\.?\s?r|gesellschaft buergerlichen rechts)")),
    ("eg", re.compile(r"(?<![a-z])e\.?\s?g\.?(?![a-z])")),
]
_NON_WORD = re.compile(r"[^a-z0-9]+")
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


def normalize(name: object) -> str:
    """Comparable form of a company name: "Müller & Söhne Bau G.m.b.H." -> "bau mueller soehne und"."""
    return " ".join(sorted(_tokens(name)))


def legal_form(name: object) -> str:
    """The kind of legal form a name carries ("gmbh", "ek", …), or "" when none is written."""
    if name is None or (isinstance(name, float) and np.isnan(name)):
        return ""
    text = _GLUED_FORM.sub(" ", str(name).lower().translate(_TRANSLITERATION))
    return next((kind for kind, pattern in _FORM_KINDS if pattern.search(text)), "")


def _plain(name: object) -> str:
    """The tokens in their order without spaces: catches "MarienApotheke" for "Marien-Apotheke"."""
    return "".join(_tokens(name))


def _tokens(name: object) -> list[str]:
    if name is None or (isinstance(name, float) and np.isnan(name)):
        return []
    text = _SHORT_AND.sub(" und ", _GLUED_FORM.sub(" ", str(name).lower().translate(_TRANSLITERATION)))
    # other accents (é, ç, ş): drop the mark, keep the letter
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    for pattern, replacement in _PHRASES:
        text = pattern.sub(replacement, text)
    text = _LEGAL_RE.sub(" ", text)
    return [_ABBREVIATIONS.get(t, t) for t in _NON_WORD.split(text) if t and t not in _FILLER]


def normalize_city(city: object) -> str:
    if city is None or (isinstance(city, float) and np.isnan(city)):
        return ""
    return " ".join(_NON_WORD.split(str(city).lower().translate(_TRANSLITERATION))).strip()


_FIRST_NAMES = frozenset(name.translate(_TRANSLITERATION) for name in FIRST_NAMES)
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


def _person_name(plain_tokens: list[str]) -> bool:
    """ "Sabine Weiß" on a sponsor list is a private person, not "Bäckerei Sabine Weiß"."""
    return len(plain_tokens) == 2 and plain_tokens[0] in _FIRST_NAMES


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
    s_keys = [normalize(v) for v in sponsors[sponsor_name].tolist()]
    c_keys = [normalize(v) for v in companies[company_name].tolist()]
    s_plain = [_plain(v) for v in sponsors[sponsor_name].tolist()]
    c_plain = [_plain(v) for v in companies[company_name].tolist()]
    s_forms = [legal_form(v) for v in sponsors[sponsor_name].tolist()]
    c_forms = [legal_form(v) for v in companies[company_name].tolist()]
    s_person = [_person_name(_tokens(v)) for v in sponsors[sponsor_name].tolist()]

    def rank(row: int, position: int) -> float:
        score = _score(s_keys[row], c_keys[position], s_plain[row], c_plain[position])
        if s_person[row] and len(c_keys[position].split()) > 2:
            score = min(score, UNSURE_SCORE - 5)  # a private person, not the business carrying the name
        if s_forms[row] and c_forms[position] and score < 100:
            score += 2 if s_forms[row] == c_forms[position] else -2  # the written legal form breaks ties
        return min(score, 100.0)

    c_labels = list(companies.index)
    s_cities = (
        [normalize_city(v) for v in sponsors[sponsor_city].tolist()] if sponsor_city else [""] * len(s_keys)
    )
    c_cities = (
        [normalize_city(v) for v in companies[company_city].tolist()] if company_city else [""] * len(c_keys)
    )

    exact: dict[str, list[int]] = {}
    for position, key in enumerate(c_keys):
        if key:
            exact.setdefault(key, []).append(position)

    best_pos = np.full(len(s_keys), -1, dtype=np.int64)
    best_score = np.zeros(len(s_keys), dtype=np.float64)
    second_score = np.zeros(len(s_keys), dtype=np.float64)
    fuzzy_rows = []
    for row, key in enumerate(s_keys):
        hits = exact.get(key)
        if not key:
            continue
        if hits:
            same_city = [h for h in hits if _same_city(s_cities[row], c_cities[h])]
            chosen = same_city or hits
            best_pos[row], best_score[row] = chosen[0], 100.0
            second_score[row] = 100.0 if len(chosen) > 1 else 0.0
        else:
            fuzzy_rows.append(row)

    if fuzzy_rows and c_keys:
        # Candidates from two views: sorted words (word order) and words run together (joined/split words).
        for start in range(0, len(fuzzy_rows), CHUNK):
            chunk_rows = fuzzy_rows[start : start + CHUNK]
            candidates: list[set[int]] = [set() for _ in chunk_rows]
            for queries, choices in ((s_keys, c_keys), (s_plain, c_plain)):
                scores = process.cdist(
                    [queries[r] for r in chunk_rows],
                    choices,
                    scorer=fuzz.ratio,
                    dtype=np.uint8,
                    workers=-1,
                    score_cutoff=50,
                )
                k = min(CANDIDATES, scores.shape[1])
                top = np.argpartition(scores, -k, axis=1)[:, -k:]
                for offset in range(len(chunk_rows)):
                    candidates[offset].update(int(p) for p in top[offset])
            for offset, row in enumerate(chunk_rows):
                ranked = sorted(
                    (
                        (_score(s_keys[row], c_keys[p], s_plain[row], c_plain[p]), p)
                        for p in candidates[offset]
                    ),
                    reverse=True,
                )
                if ranked:
                    best_score[row], best_pos[row] = ranked[0]
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


def _same_city(sponsor_city: str, company_city: str) -> bool:
    """An empty city says nothing; otherwise the normalised names must agree."""
    return not sponsor_city or not company_city or sponsor_city == company_city


def non_sponsors(companies: pd.DataFrame, matched: pd.DataFrame) -> pd.DataFrame:
    """Companies of the register that no (accepted) sponsor row points to."""
    taken = set(matched.loc[matched["company_index"].notna(), "company_index"].tolist())
    return companies.loc[[label not in taken for label in companies.index]]
