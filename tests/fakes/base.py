"""Shared machinery for the protocol-level fake servers.

A fake server is a real HTTP/1.1 server on the loopback interface. It runs
``ThreadingHTTPServer`` in a daemon thread, so every connection gets its own
handler thread and a sleeping ("slow") request never blocks the others.

Subclasses describe their protocol through :meth:`FakeServer._route` and
:meth:`FakeServer._send_fault`; everything else (recording, scripted replies,
fault selection, chunked streaming, start/stop) lives here.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Literal, Self

FAULTS: frozenset[str] = frozenset(
    {"down", "unknown_model", "unauthorized", "rate_limit", "server_error", "slow", "break", "redirect"}
)
"""Every value accepted by ``FakeServer.fault`` (besides ``None``)."""

ERROR_FAULTS: frozenset[str] = frozenset({"unknown_model", "unauthorized", "rate_limit", "server_error"})
"""Faults answered with an HTTP error status instead of the normal reply."""

DEFAULT_REPLY_TEXT = "Dies ist eine Testantwort der Fake-Instanz."

_WORDS = re.compile(r"\s*\S+\s*|\s+")


def to_json(obj: Any) -> str:
    """Compact JSON without ASCII escaping, as Ollama (Go) and OpenAI send it."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def split_text(text: str) -> list[str]:
    """Split ``text`` into word-sized pieces that keep all whitespace.

    ``"".join(split_text(text)) == text`` always holds; an empty text gives ``[]``.
    """
    return _WORDS.findall(text)


def count_words(value: Any) -> int:
    """Count whitespace-separated words in a message ``content`` value.

    Handles plain strings as well as OpenAI-style lists of content parts.
    """
    if isinstance(value, str):
        return len(value.split())
    if isinstance(value, list):
        total = 0
        for part in value:
            if isinstance(part, dict):
                total += count_words(part.get("text"))
            else:
                total += count_words(part)
        return total
    return 0


def count_prompt_words(body: dict[str, Any] | None) -> int:
    """Number of whitespace-separated words in all ``messages`` of a chat request."""
    if not body:
        return 0
    messages = body.get("messages") or []
    return sum(count_words(m.get("content")) for m in messages if isinstance(m, dict))


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the fake server received it.

    ``headers`` has lower-cased names. ``body`` is the decoded JSON body when it
    is a JSON object, else ``None``; ``raw_body`` always holds the bytes.
    ``path`` excludes the query string, which is kept in ``query``.
    """

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] | None
    time: float
    query: str = ""
    raw_body: bytes = b""

    def header(self, name: str, default: str | None = None) -> str | None:
        """Case-insensitive header lookup."""
        return self.headers.get(name.lower(), default)


@dataclass
class Reply:
    """A scripted answer for one chat request.

    ``chunks`` gives explicit streaming pieces; otherwise ``text`` is split into
    word-sized pieces (whitespace preserved). ``tool_calls`` entries look like
    ``{"name": "get_weather", "arguments": {"city": "Berlin"}}`` (``arguments``
    may also be a JSON string; an optional ``"id"`` fixes the OpenAI call id). Token counts default to: prompt = number of
    whitespace words in all request messages, completion = number of pieces
    plus number of tool calls. ``model`` overrides the model name echoed in the
    response (default: the requested name). ``finish_reason`` overrides
    ``done_reason`` (Ollama) / ``finish_reason`` (OpenAI).
    """

    text: str = ""
    chunks: list[str] | None = None
    tool_calls: list[dict[str, Any]] | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    model: str | None = None
    finish_reason: str | None = None
    inject: bytes | None = None
    inject_after: int = 1

    def pieces(self) -> list[str]:
        """The content pieces in streaming order."""
        if self.chunks is not None:
            return list(self.chunks)
        return split_text(self.text)

    @property
    def full_text(self) -> str:
        return "".join(self.pieces())

    def prompt_token_count(self, body: dict[str, Any] | None) -> int:
        if self.prompt_tokens is not None:
            return self.prompt_tokens
        return count_prompt_words(body)

    def completion_token_count(self) -> int:
        if self.completion_tokens is not None:
            return self.completion_tokens
        return len(self.pieces()) + len(self.tool_calls or [])

    def tool_call_arguments(self, call: dict[str, Any]) -> tuple[dict[str, Any], str]:
        """Return the arguments of ``call`` both as a dict and as a JSON string."""
        args = call.get("arguments", {})
        if isinstance(args, str):
            return json.loads(args or "{}"), args
        return dict(args), to_json(args)


EventKind = Literal["prefix", "content", "final"]


@dataclass(frozen=True)
class Event:
    """One piece of a streamed body.

    ``content`` events count towards ``break_after``; a "break" fault cuts the
    connection before the first ``final`` event (or before the content event
    that would exceed ``break_after``). ``prefix`` events are always sent.
    ``before_send`` runs right before the event is written (not if it is cut).
    """

    data: bytes
    kind: EventKind = "content"
    before_send: Callable[[], None] | None = None


def with_injection(events: Iterable[Event], reply: Reply) -> Iterator[Event]:
    """``events`` with ``reply.inject`` written after ``reply.inject_after`` content events."""
    sent = 0
    pending = reply.inject
    for event in events:
        if pending is not None and sent >= reply.inject_after and event.kind != "prefix":
            yield Event(pending, "prefix")
            pending = None
        yield event
        if event.kind == "content":
            sent += 1


class Aborted(Exception):
    """Raised inside a handler when the response must end without a proper ending."""


@dataclass(frozen=True)
class Route:
    """A matched endpoint.

    ``model_bound`` endpoints are subject to the "unknown_model" fault,
    ``streams`` endpoints to the "break" fault.
    """

    name: str
    handler: Callable[[Exchange, bool], None]
    model_bound: bool = False
    streams: bool = False


class Exchange:
    """One request/response pair, handed to the protocol handlers."""

    def __init__(self, handler: _Handler, request: RecordedRequest, wake: threading.Event) -> None:
        self._handler = handler
        self.request = request
        self._wake = wake

    # request side -------------------------------------------------------

    @property
    def method(self) -> str:
        return self.request.method

    @property
    def path(self) -> str:
        return self.request.path

    @property
    def body(self) -> dict[str, Any]:
        return self.request.body or {}

    def header(self, name: str) -> str | None:
        return self.request.header(name)

    # timing -------------------------------------------------------------

    def sleep(self, seconds: float) -> None:
        """Sleep, but raise :class:`Aborted` at once when the server stops."""
        if seconds > 0:
            self._wake.wait(seconds)
        if self._wake.is_set():
            raise Aborted

    # response side ------------------------------------------------------

    def _write(self, data: bytes) -> None:
        self._handler.wfile.write(data)

    def _start(self, status: int, content_type: str, headers: dict[str, str] | None) -> None:
        self._handler.send_response(status)
        self._handler.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self._handler.send_header(name, value)

    def send_bytes(
        self, status: int, data: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self._start(status, content_type, headers)
        self._handler.send_header("Content-Length", str(len(data)))
        self._handler.end_headers()
        if self.method != "HEAD":
            self._write(data)

    def send_json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        data = to_json(obj).encode("utf-8")
        self.send_bytes(status, data, "application/json; charset=utf-8", headers)

    def send_text(self, status: int, text: str, headers: dict[str, str] | None = None) -> None:
        self.send_bytes(status, text.encode("utf-8"), "text/plain; charset=utf-8", headers)

    def send_json_broken(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        """Announce the full JSON body via Content-Length, send half of it, cut."""
        data = to_json(obj).encode("utf-8")
        self._start(status, "application/json; charset=utf-8", headers)
        self._handler.send_header("Content-Length", str(len(data)))
        self._handler.end_headers()
        self._write(data[: len(data) // 2])
        self.cut()

    def begin_stream(self, status: int, content_type: str, headers: dict[str, str] | None = None) -> None:
        self._start(status, content_type, headers)
        self._handler.send_header("Transfer-Encoding", "chunked")
        self._handler.end_headers()

    def write_chunk(self, data: bytes) -> None:
        if data:  # an empty chunk would terminate the body
            self._write(b"%x\r\n%s\r\n" % (len(data), data))

    def end_stream(self) -> None:
        self._write(b"0\r\n\r\n")

    def cut(self) -> None:
        """Close the connection abruptly (FIN, no terminating chunk)."""
        self._handler.close_connection = True
        with contextlib.suppress(OSError):
            self._handler.connection.shutdown(socket.SHUT_RDWR)
        raise Aborted


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64
    fake: FakeServer

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls socket.getfqdn(), which can block on DNS.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):
            return  # client went away or server stopped; nothing to report
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    @property
    def fake(self) -> FakeServer:
        return self.server.fake

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without TCP_NODELAY,
        # Nagle plus delayed ACK adds ~40 ms to many responses.
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.fake._track(self.connection)

    def version_string(self) -> str:
        return self.fake.SERVER_HEADER

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self.fake._untrack(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        if self.fake.verbose:
            sys.stderr.write(f"[{type(self.fake).__name__}] {format % args}\n")

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            parts = []
            while True:
                size_line = self.rfile.readline(65537)
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    # skip trailers up to the blank line
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                parts.append(self.rfile.read(size))
                self.rfile.readline(65537)
            return b"".join(parts)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _handle(self) -> None:
        try:
            raw = self._read_body()
            body: dict[str, Any] | None = None
            if raw:
                try:
                    parsed = json.loads(raw)
                except ValueError:
                    parsed = None
                if isinstance(parsed, dict):
                    body = parsed
            headers: dict[str, str] = {}
            for name, value in self.headers.items():
                key = name.lower()
                headers[key] = f"{headers[key]}, {value}" if key in headers else value
            path, _, query = self.path.partition("?")
            request = RecordedRequest(
                method=self.command,
                path=path,
                headers=headers,
                body=body,
                time=time.time(),
                query=query,
                raw_body=raw,
            )
            self.fake._serve_exchange(Exchange(self, request, self.fake._wake))
        except (Aborted, OSError):
            self.close_connection = True
        except Exception as exc:
            # A bug in the fake or a malformed Reply: keep it visible to the test
            # (``srv.errors``) and let socketserver print the traceback.
            self.fake.errors.append(exc)
            self.close_connection = True
            raise

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _handle


class FakeServer:
    """Base class of :class:`FakeOllama` and :class:`FakeOpenAI`.

    Attributes meant to be set by tests:

    ``replies``
        FIFO list of :class:`Reply`; each successful chat request consumes one.
        A chat request answered with an error (fault, unknown model, bad key)
        does not consume a reply; "slow" and "break" do.
    ``default_reply``
        Used when ``replies`` is empty.
    ``fault``
        ``None`` or one of :data:`FAULTS`, described in the docstring of
        ``tests/fakes/__init__.py``.
    ``fault_times``
        ``None`` (fault stays until changed) or a count: the fault is applied to
        that many requests, then ``fault`` returns to ``None`` by itself.
    ``fault_scope``
        ``"all"`` (default: faults hit every endpoint they make sense for) or
        ``"chat"`` (only the chat endpoint is affected).
    ``delay``
        Seconds a "slow" request sleeps before the response headers are sent.
    ``chunk_delay``
        Seconds between two streamed chunks (always applied, default 0).
    ``break_after``
        Number of content chunks a "break" fault lets through before cutting.
    ``redirect_to`` / ``redirect_status``
        Base URL (scheme, host, port) a "redirect" fault points to, and the 3xx status it answers with.

    Read-only for tests: ``requests`` (every request in arrival order, faulted
    ones included), ``chat_requests`` and ``errors`` (exceptions raised inside
    the fake while handling a request, e.g. for a malformed :class:`Reply`).
    """

    CHAT_PATH: ClassVar[str] = ""
    URL_SUFFIX: ClassVar[str] = ""
    SERVER_HEADER: ClassVar[str] = "FakeServer"

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, verbose: bool = False) -> None:
        self.host = host
        self.verbose = verbose
        self._requested_port = port
        self._port: int | None = None
        self._lock = threading.RLock()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._started = False
        self._wake = threading.Event()
        self._connections: set[socket.socket] = set()
        self.requests: list[RecordedRequest] = []
        self.replies: list[Reply] = []
        self.errors: list[Exception] = []
        self._fault: str | None = None
        self._set_defaults()

    def _set_defaults(self) -> None:
        self.default_reply = Reply(text=DEFAULT_REPLY_TEXT)
        self.fault_times: int | None = None
        self.fault_scope: Literal["all", "chat"] = "all"
        self.delay = 0.0
        self.chunk_delay = 0.0
        self.break_after = 2
        self.redirect_to = ""
        self.redirect_status = 307

    # public API ---------------------------------------------------------

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError(f"{type(self).__name__} has not been started")
        return self._port

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` without any API prefix."""
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """The URL to hand to the client library."""
        return self.base_url + self.URL_SUFFIX

    @property
    def running(self) -> bool:
        """True while the listening socket accepts connections."""
        return self._httpd is not None

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        """Snapshot of the recorded requests to the chat endpoint."""
        with self._lock:
            return [r for r in self.requests if r.path == self.CHAT_PATH]

    @property
    def fault(self) -> str | None:
        return self._fault

    @fault.setter
    def fault(self, value: str | None) -> None:
        if value is not None and value not in FAULTS:
            raise ValueError(f"unknown fault {value!r}; expected None or one of {sorted(FAULTS)}")
        with self._lock:
            previous = self._fault
            self._fault = value
            if value == "down" and self.running:
                self._close()
            elif previous == "down" and value != "down" and self._started and not self.running:
                self._open()

    def start(self) -> Self:
        """Start serving (idempotent). Clears a "down" fault."""
        with self._lock:
            if self._fault == "down":
                self._fault = None
            if not self.running:
                self._open()
            self._started = True
        return self

    def stop(self) -> None:
        """Stop serving; the port then refuses connections. Wakes sleeping handlers."""
        with self._lock:
            self._started = False
            self._close()

    def reset(self) -> None:
        """Restore the state right after construction (keeps the port).

        Clears recorded requests and queued replies, the fault (a "down"
        server comes back up), delays and protocol-specific state such as
        the model list.
        """
        with self._lock:
            # Abort handlers still sleeping from the previous test ("slow"), so they can neither
            # answer late nor take a reply queued for the next test.
            aborted, self._wake = self._wake, threading.Event()
            aborted.set()
            self.requests.clear()
            self.replies.clear()
            self.errors.clear()
            self._set_defaults()
            self._reset_protocol_state()
            self.fault = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.url if self._port is not None else "not started"
        return f"<{type(self).__name__} {where} fault={self._fault!r}>"

    # hooks for subclasses -------------------------------------------------

    def _reset_protocol_state(self) -> None:
        """Restore protocol-specific state (models etc.); called by reset()."""

    def _route(self, method: str, path: str) -> Route | None:
        raise NotImplementedError

    def _send_not_found(self, ex: Exchange) -> None:
        raise NotImplementedError

    def _send_fault(self, ex: Exchange, fault: str) -> None:
        """Answer ``ex`` with the error response for one of :data:`ERROR_FAULTS`."""
        raise NotImplementedError

    # helpers for subclasses ---------------------------------------------

    def _take_reply(self) -> Reply:
        with self._lock:
            if self.replies:
                return self.replies.pop(0)
            return self.default_reply

    def _stream(
        self,
        ex: Exchange,
        content_type: str,
        events: Iterable[Event],
        breaking: bool,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Send ``events`` as a chunked body, honouring chunk_delay and "break"."""
        ex.begin_stream(200, content_type, headers)
        sent_content = 0
        first = True
        for event in events:
            if breaking and (
                event.kind == "final" or (event.kind == "content" and sent_content >= self.break_after)
            ):
                ex.cut()
            if not first:
                ex.sleep(self.chunk_delay)
            first = False
            if event.before_send is not None:
                event.before_send()
            ex.write_chunk(event.data)
            if event.kind == "content":
                sent_content += 1
        if breaking:
            ex.cut()
        ex.end_stream()

    # internals ------------------------------------------------------------

    def _take_fault(self, route: Route) -> str | None:
        with self._lock:
            fault = self._fault
            if fault is None or fault == "down":
                return None
            if self.fault_scope == "chat" and route.name != "chat":
                return None
            if fault == "unknown_model" and not route.model_bound:
                return None
            if fault == "break" and not route.streams:
                return None
            if self.fault_times is not None:
                self.fault_times -= 1
                if self.fault_times <= 0:
                    self.fault_times = None
                    self._fault = None
            return fault

    def _serve_exchange(self, ex: Exchange) -> None:
        with self._lock:
            self.requests.append(ex.request)
        route = self._route(ex.method, ex.path)
        if route is None:
            self._send_not_found(ex)
            return
        fault = self._take_fault(route)
        if fault == "redirect":  # the same path and query on another server, as a proxy might send it
            query = f"?{ex.request.query}" if ex.request.query else ""
            location = self.redirect_to.rstrip("/") + ex.path + query
            ex.send_text(self.redirect_status, f"Moved to {location}", {"Location": location})
            return
        if fault == "slow":
            ex.sleep(self.delay)
        elif fault in ERROR_FAULTS:
            self._send_fault(ex, fault)
            return
        route.handler(ex, fault == "break")

    def _track(self, conn: socket.socket) -> None:
        with self._lock:
            self._connections.add(conn)

    def _untrack(self, conn: socket.socket) -> None:
        with self._lock:
            self._connections.discard(conn)

    def _open(self) -> None:
        port = self._port if self._port is not None else self._requested_port
        httpd = _HTTPServer((self.host, port), _Handler)
        httpd.fake = self
        self._port = httpd.server_address[1]
        self._wake = threading.Event()
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"{type(self).__name__}:{self._port}",
            daemon=True,
        )
        self._thread.start()

    def _close(self) -> None:
        httpd, thread = self._httpd, self._thread
        self._httpd = self._thread = None
        self._wake.set()
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
        # Cut keep-alive connections too, otherwise a pooled client connection
        # would still reach a live handler thread after the server is "down".
        for conn in list(self._connections):
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if thread is not None:
            thread.join(timeout=2)
