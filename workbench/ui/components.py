"""Small shared widgets: error box, transparency notice, answer metrics and downloads."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

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
        parts.append(f"erstes Token nach {result.ttft_s:.2f} s")
    parts.append(f"gesamt {result.total_s:.2f} s")
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
