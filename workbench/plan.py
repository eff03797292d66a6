"""Running orders ("Ablaufpläne") as structured model output, and the checks a planner would make.

The model is asked for JSON matching `PLAN_SCHEMA`; `parse_plan` turns the answer into segments and
`check_plan` lists every violation in plain German: wrong total length, gaps, overlaps, a person on
stage who never appears, the wrong number of formats. The checks are pure functions, so a plan that
does not add up is caught whatever the model claims.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

import pandas as pd

from workbench.structured import StructuredFormatError, extract_json

PLAN_SCHEMA = {
    "type": "object",
    "properties": {
        "titel": {"type": "string"},
        "segmente": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "start_minute": {
                        "type": "integer",
                        "description": "Beginn in Minuten ab Start, der erste Punkt bei 0",
                    },
                    "dauer_minuten": {"type": "integer"},
                    "titel": {"type": "string"},
                    "format": {
                        "type": "string",
                        "description": "Bühnenformat, z. B. Rede, Talkrunde, Live-Musik",
                    },
                    "auf_der_buehne": {"type": "array", "items": {"type": "string"}},
                    "publikum": {"type": "string", "description": "Was das Publikum in dieser Zeit tut"},
                    "beschreibung": {"type": "string"},
                },
                "required": [
                    "start_minute",
                    "dauer_minuten",
                    "titel",
                    "format",
                    "auf_der_buehne",
                    "publikum",
                ],
            },
        },
    },
    "required": ["segmente"],
}

JSON_INSTRUCTION = (
    "Antworten Sie ausschließlich mit JSON nach diesem Schema, ohne Text davor oder danach: "
    '{"titel": "…", "segmente": [{"start_minute": 0, "dauer_minuten": 10, "titel": "…", "format": "…", '
    '"auf_der_buehne": ["…"], "publikum": "…", "beschreibung": "…"}]}. Die Segmente folgen lückenlos '
    "aufeinander und füllen genau die vorgegebene Dauer."
)


@dataclass(frozen=True)
class Segment:
    start: int
    duration: int
    title: str
    format: str
    on_stage: tuple[str, ...]
    audience: str
    description: str = ""

    @property
    def end(self) -> int:
        return self.start + self.duration


@dataclass
class Plan:
    title: str
    segments: list[Segment] = field(default_factory=list)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "Beginn (Min.)": [s.start for s in self.segments],
                "Ende (Min.)": [s.end for s in self.segments],
                "Dauer (Min.)": [s.duration for s in self.segments],
                "Programmpunkt": [s.title for s in self.segments],
                "Format": [s.format for s in self.segments],
                "Auf der Bühne": [", ".join(s.on_stage) for s in self.segments],
                "Publikum": [s.audience for s in self.segments],
                "Beschreibung": [s.description for s in self.segments],
            }
        )

    def markdown_table(self) -> str:
        lines = ["| Zeit | Programmpunkt | Format | Auf der Bühne | Publikum |", "|---|---|---|---|---|"]
        for s in self.segments:
            cells = [f"{s.start}–{s.end} Min.", s.title, s.format, ", ".join(s.on_stage), s.audience]
            lines.append("| " + " | ".join(c.replace("|", "/").replace("\n", " ") for c in cells) + " |")
        return "\n".join(lines)


class PlanFormatError(StructuredFormatError):
    """The answer is not a plan in the requested JSON shape."""


def _as_int(value: object, what: str) -> int:
    if isinstance(value, bool):
        raise PlanFormatError(f"{what} ist keine Zahl.")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise PlanFormatError(f"{what} ist keine ganze Zahl ({value!r}).")


def parse_plan(text: str) -> Plan:
    try:
        data = extract_json(text)
    except StructuredFormatError as exc:
        raise PlanFormatError(str(exc)) from exc
    if not isinstance(data, dict) or not isinstance(data.get("segmente"), list):
        raise PlanFormatError("Im JSON fehlt die Liste „segmente“.")
    if not data["segmente"]:
        raise PlanFormatError(
            "Die Liste „segmente“ ist leer: Das Modell hat keinen einzigen Programmpunkt geplant. Senden Sie "
            "die Anfrage erneut oder geben Sie mehr Einzelheiten vor."
        )
    segments = []
    for index, raw in enumerate(data["segmente"], start=1):
        if not isinstance(raw, dict):
            raise PlanFormatError(f"Segment {index} ist kein Objekt.")
        stage = raw.get("auf_der_buehne", [])
        if isinstance(stage, str):
            stage = [part.strip() for part in re.split(r"[,;]| und ", stage) if part.strip()]
        segments.append(
            Segment(
                start=_as_int(raw.get("start_minute"), f"start_minute in Segment {index}"),
                duration=_as_int(raw.get("dauer_minuten"), f"dauer_minuten in Segment {index}"),
                title=str(raw.get("titel") or f"Programmpunkt {index}").strip(),
                format=str(raw.get("format") or "").strip(),
                on_stage=tuple(str(s).strip() for s in stage if str(s).strip()),
                audience=str(raw.get("publikum") or "").strip(),
                description=str(raw.get("beschreibung") or "").strip(),
            )
        )
    segments.sort(key=lambda s: (s.start, s.end))
    return Plan(title=str(data.get("titel") or "Ablaufplan").strip(), segments=segments)


_STOP = {
    "eines",
    "einer",
    "eine",
    "einem",
    "lokaler",
    "lokale",
    "lokalen",
    "tätigen",
    "überregional",
    "wirkenden",
}


def _keywords(person: str) -> list[str]:
    """Words that identify a person on stage: "Vertreter eines Großkonzerns" -> ["vertret", "großkonz"]."""
    words = [w.lower() for w in re.findall(r"[\wäöüß]+", person)]
    keys = [w[:7] for w in words if len(w) >= 5 and w not in _STOP]
    return keys or [w[:7] for w in words if len(w) >= 3]


def appears(person: str, plan: Plan) -> bool:
    stage_text = " ".join(
        " ".join(s.on_stage) + " " + s.title + " " + s.description for s in plan.segments
    ).lower()
    return any(key in stage_text for key in _keywords(person))


def check_plan(plan: Plan, *, duration: int, people: list[str], formats: int) -> list[str]:
    """Every violation of the brief, in German; an empty list means the plan adds up."""
    problems: list[str] = []
    segments = plan.segments
    for s in segments:
        if s.duration <= 0:
            problems.append(f"„{s.title}“ hat keine gültige Dauer ({s.duration} Minuten).")
        if s.start < 0:
            problems.append(f"„{s.title}“ beginnt vor dem Anfang (Minute {s.start}).")
    total = sum(max(0, s.duration) for s in segments)
    if total != duration:
        problems.append(f"Der Plan dauert {total} statt {duration} Minuten.")
    if segments and segments[0].start > 0:
        problems.append(f"Der Plan beginnt erst bei Minute {segments[0].start} statt bei Minute 0.")
    for previous, current in itertools.pairwise(segments):
        if current.start > previous.end:
            problems.append(f"Zwischen Minute {previous.end} und {current.start} ist nichts geplant.")
        elif current.start < previous.end:
            problems.append(
                f"„{current.title}“ (ab Minute {current.start}) überschneidet sich mit „{previous.title}“ "
                f"(bis Minute {previous.end})."
            )
    if segments and segments[-1].end > duration:
        problems.append(
            f"Der Plan endet erst bei Minute {segments[-1].end}, vorgesehen sind {duration} Minuten."
        )
    for person in people:
        if not appears(person, plan):
            problems.append(f"„{person}“ steht im Plan nicht auf der Bühne.")
    distinct = {re.sub(r"\s+", " ", s.format.lower()).strip() for s in segments if s.format.strip()}
    if len(distinct) != formats:
        problems.append(f"Der Plan hat {len(distinct)} statt {formats} verschiedene Bühnenformate.")
    return problems


def correction_request(problems: list[str]) -> str:
    """The follow-up that sends the violations back to the model."""
    listed = "\n".join(f"- {p}" for p in problems)
    return (
        "Ihr Ablaufplan erfüllt die Vorgaben noch nicht:\n"
        f"{listed}\n\n"
        "Bitte korrigieren Sie den Plan so, dass alle Vorgaben erfüllt sind. " + JSON_INSTRUCTION
    )


def people_from_field(value: object) -> list[str]:
    return [line.strip(" -•\t") for line in str(value or "").splitlines() if line.strip(" -•\t")]
