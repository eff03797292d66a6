"""The benchmark scripts still run (their figures are read by people, not asserted by tests)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_ttft_benchmark_runs_and_prints_paired_figures():
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "ttft_overhead.py"), "--runs", "3"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith(("ollama ", "openai "))]
    assert len(rows) == 6  # two services x (short question, running conversation, unseen history)
    assert "Verlauf, neue Frage" in done.stdout and "Median der Paare" in done.stdout


def test_privacy_benchmark_prints_recall_and_speed_beside_a_reference():
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "privacy_eval.py"), "--megabytes", "0.05", "--runs", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    speed = [line for line in done.stdout.splitlines() if "MB/s" in line and "Referenz" in line]
    assert len(speed) == 2  # the labelled corpus and clean administrative text
    assert "Adversarial-Korpus" in done.stdout and "Saubere Negativdokumente" in done.stdout


def test_compare_benchmark_runs_the_cli_and_prints_times_and_ratios():
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "compare_ask.py"), "--seconds", "0.3", "--runs", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("workbench ")]
    assert [row.split()[1] for row in rows] == ["ask", "ask", "compare"]
    assert "Abstand der beiden Anfragen" in done.stdout
    assert "Verhältnis compare / ask Ollama" in done.stdout and "Ziel ≤ 1,15×" in done.stdout


def test_page_rerun_benchmark_prints_a_time_per_page():
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "page_reruns.py"), "--pages", "chat,agent", "--reruns", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    rows = {
        line.split()[0]: line for line in done.stdout.splitlines() if line.startswith(("chat ", "agent "))
    }
    assert set(rows) == {"chat", "agent"} and all(" ms" in row for row in rows.values())
    assert "Langsamster Rerun" in done.stdout
