"""A multi-turn conversation held outside the UI, so its safety rules are testable.

A conversation remembers the highest Schutzstufe at which any of its turns was sent. Once a turn
went out at Schutzstufe 2, the history may hold personal data, so later turns are sent at
Schutzstufe 2 as well, even if the switch now says 1: the history never travels to a public service.
The level is raised the moment a turn is about to leave, before the first byte: a turn that fails,
breaks off or sends garbage back may still have reached the service, so it locks the conversation too.

`Conversation.ask` is the one way a screen asks a model within a conversation: it builds the request
(history, system text, the locked level), lets the gateway check it, and returns a `PendingTurn` that
streams the answer and files it in the history, or drops the failed question again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from workbench.gateway import ChatRequest, Gateway, Response, Result
from workbench.policy import OPTION_PSEUDONYMIZE, Level, PrivacyAction, Schutzstufe, parse_schutzstufe
from workbench.transparency import (
    Turn,
    export_conversation_json,
    export_conversation_markdown,
    export_conversation_text,
)


@dataclass
class Entry:
    role: str  # "user" | "assistant"
    content: str
    result: Result | None = None


@dataclass
class Conversation:
    entries: list[Entry] = field(default_factory=list)
    highest_schutzstufe: int = 1
    # Once the person chose to pseudonymise, later turns (whose history holds the restored values)
    # are pseudonymised as well.
    pseudonymize: bool = False
    system: str = ""  # instructions sent first with every request (use cases)
    title: str = "Freier Chat – KI-Werkbank"
    max_tokens: int | None = None  # the answer's length limit (a use case's); None: the endpoint's

    def effective_schutzstufe(self, selected: Level) -> Schutzstufe | None:
        level = parse_schutzstufe(selected)
        if level is None:
            return None
        return Schutzstufe(max(int(level), self.highest_schutzstufe))

    def is_locked_to_stufe_2(self, selected: Level) -> bool:
        return parse_schutzstufe(selected) is Schutzstufe.ONE and self.highest_schutzstufe >= 2

    def request(
        self,
        prompt: str,
        selected: Level,
        endpoint_id: str,
        model: str | None,
        privacy_action: PrivacyAction | None = None,
        *,
        json_schema: dict[str, Any] | None = None,
        purpose: str = "chat",
    ) -> ChatRequest:
        """The request for a new user turn (the turn itself is added by `add_user`)."""
        messages = [{"role": "system", "content": self.system}] if self.system else []
        messages += [{"role": e.role, "content": e.content} for e in self.entries]
        messages.append({"role": "user", "content": prompt})
        return ChatRequest(
            messages=messages,
            schutzstufe=self.effective_schutzstufe(selected),
            endpoint_id=endpoint_id,
            model=model,
            purpose=purpose,
            privacy_action=privacy_action or (OPTION_PSEUDONYMIZE if self.pseudonymize else None),
            json_schema=json_schema,
            max_tokens=self.max_tokens,
        )

    def add_user(self, prompt: str, sent_at: Level | None = None) -> Entry:
        """Add a user turn that is about to be sent at `sent_at`; that level locks the conversation now."""
        level = parse_schutzstufe(sent_at)
        if level is not None:
            self.highest_schutzstufe = max(self.highest_schutzstufe, int(level))
        entry = Entry("user", prompt)
        self.entries.append(entry)
        return entry

    def ask(
        self,
        gateway: Gateway,
        prompt: str,
        selected: Level,
        endpoint_id: str,
        model: str | None,
        privacy_action: PrivacyAction | None = None,
        *,
        json_schema: dict[str, Any] | None = None,
        purpose: str = "chat",
    ) -> PendingTurn:
        """Ask the next question. Raises the gateway's refusal (nothing was sent, nothing is kept);
        otherwise the question joins the history and the conversation is locked to the level it
        leaves at, before the answer streams."""
        request = self.request(
            prompt, selected, endpoint_id, model, privacy_action, json_schema=json_schema, purpose=purpose
        )
        response = gateway.chat(request)
        return PendingTurn(self, self.add_user(prompt, request.schutzstufe), response)

    def add_result(self, result: Result) -> None:
        self.highest_schutzstufe = max(self.highest_schutzstufe, int(result.schutzstufe))
        if result.privacy is not None and result.privacy.pseudonymized:
            self.pseudonymize = True
        self.entries.append(Entry("assistant", result.text, result))

    def discard_failed(self, entry: Entry, schutzstufe: Level | None) -> None:
        """Drop a user turn whose answer never came; the caller keeps its text for editing."""
        if entry in self.entries:
            self.entries.remove(entry)
        # A request that failed in transit may still have reached the endpoint.
        level = parse_schutzstufe(schutzstufe)
        if level is not None:
            self.highest_schutzstufe = max(self.highest_schutzstufe, int(level))

    def turns(self) -> list[Turn]:
        return [Turn(e.role, e.content, e.result.notice if e.result else None) for e in self.entries]

    def last_result(self) -> Result | None:
        return next((e.result for e in reversed(self.entries) if e.result is not None), None)

    def export_markdown(self) -> str:
        return export_conversation_markdown(self.turns(), self.title)

    def export_text(self) -> str:
        return export_conversation_text(self.turns(), self.title)

    def export_json(self) -> str:
        return export_conversation_json(self.turns(), self.title)


class PendingTurn:
    """The answer to a question that has joined the conversation; iterate once for its text chunks.

    When the answer arrives, it is filed in the history. When it fails (a typed workbench error or
    anything else, or the screen stops reading), the question is dropped again; the conversation's
    level stays raised, because the question may have reached the service.
    """

    def __init__(self, conversation: Conversation, entry: Entry, response: Response) -> None:
        self.conversation = conversation
        self.entry = entry
        self.response = response
        self._result: Result | None = None

    def __iter__(self) -> Iterator[str]:
        finished = False
        try:
            yield from self.response
            finished = True
        finally:
            if not finished:
                self.conversation.discard_failed(self.entry, self.response.schutzstufe)
        self._file()

    def _file(self) -> Result:
        if self._result is None:
            self._result = self.response.result
            self.conversation.add_result(self._result)
        return self._result

    @property
    def result(self) -> Result:
        """The answer (complete, or broken off with its partial text); streams it first if needed."""
        if self._result is None:
            for _ in self:
                pass
        return self._file()
