"""Daten strukturieren und auswerten: the sponsor list against the company register, exact and checkable."""

import streamlit as st

from workbench.errors import WorkbenchError
from workbench.matching import NONE, SURE, UNSURE, match_sponsors, non_sponsors
from workbench.tables import detect_column, require_column
from workbench.transparency import computed_notice
from workbench.ui import components, german_widgets, sponsors_ai, sponsors_view, state

gw = state.gateway()
sel = state.selection(gw)
st.title("Sponsorenliste abgleichen")
st.markdown(
    "Für das Stadtfest: Welche Unternehmen der Stadt haben im letzten Jahr **noch nicht** gesponsert? Die Werkbank "
    "gleicht die Listen **exakt und ohne KI** ab – danach können Sie vergleichen, was ein Sprachmodell dazu sagt."
)
st.caption("Hochgeladene Dateien bleiben im Arbeitsspeicher Ihrer Sitzung und werden nicht gespeichert.")

st.header("1. Tabellen laden")
if st.button("Beispieldaten der Musterstadt verwenden", icon=":material/dataset:"):
    st.session_state["sp_use_sample"] = True
left, right = st.columns(2)
with left:
    sponsors_table = sponsors_view.table_input(
        "sponsors", "Sponsorenliste des Vorjahres (CSV oder Excel)", gw.settings.max_upload_mb
    )
with right:
    companies_table = sponsors_view.table_input(
        "companies", "Unternehmen im Stadtgebiet (CSV oder Excel)", gw.settings.max_upload_mb
    )
if sponsors_table is None or companies_table is None:
    st.info(
        "Laden Sie beide Tabellen hoch oder verwenden Sie die Beispieldaten.", icon=":material/upload_file:"
    )
    st.stop()

st.header("2. Spalten prüfen")
left, right = st.columns(2)
with left:
    components.table(sponsors_table.frame.head(5), hide_index=True)
    s_name, s_city = sponsors_view.column_choice(sponsors_table, "sponsors", city=True)
with right:
    components.table(companies_table.frame.head(5), hide_index=True)
    c_name, c_city = sponsors_view.column_choice(companies_table, "companies", city=True)
sponsors, companies = sponsors_table.frame, companies_table.frame
try:
    require_column(sponsors, s_name, "die Sponsorennamen", sponsors_table.name)
    require_column(companies, c_name, "die Firmennamen", companies_table.name)
except WorkbenchError as exc:
    components.show_error(exc)
    st.stop()

st.header("3. Abgleich")
settings_key = (
    sponsors_table.name,
    companies_table.name,
    len(sponsors),
    len(companies),
    s_name,
    s_city,
    c_name,
    c_city,
)
if st.button("Abgleich starten", type="primary", icon=":material/join_inner:") or (
    st.session_state.get("sp_result_key") not in (None, settings_key)
):
    if st.session_state.get("sp_result_key") not in (None, settings_key):
        # other tables or columns: the model's comparison and letters were about the old ones
        stale = [
            "sp_compare",
            "sp_letters",
            *(k for k in st.session_state if str(k).startswith("sp_") and str(k).endswith("_unresolved")),
        ]
        for name in stale:
            st.session_state.pop(name, None)
    with st.spinner("Namen werden normalisiert und verglichen …"):
        result = match_sponsors(
            sponsors,
            companies,
            sponsor_name=s_name,
            company_name=c_name,
            sponsor_city=s_city,
            company_city=c_city,
        )
    st.session_state.update(sp_result=result, sp_result_key=settings_key)
result = st.session_state.get("sp_result")
if result is None:
    st.stop()
counts = result["status"].value_counts()
cols = st.columns(3)
for col, status in zip(cols, (SURE, UNSURE, NONE), strict=True):
    col.metric(f"Treffer {status}" if status != NONE else "ohne Treffer", int(counts.get(status, 0)))

st.header("4. Unsichere Treffer prüfen")
decided = sponsors_view.review(result, sponsors, companies, s_name, c_name)

st.header("5. Ergebnis")
accepted = decided[decided["status"] == SURE]
open_candidates = decided[decided["status"] == UNSURE]
remaining = non_sponsors(companies, accepted)
not_in_register = sponsors.loc[decided.loc[decided["status"].isin([NONE, "verworfen"]), "sponsor_index"]]
cols = st.columns(3)
cols[0].metric("Sponsoren im Register gefunden", len(accepted))
cols[1].metric("Sponsoren nicht im Register", len(not_in_register))
cols[2].metric("Unternehmen ohne Sponsoring", len(remaining))
notice = computed_notice(
    "Exakter Namensabgleich (normalisierte Namen, Rechtsformen, Umlaute, Tippfehler-Toleranz mit rapidfuzz, Ort).",
    gw.settings.organisation,
    gw.settings.notice_text,
)
activity = detect_column(companies, ("tätigkeit", "branche", "wirtschaftszweig", "gewerbe"))
district = detect_column(companies, ("stadtteil", "bezirk", "ortsteil", "quartier"))
not_yet, found, outside = st.tabs(["Noch keine Sponsoren", "Gefundene Sponsoren", "Nicht im Register"])
with not_yet:
    filtered = remaining
    filter_cols = st.columns(2)
    for col, column in zip(filter_cols, (activity, district), strict=True):
        if column:
            picked = col.multiselect(
                f"Filter: {column}",
                sorted(remaining[column].astype(str).unique()),
                key=f"sp_filter_{column}",
                placeholder=german_widgets.CHOOSE,
            )
            if picked:
                filtered = filtered[filtered[column].astype(str).isin(picked)]
    components.table(filtered, hide_index=True)
    chart_cols = st.columns(2)
    for col, column in zip(chart_cols, (activity, district), strict=True):
        if column and len(filtered):
            with col:
                sponsors_view.chart(filtered, column, f"Noch keine Sponsoren nach {column}")
    sponsors_view.downloads("Noch keine Sponsoren", filtered, notice, "noch-keine-sponsoren")
with found:
    table = accepted.assign(
        Sponsor=[sponsors.at[i, s_name] for i in accepted["sponsor_index"]],
        Unternehmen=[companies.at[i, c_name] for i in accepted["company_index"]],
    )[["Sponsor", "Unternehmen", "score"]].rename(columns={"score": "Ähnlichkeit (%)"})
    components.table(table, hide_index=True)
    sponsors_view.downloads("Gefundene Sponsoren", table, notice, "gefundene-sponsoren")
with outside:
    components.table(not_in_register, hide_index=True)
components.notice_box(notice)
if len(open_candidates):
    st.caption(f"Offen: {len(open_candidates)} unsichere Treffer (Schritt 4).")

st.header("6. Mit der KI vergleichen")
sponsors_ai.compare(gw, sel, sponsors, companies, s_name, s_city, c_name, c_city, accepted)

st.header("7. Anschreiben entwerfen")
sponsors_ai.letters(gw, sel, remaining, c_name, [c for c in (activity, district) if c])
