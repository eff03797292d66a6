"""Step cards, charts and exports of the agent page."""

from __future__ import annotations

import io
import json
import math
import zipfile

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st
from tabulate import tabulate

from workbench import german
from workbench.agent import StepResult, result_frame
from workbench.routes import RouteData, runs
from workbench.ui import cache, components

TEMPLATE = {
    "touren.csv": "tour_id;bezirk;fraktion;fahrzeug;behaelter_soll\nT01;Altstadt;Restmüll;MS-AW 1042;320\n",
    "mengen.csv": "datum;tour_id;menge_t;leerungen\n04.03.2025;T01;4,52;312\n",
    "gps.csv": "fahrzeug;zeit;lat;lon;schuettung\nMS-AW 1042;2025-03-04T07:12:31;51.9612;7.6251;1\n",
    "beschwerden.csv": "datum;bezirk;fraktion;kategorie;text\n2025-03-05;Altstadt;Restmüll;nicht geleert;Tonne am Markt wurde nicht geleert.\n",
}


# What people read instead of the data's keys (tool results, analysis columns, run table).
LABELS = {
    "tour_id": "Tour", "bezirk": "Bezirk", "fraktion": "Fraktion", "fahrzeug": "Fahrzeug", "flagged": "Auffällig",
    "reasons": "Auffälligkeiten", "complaints": "Beschwerden", "laeufe": "Läufe", "laeufe_ohne_gps": "Läufe ohne GPS",
    "menge_gemeldet_t": "Menge gemeldet (t)", "menge_gps_t": "Menge laut GPS (t)",
    "abweichung_menge_pct": "Abweichung Menge (%, Median der Läufe)", "leerungen_gemeldet": "Leerungen gemeldet",
    "leerungen_gps": "Leerungen laut GPS", "abweichung_leerungen_pct": "Abweichung Leerungen (%, Median der Läufe)",
    "anteil_soll_pct": "Anteil am Soll (%)", "touren": "Touren", "gps_punkte": "GPS-Punkte",
    "beschwerden": "Beschwerden", "zeitraum": "Zeitraum", "touren_geprueft": "Touren geprüft",
    "mindestabweichung_prozent": "Mindestabweichung (%)",
    "median_abweichung_alle_prozent": "Median der Abweichung aller Touren (%)",
    "unauffaellige_touren": "Unauffällige Touren", "nicht_zuordenbar": "Nicht zuordenbare Beschwerden",
    "kategorie": "Kategorie", "anzahl": "Anzahl", "datum": "Datum", "lauf_datum": "Lauf am",
    "mehrdeutig": "Mehrdeutig", "gps_vorhanden": "GPS vorhanden",
}  # fmt: skip


def label(name: str) -> str:
    """The German label of a data key; an unknown key readable at least ("max_anzahl" -> "Max anzahl")."""
    return LABELS.get(name) or name.replace("_", " ").capitalize()


def for_people(frame: pd.DataFrame) -> pd.DataFrame:
    """A table with German column names (values unchanged; exports turn truth values into ja/nein)."""
    return frame.rename(columns={c: label(str(c)) for c in frame.columns})


def template_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in TEMPLATE.items():
            archive.writestr(name, "\ufeff" + content)
    return buffer.getvalue()


def step_card(outcome: StepResult, key: str) -> None:
    step = outcome.step
    with st.container(border=True):
        st.markdown(f"### Schritt {step.number}: {step.title}")
        st.caption(
            f"Absicht: {step.intent}"
            + (" · geführter Modus" if outcome.guided else " · Werkzeugaufruf durch das Modell")
        )
        if outcome.fallback:
            st.info(outcome.fallback, icon=":material/build:")
        elif not outcome.guided and not outcome.tool_runs:
            st.caption(
                "Das Modell hat in diesem Schritt kein Werkzeug aufgerufen, sondern direkt geantwortet."
            )
        for index, run in enumerate(outcome.tool_runs):
            st.markdown(f"**Werkzeug:** `{run.name}`")
            st.code(
                json.dumps(run.arguments, ensure_ascii=False)
                if isinstance(run.arguments, dict)
                else str(run.arguments),
                language="json",
            )
            if run.error:
                st.error(run.error, icon=":material/build:")
                continue
            frame = result_frame(run)
            numbers = {k: v for k, v in (run.result or {}).items() if isinstance(v, int | float | str)}
            if numbers:
                cols = st.columns(min(4, len(numbers)))
                for col, (name, value) in zip(cols, list(numbers.items())[:4], strict=False):
                    col.metric(label(name), german.number(value) if not isinstance(value, str) else value)
            if frame is not None:
                components.table(for_people(frame), hide_index=True, key=f"{key}_table_{index}")
            problems = (run.result or {}).get("datenprobleme")
            if problems:
                st.warning(
                    "**Datenprobleme:**\n" + "\n".join(f"- {p}" for p in problems), icon=":material/report:"
                )
        if outcome.comment is not None:
            st.markdown("**Kommentar des Agenten:**")
            st.markdown(outcome.comment.text)
            components.result_footer(outcome.comment, key=f"{key}_comment")


def charts(key: str, data: RouteData, analysis: pd.DataFrame) -> None:
    """The four charts of a finished run; built once per data set (`key`) and chart, then reused."""
    components.chart(
        cache.figure(f"{key}:deviation", lambda: _deviation_chart(analysis)), key="ag_chart_deviation"
    )
    run_table = _run_table(key, data)
    worst = analysis[analysis["flagged"]]["tour_id"].tolist()[:5]
    over_time = run_table[run_table["tour_id"].isin(worst)]
    if not over_time.empty:
        components.chart(
            cache.figure(f"{key}:time", lambda: px.line(over_time, x="datum", y="abweichung_menge_pct", color="tour_id", markers=True,
                    title="Die auffälligsten Touren im Zeitverlauf", labels={"datum": "Datum", "abweichung_menge_pct": "Abweichung (%)", "tour_id": "Tour"})),
            key="ag_chart_time",
        )  # fmt: skip
    left, right = st.columns(2)
    with left:
        tour = st.selectbox(
            "GPS-Spur einer Tour",
            analysis["tour_id"].tolist(),
            index=0 if not worst else analysis["tour_id"].tolist().index(worst[0]),
            key="ag_track_tour",
        )
        vehicle = analysis.loc[analysis["tour_id"] == tour, "fahrzeug"].iloc[0]
        dates = run_table[(run_table["tour_id"] == tour) & run_table["gps_vorhanden"]]["datum"]
        if len(dates):
            day = dates.iloc[-1]

            def build_map() -> go.Figure:
                points = data.gps[(data.gps["fahrzeug"] == vehicle) & (data.gps["zeit"].dt.date == day)]
                return track_map(points, f"Tour {tour} am {day:%d.%m.%Y}")

            components.chart(cache.figure(f"{key}:map:{tour}:{day}", build_map), key="ag_chart_map")
    with right:

        def build_complaints() -> go.Figure:
            by_district = data.complaints.groupby("bezirk").size().rename("Beschwerden").reset_index()
            return px.bar(by_district, x="bezirk", y="Beschwerden", title="Beschwerden je Bezirk", labels={"bezirk": "Bezirk"})  # fmt: skip

        components.chart(cache.figure(f"{key}:complaints", build_complaints), key="ag_chart_complaints")


def _deviation_chart(analysis: pd.DataFrame) -> go.Figure:
    ranked = analysis.assign(
        problem=analysis["abweichung_menge_pct"].abs(),
        status=analysis["flagged"].map({True: "auffällig", False: "unauffällig"}),
    ).sort_values("problem", ascending=False)
    return px.bar(ranked, x="tour_id", y="abweichung_menge_pct", color="status", title="Abweichung gemeldete Menge zu GPS je Tour (%)",
                  labels={"tour_id": "Tour", "abweichung_menge_pct": "Abweichung (%)", "status": "Tour"})  # fmt: skip


@st.cache_data(max_entries=8, ttl=6 * 3600, show_spinner=False)
def _run_table(key: str, _data: RouteData) -> pd.DataFrame:
    return runs(_data)[0]


def track_map(points: pd.DataFrame, title: str) -> go.Figure:
    """The GPS track as a true-to-scale map without map tiles: works offline and in every browser."""
    points = points.sort_values("zeit")
    lifts = points[points["schuettung"] == 1]
    figure = go.Figure()
    figure.add_scatter(
        x=points["lon"], y=points["lat"], mode="lines", name="Fahrt", line=dict(color="#9aa5b1", width=1)
    )
    figure.add_scatter(
        x=lifts["lon"], y=lifts["lat"], mode="markers", name="Schüttung", marker=dict(size=5, color="#1f5c99")
    )
    ratio = 1 / max(0.1, math.cos(math.radians(float(points["lat"].mean()))))
    figure.update_layout(
        title=title, height=380, margin=dict(l=0, r=0, t=40, b=0), plot_bgcolor="#f4f1ea",
        xaxis=dict(title="Längengrad", showgrid=False), yaxis=dict(title="Breitengrad", showgrid=False, scaleanchor="x", scaleratio=ratio),
    )  # fmt: skip
    return figure


def report_markdown(outcomes: list[StepResult], analysis: pd.DataFrame) -> str:
    parts = ["# Abfalltouren – Bericht des KI-Agenten in Schritten", ""]
    for outcome in outcomes:
        parts += [f"## Schritt {outcome.step.number}: {outcome.step.title}", "", outcome.step.intent, ""]
        for run in outcome.tool_runs:
            parts += [f"- Werkzeug `{run.name}` mit {json.dumps(run.arguments, ensure_ascii=False)}"]
            if run.error:
                parts += [f"  - Fehler: {run.error}"]
        if outcome.comment is not None:
            parts += ["", outcome.comment.text, "", outcome.comment.notice.markdown(), ""]
    flagged = for_people(
        analysis[analysis["flagged"]][["tour_id", "bezirk", "fraktion", "reasons", "complaints"]]
    )
    parts += [
        "## Auffällige Touren (berechnet ohne KI)",
        "",
        tabulate(flagged.to_dict("records"), headers="keys", tablefmt="github") if len(flagged) else "Keine.",
        "",
    ]
    return "\n".join(parts)
