"""Page chrome shared by all pages: language, presentation mode, title with data dates, notices."""
from __future__ import annotations

import logging
from contextlib import contextmanager
from html import escape
from urllib.parse import urlencode

import streamlit as st

from cwd.fmt import fmt_date, fmt_int
from cwd.style import ILLUSTRATIVE_MARK
from cwd.ui import keys
from cwd.ui.text import md

# Our own constant script (no user text): Streamlit's page declares lang="en"; screen readers and
# hyphenation need Polish.
_LANG_PL = "<script>document.documentElement.lang = 'pl';</script>"

# The map frame fills the screen below the page's header (the map inside follows its frame), and the
# page starts close to the top: at 1280×720 the whole region is in view.
_PAGE_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 2.2rem !important; padding-bottom: 2rem !important; }
h1 { font-size: 2.1rem !important; padding-top: 0 !important; }
iframe[title="streamlit_folium.st_folium"] { height: max(440px, calc(100vh - 230px)) !important; }
/* Captions readable on white and on the sidebar's grey (WCAG AA 4.5:1; Streamlit's own faded caption is 3.9:1). */
[data-testid="stCaptionContainer"] { color: #5a5a5a !important; opacity: 1 !important; }
/* Elements that only carry a style sheet or the lang script take no row (and no gap) of the page. */
[data-testid="stElementContainer"]:has(> [data-testid="stHtml"] > script:only-child),
[data-testid="stElementContainer"]:has(> [data-testid="stMarkdown"] > div > [data-testid="stMarkdownContainer"] > style:only-child)
  { display: none !important; }
</style>
"""

_PRESENTATION_CSS = """
<style>
section[data-testid="stSidebar"], div[data-testid="stSidebarCollapsedControl"],
header[data-testid="stHeader"], div[data-testid="stToolbar"], [data-testid="stSidebarNav"] { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding-top: 1.2rem !important; max-width: 100% !important; }
[data-testid="stAppViewContainer"] p, [data-testid="stAppViewContainer"] li,
[data-testid="stAppViewContainer"] td, [data-testid="stAppViewContainer"] th { font-size: 1.25rem !important; }
[data-testid="stCaptionContainer"] p { font-size: 1.05rem !important; }
[data-testid="stTable"] td, [data-testid="stTable"] th { font-size: 1.05rem !important; padding: 0.3rem 0.4rem !important;
  white-space: normal !important; }  /* wrap: a table wider than the screen would need a scrollbar */
h1 { font-size: 2.3rem !important; }
/* The map and its legend fit the screen below the title, the data dates and the counts (at 1280×720
   too): the exit link and the watermark take no row, the legend flows in two columns. */
iframe[title="streamlit_folium.st_folium"] { height: max(360px, calc(100vh - 265px)) !important; }
[data-testid="stElementContainer"]:has(.cwd-exit) { position: absolute; top: 0.2rem; right: 1.2rem; width: auto !important; z-index: 5; }
[data-testid="stElementContainer"]:has(.cwd-watermark) { position: absolute; }
.cwd-legend-big { column-count: 2; column-gap: 1.4rem; }
.cwd-legend-big .cwd-legend-title, .cwd-legend-big .cwd-legend-head { break-after: avoid; }
.cwd-legend-big .cwd-legend-row, .cwd-legend-big .cwd-legend-title, .cwd-legend-big .cwd-legend-head { break-inside: avoid; }
.cwd-watermark { position: fixed; right: 1.2rem; bottom: 0.6rem; z-index: 1000; pointer-events: none;
  font: 700 2.2rem/1 "Source Sans Pro", sans-serif; letter-spacing: 0.3rem; color: rgba(170, 51, 119, 0.35); }
</style>
"""


def base_chrome() -> None:
    """What every page needs, the sign-in page too: the Polish language, the page's styles."""
    st.html(_LANG_PL, unsafe_allow_javascript=True)
    st.markdown(_PAGE_CSS, unsafe_allow_html=True)


def apply_chrome(ctx) -> None:
    base_chrome()
    if ctx.view.presentation:
        st.markdown(_PRESENTATION_CSS, unsafe_allow_html=True)
        if ctx.sources.is_example:
            # Decoration for screenshots, faint by design: drawn by CSS and hidden from screen readers; the
            # text under the title says the same in words.
            st.markdown(f'<style>.cwd-watermark::after {{ content: "{ILLUSTRATIVE_MARK}"; }}</style>'
                        '<div class="cwd-watermark" aria-hidden="true"></div>', unsafe_allow_html=True)


def data_dates(ctx) -> str:
    """One line naming the data and its reference dates (presentation titles, exports)."""
    osi = ctx.osi
    ztm = f"lista OSI ZTM: {ctx.sources.ztm_label}" if ctx.sources.ztm_usable else "bez listy OSI ZTM"
    return (f"Nabór: {ctx.nabor.name} · województwo podlaskie · ludność gmin: GUS, "
            f"{fmt_date(ctx.register.pop_now_date)} · miasta "
            f"powiatowe: stan na {fmt_date(osi.data_ludnosci)}, próg {fmt_int(osi.prog_ludnosci)} mieszk."
            f" · {ztm} · formularze: {ctx.sources.forms_label}")


def page_title(ctx, title: str) -> None:
    """The page title; in presentation mode with the data's reference dates, for screenshots."""
    exit_presentation_link(ctx)
    st.title(title)
    if ctx.view.presentation:
        st.caption(md(data_dates(ctx)))
    notices(ctx)


def exit_presentation_link(ctx) -> None:
    """Presentation mode has no widgets: a plain link leads back (same view, without the flag)."""
    if ctx.view.presentation:
        # URL parameters are user input: encoded, then escaped for the attribute.
        params = {k: v for k, v in st.query_params.to_dict().items() if k != keys.Q_PRESENTATION}
        href = escape("?" + urlencode(params), quote=True)
        st.markdown(f"<div class='cwd-exit' style='text-align:right;font-size:0.8rem'><a href=\"{href}\" target='_self'>"
                    "Zakończ tryb prezentacji</a></div>", unsafe_allow_html=True)


def notices(ctx) -> None:
    """What every page says about its data: illustrative values, missing boundaries, the store."""
    line = f"Nabór: **{md(ctx.nabor.name)}**" + (" · tylko do odczytu" if ctx.sources.read_only and not ctx.nabor.demo else "")
    if ctx.sources.is_example:
        line += (" · skład rzeczywistych partnerstw wg źródeł publicznych, kandydaci „(przykład)” są fikcyjni, "
                 "a **wartości kryteriów są ilustracyjne**")
    if not ctx.view.presentation:
        st.caption(line)
    elif ctx.sources.is_example:
        st.caption("Wartości kryteriów są **ilustracyjne** (przykładowe formularze).")
    if ctx.boundaries_note:
        st.warning("**Brak warstw granic gmin.** Obszar funkcjonalny małych miast liczony jest jako sam "
                   "powiat miasta, więc statusy mogą się różnić od liczonych z granicami; mapa jest "
                   "niedostępna. Szczegóły na stronie „Dane”.")


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
