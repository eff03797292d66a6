"""Workshop evaluation from the run log: participation, exercises, ratings local vs public, findings.

Everything here is aggregated: sessions are counted, never named, and privacy findings appear only
as kinds and counts. The summary can serve as a record of AI-literacy training (Art. 4 AI Act).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pandas as pd

from workbench.privacy import KIND_LABELS
from workbench.transparency import format_time, now

_PAGES = {
    "chat": "Freier Chat",
    "vergleich": "Vergleich",
    "agent": "KI-Agent",
    "sponsoren": "Sponsorenabgleich",
}


# Contacts that are no exercise: a connection test, the status check, the model list, a download.
TECHNICAL_PURPOSES = frozenset({"verbindungstest", "status", "modelle", "models", "capabilities", "pull"})


def is_technical(purpose: object) -> bool:
    return str(purpose).partition(":")[0] in TECHNICAL_PURPOSES


def exercise_name(purpose: str, titles: dict[str, str]) -> str:
    """ "anwendungsfall:pressemitteilung" -> "Pressemitteilung entwerfen", "vergleich:neujahrsempfang" -> "Vergleich: …"."""
    kind, _, detail = str(purpose).partition(":")
    if kind == "anwendungsfall":
        return titles.get(detail, detail)
    if kind == "vergleich":
        return "Vergleich: " + (titles.get(detail, "freier Text") if detail else "freier Text")
    return _PAGES.get(kind, kind)


@dataclass
class WorkshopSummary:
    name: str
    code: str
    exercises: list[str]  # practised: at least one request sent in this workshop
    participants: int
    runs: pd.DataFrame  # exercise, runs
    ratings: pd.DataFrame  # exercise, location, verdict, count
    findings: dict[str, int]


def summarize_workshop(
    workshop: dict[str, Any], runs: pd.DataFrame, titles: dict[str, str]
) -> WorkshopSummary:
    if len(runs):
        runs = runs[[not is_technical(p) for p in runs["purpose"]]]
    runs = (
        runs.assign(exercise=[exercise_name(p, titles) for p in runs["purpose"]])
        if len(runs)
        else runs.assign(exercise=[])
    )
    # practised: at least one request of the exercise went out (not only refused or failed ones)
    practised = sorted(set(runs.loc[runs["decision"] == "gesendet", "exercise"])) if len(runs) else []
    per_exercise = (
        runs.groupby("exercise").size().rename("Anfragen").reset_index()
        if len(runs)
        else pd.DataFrame(columns=["exercise", "Anfragen"])
    )
    rated = runs[runs["rating"].notna()] if len(runs) else runs
    ratings = (
        rated.assign(Ort=rated["location"].map({"lokal": "lokal", "oeffentlich": "öffentlich"}))
        .groupby(["exercise", "Ort", "rating"]).size().rename("Anzahl").reset_index()
        if len(rated) else pd.DataFrame(columns=["exercise", "Ort", "rating", "Anzahl"])
    )  # fmt: skip
    findings: Counter[str] = Counter()
    for raw in runs.get("findings", pd.Series(dtype=str)).dropna():
        findings.update(json.loads(raw or "{}"))
    return WorkshopSummary(
        name=workshop["name"],
        code=workshop["code"],
        exercises=practised,
        participants=int(runs["session"].nunique()) if len(runs) else 0,
        runs=per_exercise.rename(columns={"exercise": "Übung"}),
        ratings=ratings.rename(columns={"exercise": "Übung", "rating": "Urteil"}),
        findings=dict(findings.most_common()),
    )


def summary_markdown(summary: WorkshopSummary, date_text: str | None = None) -> str:
    """Evidence of the training: what was practised, how many took part, when – no personal data."""
    lines = [
        f"# Workshop „{summary.name}“ – Nachweis KI-Kompetenz (Art. 4 KI-Verordnung)",
        "",
        f"- Datum: {date_text or format_time(now())}",
        f"- Teilnehmende Sitzungen: {summary.participants} (ohne Namen erfasst)",
        f"- Geübte Anwendungsfälle: {', '.join(summary.exercises) or '–'}",
        "",
        "## Anfragen je Übung",
        "",
    ]
    lines += [f"- {row['Übung']}: {row['Anfragen']}" for _, row in summary.runs.iterrows()] or ["- keine"]
    lines += ["", "## Bewertungen lokal und öffentlich", ""]
    lines += [
        f"- {r['Übung']} – {r['Ort']}: {r['Urteil']} ({r['Anzahl']}×)" for _, r in summary.ratings.iterrows()
    ] or ["- keine"]
    lines += ["", "## Häufigste Fundstellen des Datenschutz-Checks (nur Art und Anzahl)", ""]
    lines += [f"- {KIND_LABELS.get(kind, kind)}: {count}" for kind, count in summary.findings.items()] or [
        "- keine"
    ]
    lines += [
        "",
        "Inhalte: Schutzstufen nach der VITAKO/KGSt-Guideline, Datenschutz-Check, Transparenzhinweise, Vergleich lokaler "
        "und öffentlicher Modelle, Letztverantwortung beim Menschen.",
    ]
    return "\n".join(lines) + "\n"
