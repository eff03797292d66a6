"""Showing Datenschutz-Check findings: highlighted text, a table, and the choices when a request is held back."""

from __future__ import annotations

import html
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from workbench.errors import PrivacyRefused
from workbench.policy import OPTION_CONFIRM, OPTION_PSEUDONYMIZE, OPTION_STUFE_2, Schutzstufe
from workbench.privacy import Finding
from workbench.ui import state

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


def highlight(text: str, findings: Sequence[Finding]) -> None:
    """The text with every finding marked and labelled; the text itself is escaped, never interpreted."""
    parts: list[str] = []
    last = 0
    for finding in sorted(findings, key=lambda f: f.start):
        parts.append(html.escape(text[last : finding.start]))
        colour = _COLOURS.get(finding.kind, "#ffec99")
        parts.append(
            f'<mark style="background:{colour};padding:0 .15em;border-radius:.2em" title="{html.escape(finding.label)}">'
            f"{html.escape(finding.text)}<sub style='font-size:.65em;margin-left:.2em'>{html.escape(finding.label)}</sub></mark>"
        )
        last = finding.end
    parts.append(html.escape(text[last:]))
    body = "".join(parts).replace("\n", "<br>")
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
    st.dataframe(frame, hide_index=True)


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
    last_message = max((item.message for item in exc.findings), default=0)
    highlight(text, [item.finding for item in exc.findings if item.message == last_message])
    earlier = [item for item in exc.findings if item.message != last_message]
    if earlier:
        st.caption(f"Weitere {len(earlier)} Fundstelle(n) im bisherigen Gesprächsverlauf.")
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
    return choice
