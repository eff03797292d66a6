"""Precision and recall of the sponsor matcher against a labelled truth table.

A sponsor counts as matched when the matcher proposes a company (status "sicher" or "unsicher", the
latter shown for review). Precision: proposed companies that are right. Recall: sponsors with a
company in the register whose company was proposed.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sample_data.sponsors import COMPANY_FILE, SPONSOR_FILE, TRUTH_FILE
from workbench.matching import SURE, UNSURE, match_sponsors
from workbench.tables import load_table

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"


def app_sample() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The Musterstadt files the sponsor page offers as sample data, read the way the page reads them,
    and their truth table: companies, sponsors, truth."""
    companies = load_table(COMPANY_FILE, (SAMPLE_DIR / COMPANY_FILE).read_bytes()).frame
    sponsors = load_table(SPONSOR_FILE, (SAMPLE_DIR / SPONSOR_FILE).read_bytes()).frame
    truth = pd.read_csv(SAMPLE_DIR / TRUTH_FILE, sep=";", dtype={"company_index": "Int64"})
    return companies, sponsors, truth


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def match_generated(sponsors: pd.DataFrame, companies: pd.DataFrame) -> pd.DataFrame:
    """Match data from `sample_data.sponsors.generate` by its column names, name and town."""
    return match_sponsors(
        sponsors,
        companies,
        sponsor_name="Sponsor",
        company_name="Firmenname",
        sponsor_city="Ort",
        company_city="Ort",
    )


def _expected(truth: pd.DataFrame) -> dict:
    return dict(zip(truth["sponsor_index"], truth["company_index"], strict=True))


def _same(expected: object, got: object) -> bool:
    return not pd.isna(expected) and not pd.isna(got) and expected == got


def score(result: pd.DataFrame, truth: pd.DataFrame) -> tuple[float, float]:
    expected = _expected(truth)
    proposed = result[result["status"].isin([SURE, UNSURE])]
    pairs = zip(proposed["sponsor_index"], proposed["company_index"], strict=True)
    right = sum(1 for sponsor, company in pairs if _same(expected.get(sponsor), company))
    in_register = sum(1 for company in expected.values() if not pd.isna(company))
    precision = right / len(proposed) if len(proposed) else 1.0
    recall = right / in_register if in_register else 1.0
    return precision, recall


def accept_all(result: pd.DataFrame) -> pd.DataFrame:
    """The result after every uncertain match was accepted without looking."""
    return result.assign(status=result["status"].replace(UNSURE, SURE))


def review_by_truth(result: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """The result after a person decided every uncertain match as the truth table says: a proposal of
    the right company is accepted, any other rejected (no company)."""
    expected = _expected(truth)
    decided = result.copy()
    for position, row in result[result["status"] == UNSURE].iterrows():
        if _same(expected.get(row["sponsor_index"]), row["company_index"]):
            decided.at[position, "status"] = SURE
        else:
            decided.at[position, "status"], decided.at[position, "company_index"] = "verworfen", pd.NA
    return decided


def sure_only(result: pd.DataFrame) -> pd.DataFrame:
    """The matches taken without review: uncertain ones count as not found."""
    return result[result["status"] == SURE]


def mistakes(
    result: pd.DataFrame, truth: pd.DataFrame, sponsors: pd.DataFrame, companies: pd.DataFrame
) -> list[str]:
    expected = _expected(truth)
    lines = []
    for _, row in result.iterrows():
        want = expected.get(row["sponsor_index"])
        got = row["company_index"] if row["status"] in (SURE, UNSURE) else pd.NA
        if not _same(want, got) and not (pd.isna(want) and pd.isna(got)):
            typed = sponsors.at[row["sponsor_index"], "Sponsor"]
            lines.append(
                f"{typed!r}: erwartet {None if pd.isna(want) else companies.at[want, 'Firmenname']!r}, "
                f"erhalten {None if pd.isna(got) else companies.at[got, 'Firmenname']!r} ({row['status']}, {row['score']})"
            )
    return lines
