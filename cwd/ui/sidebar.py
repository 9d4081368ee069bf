"""The sidebar shared by all pages: data sources, OSI settings, filters, view.

Choices live in widget keys of the entrypoint run, so they survive page switches, and are mirrored
into the URL's query parameters so a view can be shared as a link (URLs are input: validated).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from cwd import filters as flt
from cwd.checklist import STATUSES
from cwd.fmt import count, fmt_date, GMINY
from cwd.register import Register, population_dates
from cwd.style import status_label
from cwd.settings import (
    DEFAULT_REFERENCE_DATE, DEFAULT_THRESHOLD, FUNCTIONAL_AREA_LABELS, OBSZAR_POWIAT_I_SASIEDZI, OsiSettings,
)
from cwd.ui import keys
from cwd.ui.text import md

THRESHOLD_RANGE = (1_000, 100_000)


@dataclass(frozen=True)
class SidebarChoices:
    source: str
    osi: OsiSettings
    filters: flt.Filters
    presentation: bool
    basemap: bool


def _seed_from_query(register: Register, ref_dates: list[date]) -> None:
    """Once per session: take the shared link's choices into the widgets."""
    state = st.session_state
    if state.get(keys.SEEDED):
        return
    state[keys.SEEDED] = True
    q = st.query_params
    lo, hi = THRESHOLD_RANGE
    if (v := q.get("prog", "")).isascii() and v.isdigit() and lo <= int(v) <= hi:
        state[keys.THRESHOLD] = int(v)
    if v := q.get("data"):
        try:
            d = date.fromisoformat(v)
            if d in ref_dates:
                state[keys.REF_DATE] = d
        except ValueError:
            pass
    if q.get("obszar") in FUNCTIONAL_AREA_LABELS:
        state[keys.AREA_MODE] = q["obszar"]
    if q.get("trasa") in flt.ROUTE_FILTERS:
        state[keys.ROUTE] = q["trasa"]
    state[keys.POWIATS] = list(flt.parse_list(q.get("powiat"), register.powiaty.index))
    state[keys.STATUSES] = list(flt.parse_list(q.get("status"), STATUSES))
    state[keys.PRESENTATION] = q.get(keys.Q_PRESENTATION) == "1"
    state[keys.BASEMAP] = q.get("podklad") == "1"


def _write_query() -> None:
    state = st.session_state
    values = {
        "prog": str(state[keys.THRESHOLD]),
        "data": state[keys.REF_DATE].isoformat(),
        "obszar": state[keys.AREA_MODE],
        "trasa": state[keys.ROUTE],
        "powiat": ",".join(state[keys.POWIATS]),
        "status": ",".join(state[keys.STATUSES]),
        "prezentacja": "1" if state[keys.PRESENTATION] else "",
        "podklad": "1" if state[keys.BASEMAP] else "",
    }
    defaults = {"prog": str(DEFAULT_THRESHOLD), "data": DEFAULT_REFERENCE_DATE.isoformat(),
                "obszar": OBSZAR_POWIAT_I_SASIEDZI, "trasa": flt.ROUTE_ALL}
    wanted = {k: v for k, v in values.items() if v and defaults.get(k) != v}
    keep = {k: v for k, v in st.query_params.to_dict().items() if k not in values}
    if {**keep, **wanted} != st.query_params.to_dict():
        st.query_params.from_dict({**keep, **wanted})


def render_nabor(store_error: str | None, nabory: list, access) -> str:
    """The nabór (call) choice at the top of the sidebar, from `?nabor=` (F5 and shared links open
    the same call); returns its id. `nabory`: the store's naborów the person may open."""
    sb = st.sidebar
    sb.markdown("### Nabór")
    by_id = {n.id: n for n in nabory}
    options = list(by_id)
    wanted = st.query_params.get(keys.Q_NABOR)
    state = st.session_state
    if wanted in by_id and state.get(keys.NABOR) != wanted and not state.get("_nabor_seeded"):
        state[keys.NABOR] = wanted  # a link opens its nabór, once; afterwards the widget leads
    state["_nabor_seeded"] = True
    if state.get(keys.NABOR) not in by_id:
        state[keys.NABOR] = wanted if wanted in by_id else options[0]
    nabor_id = sb.selectbox("Nabór", options, key=keys.NABOR, label_visibility="collapsed",
                            format_func=lambda i: by_id[i].name + (" (archiwum)" if by_id[i].archived else ""))
    if st.query_params.get(keys.Q_NABOR) != nabor_id:
        st.query_params[keys.Q_NABOR] = nabor_id
    if store_error:
        sb.error(store_error)
    return nabor_id


def render_person(access) -> bool:
    """Who is signed in, with a sign-out button (True when clicked); a sign-in link when optional."""
    sb = st.sidebar
    if access.identity is not None:
        sb.caption(f"Zalogowano: **{md(access.identity.label)}**")
        return sb.button("Wyloguj", key="_wyloguj")
    if access.required:
        sb.caption("Przeglądasz przykład bez logowania.")
        return False
    sb.caption("Tryb pokazowy: brak kont – dostępny tylko przykładowy nabór (tylko do odczytu).")
    return False


def render_source_notes(data, errors: list[str]) -> None:
    from cwd.fmt import fmt_date

    sb = st.sidebar
    nabor = data.nabor
    stages = nabor.stages
    dates = " · ".join(f"{label} {fmt_date(d)}" for label, d in (
        ("formularze do", stages.forms_deadline), ("decyzja UM", stages.um_decision),
        ("MFiPR ok.", stages.mfipr_announcement)) if d is not None)
    if dates:
        sb.caption(dates)
    for error in errors:
        sb.error(error)
    sb.caption(f"Formularze: {md(data.forms_label)}")
    if data.is_example:
        sb.caption("Wartości kryteriów w przykładzie są **ilustracyjne**; rzeczywiste oceny nie są publiczne.")
    if data.forms.errors:
        sb.warning(f"Plik formularzy ma błędy ({len(data.forms.errors)}) – szczegóły na stronie „Dane”.")
    if data.ztm is None:
        sb.info("Lista OSI ZTM: **nie wczytano**. Przynależność gmin do OSI ZTM jest nieznana "
                "(wczytaj oficjalną listę na stronie „Dane”).")
    elif not data.ztm_usable:
        sb.error(f"Lista OSI ZTM {md(data.ztm_label)} ma błędy i nie jest używana – szczegóły na stronie „Dane”.")
    else:
        sb.success(f"Lista OSI ZTM: {md(data.ztm_label)}, {count(len(data.ztm.codes), GMINY)}.")


def render_settings(register: Register, nabor) -> tuple[OsiSettings, flt.Filters, bool, bool]:
    """The OSI settings (starting from the nabór's own, which the decision records), the filters
    and the view flags."""
    sb = st.sidebar
    state = st.session_state
    ref_dates = list(population_dates(register.miasta))
    own = nabor.settings
    if state.get("_settings_of") != nabor.id:
        # Another nabór: its own settings, unless a shared link's parameters set them (below).
        state["_settings_of"] = nabor.id
        state[keys.THRESHOLD] = own.prog_ludnosci
        state[keys.REF_DATE] = own.data_ludnosci if own.data_ludnosci in ref_dates else ref_dates[-1]
        state[keys.AREA_MODE] = own.obszar_funkcjonalny
    _seed_from_query(register, ref_dates)

    sb.markdown("### Ustawienia OSI")
    lo, hi = THRESHOLD_RANGE
    prog = sb.number_input("Próg ludności małego miasta", min_value=lo, max_value=hi, step=500,
                           key=keys.THRESHOLD, help="Miasto powiatowe jest „małe”, gdy ma nie więcej mieszkańców.")
    ref = sb.selectbox("Stan ludności na dzień", ref_dates, format_func=fmt_date, key=keys.REF_DATE,
                       help="Gdy dla miasta brak liczby z tego dnia, użyta jest najnowsza wcześniejsza.")
    obszar = sb.radio("Obszar funkcjonalny małego miasta", list(FUNCTIONAL_AREA_LABELS),
                      format_func=FUNCTIONAL_AREA_LABELS.get, key=keys.AREA_MODE)
    osi = OsiSettings(prog_ludnosci=int(prog), data_ludnosci=ref, obszar_funkcjonalny=obszar)
    if osi != own:
        sb.caption("Ustawienia różnią się od zapisanych w naborze – decyzja zapisze te, na których ją podjęto.")

    sb.markdown("### Filtry")
    state.setdefault(keys.ROUTE, flt.ROUTE_ALL)
    trasa = sb.selectbox("Trasa OSI", list(flt.ROUTE_FILTERS), format_func=flt.ROUTE_FILTERS.get, key=keys.ROUTE)
    powiaty = sb.multiselect("Powiat", list(register.powiaty.index), format_func=register.label,
                             key=keys.POWIATS, placeholder="wszystkie powiaty", select_all=False)
    # Three options: toggle buttons (one click; no dropdown to open and close) — measured ~100 ms
    # faster from the click to the redrawn map than a multiselect (bench/e2e.py).
    statusy = sb.pills("Status listy sprawdzającej", list(STATUSES), selection_mode="multi", key=keys.STATUSES,
                       format_func=status_label, help="Bez wyboru – wszystkie statusy.") or []
    filters = flt.Filters(trasa=trasa, powiaty=tuple(powiaty), statusy=tuple(statusy))

    sb.markdown("### Widok")
    presentation = sb.toggle("Tryb prezentacji", key=keys.PRESENTATION,
                             help="Bez panelu bocznego, duże napisy – do zrzutów ekranu dla Rady Programowej.")
    basemap = sb.toggle("Podkład OpenStreetMap (wymaga internetu)", key=keys.BASEMAP)
    _write_query()
    return osi, filters, presentation, basemap
