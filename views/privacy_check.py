"""Datenschutz-Check: find personal data in a text or file, see the Schutzstufe it calls for, pseudonymise it."""

import json

import pandas as pd
import plotly.express as px
import streamlit as st

from workbench.documents import SUPPORTED, read_document
from workbench.errors import WorkbenchError
from workbench.privacy import KIND_LABELS, pseudonymize, recommend_schutzstufe, summarize
from workbench.transparency import computed_notice, export_json, export_text
from workbench.ui import components, privacy_panel, state

EXAMPLE = """Sehr geehrte Damen und Herren,

mein Name ist Jürgen Krause, geb. 12.03.1961, wohnhaft Lindenstraße 12, 48143 Münster.
Zu Ihrem Bescheid vom 02.05.2025 (Az. 63-BA-2024/0815) bitte ich um Erstattung auf mein Konto
IBAN DE89 3704 0044 0532 0130 00. Erreichbar bin ich unter 0251 492-1234 oder j.krause@example.org.
Mein Fahrzeug MS-KW 4711 stand am Tag der Kontrolle auf dem Bewohnerparkplatz.

Mit freundlichen Grüßen
Jürgen Krause"""

gw = state.gateway()
st.title("Datenschutz-Check")
st.caption(
    "Findet personenbezogene Daten wie Namen, Anschriften, Geburtsdaten, IBAN, Steuer-ID, Renten-, Ausweis- und "
    "Kfz-Nummern – regelbasiert auf diesem Rechner, ohne KI und ohne dass etwas gesendet wird. Dieselbe Prüfung "
    "läuft vor jeder Anfrage an ein Modell."
)

if st.button("Beispieltext laden", icon=":material/description:"):
    st.session_state["privacy_text"] = EXAMPLE
pasted, uploaded = st.tabs(["Text einfügen", "Datei hochladen"])
with pasted:
    typed = st.text_area("Text", key="privacy_text", height=220, placeholder="Fügen Sie hier den Text ein …")
with uploaded:
    upload = st.file_uploader("Datei (TXT, CSV, XLSX, DOCX)", type=list(SUPPORTED), key="privacy_file")

text = typed or ""
if upload is not None:
    try:
        text = read_document(upload.name, upload.getvalue(), max_mb=gw.settings.max_upload_mb)
        st.caption(f"Geprüft wird die Datei „{upload.name}“ ({len(text):,} Zeichen).".replace(",", "."))
    except WorkbenchError as exc:
        components.show_error(exc)
        st.stop()
if not text.strip():
    st.info(
        "Fügen Sie einen Text ein, laden Sie eine Datei hoch oder nutzen Sie den Beispieltext.",
        icon=":material/info:",
    )
    st.stop()

result = pseudonymize(text)
findings = list(result.findings)
level, reason = recommend_schutzstufe(findings)
(st.warning if level == 2 else st.success)(f"**Empfehlung:** {reason}", icon=":material/shield:")

if findings:
    counts = summarize(findings)
    left, right = st.columns([1, 2])
    left.metric("Fundstellen", len(findings))
    frame = pd.DataFrame({"Art": [KIND_LABELS[k] for k in counts], "Anzahl": list(counts.values())})
    components.chart(
        px.bar(frame, x="Anzahl", y="Art", orientation="h", height=60 + 32 * len(counts)).update_layout(
            margin=dict(l=0, r=0, t=0, b=0), yaxis_title=None, xaxis_dtick=1
        ),
        key="pc_chart",
        container=right,
    )
    st.subheader("Fundstellen im Text")
    privacy_panel.highlight(text, findings)
    privacy_panel.findings_table(findings, result.placeholders)

    st.subheader("Pseudonymisierte Fassung")
    st.caption(
        "Jede Angabe ist durch einen Platzhalter ersetzt; gleiche Werte erhalten denselben Platzhalter."
    )
    st.code(result.text, language=None, wrap_lines=True)
    with st.expander("Zuordnung der Platzhalter (bleibt in Ihrer Sitzung)", icon=":material/key:"):
        components.table(
            pd.DataFrame(
                {"Platzhalter": list(result.mapping), "Originalwert": list(result.mapping.values())}
            ),
            hide_index=True,
        )

notice = computed_notice(
    "Regelbasierter Datenschutz-Check (Muster, Prüfziffern, Kontextwörter).",
    gw.settings.organisation,
    gw.settings.notice_text,
)
components.notice_box(notice)
cols = st.columns(2)
cols[0].download_button(
    "Pseudonymisierte Fassung (TXT)", export_text(result.text, notice), "pseudonymisiert.txt", "text/plain",
    icon=":material/download:", disabled=not findings,
)  # fmt: skip
report = json.loads(
    export_json("", notice, findings=[f.to_dict() for f in findings], recommended_schutzstufe=level)
)
report.pop("content")
cols[1].download_button(
    "Fundstellen (JSON)", json.dumps(report, ensure_ascii=False, indent=2), "fundstellen.json", "application/json",
    icon=":material/download:",
)  # fmt: skip
