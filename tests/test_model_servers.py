"""What real in-house model servers do differently, against protocol-level fakes with their quirks.

llama.cpp's server rejects `response_format: json_schema` but takes `json_object` with the schema;
some servers reject tool definitions; some streams carry no usage; a small model can loop. The
workbench negotiates, limits the answer's length and stops loops.
"""

from __future__ import annotations

import json

import pytest

from tests.fakes import Reply
from tests.test_routes import build
from workbench.agent import STEPS, AgentHistory, run_step, supports_tools
from workbench.config import load_settings
from workbench.gateway import ChatRequest, Gateway
from workbench.plan import PLAN_SCHEMA, PlanFormatError, parse_plan

QUESTION = [{"role": "user", "content": "Planen Sie den Neujahrsempfang als JSON."}]
PLAN = json.dumps(
    {
        "titel": "Neujahrsempfang",
        "segmente": [
            {
                "start_minute": 0,
                "dauer_minuten": 30,
                "titel": "Begrüßung",
                "format": "Rede",
                "verantwortlich": "OB",
            },
            {
                "start_minute": 30,
                "dauer_minuten": 30,
                "titel": "Empfang",
                "format": "Buffet",
                "verantwortlich": "Team",
            },
        ],
    },
    ensure_ascii=False,
)


def configured(tmp_path, text: str) -> Gateway:
    (tmp_path / "workbench.toml").write_text(text, encoding="utf-8")
    return Gateway(load_settings())


def structured(gateway: Gateway, endpoint_id: str = "openai", schutzstufe: int = 1, **extra):
    response = gateway.chat(
        ChatRequest(QUESTION, schutzstufe, endpoint_id, purpose="test", json_schema=PLAN_SCHEMA, **extra)
    )
    "".join(response)
    return response.result


def test_a_refused_json_schema_falls_back_to_json_object_with_the_schema_and_is_remembered(
    gateway, fake_openai
):
    fake_openai.refused_formats = {"json_schema"}
    fake_openai.refusal_status = 500  # llama.cpp's server answers the unknown format with a server error
    fake_openai.replies.extend([Reply(text=PLAN), Reply(text=PLAN)])
    result = structured(gateway)
    assert result.complete and parse_plan(result.text).segments
    formats = [r.body.get("response_format") for r in fake_openai.chat_requests]
    # (the client repeats a server error once by itself before the next way is tried)
    assert list(dict.fromkeys(f["type"] for f in formats)) == ["json_schema", "json_object"]
    assert formats[-1]["schema"] == PLAN_SCHEMA
    structured(gateway)  # the next request goes straight to what worked
    assert fake_openai.chat_requests[-1].body["response_format"]["type"] == "json_object"


def test_without_any_format_option_the_schema_goes_into_an_instruction(gateway, fake_openai):
    fake_openai.refused_formats = {"json_schema", "json_object"}
    fake_openai.replies.append(Reply(text=PLAN))
    result = structured(gateway)
    assert result.complete
    last = fake_openai.chat_requests[-1].body
    assert "response_format" not in last
    assert last["messages"][0]["role"] == "system"
    assert "JSON-Schema" in last["messages"][0]["content"] and "segmente" in last["messages"][0]["content"]


def test_structured_output_can_be_fixed_per_endpoint(tmp_path, workbench_env, fake_openai, fake_ollama):
    gateway = configured(
        tmp_path,
        '[[endpoints]]\nid = "openai"\nstructured_output = "prompt"\n\n'
        '[[endpoints]]\nid = "ollama"\nstructured_output = "json_object"\n',
    )
    fake_openai.replies.append(Reply(text=PLAN))
    structured(gateway)
    assert "response_format" not in fake_openai.chat_requests[-1].body
    fake_ollama.replies.append(Reply(text=PLAN))
    structured(gateway, "ollama", 2)
    body = fake_ollama.chat_requests[-1].body
    assert body["format"] == "json" and "JSON-Schema" in body["messages"][0]["content"]


def test_a_server_error_that_is_not_about_the_format_is_reported_not_retried(gateway, fake_openai):
    fake_openai.fault = "server_error"
    response = gateway.chat(ChatRequest(QUESTION, 1, "openai", purpose="test", json_schema=PLAN_SCHEMA))
    with pytest.raises(Exception, match="Serverfehler"):
        "".join(response)
    assert len(fake_openai.chat_requests) <= 2  # the client's own single retry, no format steps


def test_bad_structured_output_setting_is_a_german_config_problem(tmp_path, workbench_env):
    (tmp_path / "workbench.toml").write_text(
        '[[endpoints]]\nid = "openai"\nstructured_output = "xml"\ntools = "vielleicht"\nmax_tokens = 5\n',
        encoding="utf-8",
    )
    problems = " ".join(str(p) for p in load_settings().problems)
    assert "structured_output" in problems and '"json_object"' in problems
    assert "tools" in problems and "true, false" in problems
    assert "max_tokens" in problems and "16 und 200000" in problems


def test_refused_tools_fall_back_to_the_guided_mode_with_a_german_reason(gateway, fake_openai):
    fake_openai.refuse_tools = True
    fake_openai.replies.append(Reply(text="Kommentar zu den Daten."))
    assert supports_tools(gateway, "openai", None, 1)
    history = AgentHistory()
    outcome = run_step(
        gateway, build("beschwerden"), STEPS[0], history, schutzstufe=1, endpoint_id="openai", model=None,
        use_tools=True,
    )  # fmt: skip
    assert outcome.guided and "nimmt keine Werkzeugdefinitionen an" in outcome.fallback
    assert "geführter Modus" in outcome.fallback
    assert outcome.tool_runs and outcome.tool_runs[0].error == ""
    assert outcome.comment is not None and outcome.comment.text == "Kommentar zu den Daten."
    bodies = [r.body for r in fake_openai.chat_requests]
    assert bodies[0].get("tools") and not bodies[-1].get("tools")
    assert not supports_tools(gateway, "openai", None, 1)  # not asked again with tools


def test_tools_can_be_switched_off_per_endpoint(tmp_path, workbench_env):
    gateway = configured(tmp_path, '[[endpoints]]\nid = "openai"\ntools = false\n')
    assert not supports_tools(gateway, "openai", None, 1)


def test_tools_true_asks_for_the_steps_own_tool_first(tmp_path, workbench_env, fake_openai):
    gateway = configured(tmp_path, '[[endpoints]]\nid = "openai"\ntools = true\n')
    fake_openai.replies.extend(
        [Reply(tool_calls=[{"name": STEPS[0].tool, "arguments": {}}]), Reply(text="Zusammengeführt.")]
    )
    outcome = run_step(
        gateway, build("beschwerden"), STEPS[0], AgentHistory(), schutzstufe=1, endpoint_id="openai",
        model=None, use_tools=True,
    )  # fmt: skip
    first, second = (r.body for r in fake_openai.chat_requests)
    assert first["tool_choice"] == {"type": "function", "function": {"name": STEPS[0].tool}}
    assert "tool_choice" not in second  # afterwards the model decides
    assert outcome.tool_runs[0].name == STEPS[0].tool and outcome.tool_runs[0].error == ""


@pytest.mark.parametrize("endpoint_id", ["openai", "ollama"])
def test_every_request_carries_the_length_limit(gateway, fake_openai, fake_ollama, endpoint_id):
    server = fake_openai if endpoint_id == "openai" else fake_ollama
    server.replies.append(Reply(text="Kurz."))
    "".join(
        gateway.chat(ChatRequest(QUESTION, 2 if endpoint_id == "ollama" else 1, endpoint_id, purpose="test"))
    )
    body = server.chat_requests[-1].body
    limit = body["max_tokens"] if endpoint_id == "openai" else body["options"]["num_predict"]
    assert limit == load_settings().endpoint(endpoint_id).max_tokens == 2048
    server.replies.append(Reply(text="Kurz."))
    request = ChatRequest(
        QUESTION, 2 if endpoint_id == "ollama" else 1, endpoint_id, purpose="t", max_tokens=300
    )
    "".join(gateway.chat(request))
    body = server.chat_requests[-1].body
    assert (body["max_tokens"] if endpoint_id == "openai" else body["options"]["num_predict"]) == 300


def test_max_tokens_is_configurable_per_endpoint(tmp_path, workbench_env, fake_openai):
    gateway = configured(tmp_path, '[[endpoints]]\nid = "openai"\nmax_tokens = 512\n')
    fake_openai.replies.append(Reply(text="Kurz."))
    "".join(gateway.chat(ChatRequest(QUESTION, 1, "openai", purpose="test")))
    assert fake_openai.chat_requests[-1].body["max_tokens"] == 512


@pytest.mark.parametrize("endpoint_id", ["openai", "ollama"])
def test_an_answer_cut_by_the_limit_says_so(gateway, fake_openai, fake_ollama, endpoint_id):
    server = fake_openai if endpoint_id == "openai" else fake_ollama
    server.replies.append(
        Reply(chunks=["Erstens ", "die ", "Begrüßung, ", "zweitens"], finish_reason="length")
    )
    response = gateway.chat(
        ChatRequest(QUESTION, 2 if endpoint_id == "ollama" else 1, endpoint_id, purpose="t")
    )
    "".join(response)
    result = response.result
    assert not result.complete and result.error is None
    assert result.notice.stopped == "limit"
    assert "Die Antwort wurde nach 4 Tokens beendet" in result.notice.text()
    assert result.notice.to_dict()["stopped"] == "limit"


@pytest.mark.parametrize("endpoint_id", ["openai", "ollama"])
def test_a_looping_answer_is_stopped_and_kept_once(gateway, fake_openai, fake_ollama, endpoint_id):
    server = fake_openai if endpoint_id == "openai" else fake_ollama
    loop = "Schreiben Sie drei Ideen für einen Neujahrsempfang. journey "
    server.replies.append(Reply(chunks=["Drei Ideen: "] + [loop] * 400))
    response = gateway.chat(
        ChatRequest(QUESTION, 2 if endpoint_id == "ollama" else 1, endpoint_id, purpose="t")
    )
    chunks = list(response)
    result = response.result
    assert len(chunks) < 40  # stopped early, not after 400 repetitions
    assert result.text.count(loop) == 1 and result.text.startswith("Drei Ideen: ")
    assert not result.complete and result.notice.stopped == "repetition"
    assert "denselben Text immer wieder" in result.notice.text()


def test_missing_usage_is_shown_as_not_reported(gateway, fake_openai):
    fake_openai.sends_usage = False
    fake_openai.replies.append(Reply(text="Antwort ohne Zählung."))
    response = gateway.chat(ChatRequest(QUESTION, 1, "openai", purpose="test"))
    "".join(response)
    result = response.result
    assert result.usage.completion_tokens is None
    assert result.tokens_per_second is None
    assert result.token_summary() == "Tokens: nicht gemeldet Eingabe / nicht gemeldet Ausgabe"


def test_reported_usage_gives_tokens_per_second(gateway, fake_openai):
    fake_openai.replies.append(Reply(chunks=["a ", "b ", "c"]))
    response = gateway.chat(ChatRequest(QUESTION, 1, "openai", purpose="test"))
    "".join(response)
    summary = response.result.token_summary()
    assert "3 Ausgabe" in summary and "nicht gemeldet" not in summary


def test_an_empty_plan_is_reported_as_empty_not_as_missing():
    with pytest.raises(PlanFormatError, match="ist leer"):
        parse_plan('{"titel": "Neujahrsempfang", "segmente": []}')
    with pytest.raises(PlanFormatError, match="fehlt die Liste"):
        parse_plan('{"titel": "Neujahrsempfang"}')


def test_a_loop_in_a_pseudonymised_answer_is_cut_on_the_restored_text(workbench_env, fake_openai, tmp_path):
    from tests.test_privacy_routing import ask as ask_private
    from tests.test_privacy_routing import gateway_with

    gateway = gateway_with(tmp_path, "pseudonymize")
    loop = "[NAME_1] hat angerufen und möchte zurückgerufen werden. "
    fake_openai.replies.append(Reply(chunks=["Notiz: "] + [loop] * 300))
    response = ask_private(gateway, action="pseudonymize")
    list(response)
    result = response.result
    restored = loop.replace("[NAME_1]", "Herrn Nowak")
    assert result.notice.stopped == "repetition"
    assert result.text == "Notiz: " + restored  # the stretch once, cut where the restored text repeats
