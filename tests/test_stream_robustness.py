"""Streams that break the protocol: typed German errors, partial text kept, one run-log row each,
the conversation locked to the level the turn left at, keys never echoed back.

The fakes write the malformed chunk into a real stream; the real clients parse it.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import API_KEY, ROOT
from tests.fakes import Reply
from workbench.chat import Conversation
from workbench.cli import EXIT_BACKEND, EXIT_INCOMPLETE
from workbench.config import load_settings
from workbench.errors import REDACTED, MalformedResponse, PolicyRefused, StreamRedactor
from workbench.gateway import ChatRequest, Gateway
from workbench.history import RunLog

GARBAGE = {
    "ollama": {
        "broken JSON": b'{"message": {"role": "assistant", "content": "ab\n',
        "wrong type": b'{"message": "kaputt", "done": false}\n',
        "not an object": b"[1, 2]\n",
        "odd field value": b'{"done": "vielleicht"}\n',
    },
    "openai": {
        "broken JSON": b'data: {"choices": [{"delta": {"content": "x"\n\n',
        "wrong type": b'data: {"choices": 5}\n\n',
        "not an object": b"data: [1, 2]\n\n",
        "odd field value": b'data: {"choices": [{"delta": "x", "index": 0}]}\n\n',
    },
}
CASES = [(endpoint, kind) for endpoint, kinds in GARBAGE.items() for kind in kinds]


def _server(endpoint_id, fake_ollama, fake_openai):
    return fake_ollama if endpoint_id == "ollama" else fake_openai


@pytest.fixture
def logged(workbench_env, tmp_path):
    log = RunLog(tmp_path / "runs.sqlite3")
    return Gateway(load_settings(), run_log=log), log


@pytest.mark.parametrize(("endpoint_id", "kind"), CASES)
def test_garbage_before_any_text_is_a_german_error_with_one_row(
    logged, fake_ollama, fake_openai, endpoint_id, kind
):
    gateway, log = logged
    server = _server(endpoint_id, fake_ollama, fake_openai)
    server.replies.append(Reply(chunks=["Hallo ", "Welt"], inject=GARBAGE[endpoint_id][kind], inject_after=0))
    response = gateway.chat(ChatRequest([{"role": "user", "content": "Hallo"}], 1, endpoint_id))
    with pytest.raises(MalformedResponse) as info:
        list(response)
    assert "nicht lesen" in info.value.user_message and info.value.hint
    runs = log.runs()
    assert list(runs["decision"]) == ["fehlgeschlagen"]
    assert list(runs["reason"]) == ["MalformedResponse"]


@pytest.mark.parametrize(("endpoint_id", "kind"), CASES)
def test_garbage_after_text_keeps_the_partial_answer(logged, fake_ollama, fake_openai, endpoint_id, kind):
    gateway, log = logged
    server = _server(endpoint_id, fake_ollama, fake_openai)
    server.replies.append(Reply(chunks=["Erster Teil. ", "Zweiter Teil."], inject=GARBAGE[endpoint_id][kind]))
    result = gateway.chat(ChatRequest([{"role": "user", "content": "Hallo"}], 1, endpoint_id)).result
    assert result.text == "Erster Teil. "
    assert not result.complete and not result.notice.complete
    assert isinstance(result.error, MalformedResponse)
    runs = log.runs()
    assert list(runs["decision"]) == ["gesendet"] and list(runs["complete"]) == [0]


@pytest.mark.parametrize("endpoint_id", ["ollama", "openai"])
def test_a_reader_that_stops_still_leaves_one_row(logged, fake_ollama, fake_openai, endpoint_id):
    gateway, log = logged
    _server(endpoint_id, fake_ollama, fake_openai).replies.append(Reply(chunks=["a ", "b ", "c"]))
    stream = iter(gateway.chat(ChatRequest([{"role": "user", "content": "Hallo"}], 1, endpoint_id)))
    assert next(stream) == "a "
    stream.close()  # e.g. Streamlit stopped the script run while the answer streamed
    assert list(log.runs()["decision"]) == ["fehlgeschlagen"]


@pytest.mark.parametrize(("inject_after", "exit_code"), [(0, EXIT_BACKEND), (1, EXIT_INCOMPLETE)])
def test_cli_reports_garbage_in_german_without_traceback(workbench_env, fake_ollama, inject_after, exit_code):
    fake_ollama.replies.append(
        Reply(
            chunks=["Teil eins. ", "Teil zwei."],
            inject=GARBAGE["ollama"]["broken JSON"],
            inject_after=inject_after,
        )
    )
    done = subprocess.run(
        [sys.executable, "-m", "workbench", "ask", "--schutzstufe", "2", "Hallo"],
        env=workbench_env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == exit_code
    assert "nicht lesen" in done.stderr
    assert "Traceback" not in done.stderr and "JSONDecodeError" not in done.stderr
    if inject_after:
        assert done.stdout.startswith("Teil eins.")


def test_failed_turn_locks_the_conversation_to_stufe_2(gateway, fake_ollama, fake_openai):
    """A Stufe-2 question whose answer was garbage may have reached the service: the history stays at 2."""
    fake_ollama.replies.append(Reply(chunks=["x"], inject=GARBAGE["ollama"]["wrong type"], inject_after=0))
    conversation = Conversation()
    turn = conversation.ask(gateway, "Vertraulich: Projekt Falke 4711", 2, "ollama", None)
    with pytest.raises(MalformedResponse):
        list(turn)
    assert conversation.entries == []  # the question is not kept as answered
    assert conversation.is_locked_to_stufe_2(1)
    with pytest.raises(PolicyRefused):
        conversation.ask(gateway, "Bitte fasse das zusammen", 1, "openai", None)
    assert fake_openai.requests == []


def test_a_stopped_turn_locks_too_and_is_dropped(gateway, fake_ollama):
    fake_ollama.replies.append(Reply(chunks=["a ", "b"]))
    conversation = Conversation()
    stream = iter(conversation.ask(gateway, "Geheim", 2, "ollama", None))
    next(stream)
    stream.close()
    assert conversation.entries == [] and conversation.highest_schutzstufe == 2


def test_answered_turn_is_filed_once(gateway, fake_ollama):
    fake_ollama.replies.append(Reply(text="Antwort."))
    conversation = Conversation()
    turn = conversation.ask(gateway, "Frage", 2, "ollama", None)
    assert "".join(turn) == "Antwort."
    assert turn.result.text == "Antwort."
    assert [(e.role, e.content) for e in conversation.entries] == [
        ("user", "Frage"),
        ("assistant", "Antwort."),
    ]


@pytest.mark.parametrize("endpoint_id", ["ollama", "openai"])
def test_a_key_echoed_as_answer_text_is_redacted(logged, fake_ollama, fake_openai, endpoint_id):
    gateway, _ = logged
    half = len(API_KEY) // 2
    _server(endpoint_id, fake_ollama, fake_openai).replies.append(
        Reply(chunks=["Ihr Schlüssel lautet ", API_KEY[:half], API_KEY[half:], " – bitte geheim halten."])
    )
    response = gateway.chat(ChatRequest([{"role": "user", "content": "Hallo"}], 1, endpoint_id))
    shown = "".join(response)
    assert API_KEY not in shown and REDACTED in shown
    assert response.result.text == shown
    assert API_KEY not in response.result.markdown() and API_KEY not in response.result.json()


@pytest.mark.parametrize(
    "chunks",
    [["abc", "def"], ["sk-te", "st-12", "34 ende"], ["sk-test-123", "x sk-test-1234"], ["sk-test-12", ""]],
)
def test_stream_redactor_holds_back_only_possible_key_starts(chunks):
    redactor = StreamRedactor(["sk-test-1234"])
    out = "".join(redactor.feed(c) for c in chunks) + redactor.flush()
    assert out == "".join(chunks).replace("sk-test-1234", REDACTED)
