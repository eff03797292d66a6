"""Sponsor matching at scale: 50,000 register companies x 5,000 sponsors (generated Musterstadt data).

    python bench/match_sponsors.py [--companies 50000] [--sponsors 5000]

Prints the time, the pairs compared per second (sponsors x companies / time), and precision/recall
against the generator's truth; also the naive rapidfuzz WRatio over all pairs on a sample, for scale.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process  # noqa: E402

from sample_data.sponsors import generate  # noqa: E402
from tests.matching_eval import match_generated, score  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=50_000)
    parser.add_argument("--sponsors", type=int, default=5_000)
    args = parser.parse_args()

    start = time.perf_counter()
    companies, sponsors, truth = generate(args.companies, args.sponsors, seed=11)
    print(
        f"Daten erzeugt: {len(companies):,} Unternehmen, {len(sponsors):,} Sponsoren ({time.perf_counter() - start:.1f} s)"
    )

    start = time.perf_counter()
    result = match_generated(sponsors, companies)
    elapsed = time.perf_counter() - start
    pairs = len(companies) * len(sponsors)
    print(
        f"Abgleich: {elapsed:.2f} s für {pairs:,} mögliche Paare = {pairs / elapsed / 1e6:.1f} Mio. Paare/s"
    )
    precision, recall = score(result, truth)
    print(f"Präzision {precision:.3f}, Recall {recall:.3f}")

    sample = sponsors["Sponsor"].head(50).tolist()
    start = time.perf_counter()
    process.cdist(sample, companies["Firmenname"].tolist(), scorer=fuzz.WRatio, workers=-1)
    naive = (time.perf_counter() - start) / len(sample) * len(sponsors)
    print(f"Zum Vergleich: WRatio über alle Paare, hochgerechnet aus 50 Sponsoren: ~{naive:.0f} s")


if __name__ == "__main__":
    main()
