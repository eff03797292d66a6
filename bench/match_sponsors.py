"""Sponsor matching at scale: 50,000 register companies x 5,000 sponsors (generated Musterstadt data).

    python bench/match_sponsors.py [--companies 50000] [--sponsors 5000] [--runs 3]

Prints, from one run:
- the matcher's time beside raw rapidfuzz `cdist` (fuzz.ratio, all cores) over the same sponsor and
  company names, measured alternately, best of --runs each, and their ratio;
- on the app's sample data (the Musterstadt files in sample_data/): precision, recall and F1 of the
  sure matches, the uncertain ones left for review, and F1 when all of these are accepted unseen or
  each is decided as the solution says;
- precision and recall on the generated register, and on one where most companies have a sibling
  with the same words and another legal form ("Schuster Malerbetrieb KG" / "Malerbetrieb Schuster AG").
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process  # noqa: E402

from sample_data.sponsors import generate  # noqa: E402
from tests.matching_eval import (  # noqa: E402
    accept_all,
    app_sample,
    f1,
    match_generated,
    review_by_truth,
    score,
    sure_only,
)
from workbench.matching import UNSURE  # noqa: E402

SIBLING_SHARE = 0.8  # of the register in pairs with the same words and another legal form


def best_of(runs: int, *tasks: Callable[[], object]) -> list[float]:
    """Each task's best time over `runs` rounds; the tasks take turns within a round."""
    best = [float("inf")] * len(tasks)
    for round_ in range(runs):
        order = range(len(tasks)) if round_ % 2 == 0 else reversed(range(len(tasks)))
        for i in order:
            start = time.perf_counter()
            tasks[i]()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=50_000)
    parser.add_argument("--sponsors", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    start = time.perf_counter()
    companies, sponsors, truth = generate(args.companies, args.sponsors, seed=11)
    print(
        f"Daten erzeugt: {len(companies):,} Unternehmen, {len(sponsors):,} Sponsoren ({time.perf_counter() - start:.1f} s)"
    )

    names = (sponsors["Sponsor"].tolist(), companies["Firmenname"].tolist())
    results = []
    matcher, raw = best_of(
        args.runs,
        lambda: results.append(match_generated(sponsors, companies)),
        lambda: process.cdist(*names, scorer=fuzz.ratio, workers=-1),
    )
    pairs = len(companies) * len(sponsors)
    print(f"Geschwindigkeit (abwechselnd gemessen, jeweils das Beste aus {args.runs} Läufen):")
    print(f"  Abgleich:                                   {matcher:6.2f} s")
    print(f"  rapidfuzz cdist, fuzz.ratio, alle Kerne:    {raw:6.2f} s  (dieselben {pairs:,} Namenspaare)")
    print(f"  Verhältnis: Abgleich = {matcher / raw:.2f} x cdist")

    sample_companies, sample_sponsors, sample_truth = app_sample()
    sample_result = match_generated(sample_sponsors, sample_companies)
    precision, recall = score(sure_only(sample_result), sample_truth)
    print(
        f"Beispieldaten der App ({len(sample_companies)} Unternehmen, {len(sample_sponsors)} Sponsoren): "
        f"sichere Treffer Präzision {precision:.3f}, Recall {recall:.3f}, F1 {f1(precision, recall):.3f}"
    )
    unsure = int((sample_result["status"] == UNSURE).sum())
    unseen = f1(*score(accept_all(sample_result), sample_truth))
    decided = f1(*score(sure_only(review_by_truth(sample_result, sample_truth)), sample_truth))
    print(
        f"  {unsure} unsichere Treffer zur Prüfung: alle ungesehen übernommen F1 {unseen:.3f}, "
        f"nach der Lösung entschieden F1 {decided:.3f}"
    )
    precision, recall = score(results[-1], truth)
    print(
        f"Erzeugtes Register ({len(companies):,} Unternehmen): Präzision {precision:.3f}, Recall {recall:.3f}"
    )

    companies, sponsors, truth = generate(args.companies, args.sponsors, seed=5, form_siblings=SIBLING_SHARE)
    precision, recall = score(match_generated(sponsors, companies), truth)
    print(
        f"Register mit Rechtsform-Geschwistern ({SIBLING_SHARE:.0%} der {len(companies):,} Unternehmen, "
        f"gleiche Wörter, andere Rechtsform): Recall {recall:.3f}, Präzision {precision:.3f}"
    )


if __name__ == "__main__":
    main()
