"""Personal data in the choke point: held back at Schutzstufe 1, pseudonymised or confirmed only as the
organisation's policy allows, and never silently sent to the public fake from any page or the CLI."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.fakes import Reply
from tests.test_pages import load, no_exception, texts
from workbench.config import load_settings
from workbench.errors import PrivacyRefused
from workbench.gateway import ChatRequest, Gateway

IBAN = "DE89 3704 0044 0532 0130 00"
TEXT = f"Bitte erstatten Sie an Herrn Nowak, IBAN {IBAN}."


def gateway_with(tmp_path, policy: str | None = None, allow_override: bool | None = None) -> Gateway:
    lines = ["[privacy]"]
    if policy:
        lines.append(f'policy = "{policy}"')
    if allow_override is not None:
        lines.append(f"allow_override = {str(allow_override).lower()}")
    (tmp_path / "workbench.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = load_settings()
    assert settings.problems == []
    return Gateway(settings)


def ask(gateway, text=TEXT, endpoint_id="openai", level=1, action=None):
    return gateway.chat(
        ChatRequest(
            [{"role": "user", "content": text}], level, endpoint_id, purpose="test", privacy_action=action
        )
    )


@pytest.mark.parametrize("policy", [None, "block", "pseudonymize", "warn"])
def test_stufe_1_public_is_held_back_by_default(workbench_env, fake_openai, tmp_path, policy):
    gateway = gateway_with(tmp_path, policy)
    with pytest.raises(PrivacyRefused) as info:
        ask(gateway)
    exc = info.value
    assert exc.counts == {"PERSON": 1, "IBAN": 1}
    assert "IBAN" in exc.user_message and "Schutzstufe 1" in exc.user_message
    assert [item.finding.text for item in exc.findings] == ["Herrn Nowak", IBAN]
    assert "schutzstufe_2" in exc.options and "edit" in exc.options
    assert fake_openai.requests == []


@pytest.mark.parametrize(
    ("policy", "override", "action", "allowed"),
    [
        ("block", False, "pseudonymize", False),
        ("block", False, "confirm", False),
        ("block", True, "confirm", True),
        ("pseudonymize", False, "pseudonymize", True),
        ("pseudonymize", False, "confirm", False),
        ("warn", False, "confirm", True),
        ("warn", False, "pseudonymize", True),
        ("unbekannt", True, "pseudonymize", False),  # invalid policy: reported, "block" applies
    ],
)
def test_actions_follow_the_policy(workbench_env, fake_openai, tmp_path, policy, override, action, allowed):
    lines = f'[privacy]\npolicy = "{policy}"\nallow_override = {str(override).lower()}\n'
    (tmp_path / "workbench.toml").write_text(lines, encoding="utf-8")
    gateway = Gateway(load_settings())
    if allowed:
        assert ask(gateway, action=action).result.complete
        assert len(fake_openai.chat_requests) == 1
    else:
        with pytest.raises(PrivacyRefused):
            ask(gateway, action=action)
        assert fake_openai.requests == []


def test_pseudonymised_request_sends_placeholders_and_restores_the_answer(
    workbench_env, fake_openai, tmp_path
):
    gateway = gateway_with(tmp_path, "pseudonymize")
    fake_openai.replies.append(Reply(chunks=["Die Erstattung an [NA", "ME_1] auf [IBAN_1] ist veranlasst."]))
    response = ask(gateway, action="pseudonymize")
    shown = "".join(response)
    sent = fake_openai.chat_requests[0].body["messages"][0]["content"]
    assert sent == "Bitte erstatten Sie an [NAME_1], IBAN [IBAN_1]."
    assert IBAN not in str(fake_openai.chat_requests[0].body)
    assert shown == f"Die Erstattung an Herrn Nowak auf {IBAN} ist veranlasst."
    result = response.result
    assert result.text == shown
    assert result.privacy.pseudonymized
    assert result.notice.pseudonymized and "pseudonymisiert" in result.notice.text()
    assert result.notice.to_dict()["pseudonymized"] is True


def test_history_is_pseudonymised_consistently(workbench_env, fake_openai, tmp_path):
    gateway = gateway_with(tmp_path, "pseudonymize")
    messages = [
        {"role": "user", "content": "Herr Nowak hat angerufen."},
        {"role": "assistant", "content": "Was wollte Herr Nowak?"},
        {"role": "user", "content": f"Seine IBAN ist {IBAN}."},
    ]
    assert gateway.chat(ChatRequest(messages, 1, "openai", privacy_action="pseudonymize")).result.complete
    sent = [m["content"] for m in fake_openai.chat_requests[0].body["messages"]]
    assert sent == ["[NAME_1] hat angerufen.", "Was wollte [NAME_1]?", "Seine IBAN ist [IBAN_1]."]


def test_local_endpoint_gets_the_data_with_findings_as_information(workbench_env, fake_ollama, fake_openai):
    gateway = Gateway(load_settings())
    for level in (1, 2):
        result = ask(gateway, endpoint_id="ollama", level=level).result
        assert result.privacy.counts == {"PERSON": 1, "IBAN": 1}
        assert result.privacy.decision.code == "findings_stay_local"
        assert fake_ollama.chat_requests[-1].body["messages"][0]["content"] == TEXT
    assert fake_openai.requests == []


def test_clean_text_goes_to_the_public_api(workbench_env, fake_openai):
    result = ask(Gateway(load_settings()), text="Drei Ideen für ein Stadtfest, bitte.").result
    assert result.privacy.counts == {}
    assert len(fake_openai.chat_requests) == 1


def test_tool_results_and_rendered_data_are_scanned(workbench_env, fake_openai):
    messages = [
        {"role": "user", "content": "Fasse die Tabelle zusammen."},
        {"role": "tool", "content": "name;iban\nMüller;DE89370400440532013000"},
    ]
    with pytest.raises(PrivacyRefused):
        Gateway(load_settings()).chat(ChatRequest(messages, 1, "openai"))
    assert fake_openai.requests == []


def test_log_has_kinds_and_counts_but_no_values(workbench_env, fake_openai, caplog):
    with caplog.at_level("INFO"), pytest.raises(PrivacyRefused):
        ask(Gateway(load_settings()))
    assert "IBAN" in caplog.text
    assert IBAN not in caplog.text and "Nowak" not in caplog.text


# --- CLI -----------------------------------------------------------------------------------------


def run(env, *args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=env.get("PWD_OVERRIDE", ROOT),
        input=stdin,
    )


def test_cli_ask_with_iban_is_refused_and_names_the_finding(workbench_env, fake_openai):
    proc = run(workbench_env, "ask", "--schutzstufe", "1", "--endpoint", "openai", f"Meine IBAN ist {IBAN}")
    assert proc.returncode == 2
    assert "IBAN" in proc.stderr and IBAN in proc.stderr
    assert proc.stdout == ""
    assert fake_openai.requests == []


def test_cli_pseudonymize_only_when_the_policy_allows(workbench_env, fake_openai, tmp_path):
    env = {**workbench_env, "WORKBENCH_CONFIG": str(tmp_path / "wb.toml")}
    (tmp_path / "wb.toml").write_text('[privacy]\npolicy = "block"\n', encoding="utf-8")
    proc = run(env, "ask", "--schutzstufe", "1", "--endpoint", "openai", "--pseudonymize", f"IBAN {IBAN}")
    assert proc.returncode == 2
    assert fake_openai.requests == []

    (tmp_path / "wb.toml").write_text('[privacy]\npolicy = "pseudonymize"\n', encoding="utf-8")
    fake_openai.replies.append(Reply(text="Notiert: [IBAN_1]."))
    proc = run(env, "ask", "--schutzstufe", "1", "--endpoint", "openai", "--pseudonymize", f"IBAN {IBAN}")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"Notiert: {IBAN}.")
    assert "pseudonymisiert" in proc.stdout
    assert fake_openai.chat_requests[0].body["messages"][0]["content"] == "IBAN [IBAN_1]"


def test_cli_scan_prints_json(workbench_env, tmp_path):
    import json

    letter = tmp_path / "brief.txt"
    letter.write_bytes(f"Sehr geehrter Herr Nowak,\nIhre IBAN {IBAN} ist hinterlegt.".encode("cp1252"))
    proc = run(workbench_env, "scan", str(letter))
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert [f["kind"] for f in report["findings"]] == ["PERSON", "IBAN"]
    assert report["recommended_schutzstufe"] == 2
    assert report["computed_without_ai"] is True
    proc = run(workbench_env, "scan", "-", stdin="Nichts Persönliches hier.")
    assert json.loads(proc.stdout)["findings"] == []


def test_cli_scan_rejects_binary_and_missing_files(workbench_env, tmp_path):
    blob = tmp_path / "bild.txt"
    blob.write_bytes(b"\x89PNG\x00\x00\x00binary")
    proc = run(workbench_env, "scan", str(blob))
    assert proc.returncode == 2 and "Binärdaten" in proc.stderr
    proc = run(workbench_env, "scan", str(tmp_path / "fehlt.txt"))
    assert proc.returncode == 2 and "nicht gefunden" in proc.stderr


# --- pages ---------------------------------------------------------------------------------------


def test_chat_holds_back_and_offers_choices(workbench_env, fake_ollama, fake_openai):
    at = load("views/chat.py", schutzstufe=1, endpoint_id="openai")
    at.chat_input[0].set_value(TEXT).run()
    no_exception(at)
    assert "Personenbezogene Daten gefunden" in texts(at.warning)
    assert "IBAN" in texts(at.markdown)  # highlighted text with labels
    assert at.text_area(key="chat_editor_1").value == TEXT  # nothing typed is lost
    assert fake_openai.requests == []
    # one click: Schutzstufe 2, local model, the same text
    fake_ollama.replies.append(Reply(text="Lokal beantwortet."))
    at.button(key="chat_privacy_stufe2").click().run()
    no_exception(at)
    assert at.session_state["schutzstufe"] == 2
    assert "Lokal beantwortet." in texts(at.markdown)
    assert fake_ollama.chat_requests[-1].body["messages"][-1]["content"] == TEXT
    assert fake_openai.requests == []


def test_chat_pseudonymised_when_allowed(workbench_env, fake_openai, tmp_path):
    (tmp_path / "workbench.toml").write_text('[privacy]\npolicy = "pseudonymize"\n', encoding="utf-8")
    at = load("views/chat.py", schutzstufe=1, endpoint_id="openai")
    at.chat_input[0].set_value(TEXT).run()
    fake_openai.replies.append(Reply(text="Erstattung an [NAME_1] veranlasst."))
    at.button(key="chat_privacy_pseudo").click().run()
    no_exception(at)
    assert "Erstattung an Herrn Nowak veranlasst." in texts(at.markdown)
    assert "pseudonymisiert" in texts(at.caption)
    assert IBAN not in str(fake_openai.chat_requests[0].body)


def test_chat_confirm_only_when_allowed(workbench_env, fake_openai, tmp_path):
    at = load("views/chat.py", schutzstufe=1, endpoint_id="openai")
    at.chat_input[0].set_value(TEXT).run()
    assert not [b for b in at.button if b.key == "chat_privacy_confirm"]
    (tmp_path / "workbench.toml").write_text("[privacy]\nallow_override = true\n", encoding="utf-8")
    at = load("views/chat.py", schutzstufe=1, endpoint_id="openai")
    at.chat_input[0].set_value(TEXT).run()
    assert at.button(key="chat_privacy_confirm").disabled
    at.checkbox(key="chat_privacy_confirm_box").check().run()
    at.button(key="chat_privacy_confirm").click().run()
    no_exception(at)
    assert len(fake_openai.chat_requests) == 1


@pytest.mark.parametrize("page", ["app.py", "views/chat.py", "views/models.py", "views/privacy_check.py"])
def test_no_page_sends_an_iban_to_the_public_api_at_stufe_1(workbench_env, fake_openai, page):
    at = load(page, schutzstufe=1, endpoint_id="openai")
    for chat in at.chat_input:
        chat.set_value(f"Meine IBAN ist {IBAN}").run()
    for area in at.text_area:
        area.set_value(f"Meine IBAN ist {IBAN}").run()
    for index in range(len(at.button)):
        if index < len(at.button) and not at.button[index].disabled:
            at.button[index].click().run()
    no_exception(at)
    assert not any(IBAN in str(r.body) or "DE8937" in str(r.body) for r in fake_openai.requests)


def test_privacy_check_page(workbench_env, fake_ollama, fake_openai):
    at = load("views/privacy_check.py")
    no_exception(at)
    assert "Fügen Sie einen Text ein" in texts(at.info)
    at.text_area(key="privacy_text").set_value(TEXT).run()
    no_exception(at)
    assert "Schutzstufe 2" in texts(at.warning)
    assert at.metric[0].value == "2"
    assert at.dataframe[0].value["Platzhalter"].tolist() == ["[NAME_1]", "[IBAN_1]"]
    assert at.code[0].value == "Bitte erstatten Sie an [NAME_1], IBAN [IBAN_1]."
    assert "Berechnet ohne KI" in texts(at.caption)
    at.text_area(key="privacy_text").set_value("Drei Ideen für das Stadtfest.").run()
    assert "Schutzstufe 1 ist möglich" in texts(at.success)
    assert fake_ollama.requests == [] and fake_openai.requests == []  # the check sends nothing


def test_a_long_held_back_input_shows_the_choices_first_and_only_the_passages_around_the_findings(
    workbench_env, fake_openai
):
    filler = [f"Die Sitzung beginnt um 17 Uhr im Ratssaal; Tagesordnungspunkt {n} folgt." for n in range(460)]
    filler[40] = "Bitte überweisen Sie auf DE89 3704 0044 0532 0130 00."
    filler[400] = "Rückfragen an Frau Dr. Claudia Vogel, Lindenstraße 12, 48143 Münster."
    text = "\n".join(filler)
    at = load("views/chat.py", schutzstufe=1, endpoint_id="openai")
    at.chat_input[0].set_value(text).run()
    no_exception(at)
    marked = next(m.value for m in at.markdown if "<mark" in m.value)
    shown = {n for n in range(460) if f"Tagesordnungspunkt {n} folgt" in marked}
    assert shown == {38, 39, 41, 42, 398, 399, 401, 402}  # two lines before and after each finding
    assert marked.count("…") == 1  # two passages
    assert "Der Text hat 460 Zeilen" in texts(at.caption)
    order = [getattr(e, "key", None) or getattr(e, "value", "") for e in at.main]
    button_at = order.index("chat_privacy_stufe2")
    text_at = next(i for i, v in enumerate(order) if isinstance(v, str) and "<mark" in v)
    assert button_at < text_at  # the actions do not sit below 460 lines
    assert at.text_area(key="chat_editor_1").value == text  # the whole text is still there to edit
    assert fake_openai.requests == []


def test_passages_of_a_short_text_are_the_whole_text():
    from workbench.privacy import scan
    from workbench.ui.privacy_panel import passages

    short = "Frau Dr. Claudia Vogel, Lindenstraße 12, 48143 Münster"
    assert passages(short, scan(short)) == [(0, len(short))]


def test_a_held_back_message_does_not_stay_after_the_schutzstufe_is_changed(
    workbench_env, fake_ollama, fake_openai
):
    at = load("views/chat.py", schutzstufe=1, endpoint_id="openai")
    at.chat_input[0].set_value(TEXT).run()
    assert "Personenbezogene Daten gefunden" in texts(at.warning)
    at.session_state["schutzstufe"] = 2  # the sidebar switch (AppTest renders the page alone)
    at.session_state["endpoint_id"] = "ollama"
    at.run()
    no_exception(at)
    assert "Personenbezogene Daten gefunden" not in texts(at.warning)  # about the level of then
    assert "die Meldung von vorhin gilt nicht mehr" in texts(at.info)
    assert at.text_area(key="chat_editor_1").value == TEXT  # nothing typed is lost
    fake_ollama.replies.append(Reply(text="Lokal beantwortet."))
    at.button(key="chat_retry").click().run()
    no_exception(at)
    assert "Lokal beantwortet." in texts(at.markdown)
    assert fake_openai.requests == []
