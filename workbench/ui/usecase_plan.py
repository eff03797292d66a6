"""The "plan" kind (Neujahrsempfang): structured running order, checks, correction, timeline, downloads."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from workbench.exports import to_csv, to_docx
from workbench.gateway import Gateway, Result
from workbench.plan import (
    JSON_INSTRUCTION,
    PLAN_SCHEMA,
    Plan,
    check_plan,
    correction_request,
    parse_plan,
    people_from_field,
)
from workbench.policy import PrivacyAction
from workbench.transparency import export_markdown
from workbench.ui import components, state
from workbench.ui.usecase_runner import ask_structured, asker, key, unreadable
from workbench.usecases import UseCase


def ask_for_plan(
    gw: Gateway,
    sel: state.Selection,
    usecase: UseCase,
    values: dict[str, object],
    prompt: str,
    action: PrivacyAction | None = None,
) -> None:
    """Send a turn that must come back as a plan."""
    ask_structured(
        gw, sel, usecase, values, prompt, instruction=JSON_INSTRUCTION, schema=PLAN_SCHEMA, parse=parse_plan,
        store="plan", action=action,
    )  # fmt: skip


def timeline(plan: Plan) -> go.Figure:
    figure = go.Figure()
    for segment in plan.segments:
        figure.add_bar(
            y=[segment.format or segment.title],
            x=[segment.duration],
            base=[segment.start],
            orientation="h",
            name=segment.title,
            text=segment.title,
            textposition="inside",
            insidetextanchor="middle",
            hovertemplate=f"{segment.title}<br>Minute {segment.start}–{segment.end}<extra></extra>",
        )
    figure.update_layout(
        barmode="overlay",
        showlegend=False,
        height=120 + 40 * len({s.format for s in plan.segments}),
        margin=dict(l=0, r=0, t=10, b=0),
        xaxis_title="Minuten ab Beginn",
        yaxis=dict(autorange="reversed"),
    )
    return figure


def _whole_number(values: dict[str, object], name: str, default: int) -> int:
    """A form value as a whole number (number inputs give int or float)."""
    value = values.get(name, default)
    if not isinstance(value, int | float | str):
        raise TypeError(f"form field {name!r} holds {value!r}, not a number")
    return int(value)


def show(gw: Gateway, sel: state.Selection, usecase: UseCase, values: dict[str, object]) -> None:
    stored: tuple[Plan | None, Result, str | None] | None = st.session_state.get(key(usecase, "plan"))
    if stored is None:
        return
    plan, result, error = stored
    if plan is None:
        unreadable(usecase, result, "keinen lesbaren Plan", error)
        return

    st.subheader(plan.title)
    people = people_from_field(values.get("buehne"))
    problems = check_plan(
        plan,
        duration=_whole_number(values, "dauer", 60),
        people=people,
        formats=_whole_number(values, "formate", 3),
    )
    if problems:
        st.error(
            "**Der Plan erfüllt die Vorgaben nicht:**\n" + "\n".join(f"- {p}" for p in problems),
            icon=":material/rule:",
        )
        if st.button(
            "Plan korrigieren lassen",
            key=key(usecase, "correct"),
            icon=":material/build:",
            type="primary",
            disabled=asker(gw, sel, usecase).unresolved,  # the last question comes first
        ):
            ask_for_plan(gw, sel, usecase, values, correction_request(problems))
            st.rerun()
    else:
        st.success(
            "Der Plan erfüllt alle Vorgaben: Dauer, Reihenfolge ohne Lücken, alle Personen, Anzahl der Formate.",
            icon=":material/check_circle:",
        )
    components.chart(timeline(plan), key=key(usecase, "timeline"))
    frame = plan.frame()
    components.table(frame, hide_index=True)
    components.result_footer(result, key=key(usecase, "plan_result"))

    open_points = "\n".join(f"- {p}" for p in problems)
    body = plan.markdown_table() + (f"\n\n**Offene Punkte:**\n{open_points}" if problems else "")
    cols = st.columns(3)
    cols[0].download_button(
        "Ablaufplan (Markdown)", export_markdown(body, result.notice, plan.title), "ablaufplan.md", "text/markdown",
        icon=":material/download:", key=key(usecase, "plan_md"),
    )  # fmt: skip
    cols[1].download_button(
        "Ablaufplan (Word)", to_docx(plan.title, "", result.notice, frame, f"## Offene Punkte\n{open_points}" if problems else ""), "ablaufplan.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", icon=":material/description:",
        key=key(usecase, "plan_docx"),
    )  # fmt: skip
    cols[2].download_button(
        "Ablaufplan (CSV)", to_csv(frame, result.notice, problems, "Offene Punkte:"), "ablaufplan.csv", "text/csv", icon=":material/table:",
        key=key(usecase, "plan_csv"),
    )  # fmt: skip
