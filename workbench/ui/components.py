"""Small shared widgets: error box, transparency notice, answer metrics and downloads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from workbench import german
from workbench.config import Settings
from workbench.errors import WorkbenchError
from workbench.gateway import Gateway, Result
from workbench.transparency import Notice


def page_link(page: str, label: str, icon: str, query_params: dict[str, str] | None = None) -> None:
    """A link to another page; a plain caption where the page is not part of the navigation (tests, embeds)."""
    try:
        st.page_link(page, label=label, icon=icon, query_params=query_params)
    except StreamlitPageNotFoundError:
        st.caption(f"{label} (Seite „{page}“)")


def show_error(exc: WorkbenchError) -> None:
    text = f"**{exc.title}:** {exc.user_message}"
    if exc.hint:
        text += f"\n\n{exc.hint}"
    st.error(text, icon=":material/error:")


def show_config_problems(settings: Settings) -> None:
    # A file that locks the public services changes what every page offers: say so first and plainly.
    for problem in sorted(settings.errors, key=lambda p: not p.locks_public):
        title = "Öffentliche KI-Dienste gesperrt" if problem.locks_public else "Konfigurationsfehler"
        st.error(f"**{title}:** {problem}", icon=":material/settings_alert:")
    for problem in settings.warnings:
        st.warning(f"**Hinweis zur Konfiguration:** {problem}", icon=":material/warning:")


def notice_box(notice: Notice) -> None:
    """The notice under an output: always visible, never folded away."""
    icon = ":material/smart_toy:" if notice.ai_generated else ":material/calculate:"
    st.caption(f"{icon} **{notice.title}:** {notice.text()}")


def result_metrics(result: Result) -> str:
    parts = [f"{result.model} · {result.endpoint.label}"]
    if result.ttft_s is not None:
        parts.append(f"erstes Token nach {german.number(result.ttft_s, 2)} s")
    parts.append(f"gesamt {german.number(result.total_s, 2)} s")
    parts.append(result.token_summary())
    return " · ".join(parts)


def result_footer(result: Result, key: str) -> None:
    """Notice, incompleteness warning, metrics and copy/download of one answer."""
    if result.error is not None:
        st.warning(
            f"**Antwort unvollständig:** {result.error.user_message} {result.error.hint}",
            icon=":material/link_off:",
        )
    elif not result.complete and result.notice.incomplete_reason:  # the length limit or a loop
        st.warning(f"**Antwort unvollständig:** {result.notice.incomplete_reason}", icon=":material/block:")
    if result.privacy is not None and result.privacy.findings and not result.privacy.pseudonymized:
        from workbench.privacy import describe

        st.caption(
            f":material/shield: Datenschutz-Check: {describe(result.privacy.counts)} – {result.privacy.decision.reason}"
        )
    notice_box(result.notice)
    with st.expander("Kopieren, herunterladen, Kennzahlen", icon=":material/content_copy:"):
        st.caption(result_metrics(result))
        st.code(result.plain_text(), language=None, wrap_lines=True)
        exports = (
            ("Markdown", result.markdown(), "antwort.md", "text/markdown"),
            ("Text", result.plain_text(), "antwort.txt", "text/plain"),
            ("JSON", result.json(), "antwort.json", "application/json"),
        )
        for column, (label, data, file_name, mime) in zip(st.columns(len(exports)), exports, strict=True):
            column.download_button(
                label,
                data,
                file_name=file_name,
                mime=mime,
                key=f"{key}_{file_name}",
                icon=":material/download:",
            )


KEY_RECORD_PROBLEMS_SHOWN = "_record_problems_shown"


def show_record_problem(gateway: Gateway) -> None:
    """Tell the person once per session why requests are not being recorded in the run log.

    The app builds a new gateway for every script run, so what has been shown is remembered in the
    session; the answers themselves are never held up by the log.
    """
    problem = gateway.record_problem
    if not problem:
        return
    shown: set[str] = st.session_state.setdefault(KEY_RECORD_PROBLEMS_SHOWN, set())
    if problem in shown:
        return
    shown.add(problem)
    st.warning(f"**Anfrageprotokoll:** {problem}", icon=":material/history_toggle_off:")


def chart(figure: Any, key: str, container: Any = None) -> None:
    """A Plotly chart in German: decimal comma and thousands point, dates as 09.03. (not "Mar 9")."""
    figure.update_layout(separators=",.")
    counts = _counts(figure)
    if counts:  # whole-number ticks (no "0,5 Bewertungen")
        figure.update_yaxes(tickformat="d", dtick=max(1, -(-max(counts) // 8)))
    for axis in ("xaxis", "yaxis"):
        if getattr(figure.layout, axis).type == "date" or _has_dates(figure, axis[0]):
            figure.update_layout({axis: {"tickformat": "%d.%m.", "hoverformat": "%d.%m.%Y"}})
    (container or st).plotly_chart(figure, width="stretch", key=key)


def _counts(figure: Any) -> list[int]:
    """The y values when every trace holds whole numbers (counts), else an empty list."""
    import numpy as np

    values: list[int] = []
    for trace in figure.data:
        y = getattr(trace, "y", None)
        if y is None or getattr(trace, "orientation", None) == "h":
            return []
        for v in y:
            if isinstance(v, bool | np.bool_) or not isinstance(v, int | np.integer):
                return []
            values.append(int(v))
    return values


def _has_dates(figure: Any, letter: str) -> bool:
    import numpy as np

    for trace in figure.data:
        values = getattr(trace, letter, None)
        if values is not None and len(values):
            first = values[0]
            return isinstance(first, datetime | date | np.datetime64) or (
                isinstance(first, str) and len(first) >= 10 and first[4] == "-" and first[7] == "-"
            )
    return False


def literal(text: str) -> None:
    """Text exactly as typed: no Markdown, no HTML, every line break kept (a prompt, not a document)."""
    st.text(text, width="stretch")


# Keyboard users must see where the focus is (WCAG 2.4.7, with 3:1 against the page as for other
# states, 1.4.11). Streamlit marks focused links, help icons, expanders and radio options only with a
# faint background tint; a ring in the primary colour replaces it. The same style hides the container
# of the language script below, which would otherwise leave a gap at the top of every page.
_PAGE_STYLE = """<style>
a:focus-visible, button:focus-visible, summary:focus-visible, [role="tab"]:focus-visible,
label:has(input[type="radio"]:focus-visible), label:has(input[type="checkbox"]:focus-visible) {
  outline: 2px solid #1f5c99 !important;
  outline-offset: 1px;
}
[data-testid="stElementContainer"]:has(#wb-page-language) { display: none; }
</style>"""
# Streamlit's page says lang="en"; screen readers would read the German text with English rules
# (WCAG 3.1.1). A fixed script, no input from anywhere.
_PAGE_LANGUAGE = (
    '<span id="wb-page-language" hidden></span><script>document.documentElement.lang = "de";</script>'
)


def page_setup() -> None:
    """Focus ring and page language, once per script run before anything else is drawn."""
    st.html(_PAGE_STYLE)
    st.html(_PAGE_LANGUAGE, unsafe_allow_javascript=True)


def table(frame: Any, *, column_config: dict[str, Any] | None = None, **options: Any) -> None:
    """`st.dataframe` in German: numbers with the browser's German separators, dates as 09.03.2026."""
    import pandas as pd

    config: dict[str, Any] = {}
    if isinstance(frame, pd.DataFrame):
        for name in frame.columns:
            dtype = frame[name].dtype
            if pd.api.types.is_bool_dtype(dtype):
                continue
            if pd.api.types.is_numeric_dtype(dtype):
                config[str(name)] = st.column_config.NumberColumn(format="localized")
            elif pd.api.types.is_datetime64_any_dtype(dtype):
                config[str(name)] = st.column_config.DatetimeColumn(format="DD.MM.YYYY HH:mm")
    config.update(column_config or {})
    st.dataframe(frame, column_config=config, **{"hide_index": True, **options})
