"""The choke point against protocol-level fakes: streaming, metrics, faults, routing."""

from __future__ import annotations

import threading
import time

import pytest

from tests.conftest import API_KEY
from tests.fakes import Reply
from workbench.config import load_settings
from workbench.errors import (
    AuthenticationFailed,
    BackendTimeout,
    EndpointUnreachable,
    ModelNotFound,
    PolicyRefused,
    RateLimited,
    ServerFailure,
    WorkbenchError,
)
from workbench.gateway import ChatRequest, Gateway
from workbench.policy import Schutzstufe

QUESTION = [{"role": "user", "content": "Wie beantrage ich einen Bewohnerparkausweis?"}]


def ask(gateway: Gateway, endpoint_id: str, schutzstufe=2, model=None, messages=QUESTION):
    return gateway.chat(ChatRequest(messages, schutzstufe, endpoint_id, model=model, purpose="test"))


@pytest.mark.parametrize("endpoint_id", ["ollama", "openai"])
def test_streams_chunks_with_usage_and_notice(gateway, fake_ollama, fake_openai, endpoint_id):
    server = fake_ollama if endpoint_id == "ollama" else fake_openai
    server.replies.append(Reply(chunks=["Den ", "Ausweis ", "beantragen ", "Sie online."], prompt_tokens=17))
    response = ask(gateway, endpoint_id, schutzstufe=1)
    chunks = list(response)
    assert chunks == ["Den ", "Ausweis ", "beantragen ", "Sie online."]
    result = response.result
    assert result.text == "Den Ausweis beantragen Sie online."
    assert result.complete and result.error is None
    assert result.usage.prompt_tokens == 17
    assert result.usage.completion_tokens == 4
    assert result.ttft_s is not None and 0 <= result.ttft_s <= result.total_s
    assert result.notice.ai_generated
    assert result.notice.endpoint_id == endpoint_id
    assert result.notice.schutzstufe == 1
    assert result.notice.model == result.model
    # the request really carried the conversation
    assert server.chat_requests[-1].body["messages"][-1]["content"] == QUESTION[0]["content"]
    # replays after the first pass
    assert list(response) == chunks


def test_default_model_is_used(gateway, fake_ollama):
    assert ask(gateway, "ollama").result.complete
    assert fake_ollama.chat_requests[-1].body["model"] == "llama3.2"


def test_stufe_2_never_reaches_the_public_endpoint(gateway, fake_openai):
    with pytest.raises(PolicyRefused) as info:
        ask(gateway, "openai", schutzstufe=2)
    assert "Schutzstufe 2" in info.value.user_message
    assert info.value.decision.code == "public_endpoint_at_stufe_2"
    status = gateway.status("openai", 2)
    assert not status.checked
    with pytest.raises(PolicyRefused):
        gateway.list_models("openai", 2)
    with pytest.raises(PolicyRefused):
        gateway.pull("openai", "gpt-4o", 2)
    assert fake_openai.requests == []


@pytest.mark.parametrize("level", [None, 0, 3, "zwei", True])
def test_invalid_schutzstufe_fails_closed(gateway, fake_ollama, fake_openai, level):
    for endpoint_id in ("ollama", "openai"):
        with pytest.raises(PolicyRefused):
            ask(gateway, endpoint_id, schutzstufe=level)
    assert fake_ollama.requests == [] and fake_openai.requests == []


def test_unknown_endpoint_is_refused(gateway):
    with pytest.raises(PolicyRefused) as info:
        ask(gateway, "gibt-es-nicht", schutzstufe=1)
    assert info.value.decision.code == "unknown_endpoint"


def test_missing_key_is_explained(workbench_env, monkeypatch, fake_openai):
    monkeypatch.delenv("OPENAI_API_KEY")
    gateway = Gateway(load_settings())
    with pytest.raises(WorkbenchError) as info:
        ask(gateway, "openai", schutzstufe=1)
    assert "OPENAI_API_KEY" in info.value.user_message
    assert fake_openai.requests == []
    option = next(o for o in gateway.options(1) if o.endpoint.id == "openai")
    assert not option.usable and "OPENAI_API_KEY" in option.reason


def test_approved_gateway_is_allowed_at_stufe_2(workbench_env, fake_openai, tmp_path, monkeypatch):
    config = tmp_path / "workbench.toml"
    config.write_text(
        f'[[endpoints]]\nid = "rz"\nlabel = "RZ-Gateway"\nkind = "openai"\nbase_url = "{fake_openai.url}"\n'
        f'model = "gpt-4o-mini"\napi_key_env = "RZ_KEY"\nclassification = "lokal"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("RZ_KEY", API_KEY)
    gateway = Gateway(load_settings())
    result = ask(gateway, "rz", schutzstufe=2).result
    assert result.complete
    assert result.notice.to_dict()["location"] == "lokal"
    assert fake_openai.chat_requests[-1].header("authorization") == f"Bearer {API_KEY}"


FAULTS = [
    # (endpoint, fault, error type, words the German message must contain)
    ("ollama", "down", EndpointUnreachable, "ollama serve"),
    ("ollama", "unknown_model", ModelNotFound, "ollama pull llama3.2"),
    ("ollama", "server_error", ServerFailure, "Serverfehler"),
    ("ollama", "rate_limit", RateLimited, "429"),
    ("ollama", "unauthorized", AuthenticationFailed, "Zugang"),
    ("openai", "down", EndpointUnreachable, "nicht erreichbar"),
    ("openai", "unknown_model", ModelNotFound, "nicht verfügbar"),
    ("openai", "unauthorized", AuthenticationFailed, "OPENAI_API_KEY"),
    ("openai", "rate_limit", RateLimited, "429"),
    ("openai", "server_error", ServerFailure, "Serverfehler"),
]


@pytest.mark.parametrize(("endpoint_id", "fault", "error_type", "words"), FAULTS)
def test_faults_become_german_errors(
    gateway, fake_ollama, fake_openai, endpoint_id, fault, error_type, words
):
    server = fake_ollama if endpoint_id == "ollama" else fake_openai
    server.retry_after = "0.01" if endpoint_id == "openai" else None
    server.fault = fault
    with pytest.raises(error_type) as info:
        list(ask(gateway, endpoint_id, schutzstufe=1))
    message = info.value.display()
    assert words in message
    assert API_KEY not in message and API_KEY[-4:] not in message  # not even the masked key
    assert info.value.hint  # every error says how to fix it


def test_unknown_model_names_the_pull_command(gateway, fake_ollama):
    with pytest.raises(ModelNotFound) as info:
        list(ask(gateway, "ollama", model="qwen2.5:7b"))
    assert "`ollama pull qwen2.5:7b`" in info.value.hint


@pytest.mark.parametrize("endpoint_id", ["ollama", "openai"])
def test_timeout(workbench_env, fake_ollama, fake_openai, tmp_path, endpoint_id):
    server = fake_ollama if endpoint_id == "ollama" else fake_openai
    (tmp_path / "workbench.toml").write_text(
        f'[[endpoints]]\nid = "{endpoint_id}"\ntimeout = 0.3\n', encoding="utf-8"
    )
    gateway = Gateway(load_settings())
    server.fault, server.delay = "slow", 3
    with pytest.raises(BackendTimeout) as info:
        list(ask(gateway, endpoint_id, schutzstufe=1))
    assert "nicht rechtzeitig" in info.value.user_message


@pytest.mark.parametrize("endpoint_id", ["ollama", "openai"])
def test_broken_stream_keeps_partial_text(gateway, fake_ollama, fake_openai, endpoint_id):
    server = fake_ollama if endpoint_id == "ollama" else fake_openai
    server.replies.append(Reply(chunks=["Erstens ", "zweitens ", "drittens ", "viertens"]))
    server.fault, server.break_after = "break", 2
    response = ask(gateway, endpoint_id, schutzstufe=1)
    assert list(response) == ["Erstens ", "zweitens "]
    result = response.result
    assert result.text == "Erstens zweitens "
    assert not result.complete
    assert "brach" in result.error.user_message
    assert not result.notice.complete
    assert "unvollständig" in result.markdown()


def test_status_lists_models_and_version(gateway, fake_ollama, fake_openai):
    status = gateway.status("ollama", 2)
    assert status.reachable and status.version.startswith("Ollama")
    assert [m.name for m in status.models] == ["llama3.2:latest", "mistral:latest"]
    public = gateway.status("openai", 1)
    assert public.reachable
    assert [m.name for m in public.models] == ["gpt-4o", "gpt-4o-mini"]
    assert public.summary == "OpenAI-kompatibel, 2 Modelle"
    assert [r.path for r in fake_openai.requests] == ["/v1/models"]  # the model list is fetched once


def test_status_of_public_api_with_revoked_key(gateway, fake_openai):
    fake_openai.fault = "unauthorized"
    status = gateway.status("openai", 1)
    assert status.checked and not status.reachable
    assert "Schlüssel" in status.error.user_message + status.error.hint


def test_status_of_unreachable_ollama(gateway, fake_ollama):
    fake_ollama.fault = "down"
    status = gateway.status("ollama", 2)
    assert status.checked and not status.reachable
    assert "ollama serve" in status.error.hint


def test_pull_reports_progress(gateway, fake_ollama):
    steps = list(gateway.pull("ollama", "qwen2.5:0.5b", 2))
    assert steps[-1].status == "success"
    fractions = [s.fraction for s in steps if s.fraction is not None]
    assert fractions and all(0.0 <= f <= 1.0 for f in fractions) and fractions[-1] == 1.0
    assert {"pulling manifest", "verifying sha256 digest"} <= {s.status for s in steps}
    assert "qwen2.5:0.5b" in [m.name for m in gateway.list_models("ollama", 2)]


def test_pull_of_unknown_model(gateway, fake_ollama):
    fake_ollama.unpullable.add("gibtsnicht")
    with pytest.raises(ModelNotFound):
        list(gateway.pull("ollama", "gibtsnicht", 2))


def test_api_key_never_in_logs(gateway, fake_openai, caplog):
    fake_openai.fault = "unauthorized"
    with caplog.at_level("DEBUG"), pytest.raises(AuthenticationFailed):
        list(ask(gateway, "openai", schutzstufe=1))
    assert caplog.records  # decisions are logged …
    assert API_KEY not in caplog.text and API_KEY[-4:] not in caplog.text  # … keys never
    assert QUESTION[0]["content"] not in caplog.text  # nor what the user wrote


def test_console_script_is_declared():
    from importlib.metadata import entry_points

    (script,) = entry_points(group="console_scripts", name="workbench")
    assert script.value == "workbench.cli:main"


class Switch:
    """The person's Schutzstufe switch as the app session holds it: readable at any moment."""

    def __init__(self, level: Schutzstufe) -> None:
        self.level = level

    def __call__(self) -> Schutzstufe:
        return self.level


def _wait_for_request(server, count: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while len(server.requests) < count:
        assert time.monotonic() < deadline, "the fake server got no request"
        time.sleep(0.01)


@pytest.mark.parametrize("switch_to_2", [True, False])
def test_status_checks_under_way_reach_no_public_endpoint_after_the_switch(
    workbench_env, fake_ollama, fake_openai, switch_to_2
):
    """A script run checks every endpoint in turn at the level it started with (1); the person switches
    to 2 while the local check is still under way. The public check that follows must not go out."""
    switch = Switch(Schutzstufe.ONE)
    gw = Gateway(load_settings(), live_schutzstufe=switch)
    fake_ollama.fault, fake_ollama.delay = "slow", 0.4
    outcome: dict[str, object] = {}

    def script_run() -> None:
        outcome["ollama"] = gw.status("ollama", 1)
        try:
            outcome["openai"] = gw.status("openai", 1)
        except PolicyRefused as exc:
            outcome["openai"] = exc

    worker = threading.Thread(target=script_run)
    worker.start()
    _wait_for_request(fake_ollama, 1)  # the local status check is on its way
    if switch_to_2:
        switch.level = Schutzstufe.TWO
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert outcome["ollama"].reachable  # local services stay allowed at both levels
    if switch_to_2:
        assert isinstance(outcome["openai"], PolicyRefused)
        assert "Schutzstufe 2" in outcome["openai"].user_message
        assert fake_openai.requests == []
    else:  # the same run without the switch does reach the public service: the check above can fail
        assert outcome["openai"].reachable
        assert [r.path for r in fake_openai.requests] == ["/v1/models"]


def test_an_answer_started_after_the_switch_is_refused(workbench_env, fake_openai, tmp_path):
    """`chat()` said yes at Schutzstufe 1; the stream is lazy and starts only after the switch to 2."""
    from workbench.history import RunLog

    switch = Switch(Schutzstufe.ONE)
    log = RunLog(tmp_path / "log.sqlite3")
    gw = Gateway(load_settings(), run_log=log, live_schutzstufe=switch)
    response = ask(gw, "openai", schutzstufe=1)
    switch.level = Schutzstufe.TWO
    with pytest.raises(PolicyRefused):
        list(response)
    assert fake_openai.requests == []
    runs = log.runs()
    assert list(runs["decision"]) == ["abgelehnt"]
    assert runs["prompt_text"].isna().all()  # a refused request keeps no text


def test_requests_made_after_the_switch_are_refused_everywhere(workbench_env, fake_ollama, fake_openai):
    switch = Switch(Schutzstufe.TWO)
    gw = Gateway(load_settings(), live_schutzstufe=switch)
    for attempt in (
        lambda: ask(gw, "openai", schutzstufe=1),
        lambda: gw.status("openai", 1),
        lambda: gw.list_models("openai", 1),
        lambda: gw.capabilities("openai", None, 1),
        lambda: list(gw.pull("openai", "gpt-4o", 1)),
    ):
        with pytest.raises(PolicyRefused):
            attempt()
    assert fake_openai.requests == []
    assert ask(gw, "ollama", schutzstufe=1).result.complete  # local services are not affected


def test_a_model_download_checks_the_level_again_when_it_starts(workbench_env, fake_openai):
    switch = Switch(Schutzstufe.ONE)
    gw = Gateway(load_settings(), live_schutzstufe=switch)
    download = gw.pull("openai", "gpt-4o", 1)  # allowed now; nothing is sent until it is iterated
    switch.level = Schutzstufe.TWO
    with pytest.raises(PolicyRefused):
        list(download)
    assert fake_openai.requests == []


def test_a_conversation_locked_to_stufe_2_is_not_told_to_switch_to_stufe_1(workbench_env, fake_openai):
    """The person is at 1 already; the request is at 2 because its history went out at 2."""
    locked = Gateway(load_settings(), live_schutzstufe=lambda: Schutzstufe.ONE)
    with pytest.raises(PolicyRefused) as refused:
        locked.chat(ChatRequest([{"role": "user", "content": "Und weiter?"}], 2, "openai"))
    hint = refused.value.display()
    assert "wechseln Sie zu Schutzstufe 1" not in hint
    assert "Sie sind auf Schutzstufe 1" in hint and "bleibt deshalb auf Schutzstufe 2" in hint
    assert fake_openai.requests == []
    at_two = Gateway(load_settings(), live_schutzstufe=lambda: Schutzstufe.TWO)
    with pytest.raises(PolicyRefused) as plain:
        at_two.chat(ChatRequest([{"role": "user", "content": "Hallo"}], 2, "openai"))
    assert "wechseln Sie zu Schutzstufe 1" in plain.value.display()  # right for a person at 2
