"""Pseudonymisation with German placeholders, and putting the values back into an answer."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from workbench.privacy.patterns import _compact
from workbench.privacy.scan import _KIND_BY_WORD, PLACEHOLDER_WORDS, Finding, scan

# --- pseudonymisation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pseudonymized:
    text: str
    mapping: dict[str, str]  # placeholder -> original value; stays in the session, never sent
    findings: tuple[Finding, ...]
    placeholders: tuple[str, ...] = ()  # the placeholder of each finding, in the same order


def _normal(kind: str, value: str) -> str:
    if kind in ("PERSON", "ADDRESS", "CASE_NUMBER", "HEALTH", "BIRTH_DATE"):
        return " ".join(value.split()).casefold()
    return _compact(value).casefold()


def pseudonymize(text: str, mapping: dict[str, str] | None = None) -> Pseudonymized:
    """Replace each finding by a stable German placeholder like ``[NAME_1]``; the same value gets the same one.

    Pass the `mapping` of earlier texts (e.g. earlier turns of a conversation) to keep placeholders
    consistent across them. Numbers already used in the text itself are skipped, so a literal
    ``[NAME_1]`` typed by the user is never confused with a placeholder.
    """
    mapping = dict(mapping or {})
    findings = scan(text)
    by_value = {(_placeholder_kind(p), _normal(_placeholder_kind(p), v)): p for p, v in mapping.items()}
    counters: Counter[str] = Counter()
    for known in mapping:
        kind = _placeholder_kind(known)
        counters[kind] = max(counters[kind], _placeholder_number(known))
    parts: list[str] = []
    placeholders: list[str] = []
    last = 0
    for finding in findings:
        key = (finding.kind, _normal(finding.kind, finding.text))
        placeholder = by_value.get(key)
        if placeholder is None:
            while True:
                counters[finding.kind] += 1
                placeholder = f"[{PLACEHOLDER_WORDS[finding.kind]}_{counters[finding.kind]}]"
                if placeholder not in text and placeholder not in mapping:
                    break
            by_value[key] = placeholder
            mapping[placeholder] = finding.text
        parts.append(text[last : finding.start])
        parts.append(placeholder)
        placeholders.append(placeholder)
        last = finding.end
    parts.append(text[last:])
    return Pseudonymized("".join(parts), mapping, tuple(findings), tuple(placeholders))


def _placeholder_kind(placeholder: str) -> str:
    """The kind code of a placeholder: "[NAME_3]" -> "PERSON" (an unknown word is its own kind)."""
    word = placeholder[1:].rsplit("_", 1)[0]
    return _KIND_BY_WORD.get(word, word)


def _placeholder_number(placeholder: str) -> int:
    number = placeholder.rsplit("_", 1)[-1].rstrip("]")
    return int(number) if number.isdigit() else 0


# Upper-case words with inner hyphens ("STEUER-ID"), an underscore and a number.
_PLACEHOLDER = re.compile(r"\[([A-ZÄÖÜ]+(?:-[A-ZÄÖÜ]+)*_\d+)\]")


def restore(text: str, mapping: dict[str, str]) -> str:
    """Put the original values back into a model's answer (only placeholders from `mapping`)."""
    return _PLACEHOLDER.sub(lambda m: mapping.get(f"[{m.group(1)}]", m.group(0)), text)


class StreamRestorer:
    """Restores placeholders in a streamed answer whose chunks may split a placeholder in two.

    A chunk that ends in the beginning of a known placeholder ("[STEUER-", "[NAME_1") is held back
    until the next chunk shows whether the placeholder is complete.
    """

    def __init__(self, mapping: dict[str, str]) -> None:
        self.mapping = mapping
        self._pending = ""

    def feed(self, chunk: str) -> str:
        text = self._pending + chunk
        cut = text.rfind("[")
        tail = text[cut:] if cut != -1 else ""
        if tail and "]" not in tail and any(key.startswith(tail) for key in self.mapping):
            self._pending = tail
            text = text[:cut]
        else:
            self._pending = ""
        return restore(text, self.mapping)

    def flush(self) -> str:
        text, self._pending = self._pending, ""
        return restore(text, self.mapping)


def pseudonymize_messages(messages: Iterable[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Pseudonymise all messages with one consistent mapping (same value, same placeholder)."""
    mapping: dict[str, str] = {}
    result = []
    for message in messages:
        content = message.get("content")
        if isinstance(content, str) and content:
            replaced = pseudonymize(content, mapping)
            mapping = replaced.mapping
            message = {**message, "content": replaced.text}
        result.append(message)
    return result, mapping
