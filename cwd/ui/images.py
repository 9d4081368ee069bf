"""PNG downloads of the map for print and slides (server-side, matplotlib: no internet needed)."""
from __future__ import annotations

from datetime import date

import streamlit as st

from cwd.fmt import fmt_date
from cwd.ui import loaders
from cwd.ui.state import AppState

PRINT_DPI = 300  # print resolution: the 7-inch-wide map is 2 100 px, over 2× its size on screen


def _png(state: AppState, results, title: str):
    """A callable for st.download_button: runs only when the user clicks (no script context there)."""
    shapes_dir = str(state.operator.shapes_dir) if state.operator.shapes_dir else None
    gminy, powiaty = loaders.display_layers(shapes_dir)
    areas_input = {r.id: r.gminy for r in results}
    names = {r.id: r.partnership.nazwa for r in results}

    def render() -> bytes:
        from cwd.export import static_map_png
        from cwd.geo import dissolve_areas

        return static_map_png(gminy, powiaty, dissolve_areas(gminy, areas_input), names, title=title, dpi=PRINT_DPI)

    return render


def map_png_buttons(state: AppState) -> None:
    from cwd.export import KIND_MAP, export_filename

    if state.boundaries_error:
        return
    ref = fmt_date(state.osi_settings.data_ludnosci)
    chosen = [state.result(pid) for pid in st.session_state.get("_kept_w_wybrane", []) if state.result(pid)]
    cols = st.columns(2)
    cols[0].download_button(
        f"Mapa do druku (PNG): pokazane partnerstwa ({len(state.visible)})",
        _png(state, state.visible, f"Partnerstwa JST – województwo podlaskie (stan na {ref})"),
        file_name=export_filename(KIND_MAP, date.today(), "png"), mime="image/png", on_click="ignore",
        disabled=not state.visible,
    )
    cols[1].download_button(
        f"Mapa do druku (PNG): wybrane na stronie „Wybór” ({len(chosen)})",
        _png(state, chosen, "Partnerstwa wybrane do pilotażu CWD – województwo podlaskie"),
        file_name=export_filename(KIND_MAP + "_wybrane", date.today(), "png"), mime="image/png",
        on_click="ignore", disabled=not chosen,
    )
