"""Vergleich lokal – öffentlich: one input, two models streaming side by side, figures, rating, differences."""

import random
import uuid

import streamlit as st

from workbench import german
from workbench.compare import RATINGS, blind_text, diff_html, run_side_by_side, similarity, verdicts
from workbench.errors import PrivacyRefused, WorkbenchError
from workbench.gateway import ChatRequest
from workbench.history import STORAGE_ERRORS, describe_problem
from workbench.policy import OPTION_CONFIRM, OPTION_PSEUDONYMIZE, Schutzstufe
from workbench.ui import components, privacy_panel, state
from workbench.usecases import read_catalog

gw = state.gateway()
sel = state.selection(gw)
st.title("Vergleich lokal – öffentlich")
st.caption("Dieselbe Eingabe an zwei Modelle: Beide Antworten entstehen gleichzeitig nebeneinander.")

options = gw.options(sel.schutzstufe)
usable = [o.endpoint for o in options if o.usable]
for option in options:
    if not option.usable:
        st.info(f"**{option.endpoint.label} gesperrt:** {option.reason}", icon=":material/lock:")
pseudo_allowed = gw.settings.privacy_policy in ("pseudonymize", "warn")
public = [o.endpoint for o in options if not o.endpoint.is_local and o.missing_key is None]


def compare_pseudonymised() -> None:
    """Callback (runs before the sidebar is drawn): Schutzstufe 1, with pseudonymised input."""
    state.set_schutzstufe(Schutzstufe.ONE)
    st.session_state["cmp_pseudo"] = True


if sel.schutzstufe == Schutzstufe.TWO and public and pseudo_allowed:
    st.button(
        "Stattdessen mit pseudonymisierter Eingabe auf Schutzstufe 1 vergleichen",
        icon=":material/masks:",
        on_click=compare_pseudonymised,
    )
if not usable:
    st.warning("Auf dieser Schutzstufe ist kein KI-Dienst nutzbar.", icon=":material/block:")
    st.stop()

catalog = read_catalog(gw.settings)
source = st.selectbox(
    "Eingabe", ["Freier Text", *[u.id for u in catalog.usecases]],
    format_func=lambda i: i if i == "Freier Text" else f"Anwendungsfall: {catalog.get(i).title}", key="cmp_source",
)  # fmt: skip
default = "" if source == "Freier Text" else catalog.get(source).render(catalog.get(source).defaults())
prompt = st.text_area("Text an beide Modelle", value=default, height=160, key=f"cmp_text_{source}")

ids = [e.id for e in usable]
columns = st.columns(2)
chosen = []
for index, (column, side) in enumerate(zip(columns, ("A", "B"), strict=True)):
    preferred = next((e.id for e in usable if e.is_local == (side == "A")), ids[0])
    endpoint_id = column.selectbox(f"Dienst {side}", ids, index=ids.index(preferred), key=f"cmp_endpoint_{side}",
                                   format_func=lambda i: gw.settings.endpoint(i).label)  # fmt: skip
    endpoint = gw.settings.endpoint(endpoint_id)
    model = column.text_input(
        f"Modell {side}", value=endpoint.default_model, key=f"cmp_model_{side}_{endpoint_id}"
    )
    chosen.append((endpoint_id, model, index))
blind = st.toggle("Blindmodus für Workshops (Namen erst nach der Bewertung zeigen)", key="cmp_blind")

retry_action = st.session_state.pop("cmp_retry_action", None)  # chosen in the privacy panel below
if (
    st.button(
        "Beide Modelle fragen", type="primary", icon=":material/compare_arrows:", disabled=not prompt.strip()
    )
    or retry_action
):
    order = [0, 1]
    if blind:
        random.shuffle(order)
    sides = [chosen[i] for i in order]
    action = retry_action or (OPTION_PSEUDONYMIZE if st.session_state.get("cmp_pseudo") else None)
    requests = tuple(
        ChatRequest([{"role": "user", "content": prompt}], sel.schutzstufe, e, m or None, purpose=f"vergleich:{source if source != 'Freier Text' else 'freitext'}", privacy_action=action)
        for e, m, _ in sides
    )  # fmt: skip
    live = st.columns(2)
    boxes = [col.empty() for col in live]
    texts = ["", ""]

    def show(index: int, chunk: str) -> None:
        texts[index] += chunk
        boxes[index].markdown(texts[index] + " ▌")

    results = run_side_by_side(gw, requests, show)
    st.session_state["cmp_result"] = {
        "sides": results, "labels": sides, "blind": blind, "rated": False,
        "comparison": uuid.uuid4().hex, "purpose": requests[0].purpose, "schutzstufe": int(sel.schutzstufe),
    }  # fmt: skip
    st.rerun()

stored = st.session_state.get("cmp_result")
if stored and stored.get("schutzstufe") not in (None, int(sel.schutzstufe)):
    # the answers came at another Schutzstufe; the services chosen above may no longer be those two
    st.session_state.pop("cmp_result", None)
    stored = None
    st.info(
        "Sie haben die Schutzstufe gewechselt: Der letzte Vergleich ist ausgeblendet. Fragen Sie beide Modelle "
        "erneut, um auf der neuen Stufe zu vergleichen.",
        icon=":material/sync:",
    )
held = (
    next((s.error for s in stored["sides"] if isinstance(s.error, PrivacyRefused)), None) if stored else None
)
if held is not None:  # the same choices as on every page: locally, pseudonymised or confirmed
    local = gw.default_endpoint(2)
    with st.container(border=True):
        choice = privacy_panel.held_back(
            held, prompt, key="cmp_privacy", local_endpoint_id=local.id if local else None, editable=False
        )
        st.caption("Sie können den Text oben ändern und erneut vergleichen.")
    if choice in (OPTION_PSEUDONYMIZE, OPTION_CONFIRM):
        st.session_state["cmp_retry_action"] = choice
        st.session_state.pop("cmp_result", None)
        st.rerun()
    if choice == "send":  # now at Schutzstufe 2: the public side is locked, compare again if wanted
        st.session_state.pop("cmp_result", None)
        st.rerun()
if stored:
    hidden = stored["blind"] and not stored["rated"]
    columns = st.columns(2)
    for column, name, side, (endpoint_id, model, _) in zip(
        columns, ("A", "B"), stored["sides"], stored["labels"], strict=True
    ):
        with column:
            endpoint = gw.settings.endpoint(endpoint_id)
            st.subheader(f"Antwort {name}" if hidden else f"{name}: {model} · {endpoint.label}")
            if side.error is not None:
                if hidden:  # the message names the service: in blind mode it would give the order away
                    labels = [
                        gw.settings.endpoint(e).label
                        for e, _, _ in stored["labels"]
                        if gw.settings.endpoint(e)
                    ]
                    error = WorkbenchError(
                        *(blind_text(t, labels) for t in (side.error.user_message, side.error.hint))
                    )
                    error.title = side.error.title
                    components.show_error(error)
                else:
                    components.show_error(side.error)
                continue
            result = side.result
            st.markdown(result.text)
            if not hidden:
                leaves = "ja" if not endpoint.is_local else "nein"
                st.caption(
                    f"{endpoint.classification.german} · Daten verlassen die Organisation: **{leaves}**"
                )
                st.caption(components.result_metrics(result))
            if hidden:  # the notice still marks the text as AI output, but names no model before the rating
                st.caption(
                    ":material/smart_toy: **Transparenzhinweis:** Erstellt mit KI. Modell und Dienst werden im "
                    "Blindmodus erst nach Ihrer Bewertung angezeigt. Prüfen Sie den Inhalt vor der Verwendung; die "
                    "Letztverantwortung liegt beim Menschen."
                )
            else:
                components.notice_box(result.notice)
    done = [s.result for s in stored["sides"]]
    if all(done):
        with st.expander(
            f"Unterschiede (Übereinstimmung {german.number(similarity(done[0].text, done[1].text) * 100, 0)} %)",
            icon=":material/difference:",
        ):
            st.markdown(diff_html(done[0].text, done[1].text), unsafe_allow_html=True)
        with st.form("cmp_rating"):
            rating = st.segmented_control("Bewertung", RATINGS, key="cmp_rating_choice")
            comment = st.text_input("Kommentar (optional)", key="cmp_rating_comment")
            if st.form_submit_button("Bewertung speichern", icon=":material/star:") and rating:
                if gw.run_log is not None:  # one rating per comparison; rating again replaces it
                    places = [gw.settings.endpoint(label[0]) for label in stored["labels"]]
                    try:
                        gw.run_log.rate_comparison(
                            stored["comparison"], rating,
                            [(result.run_id, place.classification.value if place else None, verdict)
                             for result, place, verdict in zip(done, places, verdicts(rating), strict=True)],
                            comment=comment, session=gw.session, user_id=gw.user_id, workshop=gw.workshop,
                            purpose=stored["purpose"],
                        )  # fmt: skip
                    except STORAGE_ERRORS as exc:
                        st.warning(
                            f"**Die Bewertung wurde nicht gespeichert.** {describe_problem(exc, gw.run_log.where)}",
                            icon=":material/folder_off:",
                        )
                        st.stop()
                stored["rated"] = True
                st.session_state["cmp_saved"] = rating
                st.rerun()
        if st.session_state.get("cmp_saved") and stored["rated"]:
            st.success(
                f"Bewertung „{st.session_state['cmp_saved']}“ gespeichert.", icon=":material/check_circle:"
            )
