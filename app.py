"""KI-Werkbank: Streamlit entry point with the shared sidebar and the page navigation."""

import logging

import streamlit as st

from workbench.errors import WorkbenchError
from workbench.ui import access, components, german_widgets, sidebar, state

st.set_page_config(page_title="KI-Werkbank", page_icon=":material/construction:", layout="wide")
components.page_setup()
german_widgets.apply()

log = logging.getLogger("workbench.app")

pages = {
    "Werkbank": [
        st.Page("views/start.py", title="Start", icon=":material/home:", url_path="start", default=True),
        st.Page(
            "views/usecase.py", title="Anwendungsfälle", icon=":material/school:", url_path="anwendungsfaelle"
        ),
        st.Page(
            "views/sponsors.py", title="Sponsorenabgleich", icon=":material/handshake:", url_path="sponsoren"
        ),
        st.Page(
            "views/agent.py",
            title="KI-Agent: Abfalltouren",
            icon=":material/local_shipping:",
            url_path="agent",
        ),
        st.Page("views/chat.py", title="Freier Chat", icon=":material/chat:", url_path="chat"),
        st.Page(
            "views/compare.py",
            title="Vergleich lokal – öffentlich",
            icon=":material/compare:",
            url_path="vergleich",
        ),
        st.Page("views/history.py", title="Verlauf", icon=":material/history:", url_path="verlauf"),
        st.Page(
            "views/privacy_check.py",
            title="Datenschutz-Check",
            icon=":material/shield_person:",
            url_path="datenschutz",
        ),
    ],
    "Workshops": [
        st.Page("views/workshop.py", title="Workshop", icon=":material/groups:", url_path="workshop"),
        st.Page("views/evaluation.py", title="Auswertung", icon=":material/insights:", url_path="auswertung"),
    ],
    "Einstellungen": [
        st.Page("views/models.py", title="Modelle & Status", icon=":material/dns:", url_path="modelle"),
    ],
}
user = state.user()
if not user.sandbox and not user.signed_in:
    access.sign_in_page(state.settings().organisation)  # nothing else before sign-in
    st.stop()
navigation = st.navigation(pages, expanded=True)

try:
    gateway = state.gateway()
    st.sidebar.title("KI-Werkbank")
    sidebar.render(gateway)
    access.account_box(user)
    components.show_record_problem(gateway)
    components.show_config_problems(gateway.settings)
    navigation.run()
except WorkbenchError as exc:
    components.show_error(exc)
except Exception:
    # The details go to the server log only; the screen gets a German message.
    log.exception("unexpected error on page %s", navigation.title)
    st.error(
        "Es ist ein unerwarteter Fehler aufgetreten. Ihre Eingaben sind noch da; laden Sie die Seite neu "
        "oder versuchen Sie es erneut. Wenn der Fehler bleibt, melden Sie ihn bitte Ihrer IT.",
        icon=":material/error:",
    )
