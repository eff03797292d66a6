"""Datenschutz-Check against the labelled corpus: recall and precision per kind, clean negatives, speed.

python bench/privacy_eval.py            # figures per kind and MB/s
python bench/privacy_eval.py --misses   # also list what was missed and what was flagged wrongly
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.privacy_adversarial import CASES, NEGATIVES, evaluate_adversarial  # noqa: E402
from tests.privacy_corpus import load_corpus  # noqa: E402
from tests.privacy_eval import evaluate  # noqa: E402
from workbench.privacy import parts, scan  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--megabytes", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=5)
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
    print(
        f"Geschwindigkeit auf {size / 1e6:.1f} MB, bester von {args.runs} Läufen; jeder Lauf auf einem anders"
    )
    print("zusammengesetzten Text, damit nichts aus einem früheren Lauf wiederverwendet wird.")
    print("Referenz im selben Lauf: ein einziger Regex-Durchlauf, der nur die Wörter des Textes zählt.")
    print(
        f"Texte ab {parts.PARALLEL_FROM:,} Zeichen prüft die Werkbank in Teilen auf {parts.workers()} Prozess(en); "
        "die Referenz läuft auf einem.".replace(",", ".")
    )
    for label, sample in samples.items():
        texts = [_text_of_size(sample, size, shift) for shift in range(args.runs)]
        # warm-up on a text of its own, large enough to start the worker processes as the app's first
        # large text does; the timed runs then measure checking, not starting processes
        scan(_text_of_size(sample, max(parts.PARALLEL_FROM, 10_000), args.runs))
        scan_times, reference_times = [], []
        found = []
        for text in texts:  # scan and reference alternate, so a slower stretch of the machine hits both
            start = time.perf_counter()
            found = scan(text)
            scan_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            _WORDS.findall(text)
            reference_times.append(time.perf_counter() - start)
        best, reference = min(scan_times), min(reference_times)
        print(
            f"  {label}: {size / 1e6 / best:.2f} MB/s ({best * 1000:.0f} ms, {len(found)} Fundstellen); "
            f"Referenz {size / 1e6 / reference:.1f} MB/s ({reference * 1000:.0f} ms), Verhältnis {best / reference:.1f}×"
        )


_WORDS = re.compile(r"\w+")


def _text_of_size(sample: str, size: int, shift: int) -> str:
    """`size` characters of `sample`, repeated, starting at another document for each `shift`."""
    documents = sample.split("\n\n")
    cut = (shift * 7919) % len(documents)
    rotated = "\n\n".join(documents[cut:] + documents[:cut])
    return (rotated * (size // len(rotated) + 1))[:size]


if __name__ == "__main__":
    main()
