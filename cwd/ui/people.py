"""Who is signed in: Streamlit's OIDC sign-in (st.login, configured in .streamlit/secrets.toml) where
the office has an identity provider, local accounts (argon2 hashes in the store) otherwise.

- No account and no identity provider configured: nobody signs in and only the read-only demo
  nabór is open (the README's first command shows the map at once).
- As soon as one is configured, every page needs a signed-in person; the demo stays open without
  sign-in only when the operator sets CWD_DEMO_PUBLICZNY=1.

The person recorded with a save is the store's record of the signed-in identity, never typed text;
the store checks the role of every write again (a forged call is refused there).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st

from cwd.auth import Identity, oidc_claims
from cwd.ui import keys, loaders

MAX_FAILED_ATTEMPTS = 5  # then each further attempt of this session waits
FAILED_DELAY_S = 2.0


def oidc_configured() -> bool:
    try:
        return bool(st.secrets.get("auth"))
    except Exception:  # noqa: BLE001 — no secrets file (or an unreadable one): no identity provider
        return False


@dataclass(frozen=True)
class Access:
    identity: Identity | None  # the signed-in person
    required: bool  # sign-in is configured (accounts or an identity provider exist)
    oidc: bool  # an identity provider is configured
    refused: str | None = None  # an OIDC person without a role here (Polish message)

    @property
    def signed_in(self) -> bool:
        return self.identity is not None

    def may_open(self, nabor_id: str, demo_id: str, demo_public: bool) -> bool:
        if self.signed_in:
            return True
        if not self.required:
            return nabor_id == demo_id  # nothing but the demo without accounts
        return demo_public and nabor_id == demo_id


def current(store) -> Access:
    """This session's access, read once per run (cheap: a session key, or st.user)."""
    oidc = oidc_configured()
    identity = st.session_state.get(keys.SIGNED_IN)
    refused = None
    if identity is None and oidc and st.user.get("is_logged_in"):
        email, name = oidc_claims(dict(st.user)) or ("", "")
        identity = store.oidc_identity(email, name) if email else None
        if identity is None:
            refused = (f"Konto {email or 'dostawcy tożsamości'} nie ma dostępu do tej aplikacji – poproś "
                       "administratora o nadanie roli (python -m cwd users oidc ADRES ROLA).")
        else:
            st.session_state[keys.SIGNED_IN] = identity
    required = oidc or _accounts_exist(store)
    return Access(identity=identity, required=required, oidc=oidc, refused=refused)


@st.cache_resource(show_spinner=False, ttl=10)
def _accounts_cache(_store, url: str) -> bool:
    return bool(_store.has_admin() or _store.users() or _store.oidc_mappings())


def _accounts_exist(store) -> bool:
    try:
        return _accounts_cache(store, str(loaders.operator().database_url or loaders.operator().database_path))
    except Exception:  # noqa: BLE001 — the database is down: nobody can sign in; say so elsewhere
        return True


def sign_in_form(store, access: Access) -> None:
    """The sign-in page (shown instead of the page asked for)."""
    st.title("Logowanie")
    st.caption("Panel wyboru partnerstw JST do pilotażu CWD – Departament Rozwoju Regionalnego UMWP.")
    if access.refused:
        st.error(access.refused)
        if st.button("Wyloguj"):
            st.logout()
        return
    if access.oidc and st.button("Zaloguj się przez konto urzędu", type="primary"):
        st.login()
    with st.form("logowanie"):
        login = st.text_input("Login", autocomplete="username")
        password = st.text_input("Hasło", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Zaloguj się", type="secondary" if access.oidc else "primary")
    if submitted:
        failed = st.session_state.get("_failed_sign_ins", 0)
        if failed >= MAX_FAILED_ATTEMPTS:
            time.sleep(FAILED_DELAY_S)  # slows guessing from one session; argon2 slows the rest
        identity = store.authenticate(login, password)
        if identity is None:
            st.session_state["_failed_sign_ins"] = failed + 1
            st.error("Nieprawidłowy login lub hasło (albo konto jest nieaktywne).")
            return
        st.session_state.pop("_failed_sign_ins", None)
        st.session_state[keys.SIGNED_IN] = identity
        st.rerun()
    st.caption("Konto zakłada administrator: python -m cwd users add LOGIN --name \"Imię Nazwisko\" "
               "--rola oceniajacy. Po odświeżeniu strony (F5) zaloguj się ponownie – otworzy się ten sam nabór.")


def sign_out(access: Access) -> None:
    st.session_state.pop(keys.SIGNED_IN, None)
    if access.identity is not None and access.identity.source == "oidc":
        # st.logout() queues the browser's redirect to /auth/logout (which deletes the identity
        # cookie and ends the provider's session); a rerun would clear that queue first and leave
        # the cookie, so the next page load would be signed in again. Stop here instead.
        st.logout()
        st.stop()
    st.rerun()
