"""cwd.geo on the real Podlaskie PRG boundaries (../shared/geo, read in place) and on literal squares."""
from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely import affinity
from shapely.geometry import box

from cwd import geo, paths
from cwd.register import load_register

SHARED = paths.SHARED_GEO_DIR
BIALYSTOK = "2061011"
KOLNO_MIASTO, KOLNO_GMINA = "2006011", "2006032"


@pytest.fixture(scope="module")
def boundaries() -> geo.Boundaries:
    return geo.load_boundaries(shapes_dir=SHARED)


@pytest.fixture(scope="module")
def adjacency(boundaries) -> dict[str, frozenset[str]]:
    return geo.gmina_adjacency(boundaries.gminy)


@pytest.fixture(scope="module")
def display(boundaries) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    return geo.display_layers(boundaries)


# --- loading ------------------------------------------------------------------------------------
def test_real_boundaries_match_the_register(boundaries):
    reg = load_register()
    assert len(boundaries.gminy) == 118
    assert len(boundaries.powiaty) == 17
    assert set(boundaries.gminy["teryt"]) == set(reg.gminy.index)
    assert set(boundaries.powiaty["teryt"]) == set(reg.powiaty.index)
    assert boundaries.gminy["teryt"].str.fullmatch(r"20\d{5}").all()
    assert boundaries.powiaty["teryt"].str.fullmatch(r"20\d{2}").all()
    assert list(boundaries.gminy.columns) == ["teryt", "nazwa", "geometry"]
    assert boundaries.gminy.crs.to_epsg() == 2180 and boundaries.powiaty.crs.to_epsg() == 2180
    assert boundaries.source == SHARED
    names = dict(zip(boundaries.gminy["teryt"], boundaries.gminy["nazwa"]))
    assert names[BIALYSTOK] == "Białystok"
    assert names["2002133"] == "Wasilków"


def test_geojson_in_4326_is_reprojected_to_2180(tmp_path, boundaries):
    for kind in ("gminy", "powiaty"):
        name = f"{kind}_podlaskie_4326.geojson"
        (tmp_path / name).write_bytes((SHARED / name).read_bytes())
    loaded = geo.load_boundaries(shapes_dir=tmp_path)
    assert loaded.source == tmp_path
    assert loaded.gminy.crs.to_epsg() == 2180
    assert list(loaded.gminy["teryt"]) == list(boundaries.gminy["teryt"])
    # Same place as the shapefile (both come from one source; metres).
    a = loaded.gminy.set_index("teryt").geometry
    b = boundaries.gminy.set_index("teryt").geometry
    assert float(a.centroid.distance(b.centroid).max()) < 5


def test_other_voivodeship_is_not_in_the_shared_layers():
    with pytest.raises(geo.BoundariesNotFound, match="14"):
        geo.load_boundaries("14", shapes_dir=SHARED)


# --- finding layers ------------------------------------------------------------------------------
def _write_pair(folder: Path, gminy: gpd.GeoDataFrame, powiaty: gpd.GeoDataFrame, g_name: str, p_name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pyogrio.write_dataframe(gminy, folder / g_name)
    pyogrio.write_dataframe(powiaty, folder / p_name)


@pytest.fixture(scope="module")
def prg_frames(boundaries):
    """The shared layers with PRG attribute names (as GUGiK ships them)."""
    g = boundaries.gminy.rename(columns={"teryt": geo.CODE_FIELD, "nazwa": geo.NAME_FIELD})
    p = boundaries.powiaty.rename(columns={"teryt": geo.CODE_FIELD, "nazwa": geo.NAME_FIELD})
    return g, p


def test_find_layers_order(tmp_path, monkeypatch, prg_frames):
    g, p = prg_frames
    explicit, shapes = tmp_path / "operator", tmp_path / "shapes"
    shapes.mkdir()
    monkeypatch.setattr(paths, "SHAPES_DIR", shapes)

    # Nothing in shapes/: the shared folder, shapefiles (EPSG:2180) before GeoJSON.
    found = geo.find_layers()
    assert found.folder == SHARED
    assert found.gminy.name == "gminy_podlaskie_2180.shp"
    assert found.powiaty.name == "powiaty_podlaskie_2180.shp"

    # An import in shapes/ wins over the shared folder.
    _write_pair(shapes, g, p, "gminy.gpkg", "powiaty.gpkg")
    found = geo.find_layers()
    assert found.folder == shapes and found.gminy == shapes / "gminy.gpkg"

    # The operator's folder wins over both; PRG names A03_/A02_ are recognised.
    _write_pair(explicit, g, p, "A03_Granice_gmin.shp", "A02_Granice_powiatow.shp")
    found = geo.find_layers(explicit)
    assert found.folder == explicit
    assert found.gminy.name == "A03_Granice_gmin.shp" and found.powiaty.name == "A02_Granice_powiatow.shp"


def test_folder_with_only_a_gmina_layer_does_not_qualify(tmp_path, monkeypatch, prg_frames):
    half = tmp_path / "half"
    half.mkdir()
    pyogrio.write_dataframe(prg_frames[0], half / "Gminy_2020.shp")
    monkeypatch.setattr(paths, "SHAPES_DIR", tmp_path / "missing")
    assert geo.find_layers(half).folder == SHARED


def test_nothing_found_gives_a_polish_explanation(tmp_path, monkeypatch):
    empty_shapes, empty_shared, operator = tmp_path / "shapes", tmp_path / "geo", tmp_path / "operator"
    for d in (empty_shapes, empty_shared, operator):
        d.mkdir()
    monkeypatch.setattr(paths, "SHAPES_DIR", empty_shapes)
    monkeypatch.setattr(paths, "SHARED_GEO_DIR", empty_shared)
    assert geo.find_layers(operator) is None
    with pytest.raises(geo.BoundariesNotFound) as err:
        geo.load_boundaries(shapes_dir=operator)
    text = str(err.value)
    for folder in (operator, empty_shapes, empty_shared):
        assert str(folder) in text
    for needed in ("Nie znaleziono", "GUGiK", "Państwowym Rejestrze Granic", "00_jednostki_administracyjne",
                   "python -m cwd shapes import ŚCIEŻKA", "CWD_SHAPES_DIR"):
        assert needed in text


def test_layer_without_prg_attributes_is_named_in_the_error(tmp_path, prg_frames):
    g, p = prg_frames
    _write_pair(tmp_path, g.rename(columns={geo.CODE_FIELD: "KOD"}), p, "gminy.gpkg", "powiaty.gpkg")
    with pytest.raises(geo.BoundariesNotFound) as err:
        geo.load_boundaries(shapes_dir=tmp_path)
    assert "gminy.gpkg" in str(err.value) and "JPT_KOD_JE" in str(err.value)


# --- display layer ------------------------------------------------------------------------------
def _overlap_area(geoms: np.ndarray) -> float:
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = left < right
    return float(shapely.area(shapely.intersection(geoms[left[keep]], geoms[right[keep]])).sum())


def test_display_layer_is_a_valid_coverage_in_4326_with_rounded_coordinates(display):
    gminy, powiaty = display
    for layer, n in ((gminy, 118), (powiaty, 17)):
        geoms = layer.geometry.to_numpy()
        assert len(layer) == n and layer.crs.to_epsg() == 4326
        assert shapely.is_valid(geoms).all()
        assert set(layer.geom_type) <= {"Polygon", "MultiPolygon"}
        assert shapely.coverage_is_valid(geoms)  # no overlaps, shared edges vertex-for-vertex
        total = float(shapely.area(geoms).sum())
        assert total == pytest.approx(shapely.union_all(geoms).area, rel=1e-9)  # no overlaps …
        assert _overlap_area(geoms) < 1e-12 * total  # … pairwise either
        coords = shapely.get_coordinates(geoms)
        assert np.abs(coords * 1e5 - np.round(coords * 1e5)).max() < 1e-6
        assert 21.5 < coords[:, 0].min() and coords[:, 0].max() < 24.0
        assert 52.2 < coords[:, 1].min() and coords[:, 1].max() < 54.5


def test_display_powiats_nest_in_display_gminas(display):
    gminy, powiaty = display
    for code, geom in zip(powiaty["teryt"], powiaty.geometry):
        members = gminy.geometry[gminy["teryt"].str[:4] == code]
        assert geom.symmetric_difference(shapely.union_all(members.to_numpy())).area < 1e-12


def test_simplification_keeps_every_border_and_the_outline(boundaries, adjacency, display):
    gminy, _ = display
    assert geo.gmina_adjacency(gminy) == adjacency
    # The simplified region covers the same area to within 1 %.
    raw = boundaries.gminy.to_crs(4326).geometry.union_all()
    simplified = gminy.geometry.union_all()
    assert raw.symmetric_difference(simplified).area < 0.01 * raw.area


def test_powiat_layer_simplified_alone_stays_a_coverage(boundaries):
    powiaty = geo.to_display(boundaries.powiaty)
    assert shapely.is_valid(powiaty.geometry.to_numpy()).all()
    assert shapely.coverage_is_valid(powiaty.geometry.to_numpy())


def test_per_polygon_simplify_would_break_the_coverage(boundaries):
    """The check above is able to fail: plain simplify() opens gaps and overlaps between neighbours."""
    naive = boundaries.gminy.geometry.simplify(geo.DEFAULT_TOLERANCE_M).to_numpy()
    assert not shapely.coverage_is_valid(naive)


# --- adjacency ----------------------------------------------------------------------------------
def test_bialystok_neighbours(adjacency):
    reg = load_register()
    neighbours = {reg.name(c) for c in adjacency[BIALYSTOK]}
    assert neighbours == {"Choroszcz", "Dobrzyniewo Duże", "Juchnowiec Kościelny", "Supraśl", "Wasilków", "Zabłudów"}
    assert "2002133" in adjacency[BIALYSTOK]  # Wasilków


def test_kolno_town_is_an_enclave_of_the_rural_gmina(adjacency):
    assert adjacency[KOLNO_MIASTO] == frozenset({KOLNO_GMINA})
    assert KOLNO_MIASTO in adjacency[KOLNO_GMINA]


def test_adjacency_is_symmetric_and_complete(adjacency):
    assert len(adjacency) == 118
    for code, neighbours in adjacency.items():
        assert code not in neighbours
        assert neighbours, code
        for other in neighbours:
            assert code in adjacency[other]


def _squares(**cells) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"teryt": list(cells)}, geometry=[box(x, y, x + 1, y + 1) for x, y in cells.values()], crs="EPSG:2180"
    )


def test_adjacency_on_literal_squares():
    # A B
    # C D      and E touching D only at its corner.
    grid = _squares(A=(0, 1), B=(1, 1), C=(0, 0), D=(1, 0), E=(2, -1))
    adj = geo.gmina_adjacency(grid)
    assert adj["A"] == {"B", "C"}  # A–D meet at one point only
    assert adj["B"] == {"A", "D"}
    assert adj["D"] == {"B", "C"}  # D–E corner contact does not count
    assert adj["E"] == frozenset()


def test_adjacency_from_geojson_literal_with_partial_edge():
    """A shared border shorter than either edge still counts."""
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"teryt": "big"},
             "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]]}},
            {"type": "Feature", "properties": {"teryt": "small"},
             "geometry": {"type": "Polygon", "coordinates": [[[4, 1], [5, 1], [5, 2], [4, 2], [4, 1]]]}},
            {"type": "Feature", "properties": {"teryt": "far"},
             "geometry": {"type": "Polygon", "coordinates": [[[9, 9], [10, 9], [10, 10], [9, 10], [9, 9]]]}},
        ],
    }
    adj = geo.gmina_adjacency(gpd.GeoDataFrame.from_features(collection, crs="EPSG:2180"))
    assert adj == {"big": frozenset({"small"}), "small": frozenset({"big"}), "far": frozenset()}


def test_dissolve_areas_on_literal_squares():
    grid = _squares(A=(0, 1), B=(1, 1), C=(0, 0), D=(1, 0))
    out = geo.dissolve_areas(grid, {"P1": ["A", "B", "9999999"], "P2": [], "P3": ["nieznana"], "P4": ["A", "D", "A"]})
    assert list(out.columns) == ["id", "geometry"]
    assert list(out["id"]) == ["P1", "P4"]
    assert out.crs == grid.crs
    p1, p4 = out.geometry
    assert p1.equals(box(0, 1, 2, 2))
    assert p4.area == pytest.approx(2.0)  # corner-touching squares: two parts, duplicates ignored
    assert len(shapely.get_parts(p4)) == 2


def test_dissolve_real_partnership_area(display):
    gminy, _ = display
    out = geo.dissolve_areas(gminy, {"kolno": [KOLNO_MIASTO, KOLNO_GMINA]})
    (area,) = out.geometry
    assert area.geom_type == "Polygon" and len(area.interiors) == 0  # the enclave is filled
    rural = gminy.geometry[gminy["teryt"] == KOLNO_GMINA].iloc[0]
    assert len(rural.interiors) == 1


# --- import -------------------------------------------------------------------------------------
def _fake_national(prg_frames) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Podlaskie plus a few units of another voivodeship (Mazowieckie, 14) shifted westwards."""
    g, p = prg_frames
    other_g = g.head(3).copy()
    other_g[geo.CODE_FIELD] = ["1401011", "1401022", "1401032"]
    other_g[geo.NAME_FIELD] = ["Obca A", "Obca B", "Obca C"]
    other_g["geometry"] = [affinity.translate(x, -200_000, 0) for x in other_g.geometry]
    other_p = p.head(1).copy()
    other_p[geo.CODE_FIELD] = ["1401"]
    other_p[geo.NAME_FIELD] = ["obcy"]
    other_p["geometry"] = [affinity.translate(x, -200_000, 0) for x in other_p.geometry]
    national_g = pd.concat([other_g, g], ignore_index=True)
    national_p = pd.concat([other_p, p], ignore_index=True)
    national_g["RODZAJ"] = "gmina"
    return gpd.GeoDataFrame(national_g, crs=g.crs), gpd.GeoDataFrame(national_p, crs=p.crs)


def _check_import(written: list[Path], dest: Path) -> None:
    reg = load_register()
    assert written == [dest / "gminy.gpkg", dest / "powiaty.gpkg"]
    assert sorted(f.name for f in dest.iterdir()) == ["gminy.gpkg", "powiaty.gpkg"]  # no temp files left
    gminy = pyogrio.read_dataframe(dest / "gminy.gpkg")
    powiaty = pyogrio.read_dataframe(dest / "powiaty.gpkg")
    assert gminy.crs.to_epsg() == 2180 and powiaty.crs.to_epsg() == 2180
    assert {geo.CODE_FIELD, geo.NAME_FIELD} <= set(gminy.columns)
    assert set(gminy[geo.CODE_FIELD]) == set(reg.gminy.index)
    assert set(powiaty[geo.CODE_FIELD]) == set(reg.powiaty.index)
    loaded = geo.load_boundaries(shapes_dir=dest)
    assert loaded.source == dest and len(loaded.gminy) == 118 and len(loaded.powiaty) == 17


def test_import_prg_shapefile_folder_round_trip(tmp_path, prg_frames):
    national_g, national_p = _fake_national(prg_frames)
    source = tmp_path / "PRG" / "00_jednostki_administracyjne"
    _write_pair(source, national_g, national_p, "A03_Granice_gmin.shp", "A02_Granice_powiatow.shp")
    pyogrio.write_dataframe(national_g.head(2), source / "A05_Granice_jednostek_ewidencyjnych.shp")
    written = geo.import_prg(tmp_path / "PRG", tmp_path / "shapes")
    _check_import(written, tmp_path / "shapes")
    gminy = pyogrio.read_dataframe(tmp_path / "shapes" / "gminy.gpkg")
    assert "RODZAJ" in gminy.columns  # other PRG attributes kept
    # A single .shp of the pair is enough: its companion is taken from the same folder.
    again = geo.import_prg(source / "A03_Granice_gmin.shp", tmp_path / "shapes2")
    _check_import(again, tmp_path / "shapes2")


def test_import_prg_geopackage_in_4326_and_zip(tmp_path, prg_frames):
    national_g, national_p = _fake_national(prg_frames)
    gpkg = tmp_path / "PRG.gpkg"
    pyogrio.write_dataframe(national_g.to_crs(4326), gpkg, layer="A03_Granice_gmin")
    pyogrio.write_dataframe(national_p.to_crs(4326), gpkg, layer="A02_Granice_powiatow", append=True)
    _check_import(geo.import_prg(gpkg, tmp_path / "from_gpkg"), tmp_path / "from_gpkg")

    shp = tmp_path / "shp"
    _write_pair(shp, national_g, national_p, "gminy.shp", "powiaty.shp")
    archive = tmp_path / "PRG_jednostki_administracyjne.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in shp.iterdir():
            z.write(f, f"PRG/{f.name}")
    _check_import(geo.import_prg(archive, tmp_path / "from_zip"), tmp_path / "from_zip")


def test_import_prg_errors_are_polish_and_leave_previous_import(tmp_path, prg_frames):
    national_g, national_p = _fake_national(prg_frames)
    source = tmp_path / "prg"
    _write_pair(source, national_g, national_p, "gminy.shp", "powiaty.shp")
    dest = tmp_path / "shapes"
    geo.import_prg(source, dest)
    before = (dest / "gminy.gpkg").read_bytes()

    with pytest.raises(geo.PrgImportError, match="województwa o kodzie 12"):
        geo.import_prg(source, dest, wojewodztwo="12")
    assert (dest / "gminy.gpkg").read_bytes() == before
    assert sorted(f.name for f in dest.iterdir()) == ["gminy.gpkg", "powiaty.gpkg"]

    unrelated = tmp_path / "inne"
    unrelated.mkdir()
    pyogrio.write_dataframe(national_g.head(1), unrelated / "drogi.shp")
    with pytest.raises(geo.PrgImportError, match="nie znaleziono warstw PRG gmin ani powiatów"):
        geo.import_prg(unrelated, dest)

    with pytest.raises(geo.PrgImportError, match="Nie ma pliku"):
        geo.import_prg(tmp_path / "brak", dest)

    not_a_zip = tmp_path / "PRG.zip"
    not_a_zip.write_bytes(b"to nie jest archiwum")
    with pytest.raises(geo.PrgImportError, match="nie jest poprawnym archiwum ZIP") as refused:
        geo.import_prg(not_a_zip, dest)
    assert "BadZipFile" not in str(refused.value)  # no English exception name reaches the person

    no_code = tmp_path / "bez_kodu"
    _write_pair(no_code, national_g.rename(columns={geo.CODE_FIELD: "KOD"}), national_p, "gminy.shp", "powiaty.shp")
    with pytest.raises(geo.PrgImportError, match="JPT_KOD_JE"):
        geo.import_prg(no_code, dest)
