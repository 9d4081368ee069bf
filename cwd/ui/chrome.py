"""Page chrome shared by all pages: presentation mode and the data notice."""
from __future__ import annotations

import logging
from contextlib import contextmanager

import streamlit as st

from cwd.ui.state import AppState

_PRESENTATION_CSS = """
<style>
section[data-testid="stSidebar"], div[data-testid="stSidebarCollapsedControl"],
header[data-testid="stHeader"], div[data-testid="stToolbar"] { display: none !important; }
.block-container { padding-top: 1.2rem; max-width: 100% !important; }
html, body, [data-testid="stAppViewContainer"] { font-size: 20px; }
h1 { font-size: 2.4rem !important; }
</style>
"""


def apply_chrome(state: AppState) -> None:
    if state.presentation:
        st.markdown(_PRESENTATION_CSS, unsafe_allow_html=True)


def example_notice(state: AppState) -> None:
    """Every view of example data says its criterion values are illustrative."""
    if state.forms_is_example:
        st.caption("ℹ️ Przykładowe formularze: skład rzeczywistych partnerstw wg źródeł publicznych, "
                   "kandydaci „(przykład)” są fikcyjni, a **wartości kryteriów są ilustracyjne**.")


@contextmanager
def guarded():
    """No traceback in the UI: an unexpected error becomes a Polish message; details go to the log.
    Streamlit's own rerun/stop signals are BaseExceptions and pass through untouched."""
    try:
        yield
    except Exception:
        logging.getLogger("cwd").exception("Nieoczekiwany błąd strony")
        st.error("Wystąpił nieoczekiwany błąd i tej części strony nie udało się pokazać. Dane nie zostały "
                 "zmienione. Odśwież stronę; jeśli błąd się powtarza, przekaż administratorowi godzinę "
                 "zdarzenia – szczegóły są w dzienniku serwera.")
