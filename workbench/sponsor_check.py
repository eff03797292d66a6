"""The sponsor exercise around the exact match: asking a model the same question, and checking its answer.

The guideline's data use case asks an LLM to compare two tables. `model_prompt` builds that request
(tables cut to a context budget, and it says so); `check_model_answer` compares the companies the
model named with the computed result: correctly named, missed, and invented or wrong. The lesson for
workshops: data tasks belong to exact tools, and the check is the human's.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass, field

import pandas as pd

from workbench.matching import NONE, match_sponsors
from workbench.structured import StructuredFormatError, extract_json

DEFAULT_BUDGET_CHARS = 24_000

ANSWER_SCHEMA = {
    "type": "object",
    "properties": {"unternehmen": {"type": "array", "items": {"type": "string"}}},
    "required": ["unternehmen"],
}


@dataclass(frozen=True)
class ModelPrompt:
    text: str
    companies_sent: list[Hashable]  # index labels of the register rows that fit into the request
    sponsors_sent: int
    truncated: bool
    total_companies: int


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    return [";".join(str(v).replace(";", ",") for v in row) for row in frame[columns].itertuples(index=False)]


def model_prompt(
    sponsors: pd.DataFrame,
    companies: pd.DataFrame,
    *,
    sponsor_columns: list[str],
    company_columns: list[str],
    budget_chars: int = DEFAULT_BUDGET_CHARS,
) -> ModelPrompt:
    """The guideline's request with both tables as CSV text, cut to what fits the budget."""
    sponsor_lines = _rows(sponsors, sponsor_columns)
    company_lines = _rows(companies, company_columns)
    sponsor_block = ";".join(sponsor_columns) + "\n" + "\n".join(sponsor_lines)
    remaining = max(0, budget_chars - len(sponsor_block))
    kept, used = [], len(";".join(company_columns)) + 1
    for label, line in zip(companies.index, company_lines, strict=True):
        if used + len(line) + 1 > remaining:
            break
        kept.append((label, line))
        used += len(line) + 1
    company_block = ";".join(company_columns) + "\n" + "\n".join(line for _, line in kept)
    truncated = len(kept) < len(companies)
    note = (
        f"\n(Hinweis: Die Tabelle „Unternehmen“ ist auf die ersten {len(kept)} von {len(companies)} Zeilen gekürzt.)"
        if truncated
        else ""
    )
    text = (
        "Ich plane ein Stadtfest, das von verschiedenen Sponsoren unterstützt wird. Unten stehen die Sponsorenliste "
        "des letzten Jahres (Tabelle „Sponsoren“) und eine Liste der Unternehmen im Stadtgebiet (Tabelle "
        "„Unternehmen“). Bitte gleichen Sie die Sponsorenliste mit der Unternehmensliste ab und arbeiten Sie heraus, "
        "welche Unternehmen das Stadtfest bislang noch nicht unterstützt haben.\n\n"
        f"Tabelle „Sponsoren“:\n{sponsor_block}\n\nTabelle „Unternehmen“:\n{company_block}{note}\n\n"
        'Antworten Sie ausschließlich mit JSON: {"unternehmen": ["Firmenname", …]} – jedes Unternehmen, das noch '
        "nicht unterstützt hat, genau einmal und so geschrieben wie in der Tabelle „Unternehmen“."
    )
    return ModelPrompt(text, [label for label, _ in kept], len(sponsor_lines), truncated, len(companies))


def names_in_answer(text: str) -> list[str]:
    """Company names from the model's answer: the JSON list, else one name per list line."""
    try:
        data = extract_json(text)
        names = data.get("unternehmen") if isinstance(data, dict) else None
        if isinstance(names, list):
            return [str(n).strip() for n in names if str(n).strip()]
    except StructuredFormatError:
        pass
    lines = [re.sub(r"^\s*(?:[-*•]|\d+[.)])\s*", "", line).strip() for line in text.splitlines()]
    return [line for line in lines if line and not line.endswith(":")]


@dataclass
class ModelCheck:
    correct: list[str] = field(default_factory=list)  # non-sponsors the model named
    missed: list[str] = field(default_factory=list)  # non-sponsors the model did not name
    invented: list[str] = field(default_factory=list)  # names that are not in the register at all
    wrong: list[str] = field(default_factory=list)  # register companies that did sponsor

    @property
    def counts(self) -> dict[str, int]:
        return {
            "richtig genannt": len(self.correct),
            "übersehen": len(self.missed),
            "erfunden": len(self.invented),
            "falsch (hat gesponsert)": len(self.wrong),
        }


def check_model_answer(
    answer_names: list[str],
    companies: pd.DataFrame,
    *,
    company_name: str,
    sponsor_labels: set[Hashable],
    considered: list[Hashable],
) -> ModelCheck:
    """Compare the model's list with the computed result, over the companies the model was shown."""
    check = ModelCheck()
    named: set[Hashable] = set()
    if answer_names:
        answers = pd.DataFrame({"name": answer_names})
        found = match_sponsors(answers, companies, sponsor_name="name", company_name=company_name)
        for name, (_, row) in zip(answer_names, found.iterrows(), strict=True):
            label = row["company_index"]
            if row["status"] == NONE or pd.isna(label):
                check.invented.append(name)
            elif label in sponsor_labels:
                check.wrong.append(name)
            elif label not in named:
                named.add(label)
                check.correct.append(str(companies.at[label, company_name]))
    considered_set = set(considered)
    check.missed = [
        str(companies.at[label, company_name])
        for label in companies.index
        if label in considered_set and label not in sponsor_labels and label not in named
    ]
    return check


def outreach_prompt(
    company: pd.Series, *, name_column: str, details: list[str], festival: str, sender: str
) -> str:
    facts = ", ".join(f"{c}: {company[c]}" for c in details if c in company and str(company[c]).strip())
    return (
        f"Entwerfen Sie ein kurzes, freundliches Anschreiben (höchstens 180 Wörter, Sie-Form) an das Unternehmen "
        f"„{company[name_column]}“ ({facts}). Anlass: {festival}. Absender: {sender}. Bitten Sie um Unterstützung als "
        "Sponsor, nennen Sie zwei konkrete Möglichkeiten (z. B. Stand, Logo auf Plakaten) und einen Ansprechweg über "
        "das Stadtmarketing. Erfinden Sie keine Beträge, Termine oder Namen; markieren Sie Fehlendes als [BITTE ERGÄNZEN]."
    )
