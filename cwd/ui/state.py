"""The sidebar shared by all pages and the state every page reads (AppState).

Choices live in widget keys of the entrypoint script, so they survive page switches, and are
mirrored into the URL's query parameters so a view can be shared as a link.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date

import streamlit as st

from cwd import filters as flt
from cwd.checklist import STATUSES
from cwd.evaluation import PartnershipResult, evaluate_all
from cwd.fmt import fmt_date, fmt_int
from cwd.osi import GminaOsi, OsiContext, build_context, gmina_statuses
from cwd.paths import DATA_DIR
from cwd.register import Register, population_dates
from cwd.settings import (
    DEFAULT_REFERENCE_DATE, DEFAULT_THRESHOLD, FUNCTIONAL_AREA_LABELS, OBSZAR_POWIAT_I_SASIEDZI,
    OperatorSettings, OsiSettings,
)
from cwd.ui import loaders
from cwd.ui.text import md

EXAMPLE_FILE = DATA_DIR / "formularze_przyklad.csv"
SRC_EXAMPLE, SRC_OPERATOR, SRC_UPLOAD = "przyklad", "operator", "wczytany"
UPLOAD_KEY, ZTM_UPLOAD_KEY = "forms_upload", "ztm_upload"  # session keys: (filename, bytes)
SWITCH_TO_UPLOAD = "_switch_to_upload"  # set by Dane: show the uploaded forms from the next run on


@dataclass
class AppState:
    register: Register
    operator: OperatorSettings
    forms: object  # cwd.forms.FormsResult
    forms_label: str
    forms_is_example: bool
    ztm: object | None  # cwd.ztm.ZtmListResult, or None when no list is loaded
    ztm_label: str
    ztm_problems: list  # problems of the loaded ZTM list file (shown on „Dane” even when unusable)
    osi_settings: OsiSettings
    ctx: OsiContext
    results: list[PartnershipResult]
    visible: list[PartnershipResult]
    statuses: dict[str, GminaOsi]
    visible_gminas: set[str]
    filters: flt.Filters
    presentation: bool
    basemap: bool
    boundaries_error: str | None
    notes: list[str] = field(default_factory=list)

    def result(self, pid: str) -> PartnershipResult | None:
        return next((r for r in self.results if r.id == pid), None)


# The state of the current run. Not in st.session_state: a run that ends with st.stop() can bring
# a removed session key back, and a page must never see the state of an earlier run.
_RUN = threading.local()


def app_state() -> AppState:
    """The state computed by app.py in this run (pages call this)."""
    state = getattr(_RUN, "state", None)
    if state is None:
        _rerun_through_router()
    return state


def forget_state() -> None:
    _RUN.state = None


def _rerun_through_router() -> None:
    """Streamlit runs a page script directly, without app.py, while its legacy `pages/` mode is
    on: in a fresh server until the router has called st.navigation once, and in AppTest on every
    run after the first. Switch the mode off and rerun, so app.py (router and sidebar) runs."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    st.rerun()


# --- query parameters ---------------------------------------------------------------------
_QP = {  # widget key -> query parameter
    "w_prog": "prog", "w_data": "data", "w_obszar": "obszar", "w_trasa": "trasa",
    "w_powiaty": "powiat", "w_statusy": "status", "w_prezentacja": "prezentacja", "w_podklad": "podklad",
}


def _seed_from_query(register: Register, ref_dates: list[date]) -> None:
    """Once per session: take the shared link's choices into the widgets (validated: URLs are input)."""
    if st.session_state.get("_seeded"):
        return
    st.session_state["_seeded"] = True
    q = st.query_params
    if (v := q.get("prog", "")).isascii() and v.isdigit() and 1_000 <= int(v) <= 100_000:
        st.session_state["w_prog"] = int(v)
    if v := q.get("data"):
        try:
            d = date.fromisoformat(v)
            if d in ref_dates:
                st.session_state["w_data"] = d
        except ValueError:
            pass
    if q.get("obszar") in FUNCTIONAL_AREA_LABELS:
        st.session_state["w_obszar"] = q["obszar"]
    if q.get("trasa") in flt.ROUTE_FILTERS:
        st.session_state["w_trasa"] = q["trasa"]
    st.session_state["w_powiaty"] = list(flt.parse_list(q.get("powiat"), register.powiaty.index))
    st.session_state["w_statusy"] = list(flt.parse_list(q.get("status"), STATUSES))
    st.session_state["w_prezentacja"] = q.get("prezentacja") == "1"
    st.session_state["w_podklad"] = q.get("podklad") == "1"


def _write_query() -> None:
    values = {
        "prog": str(st.session_state["w_prog"]),
        "data": st.session_state["w_data"].isoformat(),
        "obszar": st.session_state["w_obszar"],
        "trasa": st.session_state["w_trasa"],
        "powiat": ",".join(st.session_state["w_powiaty"]),
        "status": ",".join(st.session_state["w_statusy"]),
        "prezentacja": "1" if st.session_state["w_prezentacja"] else "",
        "podklad": "1" if st.session_state["w_podklad"] else "",
    }
    defaults = {"prog": str(DEFAULT_THRESHOLD), "data": DEFAULT_REFERENCE_DATE.isoformat(),
                "obszar": OBSZAR_POWIAT_I_SASIEDZI, "trasa": flt.ROUTE_ALL}
    wanted = {k: v for k, v in values.items() if v and defaults.get(k) != v}
    keep = {k: v for k, v in st.query_params.to_dict().items() if k not in values}
    if {**keep, **wanted} != st.query_params.to_dict():
        st.query_params.from_dict({**keep, **wanted})


# --- data sources --------------------------------------------------------------------------
def _forms(register: Register, operator: OperatorSettings, choice: str):
    """(FormsResult, label, is_example)."""
    if choice == SRC_UPLOAD and UPLOAD_KEY in st.session_state:
        name, data = st.session_state[UPLOAD_KEY]
        return loaders.read_forms(data, name), f"wczytany plik „{name}”", False
    if choice == SRC_OPERATOR and operator.forms_path is not None:
        data, error = loaders.read_file_bytes(operator.forms_path)
        if data is not None:
            return loaders.read_forms(data, operator.forms_path.name), f"plik {operator.forms_path.name} (CWD_FORMS)", False
        st.sidebar.error(error)
    data = EXAMPLE_FILE.read_bytes()
    return loaders.read_forms(data, EXAMPLE_FILE.name), "przykładowe formularze (wartości ilustracyjne)", True


def _ztm(operator: OperatorSettings):
    """(ZtmListResult or None, label)."""
    if ZTM_UPLOAD_KEY in st.session_state:
        name, data = st.session_state[ZTM_UPLOAD_KEY]
        return loaders.read_ztm(data, name), f"„{name}”"
    if operator.ztm_path is not None:
        data, error = loaders.read_file_bytes(operator.ztm_path)
        if data is not None:
            return loaders.read_ztm(data, operator.ztm_path.name), f"{operator.ztm_path.name} (CWD_OSI_ZTM)"
        st.sidebar.error(error)
    return None, ""


def build_state() -> AppState:
    """Render the shared sidebar and compute what every page needs."""
    operator = OperatorSettings.from_env()
    register = loaders.register()
    ref_dates = list(population_dates(register.miasta))
    _seed_from_query(register, ref_dates)
    shapes_dir = str(operator.shapes_dir) if operator.shapes_dir else None
    layers, boundaries_error = loaders.boundaries(shapes_dir)
    sb = st.sidebar

    # Data sources
    sb.markdown("### Dane")
    options = [SRC_EXAMPLE]
    if operator.forms_path is not None:
        options.insert(0, SRC_OPERATOR)
    if UPLOAD_KEY in st.session_state:
        options.insert(0, SRC_UPLOAD)
    labels = {
        SRC_EXAMPLE: "przykładowe formularze",
        SRC_OPERATOR: f"plik operatora ({md(operator.forms_path.name) if operator.forms_path else ''})",
        SRC_UPLOAD: f"wczytany plik ({md(st.session_state[UPLOAD_KEY][0]) if UPLOAD_KEY in st.session_state else ''})",
    }
    if st.session_state.pop(SWITCH_TO_UPLOAD, False) and SRC_UPLOAD in options:
        st.session_state["w_zrodlo"] = SRC_UPLOAD  # Dane asked for it: set before the radio exists
    if st.session_state.get("w_zrodlo") not in options:
        st.session_state["w_zrodlo"] = options[0]
    choice = sb.radio("Formularze partnerstw", options, format_func=labels.get, key="w_zrodlo")
    forms, forms_label, is_example = _forms(register, operator, choice)
    if is_example:
        sb.caption("Wartości kryteriów w przykładzie są **ilustracyjne**; rzeczywiste oceny nie są publiczne.")
    if forms.errors:
        sb.warning(f"Plik formularzy ma błędy ({len(forms.errors)}) – szczegóły na stronie „Dane”.")

    ztm, ztm_label = _ztm(operator)
    ztm_codes = None
    ztm_problems = list(ztm.problems) if ztm is not None else []
    if ztm is None:
        sb.info("Lista OSI ZTM: **nie wczytano**. Przynależność gmin do OSI ZTM jest nieznana "
                "(wczytaj oficjalną listę na stronie „Dane”).")
    elif any(p.is_error for p in ztm.problems):
        sb.error(f"Lista OSI ZTM {md(ztm_label)} ma błędy i nie jest używana – szczegóły na stronie „Dane”.")
        ztm = None
    else:
        ztm_codes = ztm.codes
        sb.success(f"Lista OSI ZTM: {md(ztm_label)}, {fmt_int(len(ztm.codes))} gmin.")

    # Settings of the small-town route
    sb.markdown("### Ustawienia OSI")
    st.session_state.setdefault("w_prog", DEFAULT_THRESHOLD)
    st.session_state.setdefault("w_data", DEFAULT_REFERENCE_DATE if DEFAULT_REFERENCE_DATE in ref_dates else ref_dates[-1])
    st.session_state.setdefault("w_obszar", OBSZAR_POWIAT_I_SASIEDZI)
    prog = sb.number_input("Próg ludności małego miasta", min_value=1_000, max_value=100_000, step=500,
                           key="w_prog", help="Miasto powiatowe jest „małe”, gdy ma nie więcej mieszkańców.")
    ref = sb.selectbox("Stan ludności na dzień", ref_dates, format_func=fmt_date, key="w_data",
                       help="Gdy dla miasta brak liczby z tego dnia, użyta jest najnowsza wcześniejsza.")
    obszar = sb.radio("Obszar funkcjonalny małego miasta", list(FUNCTIONAL_AREA_LABELS),
                      format_func=FUNCTIONAL_AREA_LABELS.get, key="w_obszar")
    osi_settings = OsiSettings(prog_ludnosci=int(prog), data_ludnosci=ref, obszar_funkcjonalny=obszar)

    # Filters
    sb.markdown("### Filtry")
    st.session_state.setdefault("w_trasa", flt.ROUTE_ALL)
    trasa = sb.selectbox("Trasa OSI", list(flt.ROUTE_FILTERS), format_func=flt.ROUTE_FILTERS.get, key="w_trasa")
    powiaty = sb.multiselect("Powiat", list(register.powiaty.index), format_func=register.label,
                             key="w_powiaty", placeholder="wszystkie powiaty")
    statusy = sb.multiselect("Status listy sprawdzającej", list(STATUSES), key="w_statusy",
                             placeholder="wszystkie statusy")
    filters = flt.Filters(trasa=trasa, powiaty=tuple(powiaty), statusy=tuple(statusy))

    sb.markdown("### Widok")
    presentation = sb.toggle("Tryb prezentacji", key="w_prezentacja",
                             help="Bez panelu bocznego, duże napisy – do zrzutów ekranu dla Rady Programowej.")
    basemap = sb.toggle("Podkład OpenStreetMap (wymaga internetu)", key="w_podklad")
    _write_query()

    adjacency = loaders.adjacency(shapes_dir)
    ctx = build_context(register, osi_settings, adjacency, ztm_codes)
    assessments = _assessments()
    results = evaluate_all(
        forms.partnerships, register, ctx,
        verified={k: a.values for k, a in assessments.items()},
        comments={k: a.comments for k, a in assessments.items()},
    )
    statuses = gmina_statuses(register, ctx)
    state = AppState(
        register=register, operator=operator, forms=forms, forms_label=forms_label,
        forms_is_example=is_example, ztm=ztm, ztm_label=ztm_label, ztm_problems=ztm_problems, osi_settings=osi_settings, ctx=ctx,
        results=results, visible=flt.visible_partnerships(results, filters), statuses=statuses,
        visible_gminas=flt.visible_gminas(register, statuses, filters), filters=filters,
        presentation=presentation, basemap=basemap, boundaries_error=boundaries_error,
    )
    if boundaries_error:
        state.notes.append(boundaries_error)
    _RUN.state = state
    return state


def _assessments() -> dict:
    """Verified values from the store; the dashboard still works (declared only) if it is down."""
    try:
        return loaders.store().get_all()
    except Exception as exc:  # a database outage must not hide the candidates
        st.sidebar.warning(f"Baza ocen jest niedostępna ({exc.__class__.__name__}); pokazano wartości z formularzy.")
        return {}
