"""The "table" kind: free text in, validated rows out, corrected by a person, exported with the notice."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd
import streamlit as st

from workbench.exports import to_csv, to_xlsx
from workbench.gateway import Gateway, Result
from workbench.policy import PrivacyAction
from workbench.structured import check_rows, labelled, rows_frame, same_rows
from workbench.ui import components, state
from workbench.ui.usecase_runner import ask_structured, key, unreadable
from workbench.usecases import UseCase

INSTRUCTION = (
    'Antworten Sie ausschließlich mit JSON in der Form {"zeilen": [ {…}, {…} ]} – eine Zeile je Eintrag, '
    "mit genau den Feldern des Schemas. Fehlende Angaben schreiben Sie als „unbekannt“; erfinden Sie nichts."
)


def ask_for_rows(
    gw: Gateway,
    sel: state.Selection,
    usecase: UseCase,
    values: dict[str, object],
    prompt: str,
    action: PrivacyAction | None = None,
) -> None:
    ask_structured(
        gw, sel, usecase, values, prompt, instruction=INSTRUCTION, schema=usecase.output_schema(),
        parse=lambda text: rows_frame(text, usecase.columns), store="rows", action=action,
    )  # fmt: skip
    st.session_state.pop(key(usecase, "edited"), None)
    st.session_state.pop(key(usecase, "editor"), None)


def _column_config(usecase: UseCase, frame: pd.DataFrame) -> dict[str, Any]:
    config: dict[str, Any] = {}
    for column in usecase.columns:
        if column.allowed:
            # A value outside the list stays visible (a select column would show it as an empty cell while the
            # export still held it); the "Prüfung" column marks it, and the person picks an allowed one.
            present: list[object] = list(frame[column.name]) if column.name in frame.columns else []
            strays = [
                str(v)
                for v in dict.fromkeys(present)
                if isinstance(v, str) and v.strip() and v not in column.allowed
            ]
            config[column.name] = st.column_config.SelectboxColumn(
                column.label, options=[*column.allowed, *strays]
            )
        elif column.type == "boolean":
            config[column.name] = st.column_config.CheckboxColumn(column.label)
        elif column.type in ("integer", "number"):
            config[column.name] = st.column_config.NumberColumn(
                column.label, step=1 if column.type == "integer" else None
            )
        else:
            config[column.name] = st.column_config.TextColumn(column.label)
    config["Prüfung"] = st.column_config.TextColumn("Prüfung", disabled=True)
    return config


def show(usecase: UseCase) -> None:
    stored: tuple[pd.DataFrame | None, Result, str | None] | None = st.session_state.get(key(usecase, "rows"))
    if stored is None:
        return
    frame, result, error = stored
    if frame is None:
        unreadable(usecase, result, "keine lesbare Tabelle", error)
        return

    st.subheader("Ergebnis als Tabelle")
    st.caption(
        "Prüfen Sie jede Zeile am Ausgangstext. Sie können Zellen direkt korrigieren; die Prüfung läuft sofort neu."
    )
    edited = st.session_state.get(key(usecase, "edited"), frame)
    issues = check_rows(edited, usecase.columns)
    marks: dict[int, list[str]] = {}
    for issue in issues:
        marks.setdefault(issue.row, []).append(issue.message)
    shown = edited.copy()
    shown["Prüfung"] = ["⚠ " + " ".join(marks[i]) if i in marks else "✓" for i in range(len(shown))]
    changed = st.data_editor(
        shown,
        column_config=_column_config(usecase, edited),
        hide_index=True,
        num_rows="dynamic",
        key=key(usecase, "editor"),
    ).drop(columns=["Prüfung"])
    if not same_rows(changed, edited):
        st.session_state[key(usecase, "edited")] = changed
        st.rerun()
    if issues:
        st.warning(
            f"{len(marks)} von {len(edited)} Zeilen sind noch unvollständig oder ungültig (Spalte „Prüfung“).",
            icon=":material/rule:",
        )
    else:
        st.success(f"Alle {len(edited)} Zeilen sind vollständig und gültig.", icon=":material/check_circle:")
    human_edited = not same_rows(changed, frame)  # values, not dtypes: a browser round trip is no edit
    notice = replace(result.notice, human_edited=human_edited)
    components.notice_box(notice)
    export = labelled(changed, usecase.columns)
    cols = st.columns(2)
    cols[0].download_button(
        "Tabelle (CSV)", to_csv(export, notice), f"{usecase.id}.csv", "text/csv", icon=":material/table:",
        key=key(usecase, "rows_csv"),
    )  # fmt: skip
    cols[1].download_button(
        "Tabelle (Excel)", to_xlsx(export, notice, usecase.title), f"{usecase.id}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon=":material/grid_on:",
        key=key(usecase, "rows_xlsx"),
    )  # fmt: skip
