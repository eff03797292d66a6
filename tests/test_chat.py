"""The conversation model behind "Freier Chat": history, the Stufe-2 lock, exports with notices."""

import json

import pytest

from tests.fakes import Reply
from workbench.chat import Conversation
from workbench.errors import PolicyRefused


def test_history_is_sent_and_exports_carry_every_notice(gateway, fake_ollama):
    fake_ollama.replies.extend([Reply(text="Antwort eins."), Reply(text="Antwort zwei.")])
    conversation = Conversation()
    for prompt in ("Frage eins", "Frage zwei"):
        request = conversation.request(prompt, 2, "ollama", None)
        conversation.add_user(prompt)
        conversation.add_result(gateway.chat(request).result)
    assert [m["content"] for m in fake_ollama.chat_requests[-1].body["messages"]] == [
        "Frage eins",
        "Antwort eins.",
        "Frage zwei",
    ]
    markdown = conversation.export_markdown()
    assert markdown.count("**Transparenzhinweis:**") == 2
    assert "ai_generated: true" in markdown
    assert conversation.export_text().count("Transparenzhinweis") == 2
    messages = json.loads(conversation.export_json())["messages"]
    assert [m["transparency"]["schutzstufe"] for m in messages if m["role"] == "assistant"] == [2, 2]


def test_stufe_2_history_stays_at_stufe_2(gateway, fake_ollama, fake_openai):
    conversation = Conversation()
    request = conversation.request("Herr Nowak, Hauptstr. 5", 2, "ollama", None)
    conversation.add_user("Herr Nowak, Hauptstr. 5")
    conversation.add_result(gateway.chat(request).result)
    assert conversation.is_locked_to_stufe_2(1)
    request = conversation.request("Und jetzt öffentlich?", 1, "openai", None)
    assert int(request.schutzstufe) == 2
    with pytest.raises(PolicyRefused):
        gateway.chat(request)
    assert fake_openai.requests == []


def test_failed_turn_is_dropped_but_escalates(gateway, fake_ollama):
    fake_ollama.fault = "down"
    conversation = Conversation()
    request = conversation.request("Geheimer Vorgang", 2, "ollama", None)
    entry = conversation.add_user("Geheimer Vorgang")
    with pytest.raises(Exception):  # noqa: B017 - any workbench error
        list(gateway.chat(request))
    conversation.discard_failed(entry, request.schutzstufe)
    assert conversation.entries == []
    assert conversation.highest_schutzstufe == 2  # it may have left the page, so the history is Stufe 2
