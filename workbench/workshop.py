"""Workshop evaluation from the run log: participation, exercises, ratings local vs public, findings.

Everything here is aggregated: participants are counted, never named (a signed-in person by pseudonym,
else a browser session), and privacy findings appear only as kinds and counts. A comparison's rating
counts once. The summary serves as the record of AI-literacy training (Art. 4 AI Act): date, trainer,
number of participants, exercises practised and topics covered.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pandas as pd

from workbench import german
from workbench.privacy import KIND_LABELS
from workbench.transparency import format_time, now

_PAGES = {
    "chat": "Freier Chat",
    "vergleich": "Vergleich",
    "agent": "KI-Agent",
    "sponsoren": "Sponsorenabgleich",
}


# What a workshop covers, as the record names it; the trainer picks them when creating the workshop.
TOPICS = {
    "schutzstufen": "Schutzstufen nach dem Stufenmodell der VITAKO/KGSt-Guideline",
    "transparenz": "Transparenz: Kennzeichnung von KI-Ergebnissen",
    "letztverantwortung": "Letztverantwortung beim Menschen",
    "regeln": "Regeln der Guideline: freigegebene Dienste, keine personenbezogenen Daten in öffentliche Dienste, "
    "Datenschutz-Check",
}


def verdict_label(verdict: str, location_a: object, location_b: object) -> str:
    """A comparison's rating in words: "lokal besser" when the winner ran elsewhere than the loser."""
    if verdict not in ("A besser", "B besser"):
        return verdict
    winner, loser = (location_a, location_b) if verdict == "A besser" else (location_b, location_a)
    if winner in german.PLACES and loser in german.PLACES and winner != loser:
        return f"{german.place(winner)} besser"
    return verdict


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
    runs: pd.DataFrame  # Übung, Anfragen
    ratings: pd.DataFrame  # Übung, Urteil, Anzahl – one per rated comparison
    findings: dict[str, int]
    trainer: str = ""
    topics: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()  # the days with requests (ISO dates), else the day it was created

    @property
    def rating_count(self) -> int:
        return int(self.ratings["Anzahl"].sum()) if len(self.ratings) else 0


def summarize_workshop(
    workshop: dict[str, Any], runs: pd.DataFrame, titles: dict[str, str], ratings: pd.DataFrame | None = None
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
    rated = ratings if ratings is not None else pd.DataFrame()
    counted = (
        rated.assign(
            exercise=[exercise_name(p, titles) for p in rated["purpose"]],
            verdict=[verdict_label(*v) for v in zip(rated["verdict"], rated["location_a"], rated["location_b"], strict=True)],
        ).groupby(["exercise", "verdict"]).size().rename("Anzahl").reset_index()
        if len(rated) else pd.DataFrame(columns=["exercise", "verdict", "Anzahl"])
    )  # fmt: skip
    # who took part: a signed-in person once (by pseudonym), whatever browser sessions they used
    people = (
        runs["user_id"].fillna("s:" + runs["session"].astype(str))
        if "user_id" in runs and len(runs)
        else runs.get("session", pd.Series(dtype=str))
    )
    days = (
        sorted({str(t)[:10] for t in runs["created_at"]})
        if len(runs)
        else [str(workshop.get("created_at", ""))[:10]]
    )
    findings: Counter[str] = Counter()
    for raw in runs.get("findings", pd.Series(dtype=str)).dropna():
        findings.update(json.loads(raw or "{}"))
    return WorkshopSummary(
        name=workshop["name"],
        code=workshop["code"],
        exercises=practised,
        participants=int(people.nunique()) if len(runs) else 0,
        runs=per_exercise.rename(columns={"exercise": "Übung"}),
        ratings=counted.rename(columns={"exercise": "Übung", "verdict": "Urteil"}),
        findings=dict(findings.most_common()),
        trainer=str(workshop.get("trainer") or ""),
        topics=tuple(t for t in workshop.get("topics") or () if t in TOPICS),
        dates=tuple(d for d in days if d),
    )


def summary_markdown(summary: WorkshopSummary, date_text: str | None = None) -> str:
    """Evidence of the training: what was practised, how many took part, when – no personal data."""
    lines = [
        f"# Workshop „{summary.name}“ – Nachweis KI-Kompetenz (Art. 4 KI-Verordnung)",
        "",
        f"- Datum: {german_dates(summary.dates) or '–'}",
        f"- Leitung: {summary.trainer or '–'}",
        f"- Teilnehmende: {summary.participants} (ohne Namen erfasst)",
        f"- Geübte Anwendungsfälle: {', '.join(summary.exercises) or '–'}",
        f"- Bewertete Vergleiche: {summary.rating_count}",
        "",
        "## Behandelte Themen",
        "",
        *([f"- {TOPICS[t]}" for t in summary.topics] or ["- keine angegeben"]),
        "",
        "## Anfragen je Übung",
        "",
    ]
    lines += [f"- {row['Übung']}: {row['Anfragen']}" for _, row in summary.runs.iterrows()] or ["- keine"]
    lines += ["", "## Bewertungen der Vergleiche (je Vergleich einmal gezählt)", ""]
    lines += [f"- {r['Übung']}: {r['Urteil']} ({r['Anzahl']}×)" for _, r in summary.ratings.iterrows()] or [
        "- keine"
    ]
    lines += ["", "## Häufigste Fundstellen des Datenschutz-Checks (nur Art und Anzahl)", ""]
    lines += [f"- {KIND_LABELS.get(kind, kind)}: {count}" for kind, count in summary.findings.items()] or [
        "- keine"
    ]
    lines += [
        "",
        f"Erstellt am {date_text or format_time(now())} aus dem Anfrageprotokoll, ohne Inhalte und ohne Namen.",
    ]
    return "\n".join(lines) + "\n"


def german_dates(days: tuple[str, ...]) -> str:
    """ISO days as the record shows them: "03.12.2026" or "03.12.2026 bis 04.12.2026"."""
    shown = [f"{d[8:10]}.{d[5:7]}.{d[:4]}" for d in days if len(d) == 10]
    if len(shown) > 1:
        return f"{shown[0]} bis {shown[-1]}"
    return shown[0] if shown else ""
