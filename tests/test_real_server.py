"""The workbench against a real in-house model server: llama-cpp-python's OpenAI-compatible server
with Gemma 3 270M, entered in workbench.toml as kind = "openai", classification = "lokal".

The model is tiny and often wrong; these tests check what the workbench does with a real server's
behaviour (its format rules, its tool calls, its streams), not the quality of the answers.
"""

from __future__ import annotations

import pytest

from tests.real_server import CHAT_MODEL, TOOLS_MODEL, endpoint_toml
from tests.test_routes import build
from workbench.agent import STEPS, AgentHistory, run_step, supports_tools
from workbench.backends import create_backend
from workbench.config import load_settings
from workbench.gateway import ChatRequest, Gateway
from workbench.plan import PLAN_SCHEMA, PlanFormatError, check_plan, parse_plan
from workbench.structured import extract_json

pytestmark = [pytest.mark.real_server, pytest.mark.timeout(600)]


@pytest.fixture
def local_gateway(real_server, workbench_env, tmp_path):
    (tmp_path / "workbench.toml").write_text(
        endpoint_toml(real_server.url, CHAT_MODEL, max_tokens=256), encoding="utf-8"
    )
    return Gateway(load_settings())


def ask(gateway: Gateway, text: str, **extra):
    response = gateway.chat(
        ChatRequest([{"role": "user", "content": text}], 2, "rz-llama", purpose="test", **extra)
    )
    chunks = list(response)
    return chunks, response.result


def test_a_streamed_answer_with_its_notice(local_gateway):
    chunks, result = ask(local_gateway, "Nenne drei Ideen für einen Neujahrsempfang im Rathaus.")
    assert len(chunks) > 1 and result.text.strip()
    assert result.model == CHAT_MODEL
    assert result.ttft_s is not None and result.ttft_s < result.total_s
    notice = result.notice.text()
    assert "Schutzstufe 2" in notice and "lokal" in notice and "Rechenzentrum (llama.cpp)" in notice
    assert "Tokens:" in result.token_summary()


def test_the_plan_comes_back_as_json_through_negotiation(local_gateway):
    prompt = (
        "Plane einen Neujahrsempfang von 60 Minuten mit Begrüßung durch die Bürgermeisterin, Musik und "
        "Empfang. Antworte als JSON."
    )
    _, result = ask(local_gateway, prompt, json_schema=PLAN_SCHEMA, max_tokens=600)
    backend = create_backend(load_settings().endpoint("rz-llama"), None)
    assert backend.format_used(CHAT_MODEL) in ("json_object", "prompt")  # json_schema is refused there
    data = extract_json(result.text)  # grammar-constrained JSON: always parseable
    assert isinstance(data, dict) and isinstance(data.get("segmente"), list)
    try:  # the plan checker judges what came back; the tiny model often plans nothing at all
        verdict = check_plan(parse_plan(result.text), duration=60, people=["Bürgermeisterin"], formats=2)
    except PlanFormatError as exc:
        verdict = [str(exc)]
        assert "ist leer" in str(exc) or "segmente" in str(exc)
    assert all(isinstance(line, str) and line for line in verdict)


def test_an_agent_step_with_a_real_tool_call_is_validated(real_server, workbench_env, tmp_path):
    (tmp_path / "workbench.toml").write_text(
        endpoint_toml(real_server.url, TOOLS_MODEL, max_tokens=200, tools=True), encoding="utf-8"
    )
    gateway = Gateway(load_settings())
    assert supports_tools(gateway, "rz-llama", TOOLS_MODEL, 2)
    outcome = run_step(
        gateway, build("beschwerden"), STEPS[0], AgentHistory(), schutzstufe=2, endpoint_id="rz-llama",
        model=TOOLS_MODEL, use_tools=True,
    )  # fmt: skip
    assert not outcome.fallback
    assert outcome.tool_runs, "the model called no tool"
    for run in outcome.tool_runs:  # nonsense arguments are refused with a German reason, good ones run
        assert (run.error == "") == (run.result is not None)
        assert run.error == "" or any(word in run.error for word in ("Werkzeug", "Argument", "muss", "JSON"))


def test_the_repetition_guard_stops_a_looping_answer(local_gateway):
    prompt = "Schreibe den Satz „Der Empfang beginnt um 18 Uhr.“ zweihundertmal untereinander, ohne Nummern."
    chunks, result = ask(local_gateway, prompt, max_tokens=1500, options={"temperature": 0})
    assert result.notice.stopped == "repetition", result.text[-300:]
    assert "denselben Text immer wieder" in result.notice.text()
    assert len(result.text) < len("".join(chunks))  # the repetitions were cut from the kept text


def test_the_status_page_lists_the_servers_models(local_gateway, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    assert [m.name for m in local_gateway.list_models("rz-llama", 2)] == sorted([CHAT_MODEL, TOOLS_MODEL])
    monkeypatch.setenv("WORKBENCH_CONFIG", str(tmp_path / "workbench.toml"))
    page = AppTest.from_file(str(ROOT / "views" / "models.py"), default_timeout=60)
    page.session_state["schutzstufe"] = 2
    page.run()
    assert not page.exception, [e.value for e in page.exception]
    assert "Rechenzentrum (llama.cpp)" in [s.value for s in page.subheader]
    listed = [name for frame in page.dataframe for name in frame.value.get("Modell", [])]
    assert CHAT_MODEL in listed and TOOLS_MODEL in listed
