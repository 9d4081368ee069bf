"""Mapa: who is eligible, and where — OSI areas, the partnerships by status, one selection for every
page (a click on the map, the search box or the list beside it)."""
import streamlit as st

from cwd.fmt import fmt_date, fmt_int
from cwd.ui import keys
from cwd.ui.chrome import page_title
from cwd.ui.details import details_panel, search_box, status_counts
from cwd.ui.context import page_context
from cwd.ui.mapview import map_spec, pending_click, show_legend, show_map_click
from cwd.ui.text import md

ctx = page_context()
view = ctx.view
page_title(ctx, "Mapa OSI i partnerstw")
status_counts(ctx)

# A click reported by the browser is taken first, so this run's map already shows the selection.
click = pending_click()
if click is not None and click.new:
    if click.partnerstwo_id:
        ctx.selection.set_partnership(click.partnerstwo_id)
        st.session_state[keys.kept("gmina")] = None
    elif click.teryt:
        st.session_state[keys.kept("gmina")] = click.teryt
        owners = [p for p in ctx.evaluation.partnerships_of(click.teryt) if p in ctx.visible_ids]
        if len(owners) == 1:
            ctx.selection.set_partnership(owners[0])

if ctx.boundaries_note:
    st.error(md(ctx.boundaries_note))
    st.stop()

# Presentation: the region is tall, so a narrower map leaves the legend room to fit beside it in two columns.
map_col, side = st.columns([1.15, 1.4] if view.presentation else [3, 1.15])
# The map is drawn first, so its frame starts loading while the rest of the page arrives; the layer
# toggles (drawn beside it below) are read from their state: a change reruns the page anyway.
LAYERS = {"towns": ("w_miasta", True), "overlaps": ("w_kilka", True), "mstfsg": (keys.MSTFSG, False)}
show = {name: bool(st.session_state.get(key, default)) for name, (key, default) in LAYERS.items()}

selected = ctx.selection.partnership()
gmina = st.session_state.get(keys.kept("gmina"))
spec = map_spec(ctx, selected=selected if selected in ctx.visible_ids else None, gmina=gmina,
                show_towns=show["towns"], show_mstfsg=show["mstfsg"], show_overlaps=show["overlaps"])
with map_col:
    show_map_click(spec, height=640)
    if spec is not None and spec.update.omitted:
        st.warning(f"Na mapie narysowano {fmt_int(len(view.visible) - spec.update.omitted)} z "
                   f"{fmt_int(len(view.visible))} partnerstw – zawęź filtry, aby zobaczyć pozostałe.")
    ztm_note = ("Lista OSI ZTM nie jest wczytana – gminy poza obszarami małych miast mają status „nieustalone”."
                if not ctx.sources.ztm_usable else f"Lista OSI ZTM: {md(ctx.sources.ztm_label)}.")
    st.caption(f"{ztm_note} Małe miasta powiatowe: ≤ {fmt_int(ctx.osi.prog_ludnosci)} mieszk. (stan na "
               f"{fmt_date(ctx.osi.data_ludnosci)}). Ludność gmin: GUS, {fmt_date(ctx.register.pop_now_date)}. "
               "Źródło granic: GUGiK PRG.")
    if view.basemap:
        st.caption("Podkład OpenStreetMap wymaga połączenia z internetem; bez niego mapa pokazuje same granice.")
with side:
    if not view.presentation:
        search_box(ctx)
        with st.expander("Warstwy mapy"):
            st.toggle("Miasta powiatowe", value=True, key=LAYERS["towns"][0])
            st.toggle("Gminy w kilku partnerstwach", value=True, key=LAYERS["overlaps"][0])
            st.toggle("Miasta średnie tracące funkcje (MSTFSG, kontekst)", value=False, key=LAYERS["mstfsg"][0])
    show_legend(spec)
    if not view.presentation:
        details_panel(ctx, selected, gmina)

if not view.presentation:
    from cwd.ui.images import map_png_buttons

    map_png_buttons(ctx)
