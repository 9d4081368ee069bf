"""PRG boundary layers: find, load, reproject, simplify (shared borders kept), dissolve, adjacency, import.

Layers follow GUGiK's PRG layout: attribute `JPT_KOD_JE` (TERYT code as text) and `JPT_NAZWA_` (name).
Working CRS is EPSG:2180 (PUWG 1992, as PRG ships); the map gets EPSG:4326 from `to_display`.
"""
from __future__ import annotations

import os
import re
import uuid
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from cwd.prg_files import (  # noqa: F401 - finding layers lives there (no geopandas needed for it)
    _VECTOR_SUFFIXES, DEFAULT_TOLERANCE_M, DISPLAY_DECIMALS, IMPORT_NAMES, LayerPaths, _Candidate, _candidates_in, _folder_candidates, _kind, _pick,
    find_layers, search_folders,
)

WORKING_CRS = "EPSG:2180"
DISPLAY_CRS = "EPSG:4326"
CODE_FIELD = "JPT_KOD_JE"
NAME_FIELD = "JPT_NAZWA_"

_KIND_LABEL = {"gmina": "gmin", "powiat": "powiatów"}
_CODE_PATTERN = {"gmina": re.compile(r"^\d{6}[123]$"), "powiat": re.compile(r"^\d{4}$")}


class BoundariesNotFound(Exception):
    """No usable boundary layers; `str()` is a Polish message for the user."""


class PrgImportError(Exception):
    """The PRG source cannot be imported; `str()` is a Polish message for the user."""


@dataclass(frozen=True, eq=False)
class Boundaries:
    """Gminas (`teryt` 7 digits) and powiats (`teryt` 4 digits) of one voivodeship, EPSG:2180."""

    gminy: gpd.GeoDataFrame
    powiaty: gpd.GeoDataFrame
    source: Path


# --- loading ----------------------------------------------------------------------------------
def _check_voivodeship(wojewodztwo: str) -> str:
    if not re.fullmatch(r"\d{2}", str(wojewodztwo)):
        raise ValueError(f"Kod województwa musi mieć dwie cyfry (np. „20”), podano: {wojewodztwo!r}")
    return str(wojewodztwo)


def _prg_fields(path: str, layer: str | None, error: type[Exception]) -> tuple[str, str, bool]:
    """Actual names of the code and name fields (case-insensitive) and whether the code is text."""
    info = pyogrio.read_info(path, layer=layer)
    fields = [str(f) for f in info["fields"]]
    dtypes = [str(d) for d in info["dtypes"]]
    upper = {f.upper(): f for f in fields}
    shown = f"{path}" + (f" (warstwa {layer})" if layer else "")
    code = upper.get(CODE_FIELD)
    # Shapefiles cut names to 10 characters; other formats may carry the longer JPT_NAZWA_… name.
    name = upper.get(NAME_FIELD) or next((f for f in fields if f.upper().startswith("JPT_NAZWA")), None)
    for wanted, got in ((CODE_FIELD, code), (NAME_FIELD, name)):
        if got is None:
            raise error(
                f"Warstwa {shown} nie ma atrybutu {wanted} wymaganego w układzie PRG "
                f"(znalezione atrybuty: {', '.join(fields) or 'brak'}). "
                "Użyj warstw z Państwowego Rejestru Granic (GUGiK) albo zaimportuj je poleceniem "
                "„python -m cwd shapes import ŚCIEŻKA”."
            )
    return code, name, dtypes[fields.index(code)] == "object"


def _normalise_codes(values: pd.Series, kind: str) -> pd.Series:
    width = 7 if kind == "gmina" else 4
    if pd.api.types.is_numeric_dtype(values):
        # A numeric code field loses leading zeros (voivodeships 02–08).
        return values.astype("Int64").astype(str).str.zfill(width)
    return values.astype(str).str.strip()


def _polygonal(geom):
    """Keep the polygonal part of a repaired geometry (make_valid may add lines or points)."""
    if geom is None or geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else None


def _to_working_crs(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if gdf.crs is None:
        # PRG ships in EPSG:2180; a layer without CRS is assumed to be PRG unless it looks like degrees.
        minx, miny, maxx, maxy = gdf.total_bounds
        looks_geographic = -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90
        gdf = gdf.set_crs(DISPLAY_CRS if looks_geographic else WORKING_CRS)
    if gdf.crs.to_epsg() != 2180:
        gdf = gdf.to_crs(WORKING_CRS)
    return gdf


def _read_prg(path: str, layer: str | None, kind: str, wojewodztwo: str, error: type[Exception]):
    """The layer's units of the voivodeship with all their attributes, EPSG:2180, repaired."""
    code, name, code_is_text = _prg_fields(path, layer, error)
    # Let GDAL filter the national layer instead of loading all of Poland.
    where = f"\"{code}\" LIKE '{wojewodztwo}%'" if code_is_text else None
    gdf = pyogrio.read_dataframe(path, layer=layer, where=where)
    codes = _normalise_codes(gdf[code], kind)
    keep = codes.str.startswith(wojewodztwo) & codes.str.match(_CODE_PATTERN[kind].pattern)
    gdf = gdf.loc[keep.to_numpy()].copy()
    gdf[code] = codes[keep].to_numpy()
    gdf = gdf[~gdf.geometry.isna() & ~gdf.geometry.is_empty]
    if len(gdf):
        gdf = _to_working_crs(gdf)
        invalid = ~gdf.geometry.is_valid
        if invalid.any():
            gdf.loc[invalid, "geometry"] = [_polygonal(g) for g in shapely.make_valid(gdf.geometry[invalid].values)]
    return gdf, code, name


def _units(gdf: gpd.GeoDataFrame, code: str, name: str) -> gpd.GeoDataFrame:
    out = gpd.GeoDataFrame(
        {"teryt": gdf[code].astype(str).to_numpy(), "nazwa": gdf[name].astype(str).to_numpy()},
        geometry=gdf.geometry.to_numpy(), crs=gdf.crs,
    )
    if out["teryt"].duplicated().any():
        # Some PRG editions store a unit in several records.
        out = out.dissolve(by="teryt", aggfunc="first", as_index=False)[["teryt", "nazwa", "geometry"]]
    return out.sort_values("teryt").reset_index(drop=True)


def _not_found_message(folders: list[Path]) -> str:
    listed = "\n".join(f"  – {f}" for f in folders)
    return (
        "Nie znaleziono warstw granic gmin i powiatów (układ PRG: atrybuty JPT_KOD_JE, JPT_NAZWA_).\n"
        f"Przeszukane foldery:\n{listed}\n"
        "Oficjalne granice publikuje GUGiK w Państwowym Rejestrze Granic (PRG) — zestaw "
        "„00_jednostki_administracyjne” (shapefile, EPSG:2180), do pobrania bezpłatnie z serwisu "
        "geoportal.gov.pl (dane do pobrania → Państwowy Rejestr Granic).\n"
        "Zaimportuj go poleceniem:\n"
        "  python -m cwd shapes import ŚCIEŻKA\n"
        "albo wskaż folder z warstwami gmin i powiatów w zmiennej środowiskowej CWD_SHAPES_DIR."
    )


def load_boundaries(wojewodztwo: str = "20", shapes_dir: Path | None = None) -> Boundaries:
    """Gmina and powiat boundaries of the voivodeship from the first folder that has them."""
    wojewodztwo = _check_voivodeship(wojewodztwo)
    found = find_layers(shapes_dir)
    if found is None:
        raise BoundariesNotFound(_not_found_message(search_folders(shapes_dir)))
    layers = {}
    sources = (("gmina", found.gminy, found.gminy_layer), ("powiat", found.powiaty, found.powiaty_layer))
    for kind, path, layer in sources:
        gdf, code, name = _read_prg(str(path), layer, kind, wojewodztwo, BoundariesNotFound)
        if gdf.empty:
            raise BoundariesNotFound(
                f"Warstwa {path} nie zawiera {_KIND_LABEL[kind]} województwa o kodzie {wojewodztwo}. "
                "Zaimportuj PRG dla tego województwa poleceniem „python -m cwd shapes import ŚCIEŻKA” "
                "albo ustaw właściwy folder w CWD_SHAPES_DIR."
            )
        layers[kind] = _units(gdf, code, name)
    return Boundaries(gminy=layers["gmina"], powiaty=layers["powiat"], source=found.folder)


# --- display ----------------------------------------------------------------------------------
def _round_coordinates(geoms: np.ndarray, decimals: int) -> np.ndarray:
    """Round every vertex independently: a vertex shared by neighbours rounds to the same point,
    so shared borders stay shared (set_precision would snap each polygon on its own)."""
    rounded = shapely.transform(geoms, lambda xy: np.round(xy, decimals))
    rounded = shapely.remove_repeated_points(rounded)
    invalid = ~shapely.is_valid(rounded)
    if invalid.any():  # a sliver thinner than the grid: repair only that polygon
        rounded[invalid] = [_polygonal(g) for g in shapely.make_valid(rounded[invalid])]
    return rounded


def to_display(gdf: gpd.GeoDataFrame, tolerance_m: float = DEFAULT_TOLERANCE_M) -> gpd.GeoDataFrame:
    """A copy for the web map: coverage-simplified (shared borders kept), EPSG:4326, 5 decimals."""
    out = gdf
    if out.crs is None or out.crs.is_geographic:
        out = _to_working_crs(out)
    geoms = out.geometry
    if tolerance_m > 0 and len(out):
        geoms = geoms.simplify_coverage(tolerance_m)
    geoms = geoms.to_crs(DISPLAY_CRS)
    rounded = _round_coordinates(geoms.to_numpy(), DISPLAY_DECIMALS)
    return gpd.GeoDataFrame(
        out.drop(columns=out.geometry.name),
        geometry=gpd.GeoSeries(rounded, index=out.index, crs=DISPLAY_CRS),
    )


def display_layers(
    boundaries: Boundaries, tolerance_m: float = DEFAULT_TOLERANCE_M
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Display gminas and powiats that nest exactly: powiats are dissolved from the simplified gminas
    (simplifying the powiat layer on its own would cut corners the gmina layer keeps)."""
    gminy = to_display(boundaries.gminy, tolerance_m)
    names = boundaries.powiaty.set_index("teryt")["nazwa"]
    rows = []
    for code, group in gminy.groupby(gminy["teryt"].str[:4], sort=True):
        rows.append({"teryt": code, "nazwa": names.get(code, code),
                     "geometry": shapely.union_all(group.geometry.to_numpy())})
    powiaty = gpd.GeoDataFrame(rows, columns=["teryt", "nazwa", "geometry"], geometry="geometry", crs=DISPLAY_CRS)
    return gminy, powiaty


# --- topology ---------------------------------------------------------------------------------
def gmina_adjacency(gminy: gpd.GeoDataFrame) -> dict[str, frozenset[str]]:
    """TERYT → TERYTs of gminas sharing a border of positive length (a corner contact does not count)."""
    codes = gminy["teryt"].astype(str).to_numpy()
    geoms = gminy.geometry.to_numpy()
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pair = left < right
    left, right = left[pair], right[pair]
    a, b = geoms[left], geoms[right]
    # DE-9IM: boundaries meet along a line, or (imperfect data) interiors overlap.
    shares = shapely.relate_pattern(a, b, "****1****") | shapely.relate_pattern(a, b, "2********")
    out: dict[str, set[str]] = {c: set() for c in codes}
    for i, j in zip(left[shares], right[shares]):
        out[codes[i]].add(codes[j])
        out[codes[j]].add(codes[i])
    return {c: frozenset(n) for c, n in out.items()}


def dissolve_areas(gminy: gpd.GeoDataFrame, areas: Mapping[str, Sequence[str]]) -> gpd.GeoDataFrame:
    """One row per area key (e.g. partnership id): the union of its gminas; unknown codes are ignored."""
    by_code = dict(zip(gminy["teryt"].astype(str), gminy.geometry))
    rows = []
    for key, codes in areas.items():
        geoms = [by_code[c] for c in dict.fromkeys(map(str, codes)) if c in by_code]
        if geoms:
            rows.append({"id": key, "geometry": shapely.union_all(geoms)})
    return gpd.GeoDataFrame(rows, columns=["id", "geometry"], geometry="geometry", crs=gminy.crs)


# --- import -----------------------------------------------------------------------------------
def _source_candidates(source: Path) -> list[_Candidate]:
    if source.is_dir():
        files = sorted(p for p in source.rglob("*") if p.is_file())
        return _candidates_in([(str(p.relative_to(source)), str(p)) for p in files])
    suffix = source.suffix.lower()
    if suffix == ".zip":
        try:
            with zipfile.ZipFile(source) as z:
                names = sorted(n for n in z.namelist() if not n.endswith("/"))
        except (zipfile.BadZipFile, OSError) as exc:
            raise PrgImportError(f"Plik {source} nie jest poprawnym archiwum ZIP (może być uszkodzony albo mieć "
                                 "niewłaściwe rozszerzenie). Podaj archiwum PRG pobrane z geoportal.gov.pl, "
                                 "folder z rozpakowanymi warstwami albo plik .shp/.gpkg.") from exc
        return _candidates_in([(n, f"/vsizip/{source}/{n}") for n in names])
    if suffix == ".gpkg":
        return _candidates_in([(source.name, str(source))])
    if suffix in _VECTOR_SUFFIXES:
        # One shapefile holds one layer: take its companion layer from the same folder.
        return _folder_candidates(source.parent)
    raise PrgImportError(
        f"Nie rozpoznano formatu {source}. Podaj folder lub archiwum ZIP z PRG, plik shapefile (.shp) "
        "albo GeoPackage (.gpkg)."
    )


def import_prg(source: Path, dest: Path, wojewodztwo: str = "20") -> list[Path]:
    """Copy one voivodeship's gminas and powiats from a national PRG into `dest/gminy.gpkg`,
    `dest/powiaty.gpkg` (EPSG:2180, PRG attributes kept). Both files appear together or not at all."""
    wojewodztwo = _check_voivodeship(wojewodztwo)
    source, dest = Path(source), Path(dest)
    if not source.exists():
        raise PrgImportError(f"Nie ma pliku ani folderu {source}.")
    best = _pick(_source_candidates(source))
    missing = [_KIND_LABEL[k] for k in ("gmina", "powiat") if k not in best]
    if missing:
        raise PrgImportError(
            f"W {source} nie znaleziono warstw PRG {' ani '.join(missing)}. Oczekiwano warstw o nazwach "
            "jak w „00_jednostki_administracyjne” GUGiK: A03_Granice_gmin i A02_Granice_powiatow "
            "albo gminy i powiaty (shapefile lub GeoPackage)."
        )
    frames = {}
    for kind, c in best.items():
        gdf, _, _ = _read_prg(c.path, c.layer, kind, wojewodztwo, PrgImportError)
        if gdf.empty:
            raise PrgImportError(
                f"Warstwa {c.label} nie zawiera {_KIND_LABEL[kind]} województwa o kodzie {wojewodztwo} "
                f"(atrybut {CODE_FIELD} nie zaczyna się od „{wojewodztwo}”)."
            )
        frames[kind] = gdf
    dest.mkdir(parents=True, exist_ok=True)
    written: list[tuple[Path, Path]] = []
    try:
        for kind in ("gmina", "powiat"):
            name = IMPORT_NAMES[kind]
            tmp = dest / f".{name}-{uuid.uuid4().hex}.tmp.gpkg"
            written.append((tmp, dest / f"{name}.gpkg"))
            pyogrio.write_dataframe(frames[kind], tmp, layer=name, driver="GPKG")
        for tmp, final in written:
            os.replace(tmp, final)
    finally:
        for tmp, _ in written:
            tmp.unlink(missing_ok=True)
    return [final for _, final in written]
