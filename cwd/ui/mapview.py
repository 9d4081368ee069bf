"""The map component: the folium map built once per distinct content, shown with streamlit-folium.

Only the clicked feature comes back from the browser (returned_objects), so panning and zooming
do not rerun the page.
"""
from __future__ import annotations

import copy
import hashlib
import threading
from unittest import mock

import pandas as pd
import streamlit as st
import streamlit_folium
from streamlit_folium import st_folium

from cwd import mapdata
from cwd.ui import loaders
from cwd.ui.assets import asset_base_url, ensure_leaflet_assets
from cwd.ui.state import AppState

MAP_KEY = "mapa_glowna"
RETURNED = ["last_active_drawing"]
# streamlit-folium's component; st_folium turns a map into its arguments (≈ 0.1 s for this map).
_COMPONENT = streamlit_folium._component_func
_CAPTURE_LOCK = threading.Lock()


def _digest(*parts) -> str:
    h = hashlib.sha1()
    for part in parts:
        if isinstance(part, pd.DataFrame):
            h.update(pd.util.hash_pandas_object(part, index=True).to_numpy().tobytes())
            h.update(repr(list(part.columns)).encode())
        else:
            h.update(repr(part).encode())
    return h.hexdigest()


@st.cache_resource(show_spinner=False, max_entries=32)
def _areas(shapes_dir: str | None, key: tuple):
    from cwd.geo import dissolve_areas

    gminy, _ = loaders.display_layers(shapes_dir)
    return dissolve_areas(gminy, dict(key))


@st.cache_resource(show_spinner="Rysowanie mapy…", max_entries=32)
def _build(digest: str, shapes_dir: str | None, _inputs: dict):
    """Built once per distinct content: the digest is the cache key (`_inputs` is not hashed)."""
    from cwd.maps import build_map

    gminy, powiaty = loaders.display_layers(shapes_dir)
    return build_map(gminy, powiaty, **_inputs)


def map_spec(state: AppState, results=None, *, title: str | None = None, show_mstfsg: bool = False) -> dict:
    """Everything the map shows, and a digest of it (the cache key)."""
    results = state.visible if results is None else results
    shapes_dir = str(state.operator.shapes_dir) if state.operator.shapes_dir else None
    areas_key = tuple((r.id, tuple(r.gminy)) for r in results)
    inputs = dict(
        gmina_info=mapdata.gmina_info(state.register, state.statuses, results, state.visible_gminas),
        partnership_areas=_areas(shapes_dir, areas_key) if results else None,
        partnership_info=mapdata.partnership_info(results) if results else None,
        towns=mapdata.towns_frame(state.register, state.ctx),
        mstfsg=mapdata.mstfsg_frame(state.register),
        basemap=state.basemap,
        show_mstfsg=show_mstfsg,
        title=title,
        large_labels=state.presentation,
        asset_base_url=asset_base_url(st.get_option("server.baseUrlPath") or ""),
    )
    # What identifies the drawn content: areas are named by their gminas, frames by their values.
    digest = _digest(shapes_dir, areas_key, *(inputs[k] if isinstance(inputs[k], pd.DataFrame) else inputs[k]
                                               for k in sorted(inputs) if k != "partnership_areas"))
    return {"digest": digest, "shapes_dir": shapes_dir, "inputs": inputs}


def get_map(spec: dict):
    """A fresh copy of the cached map: st_folium renames the elements of the map it is given, and a
    map processed twice references layer variables that no longer exist (blank map)."""
    return copy.deepcopy(_build(spec["digest"], spec["shapes_dir"], spec["inputs"]))


@st.cache_resource(show_spinner=False, max_entries=32)
def _component_args(digest: str, height: int, _spec: dict) -> dict:
    """What st_folium sends to the browser for this map, computed once per map and height.

    st_folium itself does the work (streamlit-folium's own logic, not a copy); its call to the
    component is recorded instead of made, and every rerun replays the recorded arguments."""
    captured: dict = {}

    def record(**kwargs):
        captured.update(kwargs)
        return kwargs.get("default")

    with _CAPTURE_LOCK, mock.patch.object(streamlit_folium, "_component_func", record):
        st_folium(get_map(_spec), key=MAP_KEY, height=height, use_container_width=True,
                  returned_objects=RETURNED, render=False)
    return captured


def folium_component(args: dict):
    """The streamlit-folium component, called with prepared arguments (tests patch this)."""
    return _COMPONENT(**args)


def show_map(spec: dict, height: int = 640) -> dict | None:
    """Draw the map; return the clicked feature's properties (or None)."""
    ensure_leaflet_assets()
    out = folium_component(_component_args(spec["digest"], height, spec))
    drawing = (out or {}).get("last_active_drawing") or {}
    return drawing.get("properties") or None
