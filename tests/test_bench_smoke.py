"""The benchmark scripts still run (their figures are read by people, not asserted by tests)."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT


def run_bench(script: str, *arguments: str, timeout: float = 120) -> str:
    """Run `bench/<script>` with small arguments as a new process; its output, after a clean exit."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *arguments],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_ttft_benchmark_runs_and_prints_paired_figures():
    out = run_bench("ttft_overhead.py", "--runs", "3")
    rows = [line for line in out.splitlines() if line.startswith(("ollama ", "openai "))]
    assert len(rows) == 6  # two services x (short question, running conversation, unseen history)
    assert "Verlauf, neue Frage" in out and "Median der Paare" in out


def test_privacy_benchmark_prints_recall_and_speed_beside_a_reference():
    out = run_bench("privacy_eval.py", "--megabytes", "0.05", "--runs", "1")
    speed = [line for line in out.splitlines() if "MB/s" in line and "Referenz" in line]
    assert len(speed) == 2  # the labelled corpus and clean administrative text
    assert "Adversarial-Korpus" in out and "Saubere Negativdokumente" in out


def test_compare_benchmark_runs_the_cli_and_prints_times_and_ratios():
    out = run_bench("compare_ask.py", "--seconds", "0.3", "--runs", "1")
    rows = [line for line in out.splitlines() if line.startswith("workbench ")]
    assert [row.split()[1] for row in rows] == ["ask", "ask", "compare"]
    assert "Abstand der beiden Anfragen" in out
    assert "Verhältnis compare / ask Ollama" in out and "Ziel ≤ 1,15×" in out


def test_page_rerun_benchmark_prints_a_time_per_page():
    out = run_bench("page_reruns.py", "--pages", "chat,agent", "--reruns", "1", timeout=300)
    rows = {line.split()[0]: line for line in out.splitlines() if line.startswith(("chat ", "agent "))}
    assert set(rows) == {"chat", "agent"} and all(" ms" in row for row in rows.values())
    assert "Langsamster Rerun" in out


def test_sponsor_benchmark_prints_speed_beside_cdist_and_the_quality_figures():
    out = run_bench(
        "match_sponsors.py", "--companies", "2000", "--sponsors", "300", "--runs", "1", timeout=300
    )
    assert re.search(r"Abgleich:\s+\d+\.\d\d s", out)
    assert re.search(r"rapidfuzz cdist, fuzz\.ratio, alle Kerne:\s+\d+\.\d\d s", out)
    assert re.search(r"Verhältnis: Abgleich = \d+\.\d\d x cdist", out)
    sure = re.search(
        r"Beispieldaten der App \(401 Unternehmen, 65 Sponsoren\): sichere Treffer Präzision (\d\.\d+)", out
    )
    assert sure and float(sure.group(1)) >= 0.97
    review = re.search(
        r"(\d+) unsichere Treffer zur Prüfung: .*nach der Lösung entschieden F1 (\d\.\d+)", out
    )
    assert review and int(review.group(1)) >= 3 and float(review.group(2)) >= 0.97
    siblings = re.search(
        r"Register mit Rechtsform-Geschwistern .*: Recall (\d\.\d+), Präzision (\d\.\d+)", out
    )
    assert siblings and float(siblings.group(1)) > 0.9


def test_route_benchmark_prints_the_naive_baseline_beside_it():
    out = run_bench("routes_analysis.py", "--tours", "24", "--weeks", "2", "--runs", "1")
    assert "GPS-Zeilen:" in out and "Pandas naiv" in out and "Verhältnis" in out
    assert "zu Unrecht markiert: keine" in out
