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

SURE, UNSURE, NONE = "sicher", "unsicher", "kein Treffer"
SURE_SCORE = 90.0
UNSURE_SCORE = 75.0
CANDIDATES = 5
CHUNK = 512

_LEGAL_FORMS = [
    r"(?:g\.?\s?m\.?\s?b\.?\s?h\.?|ag|se|ug)?\s*(?:und|&|\+)?\s*co\.?\s*kg(?:aa)?",
    r"g\.?\s?m\.?\s?b\.?\s?h\.?",
    r"mbh",
    r"ug\s*\(?\s*haftungsbeschraenkt\s*\)?",
    r"ug",
    r"e\.?\s?k(?:fm|fr)?\.?",
    r"e\.?\s?v\.?",
    r"e\.?\s?g\.?",
    r"ag",
    r"kgaa",
    r"kg",
    r"ohg",
    r"gbr",
    r"mbb",
    r"se",
    r"inh\.?",
    r"dr\.?",
]
_LEGAL_RE = re.compile(r"(?<![a-z0-9])(?:" + "|".join(_LEGAL_FORMS) + r")(?![a-z0-9])")
_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "&": " und ", "+": " und "})
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalize(name: object) -> str:
    """Comparable form of a company name: "Müller & Söhne Bau G.m.b.H." -> "bau mueller soehne und"."""
    if name is None or (isinstance(name, float) and np.isnan(name)):
        return ""
    text = str(name).lower().translate(_TRANSLITERATION)
    # other accents (é, ç, ş): drop the mark, keep the letter
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = _LEGAL_RE.sub(" ", text)
    tokens = [t for t in _NON_WORD.split(text) if t]
    return " ".join(sorted(tokens))


def normalize_city(city: object) -> str:
    if city is None or (isinstance(city, float) and np.isnan(city)):
        return ""
    return " ".join(_NON_WORD.split(str(city).lower().translate(_TRANSLITERATION))).strip()


def _score(a: str, b: str) -> float:
    """Typos and word order (ratio on sorted tokens) or a missing word (token set), whichever fits."""
    return max(fuzz.ratio(a, b), 0.95 * fuzz.token_set_ratio(a, b))


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
        queries = [s_keys[r] for r in fuzzy_rows]
        for start in range(0, len(queries), CHUNK):
            chunk_rows = fuzzy_rows[start : start + CHUNK]
            scores = process.cdist(
                queries[start : start + CHUNK],
                c_keys,
                scorer=fuzz.ratio,
                dtype=np.uint8,
                workers=-1,
                score_cutoff=50,
            )
            k = min(CANDIDATES, scores.shape[1])
            top = np.argpartition(scores, -k, axis=1)[:, -k:]
            for offset, row in enumerate(chunk_rows):
                ranked = sorted(((_score(s_keys[row], c_keys[p]), p) for p in top[offset]), reverse=True)
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
