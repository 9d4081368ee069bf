"""Page chrome shared by all pages: presentation mode and the data notice."""
from __future__ import annotations

import logging
from contextlib import contextmanager

import streamlit as st

from cwd.ui.state import AppState

_PRESENTATION_CSS = """
<style>
section[data-testid="stSidebar"], div[data-testid="stSidebarCollapsedControl"],
header[data-testid="stHeader"], div[data-testid="stToolbar"], [data-testid="stSidebarNav"] { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding-top: 1.2rem !important; max-width: 100% !important; }
[data-testid="stAppViewContainer"] p, [data-testid="stAppViewContainer"] li,
[data-testid="stAppViewContainer"] td, [data-testid="stAppViewContainer"] th { font-size: 1.25rem !important; }
[data-testid="stCaptionContainer"] p { font-size: 1.05rem !important; }
[data-testid="stTable"] td, [data-testid="stTable"] th { font-size: 1.05rem !important; padding: 0.3rem 0.4rem !important; }
h1 { font-size: 2.3rem !important; }
</style>
"""


def apply_chrome(state: AppState) -> None:
    if state.presentation:
        st.markdown(_PRESENTATION_CSS, unsafe_allow_html=True)


def page_title(state: AppState, title: str) -> None:
    """The page title; in presentation mode with the data's reference dates, for screenshots."""
    from cwd.fmt import fmt_date, fmt_int
    from cwd.ui.text import md

    st.title(title)
    if state.presentation:
        ztm = f"lista OSI ZTM: {state.ztm_label}" if state.ztm is not None else "bez listy OSI ZTM"
        st.caption(md(
            f"Województwo podlaskie · ludność gmin: GUS, 31.12.2023 · miasta powiatowe: stan na "
            f"{fmt_date(state.osi_settings.data_ludnosci)}, próg {fmt_int(state.osi_settings.prog_ludnosci)} mieszk."
            f" · {ztm} · formularze: {state.forms_label}"
        ))


def exit_presentation_link(state: AppState) -> None:
    """Presentation mode has no widgets: a plain link leads back (same view, without the flag)."""
    if state.presentation:
        from html import escape
        from urllib.parse import urlencode

        # URL parameters are user input: encoded, then escaped for the attribute.
        params = {k: v for k, v in st.query_params.to_dict().items() if k != "prezentacja"}
        href = escape("?" + urlencode(params), quote=True)
        st.markdown(f"<div style='text-align:right;font-size:0.8rem'><a href=\"{href}\" target='_self'>"
                    "Zakończ tryb prezentacji</a></div>", unsafe_allow_html=True)


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
