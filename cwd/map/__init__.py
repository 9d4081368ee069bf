"""The web map: base layers as a static asset drawn once, every rerun a small update applied in place.

    base = build_base(gminy, facts=…, towns=…, mstfsg=…)      # once per process (cwd.ui.mapview)
    update = build_update(base, MapView(categories=…, visible=…, partnerships=[…], …))  # every rerun
    m, group = build_map(base, urls), update_layer(update)   # st_folium(m, feature_group_to_add=group)
    html = legend_html(update)                                # beside the map

No Streamlit here; `cwd.ui.mapview` writes the assets and calls st_folium.
"""
from cwd.map.base import Base, BaseTown, build_base
from cwd.map.builder import AssetUrls, build_map, leaflet_asset_files, static_files, update_layer
from cwd.map.legend import legend_html
from cwd.map.view import MapPartnership, MapTown, MapView, Update, build_update

__all__ = [
    "AssetUrls", "Base", "BaseTown", "MapPartnership", "MapTown", "MapView", "Update", "build_base",
    "build_map", "build_update", "leaflet_asset_files", "legend_html", "static_files", "update_layer",
]
