"""Showing Datenschutz-Check findings: highlighted text, a table, and the choices when a request is held back."""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from workbench import german
from workbench.errors import PrivacyRefused
from workbench.policy import OPTION_CONFIRM, OPTION_PSEUDONYMIZE, OPTION_STUFE_2, Schutzstufe
from workbench.privacy import Finding
from workbench.ui import components, state

# Colours per kind, readable on light backgrounds.
_COLOURS = {
    "PERSON": "#ffd8a8",
    "ADDRESS": "#c3fae8",
    "BIRTH_DATE": "#ffe3e3",
    "EMAIL": "#d0ebff",
    "PHONE": "#d3f9d8",
    "IBAN": "#ffec99",
    "TAX_ID": "#e5dbff",
    "SOCIAL_SECURITY_NUMBER": "#fcc2d7",
    "ID_CARD": "#eebefa",
    "LICENSE_PLATE": "#dee2e6",
    "CASE_NUMBER": "#c5f6fa",
    "HEALTH": "#ffc9c9",
    "VAT_ID": "#e9fac8",
}


def _marked(text: str, findings: Sequence[Finding], offset: int = 0) -> str:
    """HTML of `text` (which starts at `offset` of the checked text) with its findings marked; escaped."""
    parts: list[str] = []
    last = 0
    for finding in sorted(findings, key=lambda f: f.start):
        start, end = finding.start - offset, finding.end - offset
        parts.append(html.escape(text[last:start]))
        colour = _COLOURS.get(finding.kind, "#ffec99")
        parts.append(
            f'<mark style="background:{colour};padding:0 .15em;border-radius:.2em" title="{html.escape(finding.label)}">'
            f"{html.escape(text[start:end])}<sub style='font-size:.65em;margin-left:.2em'>{html.escape(finding.label)}</sub></mark>"
        )
        last = end
    parts.append(html.escape(text[last:]))
    return "".join(parts).replace("\n", "<br>")


# A text longer than this is shown as the passages around its findings, not whole.
SHORT_TEXT_CHARS = 1500
LINES_AROUND = 2


def passages(
    text: str, findings: Sequence[Finding], lines_around: int = LINES_AROUND
) -> list[tuple[int, int]]:
    """Character ranges to show: the whole text when it is short, else the lines around each finding (merged)."""
    if len(text) <= SHORT_TEXT_CHARS or not findings:
        return [(0, len(text))]
    starts = [0, *(m.end() for m in re.finditer("\n", text))]
    last_line = len(starts) - 1
    windows: list[list[int]] = []
    for finding in sorted(findings, key=lambda f: f.start):
        first = max(0, bisect.bisect_right(starts, finding.start) - 1 - lines_around)
        last = min(
            last_line, bisect.bisect_right(starts, max(finding.start, finding.end - 1)) - 1 + lines_around
        )
        if windows and first <= windows[-1][1] + 1:
            windows[-1][1] = max(windows[-1][1], last)
        else:
            windows.append([first, last])
    return [
        (starts[first], starts[last + 1] - 1 if last < last_line else len(text)) for first, last in windows
    ]


def highlight(text: str, findings: Sequence[Finding]) -> None:
    """The text with every finding marked and labelled; a long text only around its findings.

    The text itself is escaped, never interpreted.
    """
    ranges = passages(text, findings)
    blocks = []
    for start, end in ranges:
        inside = [f for f in findings if start <= f.start and f.end <= end]
        blocks.append(_marked(text[start:end], inside, start))
    if len(ranges) > 1 or ranges[0] != (0, len(text)):
        lines = text.count("\n") + 1
        st.caption(
            f"Der Text hat {german.plural(lines, 'Zeile', 'Zeilen')}; gezeigt "
            f"{'wird die Stelle' if len(ranges) == 1 else 'werden die Stellen'} um die Fundstellen "
            f"(je {LINES_AROUND} Zeilen davor und danach). Den ganzen Text finden Sie im Eingabefeld."
        )
    separator = '<div style="text-align:center;color:#555">…</div>'
    body = separator.join(blocks)
    st.markdown(
        f'<div style="line-height:1.9;border:1px solid #ddd;border-radius:.5em;padding:.75em 1em">{body}</div>',
        unsafe_allow_html=True,
    )


def findings_table(findings: Sequence[Finding], placeholders: Sequence[str] | None = None) -> None:
    """One row per finding, in German: the kind, the text found, its placeholder and position.

    `placeholders` are the placeholders of a pseudonymised version ("[NAME_1]"), one per finding;
    without them the column shows the placeholder word ("NAME"). Internal kind codes are not shown.
    """
    shown = list(placeholders) if placeholders is not None else [f.placeholder_word for f in findings]
    frame = pd.DataFrame(
        {
            "Art": [f.label for f in findings],
            "Fundstelle": [f.text for f in findings],
            "Platzhalter": shown,
            "Position": [f"{f.start}–{f.end}" for f in findings],
        }
    )
    components.table(frame, hide_index=True)


def _switch_to_stufe_2(gw_endpoint_id: str | None) -> None:
    """Callback: runs before the next script run, so the sidebar widget may be changed here."""
    state.set_schutzstufe(Schutzstufe.TWO)
    if gw_endpoint_id:
        st.session_state[state.KEY_ENDPOINT] = gw_endpoint_id


def held_back(
    exc: PrivacyRefused, text: str, *, key: str, local_endpoint_id: str | None, editable: bool = True
) -> str | None:
    """Explain why a request was held back and offer the allowed choices.

    Returns "send" (switched to Schutzstufe 2), "pseudonymize" or "confirm" when the person chose
    one, otherwise None (the caller keeps the text in an editable box).
    """
    st.warning(f"**{exc.title}:** {exc.user_message}", icon=":material/shield_person:")
    choice = None
    with st.container(horizontal=True):
        if st.button(
            "Auf Schutzstufe 2 wechseln und lokal senden",
            key=f"{key}_stufe2",
            icon=":material/lock:",
            type="primary",
            disabled=local_endpoint_id is None or OPTION_STUFE_2 not in exc.options,
            on_click=_switch_to_stufe_2,
            args=(local_endpoint_id,),
        ):
            choice = "send"
        if OPTION_PSEUDONYMIZE in exc.options and st.button(
            "Pseudonymisiert senden", key=f"{key}_pseudo", icon=":material/masks:"
        ):
            choice = OPTION_PSEUDONYMIZE
    if OPTION_CONFIRM in exc.options:
        with st.container(horizontal=True, vertical_alignment="center"):
            confirmed = st.checkbox(
                "Ich bestätige: kein Personenbezug (wird protokolliert)", key=f"{key}_confirm_box"
            )
            if st.button(
                "Trotzdem senden", key=f"{key}_confirm", disabled=not confirmed, icon=":material/send:"
            ):
                choice = OPTION_CONFIRM
    if editable:
        st.caption("Oder bearbeiten Sie den Text unten und entfernen Sie die markierten Angaben.")
    # the text comes after the choices: a long one would push them far down the page
    last_message = max((item.message for item in exc.findings), default=0)
    highlight(text, [item.finding for item in exc.findings if item.message == last_message])
    earlier = [item for item in exc.findings if item.message != last_message]
    if earlier:
        st.caption(
            f"Weitere {german.plural(len(earlier), 'Fundstelle', 'Fundstellen')} im bisherigen Gesprächsverlauf."
        )
    return choice
