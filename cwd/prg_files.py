"""Finding PRG boundary layers on disk (folders, file and layer names) without loading them, and
the precision their display copies are made at.

Kept apart from cwd.geo so that the app can tell which layers it would read — and whether a cache
made from them is still valid — without importing geopandas.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cwd import paths as _paths

# Visvalingam–Whyatt tolerance (≈ √ of the removed triangle's area, in metres). Chosen for the
# map budget (DESIGN §5: whole Podlaskie map ≤ 150 KB): on ../shared/geo, 150–600 m remove almost
# nothing (3,825 → 3,815 vertices) and the full map is ≈ 174 KB; 1,000 m keeps 2,848 vertices,
# every gmina valid and every border shared, and the map ≈ 145 KB. Shapes get visibly more angular
# only when zoomed in past the regional view.
DEFAULT_TOLERANCE_M = 1000.0
DISPLAY_DECIMALS = 4  # ≈ 7–11 m at Podlaskie's latitude: far below the 1 km simplification

# Names the import writes; `find_layers` accepts these and any gmin*/powiat* file.
IMPORT_NAMES = {"gmina": "gminy", "powiat": "powiaty"}

_VECTOR_SUFFIXES = {".shp": 0, ".gpkg": 0, ".geojson": 1, ".json": 1}

@dataclass(frozen=True)
class LayerPaths:
    """Where the gmina and powiat layers of one folder are (layer name set for multi-layer GeoPackages)."""

    folder: Path
    gminy: Path
    powiaty: Path
    gminy_layer: str | None = None
    powiaty_layer: str | None = None


# --- finding layers ---------------------------------------------------------------------------
def _kind(name: str) -> str | None:
    """'gmina' / 'powiat' from a file or layer name (PRG: gminy, A03_Granice_gmin, powiaty, A02_…)."""
    stem = name.lower()
    if stem.startswith("gmin") or "granice_gmin" in stem:
        return "gmina"
    if stem.startswith("powiat") or "granice_powiat" in stem:
        return "powiat"
    return None


@dataclass(frozen=True)
class _Candidate:
    kind: str
    path: str  # a file path, or a GDAL /vsizip/ path
    layer: str | None
    rank: tuple

    @property
    def label(self) -> str:
        return f"{self.path} (warstwa {self.layer})" if self.layer else self.path


def _gpkg_layers(path: str) -> list[str]:
    try:
        import pyogrio  # only a GeoPackage needs GDAL to list its layers

        return [str(name) for name, _ in pyogrio.list_layers(path)]
    except Exception:  # unreadable file: not a candidate
        return []


def _candidates_in(names: Sequence[tuple[str, str]]) -> list[_Candidate]:
    """Candidates among (display name, GDAL path) pairs of vector files."""
    found = []
    for name, gdal_path in names:
        suffix = Path(name).suffix.lower()
        if suffix not in _VECTOR_SUFFIXES:
            continue
        stem = Path(name).stem
        # Our own import output first, then EPSG:2180 formats before GeoJSON, then by name.
        own = 0 if stem.lower() in IMPORT_NAMES.values() else 1
        if suffix == ".gpkg":
            layers = _gpkg_layers(gdal_path)
            for layer in layers:
                kind = _kind(layer) or (_kind(stem) if len(layers) == 1 else None)
                if kind:
                    found.append(_Candidate(kind, gdal_path, layer, (own, 0, name.lower(), layer)))
        else:
            kind = _kind(stem)
            if kind:
                found.append(_Candidate(kind, gdal_path, None, (own, _VECTOR_SUFFIXES[suffix], name.lower(), "")))
    return found


def _pick(candidates: list[_Candidate]) -> dict[str, _Candidate]:
    best: dict[str, _Candidate] = {}
    for c in sorted(candidates, key=lambda c: c.rank):
        best.setdefault(c.kind, c)
    return best


def _folder_candidates(folder: Path) -> list[_Candidate]:
    if not folder.is_dir():
        return []
    files = sorted(p for p in folder.iterdir() if p.is_file())
    return _candidates_in([(p.name, str(p)) for p in files])


def search_folders(shapes_dir: Path | None = None) -> list[Path]:
    """The folders `find_layers` looks in, in order (operator's folder, shapes/, ../shared/geo)."""
    folders = [Path(shapes_dir)] if shapes_dir else []
    folders += [_paths.SHAPES_DIR, _paths.SHARED_GEO_DIR]
    return list(dict.fromkeys(folders))


def find_layers(shapes_dir: Path | None = None) -> LayerPaths | None:
    """The first searched folder holding both a gmina and a powiat layer (chosen by name).

    Attributes are checked when loading, so a wrongly built layer gets a clear error instead of
    being silently skipped in favour of another folder.
    """
    for folder in search_folders(shapes_dir):
        best = _pick(_folder_candidates(folder))
        if "gmina" in best and "powiat" in best:
            g, p = best["gmina"], best["powiat"]
            return LayerPaths(folder, Path(g.path), Path(p.path), g.layer, p.layer)
    return None
