"""The agent loop against scripted tool calls on both protocols, and guided mode."""

import json

import pytest

from tests.fakes import Reply
from tests.test_routes import build
from workbench.agent import STEPS, TOOLS, AgentHistory, run_step, supports_tools, validate
from workbench.errors import PolicyRefused, WorkbenchError


@pytest.mark.parametrize(
    ("name", "arguments", "error"),
    [
        ("daten_zusammenfuehren", {}, ""),
        ("mengen_pruefen", {"mindestabweichung_prozent": 20}, ""),
        ("mengen_pruefen", {"mindestabweichung_prozent": "viel"}, "muss eine Zahl sein"),
        ("auffaellige_touren", {"max_anzahl": 500}, "außerhalb"),
        ("auffaellige_touren", {"sortierung": "x"}, "kennt das Argument"),
        ("loesche_alles", {}, "Unbekanntes Werkzeug"),
        ("mengen_pruefen", "{kaputt", "kein gültiges JSON"),
    ],
)
def test_arguments_are_validated_before_running(name, arguments, error):
    _, _, message = validate(name, arguments)
    assert (error in message) if error else message == ""


@pytest.mark.parametrize("endpoint_id", ["ollama", "openai"])
def test_tool_calling_loop(gateway, fake_ollama, fake_openai, endpoint_id):
    server = fake_ollama if endpoint_id == "ollama" else fake_openai
    server.replies.extend(
        [
            Reply(tool_calls=[{"name": "mengen_pruefen", "arguments": {"mindestabweichung_prozent": 20}}]),
            Reply(tool_calls=[{"name": "mengen_pruefen", "arguments": {"mindestabweichung_prozent": "hoch"}},
                              {"name": "tabelle_loeschen", "arguments": {}}]),
            Reply(text="Tour T3 weicht deutlich ab; alle anderen liegen im üblichen Rahmen."),
        ]
    )  # fmt: skip
    data = build("menge")
    history = AgentHistory()
    outcome = run_step(
        gateway, data, STEPS[1], history, schutzstufe=1, endpoint_id=endpoint_id, model=None, use_tools=True
    )
    assert [r.name for r in outcome.tool_runs] == ["mengen_pruefen", "mengen_pruefen", "tabelle_loeschen"]
    assert outcome.tool_runs[0].error == ""
    assert [t["tour_id"] for t in outcome.tool_runs[0].result["touren_mit_abweichung"]] == ["T3"]
    assert "muss eine Zahl sein" in outcome.tool_runs[1].error
    assert "Unbekanntes Werkzeug" in outcome.tool_runs[2].error
    assert outcome.comment.text.startswith("Tour T3")
    requests = server.chat_requests
    assert len(requests) == 3
    assert {t["function"]["name"] for t in requests[0].body["tools"]} == set(TOOLS)
    sent = requests[1].body["messages"]
    tool_messages = [m for m in sent if m["role"] == "tool"]
    assert tool_messages and "T3" in tool_messages[0]["content"]
    assert "Frau Müller" not in json.dumps([r.body for r in requests])  # complaint texts never leave


def test_step_limit(gateway, fake_ollama):
    call = Reply(tool_calls=[{"name": "daten_zusammenfuehren", "arguments": {}}])
    fake_ollama.replies.extend([call, call, call, Reply(text="Zusammenfassung nach dem Limit.")])
    outcome = run_step(
        gateway,
        build(),
        STEPS[0],
        AgentHistory(),
        schutzstufe=2,
        endpoint_id="ollama",
        model=None,
        use_tools=True,
    )
    assert len(outcome.tool_runs) == 3
    assert outcome.comment.text == "Zusammenfassung nach dem Limit."
    assert (
        "tools" not in fake_ollama.chat_requests[-1].body or not fake_ollama.chat_requests[-1].body["tools"]
    )


def test_guided_mode_runs_the_tool_itself(gateway, fake_ollama):
    fake_ollama.replies.append(Reply(text="Die Daten sind vollständig bis auf zwei Läufe."))
    outcome = run_step(
        gateway,
        build("gps"),
        STEPS[0],
        AgentHistory(),
        schutzstufe=2,
        endpoint_id="ollama",
        model=None,
        use_tools=False,
    )
    assert outcome.guided and [r.name for r in outcome.tool_runs] == ["daten_zusammenfuehren"]
    body = fake_ollama.chat_requests[-1].body
    assert not body.get("tools")
    assert "Ergebnis des Werkzeugs" in body["messages"][-1]["content"]
    assert "laeufe_ohne_gps" in body["messages"][-1]["content"]


def test_capabilities_decide_the_mode(gateway, fake_ollama):
    fake_ollama.capabilities = {"llama3.2:latest": ["completion", "tools"], "mistral:latest": ["completion"]}
    assert supports_tools(gateway, "ollama", "llama3.2", 2)
    assert not supports_tools(gateway, "ollama", "mistral", 2)


def test_every_backend_answers_the_capability_question(gateway, fake_ollama, fake_openai):
    """The interface declares `capabilities`: an OpenAI-compatible service has no capability query, so
    tools are tried (tools = "auto"); a refusal or an unreachable service gives the guided mode."""
    assert gateway.capabilities("openai", None, 1) == frozenset({"tools"})
    assert supports_tools(gateway, "openai", None, 1)
    assert not supports_tools(gateway, "openai", None, 2)  # not allowed: never asked
    fake_ollama.fault = "down"
    assert not supports_tools(gateway, "ollama", "llama3.2", 2)
    assert fake_openai.requests == []


def test_stufe_1_sends_no_complaint_text_to_the_public_api(gateway, fake_openai):
    fake_openai.replies.extend([Reply(text=f"Kommentar {i}") for i in range(4)])
    data, history = build("beschwerden"), AgentHistory()
    for step in STEPS:
        run_step(
            gateway, data, step, history, schutzstufe=1, endpoint_id="openai", model=None, use_tools=False
        )
    bodies = json.dumps([r.body for r in fake_openai.chat_requests], ensure_ascii=False)
    assert len(fake_openai.chat_requests) == 4
    assert "Frau Müller" not in bodies and "Lindenweg" not in bodies and "MS-AW" not in bodies


@pytest.mark.parametrize("step_1_fails", [False, True])
def test_a_step_at_stufe_2_locks_the_run(gateway, fake_ollama, fake_openai, step_1_fails):
    """Step 1 at Stufe 2 (answered, or failed after it may have reached the service), then the switch
    to Stufe 1 with the public API: step 2 would resend step 1's messages, so it is refused."""
    if step_1_fails:
        fake_ollama.replies.append(Reply(chunks=["x"], inject=b"[1, 2]\n", inject_after=0))
    else:
        fake_ollama.replies.append(Reply(text="Schritt 1 erledigt."))
    data, history = build(), AgentHistory()
    try:
        run_step(
            gateway, data, STEPS[0], history, schutzstufe=2, endpoint_id="ollama", model=None, use_tools=False
        )
    except WorkbenchError:
        assert step_1_fails
    assert history.is_locked_to_stufe_2(1)
    with pytest.raises(PolicyRefused):
        run_step(
            gateway, data, STEPS[1], history, schutzstufe=1, endpoint_id="openai", model=None, use_tools=False
        )
    assert fake_openai.requests == []


def test_a_refused_step_does_not_lock(gateway, fake_openai):
    history = AgentHistory()
    with pytest.raises(PolicyRefused):
        run_step(
            gateway,
            build(),
            STEPS[0],
            history,
            schutzstufe=2,
            endpoint_id="openai",
            model=None,
            use_tools=False,
        )
    assert history.highest_schutzstufe == 1


def test_openai_compatible_servers_are_asked_with_tools_unless_configured_off(workbench_env, monkeypatch):
    from dataclasses import replace

    from workbench.backends import create_backend
    from workbench.config import load_settings

    for base_url in ("https://api.openai.com/v1", "https://ki-gateway.musterstadt.de/v1"):
        monkeypatch.setenv("OPENAI_BASE_URL", base_url)
        endpoint = load_settings().endpoint("openai")
        assert endpoint.tools == "auto"
        assert create_backend(endpoint, "sk-test").capabilities("gpt-4o-mini") == frozenset({"tools"})
        assert (
            create_backend(replace(endpoint, tools="off"), "sk-test").capabilities("gpt-4o-mini")
            == frozenset()
        )
