"""The `workbench` command against the fakes: answers with notice, refusals, faults, status."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.fakes import Reply
from workbench.cli import (
    _ARGPARSE_GERMAN,
    EXIT_BACKEND,
    EXIT_INCOMPLETE,
    EXIT_OK,
    EXIT_REFUSED,
    _placeholder_names,
    german_usage_message,
    main,
)


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_ask_at_stufe_2_answers_from_ollama_with_notice(workbench_env, fake_ollama, fake_openai):
    """The acceptance command, as a real subprocess."""
    fake_ollama.replies.append(Reply(text="Guten Tag! Wie kann ich helfen?"))
    proc = subprocess.run(
        [sys.executable, "-m", "workbench", "ask", "--schutzstufe", "2", "Hallo"],
        env=workbench_env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert proc.returncode == EXIT_OK, proc.stderr
    answer, notice = proc.stdout.split("\n\n", 1)
    assert answer == "Guten Tag! Wie kann ich helfen?"
    assert notice.startswith("Transparenzhinweis: Erstellt mit KI: Modell llama3.2")
    assert "Schutzstufe 2" in notice and "Letztverantwortung" in notice
    assert len(fake_ollama.chat_requests) == 1
    assert fake_openai.requests == []


def test_ask_public_at_stufe_2_is_refused(workbench_env, fake_openai):
    proc = subprocess.run(
        [sys.executable, "-m", "workbench", "ask", "--schutzstufe", "2", "--endpoint", "openai", "Hallo"],
        env=workbench_env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert proc.returncode == EXIT_REFUSED
    assert proc.stdout == ""
    assert "Schutzstufe 2" in proc.stderr and "öffentlicher Dienst" in proc.stderr
    assert fake_openai.requests == []


def test_default_schutzstufe_is_2(workbench_env, capsys, fake_openai):
    code, _, err = run_cli(capsys, "ask", "--endpoint", "openai", "Hallo")
    assert code == EXIT_REFUSED
    assert "Schutzstufe 2" in err
    assert fake_openai.requests == []


def test_ask_public_at_stufe_1(workbench_env, capsys, fake_openai):
    fake_openai.replies.append(Reply(text="Hallo aus der Cloud."))
    code, out, _ = run_cli(
        capsys, "ask", "--schutzstufe", "1", "--endpoint", "openai", "--model", "gpt-4o", "Hallo"
    )
    assert code == EXIT_OK
    assert out.startswith("Hallo aus der Cloud.\n\nTransparenzhinweis:")
    assert "öffentlicher Dienst" in out
    assert fake_openai.chat_requests[-1].body["model"] == "gpt-4o"


def test_ask_reads_stdin(workbench_env, capsys, monkeypatch, fake_ollama):
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("Frage von der Standardeingabe"))
    code, _, _ = run_cli(capsys, "ask", "-")
    assert code == EXIT_OK
    assert fake_ollama.chat_requests[-1].body["messages"][-1]["content"] == "Frage von der Standardeingabe"


def test_ask_when_ollama_is_down(workbench_env, capsys, fake_ollama):
    fake_ollama.fault = "down"
    code, out, err = run_cli(capsys, "ask", "Hallo")
    assert code == EXIT_BACKEND
    assert out == ""
    assert "ollama serve" in err
    assert "Traceback" not in err


def test_ask_with_broken_stream(workbench_env, capsys, fake_ollama):
    fake_ollama.replies.append(Reply(chunks=["Teil eins, ", "Teil zwei, ", "Teil drei."]))
    fake_ollama.fault, fake_ollama.break_after = "break", 2
    code, out, err = run_cli(capsys, "ask", "Hallo")
    assert code == EXIT_INCOMPLETE
    assert out.startswith("Teil eins, Teil zwei, ")
    assert "unvollständig" in out
    assert "brach" in err


def test_empty_prompt(workbench_env, capsys):
    code, _, err = run_cli(capsys, "ask", "  ")
    assert code == EXIT_REFUSED
    assert "Frage" in err


@pytest.mark.parametrize(("level", "public_contacted"), [("2", False), ("1", True)])
def test_status(workbench_env, capsys, fake_openai, level, public_contacted):
    code, out, _ = run_cli(capsys, "status", "--schutzstufe", level)
    assert code == EXIT_OK
    assert "Lokales Ollama [ollama]" in out
    assert "llama3.2:latest" in out
    assert ", 2 Modelle)" in out
    assert ("OpenAI-kompatibel, 2 Modelle" in out) is public_contacted
    assert "API-Schlüssel: vorhanden" in out
    assert "sk-test" not in out
    assert bool(fake_openai.requests) is public_contacted
    if not public_contacted:
        assert "Nicht geprüft" in out


def test_config_problems_are_reported(workbench_env, capsys, tmp_path):
    (tmp_path / "workbench.toml").write_text('[[endpoints]]\nid = "x"\nkind = "azure"\n', encoding="utf-8")
    code, _, err = run_cli(capsys, "status")
    assert code == EXIT_OK
    assert "Konfigurationsfehler" in err and "workbench.toml" in err and "kind" in err


@pytest.mark.parametrize("value", ["3", "0", "zwei", ""])
def test_invalid_schutzstufe_is_refused_at_the_command_line(
    workbench_env, capsys, fake_ollama, fake_openai, value
):
    with pytest.raises(SystemExit) as info:
        run_cli(capsys, "ask", "--schutzstufe", value, "Hallo")
    assert info.value.code == 2
    assert "ist keine Schutzstufe" in capsys.readouterr().err
    assert fake_ollama.requests == [] and fake_openai.requests == []


# --- German help and usage errors ---------------------------------------------------------------------

ENGLISH_ARGPARSE = ("usage:", "positional arguments", "options:", "optional arguments", "show this help")


def run_parser(capsys, *args: str) -> tuple[int | str | None, str, str]:
    """Help and usage errors end in SystemExit, like in any argparse program."""
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    return info.value.code, out, err


@pytest.mark.parametrize("command", [[], ["run"], ["status"], ["ask"], ["compare"], ["scan"]])
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_is_german(capsys, command, flag):
    code, out, err = run_parser(capsys, *command, flag)
    assert code == 0 and err == ""
    assert not [word for word in ENGLISH_ARGPARSE if word in out.lower()]
    assert out.startswith(f"Aufruf: {' '.join(['workbench', *command])} [-h]")
    assert "Optionen:" in out and "-h, --help" in out and "diese Hilfe anzeigen und beenden" in out
    assert "Exit-Codes:" in out
    if command:
        assert "Argumente:" in out or command in (["run"], ["status"])
    else:
        assert "Befehle:" in out and "Hilfe zu einem Befehl: workbench BEFEHL --help" in out


def test_ask_help_explains_the_privacy_policy_and_exit_codes(capsys):
    _, out, _ = run_parser(capsys, "ask", "--help")
    assert "--pseudonymize" in out and 'policy = "pseudonymize"' in out and "[privacy]" in out
    assert '"block"' in out
    for code in (EXIT_OK, EXIT_BACKEND, EXIT_REFUSED, EXIT_INCOMPLETE):
        assert f"\n  {code}  " in out


@pytest.mark.parametrize(
    ("args", "prog", "message"),
    [
        ((), "workbench", "Folgende Angaben fehlen: BEFEHL"),
        (("frage", "Hallo"), "workbench", "Argument BEFEHL: ungültige Auswahl: 'frage' (möglich: "),
        (("ask",), "workbench ask", "Folgende Angaben fehlen: PROMPT"),
        (("ask", "--unbekannt", "Hallo"), "workbench ask", "unbekannte Argumente: --unbekannt"),
        (
            ("ask", "--schutzstufe", "3", "Hallo"),
            "workbench ask",
            "Argument --schutzstufe: „3“ ist keine Schutzstufe",
        ),
        (("ask", "Hallo", "--schutzstufe"), "workbench ask", "Argument --schutzstufe: erwartet einen Wert"),
        (("run", "--port", "acht"), "workbench run", "Argument --port: „acht“ ist keine Portnummer"),
        (
            ("run", "--headless=ja"),
            "workbench run",
            "Argument --headless: der Wert 'ja' ist hier nicht erlaubt",
        ),
        (("status", "zuviel"), "workbench status", "unbekannte Argumente: zuviel"),
    ],
)
def test_usage_errors_are_german(workbench_env, capsys, fake_ollama, fake_openai, args, prog, message):
    code, out, err = run_parser(capsys, *args)
    assert code == 2 == EXIT_REFUSED
    assert out == ""
    assert err.startswith(f"Aufruf: {prog} ")
    assert f"{prog}: Fehler: {message}" in err
    assert err.endswith(f"\nHilfe: {prog} --help\n")
    english = ("usage", "error", "argument ", "invalid", "required", "unrecognized", "expected", "choose")
    assert not [word for word in english if word in err]
    assert fake_ollama.requests == [] and fake_openai.requests == []


def test_usage_error_as_a_process(workbench_env):
    proc = subprocess.run(
        [sys.executable, "-m", "workbench"],
        env=workbench_env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "workbench: Fehler: Folgende Angaben fehlen: BEFEHL" in proc.stderr
    assert "Hilfe: workbench --help" in proc.stderr and "usage" not in proc.stderr


def test_every_argparse_message_has_a_german_version():
    """Each English template, formatted like argparse does, comes back in German with its values."""
    for english, german in _ARGPARSE_GERMAN.items():
        values = {name: f"wert{i}" for i, name in enumerate(_placeholder_names(english))}

        def formatted(template: str, values: dict[str, str] = values) -> str:
            return template % (values if "%(" in template else tuple(values.values()))

        assert german_usage_message(formatted(english)) == formatted(german), english
    nested = "argument --port: invalid int value: 'acht'"
    assert german_usage_message(nested) == "Argument --port: ungültiger Wert für int: 'acht'"
    assert german_usage_message("expected one argument") == "erwartet einen Wert"
    assert german_usage_message("„3“ ist keine Schutzstufe") == "„3“ ist keine Schutzstufe"


# --- --pseudonymize and the organisation's privacy policy ---------------------------------------------

PERSONAL = "Antwort an Herrn Max Nowak, max.nowak@example.org"


@pytest.mark.parametrize("config", [None, '[privacy]\npolicy = "block"\n'])
def test_pseudonymize_refused_by_the_policy_says_why(
    workbench_env, capsys, monkeypatch, tmp_path, fake_ollama, fake_openai, config
):
    if config is not None:
        (tmp_path / "wb.toml").write_text(config, encoding="utf-8")
        monkeypatch.setenv("WORKBENCH_CONFIG", str(tmp_path / "wb.toml"))
    code, out, err = run_cli(
        capsys, "ask", "--schutzstufe", "1", "--endpoint", "openai", "--pseudonymize", PERSONAL
    )
    assert code == EXIT_REFUSED
    assert out == ""
    assert "Pseudonymisiert senden (--pseudonymize) ist in Ihrer Organisation nicht erlaubt" in err
    assert "[privacy] policy" in err and "„block“" in err
    assert (str(tmp_path / "wb.toml") in err) is (config is not None)
    assert "Es wurde nichts gesendet." in err
    assert "Erlaubt ist stattdessen:" in err
    assert 'workbench ask --schutzstufe 2 --endpoint ollama "…"' in err
    assert "den Text bearbeiten" in err
    assert 'Administration in workbench.toml im Abschnitt [privacy] policy = "pseudonymize" eintragen' in err
    assert "Senden Sie mit --pseudonymize" not in err
    assert fake_openai.requests == [] and fake_ollama.chat_requests == []


def test_without_pseudonymize_the_refusal_keeps_its_short_advice(workbench_env, capsys, fake_openai):
    code, _, err = run_cli(capsys, "ask", "--schutzstufe", "1", "--endpoint", "openai", PERSONAL)
    assert code == EXIT_REFUSED
    assert "Verwenden Sie --schutzstufe 2 mit einem lokalen Modell" in err
    assert "nicht erlaubt" not in err
    assert fake_openai.requests == []


def test_ask_names_an_unknown_service_and_the_status_command(workbench_env, capsys, fake_ollama, fake_openai):
    assert main(["ask", "--endpoint", "gibtsnicht", "Hallo"]) == 2
    err = capsys.readouterr().err
    assert "„gibtsnicht“ gibt es in dieser Werkbank nicht" in err and "ollama, openai" in err
    assert "workbench status" in err
    assert fake_ollama.chat_requests == [] and fake_openai.requests == []
