"""cwd.map.base: the base asset keeps shared borders shared, holds every gmina once, reads back exactly."""
from __future__ import annotations

import json
import re

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Polygon, shape

from cwd.map.base import arc_sides, build_base, build_topology, decode_arcs, decode_gmina

# Literal coverage: A and B share the border x=1 (three vertices); C is an enclave inside B.
A = Polygon([(0, 0), (1, 0), (1, 0.5), (1, 1), (0, 1)])
B = Polygon([(1, 0), (2, 0), (2, 1), (1, 1), (1, 0.5)], [[(1.4, 0.4), (1.6, 0.4), (1.6, 0.6), (1.4, 0.6)]])
C = Polygon([(1.4, 0.4), (1.6, 0.4), (1.6, 0.6), (1.4, 0.6)])
LITERAL = gpd.GeoDataFrame({"teryt": ["2001011", "2001022", "2001033"], "nazwa": ["A", "B", "C"]},
                           geometry=[A, B, C], crs="EPSG:4326")


def payload_of(js: str) -> dict:
    body = re.fullmatch(r'window\.cwdBase = window\.cwdBase \|\| \{\};\nwindow\.cwdBase\["([0-9a-f]+)"\] = (.*);\n',
                        js, flags=re.S)
    assert body, js[:200]
    return body.group(1), json.loads(body.group(2))


def test_literal_coverage_shares_borders():
    base = build_base(LITERAL)
    arcs = decode_arcs(base.payload)
    sides = arc_sides(len(arcs), base.payload["r"])
    by_pair = {tuple(sorted(s)) for s in sides}
    assert (0, 1) in by_pair  # A|B: one arc used by both
    assert (1, 2) in by_pair  # B's hole is C's ring: one closed arc
    ab = [a for a, s in zip(arcs, sides) if sorted(s) == [0, 1]]
    assert len(ab) == 1 and len(ab[0]) == 3  # the shared border, its middle vertex included
    assert all(len(s) in (1, 2) for s in sides)
    # each gmina reads back as itself
    for i, geom in enumerate([A, B, C]):
        assert shape({"type": "MultiPolygon", "coordinates": decode_gmina(base.payload, i)}).equals(geom)


def test_reversed_and_rotated_rings_find_the_same_arc():
    # The same square twice, one clockwise from another corner: one closed arc, used twice.
    square = [(0, 0), (1, 0), (1, 1), (0, 1)]
    arcs, refs = build_topology([Polygon(square), Polygon([(1, 1), (1, 0), (0, 0), (0, 1)])])
    assert len(arcs) == 1
    assert {refs[0][0][0][0], refs[1][0][0][0]} == {0, ~0}


def test_every_gmina_once_and_borders_shared(podlaskie_base, podlaskie_display):
    gminy, _ = podlaskie_display
    base, payload = podlaskie_base, podlaskie_base.payload
    assert len(base.codes) == 118 == len(set(base.codes)) == len(payload["r"]) == len(payload["n"])
    assert set(base.codes) == set(gminy["teryt"])
    arcs = decode_arcs(payload)
    sides = arc_sides(len(arcs), payload["r"])
    assert all(len(s) in (1, 2) for s in sides)
    # Every pair of gminas sharing a border of positive length shares one arc in the asset.
    geoms = gminy.set_index("teryt").geometry
    index = base.index
    shared = {tuple(sorted(s)) for s in sides if len(s) == 2}
    for a, b in zip(*shapely.STRtree(geoms.values).query(geoms.values, predicate="intersects")):
        if a < b and shapely.intersection(geoms.values[a], geoms.values[b]).length > 0:
            assert tuple(sorted((index[geoms.index[a]], index[geoms.index[b]]))) in shared
    # One-sided arcs lie on the voivodeship's edge only.
    edge = shapely.union_all(geoms.values).boundary.buffer(1e-6)
    scale = payload["s"]
    for arc, s in zip(arcs, sides):
        if len(s) == 1:
            assert edge.contains(shapely.LineString([(x / scale, y / scale) for x, y in arc]))


def test_gminas_read_back_exactly(podlaskie_base, podlaskie_display):
    gminy, _ = podlaskie_display
    geoms = gminy.set_index("teryt").geometry
    arcs = decode_arcs(podlaskie_base.payload)
    for i, code in enumerate(podlaskie_base.codes):
        back = shape({"type": "MultiPolygon", "coordinates": decode_gmina(podlaskie_base.payload, i, arcs)})
        assert back.equals(geoms[code]), code


def test_powiat_borders_are_the_arcs_between_powiats(podlaskie_base, podlaskie_display):
    _, powiaty = podlaskie_display
    payload = podlaskie_base.payload
    arcs = decode_arcs(payload)
    sides = arc_sides(len(arcs), payload["r"])
    codes = podlaskie_base.codes
    for k in payload["pb"]:
        s = sides[k]
        assert len(s) == 1 or codes[s[0]][:4] != codes[s[1]][:4]
    lines = shapely.union_all([shapely.LineString([(x / 1e4, y / 1e4) for x, y in arcs[k]]) for k in payload["pb"]])
    borders = shapely.union_all(powiaty.geometry.boundary.values)
    assert lines.symmetric_difference(borders).length < 1e-6


def test_asset_is_compact_js_named_by_its_content(podlaskie_base, podlaskie_display, register):
    digest, payload = payload_of(podlaskie_base.js)
    assert digest == podlaskie_base.digest and podlaskie_base.filename == f"cwd-base-{digest}.js"
    assert payload == json.loads(json.dumps(podlaskie_base.payload))
    assert 10_000 < len(podlaskie_base.js.encode()) < 60_000  # measured ≈ 35 KB with tooltip facts
    again = build_base(podlaskie_display[0].sample(frac=1, random_state=1))  # row order does not matter
    assert again.codes == podlaskie_base.codes
    assert again.payload["a"] == podlaskie_base.payload["a"]
    assert "\u2028" not in podlaskie_base.js


def test_towns_and_facts(podlaskie_base):
    payload = podlaskie_base.payload
    assert len(payload["tw"]) == 14 and len(payload["ms"]) == 7
    kolno = podlaskie_base.index["2006011"]
    assert any(t["g"] == kolno and t["n"] == "Kolno" for t in payload["tw"])
    facts = payload["f"][podlaskie_base.index["2061011"]]
    assert facts[0] == "gmina miejska · Białystok (miasto na prawach powiatu)"
    assert re.fullmatch(r"Ludność \(\d\d\.\d\d\.\d{4}\): 291\xa0688", facts[1]), facts


def test_label_points_lie_inside(podlaskie_base):
    for i, (lat, lon) in enumerate(podlaskie_base.payload["lp"]):
        assert podlaskie_base.geometries[i].contains(shapely.Point(lon, lat)), podlaskie_base.codes[i]
    area = [podlaskie_base.index[c] for c in ("2006011", "2006032", "2007013")]
    lat, lon = podlaskie_base.area_label_point(area)
    assert shapely.union_all(podlaskie_base.geometries[area]).contains(shapely.Point(lon, lat))
    assert podlaskie_base.area_label_point(area[::-1]) == [lat, lon]  # cached by the set


def test_duplicate_codes_are_refused():
    with pytest.raises(ValueError, match="duplicate"):
        build_base(gpd.GeoDataFrame({"teryt": ["1", "1"], "nazwa": ["a", "b"]}, geometry=[A, B], crs="EPSG:4326"))


def test_projected_input_is_reprojected(podlaskie_boundaries):
    from cwd import geo

    display = geo.to_display(podlaskie_boundaries.gminy).to_crs("EPSG:2180")
    base = build_base(display)
    (south, west), (north, east) = base.bounds
    assert 52 < south < north < 55 and 21 < west < east < 24.5
