"""The map component: cwd.map's base asset served once per process, each rerun's update sent in place
through streamlit-folium's public `st_folium`.

The map script depends only on the base (the boundary layers), so streamlit-folium keeps its iframe
and Leaflet map for every filter, selection or setting; the changes travel in
`feature_group_to_add`. Only the clicked feature comes back (returned_objects), so panning and
zooming do not rerun the page.

Each rerun the page calls:

    spec = map_spec(state, selected=…, gmina=…, show_towns=…, show_mstfsg=…, show_overlaps=…)
    click = show_map_click(spec, height=640)     # MapClick or None (or show_map: properties dict)
    st.html(spec.legend_html)                    # the legend beside the map (show_legend(spec))
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import folium
import streamlit as st

from cwd.map import Base, MapView, Update, build_base, build_map, build_update, legend_html, update_layer
from cwd.map.sources import gmina_facts, map_view, mstfsg_towns, seat_towns
from cwd.ui import loaders
from cwd.ui.assets import ensure_map_assets

MAP_KEY = "mapa_glowna"
RETURNED = ["last_active_drawing"]


@st.cache_resource(show_spinner="Przygotowanie granic mapy…")
def map_base() -> Base | None:
    """The base asset of the operator's boundary layers, built once per process (None: no boundaries),
    or read from the disk cache when the layers did not change (then geopandas is not needed)."""
    from cwd import geo_cache

    key = loaders.geometry_key()
    if (cached := geo_cache.load("map-base", key)) is not None:
        return cached
    gminy, _ = loaders.display_layers()
    if gminy is None:
        return None
    register = loaders.register()
    base = build_base(gminy, facts=gmina_facts(register), towns=seat_towns(register),
                      mstfsg=mstfsg_towns(register))
    geo_cache.save("map-base", key, base)
    return base


def view_from_state(
    state,
    results: Sequence | None = None,
    *,
    selected: str | None = None,
    gmina: str | None = None,
    show_towns: bool = True,
    show_mstfsg: bool = False,
    show_overlaps: bool = True,
) -> MapView:
    """What the map shows for the page's state: gminas by OSI category (the filter's gminas),
    the visible partnerships (or `results`), colours from every partnership of the call.

    `state` is the page's context (cwd.ui.context.PageContext)."""
    ev, view = state.evaluation, state.view
    statuses, visible_gminas, visible = ev.gminas, view.visible_gminas, view.visible
    all_results, ctx, threshold = ev.results, ev.ctx, state.osi.prog_ludnosci
    basemap, large = view.basemap, view.presentation
    return map_view(
        statuses, visible_gminas, visible if results is None else results, [r.id for r in all_results],
        ctx.towns if show_towns else None, threshold, selected=selected, gmina=gmina,
        show_mstfsg=show_mstfsg, show_overlaps=show_overlaps, basemap=basemap, large=large,
    )


@dataclass(frozen=True, eq=False)
class MapSpec:
    """One rerun's map: the base (cached per process) and this rerun's update."""

    base: Base
    update: Update

    @cached_property
    def legend_html(self) -> str:
        return legend_html(self.update)


def map_spec(
    state,
    results: Sequence | None = None,
    *,
    title: str | None = None,  # noqa: ARG001 – the title is the page's (above the map), kept for callers
    show_mstfsg: bool = False,
    selected: str | None = None,
    gmina: str | None = None,
    show_towns: bool = True,
    show_overlaps: bool = True,
) -> MapSpec | None:
    """The map of this rerun (None when there are no boundary layers)."""
    base = map_base()
    if base is None:
        return None
    view = view_from_state(state, results, selected=selected, gmina=gmina, show_towns=show_towns,
                           show_mstfsg=show_mstfsg, show_overlaps=show_overlaps)
    return MapSpec(base, build_update(base, view))


def get_map(spec: MapSpec) -> folium.Map:
    """A fresh map for this rerun (st_folium adds the update's group to the map it is given)."""
    urls = ensure_map_assets(spec.base, st.get_option("server.baseUrlPath") or "")
    return build_map(spec.base, urls)


def folium_component(args: dict):
    """streamlit-folium's public st_folium with these keyword arguments (the seam tests patch:
    under AppTest the component is an unknown element). Imported here, inside a script run: a
    component first imported elsewhere (the start-up thread, cwd.ui.startup) is never registered
    with the server, and its frame then answers 404."""
    from streamlit_folium import st_folium

    return st_folium(**args)


@dataclass(frozen=True)
class MapClick:
    """The feature last clicked on the map. `new`: clicked since the previous rerun (streamlit-folium
    keeps returning the last click on every rerun)."""

    properties: dict
    new: bool

    @property
    def teryt(self) -> str | None:
        """The gmina clicked (a gmina, or a town drawn at its gmina)."""
        value = self.properties.get("teryt")
        return str(value) if value else None

    @property
    def partnerstwo_id(self) -> str | None:
        value = self.properties.get("partnerstwo_id")
        return str(value) if value else None


def pending_click(key: str = MAP_KEY) -> MapClick | None:
    """The click the browser reported for this run, read before the map is built, so the map drawn
    in this same run already highlights what was clicked (streamlit-folium copies its value into
    st.session_state[key] before the script runs)."""
    value = st.session_state.get(key) or {}
    properties = ((value.get("last_active_drawing") if isinstance(value, dict) else None) or {}).get("properties")
    seen_key = f"_{key}_clicked"
    new = bool(properties) and st.session_state.get(seen_key) != properties
    st.session_state[seen_key] = properties
    return MapClick(dict(properties), new) if properties else None


def show_map_click(spec: MapSpec | None, height: int = 640, key: str = MAP_KEY) -> MapClick | None:
    """Draw the map; the last clicked feature (or None)."""
    if spec is None:
        return None
    # render=False: st_folium renders the map itself once more anyway, and that render gives the
    # same header (folium 0.20's Map adds it); the second, whole-figure render only costs ≈ 5 ms.
    args = dict(
        fig=get_map(spec), key=key, height=height, use_container_width=True,
        returned_objects=RETURNED, feature_group_to_add=update_layer(spec.update), render=False,
    )
    out = folium_component(args)
    drawing = (out or {}).get("last_active_drawing") or {}
    properties = drawing.get("properties") or None
    seen_key = f"_{key}_clicked"
    new = properties is not None and st.session_state.get(seen_key) != properties
    st.session_state[seen_key] = properties
    return MapClick(dict(properties), new) if properties else None


def show_map(spec: MapSpec | None, height: int = 640, key: str = MAP_KEY) -> dict | None:
    """Draw the map; return the clicked feature's properties (or None). `teryt` for a gmina or a
    town, `partnerstwo_id` (and `nazwa`, `status`) for a partnership's outline."""
    click = show_map_click(spec, height, key)
    return click.properties if click else None


def show_legend(spec: MapSpec | None) -> None:
    """The legend of what the map draws (render it beside the map)."""
    if spec is not None:
        st.html(spec.legend_html)
