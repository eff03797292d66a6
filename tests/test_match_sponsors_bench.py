"""The sponsor matching benchmark still runs and prints its figures (read by people, not asserted here
beyond their presence and the sample data's quality)."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT


def test_sponsor_benchmark_prints_speed_beside_cdist_and_the_quality_figures():
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "match_sponsors.py"),
            "--companies",
            "2000",
            "--sponsors",
            "300",
            "--runs",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert re.search(r"Abgleich:\s+\d+\.\d\d s", out)
    assert re.search(r"rapidfuzz cdist, fuzz\.ratio, alle Kerne:\s+\d+\.\d\d s", out)
    assert re.search(r"Verhältnis: Abgleich = \d+\.\d\d x cdist", out)
    f1 = re.search(r"Beispieldaten der App \(400 Unternehmen, 60 Sponsoren\): .*F1 (\d\.\d+)", out)
    assert f1 and float(f1.group(1)) >= 0.97
    siblings = re.search(
        r"Register mit Rechtsform-Geschwistern .*: Recall (\d\.\d+), Präzision (\d\.\d+)", out
    )
    assert siblings and float(siblings.group(1)) > 0.9
