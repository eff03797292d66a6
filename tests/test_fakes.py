"""The fake servers speak the real protocols: proven with the real client libraries.

Observed client behaviour per fault (ollama 0.6.3 / openai 3.54, pinned below):

=================  ==========================================  ===================================
fault              ollama.Client                               openai.OpenAI (max_retries=0)
=================  ==========================================  ===================================
down               stream=True: httpx.ConnectError on first    APIConnectionError
                   next(); otherwise builtin ConnectionError   (cause: httpx2.ConnectError)
unknown_model      ResponseError, status_code 404              NotFoundError (404)
unauthorized       ResponseError, status_code 401              AuthenticationError (401)
rate_limit         ResponseError, status_code 429              RateLimitError (429)
server_error       ResponseError, status_code 500              InternalServerError (500)
slow (timeout)     httpx.ReadTimeout (raw, never wrapped)      APITimeoutError (cause: ReadTimeout)
break (stream)     httpx.RemoteProtocolError during iteration  APIConnectionError during iteration
break (no stream)  httpx.RemoteProtocolError                   APIConnectionError
pull error line    ResponseError, status_code -1               -
=================  ==========================================  ===================================
"""

from __future__ import annotations

import contextlib
import json
import threading
import time

import httpx
import ollama
import openai
import pytest

from tests.fakes import FakeOllama, FakeOpenAI, RecordedRequest, Reply, mask_api_key, split_text

MESSAGES = [
    {"role": "system", "content": "Du bist hilfsbereit."},
    {"role": "user", "content": "Wie ist das Wetter in Berlin?"},
]
PROMPT_WORDS = 3 + 6
KEY = "sk-test-1234"


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # A proxy from the environment must never see loopback test traffic.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
def osrv():
    with FakeOllama(models=["llama3.2:latest", "mistral:7b"]) as srv:
        yield srv


@pytest.fixture
def oclient(osrv: FakeOllama):
    with ollama.Client(host=osrv.url, timeout=5) as client:
        yield client


@pytest.fixture
def asrv():
    with FakeOpenAI() as srv:
        yield srv


@pytest.fixture
def aclient(asrv: FakeOpenAI):
    with openai.OpenAI(base_url=asrv.url, api_key=KEY, max_retries=0, timeout=5) as client:
        yield client


@pytest.fixture
def closing():
    """``closing(client)`` returns the client and closes it at teardown."""
    with contextlib.ExitStack() as stack:
        yield stack.enter_context


def _refused(url: str) -> None:
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, timeout=2)


# --- shared pieces -----------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "Hallo", "Hallo Welt", "  a  b\n\nc ", "Zeile 1\nZeile 2\n", " "])
def test_split_text_keeps_every_character(text: str) -> None:
    assert "".join(split_text(text)) == text
    assert all(piece for piece in split_text(text))


def test_reply_uses_explicit_chunks() -> None:
    reply = Reply(text="ignored", chunks=["Hal", "lo"])
    assert reply.pieces() == ["Hal", "lo"]
    assert reply.full_text == "Hallo"


def test_mask_api_key_keeps_only_the_ends() -> None:
    assert mask_api_key("sk-test-1234") == "sk-te***1234"
    assert mask_api_key("short") == "*****"


def test_url_and_port(osrv: FakeOllama, asrv: FakeOpenAI) -> None:
    assert osrv.url == f"http://127.0.0.1:{osrv.port}"
    assert asrv.url == f"http://127.0.0.1:{asrv.port}/v1"
    assert osrv.port != asrv.port


def test_unknown_fault_name_is_rejected(osrv: FakeOllama) -> None:
    with pytest.raises(ValueError, match="unknown fault"):
        osrv.fault = "explode"


# --- Ollama: normal operation ---------------------------------------------------------


def test_ollama_streamed_chat(osrv: FakeOllama, oclient: ollama.Client) -> None:
    osrv.replies.append(Reply(text="Hallo Welt, wie geht es dir?"))
    parts = list(oclient.chat(model="llama3.2", messages=MESSAGES, stream=True))

    content = [p.message.content for p in parts if not p.done]
    assert len(content) == 6
    assert "".join(p.message.content or "" for p in parts) == "Hallo Welt, wie geht es dir?"
    final = parts[-1]
    assert final.done is True
    assert final.done_reason == "stop"
    assert final.prompt_eval_count == PROMPT_WORDS
    assert final.eval_count == 6
    assert final.model == "llama3.2"  # echoes the requested name like Ollama
    assert all(not p.done for p in parts[:-1])


def test_ollama_non_streamed_chat_with_explicit_counts(osrv: FakeOllama, oclient: ollama.Client) -> None:
    osrv.replies.append(Reply(chunks=["Ant", "wort"], prompt_tokens=42, completion_tokens=7))
    response = oclient.chat(model="llama3.2:latest", messages=MESSAGES)
    assert response.message.content == "Antwort"
    assert response.done is True
    assert response.prompt_eval_count == 42
    assert response.eval_count == 7
    assert osrv.chat_requests[0].body["stream"] is False


def test_ollama_replies_are_fifo_then_default(osrv: FakeOllama, oclient: ollama.Client) -> None:
    osrv.replies.extend([Reply(text="eins"), Reply(text="zwei")])
    texts = [oclient.chat(model="llama3.2", messages=MESSAGES).message.content for _ in range(3)]
    assert texts == ["eins", "zwei", "Dies ist eine Testantwort der Fake-Instanz."]
    osrv.default_reply = Reply(text="anders")
    assert oclient.chat(model="llama3.2", messages=MESSAGES).message.content == "anders"


def test_ollama_stream_is_default_when_absent(osrv: FakeOllama) -> None:
    # The raw protocol: no "stream" key means NDJSON streaming with chunked encoding.
    with httpx.stream(
        "POST", f"{osrv.url}/api/chat", json={"model": "llama3.2", "messages": MESSAGES}, timeout=5
    ) as response:
        assert response.headers["content-type"] == "application/x-ndjson"
        assert response.headers["transfer-encoding"] == "chunked"
        lines = [json.loads(line) for line in response.iter_lines() if line]
    assert len(lines) > 2
    assert lines[-1]["done"] is True
    assert {"total_duration", "load_duration", "eval_count"} <= lines[-1].keys()


def test_ollama_scripted_tool_calls(osrv: FakeOllama, oclient: ollama.Client) -> None:
    call = {"name": "get_weather", "arguments": {"city": "Berlin", "days": 2}}
    osrv.replies.append(Reply(tool_calls=[call]))
    parts = list(oclient.chat(model="llama3.2", messages=MESSAGES, stream=True))
    calls = [tc for p in parts for tc in (p.message.tool_calls or [])]
    assert len(calls) == 1
    assert calls[0].function.name == "get_weather"
    assert calls[0].function.arguments == {"city": "Berlin", "days": 2}

    osrv.replies.append(Reply(text="", tool_calls=[call]))
    message = oclient.chat(model="llama3.2", messages=MESSAGES).message
    assert message.tool_calls[0].function.arguments == {"city": "Berlin", "days": 2}


def test_ollama_list_show_version(osrv: FakeOllama, oclient: ollama.Client) -> None:
    models = oclient.list().models
    assert [m.model for m in models] == ["llama3.2:latest", "mistral:7b"]
    assert models[0].details.family == "llama"
    assert len(models[0].digest) == 64

    osrv.capabilities["mistral:7b"] = ["completion"]
    shown = oclient.show("mistral:7b")
    assert shown.capabilities == ["completion"]
    assert oclient.show("llama3.2").capabilities == ["completion", "tools"]
    assert shown.modelinfo["general.architecture"] == "mistral"

    assert httpx.get(f"{osrv.url}/api/version").json() == {"version": "0.6.5"}
    root = httpx.get(osrv.url + "/")
    assert root.text == "Ollama is running"
    assert httpx.head(osrv.url + "/").status_code == 200


def test_ollama_models_as_mapping_with_capabilities(closing) -> None:
    with FakeOllama(models={"llava:latest": ["completion", "vision"]}) as srv:
        client = closing(ollama.Client(host=srv.url, timeout=5))
        assert client.show("llava").capabilities == ["completion", "vision"]


def test_ollama_pull_streams_progress_and_adds_model(osrv: FakeOllama, oclient: ollama.Client) -> None:
    progress = list(oclient.pull("qwen2.5:7b", stream=True))
    statuses = [p.status for p in progress]
    assert statuses[0] == "pulling manifest"
    assert statuses[-3:] == ["verifying sha256 digest", "writing manifest", "success"]
    layer = [p for p in progress if p.digest]
    assert layer and all(p.total and p.completed is not None for p in layer)
    assert layer[0].completed < layer[2].completed == layer[2].total
    assert "qwen2.5:7b" in [m.model for m in oclient.list().models]
    # the tag defaults to latest, as in Ollama
    oclient.pull("phi3")
    assert "phi3:latest" in osrv.models


def test_ollama_pull_failure(osrv: FakeOllama, oclient: ollama.Client) -> None:
    osrv.unpullable.add("gibtsnicht")
    statuses = []
    with pytest.raises(ollama.ResponseError) as err:
        for p in oclient.pull("gibtsnicht", stream=True):
            statuses.append(p.status)
    assert statuses == ["pulling manifest"]
    assert err.value.error == "pull model manifest: file does not exist"
    assert err.value.status_code == -1  # an error line inside a 200 stream has no status

    with pytest.raises(ollama.ResponseError) as err:
        oclient.pull("gibtsnicht")
    assert err.value.status_code == 500
    assert "gibtsnicht:latest" not in osrv.models


def test_ollama_unknown_path(osrv: FakeOllama) -> None:
    response = httpx.post(f"{osrv.url}/api/nope", json={})
    assert response.status_code == 404


# --- Ollama: faults -------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True])
def test_ollama_unknown_model(osrv: FakeOllama, oclient: ollama.Client, stream: bool) -> None:
    with pytest.raises(ollama.ResponseError) as err:
        result = oclient.chat(model="llama9", messages=MESSAGES, stream=stream)
        if stream:
            list(result)
    assert err.value.status_code == 404
    assert err.value.error == 'model "llama9" not found, try pulling it first'
    with pytest.raises(ollama.ResponseError) as err:
        oclient.show("llama9")
    assert err.value.status_code == 404


def test_ollama_unknown_model_fault(osrv: FakeOllama, oclient: ollama.Client) -> None:
    osrv.fault = "unknown_model"
    with pytest.raises(ollama.ResponseError) as err:
        oclient.chat(model="llama3.2", messages=MESSAGES)
    assert err.value.status_code == 404
    assert len(oclient.list().models) == 2  # not model-bound: unaffected


@pytest.mark.parametrize(
    ("fault", "status", "error"),
    [
        ("unauthorized", 401, "unauthorized"),
        ("rate_limit", 429, "too many requests"),
        ("server_error", 500, "internal server error"),
    ],
)
@pytest.mark.parametrize("stream", [False, True])
def test_ollama_error_faults(
    osrv: FakeOllama, oclient: ollama.Client, fault: str, status: int, error: str, stream: bool
) -> None:
    osrv.replies.append(Reply(text="kept"))
    osrv.fault = fault
    with pytest.raises(ollama.ResponseError) as err:
        result = oclient.chat(model="llama3.2", messages=MESSAGES, stream=stream)
        if stream:
            list(result)
    assert (err.value.status_code, err.value.error) == (status, error)
    with pytest.raises(ollama.ResponseError):
        oclient.list()  # fault_scope "all"
    osrv.fault = None
    assert oclient.chat(model="llama3.2", messages=MESSAGES).message.content == "kept"


def test_ollama_fault_scope_and_times(osrv: FakeOllama, oclient: ollama.Client) -> None:
    osrv.fault = "server_error"
    osrv.fault_scope = "chat"
    osrv.fault_times = 2
    assert oclient.list().models  # not hit by the fault, not counted
    for _ in range(2):
        with pytest.raises(ollama.ResponseError):
            oclient.chat(model="llama3.2", messages=MESSAGES)
    assert osrv.fault is None
    assert oclient.chat(model="llama3.2", messages=MESSAGES).done


def test_ollama_down(osrv: FakeOllama, oclient: ollama.Client) -> None:
    assert oclient.list().models  # leaves a pooled keep-alive connection behind
    osrv.fault = "down"
    _refused(osrv.url)
    # stream=True: the generator calls httpx directly, so the raw httpx error escapes.
    with pytest.raises(httpx.ConnectError):
        next(iter(oclient.chat(model="llama3.2", messages=MESSAGES, stream=True)))
    # stream=False and other calls go through _request_raw: builtin ConnectionError.
    with pytest.raises(ConnectionError, match="Failed to connect to Ollama"):
        oclient.chat(model="llama3.2", messages=MESSAGES)
    with pytest.raises(ConnectionError):
        oclient.list()
    assert [r.path for r in osrv.requests] == ["/api/tags"]  # nothing arrived while down

    osrv.fault = None  # comes back on the same port
    assert oclient.chat(model="llama3.2", messages=MESSAGES).done


def test_stop_refuses_connections() -> None:
    srv = FakeOllama().start()
    url = srv.url
    assert httpx.get(url).status_code == 200
    srv.stop()
    _refused(url)


def test_ollama_break_streaming(osrv: FakeOllama, oclient: ollama.Client) -> None:
    osrv.replies.append(Reply(text="eins zwei drei vier fünf"))
    osrv.fault = "break"
    osrv.break_after = 3
    received = []
    with pytest.raises(httpx.RemoteProtocolError, match="incomplete chunked read"):
        for part in oclient.chat(model="llama3.2", messages=MESSAGES, stream=True):
            received.append(part)
    assert [p.message.content for p in received] == ["eins ", "zwei ", "drei "]
    assert not any(p.done for p in received)


def test_ollama_break_non_streaming(osrv: FakeOllama, oclient: ollama.Client) -> None:
    osrv.fault = "break"
    with pytest.raises(httpx.RemoteProtocolError):
        oclient.chat(model="llama3.2", messages=MESSAGES)


def test_ollama_break_pull(osrv: FakeOllama, oclient: ollama.Client) -> None:
    osrv.fault = "break"
    osrv.break_after = 4
    statuses = []
    with pytest.raises(httpx.RemoteProtocolError):
        for p in oclient.pull("qwen2.5:7b", stream=True):
            statuses.append(p.status)
    assert len(statuses) == 4
    assert "qwen2.5:7b" not in osrv.models


@pytest.mark.parametrize("stream", [False, True])
def test_ollama_slow_times_out(osrv: FakeOllama, closing, stream: bool) -> None:
    osrv.fault = "slow"
    osrv.delay = 2
    client = closing(ollama.Client(host=osrv.url, timeout=0.5))
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):  # never wrapped by the ollama client
        result = client.chat(model="llama3.2", messages=MESSAGES, stream=stream)
        if stream:
            list(result)
    assert time.monotonic() - started < 1.5


def test_slow_does_not_block_and_stop_wakes_sleeper(closing) -> None:
    srv = FakeOllama().start()
    srv.fault = "slow"
    srv.fault_scope = "chat"
    srv.delay = 30
    errors: list[BaseException] = []

    def slow_chat() -> None:
        try:
            with ollama.Client(host=srv.url, timeout=60) as client:
                client.chat(model="llama3.2", messages=MESSAGES)
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=slow_chat, daemon=True)
    worker.start()
    deadline = time.monotonic() + 2
    while not srv.chat_requests and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    assert closing(ollama.Client(host=srv.url, timeout=5)).list().models  # served while chat sleeps
    assert time.monotonic() - started < 0.5

    started = time.monotonic()
    srv.stop()
    worker.join(timeout=2)
    assert time.monotonic() - started < 1
    assert not worker.is_alive()
    assert errors  # the sleeping request was cut, not answered


def test_chunk_delay_spaces_chunks(osrv: FakeOllama, oclient: ollama.Client) -> None:
    osrv.replies.append(Reply(chunks=["a", "b", "c"]))
    osrv.chunk_delay = 0.05
    started = time.monotonic()
    parts = list(oclient.chat(model="llama3.2", messages=MESSAGES, stream=True))
    assert time.monotonic() - started >= 0.15  # 3 gaps between 4 lines
    assert "".join(p.message.content for p in parts) == "abc"


def test_ollama_records_requests(osrv: FakeOllama, oclient: ollama.Client) -> None:
    oclient.list()
    osrv.fault = "rate_limit"
    with pytest.raises(ollama.ResponseError):
        oclient.chat(model="llama3.2", messages=MESSAGES, options={"temperature": 0.2}, keep_alive="5m")

    assert [(r.method, r.path) for r in osrv.requests] == [("GET", "/api/tags"), ("POST", "/api/chat")]
    chat = osrv.chat_requests[0]
    assert isinstance(chat, RecordedRequest)
    assert chat.body["messages"] == MESSAGES
    assert chat.body["options"] == {"temperature": 0.2}
    assert chat.body["keep_alive"] == "5m"
    assert chat.header("User-Agent").startswith("ollama-python/")
    assert chat.headers["content-type"] == "application/json"
    assert chat.time <= time.time()

    osrv.reset()
    assert osrv.requests == [] and osrv.fault is None and osrv.replies == []


def test_handler_errors_are_collected(osrv: FakeOllama, oclient: ollama.Client) -> None:
    osrv.replies.append(Reply(tool_calls=[{"arguments": {}}]))  # "name" missing
    with pytest.raises(httpx.RemoteProtocolError):
        oclient.chat(model="llama3.2", messages=MESSAGES)
    assert [type(e) for e in osrv.errors] == [KeyError]


def test_reset_restores_models_and_revives(osrv: FakeOllama, oclient: ollama.Client) -> None:
    oclient.pull("phi3")
    osrv.fault = "down"
    osrv.reset()
    assert osrv.models == ["llama3.2:latest", "mistral:7b"]
    assert [m.model for m in oclient.list().models] == osrv.models


# --- OpenAI: normal operation --------------------------------------------------------


def test_openai_streamed_chat_with_usage(asrv: FakeOpenAI, aclient: openai.OpenAI) -> None:
    asrv.replies.append(Reply(text="Hallo Welt, wie geht es dir?"))
    chunks = list(
        aclient.chat.completions.create(
            model="gpt-4o-mini", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
        )
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Hallo Welt, wie geht es dir?"
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-2].choices[0].finish_reason == "stop"
    usage = chunks[-1].usage
    assert chunks[-1].choices == []
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (
        PROMPT_WORDS,
        6,
        PROMPT_WORDS + 6,
    )
    assert len({c.id for c in chunks}) == 1
    assert all(c.object == "chat.completion.chunk" for c in chunks)


def test_openai_stream_without_usage(asrv: FakeOpenAI, aclient: openai.OpenAI) -> None:
    chunks = list(aclient.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))
    assert all(c.usage is None and c.choices for c in chunks)
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == asrv.default_reply.text


def test_openai_raw_sse_format(asrv: FakeOpenAI) -> None:
    body = {"model": "gpt-4o-mini", "messages": MESSAGES, "stream": True}
    with httpx.stream(
        "POST", f"{asrv.url}/chat/completions", json=body, headers={"Authorization": f"Bearer {KEY}"}
    ) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["transfer-encoding"] == "chunked"
        raw = response.read().decode()
    events = [e for e in raw.split("\n\n") if e]
    assert all(e.startswith("data: ") for e in events)
    assert events[-1] == "data: [DONE]"


def test_openai_non_streamed_chat(asrv: FakeOpenAI, aclient: openai.OpenAI) -> None:
    asrv.replies.append(Reply(text="Kurz.", model="gpt-4o-mini-2024-07-18"))
    completion = aclient.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    assert completion.choices[0].message.content == "Kurz."
    assert completion.choices[0].finish_reason == "stop"
    assert completion.model == "gpt-4o-mini-2024-07-18"
    assert completion.usage.prompt_tokens == PROMPT_WORDS
    assert completion.usage.completion_tokens == 1


def test_openai_tool_calls(asrv: FakeOpenAI, aclient: openai.OpenAI) -> None:
    args = {"city": "Berlin", "unit": "celsius"}
    asrv.replies.append(Reply(tool_calls=[{"name": "get_weather", "arguments": args}]))
    chunks = list(aclient.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=True))
    deltas = [tc for c in chunks for tc in (c.choices[0].delta.tool_calls or [])]
    assert deltas[0].function.name == "get_weather"
    assert deltas[0].id.startswith("call_")
    assert len(deltas) > 2  # arguments arrive as string fragments to join
    assert json.loads("".join(d.function.arguments for d in deltas)) == args
    assert chunks[-1].choices[0].finish_reason == "tool_calls"

    asrv.replies.append(Reply(tool_calls=[{"name": "get_weather", "arguments": args}]))
    message = aclient.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES).choices[0].message
    assert message.content is None
    assert json.loads(message.tool_calls[0].function.arguments) == args


def test_openai_models(asrv: FakeOpenAI, aclient: openai.OpenAI) -> None:
    assert [m.id for m in aclient.models.list()] == ["gpt-4o-mini", "gpt-4o"]
    assert aclient.models.retrieve("gpt-4o").owned_by == "system"
    with pytest.raises(openai.NotFoundError):
        aclient.models.retrieve("gpt-9")


def test_openai_unknown_path(asrv: FakeOpenAI, aclient: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError, match="Invalid URL"):
        aclient.embeddings.create(model="text-embedding-3-small", input="x")


# --- OpenAI: faults ----------------------------------------------------------------------


def test_openai_wrong_key(asrv: FakeOpenAI, closing) -> None:
    client = closing(
        openai.OpenAI(base_url=asrv.url, api_key="sk-wrong-secret-5678", max_retries=0, timeout=5)
    )
    with pytest.raises(openai.AuthenticationError) as err:
        client.models.list()
    assert err.value.status_code == 401
    assert err.value.code == "invalid_api_key"
    assert mask_api_key("sk-wrong-secret-5678") in str(err.value)
    assert "sk-wrong-secret-5678" not in str(err.value)
    with pytest.raises(openai.AuthenticationError):
        client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)


@pytest.mark.parametrize("stream", [False, True])
def test_openai_unauthorized_fault(asrv: FakeOpenAI, aclient: openai.OpenAI, stream: bool) -> None:
    asrv.fault = "unauthorized"
    with pytest.raises(openai.AuthenticationError) as err:
        aclient.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=stream)
    # The message carries a masked key: the app must show neither this nor the key.
    assert "sk-te***1234" in str(err.value)
    assert KEY not in str(err.value)


@pytest.mark.parametrize(
    ("fault", "exc_type", "status"),
    [
        ("rate_limit", openai.RateLimitError, 429),
        ("server_error", openai.InternalServerError, 500),
        ("unknown_model", openai.NotFoundError, 404),
    ],
)
@pytest.mark.parametrize("stream", [False, True])
def test_openai_status_faults(
    asrv: FakeOpenAI, aclient: openai.OpenAI, fault: str, exc_type: type, status: int, stream: bool
) -> None:
    asrv.fault = fault
    with pytest.raises(exc_type) as err:
        aclient.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=stream)
    assert err.value.status_code == status
    assert err.value.request_id.startswith("req_")


def test_openai_error_codes(asrv: FakeOpenAI, aclient: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as err:
        aclient.chat.completions.create(model="gpt-9", messages=MESSAGES)
    assert err.value.code == "model_not_found"
    assert "`gpt-9` does not exist" in str(err.value)
    asrv.fault = "rate_limit"
    with pytest.raises(openai.RateLimitError) as err:
        aclient.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    assert err.value.code == "rate_limit_exceeded"
    assert "retry-after" not in err.value.response.headers


def test_openai_retry_succeeds_after_transient_fault(asrv: FakeOpenAI, closing) -> None:
    asrv.fault = "rate_limit"
    asrv.fault_times = 1
    asrv.retry_after = "0.01"  # keeps the client's retry sleep short
    client = closing(openai.OpenAI(base_url=asrv.url, api_key=KEY, max_retries=1, timeout=5))
    started = time.monotonic()
    completion = client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    assert completion.choices[0].message.content == asrv.default_reply.text
    assert len(asrv.chat_requests) == 2
    assert time.monotonic() - started < 0.5


@pytest.mark.parametrize("stream", [False, True])
def test_openai_slow_times_out(asrv: FakeOpenAI, closing, stream: bool) -> None:
    asrv.fault = "slow"
    asrv.delay = 2
    client = closing(openai.OpenAI(base_url=asrv.url, api_key=KEY, max_retries=0, timeout=0.5))
    with pytest.raises(openai.APITimeoutError):
        client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=stream)


@pytest.mark.parametrize("stream", [False, True])
def test_openai_down(asrv: FakeOpenAI, aclient: openai.OpenAI, stream: bool) -> None:
    aclient.models.list()
    asrv.fault = "down"
    with pytest.raises(openai.APIConnectionError) as err:
        aclient.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=stream)
    assert not isinstance(err.value, openai.APITimeoutError)
    _refused(asrv.url + "/models")


def test_openai_break_streaming(asrv: FakeOpenAI, aclient: openai.OpenAI) -> None:
    # Observed with openai 3.54: the cut chunked stream is NOT a silent end. Stream._iter_events
    # turns the httpx2 RemoteProtocolError ("incomplete chunked read") into APIConnectionError,
    # raised during iteration after the role chunk and `break_after` content chunks arrived.
    asrv.replies.append(Reply(text="eins zwei drei vier"))
    asrv.fault = "break"
    asrv.break_after = 2
    received = []
    stream = aclient.chat.completions.create(
        model="gpt-4o-mini", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
    )
    with pytest.raises(openai.APIConnectionError) as err:
        for chunk in stream:
            received.append(chunk)
    assert type(err.value) is openai.APIConnectionError
    assert "incomplete chunked read" in str(err.value.__cause__)
    assert [c.choices[0].delta.content for c in received] == ["", "eins ", "zwei "]
    assert all(c.choices[0].finish_reason is None for c in received)


def test_openai_break_non_streaming(asrv: FakeOpenAI, aclient: openai.OpenAI) -> None:
    asrv.fault = "break"
    with pytest.raises(openai.APIConnectionError):
        aclient.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)


def test_openai_records_requests(asrv: FakeOpenAI, aclient: openai.OpenAI) -> None:
    asrv.fault = "server_error"
    with pytest.raises(openai.InternalServerError):
        aclient.chat.completions.create(
            model="gpt-4o-mini",
            messages=MESSAGES,
            response_format={"type": "json_object"},
            temperature=0.1,
        )
    asrv.fault = None
    aclient.chat.completions.create(
        model="gpt-4o", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
    ).close()

    first, second = asrv.chat_requests
    assert first.body["response_format"] == {"type": "json_object"}
    assert first.body["temperature"] == 0.1
    assert first.headers["authorization"] == f"Bearer {KEY}"
    assert second.body["stream"] is True
    assert second.body["stream_options"] == {"include_usage": True}
    assert second.body["model"] == "gpt-4o"


def test_openai_without_api_key_check(closing) -> None:
    with FakeOpenAI(models=["local-model"], api_key=None) as srv:
        client = closing(openai.OpenAI(base_url=srv.url, api_key="anything", max_retries=0, timeout=5))
        assert [m.id for m in client.models.list()] == ["local-model"]
