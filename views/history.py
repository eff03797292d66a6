"""Verlauf: this session's runs from the run log, filters, exports, and the protocol for data protection."""

import json

import streamlit as st

from workbench.access import Action
from workbench.exports import to_csv
from workbench.history import (
    RUN_COLUMNS,
    STORAGE_ERRORS,
    default_data_dir,
    describe_problem,
    plain_records,
    readable_runs,
    retention_text,
)
from workbench.transparency import computed_notice
from workbench.ui import components, german_widgets, state
from workbench.usecases import read_catalog
from workbench.workshop import exercise_name

gw = state.gateway()
user = state.user(gw.settings)
st.title("Verlauf")
st.caption(
    "Alle Anfragen dieser Sitzung, wie sie im Protokoll stehen: Schutzstufe, Dienst, Entscheidung, Fundstellen "
    "(nur Art und Anzahl), Tokens und Zeiten. Texte werden nur gespeichert, wenn Ihre Organisation es so eingestellt "
    f"hat (store_texts = „{gw.settings.store_texts}“)."
)
if gw.run_log is None:
    problem = getattr(gw, "record_problem", None) or (
        f"Der Datenordner „{default_data_dir(gw.settings.env)}“ ist nicht beschreibbar. "
        "Setzen Sie WORKBENCH_DATA_DIR auf einen beschreibbaren Ordner."
    )
    st.warning(f"**Das Protokoll ist nicht verfügbar.** {problem}", icon=":material/folder_off:")
    st.stop()

try:
    runs = gw.run_log.runs(session=gw.session)
    protocol = gw.run_log.protocol() if user.may(Action.READ_PROTOCOL) else None
    if protocol is not None and len(protocol):
        labels = {e.id: e.label for e in gw.settings.endpoints}
        protocol = protocol.assign(Dienst=protocol["Dienst"].map(lambda e: labels.get(e, e)))
except STORAGE_ERRORS as exc:
    st.warning(
        f"**Das Protokoll ist nicht lesbar.** {describe_problem(exc, gw.run_log.where)}",
        icon=":material/folder_off:",
    )
    st.stop()
if runs.empty:
    st.info("In dieser Sitzung wurde noch keine Anfrage gestellt.", icon=":material/info:")
else:
    titles = {u.id: u.title for u in read_catalog(gw.settings).usecases}
    left, right = st.columns(2)
    purposes = left.multiselect(
        "Seite / Anwendungsfall",
        sorted(runs["purpose"].dropna().unique()),
        key="hist_purpose",
        format_func=lambda purpose: exercise_name(purpose, titles),
        placeholder=german_widgets.CHOOSE,
    )
    levels = right.multiselect(
        "Schutzstufe",
        sorted(runs["schutzstufe"].dropna().unique()),
        key="hist_level",
        placeholder=german_widgets.CHOOSE,
    )
    if purposes:
        runs = runs[runs["purpose"].isin(purposes)]
    if levels:
        runs = runs[runs["schutzstufe"].isin(levels)]
    records = runs[list(RUN_COLUMNS)]
    services = {e.id: e.label for e in gw.settings.endpoints}
    shown = readable_runs(records, titles, services)
    components.table(
        shown, hide_index=True,
        column_config={name: st.column_config.NumberColumn(format="localized") for name in
                       ("Tokens Eingabe", "Tokens Ausgabe", "Erstes Token (s)", "Dauer (s)")},
    )  # fmt: skip
    cols = st.columns(2)
    cols[0].download_button("Verlauf (CSV)", to_csv(shown, None), "verlauf.csv", "text/csv",
                            icon=":material/table:")  # fmt: skip
    # JSON is for programs: the run log's own keys and ISO timestamps
    cols[1].download_button("Verlauf (JSON)", json.dumps(plain_records(records), ensure_ascii=False, default=str, indent=2),
                            "verlauf.json", "application/json", icon=":material/data_object:")  # fmt: skip

st.subheader("Protokoll für den Datenschutz")
if protocol is None:
    st.info(user.refusal(Action.READ_PROTOCOL), icon=":material/lock:")
    st.stop()
st.caption(
    "Anzahl der Anfragen nach Schutzstufe, Dienst und Entscheidung über alle Sitzungen – ohne Inhalte."
)
st.markdown(retention_text(gw.run_log.retention))
components.table(protocol, hide_index=True)
notice = computed_notice("Zählung aus dem Anfrageprotokoll.", gw.settings.organisation)
components.notice_box(notice)
st.download_button("Protokoll für den Datenschutz (CSV)", to_csv(protocol, notice),
                   "datenschutz-protokoll.csv", "text/csv", icon=":material/shield:")  # fmt: skip
