"""Protocol-level fake Ollama and OpenAI servers for tests.

Both fakes are real HTTP/1.1 servers on ``127.0.0.1`` (a free port unless one
is given) running in a background daemon thread, so the real client libraries
(``ollama.Client``, ``openai.OpenAI``) talk to them over loopback::

    with FakeOllama(models=["llama3.2:latest"]) as srv:
        srv.replies.append(Reply(text="Hallo Welt"))
        client = ollama.Client(host=srv.url, timeout=5)
        ...
        assert srv.chat_requests[0].body["model"] == "llama3.2"

Common attributes: ``url``, ``port``, ``requests`` (every request, faulted ones
included, in arrival order), ``chat_requests``, ``replies`` (FIFO of
:class:`Reply`), ``default_reply``, ``fault``, ``fault_times``,
``fault_scope``, ``delay``, ``chunk_delay``, ``break_after``; methods
``start()``, ``stop()``, ``reset()``; usable as a context manager.

Faults (``srv.fault = ...``):

``"down"``
    Closes the listening socket and cuts open keep-alive connections, so the
    same URL gets "connection refused". Setting ``fault`` back to ``None`` (or
    calling ``reset()``/``start()``) re-binds the same port and serves again.
    ``stop()`` has the same effect on the port, but ``fault = None`` does not
    revive a stopped server.
``"unknown_model"``
    The chat endpoint (and Ollama ``/api/show``, OpenAI ``/v1/models/{id}``)
    answers 404 as if the model did not exist. A chat request for a model not
    in ``srv.models`` gets the same 404 without any fault set.
``"unauthorized"`` / ``"rate_limit"`` / ``"server_error"``
    401 / 429 / 500 with the protocol's real error body, on every endpoint.
``"slow"``
    Sleeps ``srv.delay`` seconds before sending the response headers. Other
    requests are not blocked; ``stop()`` wakes the sleeper at once.
``"break"``
    Streaming responses (chat, Ollama pull) send ``break_after`` content chunks
    and then close the socket without the terminating zero-length chunk (and
    without Ollama's ``done`` line / OpenAI's finish chunk and ``[DONE]``).
    OpenAI's leading role chunk is not counted, so the client sees it plus
    ``break_after`` content chunks. A non-streaming chat response announces
    its full Content-Length, sends half the body and closes. Other endpoints
    answer normally.

``"redirect"``
    Every request is answered with ``redirect_status`` (307) and a ``Location``
    with the same path and query on ``redirect_to`` (e.g. another fake's
    ``base_url``), as a misconfigured or hostile proxy might answer.

``fault_scope = "chat"`` restricts faults to the chat endpoint;
``fault_times = n`` clears the fault after it hit ``n`` requests.
"""

from .base import DEFAULT_REPLY_TEXT, FAULTS, RecordedRequest, Reply, split_text
from .ollama_server import FakeOllama, normalize_model_name
from .openai_server import FakeOpenAI, mask_api_key

__all__ = [
    "DEFAULT_REPLY_TEXT",
    "FAULTS",
    "FakeOllama",
    "FakeOpenAI",
    "RecordedRequest",
    "Reply",
    "mask_api_key",
    "normalize_model_name",
    "split_text",
]
