"""The use cases the Start page announces; each becomes its own guided page."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlannedUseCase:
    title: str
    category: str
    schutzstufe: int
    description: str
    page: str | None = None  # the page that implements it, once it exists


PLANNED_USE_CASES = (
    PlannedUseCase(
        "Neujahrsempfang planen",
        "Ideen generieren",
        1,
        "Ein Ablaufplan für 60 Minuten mit drei Bühnenformaten – und die Verfeinerung, wenn er zu harmlos ist.",
    ),
    PlannedUseCase(
        "Sponsorenliste abgleichen",
        "Daten auswerten",
        2,
        "Welche Unternehmen der Stadt haben das Stadtfest noch nicht unterstützt? Exakt berechnet, mit KI verglichen.",
    ),
    PlannedUseCase(
        "Abfalltouren prüfen",
        "Agent",
        2,
        "Ein KI-Agent in vier Schritten: Daten zusammenführen, Mengen mit GPS prüfen, Auffälligkeiten, Empfehlungen.",
    ),
    PlannedUseCase(
        "Datenschutz-Check",
        "Datenschutz",
        2,
        "Findet personenbezogene Daten wie Namen, Adressen, IBAN oder Steuer-ID, bevor etwas die Verwaltung verlässt.",
        page="pages/privacy_check.py",
    ),
    PlannedUseCase(
        "Vergleich lokal – öffentlich",
        "Modelle vergleichen",
        1,
        "Dieselbe Aufgabe an zwei Modelle, Antworten nebeneinander, mit Bewertung für Teams und Workshops.",
    ),
    PlannedUseCase(
        "Bürgerinformation in einfacher Sprache",
        "Einfache/Leichte Sprache",
        1,
        "Einen Verwaltungstext verständlich umschreiben – und prüfen, ob noch alles stimmt.",
    ),
)
