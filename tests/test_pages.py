"""Every screen in AppTest, against the fakes: content, notices, faults, and Schutzstufe routing."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.fakes import Reply

# The Start page is the app's default page, so "app.py" renders it together with the sidebar.
PAGES = ["app.py", "views/chat.py", "views/models.py"]


def load(path: str, **state) -> AppTest:
    at = AppTest.from_file(str(ROOT / path), default_timeout=30)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


# --- shell and Start ----------------------------------------------------------------------------


def test_app_starts_with_zero_configuration_and_no_ollama(
    workbench_env, fake_ollama, fake_openai, monkeypatch
):
    fake_ollama.fault = "down"
    monkeypatch.delenv("OPENAI_API_KEY")
    at = load("app.py")
    no_exception(at)
    assert at.sidebar.radio[0].value == 2  # a new session starts on the safe side
    warning = texts(at.warning)
    assert "ollama serve" in warning and "ollama pull llama3.2" in warning
    assert "API-Schlüssel fehlt" in texts(at.sidebar.markdown)
    assert "nicht erreichbar" in texts(at.sidebar.markdown)
    assert fake_openai.requests == []


def test_start_page_explains_schutzstufen_and_use_cases(workbench_env):
    at = load("app.py")
    no_exception(at)
    body = texts(at.markdown)
    assert "Schutzstufe 1" in body and "Schutzstufe 2 (aktuell gewählt)" in body
    assert "Neujahrsempfang planen" in body
    assert "Sponsorenliste abgleichen" in body


def test_sidebar_offers_what_the_stufe_allows(workbench_env, fake_openai):
    at = load("app.py")
    assert at.sidebar.selectbox(key="endpoint_id").options == ["Lokales Ollama"]
    blocked = texts(at.sidebar.caption)
    assert "OpenAI (öffentliche API)" in blocked and "Schutzstufe 2" in blocked
    assert fake_openai.requests == []

    # AppTest does not re-render an st.navigation sidebar on reruns (the browser test clicks it),
    # so a second session starts on Schutzstufe 1.
    at = load("app.py", schutzstufe=1, endpoint_id="openai")
    no_exception(at)
    assert at.sidebar.radio[0].value == 1
    assert at.sidebar.selectbox(key="endpoint_id").options == [
        "Lokales Ollama",
        "OpenAI (öffentliche API)",
    ]
    assert at.sidebar.selectbox(key="endpoint_id").value == "openai"
    assert at.sidebar.selectbox(key="model__openai").value == "gpt-4o-mini"
    assert "gpt-4o" in at.sidebar.selectbox(key="model__openai").options


def test_config_error_is_shown_and_app_still_runs(workbench_env, tmp_path):
    (tmp_path / "workbench.toml").write_text(
        '[[endpoints]]\nid = "rz"\nclassification = "geheim"\n', encoding="utf-8"
    )
    at = load("app.py")
    no_exception(at)
    errors = texts(at.error)
    assert "Konfigurationsfehler" in errors and "workbench.toml" in errors and "classification" in errors
    assert at.sidebar.selectbox(key="endpoint_id").options == ["Lokales Ollama"]


# --- Freier Chat ---------------------------------------------------------------------------------


def test_chat_streams_answer_with_notice_and_downloads(workbench_env, fake_ollama, fake_openai):
    fake_ollama.replies.append(Reply(text="Der Wertstoffhof öffnet um 8 Uhr."))
    at = load("views/chat.py", schutzstufe=2)
    at.chat_input[0].set_value("Wann öffnet der Wertstoffhof?").run()
    no_exception(at)
    assert "Der Wertstoffhof öffnet um 8 Uhr." in texts(at.markdown)
    notice = texts(at.caption)
    assert "Transparenzhinweis" in notice and "llama3.2" in notice and "Schutzstufe 2" in notice
    downloads = at.get("download_button")
    assert len(downloads) >= 3
    assert any("Transparenzhinweis" in block.value for block in at.code)  # the copy block carries it
    assert fake_openai.requests == []


def test_chat_is_multi_turn(workbench_env, fake_ollama):
    fake_ollama.replies.extend([Reply(text="Erste Antwort."), Reply(text="Zweite Antwort.")])
    at = load("views/chat.py", schutzstufe=2)
    at.chat_input[0].set_value("Erste Frage").run()
    at.chat_input[0].set_value("Zweite Frage").run()
    no_exception(at)
    sent = fake_ollama.chat_requests[-1].body["messages"]
    assert [m["content"] for m in sent] == ["Erste Frage", "Erste Antwort.", "Zweite Frage"]
    assert texts(at.caption).count("Transparenzhinweis") == 2


def test_chat_fault_keeps_the_input(workbench_env, fake_ollama):
    fake_ollama.fault = "down"
    at = load("views/chat.py", schutzstufe=2)
    at.chat_input[0].set_value("Bitte fasse den Antrag zusammen.").run()
    no_exception(at)
    assert "ollama serve" in texts(at.error)
    assert at.text_area(key="chat_editor_1").value == "Bitte fasse den Antrag zusammen."
    # Ollama is back: one click sends the kept text.
    fake_ollama.fault = None
    fake_ollama.replies.append(Reply(text="Zusammenfassung."))
    at.button[0].click().run()
    no_exception(at)
    assert "Zusammenfassung." in texts(at.markdown)
    assert fake_ollama.chat_requests[-1].body["messages"][-1]["content"] == "Bitte fasse den Antrag zusammen."


def test_chat_broken_stream_shows_partial_answer_as_incomplete(workbench_env, fake_ollama):
    fake_ollama.replies.append(Reply(chunks=["Der erste Teil. ", "Der zweite Teil. ", "Der Rest."]))
    fake_ollama.fault, fake_ollama.break_after = "break", 2
    at = load("views/chat.py", schutzstufe=2)
    at.chat_input[0].set_value("Erkläre das Verfahren.").run()
    no_exception(at)
    assert "Der erste Teil. Der zweite Teil." in texts(at.markdown)
    assert "Antwort unvollständig" in texts(at.warning)
    assert "unvollständig" in texts(at.caption)


def test_chat_at_stufe_1_can_use_the_public_api(workbench_env, fake_openai):
    fake_openai.replies.append(Reply(text="Antwort der öffentlichen API."))
    at = load("views/chat.py", schutzstufe=1, endpoint_id="openai")
    at.chat_input[0].set_value("Ideen für ein Stadtfest?").run()
    no_exception(at)
    assert "Antwort der öffentlichen API." in texts(at.markdown)
    assert "öffentlicher Dienst" in texts(at.caption)
    assert len(fake_openai.chat_requests) == 1


def test_chat_history_from_stufe_2_never_goes_public(workbench_env, fake_ollama, fake_openai):
    at = load("views/chat.py", schutzstufe=2)
    at.chat_input[0].set_value("Frau Müller, Lindenstraße 12, beschwert sich.").run()
    at.session_state["schutzstufe"] = 1
    at.session_state["endpoint_id"] = "openai"
    at.run()
    assert "Schutzstufe 2" in texts(at.info)
    at.chat_input[0].set_value("Formuliere eine Antwort.").run()
    no_exception(at)
    assert "Schutzstufe 2" in texts(at.error)
    assert at.text_area(key="chat_editor_1").value == "Formuliere eine Antwort."
    assert fake_openai.requests == []


# --- Modelle & Status ----------------------------------------------------------------------------


def test_models_page_lists_endpoints_and_models(workbench_env, fake_openai):
    at = load("views/models.py", schutzstufe=2)
    no_exception(at)
    assert [s.value for s in at.subheader] == ["Lokales Ollama", "OpenAI (öffentliche API)"]
    assert "llama3.2:latest" in at.dataframe[0].value["Modell"].tolist()
    assert "Erreichbar: Ollama" in texts(at.success) and ", 2 Modelle" in texts(at.success)
    assert "Schutzstufe 2" in texts(at.info)
    assert "vorhanden" in texts(at.markdown)
    assert "sk-test" not in texts(at.markdown)
    assert fake_openai.requests == []


def test_models_page_connection_test_and_pull(workbench_env, fake_ollama):
    fake_ollama.replies.append(Reply(text="OK"))
    at = load("views/models.py", schutzstufe=2)
    at.button(key="test_ollama").click().run()
    no_exception(at)
    assert "Antwort: OK" in texts(at.success)
    assert "Transparenzhinweis" in texts(at.caption)

    at.text_input(key="pull_ollama").set_value("phi3:mini").run()
    at.button(key="pull_btn_ollama").click().run()
    no_exception(at)
    assert "„phi3:mini“ ist installiert" in texts(at.success)
    assert "phi3:mini" in fake_ollama.models


def test_models_page_shows_ollama_down(workbench_env, fake_ollama):
    fake_ollama.fault = "down"
    at = load("views/models.py", schutzstufe=2)
    no_exception(at)
    assert "ollama serve" in texts(at.error)


def test_models_page_tests_public_api_at_stufe_1(workbench_env, fake_openai):
    fake_openai.replies.append(Reply(text="OK"))
    at = load("views/models.py", schutzstufe=1)
    at.button(key="test_openai").click().run()
    no_exception(at)
    assert "Antwort: OK" in texts(at.success)
    assert len(fake_openai.chat_requests) == 1


# --- routing walk: at Schutzstufe 2 every page, every button, nothing reaches the public fake ----------


@pytest.mark.parametrize("page", PAGES)
def test_every_page_at_stufe_2_sends_nothing_public(workbench_env, fake_openai, page):
    # Even a session that claims the public endpoint is selected must not reach it.
    at = load(page, schutzstufe=2, endpoint_id="openai")
    no_exception(at)
    for chat in at.chat_input:
        chat.set_value("Antrag von Herrn Nowak, IBAN DE89 3704 0044 0532 0130 00").run()
    for index in range(len(at.button)):
        if index < len(at.button):
            at.button[index].click().run()
    no_exception(at)
    assert fake_openai.requests == []


def test_a_sent_prompt_is_shown_as_typed_not_as_markdown(workbench_env, fake_ollama):
    prompt = (
        "Sehr geehrte Damen und Herren,\nbitte prüfen Sie den Antrag.\n---\nMit freundlichen Grüßen\n# Amt 32"
    )
    fake_ollama.replies.append(Reply(text="**Gern.**"))
    at = load("views/chat.py", schutzstufe=2)
    at.chat_input[0].set_value(prompt).run()
    no_exception(at)
    assert [t.value for t in at.text] == [prompt]  # literal text: line breaks kept, "---" no heading
    assert all(prompt not in m.value for m in at.markdown)
    assert "**Gern.**" in texts(at.markdown)  # the answer is still rendered as Markdown
    at.run()  # and after the next rerun, from the history
    assert [t.value for t in at.text] == [prompt]
