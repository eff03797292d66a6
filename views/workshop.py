"""Workshop: a trainer starts one with a join code; participants join in their own browser."""

import streamlit as st

from workbench.access import Action
from workbench.ui import components, german_widgets, state
from workbench.usecases import read_catalog
from workbench.workshop import TOPICS

gw = state.gateway()
user = state.user(gw.settings)
st.title("Workshop")
st.markdown(
    "Für Schulungen: Die Trainerin oder der Trainer legt einen Workshop an und nennt den Teilnehmenden den Code. "
    "Wer beitritt, arbeitet ganz normal – Anfragen und Bewertungen werden dem Workshop zugeordnet, **ohne Namen**."
)
if gw.run_log is None:
    st.warning(
        "Ohne beschreibbaren Datenordner (WORKBENCH_DATA_DIR) gibt es keine Workshops.",
        icon=":material/folder_off:",
    )
    st.stop()

current = st.session_state.get(state.KEY_WORKSHOP)
if current:
    workshop = gw.run_log.workshop(current)
    st.success(
        f"Sie nehmen am Workshop „{workshop['name']}“ teil (Code {current}).", icon=":material/groups:"
    )
    catalog = read_catalog(gw.settings)
    for exercise in workshop["exercises"]:
        usecase = catalog.get(exercise)
        if usecase is not None:
            components.page_link(
                "views/usecase.py",
                label=usecase.title,
                icon=":material/school:",
                query_params={"id": exercise},
            )
    components.page_link("views/compare.py", label="Vergleich lokal – öffentlich", icon=":material/compare:")
    if st.button("Workshop verlassen", icon=":material/logout:"):
        st.session_state.pop(state.KEY_WORKSHOP, None)
        st.rerun()

join, create = st.tabs(["Beitreten", "Workshop anlegen (Trainerin/Trainer)"])
with join, st.form("ws_join"):
    code = st.text_input("Code", max_chars=6, placeholder="z. B. K7M2QP", key="ws_join_code")
    if st.form_submit_button("Beitreten", icon=":material/login:"):
        if gw.run_log.workshop(code or ""):
            st.session_state[state.KEY_WORKSHOP] = code.strip().upper()
            st.rerun()
        st.error(
            "Diesen Code gibt es nicht. Prüfen Sie die Schreibweise (ohne 0, O, 1, I und L).",
            icon=":material/error:",
        )
with create:
    if not user.may(Action.MANAGE_WORKSHOPS):
        st.info(user.refusal(Action.MANAGE_WORKSHOPS), icon=":material/lock:")
        st.stop()
    catalog = read_catalog(gw.settings)
    with st.form("ws_create"):
        name = st.text_input("Name des Workshops", value="KI-Werkstatt Bürgerbüro", key="ws_name")
        trainer = st.text_input(
            "Leitung (erscheint im Nachweis)", value=user.display_name, key="ws_trainer",
            placeholder="z. B. Anna Weber, Digitalisierungsteam",
        )  # fmt: skip
        exercises = st.multiselect(
            "Übungen", [u.id for u in catalog.usecases], default=["neujahrsempfang"],
            format_func=lambda i: catalog.get(i).title, key="ws_exercises", placeholder=german_widgets.CHOOSE,
        )  # fmt: skip
        topics = st.multiselect(
            "Behandelte Themen", list(TOPICS), default=list(TOPICS), format_func=TOPICS.__getitem__,
            key="ws_topics", placeholder=german_widgets.CHOOSE,
        )  # fmt: skip
        if st.form_submit_button("Workshop anlegen", icon=":material/add:", type="primary"):
            gaps = [label for label, value in (("Name", name), ("Leitung", trainer)) if not value.strip()]
            if gaps:  # the record names both
                st.error(
                    f"Bitte tragen Sie {' und '.join(gaps)} ein; der Nachweis nennt beides.",
                    icon=":material/edit:",
                )
            else:
                code = gw.run_log.create_workshop(
                    name, exercises, trainer=trainer, topics=topics, created_by=user.pseudonym
                )
                st.session_state["ws_created"] = code
    created = st.session_state.get("ws_created")
    if created:
        st.success(f"Workshop angelegt. Code für die Teilnehmenden: **{created}**", icon=":material/key:")
        components.page_link(
            "views/evaluation.py",
            label="Zur Auswertung",
            icon=":material/insights:",
            query_params={"code": created},
        )
