"""A step-by-step agent over the waste-route analysis, with a person approving every step.

The tools are the deterministic functions of `workbench.routes`; the model only decides which tool
to call with which arguments (tool calling, both backends) and comments on the result. Models without
tool support run in guided mode: the workbench calls the step's tool itself and the model comments.
Arguments are validated before a tool runs; unknown tools and bad arguments become a visible error
and the run can go on. Tool results hold aggregates and figures only, never complaint texts, and they
pass the gateway's privacy check like everything else that leaves.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from workbench.errors import ToolsRefused, WorkbenchError
from workbench.gateway import ChatRequest, Gateway, Result
from workbench.policy import Level, PrivacyAction, Schutzstufe, parse_schutzstufe
from workbench.routes import RouteData, analyze, attribute_complaints, runs

MAX_TOOL_CALLS_PER_STEP = 3

SYSTEM = (
    "Sie sind ein Analyse-Assistent der Abfallwirtschaft von Musterstadt. Sie arbeiten in Schritten und nutzen "
    "ausschließlich die bereitgestellten Werkzeuge; Zahlen übernehmen Sie nur aus deren Ergebnissen und erfinden "
    "nichts. Antworten Sie auf Deutsch, kurz und sachlich (höchstens fünf Sätze oder Stichpunkte)."
)


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    parameters: dict[str, Any]
    run: Callable[[RouteData, dict[str, Any]], dict[str, Any]]

    def definition(self) -> dict[str, Any]:
        return {
            "type": "function",
            "function": {"name": self.name, "description": self.description, "parameters": self.parameters},
        }


def _merge(data: RouteData, args: dict[str, Any]) -> dict[str, Any]:
    table, findings = runs(data)
    return {
        "touren": len(data.tours),
        "laeufe": len(table),
        "gps_punkte": len(data.gps),
        "beschwerden": len(data.complaints),
        "zeitraum": f"{table['datum'].min():%d.%m.%Y} bis {table['datum'].max():%d.%m.%Y}"
        if len(table)
        else "–",
        "laeufe_ohne_gps": int((~table["gps_vorhanden"]).sum()),
        "datenprobleme": [*data.findings, *findings][:10],
    }


def _check_amounts(data: RouteData, args: dict[str, Any]) -> dict[str, Any]:
    result = analyze(data)
    limit = args.get("mindestabweichung_prozent", 15)
    rows = result[result["abweichung_menge_pct"].abs() >= limit].sort_values(
        "abweichung_menge_pct", key=abs, ascending=False
    )
    columns = [
        "tour_id",
        "bezirk",
        "fraktion",
        "abweichung_menge_pct",
        "abweichung_leerungen_pct",
        "anteil_soll_pct",
    ]
    return {
        "touren_geprueft": len(result),
        "mindestabweichung_prozent": limit,
        "touren_mit_abweichung": rows[columns].to_dict("records"),
        "median_abweichung_alle_prozent": round(float(result["abweichung_menge_pct"].median()), 1),
    }


def _anomalies(data: RouteData, args: dict[str, Any]) -> dict[str, Any]:
    result = analyze(data)
    flagged = (
        result[result["flagged"]]
        .sort_values("complaints", ascending=False)
        .head(int(args.get("max_anzahl", 10)))
    )
    return {
        "auffaellige_touren": flagged[["tour_id", "bezirk", "fraktion", "reasons", "complaints"]].to_dict(
            "records"
        ),
        "unauffaellige_touren": int((~result["flagged"]).sum()),
    }


def _complaints(data: RouteData, args: dict[str, Any]) -> dict[str, Any]:
    table, _ = runs(data)
    complaints, unattributed = attribute_complaints(data, table)
    attributed = complaints.dropna(subset=["tour_id"])
    if args.get("tour_id"):
        attributed = attributed[attributed["tour_id"] == args["tour_id"]]
    by_tour = attributed.groupby(["tour_id", "kategorie"]).size().rename("anzahl").reset_index()
    # counts by category only: the complaint texts hold names and addresses and never leave
    return {"beschwerden_je_tour_und_kategorie": by_tour.to_dict("records"), "nicht_zuordenbar": unattributed}


TOOLS = {
    tool.name: tool
    for tool in (
        Tool("daten_zusammenfuehren", "Führt Touren, Wiegescheine, GPS-Daten und Beschwerden zusammen und meldet Datenprobleme.",
             {"type": "object", "properties": {}, "required": []}, _merge),
        Tool("mengen_pruefen", "Vergleicht gemeldete Mengen und Leerungen je Tour mit den GPS-Schüttungen.",
             {"type": "object", "properties": {"mindestabweichung_prozent": {"type": "number", "minimum": 0, "maximum": 100}},
              "required": []}, _check_amounts),
        Tool("auffaellige_touren", "Listet Touren mit Auffälligkeiten samt Begründung und Zahl der Beschwerden.",
             {"type": "object", "properties": {"max_anzahl": {"type": "integer", "minimum": 1, "maximum": 50}}, "required": []},
             _anomalies),
        Tool("beschwerden_abgleichen", "Zählt Bürgerbeschwerden je Tour und Kategorie (ohne Beschwerdetexte).",
             {"type": "object", "properties": {"tour_id": {"type": "string"}}, "required": []}, _complaints),
    )
}  # fmt: skip


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    intent: str
    instruction: str
    tool: str | None  # the tool guided mode runs (and tool mode asks for first); None: earlier results only
    also: tuple[str, ...] = ()  # further tools guided mode runs in this step, after `tool`


STEPS = (
    Step(1, "Datenquellen zusammenführen", "Der Agent verbindet Touren, Wiegescheine, GPS-Schüttungen und Beschwerden.",
         "Schritt 1: Führen Sie die Datenquellen zusammen und nennen Sie Umfang und Datenprobleme.", "daten_zusammenfuehren"),
    Step(2, "Mengen mit GPS prüfen", "Der Agent prüft, ob die gemeldeten Mengen zu den GPS-Schüttungen passen.",
         "Schritt 2: Prüfen Sie, ob die gemeldeten Abfallmengen mit den GPS-Daten übereinstimmen.", "mengen_pruefen"),
    Step(3, "Auffällige Touren und Bürgerfeedback", "Der Agent bestimmt auffällige Touren und gleicht sie mit Beschwerden ab.",
         "Schritt 3: Identifizieren Sie Touren mit Auffälligkeiten und gleichen Sie sie mit dem Bürgerfeedback ab.",
         "auffaellige_touren", ("beschwerden_abgleichen",)),
    Step(4, "Diagramme und Empfehlungen", "Die Werkbank zeichnet Diagramme; der Agent schreibt Empfehlungen aus den Fakten.",
         "Schritt 4: Schreiben Sie eine kurze Empfehlungsliste (höchstens fünf Punkte) für effizientere Touren – "
         "ausschließlich auf Grundlage der Werkzeugergebnisse.", None),
)  # fmt: skip


@dataclass
class ToolRun:
    name: str
    arguments: dict[str, Any] | str
    result: dict[str, Any] | None = None
    error: str = ""


@dataclass
class StepResult:
    step: Step
    tool_runs: list[ToolRun] = field(default_factory=list)
    comment: Result | None = None
    guided: bool = False
    # Why a step meant for tool calls ran in guided mode (the service refused tools), in German.
    fallback: str = ""


def validate(name: str, arguments: dict[str, Any] | str) -> tuple[Tool | None, dict[str, Any], str]:
    """The tool and cleaned arguments, or a German error; nothing runs before this passes."""
    tool = TOOLS.get(name)
    if tool is None:
        return None, {}, f"Unbekanntes Werkzeug „{name}“. Verfügbar: {', '.join(TOOLS)}."
    if not isinstance(arguments, dict):
        return tool, {}, f"Die Argumente für „{name}“ sind kein gültiges JSON: {str(arguments)[:80]}"
    properties = tool.parameters.get("properties", {})
    clean = {}
    for key, value in arguments.items():
        spec = properties.get(key)
        if spec is None:
            return tool, {}, f"„{name}“ kennt das Argument „{key}“ nicht."
        kind = spec.get("type")
        if kind == "integer" and (isinstance(value, bool) or not isinstance(value, int)):
            return tool, {}, f"„{key}“ muss eine ganze Zahl sein, erhalten: {value!r}."
        if kind == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
            return tool, {}, f"„{key}“ muss eine Zahl sein, erhalten: {value!r}."
        if kind == "string" and not isinstance(value, str):
            return tool, {}, f"„{key}“ muss ein Text sein, erhalten: {value!r}."
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        too_low = numeric and "minimum" in spec and value < spec["minimum"]
        too_high = numeric and "maximum" in spec and value > spec["maximum"]
        if too_low or too_high:
            return (
                tool,
                {},
                f"„{key}“ = {value} liegt außerhalb von {spec.get('minimum')}–{spec.get('maximum')}.",
            )
        clean[key] = value
    return tool, clean, ""


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def run_tool(data: RouteData, name: str, arguments: dict[str, Any] | str) -> ToolRun:
    tool, clean, error = validate(name, arguments)
    if error or tool is None:  # validate() names no tool only together with an error
        return ToolRun(name, arguments, error=error)
    try:
        return ToolRun(name, clean, result=tool.run(data, clean))
    except Exception as exc:  # a tool failure is shown on the step card; the run may go on
        return ToolRun(name, clean, error=f"Das Werkzeug „{name}“ ist fehlgeschlagen: {exc}")


def supports_tools(gateway: Gateway, endpoint_id: str, model: str | None, schutzstufe: Level) -> bool:
    """Whether the model says it can call tools. A service that cannot say, or cannot be asked (not
    reachable, not allowed at this Schutzstufe), gets the guided mode, which needs nothing optional."""
    try:
        return "tools" in gateway.capabilities(endpoint_id, model, schutzstufe)
    except WorkbenchError:
        return False


@dataclass
class AgentHistory:
    """The messages of one agent run, and the highest Schutzstufe any of its requests left at.

    Later steps send the earlier steps' messages again. Once a step went out at Schutzstufe 2 (or may
    have: a failed step counts), every later step is sent at Schutzstufe 2 too, whatever the switch
    says now, so the run's messages never reach a public service.
    """

    messages: list[dict[str, Any]] = field(default_factory=list)
    highest_schutzstufe: int = 1

    def level(self, selected: Level) -> Schutzstufe | None:
        chosen = parse_schutzstufe(selected)
        return None if chosen is None else Schutzstufe(max(int(chosen), self.highest_schutzstufe))

    def is_locked_to_stufe_2(self, selected: Level) -> bool:
        return parse_schutzstufe(selected) is Schutzstufe.ONE and self.highest_schutzstufe >= 2

    def sent_at(self, level: Schutzstufe) -> None:
        self.highest_schutzstufe = max(self.highest_schutzstufe, int(level))

    def append(self, message: dict[str, Any]) -> None:
        self.messages.append(message)


def run_step(
    gateway: Gateway,
    data: RouteData,
    step: Step,
    history: AgentHistory,
    *,
    schutzstufe: Level,
    endpoint_id: str,
    model: str | None,
    use_tools: bool,
    privacy_action: PrivacyAction | None = None,
) -> StepResult:
    """Run one step; `history` grows with the step's messages (OpenAI-shaped) and keeps the run's
    Schutzstufe lock."""
    outcome = StepResult(step, guided=not use_tools)
    if not history.messages:
        history.append({"role": "system", "content": SYSTEM})
    history.append({"role": "user", "content": step.instruction})

    def ask(tools: list[dict[str, Any]] | None, tool_choice: dict[str, Any] | None = None) -> Result:
        request = ChatRequest(
            list(history.messages), history.level(schutzstufe), endpoint_id, model,
            purpose=f"agent:schritt{step.number}", tools=tools, privacy_action=privacy_action,
            tool_choice=tool_choice,
        )  # fmt: skip
        response = gateway.chat(request)  # refused here: nothing left, no lock
        history.sent_at(response.schutzstufe)  # from here on it may reach the service
        return response.result

    if use_tools:
        try:
            endpoint = gateway.settings.endpoint(endpoint_id)
            return _with_tools(data, outcome, history, ask, endpoint is not None and endpoint.tools == "on")
        except ToolsRefused as exc:  # the service takes no tool definitions: the workbench calls the tool
            outcome.guided = True
            outcome.fallback = (
                f"{exc.user_message} Deshalb hat die Werkbank das Werkzeug dieses Schritts selbst aufgerufen "
                "(geführter Modus); das Modell kommentiert das Ergebnis."
            )
    return _guided(data, outcome, history, ask)


def _with_tools(
    data: RouteData,
    outcome: StepResult,
    history: AgentHistory,
    ask: Callable[..., Result],
    require_tool: bool = False,
) -> StepResult:
    """The model calls the tools itself, up to `MAX_TOOL_CALLS_PER_STEP` rounds. With `require_tool`
    (tools = true for the service) the first round asks for the step's own tool."""
    definitions = [tool.definition() for tool in TOOLS.values()]
    for round_number in range(MAX_TOOL_CALLS_PER_STEP):
        choice = None
        if require_tool and round_number == 0 and outcome.step.tool:
            choice = {"type": "function", "function": {"name": outcome.step.tool}}
        result = ask(definitions, choice)
        if not result.tool_calls:
            outcome.comment = result
            history.append({"role": "assistant", "content": result.text})
            return outcome
        history.append(
            {
                "role": "assistant",
                "content": result.text,
                "tool_calls": [
                    {
                        "id": c.id,
                        "type": "function",
                        "function": {"name": c.name, "arguments": _json(c.arguments)},
                    }
                    for c in result.tool_calls
                ],
            }
        )
        for call in result.tool_calls:
            tool_run = run_tool(data, call.name, call.arguments)
            outcome.tool_runs.append(tool_run)
            content = _json(tool_run.result) if tool_run.error == "" else _json({"fehler": tool_run.error})
            history.append({"role": "tool", "tool_call_id": call.id, "name": call.name, "content": content})
    history.append(
        {
            "role": "user",
            "content": "Das Schrittlimit ist erreicht. Fassen Sie das Ergebnis kurz zusammen.",
        }
    )
    outcome.comment = ask(None)
    history.append({"role": "assistant", "content": outcome.comment.text})
    return outcome


def _guided(
    data: RouteData,
    outcome: StepResult,
    history: AgentHistory,
    ask: Callable[..., Result],
) -> StepResult:
    """Guided mode: the workbench calls the step's tools, the model comments on their results."""
    step = outcome.step
    for tool in (step.tool, *step.also) if step.tool else ():
        guided_run = run_tool(data, tool, {})
        outcome.tool_runs.append(guided_run)
        history.append(
            {
                "role": "user",
                "content": f"Ergebnis des Werkzeugs „{tool}“:\n{_json(guided_run.result or guided_run.error)}",
            }
        )
    outcome.comment = ask(None)
    history.append({"role": "assistant", "content": outcome.comment.text})
    return outcome


def result_frame(tool_run: ToolRun) -> pd.DataFrame | None:
    """The largest list of records in a tool result, as a table for the step card."""
    if not tool_run.result:
        return None
    tables = [v for v in tool_run.result.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
    return pd.DataFrame(max(tables, key=len)) if tables else None
