"""The choke point: every model request and every contact with a model service passes through here.

``Gateway.chat`` checks the request against the policy (Schutzstufe x endpoint classification) and
refuses before any byte leaves when the answer is no: at Schutzstufe 2 nothing reaches an endpoint
that is not classified ``lokal``, whoever asks. Only then is a backend created, and the answer
streams back as a `Response` that records timings and usage and ends in a `Result` with its
transparency notice. Status checks, model listings and model downloads go through the same policy,
so even a connection test never touches a public service at Schutzstufe 2.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from workbench import german
from workbench.backends import Backend, JSONDict, ModelInfo, PullProgress, ToolCall, Usage, create_backend
from workbench.config import Endpoint, Settings
from workbench.errors import PolicyRefused, PrivacyRefused, StreamInterrupted, StreamRedactor, WorkbenchError
from workbench.history import (
    STORAGE_ERRORS,
    RunLog,
    RunRecord,
    default_data_dir,
    describe_problem,
    location_of,
    open_run_log,
)
from workbench.policy import (
    OPTION_PSEUDONYMIZE,
    Decision,
    Level,
    PrivacyAction,
    PrivacyDecision,
    Schutzstufe,
    decide,
    decide_privacy,
    parse_privacy_action,
    parse_schutzstufe,
)
from workbench.privacy import MessageFinding, StreamRestorer, describe, pseudonymize_messages, scan_messages
from workbench.runaway import EXPLANATION as RUNAWAY_EXPLANATION
from workbench.runaway import RepetitionGuard
from workbench.transparency import Notice, export_json, export_markdown, export_text, now

log = logging.getLogger("workbench.gateway")


@dataclass(frozen=True)
class ChatRequest:
    """What a page, a CLI command or an agent step wants to send."""

    messages: Sequence[JSONDict]
    # Parsed here, at the edge: 1/2 as int, digit string or enum; anything else becomes None and is
    # refused by the gateway (fails closed).
    schutzstufe: Schutzstufe | None
    endpoint_id: str
    model: str | None = None
    purpose: str = "chat"
    options: JSONDict | None = None
    # The person's explicit choice when personal data was found.
    privacy_action: PrivacyAction | None = None
    # Ask for structured output (JSON) matching this schema (Ollama `format`, OpenAI `response_format`).
    json_schema: JSONDict | None = None
    # Functions the model may call (OpenAI-style definitions; both backends).
    tools: list[JSONDict] | None = None
    # The answer's length limit in tokens; None: the endpoint's max_tokens.
    max_tokens: int | None = None
    # Which tool the model must call (OpenAI-style `tool_choice`), e.g. the step's tool with tools = true.
    tool_choice: str | JSONDict | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "schutzstufe", parse_schutzstufe(self.schutzstufe))
        object.__setattr__(self, "privacy_action", parse_privacy_action(self.privacy_action))


@dataclass(frozen=True)
class PrivacyReport:
    """What the Datenschutz-Check found in a request and what was done about it."""

    findings: tuple[MessageFinding, ...]
    decision: PrivacyDecision

    @property
    def counts(self) -> dict[str, int]:
        return summarize_counts(self.findings)

    @property
    def pseudonymized(self) -> bool:
        return self.decision.code == "pseudonymized"

    @property
    def confirmed(self) -> bool:
        return self.decision.code == "confirmed"


def summarize_counts(findings: Iterable[MessageFinding]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in findings:
        counts[item.finding.kind] = counts.get(item.finding.kind, 0) + 1
    return counts


@dataclass
class Result:
    """A finished (or broken-off) answer with everything the notice and the run log need."""

    text: str
    complete: bool
    model: str
    endpoint: Endpoint
    schutzstufe: Schutzstufe
    decision: Decision
    purpose: str
    notice: Notice
    ttft_s: float | None
    total_s: float
    usage: Usage = field(default_factory=Usage)
    error: WorkbenchError | None = None
    privacy: PrivacyReport | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    run_id: int | None = None  # row in the run log, for ratings

    @property
    def tokens_per_second(self) -> float | None:
        if not self.usage.completion_tokens or not self.total_s:
            return None
        generation = self.total_s - (self.ttft_s or 0.0)
        return self.usage.completion_tokens / generation if generation > 0 else None

    def token_summary(self) -> str:
        """German token figures; a server that did not report them says so instead of showing 0."""

        def count(value: int | None) -> str:
            return "nicht gemeldet" if value is None else german.number(value)

        summary = f"Tokens: {count(self.usage.prompt_tokens)} Eingabe / {count(self.usage.completion_tokens)} Ausgabe"
        speed = self.tokens_per_second  # only when measured: reported tokens and a generation time
        return summary + (f" · {german.number(speed, 1)} Tokens/s" if speed else "")

    def markdown(self, title: str = "") -> str:
        return export_markdown(self.text, self.notice, title)

    def plain_text(self) -> str:
        return export_text(self.text, self.notice)

    def json(self) -> str:
        if self.privacy is None:
            return export_json(self.text, self.notice)
        # kinds, counts and what was done: never the values themselves
        privacy = {"findings": self.privacy.counts, "decision": self.privacy.decision.code}
        return export_json(self.text, self.notice, privacy=privacy)


def _stop_explanation(stopped: str, tokens: int) -> str:
    """Why an answer ended early, for the notice: the length limit or a loop."""
    if stopped == "limit":
        return (
            f"Die Antwort wurde nach {german.number(tokens)} Tokens beendet (Längengrenze max_tokens); sie kann "
            "mitten im Satz abbrechen."
        )
    if stopped == "repetition":
        return RUNAWAY_EXPLANATION
    return ""


class Response:
    """A lazy answer: iterate once for the text chunks, then read `result`. Replays after the first pass."""

    def __init__(
        self,
        gateway: Gateway,
        request: ChatRequest,
        endpoint: Endpoint,
        model: str,
        level: Schutzstufe,
        decision: Decision,
        privacy: PrivacyReport,
        messages: list[JSONDict],
        mapping: dict[str, str],
    ) -> None:
        self._gateway = gateway
        self.request = request
        self.privacy = privacy
        self._messages = messages  # what is actually sent (pseudonymised if so chosen)
        self._mapping = mapping  # placeholder -> value; stays here, never sent
        self.endpoint = endpoint
        self.model = model
        self.schutzstufe = level
        self.decision = decision
        self._chunks: list[str] = []
        self._result: Result | None = None

    def prepare(self) -> Response:
        """Build the backend now: import its client library and construct the client, send nothing.

        That takes up to seconds the first time in a process. A caller that starts several answers at
        once prepares them all first, so their requests then go out together (backends are kept per
        endpoint, so reading the answer finds this one built). The policy is checked again, as
        always, when the answer is read.
        """
        if self._result is None:
            self._gateway._build(self.endpoint)
        return self

    def __iter__(self) -> Iterator[str]:
        if self._result is not None:
            yield from self._chunks
            return
        yield from self._run()

    def _run(self) -> Iterator[str]:
        start = time.perf_counter()
        ttft = None
        usage = Usage()
        error: WorkbenchError | None = None
        restorer = StreamRestorer(self._mapping) if self._mapping else None
        # A server may echo a key back as answer text; it never reaches the screen, a copy or the log.
        redactor = StreamRedactor(self._gateway.secrets())
        calls: tuple[ToolCall, ...] = ()
        guard = RepetitionGuard()
        stopped = ""  # why the answer ended before the model finished: "limit" or "repetition"
        finish_reason = None
        try:
            # The answer is lazy: the session's Schutzstufe may have changed since `chat()` said yes.
            backend = self._gateway._contact(self.endpoint, self.request.purpose)
        except PolicyRefused as exc:
            self._gateway._record(
                self.request, self.endpoint.id, decision="abgelehnt", reason=exc.decision.code
            )
            raise
        # From here on the request may reach the endpoint: every way out records exactly one row.
        try:
            options = dict(self.request.options or {})
            if self.request.max_tokens:
                options["max_tokens"] = self.request.max_tokens
            if self.request.tools and self.request.tool_choice is not None:
                options["tool_choice"] = self.request.tool_choice
            events = backend.stream_chat(
                self._messages,
                self.model,
                options=options or None,
                json_schema=self.request.json_schema,
                tools=self.request.tools,
            )
            for event in events:
                calls += event.tool_calls
                if event.text:
                    if ttft is None:
                        ttft = time.perf_counter() - start
                    text = redactor.feed(restorer.feed(event.text) if restorer else event.text)
                    if text:
                        self._chunks.append(text)
                        yield text
                        # the guard reads what is kept (restored, redacted), so its cut fits that text
                        if guard.feed(text):
                            stopped = "repetition"
                            close = getattr(events, "close", None)
                            if close is not None:
                                close()  # stop reading: the connection closes, the model stops
                            break
                if event.done:
                    usage = event.usage or Usage()
                    finish_reason = event.finish_reason
        except StreamInterrupted as exc:
            if not self._chunks:
                self._failed(type(exc).__name__)
                raise
            error = exc
        except WorkbenchError as exc:
            self._failed(type(exc).__name__)
            raise
        except GeneratorExit:  # the reader stopped (a new script run, a closed page): not an answer
            self._failed("abgebrochen")
            raise
        except Exception as exc:  # a defect, not a service problem: still one row, a German message
            log.exception("unexpected failure while streaming from %s", self.endpoint.id)
            unexpected = StreamInterrupted(
                f"Bei der Antwort von „{self.endpoint.label}“ ist ein unerwarteter Fehler aufgetreten.",
                "Der bisher empfangene Text bleibt erhalten. Senden Sie die Anfrage erneut; bleibt der "
                "Fehler, melden Sie ihn bitte Ihrer IT.",
            )
            if not self._chunks:
                self._failed(type(unexpected).__name__)
                raise unexpected from exc
            error = unexpected
        guarded = guard.trimmed("".join(self._chunks))  # the text the guard has seen, a loop cut out
        tail = (redactor.feed(restorer.flush()) if restorer else "") + redactor.flush()
        if tail:
            self._chunks.append(tail)
            yield tail
        total = time.perf_counter() - start
        settings = self._gateway.settings
        if finish_reason == "length" and not stopped:
            stopped = "limit"
        limit = self.request.max_tokens or self.endpoint.max_tokens
        complete = error is None and not stopped
        self._result = Result(
            text=guarded + tail,
            complete=complete,
            model=self.model,
            endpoint=self.endpoint,
            schutzstufe=self.schutzstufe,
            decision=self.decision,
            purpose=self.request.purpose,
            notice=Notice(
                ai_generated=True,
                created_at=now(),
                model=self.model,
                endpoint_id=self.endpoint.id,
                endpoint_label=self.endpoint.label,
                classification=self.endpoint.classification,
                schutzstufe=int(self.schutzstufe),
                organisation=settings.organisation,
                organisation_notice=settings.notice_text,
                complete=complete,
                pseudonymized=self.privacy.pseudonymized,
                stopped=stopped,
                incomplete_reason=_stop_explanation(stopped, usage.completion_tokens or limit),
            ),
            ttft_s=ttft,
            total_s=total,
            usage=usage,
            error=error,
            privacy=self.privacy,
            tool_calls=calls,
        )
        self._result.run_id = self._gateway._record(
            self.request,
            self.endpoint.id,
            messages=self._messages,
            model=self.model,
            decision="gesendet",
            reason=self.privacy.decision.code,
            findings=self.privacy.counts,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            ttft_s=ttft,
            total_s=total,
            complete=complete,
            answer_text=self._result.text
            if not self._mapping
            else None,  # restored values stay in the session
        )
        log.info(
            "answer purpose=%s endpoint=%s model=%s complete=%s ttft=%.3f total=%.3f tokens=%s/%s",
            self.request.purpose,
            self.endpoint.id,
            self.model,
            complete,
            ttft or -1,
            total,
            usage.prompt_tokens,
            usage.completion_tokens,
        )

    def _failed(self, reason: str) -> None:
        """The one run-log row of a request that may have reached the endpoint but gave no answer."""
        self._gateway._record(self.request, self.endpoint.id, decision="fehlgeschlagen", reason=reason)

    @property
    def result(self) -> Result:
        if self._result is None:
            for _ in self:
                pass
        assert self._result is not None
        return self._result

    @property
    def text(self) -> str:
        return self.result.text


@dataclass(frozen=True)
class EndpointOption:
    """An endpoint as the UI offers it at a given Schutzstufe: usable or not, and why."""

    endpoint: Endpoint
    decision: Decision
    missing_key: str | None

    @property
    def usable(self) -> bool:
        return self.decision.allowed and self.missing_key is None

    @property
    def reason(self) -> str:
        return (
            self.decision.reason if not self.decision.allowed else (self.missing_key or self.decision.reason)
        )


@dataclass(frozen=True)
class EndpointStatus:
    endpoint: Endpoint
    decision: Decision
    key_present: bool | None  # None when the endpoint needs no key
    checked: bool  # False when the policy forbade contacting it
    reachable: bool = False
    version: str = ""
    models: tuple[ModelInfo, ...] = ()
    error: WorkbenchError | None = None

    @property
    def summary(self) -> str:
        """What the server is and how many models it offers, e.g. "Ollama 0.6.1, 2 Modelle"."""
        return f"{self.version}, {german.plural(len(self.models), 'Modell', 'Modelle')}"


class Gateway:
    """The only way to a model. Construct one per settings; it holds no connections between calls."""

    def __init__(
        self,
        settings: Settings,
        *,
        run_log: RunLog | None = None,
        session: str = "",
        workshop: str | None = None,
        live_schutzstufe: Callable[[], Schutzstufe] | None = None,
        user_id: str | None = None,
    ) -> None:
        self.settings = settings
        self.run_log = run_log  # every chat request is recorded here when given
        self.session = session
        self.user_id = user_id  # pseudonym of the signed-in person (never a name), None in the sandbox
        self.workshop = workshop  # join code when the session takes part in a workshop
        # The Schutzstufe the person has chosen *now*. A request carries the level of the moment it
        # was made; an app session can change its level while that request (or a status check, or a
        # superseded script run) is still on its way. Every contact is checked against both.
        self.live_schutzstufe = live_schutzstufe
        # German description of why requests are not being recorded (set on the first failure).
        self.record_problem: str | None = None

    def _record(self, request: ChatRequest, endpoint_id: str, **fields: Any) -> int | None:
        if self.run_log is None:
            return None
        endpoint = self.settings.endpoint(endpoint_id)
        level = request.schutzstufe  # parsed when the request was made
        prompt = next(
            (
                m.get("content")
                for m in reversed(fields.pop("messages", request.messages))
                if m.get("role") == "user"
            ),
            None,
        )
        try:
            return self.run_log.record(
                RunRecord(
                    session=self.session,
                    workshop=self.workshop,
                    user_id=self.user_id,
                    purpose=request.purpose,
                    schutzstufe=int(level) if level else None,
                    endpoint_id=endpoint_id,
                    model=fields.pop("model", None)
                    or request.model
                    or (endpoint.default_model if endpoint else None),
                    location=endpoint.classification.value if endpoint else None,
                    # texts only of requests that went out: a refused one may hold exactly the data that stopped it
                    prompt_text=prompt
                    if isinstance(prompt, str) and fields.get("decision") == "gesendet"
                    else None,
                    **fields,
                )
            )
        except STORAGE_ERRORS as exc:
            # The answer matters more than its record: no exception, no traceback, and the person is
            # told once per gateway (the first problem stays; the UI remembers what it has shown).
            log.warning("run log not written: %s: %s", type(exc).__name__, exc)
            if self.record_problem is None:
                self.record_problem = self.run_log.problem
            return None

    # --- decisions --------------------------------------------------------------------------------

    def decide(self, schutzstufe: Level | None, endpoint_id: str) -> Decision:
        return decide(schutzstufe, self.settings.endpoint(endpoint_id))

    def options(self, schutzstufe: Level) -> list[EndpointOption]:
        return [
            EndpointOption(e, decide(schutzstufe, e), self.settings.missing_key_reason(e))
            for e in self.settings.endpoints
        ]

    def default_endpoint(self, schutzstufe: Level) -> Endpoint | None:
        return next((o.endpoint for o in self.options(schutzstufe) if o.usable), None)

    def _authorize(
        self, schutzstufe: Level | None, endpoint_id: str, purpose: str
    ) -> tuple[Endpoint, Schutzstufe, Decision]:
        """Fail closed: anything but an explicit allow raises before a backend exists."""
        endpoint = self.settings.endpoint(endpoint_id)
        decision = decide(schutzstufe, endpoint)
        level = parse_schutzstufe(schutzstufe)
        log.info(
            "decision purpose=%s endpoint=%s schutzstufe=%s allowed=%s code=%s",
            purpose,
            endpoint_id,
            schutzstufe,
            decision.allowed,
            decision.code,
        )
        if not decision.allowed or endpoint is None or level is None:
            raise PolicyRefused(self._for_locked_history(decision, level))
        if level is Schutzstufe.TWO and not endpoint.is_local:  # belt and braces for the core rule
            raise PolicyRefused(decide(Schutzstufe.TWO, endpoint))
        self._check_live(endpoint, purpose)  # the session may already be at a stricter level
        missing = self.settings.missing_key_reason(endpoint)
        if missing:
            raise WorkbenchError(missing, "Ohne Schlüssel kann dieser Dienst nicht genutzt werden.")
        return endpoint, level, decision

    def _for_locked_history(self, decision: Decision, level: Schutzstufe | None) -> Decision:
        """A request at 2 from a person at 1 comes from a conversation locked to 2: say that, not "switch to 1"."""
        if (
            decision.code == "public_endpoint_at_stufe_2"
            and level is Schutzstufe.TWO
            and self.live_schutzstufe is not None
            and self.live_schutzstufe() is Schutzstufe.ONE
        ):
            return replace(
                decision,
                hint="Sie sind auf Schutzstufe 1, aber dieser Verlauf enthält schon Daten, die auf Schutzstufe 2 "
                "gesendet wurden; er bleibt deshalb auf Schutzstufe 2. Wählen Sie ein lokales Modell, um "
                "weiterzumachen, oder beginnen Sie neu, um auf Schutzstufe 1 mit einem öffentlichen Dienst zu arbeiten.",
            )
        return decision

    def secrets(self) -> list[str]:
        """The API keys configured for any endpoint (read from the environment now)."""
        return [key for e in self.settings.endpoints if (key := self.settings.api_key(e))]

    def _contact(self, endpoint: Endpoint, purpose: str) -> Backend:
        """The backend for `endpoint`, right before a byte goes to it.

        Called immediately before every network contact, however late it comes: if the session's
        Schutzstufe is now one at which `endpoint` is not allowed, the contact is refused.
        """
        self._check_live(endpoint, purpose)
        return self._build(endpoint)

    def _build(self, endpoint: Endpoint) -> Backend:
        """The backend for `endpoint`, ready to send but not in contact: building one sends nothing."""
        return create_backend(endpoint, self.settings.api_key(endpoint))

    def _check_live(self, endpoint: Endpoint, purpose: str) -> None:
        if self.live_schutzstufe is not None:
            live = self.live_schutzstufe()
            decision = decide(live, endpoint)
            if not decision.allowed:
                log.info(
                    "decision purpose=%s endpoint=%s live_schutzstufe=%s allowed=False code=%s",
                    purpose,
                    endpoint.id,
                    int(live),
                    decision.code,
                )
                raise PolicyRefused(decision)

    # --- requests ---------------------------------------------------------------------------------

    def chat(self, request: ChatRequest) -> Response:
        """Check the request and return its lazy response. Raises `PolicyRefused` if it may not leave.

        Everything that would leave is scanned for personal data first. Towards a public endpoint,
        findings hold the request back (`PrivacyRefused`) unless the person chose an action the
        organisation's policy allows; only kinds and counts are logged, never values.
        """
        try:
            return self._chat(request)
        except WorkbenchError as exc:
            counts = summarize_counts(exc.findings) if isinstance(exc, PrivacyRefused) else None
            code = getattr(getattr(exc, "decision", None), "code", type(exc).__name__)
            self._record(request, request.endpoint_id, decision="abgelehnt", reason=code, findings=counts)
            raise

    def _chat(self, request: ChatRequest) -> Response:
        endpoint, level, decision = self._authorize(request.schutzstufe, request.endpoint_id, request.purpose)
        findings = scan_messages(request.messages)
        settings = self.settings
        privacy = decide_privacy(
            endpoint,
            len(findings),
            policy=settings.privacy_policy,
            allow_override=settings.allow_override,
            action=request.privacy_action,
        )
        counts = summarize_counts(findings)
        log.info(
            "privacy purpose=%s endpoint=%s findings=%s decision=%s",
            request.purpose,
            endpoint.id,
            counts or "none",
            privacy.code,
        )
        if not privacy.allowed:
            raise PrivacyRefused(privacy, tuple(findings), counts, describe(counts))
        messages: list[JSONDict] = list(request.messages)
        mapping: dict[str, str] = {}
        if privacy.code == "pseudonymized" and request.privacy_action == OPTION_PSEUDONYMIZE:
            messages, mapping = pseudonymize_messages(request.messages)
            if scan_messages(messages):  # fail closed if placeholders left something behind
                raise PrivacyRefused(privacy, tuple(findings), counts, describe(counts))
        model = request.model or endpoint.default_model
        report = PrivacyReport(tuple(findings), privacy)
        return Response(self, request, endpoint, model, level, decision, report, messages, mapping)

    def status(self, endpoint_id: str, schutzstufe: Level) -> EndpointStatus:
        """Reachability and models of one endpoint; contacts it only if the policy allows."""
        endpoint = self.settings.endpoint(endpoint_id)
        if endpoint is None:
            raise PolicyRefused(decide(schutzstufe, None))
        decision = decide(schutzstufe, endpoint)
        key_present = None if not endpoint.requires_key else bool(self.settings.api_key(endpoint))
        if not decision.allowed or key_present is False:
            return EndpointStatus(endpoint, decision, key_present, checked=False)
        self._authorize(schutzstufe, endpoint_id, "status")
        try:
            version = self._contact(endpoint, "status").version()
            models = tuple(self._contact(endpoint, "status").list_models())
        except PolicyRefused:
            raise
        except WorkbenchError as exc:
            return EndpointStatus(endpoint, decision, key_present, checked=True, error=exc)
        return EndpointStatus(endpoint, decision, key_present, True, True, version, models)

    def capabilities(self, endpoint_id: str, model: str | None, schutzstufe: Level) -> frozenset[str]:
        """What a model can do (e.g. "tools"); asks the endpoint only if the policy allows."""
        endpoint, _, _ = self._authorize(schutzstufe, endpoint_id, "capabilities")
        return self._contact(endpoint, "capabilities").capabilities(model or endpoint.default_model)

    def list_models(self, endpoint_id: str, schutzstufe: Level) -> list[ModelInfo]:
        endpoint, _, _ = self._authorize(schutzstufe, endpoint_id, "models")
        return self._contact(endpoint, "models").list_models()

    def pull(self, endpoint_id: str, model: str, schutzstufe: Level) -> Iterator[PullProgress]:
        """Download a model; the policy check happens now and again when the download starts."""
        endpoint, _, _ = self._authorize(schutzstufe, endpoint_id, "pull")

        def download() -> Iterator[PullProgress]:
            yield from self._contact(endpoint, "pull").pull(model)

        return download()


def logged_gateway(
    settings: Settings,
    *,
    session: str,
    workshop: str | None = None,
    live_schutzstufe: Callable[[], Schutzstufe] | None = None,
    user_id: str | None = None,
) -> Gateway:
    """A gateway that records into the installation's run log (WORKBENCH_DATABASE_URL or WORKBENCH_DATA_DIR).

    Its `record_problem` is the German description of why requests are not being recorded (the log
    could not be opened, or its last write failed), else None; the app and the CLI show it once.
    """
    data_dir = default_data_dir(settings.env)
    run_log: RunLog | None
    try:
        run_log = open_run_log(
            data_dir, settings.store_texts, settings.database_url, settings.env, settings.retention_days
        )
        problem = run_log.problem  # a write of another session may have failed just now
    except STORAGE_ERRORS as exc:
        log.warning("run log unavailable: %s: %s", type(exc).__name__, exc)
        run_log = None  # the workbench still works, just without a record
        problem = describe_problem(exc, location_of(data_dir, settings.database_url, settings.env))
    gateway = Gateway(
        settings,
        run_log=run_log,
        session=session,
        workshop=workshop,
        live_schutzstufe=live_schutzstufe,
        user_id=user_id,
    )
    gateway.record_problem = problem
    return gateway
