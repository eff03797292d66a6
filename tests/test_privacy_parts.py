"""Large texts are checked in parts on several processes, with the same findings as in one pass."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.privacy_corpus import load_corpus
from workbench.privacy import parts, scan
from workbench.privacy.scan import PRIORITY, Finding, _join, _resolve, _scan_part, _spans


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
    whole = [Finding(kind, start, end, text[start:end]) for kind, start, end in _spans(text)]
    assert scan(text) == whole
    assert len(whole) > 1000
    assert [f.text for f in whole] == [text[f.start : f.end] for f in whole]


def test_a_finding_reaching_into_the_next_part_is_chosen_against_that_parts_findings():
    first = [("PERSON", 10, 20), ("PERSON", 95, 110)]
    second = [("ADDRESS", 104, 130), ("EMAIL", 140, 150)]
    assert _join([first, second]) == [("PERSON", 10, 20), ("ADDRESS", 104, 130), ("EMAIL", 140, 150)]
    assert _join(
        [[("IBAN", 90, 120)], [("PERSON", 100, 105), ("PERSON", 118, 125), ("HEALTH", 130, 140)]]
    ) == [
        ("IBAN", 90, 120),
        ("HEALTH", 130, 140),
    ]


@st.composite
def _parts_found(draw: st.DrawFn) -> list[list[tuple[str, int, int]]]:
    """Findings of consecutive parts of 100 characters: each part's sorted, disjoint, starting inside it."""
    found = []
    for part in range(draw(st.integers(min_value=1, max_value=4))):
        position, own = part * 100, []
        while True:
            position += draw(st.integers(min_value=0, max_value=40))
            if position >= (part + 1) * 100:
                break
            end = position + draw(st.integers(min_value=1, max_value=45))
            own.append((draw(st.sampled_from(PRIORITY)), position, end))
            position = end
        found.append(own)
    return found


@given(_parts_found())
def test_joining_parts_equals_resolving_all_their_findings_at_once(found):
    assert _join(found) == _resolve([f for own in found for f in own])


def test_keyword_positions_equal_searching_each_keyword_on_its_own():
    import workbench.privacy.scan  # noqa: F401  (registers every detector's keywords)
    from workbench.privacy import keywords

    text = "\n\n".join(d.text for d in load_corpus()[:40]) + "\nİstanbul Frau Herrn FRAU herr"
    low = keywords.lower(text)
    for family, words in keywords._FAMILIES.items():
        expected = set()
        for word in words:
            position = low.find(word)
            while position != -1:
                expected.add(position)
                position = low.find(word, position + 1)
        assert keywords.starts(text, family) == tuple(sorted(expected)), family
