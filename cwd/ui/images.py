"""PNG downloads of the map for print and slides (server-side, matplotlib: no internet needed)."""
from __future__ import annotations

from datetime import date, datetime, timezone

import streamlit as st

from cwd.ui import loaders

PRINT_DPI = 300  # print resolution: the 7-inch-wide map is 2 100 px, over 2× its size on screen


def _png(ctx, results, title: str):
    """A callable for st.download_button: runs only when the user clicks (no script context there),
    so everything it needs is taken now."""
    ev = ctx.evaluation
    register, osi_ctx, drawn, illustrative, all_ids = ctx.register, ev.ctx, list(results), ctx.sources.is_example, ev.ids
    call = ctx.nabor.name

    def render() -> bytes:
        from cwd import export

        # Geometry only now: the map page itself never needs geopandas (cwd.geo_cache).
        layers = export.map_layers(register, osi_ctx, loaders.display_layers(), drawn, all_ids)
        spec = export.StaticMap.of(layers, drawn, title=f"{title} – {call}", generated=datetime.now(timezone.utc),
                                   illustrative=illustrative)
        return export.static_map_png(spec, dpi=PRINT_DPI)

    return render


def map_png_buttons(ctx) -> None:
    from cwd.export import KIND_MAP, export_filename

    if ctx.boundaries_note:
        return
    ev = ctx.evaluation
    chosen = [ev.result(pid) for pid in ctx.selection.picks()]
    cols = st.columns(2)
    cols[0].download_button(
        f"Mapa do druku (PNG): pokazane partnerstwa ({len(ctx.view.visible)})",
        _png(ctx, ctx.view.visible, "Partnerstwa JST – województwo podlaskie"),  # dates: printed on the map
        file_name=export_filename(KIND_MAP, date.today(), "png"), mime="image/png", on_click="ignore",
        disabled=not ctx.view.visible,
    )
    cols[1].download_button(
        f"Mapa do druku (PNG): wybrane na stronie „Wybór” ({len(chosen)})",
        _png(ctx, chosen, "Partnerstwa wybrane do pilotażu CWD – województwo podlaskie"),
        file_name=export_filename(KIND_MAP + "_wybrane", date.today(), "png"), mime="image/png",
        on_click="ignore", disabled=not chosen,
    )
