"""The model parts of the sponsor page: the same question to an LLM (and its check), outreach letters."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from workbench.chat import Conversation
from workbench.exports import to_docx
from workbench.gateway import Gateway, Result
from workbench.policy import PrivacyAction
from workbench.sponsor_check import (
    ANSWER_SCHEMA,
    check_model_answer,
    model_prompt,
    names_in_answer,
    outreach_prompt,
)
from workbench.ui import components, german_widgets, sponsors_view, state
from workbench.ui.ask import Ask, Display


def _ask(gw: Gateway, sel: state.Selection, name: str) -> Ask:
    return Ask(gw, sel, f"sp_{name}")


def _single(
    ask: Ask,
    prompt: str,
    action: PrivacyAction | None,
    *,
    name: str,
    schema: dict[str, Any] | None,
    display: Display,
) -> Result:
    """One question on its own (no earlier turns); a refusal or failure waits in the ask panel."""
    return ask.turn(
        Conversation(), prompt, action, display=display, json_schema=schema, purpose=f"sponsoren:{name}",
        status_label="Die KI bearbeitet die Tabellen …",
    )  # fmt: skip


def compare(
    gw: Gateway,
    sel: state.Selection,
    sponsors: pd.DataFrame,
    companies: pd.DataFrame,
    s_name: str,
    s_city: str | None,
    c_name: str,
    c_city: str | None,
    accepted: pd.DataFrame,
) -> None:
    st.markdown(
        "Stellen Sie einem Sprachmodell die Aufgabe aus der Guideline mit beiden Tabellen – und sehen Sie, was es "
        "richtig nennt, was es übersieht und was es erfindet. Die Unternehmensliste enthält Namen von "
        "Einzelunternehmern (personenbezogene Daten): **Schutzstufe 2** wird empfohlen."
    )
    prompt = model_prompt(
        sponsors, companies,
        sponsor_columns=[c for c in (s_name, s_city) if c], company_columns=[c for c in (c_name, c_city) if c],
    )  # fmt: skip
    if prompt.truncated:
        st.warning(
            f"Die Unternehmensliste passt nicht ganz in den Kontext des Modells: gesendet werden die ersten "
            f"{len(prompt.companies_sent)} von {prompt.total_companies} Zeilen. Verglichen wird nur mit diesen.",
            icon=":material/content_cut:",
        )
    with st.expander("Vorschau: Das wird gesendet", icon=":material/visibility:"):
        st.code(
            prompt.text[:4000] + (" …" if len(prompt.text) > 4000 else ""), language=None, wrap_lines=True
        )
    ask = _ask(gw, sel, "compare")
    retry = ask.panel()
    fresh = st.button(
        "Dieselbe Frage an die KI stellen",
        icon=":material/smart_toy:",
        key="sp_compare_btn",
        disabled=ask.unresolved and retry is None,  # the held-back question comes first
    )
    if fresh or retry is not None:
        text, action = (retry.text, retry.action) if retry is not None and not fresh else (prompt.text, None)
        result = _single(ask, text, action, name="compare", schema=ANSWER_SCHEMA, display="status")
        st.session_state["sp_compare"] = (result, prompt)
    stored = st.session_state.get("sp_compare")
    if stored:
        result, sent = stored
        check = check_model_answer(
            names_in_answer(result.text), companies, company_name=c_name,
            sponsor_labels=set(accepted["company_index"].tolist()), considered=sent.companies_sent,
        )  # fmt: skip
        sponsors_view.model_check(check)
        components.result_footer(result, key="sp_compare_result")


def letters(
    gw: Gateway, sel: state.Selection, remaining: pd.DataFrame, c_name: str, details: list[str]
) -> None:
    if remaining.empty:
        st.caption("Alle Unternehmen haben bereits gesponsert.")
        return
    names = remaining[c_name].astype(str).tolist()
    picked = st.multiselect(
        "Unternehmen (höchstens drei)",
        names,
        max_selections=3,
        key="sp_letter_companies",
        placeholder=german_widgets.CHOOSE,
    )
    festival = st.text_input(
        "Anlass", value="Stadtfest Musterstadt am 5. und 6. September", key="sp_letter_festival"
    )
    sender = st.text_input("Absender", value="Stadtmarketing Musterstadt", key="sp_letter_sender")
    ask = _ask(gw, sel, "letter")
    retry = ask.panel()
    clicked = st.button(
        "Anschreiben entwerfen",
        icon=":material/edit:",
        disabled=not picked or (ask.unresolved and retry is None),
        key="sp_letter_btn",
    )
    if (clicked or retry) and picked:
        drafts = []
        for name in picked:
            company = remaining[remaining[c_name].astype(str) == name].iloc[0]
            text = outreach_prompt(
                company, name_column=c_name, details=details, festival=festival, sender=sender
            )
            action = None
            if retry is not None and retry.original == text:  # the letter that was held back or failed
                text, action = retry.text, retry.action
            st.markdown(f"**An {name}**")
            drafts.append((name, _single(ask, text, action, name="letter", schema=None, display="plain")))
        st.session_state["sp_letters"] = drafts
        st.rerun()
    for index, (name, result) in enumerate(st.session_state.get("sp_letters", [])):
        with st.container(border=True):
            st.markdown(f"**Anschreiben an {name}**")
            st.markdown(result.text)
            components.result_footer(result, key=f"sp_letter_{index}")
            st.download_button(
                "Als Word-Dokument", to_docx(f"Anschreiben an {name}", result.text, result.notice), f"anschreiben-{index + 1}.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document", icon=":material/description:",
                key=f"sp_letter_docx_{index}",
            )  # fmt: skip
