"""Widgets of the sponsor page: loading a table, choosing columns, reviewing matches, results, model check."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from workbench.errors import WorkbenchError
from workbench.exports import to_csv, to_xlsx
from workbench.matching import SURE, UNSURE
from workbench.sponsor_check import ModelCheck
from workbench.tables import DEFAULT_MAX_MB, LoadedTable, detect_city_column, detect_name_column
from workbench.transparency import Notice
from workbench.ui import cache, components

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_data"
SAMPLES = {"sponsors": "sponsoren_vorjahr.csv", "companies": "unternehmen_musterstadt.csv"}


def table_input(role: str, label: str, max_mb: float) -> LoadedTable | None:
    """Upload (CSV/XLSX, sheet choice) or the sample file; the loaded table stays in the session."""
    key = f"sp_{role}"
    upload = st.file_uploader(label, type=["csv", "txt", "xlsx"], key=f"{key}_upload")
    if upload is not None:
        sheet = st.session_state.get(f"{key}_sheet")
        content = cache.upload_digest(upload.name, upload.file_id, upload.getvalue)
        try:
            uploaded = cache.table(content, upload.name, upload.getvalue, sheet, max_mb)
        except WorkbenchError as exc:
            components.show_error(exc)
            return None
        if uploaded.sheets and len(uploaded.sheets) > 1:
            st.selectbox("Tabellenblatt", uploaded.sheets, key=f"{key}_sheet")
        st.session_state[key] = uploaded
    elif st.session_state.get("sp_use_sample"):
        path = SAMPLE_DIR / SAMPLES[role]
        content = cache.folder_digest(SAMPLE_DIR, [SAMPLES[role]])
        st.session_state[key] = cache.table(content, path.name, path.read_bytes, None, DEFAULT_MAX_MB)
    table: LoadedTable | None = st.session_state.get(key)
    if table is not None:
        st.caption(f"„{table.name}“: {table.description}")
    return table


def column_choice(table: LoadedTable, role: str, *, city: bool) -> tuple[str, str | None]:
    columns = list(table.frame.columns)
    detected = detect_name_column(table.frame)
    name = st.selectbox(
        "Spalte mit dem Namen",
        columns,
        index=columns.index(detected) if detected in columns else 0,
        key=f"sp_{role}_name_col",
    )
    options = ["(keine)", *columns]
    detected_city = detect_city_column(table.frame) if city else None
    chosen_city = st.selectbox(
        "Spalte mit dem Ort (optional)",
        options,
        index=options.index(detected_city) if detected_city in options else 0,
        key=f"sp_{role}_city_col",
        help="Mit dem Ort unterscheidet der Abgleich gleichnamige Unternehmen aus anderen Städten.",
    )
    return name, None if chosen_city == "(keine)" else chosen_city


def review(
    result: pd.DataFrame, sponsors: pd.DataFrame, companies: pd.DataFrame, s_name: str, c_name: str
) -> pd.DataFrame:
    """Uncertain matches, one click each; returns the result with the decisions applied."""
    decided = result.copy()
    unsure = decided[decided["status"] == UNSURE]
    if unsure.empty:
        st.success("Es gibt keine unsicheren Treffer.", icon=":material/check_circle:")
        return decided
    st.caption(f"{len(unsure)} Treffer sind unsicher. Entscheiden Sie je Zeile: gleicher Betrieb oder nicht?")
    for position, row in unsure.iterrows():
        left, right = st.columns([4, 2], vertical_alignment="center")
        left.markdown(
            f"**{sponsors.at[row['sponsor_index'], s_name]!s}** ↔ {companies.at[row['company_index'], c_name]!s} "
            f"· Ähnlichkeit {row['score']:.0f} %"
        )
        choice = right.segmented_control(
            "Entscheidung",
            ["übernehmen", "verwerfen"],
            key=f"sp_review_{row['sponsor_index']}",
            label_visibility="collapsed",
        )
        if choice == "übernehmen":
            decided.at[position, "status"] = SURE
        elif choice == "verwerfen":
            decided.at[position, "status"] = "verworfen"
            decided.at[position, "company_index"] = pd.NA
    still_open = int((decided["status"] == UNSURE).sum())
    if still_open:
        st.info(
            f"{still_open} unsichere Treffer sind noch offen; sie zählen bis zur Entscheidung nicht als Sponsor."
        )
    return decided


def downloads(label: str, frame: pd.DataFrame, notice: Notice, stem: str) -> None:
    cols = st.columns(2)
    cols[0].download_button(
        f"{label} (CSV, berechnet ohne KI)", lambda: to_csv(frame, notice), f"{stem}.csv", "text/csv", icon=":material/table:",
        key=f"sp_dl_{stem}_csv",
    )  # fmt: skip
    cols[1].download_button(
        f"{label} (Excel, berechnet ohne KI)", lambda: to_xlsx(frame, notice, label), f"{stem}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon=":material/grid_on:",
        key=f"sp_dl_{stem}_xlsx",
    )  # fmt: skip


def chart(frame: pd.DataFrame, column: str, title: str) -> None:
    """Counts per value of `column`; the figure is built once per distinct counts and title."""
    counts = frame[column].fillna("unbekannt").value_counts().rename_axis(column).reset_index(name="Anzahl")

    def build() -> go.Figure:
        figure = px.bar(
            counts, x="Anzahl", y=column, orientation="h", title=title, height=80 + 26 * len(counts)
        )
        figure.update_layout(
            margin=dict(l=0, r=0, t=40, b=0), yaxis=dict(autorange="reversed", title=None), xaxis_dtick=5
        )
        return figure

    content = cache.digest(
        {f"{column}\0{title}": pd.util.hash_pandas_object(counts, index=False).to_numpy().tobytes()}
    )
    components.chart(cache.figure(f"sponsors:{content}", build), key=f"sp_chart_{column}")


def model_check(check: ModelCheck) -> None:
    cols = st.columns(4)
    for col, (label, count) in zip(cols, check.counts.items(), strict=True):
        col.metric(label, count)
    left, middle, right = st.columns(3)
    with left:
        st.markdown("**Richtig genannt**")
        st.caption(", ".join(check.correct[:60]) or "–")
    with middle:
        st.markdown("**Übersehen**")
        st.caption(", ".join(check.missed[:60]) + (" …" if len(check.missed) > 60 else "") or "–")
    with right:
        st.markdown("**Erfunden oder falsch**")
        st.caption(", ".join([*check.invented, *(f"{w} (hat gesponsert)" for w in check.wrong)]) or "–")
    st.info(
        "Datenaufgaben gehören in exakte Werkzeuge: Der berechnete Abgleich ist nachvollziehbar und vollständig. "
        "Ein Sprachmodell übersieht Zeilen und erfindet welche – die Prüfung bleibt beim Menschen.",
        icon=":material/school:",
    )
