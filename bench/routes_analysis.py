"""Waste-route analysis at scale: about one million GPS rows loaded from CSV and analysed.

    python bench/routes_analysis.py [--tours 132] [--weeks 8] [--runs 3]

Writes generated Musterstadt data (`sample_data.routes.generate`, 132 tours over 8 weeks, a GPS point
every 10–20 s: about 980,000 GPS rows) to a temporary folder as the CSV exports would arrive. Then, in
alternation and `--runs` times each, it times `load_route_data` + `analyze` and a naive pandas baseline on
the same gps.csv (`pd.read_csv` and a count per vehicle and day), and prints the medians and their ratio.
It also checks the flagged tours against the generator's solution.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sample_data.routes import GPS_AUSFALL, generate  # noqa: E402
from workbench.routes import analyze, load_route_data  # noqa: E402


def naive(gps_file: Path) -> pd.Series:
    """What a first pandas script would do: read the file, count points per vehicle and day."""
    gps = pd.read_csv(gps_file, sep=";")
    return gps.groupby(["fahrzeug", gps["zeit"].str[:10]]).size()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tours", type=int, default=132)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3, help="Durchgänge (Median)")
    args = parser.parse_args()
    tables = generate(args.tours, args.weeks, seed=3)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for table in ("touren", "mengen", "gps", "beschwerden"):
            tables[table].to_csv(folder / f"{table}.csv", sep=";", index=False)
        size = (folder / "gps.csv").stat().st_size / 1e6
        loads, analyses, naives = [], [], []
        for _ in range(args.runs):
            start = time.perf_counter()
            data = load_route_data(folder)
            loads.append(time.perf_counter() - start)
            start = time.perf_counter()
            result = analyze(data)
            analyses.append(time.perf_counter() - start)
            start = time.perf_counter()
            naive(folder / "gps.csv")
            naives.append(time.perf_counter() - start)
    loaded, analysed, baseline = (statistics.median(t) for t in (loads, analyses, naives))
    total = loaded + analysed
    repeats = "ein Durchgang" if args.runs == 1 else f"Median aus {args.runs} Durchgängen"
    rows = len(data.gps)
    rows_text = f"{rows:,}".replace(",", ".")
    print(
        f"GPS-Zeilen: {rows_text} ({size:.0f} MB CSV), Touren: {len(data.tours)}, Läufe: {len(data.amounts)}"
    )
    print(f"Werkbank:  Laden {loaded:.2f} s + Analyse {analysed:.2f} s = {total:.2f} s ({repeats})")
    print(f"Pandas naiv (read_csv + Zählung je Fahrzeug und Tag): {baseline:.2f} s")
    print(f"Verhältnis Werkbank / naiv: {total / baseline:.1f}×; {rows / total / 1e6:.2f} Mio. GPS-Zeilen/s")
    met = total <= 1.5 and total <= 2.5 * baseline
    print(f"Ziel (höchstens 1.5 s und 2.5× naiv): {'erreicht' if met else 'verfehlt'}")
    solution = tables["loesung"]
    expected = set(solution.loc[solution["problem"] != GPS_AUSFALL, "tour_id"])
    flagged = set(result.loc[result["flagged"], "tour_id"])
    print(
        f"Auffällige Touren: {len(flagged)}; laut Lösung erwartet: {len(expected)}; "
        f"nicht gefunden: {', '.join(sorted(expected - flagged)) or 'keine'}; "
        f"zu Unrecht markiert: {', '.join(sorted(flagged - expected)) or 'keine'}"
    )


if __name__ == "__main__":
    main()
