"""Readability on screen: Flesch–Amstad and Wiener Sachtextformel of answers, computed without a model.

`show_single` puts a small "Lesbarkeit" popover under an answer (Freier Chat); `show_comparison` sets
the source text and the answer side by side (use cases with ``readability = true``). Scores are cached
by text, so reruns of a page cost nothing for answers already measured.
"""

from __future__ import annotations

import threading

import streamlit as st

from workbench import german, readability
from workbench.readability import Readability

MAX_CHARS = 50_000  # longer texts (whole uploaded documents) are measured on their beginning

# textstat and the German hyphenation patterns take a moment to load once per process: do it while the
# first answer is still being written.
threading.Thread(target=readability.warm_up, name="readability-warm-up", daemon=True).start()


@st.cache_data(max_entries=512, show_spinner=False)
def measure(text: str) -> Readability:
    return readability.measure(text[:MAX_CHARS])


def show_single(answer: str, *, key: str | None = None) -> None:
    """A "Lesbarkeit" popover with both scores of one answer."""
    result = measure(answer)
    with st.popover(f"Lesbarkeit: {result.band}", icon=":material/menu_book:", key=key):
        _scores(result)
        _details(result, answer)
        st.markdown(result.verdict)
        st.caption(readability.TARGET_TEXT)


def show_comparison(source: str, answer: str) -> None:
    """The readability of the source text and of the answer side by side."""
    before, after = measure(source), measure(answer)
    with st.container(border=True):
        st.markdown("**Lesbarkeit im Vergleich** · Berechnet ohne KI")
        left, right = st.columns(2)
        with left:
            st.markdown("Ausgangstext")
            _scores(before, stacked=True)
            _details(before, source)
        with right:
            st.markdown("Letzte Antwort der KI")
            _scores(after, compared_with=before, stacked=True)
            _details(after, answer)
        icon = ":material/check_circle:" if after.in_target else ":material/info:"
        st.markdown(f"{icon} **Antwort:** {after.verdict}")
        st.caption(readability.TARGET_TEXT)


def _scores(result: Readability, compared_with: Readability | None = None, *, stacked: bool = False) -> None:
    flesch_column, wiener_column = (st.container(), st.container()) if stacked else st.columns(2)
    base = compared_with if compared_with is not None and compared_with.measured else None
    flesch_column.metric(
        "Flesch–Amstad",
        _number(result.flesch_amstad),
        delta=_delta(result.flesch_amstad, base.flesch_amstad if base else None),
        help="Lesbarkeitsindex nach Amstad, Skala 0 bis 100: je höher, desto leichter (ab 60 mittel, ab 70 leicht).",
    )
    wiener_column.metric(
        "Wiener Sachtextformel",
        _number(result.wiener),
        delta=_delta(result.wiener, base.wiener if base else None),
        delta_color="inverse",  # lower is easier
        help="Entspricht etwa der Schulstufe: 4 = sehr leicht, 15 = sehr schwer. Einfache Sprache: höchstens 6 bis 7.",
    )


def _details(result: Readability, text: str) -> None:
    parts = [result.band]
    if result.wiener is not None:
        parts.append(readability.school_grade(result.wiener))
    parts.append(
        f"{german.plural(result.sentences, 'Satz', 'Sätze')}, {german.plural(result.words, 'Wort', 'Wörter')}"
    )
    if len(text) > MAX_CHARS:
        parts.append(f"gemessen an den ersten {MAX_CHARS:,} Zeichen".replace(",", "."))
    st.caption(" · ".join(parts))


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",")


def _delta(value: float | None, base: float | None) -> str | None:
    if value is None or base is None:
        return None
    return f"{value - base:+.1f}".replace(".", ",")
