"""The workbench's own tools shown on the Start page beside the use-case catalogue."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tool:
    title: str
    category: str
    schutzstufe: int
    description: str
    page: str | None = None  # the page that implements it, once it exists


TOOLS = (
    Tool(
        "Datenschutz-Check",
        "Datenschutz",
        2,
        "Findet personenbezogene Daten wie Namen, Adressen, IBAN oder Steuer-ID, bevor etwas die Verwaltung verlässt.",
        page="views/privacy_check.py",
    ),
    Tool(
        "Sponsorenliste abgleichen",
        "Daten auswerten",
        2,
        "Welche Unternehmen der Stadt haben das Stadtfest noch nicht unterstützt? Exakt berechnet, mit KI verglichen.",
        page="views/sponsors.py",
    ),
    Tool(
        "Abfalltouren prüfen",
        "Agent",
        2,
        "Ein KI-Agent in vier Schritten: Daten zusammenführen, Mengen mit GPS prüfen, Auffälligkeiten, Empfehlungen.",
        page="views/agent.py",
    ),
    Tool(
        "Vergleich lokal – öffentlich",
        "Modelle vergleichen",
        1,
        "Dieselbe Aufgabe an zwei Modelle, Antworten nebeneinander, mit Bewertung für Teams und Workshops.",
        page="views/compare.py",
    ),
)
