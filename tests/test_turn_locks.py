"""Screens in AppTest, as an unlucky user or an attacker would use them: a failed or held-back turn
never opens a way for Stufe-2 data to a public service, and follow-ups wait for an answer."""

from __future__ import annotations

from tests.fakes import Reply
from tests.test_pages import load, no_exception, texts

BROKEN_CHUNK = b'{"message": {"role": "assistant", "content": "ab\n'
SECRET = "Vertraulich: Projekt Falke 4711"
IBAN = "DE89 3704 0044 0532 0130 00"


def _to_public(at) -> None:
    at.session_state["schutzstufe"] = 1
    at.session_state["endpoint_id"] = "openai"


def test_chat_failed_turn_keeps_the_text_and_the_lock(workbench_env, fake_ollama, fake_openai):
    fake_ollama.replies.append(Reply(chunks=["x"], inject=BROKEN_CHUNK, inject_after=0))
    at = load("views/chat.py", schutzstufe=2)
    at.chat_input(key="chat_input").set_value(SECRET).run()
    no_exception(at)
    assert "nicht lesen" in texts(at.error)
    assert at.text_area(key="chat_editor_1").value == SECRET  # nothing typed is lost
    assert len(fake_ollama.chat_requests) == 1

    _to_public(at)
    at.run()
    at.chat_input(key="chat_input").set_value("Bitte fasse das zusammen").run()
    no_exception(at)
    assert "bleibt deshalb auf Schutzstufe 2" in texts(at.info)
    assert "Schutzstufe 2" in texts(at.error)  # refused, with the reason
    assert fake_openai.requests == []


def test_use_case_failed_turn_locks_the_exercise(workbench_env, fake_ollama, fake_openai):
    fake_ollama.replies.append(Reply(chunks=["x"], inject=BROKEN_CHUNK, inject_after=0))
    at = load("views/usecase.py", usecase_id="pressemitteilung", schutzstufe=2)
    at.text_area(key="uc_pressemitteilung_field_fakten").set_value(SECRET)
    at.button(key="uc_pressemitteilung_send_btn").click().run()
    no_exception(at)
    assert "nicht lesen" in texts(at.error)
    assert not [b for b in at.button if b.key and b.key.startswith("uc_pressemitteilung_fu_")]

    _to_public(at)
    at.run()
    at.button(key="uc_pressemitteilung_send_btn").click().run()  # the same exercise, now "public"
    no_exception(at)
    assert fake_openai.requests == []
    assert len(fake_ollama.chat_requests) == 1


def test_no_follow_up_after_a_privacy_hold_back(workbench_env, fake_ollama, fake_openai):
    at = load("views/usecase.py", usecase_id="pressemitteilung", schutzstufe=1, endpoint_id="openai")
    at.text_area(key="uc_pressemitteilung_field_fakten").set_value(f"Spenden bitte an {IBAN}.")
    at.button(key="uc_pressemitteilung_send_btn").click().run()
    no_exception(at)
    assert "Personenbezogene Daten gefunden" in texts(at.warning)
    # no answer yet: no refinement could build on it, so none is offered
    assert not [b for b in at.button if b.key and b.key.startswith("uc_pressemitteilung_fu_")]
    assert fake_openai.requests == []


def test_follow_ups_wait_while_the_last_question_is_unresolved(workbench_env, fake_ollama, fake_openai):
    fake_ollama.replies.append(Reply(text="Erste Fassung."))
    at = load("views/usecase.py", usecase_id="pressemitteilung", schutzstufe=2)
    at.button(key="uc_pressemitteilung_send_btn").click().run()
    followups = [b for b in at.button if b.key and b.key.startswith("uc_pressemitteilung_fu_")]
    assert followups and not any(b.disabled for b in followups)

    fake_ollama.fault = "down"
    followups[0].click().run()
    no_exception(at)
    assert "nicht erreichbar" in texts(at.error)
    followups = [b for b in at.button if b.key and b.key.startswith("uc_pressemitteilung_fu_")]
    assert followups and all(b.disabled for b in followups)
    assert at.chat_input(key="uc_pressemitteilung_chat").disabled
    assert fake_openai.requests == []
