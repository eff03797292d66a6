"""Datenschutz-Check against the labelled corpus: recall and precision per kind, clean negatives, speed.

python bench/privacy_eval.py            # figures per kind and MB/s
python bench/privacy_eval.py --misses   # also list what was missed and what was flagged wrongly
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.privacy_adversarial import CASES, NEGATIVES, evaluate_adversarial  # noqa: E402
from tests.privacy_corpus import load_corpus  # noqa: E402
from tests.privacy_eval import evaluate  # noqa: E402
from workbench.privacy import scan  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--megabytes", type=float, default=1.0)
    args = parser.parse_args()

    documents = load_corpus()
    report = evaluate(documents)
    print(f"Korpus: {len(documents)} Dokumente ({report.negatives} ohne Personenbezug)")
    print(f"{'Art':<24} {'Soll':>5} {'gefunden':>9} {'Recall':>7} {'Fehlalarme':>11} {'Präzision':>10}")
    for kind, row in report.per_kind.items():
        print(
            f"{kind:<24} {row.expected:>5} {row.found:>9} {row.recall:>7.3f} {row.false_positives:>11} {row.precision:>10.3f}"
        )
    print(f"Saubere Negativdokumente: {report.clean_negatives}/{report.negatives} = {report.clean_rate:.3f}")

    families, flagged = evaluate_adversarial()
    print(f"\nAdversarial-Korpus (Verschleierung): {len(CASES)} Fälle, {len(NEGATIVES)} saubere Doppelgänger")
    print(f"{'Familie':<24} {'Soll':>5} {'gefunden':>9} {'Recall':>7}")
    for family, score in sorted(families.items()):
        print(f"{family:<24} {score.expected:>5} {score.found:>9} {score.recall:>7.3f}")
    print(f"Saubere Doppelgänger: {len(NEGATIVES) - len(flagged)}/{len(NEGATIVES)}")

    if args.misses:
        print("\nNicht gefunden (Adversarial):")
        for family, score in sorted(families.items()):
            for text in score.missed:
                print(f"  {family:<10} {text!r}")
        print("\nFehlalarme (Adversarial):")
        for text in flagged:
            print(f"  {text!r}")
        print("\nNicht gefunden:")
        for doc_id, entity in report.missed:
            print(f"  {doc_id:<10} {entity.kind:<24} {entity.text!r}")
        print("\nFehlalarme:")
        for doc_id, finding in report.false_alarms:
            print(f"  {doc_id:<10} {finding.kind:<24} {finding.text!r}")

    size = int(args.megabytes * 1_000_000)
    samples = {
        "Korpus (dicht mit Personenbezug)": "\n\n".join(d.text for d in documents),
        "Verwaltungstext ohne Personenbezug": "\n\n".join(d.text for d in documents if not d.positive),
    }
    print()
    for label, sample in samples.items():
        text = (sample * (size // len(sample) + 1))[:size]
        scan(text[:10_000])  # warm-up
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            found = scan(text)
            runs.append(time.perf_counter() - start)
        best = min(runs)
        print(
            f"Geschwindigkeit, {label}: {len(text) / 1e6:.1f} MB in {best:.3f} s = {len(text) / 1e6 / best:.2f} MB/s "
            f"({len(found)} Fundstellen, bester von 3 Läufen)"
        )


if __name__ == "__main__":
    main()
