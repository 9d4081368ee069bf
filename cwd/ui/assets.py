"""Offline map assets: Leaflet's JS/CSS from the installed xstatic-leaflet package, served by the app.

Nothing third-party is committed: at start the files are copied from site-packages into
static/vendor/leaflet/ (git-ignored), which Streamlit serves at /app/static/ (server.enableStaticServing).
"""
from __future__ import annotations

import filecmp
import shutil
from functools import lru_cache
from pathlib import Path

from cwd.paths import ROOT

VENDOR_DIR = ROOT / "static" / "vendor" / "leaflet"


@lru_cache(maxsize=1)
def ensure_leaflet_assets() -> Path:
    """Copy leaflet.js, leaflet.css and its images next to the app once per process."""
    from cwd.maps import leaflet_asset_files

    files = leaflet_asset_files()
    VENDOR_DIR.mkdir(parents=True, exist_ok=True)
    for name in ("leaflet.js", "leaflet.css"):
        target = VENDOR_DIR / name
        if not target.exists() or not filecmp.cmp(files[name], target, shallow=False):
            tmp = target.with_suffix(target.suffix + ".tmp")
            shutil.copyfile(files[name], tmp)
            tmp.replace(target)  # atomic: a concurrent page load never sees half a file
    shutil.copytree(files["images"], VENDOR_DIR / "images", dirs_exist_ok=True)
    return VENDOR_DIR


def asset_base_url(base_url_path: str = "") -> str:
    """URL folder under which the browser finds leaflet.js/leaflet.css (same origin as the app)."""
    prefix = "/" + base_url_path.strip("/") if base_url_path.strip("/") else ""
    return f"{prefix}/app/static/vendor/leaflet"
