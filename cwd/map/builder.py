"""The folium side: a tiny map whose script only loads the base (identical for every view of the same
base, so streamlit-folium keeps its iframe), and the per-rerun update as a FeatureGroup (no Streamlit).

streamlit-folium re-evaluates `feature_group_to_add` in place whenever it changes (after removing
the previous group) and then attaches its click handler to every layer, so the update is one call,
`cwdMap.update(<json>, <group>)`, and everything it draws goes into that group.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import folium
from branca.element import MacroElement
from folium.template import Template

from cwd.map.base import Base
from cwd.map.styles import DRAW_STYLES, TEXT
from cwd.map.view import Update, script_json

STATIC_DIR = Path(__file__).resolve().parent / "static"
MAP_JS = "cwd-map.js"
MAP_CSS = "cwd-map.css"
LEGEND_CSS = "cwd-legend.css"


# --- asset files ----------------------------------------------------------------------------------
def leaflet_asset_files() -> dict[str, Path]:
    """leaflet.js, leaflet.css and the images folder of the installed xstatic-leaflet package
    (served by the app: nothing third-party is committed, nothing comes from a CDN)."""
    import xstatic.pkg.leaflet as xleaflet

    base = Path(xleaflet.BASE_DIR)
    return {"leaflet.js": base / "leaflet.js", "leaflet.css": base / "leaflet.css", "images": base / "images"}


def static_files() -> dict[str, Path]:
    """The package's own browser files (served beside Leaflet)."""
    return {name: STATIC_DIR / name for name in (MAP_JS, MAP_CSS)}


@lru_cache(maxsize=None)
def _version(path: Path, mtime_ns: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def file_version(path: Path) -> str:
    """Content hash of a file (part of its URL, so a changed file is never served from a cache)."""
    return _version(path, path.stat().st_mtime_ns)


@dataclass(frozen=True)
class AssetUrls:
    """Where the browser finds the map's files (same origin as the app)."""

    leaflet_js: str
    leaflet_css: str
    base_js: str
    map_js: str
    map_css: str

    @classmethod
    def under(cls, leaflet_dir: str, map_dir: str, base: Base) -> "AssetUrls":
        """URLs below two served folders: Leaflet's and the map's (its files and the base asset)."""
        lf, md = leaflet_dir.rstrip("/"), map_dir.rstrip("/")
        files = static_files()
        return cls(
            leaflet_js=f"{lf}/leaflet.js",
            leaflet_css=f"{lf}/leaflet.css",
            base_js=f"{md}/{base.filename}",
            map_js=f"{md}/{MAP_JS}?v={file_version(files[MAP_JS])}",
            map_css=f"{md}/{MAP_CSS}?v={file_version(files[MAP_CSS])}",
        )


# --- the map and its update -------------------------------------------------------------------------
class _Call(MacroElement):
    """One line of script: `cwdMap.<method>(<parent>, <json>)` (the JS lives in static/cwd-map.js)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "cwdMap.{{ this.method }}({{ this._parent.get_name() }}, {{ this.argument }});"
        "{% endmacro %}"
    )

    def __init__(self, method: str, argument: str):
        super().__init__()
        self._name = "CwdCall"
        self.method = method
        self.argument = argument


def init_options(base: Base, urls: AssetUrls) -> dict:
    """What `cwdMap.init` gets: the base's digest, the drawing styles, the Polish texts. The script
    version is part of it, so a new cwd-map.js starts a fresh map."""
    return {"d": base.digest, "js": urls.map_js, "styles": DRAW_STYLES, "text": TEXT}


def build_map(base: Base, urls: AssetUrls) -> folium.Map:
    """The map: Leaflet, the base asset and cwd-map.js as links, and one init call. Build a fresh one
    per rerun (≈ 1–2 ms): st_folium adds the update's group to the map it is given."""
    (south, west), (north, east) = base.bounds
    m = folium.Map(
        location=[(south + north) / 2, (west + east) / 2], zoom_start=7, tiles=None,
        zoom_control=False, zoom_snap=0.25, zoom_delta=0.5, min_zoom=5, max_zoom=16,
    )
    # Instance attributes: folium's CDN defaults stay untouched for any other map.
    m.default_js = [("leaflet", urls.leaflet_js), ("cwd_base", urls.base_js), ("cwd_map", urls.map_js)]
    m.default_css = [("leaflet_css", urls.leaflet_css), ("cwd_map_css", urls.map_css)]
    _Call("init", script_json(init_options(base, urls))).add_to(m)
    return m


def update_layer(update: Update) -> folium.FeatureGroup:
    """The group streamlit-folium swaps in place on every change; the JS draws into it.
    `group.cwd_update` is the Update it carries (for tests that stand in for the component)."""
    group = folium.FeatureGroup(name="cwd", control=False)
    _Call("update", update.json).add_to(group)
    group.cwd_update = update
    return group
