"""The `workbench` command against the fakes: answers with notice, refusals, faults, status."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.fakes import Reply
from workbench.cli import EXIT_BACKEND, EXIT_INCOMPLETE, EXIT_OK, EXIT_REFUSED, main


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
