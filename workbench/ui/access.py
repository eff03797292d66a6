"""Sign-in through Streamlit's `st.login` (OpenID Connect), the person's roles, and refusals in German.

Sign-in is on when Streamlit's secrets have an `[auth]` section (`.streamlit/secrets.toml` or the file
named in STREAMLIT_SECRETS_FILES); see the README. Without it the workbench is a single-person sandbox.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from workbench.access import SANDBOX, Action, User, signed_in_user
from workbench.config import Settings


def _auth_section() -> Mapping[str, object] | None:
    try:
        section = st.secrets.get("auth")
    except FileNotFoundError:  # no secrets file at all
        return None
    return section if isinstance(section, Mapping) else None


def sign_in_configured() -> bool:
    return _auth_section() is not None


def current_user(settings: Settings) -> User:
    """The person at the screen: the sandbox user without sign-in, else who signed in (or nobody yet)."""
    section = _auth_section()
    if section is None:
        return SANDBOX
    if not st.user.is_logged_in:
        return User(signed_in=False, sandbox=False)
    return signed_in_user(st.user.to_dict(), settings.roles, str(section.get("cookie_secret", "")))


def _provider(section: Mapping[str, object]) -> str | None:
    """The provider to sign in with: None for the flat [auth] form, else the first [auth.<name>] table."""
    if "client_id" in section:
        return None
    return next((name for name, value in section.items() if isinstance(value, Mapping)), None)


def sign_in_page(organisation: str) -> None:
    """The only thing a visitor sees before signing in."""
    st.title("KI-Werkbank")
    st.markdown(
        f"Die KI-Werkbank{' der ' + organisation if organisation else ''} ist der Experimentierraum für "
        "generative KI in der Verwaltung. **Bitte melden Sie sich mit Ihrem Dienstkonto an.**"
    )
    st.caption(
        "Die Werkbank speichert zu Ihren Anfragen keinen Namen und keine E-Mail-Adresse, nur ein Pseudonym. "
        "Welche Funktionen Sie nutzen dürfen, ergibt sich aus Ihren Rollen."
    )
    if st.button("Anmelden", type="primary", icon=":material/login:"):
        section = _auth_section() or {}
        provider = _provider(section)
        if provider is None:
            st.login()
        else:
            st.login(provider)


def account_box(user: User) -> None:
    """Sidebar: who is signed in, with which roles, and the way out."""
    if user.sandbox or not user.signed_in:
        return
    with st.sidebar.container(border=True):
        st.markdown(f":material/account_circle: **{user.display_name or 'Angemeldet'}**")
        st.caption("Rollen: " + (", ".join(user.role_labels) or "Teilnahme an Übungen"))
        if st.button("Abmelden", icon=":material/logout:", key="account_logout"):
            st.logout()


def require(user: User, action: Action) -> None:
    """Stop the page with a German refusal (and who to ask) unless the person may do this."""
    if not user.may(action):
        st.warning(user.refusal(action), icon=":material/lock:")
        st.stop()
