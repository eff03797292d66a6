"""Waste-route analysis at scale: about one million GPS rows loaded from CSV and analysed.

    python bench/routes_analysis.py [--tours 132] [--weeks 8]

Writes generated Musterstadt data to a temporary folder (as the CSV exports would arrive), then times
`load_route_data` and `analyze` separately and prints rows per second.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sample_data.routes import generate  # noqa: E402
from workbench.routes import analyze, load_route_data  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tours", type=int, default=132)
    parser.add_argument("--weeks", type=int, default=8)
    args = parser.parse_args()
    tables = generate(args.tours, args.weeks, seed=3)
    with tempfile.TemporaryDirectory() as folder:
        for name in ("touren", "mengen", "gps", "beschwerden"):
            tables[name].to_csv(Path(folder) / f"{name}.csv", sep=";", index=False)
        size = (Path(folder) / "gps.csv").stat().st_size / 1e6
        start = time.perf_counter()
        data = load_route_data(folder)
        loaded = time.perf_counter() - start
        start = time.perf_counter()
        result = analyze(data)
        analysed = time.perf_counter() - start
    rows = len(data.gps)
    print(f"GPS-Zeilen: {rows:,} ({size:.0f} MB CSV), Touren: {len(data.tours)}, Läufe: {len(data.amounts)}")
    print(f"Laden: {loaded:.2f} s, Analyse: {analysed:.2f} s, zusammen {loaded + analysed:.2f} s")
    print(
        f"= {rows / (loaded + analysed) / 1e6:.2f} Mio. GPS-Zeilen/s; auffällige Touren: {int(result['flagged'].sum())}"
    )


if __name__ == "__main__":
    main()
