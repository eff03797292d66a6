"""The model parts of the sponsor page: the same question to an LLM (and its check), outreach letters."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from workbench.errors import PrivacyRefused, WorkbenchError
from workbench.exports import to_docx
from workbench.gateway import ChatRequest, Gateway, Result
from workbench.sponsor_check import (
    ANSWER_SCHEMA,
    check_model_answer,
    model_prompt,
    names_in_answer,
    outreach_prompt,
)
from workbench.ui import components, privacy_panel, sponsors_view, state


def _run(
    gw: Gateway,
    sel: state.Selection,
    prompt: str,
    *,
    key: str,
    schema: dict[str, Any] | None,
    action: str | None,
    show: bool,
) -> Result | None:
    """Send one request; on a refusal keep it for the privacy panel, on an error show it."""
    if sel.endpoint is None:
        st.error(
            "Auf dieser Schutzstufe ist kein KI-Dienst nutzbar. Siehe „Modelle & Status“.",
            icon=":material/block:",
        )
        return None
    request = ChatRequest(
        [{"role": "user", "content": prompt}], sel.schutzstufe, sel.endpoint.id, sel.model,
        purpose=f"sponsoren:{key}", privacy_action=action, json_schema=schema,
    )  # fmt: skip
    try:
        response = gw.chat(request)
        if show:
            st.write_stream(response)
        else:
            with st.status("Die KI bearbeitet die Tabellen …", expanded=False) as status:
                st.write_stream(response)
                status.update(label="Antwort erhalten", state="complete")
        return response.result
    except PrivacyRefused as exc:
        st.session_state[f"sp_{key}_refused"] = (prompt, exc)
        st.rerun()
    except WorkbenchError as exc:
        components.show_error(exc)
    return None


def _held_back(gw: Gateway, key: str) -> str | None:
    refused = st.session_state.get(f"sp_{key}_refused")
    if not refused:
        return None
    prompt, exc = refused
    local = gw.default_endpoint(2)
    with st.container(border=True):
        choice = privacy_panel.held_back(
            exc, prompt, key=f"sp_{key}_privacy", local_endpoint_id=local.id if local else None
        )
    if choice:
        del st.session_state[f"sp_{key}_refused"]
    return choice


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
    choice = _held_back(gw, "compare")
    if (
        st.button("Dieselbe Frage an die KI stellen", icon=":material/smart_toy:", key="sp_compare_btn")
        or choice
    ):
        action = choice if choice in ("pseudonymize", "confirm") else None
        result = _run(gw, sel, prompt.text, key="compare", schema=ANSWER_SCHEMA, action=action, show=False)
        if result is not None:
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
        "Unternehmen (höchstens drei)", names, max_selections=3, key="sp_letter_companies"
    )
    festival = st.text_input(
        "Anlass", value="Stadtfest Musterstadt am 5. und 6. September", key="sp_letter_festival"
    )
    sender = st.text_input("Absender", value="Stadtmarketing Musterstadt", key="sp_letter_sender")
    choice = _held_back(gw, "letter")
    if (
        st.button("Anschreiben entwerfen", icon=":material/edit:", disabled=not picked, key="sp_letter_btn")
        or choice
    ) and picked:
        action = choice if choice in ("pseudonymize", "confirm") else None
        drafts = []
        for name in picked:
            company = remaining[remaining[c_name].astype(str) == name].iloc[0]
            st.markdown(f"**An {name}**")
            result = _run(
                gw, sel, outreach_prompt(company, name_column=c_name, details=details, festival=festival, sender=sender),
                key="letter", schema=None, action=action, show=True,
            )  # fmt: skip
            if result is not None:
                drafts.append((name, result))
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
