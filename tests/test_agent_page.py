"""The agent page in AppTest: four steps with approval in between, in guided and tool-calling mode."""

from tests.fakes import Reply
from tests.test_pages import load, no_exception, texts


def start(**state):
    at = load("views/agent.py", **state)
    assert "Laden Sie die vier Dateien hoch" in texts(at.info)
    next(b for b in at.button if b.label == "Beispieldaten der Musterstadt verwenden").click().run()
    no_exception(at)
    return at


def test_four_steps_in_guided_mode(workbench_env, fake_ollama, fake_openai):
    fake_ollama.capabilities = {"llama3.2:latest": ["completion"], "mistral:latest": ["completion"]}
    fake_ollama.replies.extend([Reply(text=f"Kommentar zu Schritt {i}.") for i in range(1, 5)])
    at = start(schutzstufe=2)
    assert at.radio(key="ag_mode").value == "Geführter Modus"
    # the exercise is finding the anomalous tours: the computed answer waits for step 3
    assert not any("Tour" in d.value.columns for d in at.dataframe)
    assert "erscheint, sobald der Agent Schritt 3" in texts(at.caption)
    assert not at.get("download_button") or "Auffällige Touren (CSV)" not in [
        b.label for b in at.get("download_button")
    ]
    for step in range(1, 5):
        at.button(key="ag_next").click().run()
        no_exception(at)
        assert f"Kommentar zu Schritt {step}." in texts(at.markdown)
        assert len(fake_ollama.chat_requests) == step  # nothing runs without the next click
        if step == 3:
            result = at.dataframe[-1].value
            assert list(result.columns) == ["Tour", "Bezirk", "Fraktion", "Auffälligkeiten", "Beschwerden"]
            assert "T05" in result["Tour"].tolist()
    assert texts(at.caption).count("Transparenzhinweis") >= 4
    assert len(at.get("plotly_chart")) == 4  # deviation, over time, map, complaints
    labels = [b.label for b in at.get("download_button")]
    assert (
        "Bericht (Word)" in labels and "Bericht (Markdown)" in labels and "Auffällige Touren (CSV)" in labels
    )
    assert fake_openai.requests == []


def test_tool_calling_mode_and_stop(workbench_env, fake_ollama):
    fake_ollama.replies.extend(
        [Reply(tool_calls=[{"name": "daten_zusammenfuehren", "arguments": {}}]), Reply(text="Daten geprüft.")]
    )
    at = start(schutzstufe=2)
    assert at.radio(key="ag_mode").value == "Werkzeugaufrufe"
    at.button(key="ag_next").click().run()
    no_exception(at)
    assert "Daten geprüft." in texts(at.markdown)
    assert "Datenprobleme" in texts(at.warning)
    at.button(key="ag_stop").click().run()
    assert "angehalten" in texts(at.info)
    assert len(fake_ollama.chat_requests) == 2


def test_unreachable_model_is_explained(workbench_env, fake_ollama):
    at = start(schutzstufe=2)
    fake_ollama.fault = "down"
    at.button(key="ag_next").click().run()
    no_exception(at)
    assert "ollama serve" in texts(at.error)


def test_report_lists_the_flagged_tours_as_a_markdown_table():
    import pandas as pd

    from workbench.ui.agent_view import report_markdown

    analysis = pd.DataFrame(
        {
            "tour_id": ["T01", "T05"],
            "bezirk": ["Altstadt", "Hafen"],
            "fraktion": ["Restmüll", "Papier"],
            "reasons": ["", "Gemeldete Menge weicht um +40 % ab"],
            "complaints": [0, 3],
            "flagged": [False, True],
        }
    )
    report = report_markdown([], analysis)
    lines = report.splitlines()
    header = next(line for line in lines if line.startswith("| Tour"))
    assert [cell.strip() for cell in header.strip("|").split("|")] == [
        "Tour",
        "Bezirk",
        "Fraktion",
        "Auffälligkeiten",
        "Beschwerden",
    ]
    assert any(line.startswith("| T05") and "+40 %" in line for line in lines)
    assert not any("T01" in line for line in lines)
    assert report_markdown([], analysis.assign(flagged=False)).rstrip().endswith("Keine.")


def test_failed_step_waits_in_the_panel_and_is_retried(workbench_env, fake_ollama, fake_openai):
    fake_ollama.capabilities = {"llama3.2:latest": ["completion"], "mistral:latest": ["completion"]}
    at = start(schutzstufe=2)
    fake_ollama.fault = "down"
    at.button(key="ag_next").click().run()
    no_exception(at)
    assert "ollama serve" in texts(at.error)
    assert at.button(key="ag_next").disabled  # the failed step comes first
    fake_ollama.fault = None
    fake_ollama.replies.append(Reply(text="Kommentar nach dem zweiten Versuch."))
    at.button(key="ag_step_retry").click().run()
    no_exception(at)
    assert "Kommentar nach dem zweiten Versuch." in texts(at.markdown)
    assert not at.button(key="ag_next").disabled  # step 2 may follow
    assert len(fake_ollama.chat_requests) == 1
    assert fake_openai.requests == []


def test_a_service_that_refuses_tools_runs_the_step_guided_and_says_why(
    workbench_env, fake_ollama, fake_openai
):
    fake_openai.refuse_tools = True
    fake_openai.replies.append(Reply(text="Kommentar ohne Werkzeuge."))
    at = start(schutzstufe=1, endpoint_id="openai")
    assert at.radio(key="ag_mode").value == "Werkzeugaufrufe"  # tools = "auto": tried first
    at.button(key="ag_next").click().run()
    no_exception(at)
    assert "Kommentar ohne Werkzeuge." in texts(at.markdown)
    shown = texts(at.info)
    assert "nimmt keine Werkzeugdefinitionen an" in shown and "geführter Modus" in shown
    assert "geführter Modus" in texts(at.caption)


def test_reruns_ask_the_model_capabilities_once(workbench_env, fake_ollama, monkeypatch):
    from workbench.backends import ollama_backend

    at = start(schutzstufe=2)
    for _ in range(3):
        at.run()
        no_exception(at)
    shows = [r for r in fake_ollama.requests if r.path == "/api/show"]
    assert len(shows) == 1  # asked on the first run, then kept
    monkeypatch.setattr(ollama_backend, "CAPABILITIES_SECONDS", 0.0)  # the kept answer has expired
    at.run()
    assert len([r for r in fake_ollama.requests if r.path == "/api/show"]) == 2


def _agent_page_keeping_the_media_store(page: str) -> None:
    """The agent page with the sample data; keeps the media store, so the test can click a download."""
    import runpy

    import streamlit as st
    from streamlit.runtime import Runtime

    st.session_state["_test_media"] = Runtime.instance().media_file_mgr
    st.session_state["ag_source"] = "sample"
    runpy.run_path(page, run_name="__main__")


def test_downloads_are_built_when_clicked_and_carry_the_notice(workbench_env, fake_ollama):
    import re

    from streamlit.testing.v1 import AppTest

    from tests.test_pages import ROOT

    at = AppTest.from_function(
        _agent_page_keeping_the_media_store, args=(str(ROOT / "views/agent.py"),), default_timeout=60
    )
    at.session_state["schutzstufe"] = 2
    fake_ollama.capabilities = {"llama3.2:latest": ["completion"], "mistral:latest": ["completion"]}
    fake_ollama.replies.extend([Reply(text=f"Kommentar {i}.") for i in range(1, 4)])
    at.run()
    at.button(key="ag_next").click().run()  # the sample data is loaded by the wrapper; three steps
    at.button(key="ag_next").click().run()
    at.button(key="ag_next").click().run()
    no_exception(at)
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    csv_button = buttons["Auffällige Touren (CSV)"]
    assert csv_button.deferred_file_id and not csv_button.url  # nothing built on the rerun itself
    store = at.session_state["_test_media"]
    url = store.execute_deferred(csv_button.deferred_file_id)  # what a click does
    text = store.read_file(re.sub(r"\.\w+$", "", url.rsplit("/", 1)[-1])).content.decode("utf-8-sig")
    assert "T05" in text and "Berechnet ohne KI" in text
    assert text.splitlines()[0].startswith("Tour;Bezirk;Fraktion;Fahrzeug;Auffällig;Auffälligkeiten")
    assert ";ja;" in text and "True" not in text


def test_new_data_starts_the_agent_anew(workbench_env, fake_ollama):
    fake_ollama.capabilities = {"llama3.2:latest": ["completion"], "mistral:latest": ["completion"]}
    fake_ollama.replies.append(Reply(text="Kommentar zu den Beispieldaten."))
    at = start(schutzstufe=2)
    at.button(key="ag_next").click().run()
    assert "Kommentar zu den Beispieldaten." in texts(at.markdown)
    at.session_state["ag_data"] = "andere-daten"  # as if other files had been loaded before
    at.run()
    no_exception(at)
    assert "Kommentar zu den Beispieldaten." not in texts(at.markdown)
    assert "Neue Daten geladen" in texts(at.info)
    assert at.session_state["ag_outcomes"] == []


def test_guided_steps_run_the_tools_their_titles_name():
    from workbench.agent import STEPS

    third, fourth = STEPS[2], STEPS[3]
    assert "Bürgerfeedback" in third.title and (third.tool, *third.also) == (
        "auffaellige_touren",
        "beschwerden_abgleichen",
    )
    assert fourth.tool is None  # charts and recommendations come from the facts already gathered
