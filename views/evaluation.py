"""Auswertung: what a workshop practised, participation, ratings local vs public, privacy findings."""

import plotly.express as px
import streamlit as st

from workbench.access import Action
from workbench.exports import to_docx
from workbench.privacy import KIND_LABELS
from workbench.transparency import computed_notice, format_time, now
from workbench.ui import access, components, state
from workbench.usecases import read_catalog
from workbench.workshop import TOPICS, german_dates, summarize_workshop, summary_markdown

gw = state.gateway()
st.title("Auswertung")
access.require(state.user(gw.settings), Action.MANAGE_WORKSHOPS)
if gw.run_log is None:
    st.warning(
        "Ohne beschreibbaren Datenordner (WORKBENCH_DATA_DIR) gibt es keine Auswertung.",
        icon=":material/folder_off:",
    )
    st.stop()
workshops = gw.run_log.workshops()
if not workshops:
    st.info(
        "Es gibt noch keinen Workshop. Legen Sie einen auf der Seite „Workshop“ an.", icon=":material/groups:"
    )
    st.stop()
codes = [w["code"] for w in workshops]
requested = st.query_params.get("code")
code = st.selectbox(
    "Workshop", codes, index=codes.index(requested) if requested in codes else 0,
    format_func=lambda c: f"{next(w['name'] for w in workshops if w['code'] == c)} ({c})", key="ev_code",
)  # fmt: skip
workshop = gw.run_log.workshop(code)
titles = {u.id: u.title for u in read_catalog(gw.settings).usecases}
summary = summarize_workshop(
    workshop, gw.run_log.runs(workshop=code), titles, gw.run_log.ratings(workshop=code)
)

st.caption(
    f"Datum: {german_dates(summary.dates) or '–'} · Leitung: {summary.trainer or '–'} · Themen: "
    + (", ".join(TOPICS[t].split(":")[0] for t in summary.topics) or "keine angegeben")
)
cols = st.columns(3)
cols[0].metric("Teilnehmende", summary.participants)
cols[1].metric("Anfragen", int(summary.runs["Anfragen"].sum()) if len(summary.runs) else 0)
cols[2].metric("Bewertete Vergleiche", summary.rating_count)
if len(summary.runs):
    components.chart(px.bar(summary.runs, x="Übung", y="Anfragen", title="Anfragen je Übung"), key="ev_runs")
if len(summary.ratings):
    components.chart(
        px.bar(summary.ratings, x="Übung", y="Anzahl", color="Urteil", barmode="stack",
               title="Bewertungen der Vergleiche je Übung (je Vergleich einmal gezählt)"),
        key="ev_ratings",
    )  # fmt: skip
else:
    st.caption("Noch keine Bewertungen.")
if summary.findings:
    st.subheader("Häufigste Fundstellen des Datenschutz-Checks")
    components.table(
        {
            "Art": [KIND_LABELS.get(kind, kind) for kind in summary.findings],
            "Anzahl": list(summary.findings.values()),
        },
        hide_index=True,
    )

report = summary_markdown(summary, format_time(now()))
notice = computed_notice(
    "Auswertung des Anfrageprotokolls, ohne Inhalte und ohne Namen.", gw.settings.organisation
)
components.notice_box(notice)
cols = st.columns(3)
cols[0].download_button(
    "Nachweis (Markdown)", report, f"workshop-{code}.md", "text/markdown", icon=":material/download:"
)
cols[1].download_button(
    "Nachweis (Word)", to_docx(report.split("\n", 1)[0].lstrip("# "), report.split("\n", 1)[1], notice), f"workshop-{code}.docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", icon=":material/description:",
)  # fmt: skip
with cols[2].popover("Daten zurücksetzen", icon=":material/delete:"):
    st.caption("Löscht alle Anfragen und Bewertungen dieses Workshops. Der Code bleibt gültig.")
    if st.button("Endgültig löschen", type="primary", key="ev_reset"):
        removed = gw.run_log.reset_workshop(code)
        st.toast(f"{removed} Einträge gelöscht.")
        st.rerun()
