"""Scoring the detector against the labelled corpus (used by the tests and by bench/privacy_eval.py).

A labelled entity counts as found when a finding of the same kind overlaps it. A finding that
overlaps no labelled entity at all is a false alarm; one that overlaps an entity of another kind
is counted against the precision of its kind but is not a false alarm in a negative document.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.privacy_corpus import Document, Entity
from workbench.privacy import Finding, scan


@dataclass
class KindScore:
    expected: int = 0
    found: int = 0
    flagged: int = 0
    correct_flags: int = 0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def false_positives(self) -> int:
        return self.flagged - self.correct_flags

    @property
    def precision(self) -> float:
        return self.correct_flags / self.flagged if self.flagged else 1.0


@dataclass
class Report:
    per_kind: dict[str, KindScore] = field(default_factory=dict)
    negatives: int = 0
    clean_negatives: int = 0
    missed: list[tuple[str, Entity]] = field(default_factory=list)
    false_alarms: list[tuple[str, Finding]] = field(default_factory=list)

    @property
    def clean_rate(self) -> float:
        return self.clean_negatives / self.negatives if self.negatives else 1.0


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def evaluate(documents: list[Document]) -> Report:
    report = Report()
    kinds = sorted({e.kind for d in documents for e in d.entities})
    report.per_kind = {kind: KindScore() for kind in kinds}
    for document in documents:
        findings = scan(document.text)
        if not document.positive:
            report.negatives += 1
            report.clean_negatives += not findings
        for entity in document.entities:
            score = report.per_kind[entity.kind]
            score.expected += 1
            if any(
                f.kind == entity.kind and _overlaps(f.start, f.end, entity.start, entity.end)
                for f in findings
            ):
                score.found += 1
            else:
                report.missed.append((document.id, entity))
        for finding in findings:
            score = report.per_kind.setdefault(finding.kind, KindScore())
            score.flagged += 1
            same = [e for e in document.entities if _overlaps(e.start, e.end, finding.start, finding.end)]
            if any(e.kind == finding.kind for e in same):
                score.correct_flags += 1
            if not same:
                report.false_alarms.append((document.id, finding))
    return report
