"""Large texts are checked in parts on several processes, with the same findings as in one pass."""

from __future__ import annotations

from tests.privacy_corpus import load_corpus
from workbench.privacy import parts, scan
from workbench.privacy.scan import _scan, _scan_part


def _large_text() -> str:
    sample = "\n\n".join(d.text for d in load_corpus())
    return "\n\n".join([sample] * (parts.PARALLEL_FROM // len(sample) + 2))


def test_parts_end_at_blank_lines_and_cover_the_text():
    text = "\n\n".join(f"Absatz {i}\nzweite Zeile" for i in range(1000))
    points = parts.boundaries(text, 3)
    assert points[0] == 0 and points[-1] == len(text) and points == sorted(points)
    assert len(points) == 4
    assert all(text[point - 2 : point] == "\n\n" for point in points[1:-1])


def test_small_texts_and_texts_without_blank_lines_are_scanned_in_one_pass():
    assert parts.scan_in_parts("Herr Jürgen Krause", _scan_part) is None
    one_paragraph = "Herr Jürgen Krause wohnt in der Lindenstraße 12. " * (parts.PARALLEL_FROM // 40)
    assert parts.scan_in_parts(one_paragraph, _scan_part) is None


def test_a_large_text_gives_the_same_findings_in_parts_as_in_one_pass():
    text = _large_text()
    assert len(text) >= parts.PARALLEL_FROM
    in_parts = parts.scan_in_parts(text, _scan_part)
    if parts.workers() >= 2:
        assert in_parts is not None  # the machine has the cores: the text was split
    whole = _scan(text)
    assert scan(text) == whole
    assert len(whole) > 1000
    assert [f.text for f in whole] == [text[f.start : f.end] for f in whole]
