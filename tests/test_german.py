"""German forms on screen, in charts and exports: numbers, plurals, dates, chart axes, the Verlauf table."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import plotly.express as px
import pytest

from workbench import german
from workbench.history import readable_runs


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [
        (0.03, None, "0,03"),
        (9524.2, 1, "9.524,2"),
        (9524.25, None, "9.524,25"),
        (2048, None, "2.048"),
        (3.0, None, "3"),
        (0.0349, 2, "0,03"),
        (-1234567.891, 2, "-1.234.567,89"),
        (True, None, "ja"),
        (float("nan"), None, "–"),
        ("Text", None, "Text"),
    ],
)
def test_numbers_have_a_decimal_comma_and_a_thousands_point(value, decimals, shown):
    assert german.number(value, decimals) == shown


def test_plurals_and_dates():
    assert german.plural(1, "Modell", "Modelle") == "1 Modell"
    assert german.plural(0, "Modell", "Modelle") == "0 Modelle"
    assert german.plural(1200, "Zeile", "Zeilen") == "1.200 Zeilen"
    assert german.when("2026-12-03T09:05:00+01:00") == "03.12.2026, 09:05 Uhr"
    assert german.when(datetime(2026, 3, 9, 7, 30)) == "09.03.2026, 07:30 Uhr"
    assert german.when(date(2026, 3, 9)) == "09.03.2026"
    assert german.when("kein Datum") == "kein Datum"


def test_one_model_is_one_model():
    from workbench.config import load_settings
    from workbench.gateway import EndpointStatus
    from workbench.policy import Decision

    endpoint = load_settings(env={}).endpoint("ollama")
    status = EndpointStatus(
        endpoint,
        Decision(True, "local_endpoint", ""),
        None,
        checked=True,
        version="Ollama 0.6.5",
        models=(object(),),
    )
    assert status.summary == "Ollama 0.6.5, 1 Modell"


def test_charts_use_german_separators_and_dates(monkeypatch):
    import streamlit as st

    from workbench.ui import components

    shown = []
    monkeypatch.setattr(st, "plotly_chart", lambda figure, **_: shown.append(figure))
    over_time = px.line(
        pd.DataFrame({"datum": pd.to_datetime(["2026-03-09", "2026-04-06"]), "wert": [1.5, 2.5]}),
        x="datum",
        y="wert",
    )
    components.chart(over_time, key="a")
    numbers = px.bar(pd.DataFrame({"Übung": ["A"], "Anfragen": [1200]}), x="Übung", y="Anfragen")
    components.chart(numbers, key="b")
    assert shown[0].layout.separators == ",." and shown[0].layout.xaxis.tickformat == "%d.%m."
    assert shown[0].layout.xaxis.hoverformat == "%d.%m.%Y"
    assert shown[1].layout.separators == ",." and shown[1].layout.xaxis.tickformat is None  # no date axis


def test_the_verlauf_table_speaks_german():
    runs = pd.DataFrame(
        {
            "created_at": ["2026-12-03T09:05:00+01:00"], "purpose": ["chat"], "schutzstufe": [1],
            "endpoint_id": ["openai"], "model": ["gpt-4o-mini"], "location": ["oeffentlich"],
            "decision": ["abgelehnt"], "reason": ["personal_data_at_stufe_1"], "findings": ['{"IBAN": 1}'],
            "prompt_tokens": [None], "completion_tokens": [None], "ttft_s": [None], "total_s": [None],
            "rating": [None],
        }
    )  # fmt: skip
    shown = readable_runs(runs)
    assert list(shown.columns)[:4] == ["Zeitpunkt", "Seite / Übung", "Schutzstufe", "Dienst"]
    row = shown.iloc[0]
    assert row["Zeitpunkt"] == "03.12.2026, 09:05 Uhr" and row["Ort"] == "öffentlich"
    assert row["Grund"] == "personenbezogene Daten, öffentlicher Dienst"
    assert row["Fundstellen"] == "IBAN (Bankverbindung): 1"
    assert not {"created_at", "endpoint_id", "no_findings", "findings_stay_local"} & set(
        shown.astype(str).values.ravel()
    )


def test_multiselects_and_the_file_uploader_speak_german(workbench_env):
    from tests.test_pages import load, no_exception
    from workbench.ui import german_widgets

    at = load("views/workshop.py")
    no_exception(at)
    placeholders = {m.key: m.proto.placeholder for m in at.multiselect}
    assert placeholders == {"ws_exercises": "Bitte auswählen", "ws_topics": "Bitte auswählen"}
    app = load("app.py")
    no_exception(app)
    styles = " ".join(h.proto.body for h in app.get("html"))
    assert german_widgets.STYLE.strip() in styles
    assert (
        'content: "Datei auswählen"' in german_widgets.STYLE and "oder hierher ziehen" in german_widgets.STYLE
    )
    assert '[data-key="__select_all__"]' in german_widgets.STYLE and "Alle auswählen" in german_widgets.STYLE


def test_the_upload_note_promises_no_size_the_page_may_refuse():
    """Tables allow max_upload_mb (20 MB by default), Streamlit 50 MB: the note names neither."""
    from workbench.ui import german_widgets

    assert "MB" not in german_widgets.STYLE


def test_tables_show_numbers_and_dates_the_german_way(monkeypatch):
    import streamlit as st

    from workbench.ui import components

    seen = {}
    monkeypatch.setattr(st, "dataframe", lambda frame, **options: seen.update(options))
    frame = pd.DataFrame(
        {
            "Ähnlichkeit": [95.5],
            "Anzahl": [3],
            "Datum": pd.to_datetime(["2026-03-09"]),
            "ok": [True],
            "Name": ["A"],
        }
    )
    components.table(frame, column_config={"Anzahl": st.column_config.NumberColumn("Stück")})
    config = seen["column_config"]
    assert config["Ähnlichkeit"]["type_config"]["format"] == "localized"
    assert config["Datum"]["type_config"]["format"] == "DD.MM.YYYY HH:mm"
    assert config["Anzahl"]["label"] == "Stück"  # what the page set wins
    assert "ok" not in config and "Name" not in config and seen["hide_index"] is True


def test_the_verlauf_json_is_valid_json_and_the_csv_has_whole_tokens_and_short_seconds():
    import json

    from workbench.history import plain_records

    runs = pd.DataFrame(
        {"purpose": ["anwendungsfall:pressemitteilung"], "prompt_tokens": [334.0], "total_s": [0.06039193999458803],
         "rating": [float("nan")]}
    )  # fmt: skip
    text = json.dumps(plain_records(runs))
    assert (
        "NaN" not in text
        and json.loads(text)[0]["rating"] is None
        and json.loads(text)[0]["prompt_tokens"] == 334
    )
    shown = readable_runs(runs, {"pressemitteilung": "Pressemitteilung entwerfen"})
    assert shown.iloc[0]["Seite / Übung"] == "Pressemitteilung entwerfen"
    assert shown.iloc[0]["Tokens Eingabe"] == 334 and shown.iloc[0]["Dauer (s)"] == 0.06


def test_count_charts_have_whole_number_ticks(monkeypatch):
    import streamlit as st

    from workbench.ui import components

    shown = []
    monkeypatch.setattr(st, "plotly_chart", lambda figure, **_: shown.append(figure))
    components.chart(
        px.bar(pd.DataFrame({"Übung": ["A", "B"], "Anzahl": [1, 2]}), x="Übung", y="Anzahl"), key="a"
    )
    components.chart(
        px.bar(pd.DataFrame({"Tour": ["T1"], "Abweichung": [1.5]}), x="Tour", y="Abweichung"), key="b"
    )
    assert shown[0].layout.yaxis.dtick == 1 and shown[0].layout.yaxis.tickformat == "d"
    assert shown[1].layout.yaxis.dtick is None  # not a count


def test_model_sizes_in_german():
    assert german.parameter_count("3.2B") == "3,2 Mrd."
    assert german.parameter_count("270M") == "270 Mio."
    assert german.parameter_count(None) is None and german.parameter_count("unbekannt") == "unbekannt"


def test_the_chat_markdown_export_keeps_a_prompt_literal():
    from workbench.transparency import Turn, export_conversation_markdown

    prompt = "Anschrift:\nMusterweg 1\n---\nMit ``Code`` und # Raute"
    text = export_conversation_markdown([Turn("user", prompt, None)])
    assert f"```text\n{prompt}\n```" in text  # fenced: no heading from "---", line breaks kept
