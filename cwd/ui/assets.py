"""Offline map assets, served by the app itself (server.enableStaticServing: static/ → /app/static/).

Nothing third-party is committed: at start Leaflet's JS/CSS are copied from the installed
xstatic-leaflet package into static/vendor/leaflet/, the map's own files (cwd/map/static/) and the
base asset of the boundary layers into static/vendor/cwd-map/ (static/vendor/ is git-ignored).
Files are replaced atomically, so a page loading at the same moment never sees half a file.
"""
from __future__ import annotations

import filecmp
import os
import shutil
import threading
import uuid
from functools import lru_cache
from pathlib import Path

from cwd.map.base import Base
from cwd.map.builder import AssetUrls, file_version, leaflet_asset_files, static_files
from cwd.paths import ROOT

STATIC_ROOT = ROOT / "static"
VENDOR_DIR = STATIC_ROOT / "vendor" / "leaflet"
MAP_DIR = STATIC_ROOT / "vendor" / "cwd-map"
_LOCK = threading.Lock()
_DONE: set[tuple] = set()


def _replace(target: Path, data: bytes) -> None:
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def _copy(source: Path, target: Path) -> None:
    if not target.exists() or not filecmp.cmp(source, target, shallow=False):
        _replace(target, source.read_bytes())


@lru_cache(maxsize=1)
def ensure_leaflet_assets() -> Path:
    """Copy leaflet.js, leaflet.css and its images next to the app once per process."""
    files = leaflet_asset_files()
    VENDOR_DIR.mkdir(parents=True, exist_ok=True)
    for name in ("leaflet.js", "leaflet.css"):
        _copy(files[name], VENDOR_DIR / name)
    shutil.copytree(files["images"], VENDOR_DIR / "images", dirs_exist_ok=True)
    return VENDOR_DIR


def ensure_map_assets(base: Base, base_url_path: str = "") -> AssetUrls:
    """Leaflet, cwd-map.js/.css and this base's asset on disk; their URLs. Cheap on every rerun:
    files are written once per (base, file versions) and process."""
    files = static_files()
    key = (base.digest, tuple(file_version(p) for p in files.values()))
    if key not in _DONE:
        with _LOCK:
            if key not in _DONE:
                ensure_leaflet_assets()
                MAP_DIR.mkdir(parents=True, exist_ok=True)
                for name, path in files.items():
                    _copy(path, MAP_DIR / name)
                target = MAP_DIR / base.filename
                if not target.exists():  # named by its content: an existing file is this one
                    _replace(target, base.js.encode("utf-8"))
                _DONE.add(key)
    return AssetUrls.under(asset_base_url(base_url_path), map_base_url(base_url_path), base)


def _prefix(base_url_path: str) -> str:
    return "/" + base_url_path.strip("/") if base_url_path.strip("/") else ""


def asset_base_url(base_url_path: str = "") -> str:
    """URL folder under which the browser finds leaflet.js/leaflet.css (same origin as the app)."""
    return f"{_prefix(base_url_path)}/app/static/vendor/leaflet"


def map_base_url(base_url_path: str = "") -> str:
    """URL folder of cwd-map.js/.css and the base assets."""
    return f"{_prefix(base_url_path)}/app/static/vendor/cwd-map"
