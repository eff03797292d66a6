"""Transparency notices: what every AI output carries, on screen and in every copy.

A `Notice` records which model produced a text, through which endpoint, whether that runs on own
infrastructure or at a public service, the Schutzstufe, the time, and that a person must check the
text before use. The same fields travel as human-readable German text (screen, plain-text and
Markdown exports) and machine-readably (YAML front matter in Markdown, a ``transparency`` object in
JSON), as Art. 50 AI Act asks. Results computed without a model carry a notice that says so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

# zoneinfo falls back to this package for Europe/Berlin where the system has no zone database (Windows,
# slim containers); imported so that the dependency is visible and its declaration is checked.
import tzdata  # noqa: F401

from workbench.config import Classification

TOOL_NAME = "KI-Werkbank"
TIMEZONE = ZoneInfo("Europe/Berlin")
SCHEMA = "ki-werkbank/transparency/v1"

RESPONSIBILITY = (
    "Der Inhalt wurde mit KI erstellt und kann Fehler oder erfundene Angaben enthalten. Prüfen Sie ihn vor "
    "der Verwendung; die Letztverantwortung liegt beim Menschen."
)


def now() -> datetime:
    return datetime.now(TIMEZONE)


def format_time(moment: datetime) -> str:
    return moment.astimezone(TIMEZONE).strftime("%d.%m.%Y, %H:%M Uhr")


@dataclass(frozen=True)
class Notice:
    """The transparency notice of one result."""

    ai_generated: bool
    created_at: datetime = field(default_factory=now)
    model: str | None = None
    endpoint_id: str | None = None
    endpoint_label: str | None = None
    classification: Classification | None = None
    schutzstufe: int | None = None
    organisation: str = ""
    organisation_notice: str = ""
    complete: bool = True
    # Why an unfinished answer ended: "" (the connection broke off), "limit" or "repetition",
    # and the German sentence that says so.
    stopped: str = ""
    incomplete_reason: str = ""
    pseudonymized: bool = False  # personal data was replaced by placeholders before sending
    human_edited: bool = False  # a person changed the AI output afterwards (e.g. corrected table cells)
    method: str = ""  # for results computed without AI: how they were computed

    @property
    def location(self) -> str:
        if self.classification is Classification.LOCAL:
            return "lokal (eigene Infrastruktur, Daten verlassen die Organisation nicht)"
        if self.classification is Classification.PUBLIC:
            return "öffentlicher Dienst (Daten verlassen die Organisation)"
        return ""

    @property
    def title(self) -> str:
        return "Transparenzhinweis" if self.ai_generated else "Hinweis"

    def text(self) -> str:
        """The notice as German prose, for the screen and for plain-text copies."""
        if not self.ai_generated:
            parts = [f"Berechnet ohne KI mit der {TOOL_NAME} am {format_time(self.created_at)}."]
            if self.method:
                parts.append(self.method)
            parts.append("Die Ergebnisse sind regelbasiert ermittelt und nachvollziehbar.")
        else:
            parts = [
                f"Erstellt mit KI: Modell {self.model} über „{self.endpoint_label}“, {self.location}; "
                f"Schutzstufe {self.schutzstufe}; {format_time(self.created_at)}.",
            ]
            if self.pseudonymized:
                parts.append(
                    "Die Anfrage wurde pseudonymisiert gesendet: Personenbezogene Angaben waren durch Platzhalter "
                    "ersetzt und wurden nur in dieser Anzeige wieder eingesetzt."
                )
            if not self.complete:
                parts.append(
                    self.incomplete_reason
                    or "Die Antwort ist unvollständig, die Verbindung brach vorzeitig ab."
                )
            if self.human_edited:
                parts.append("Das Ergebnis wurde anschließend von einer Person bearbeitet.")
            parts.append(RESPONSIBILITY)
        if self.organisation_notice:
            parts.append(self.organisation_notice)
        return " ".join(parts)

    def markdown(self) -> str:
        return f"> **{self.title}:** {self.text()}"

    def to_dict(self) -> dict[str, Any]:
        """The machine-readable form; the same fields as the text."""
        data: dict[str, Any] = {
            "schema": SCHEMA,
            "ai_generated": self.ai_generated,
            "generator": TOOL_NAME,
            "created_at": self.created_at.isoformat(timespec="seconds"),
        }
        if self.ai_generated:
            data.update(
                {
                    "model": self.model,
                    "endpoint_id": self.endpoint_id,
                    "endpoint_label": self.endpoint_label,
                    "location": self.classification.value if self.classification else None,
                    "data_leaves_organisation": self.classification is Classification.PUBLIC,
                    "schutzstufe": self.schutzstufe,
                    "complete": self.complete,
                    "stopped": self.stopped or None,
                    "pseudonymized": self.pseudonymized,
                    "human_edited": self.human_edited,
                    "human_review_required": True,
                }
            )
        else:
            data["method"] = self.method
        if self.organisation:
            data["organisation"] = self.organisation
        data["notice"] = self.text()
        return data


def computed_notice(method: str = "", organisation: str = "", organisation_notice: str = "") -> Notice:
    """Notice for results the workbench computed itself, without a model."""
    return Notice(
        ai_generated=False,
        method=method,
        organisation=organisation,
        organisation_notice=organisation_notice,
    )


# --- exports -----------------------------------------------------------------------------------


def _yaml(value: object, indent: int = 0) -> list[str]:
    """Minimal YAML emitter for the front matter; JSON scalars are valid YAML scalars."""
    pad = "  " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                lines.append(f"{pad}{key}:")
                lines.extend(_yaml(item, indent + 1))
            else:
                lines.append(f"{pad}{key}: {json.dumps(item, ensure_ascii=False)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                sub = _yaml(item, indent + 1)
                lines.append(f"{pad}- {sub[0].strip()}")
                lines.extend(sub[1:])
            else:
                lines.append(f"{pad}- {json.dumps(item, ensure_ascii=False)}")
    return lines


def front_matter(data: dict[str, Any]) -> str:
    return "---\n" + "\n".join(_yaml(data)) + "\n---\n"


def export_markdown(content: str, notice: Notice, title: str = "") -> str:
    """Markdown with YAML front matter (machine-readable) and the notice under the text."""
    meta: dict[str, Any] = {"title": title} if title else {}
    meta["transparency"] = notice.to_dict()
    heading = f"# {title}\n\n" if title else ""
    return f"{front_matter(meta)}\n{heading}{content.rstrip()}\n\n---\n\n{notice.markdown()}\n"


def export_text(content: str, notice: Notice) -> str:
    return f"{content.rstrip()}\n\n----------\n{notice.title}: {notice.text()}\n"


def export_json(content: str, notice: Notice, **extra: object) -> str:
    return json.dumps(
        {"content": content, **extra, "transparency": notice.to_dict()}, ensure_ascii=False, indent=2
    )


@dataclass(frozen=True)
class Turn:
    """One message of a conversation as it is exported."""

    role: str  # "user" | "assistant"
    content: str
    notice: Notice | None = None


def _literal_block(text: str) -> str:
    """What a person typed, kept literal in Markdown: a fenced block longer than any backtick run inside."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def export_conversation_markdown(turns: Sequence[Turn], title: str = "Gespräch") -> str:
    notices = [t.notice.to_dict() for t in turns if t.notice]
    meta = {"title": title, "ai_generated": bool(notices), "generator": TOOL_NAME, "transparency": notices}
    body = [f"# {title}", ""]
    for turn in turns:
        if turn.role == "user":
            body += ["**Sie:**", "", _literal_block(turn.content.rstrip()), ""]
        else:
            label = f"**KI ({turn.notice.model}):**" if turn.notice else "**KI:**"
            body += [label, "", turn.content.rstrip(), ""]
            if turn.notice:
                body += [turn.notice.markdown(), ""]
    return front_matter(meta) + "\n" + "\n".join(body)


def export_conversation_text(turns: Sequence[Turn], title: str = "Gespräch") -> str:
    out = [title, "=" * len(title), ""]
    for turn in turns:
        out.append("Sie:" if turn.role == "user" else "KI:")
        out.append(turn.content.rstrip())
        if turn.notice:
            out.append(f"[{turn.notice.title}: {turn.notice.text()}]")
        out.append("")
    return "\n".join(out)


def export_conversation_json(turns: Sequence[Turn], title: str = "Gespräch") -> str:
    messages = []
    for turn in turns:
        item: dict[str, Any] = {"role": turn.role, "content": turn.content}
        if turn.notice:
            item["transparency"] = turn.notice.to_dict()
        messages.append(item)
    return json.dumps(
        {
            "title": title,
            "generator": TOOL_NAME,
            "ai_generated": any(t.notice for t in turns),
            "messages": messages,
        },
        ensure_ascii=False,
        indent=2,
    )
