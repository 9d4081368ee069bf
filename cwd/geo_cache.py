"""A disk cache of what is derived from the boundary layers (gmina adjacency, the web map's base
asset), so that a new server process draws its first map without importing geopandas or reading and
simplifying the layers again.

Entries are named by a fingerprint of everything they are made from: the layer files found (path,
size, modification time), the voivodeship, the register's data files and the source of the code
that derives them. Any change gives a new name; an unreadable entry is rebuilt. Files are written
atomically (temporary file, then rename), so concurrent processes never read half a file.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import uuid
from pathlib import Path

from cwd import paths
from cwd.prg_files import find_layers

CACHE_DIR = paths.ROOT / "var" / "cache"
FORMAT = 1
# Code whose output is cached: a change in any of them must not reuse an old entry.
_CODE = ("geo.py", "prg_files.py", "register.py", "map/base.py", "map/sources.py", "geo_cache.py")


def _stat(path: Path) -> tuple:
    st = path.stat()
    return (str(path.resolve()), st.st_size, st.st_mtime_ns)


def _companions(layer: Path) -> list[Path]:
    """A shapefile is several files (.shp, .dbf, .shx, .prj, .cpg): all of them count."""
    if layer.suffix.lower() != ".shp":
        return [layer]
    return sorted(p for p in layer.parent.glob(layer.stem + ".*") if p.is_file())


def fingerprint(wojewodztwo: str, shapes_dir: Path | None) -> str | None:
    """The name of the cached products for the layers the app would read now (None: no layers)."""
    found = find_layers(shapes_dir)
    if found is None:
        return None
    parts: list = [FORMAT, wojewodztwo, found.gminy_layer, found.powiaty_layer]
    for layer in (Path(found.gminy), Path(found.powiaty)):
        if not layer.exists():  # a GDAL /vsizip/ path or similar: no cache
            return None
        parts += [_stat(p) for p in _companions(layer)]
    parts += [_stat(p) for p in sorted(paths.DATA_DIR.glob("*.csv"))]
    code = Path(__file__).resolve().parent
    parts += [hashlib.sha256((code / name).read_bytes()).hexdigest() for name in _CODE]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def load(kind: str, key: str | None):
    """The cached object, or None (missing, unreadable or from another version)."""
    if key is None:
        return None
    path = CACHE_DIR / f"{kind}-{key}.pickle"
    try:
        with path.open("rb") as f:
            return pickle.load(f)  # our own file, written by save() below (never user input)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError):
        return None


def save(kind: str, key: str | None, value) -> None:
    """Store the object (best effort: a read-only disk only means the next process rebuilds it)."""
    if key is None:
        return
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        tmp = CACHE_DIR / f".{kind}-{key}-{uuid.uuid4().hex}.tmp"
        with tmp.open("wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, CACHE_DIR / f"{kind}-{key}.pickle")
    except OSError:
        pass
