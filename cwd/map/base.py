"""The base layers as one static JS asset: gmina shapes as shared arcs, powiat borders, towns (pure).

The asset is written once per process and loaded by the browser before the map script runs; the
map itself never carries geometry, so the component's arguments stay small on every rerun.

Encoding (TopoJSON-like, read by cwd-map.js and by `decode` here):
- coordinates are integers on a 10^-4 degree grid (cwd.geo.DISPLAY_DECIMALS), as offsets from the
  grid origin `o`;
- every border between two gminas is stored once, as an *arc*: a flat list x0, y0, dx1, dy1, …
  (first point absolute, then differences). A gmina ring is a list of arc references, `~k`
  (= -k-1) meaning arc k reversed. Display layers come from `cwd.geo.display_layers`, whose
  coverage simplification keeps shared borders vertex-for-vertex identical, so both neighbours
  reference the same arc and can never drift apart;
- powiat borders are the arcs whose two sides lie in different powiats (or on the region's edge);
  a partnership's outline is the arcs with exactly one side in its area (built in the browser).
"""
from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import shapely

from cwd.prg_files import DISPLAY_DECIMALS

FORMAT_VERSION = 1
SCALE = 10 ** DISPLAY_DECIMALS
Point = tuple[int, int]


@dataclass(frozen=True)
class BaseTown:
    """A point drawn at a gmina (seat town or MSTFSG town): the gmina's TERYT and the town's name."""

    teryt_gminy: str
    miasto: str
    lat: float | None = None  # None: at the gmina's label point
    lon: float | None = None


@dataclass(frozen=True, eq=False)
class Base:
    """The base asset of one set of display layers. `digest` names its content."""

    digest: str
    js: str  # the asset file: registers the payload as window.cwdBase[digest]
    payload: dict = field(repr=False)
    codes: tuple[str, ...]
    geometries: np.ndarray = field(repr=False)  # shapely, EPSG:4326, in `codes` order
    towns: tuple[BaseTown, ...] = ()
    mstfsg: tuple[BaseTown, ...] = ()

    @cached_property
    def index(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.codes)}

    @cached_property
    def town_index(self) -> dict[str, int]:
        return {t.teryt_gminy: i for i, t in enumerate(self.towns)}

    @cached_property
    def mstfsg_index(self) -> dict[str, int]:
        return {t.teryt_gminy: i for i, t in enumerate(self.mstfsg)}

    @property
    def filename(self) -> str:
        return f"cwd-base-{self.digest}.js"

    @property
    def bounds(self) -> list[list[float]]:
        """[[south, west], [north, east]]."""
        return self.payload["b"]

    @cached_property
    def _label_points(self) -> dict[tuple[int, ...], list[float]]:
        return {}

    def area_label_point(self, indices: Sequence[int]) -> list[float]:
        """[lat, lon] inside the union of these gminas (cached: areas repeat on every rerun)."""
        key = tuple(sorted(set(indices)))
        cache = self._label_points
        if key not in cache:
            if len(cache) > 4096:  # bounded: a long session of edited forms
                cache.clear()
            cache[key] = label_point(shapely.union_all(self.geometries[list(key)]))
        return cache[key]


# --- geometry helpers ---------------------------------------------------------------------------
def label_point(geom) -> list[float]:
    """[lat, lon] of the pole of inaccessibility of the largest part (degrees scaled to metres-ish
    first, so the point sits in the visual middle, not in a longitude-stretched one)."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and not p.is_empty]
    if not parts:
        c = geom.representative_point()
        return [round(c.y, 5), round(c.x, 5)]
    largest = max(parts, key=lambda p: p.area)
    k = math.cos(math.radians(largest.centroid.y))
    scaled = shapely.transform(largest, lambda xy: xy * np.array([k, 1.0]))
    tolerance = max(math.sqrt(scaled.area) / 50, 1e-5)
    try:
        p = shapely.ops.polylabel(scaled, tolerance=tolerance)
    except Exception:  # degenerate polygon: any point inside will do
        p = scaled.representative_point()
    return [round(p.y, 5), round(p.x / k, 5)]


def _rings(geom) -> list[list[list[Point]]]:
    """Polygons → rings → grid points (open rings: the closing point is not repeated)."""
    out = []
    for poly in shapely.get_parts(geom):
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        rings = []
        for ring in (poly.exterior, *poly.interiors):
            xy = np.rint(np.asarray(ring.coords)[:, :2] * SCALE).astype(np.int64)
            pts: list[Point] = []
            for x, y in xy.tolist():
                if not pts or pts[-1] != (x, y):
                    pts.append((x, y))
            if len(pts) > 1 and pts[0] == pts[-1]:
                pts.pop()
            if len(pts) >= 3:
                rings.append(pts)
        if rings:
            out.append(rings)
    return out


def _canonical_closed(ring: list[Point]) -> tuple[Point, ...]:
    """A ring without junctions: start at its smallest point, closed."""
    i = ring.index(min(ring))
    rotated = ring[i:] + ring[:i]
    return tuple(rotated + [rotated[0]])


class _Arcs:
    def __init__(self):
        self.arcs: list[tuple[Point, ...]] = []
        self._ids: dict[tuple[Point, ...], int] = {}

    def ref(self, points: tuple[Point, ...]) -> int:
        if points in self._ids:
            return self._ids[points]
        back = points[::-1]  # a closed arc starts at its smallest point either way round
        if back in self._ids:
            return ~self._ids[back]
        self._ids[points] = len(self.arcs)
        self.arcs.append(points)
        return len(self.arcs) - 1


def build_topology(geometries: Sequence) -> tuple[list[tuple[Point, ...]], list[list[list[list[int]]]]]:
    """(arcs, per gmina: polygons → rings → arc refs) of a polygon coverage on the 10^-4 grid."""
    all_rings = [_rings(g) for g in geometries]
    neighbours: dict[Point, set[Point]] = {}
    for polys in all_rings:
        for rings in polys:
            for ring in rings:
                n = len(ring)
                for k in range(n):
                    p, q = ring[k], ring[(k + 1) % n]
                    neighbours.setdefault(p, set()).add(q)
                    neighbours.setdefault(q, set()).add(p)
    # A junction is where three or more borders meet (or a border meets the region's edge).
    junction = {p for p, ns in neighbours.items() if len(ns) > 2}
    arcs = _Arcs()
    refs: list[list[list[list[int]]]] = []
    for polys in all_rings:
        g_refs = []
        for rings in polys:
            p_refs = []
            for ring in rings:
                cuts = [k for k, p in enumerate(ring) if p in junction]
                if not cuts:
                    p_refs.append([arcs.ref(_canonical_closed(ring))])
                    continue
                start = cuts[0]
                rotated = ring[start:] + ring[:start]
                cut_set = {(k - start) % len(ring) for k in cuts}
                r_refs, current = [], [rotated[0]]
                for p_k in range(1, len(rotated) + 1):
                    p = rotated[p_k % len(rotated)]
                    current.append(p)
                    if p_k % len(rotated) in cut_set:
                        r_refs.append(arcs.ref(tuple(current)))
                        current = [p]
                p_refs.append(r_refs)
            g_refs.append(p_refs)
        refs.append(g_refs)
    return arcs.arcs, refs


def arc_sides(n_arcs: int, refs) -> list[list[int]]:
    """For every arc, the gminas using it (one or two; more only in overlapping input)."""
    sides: list[list[int]] = [[] for _ in range(n_arcs)]
    for gi, polys in enumerate(refs):
        for rings in polys:
            for ring in rings:
                for r in ring:
                    sides[r if r >= 0 else ~r].append(gi)
    return sides


def _encode_arc(points: tuple[Point, ...], origin: Point) -> list[int]:
    out = [points[0][0] - origin[0], points[0][1] - origin[1]]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        out += [x1 - x0, y1 - y0]
    return out


# --- the asset ----------------------------------------------------------------------------------
def _js_literal(payload: dict) -> str:
    return (json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _town_entries(towns: Sequence[BaseTown], index: Mapping[str, int], points: list[list[float]]):
    out, kept = [], []
    for t in towns:
        i = index.get(str(t.teryt_gminy))
        if i is None:
            continue
        where = points[i] if t.lat is None or t.lon is None else [round(float(t.lat), 5), round(float(t.lon), 5)]
        out.append({"g": i, "n": str(t.miasto), "p": where})
        kept.append(t)
    return out, tuple(kept)


def build_base(
    gminy,
    *,
    facts: Mapping[str, Sequence[str]] | None = None,
    towns: Sequence[BaseTown] = (),
    mstfsg: Sequence[BaseTown] = (),
    powiat_of: Callable[[str], str] = lambda code: code[:4],
) -> Base:
    """The base asset of display gminas (GeoDataFrame with `teryt`, `nazwa`, EPSG:4326 geometry,
    e.g. from `cwd.geo.display_layers`).

    `facts`: static tooltip lines per TERYT (type, powiat, population); `towns`/`mstfsg`: points
    drawn at their gmina; `powiat_of`: the powiat of a gmina code (TERYT: its first four digits).
    """
    if gminy.crs is not None and gminy.crs.to_epsg() != 4326:
        gminy = gminy.to_crs("EPSG:4326")
    frame = gminy.sort_values("teryt").reset_index(drop=True)
    codes = tuple(frame["teryt"].astype(str))
    if len(set(codes)) != len(codes):
        raise ValueError("each gmina must appear once in the base layer (duplicate TERYT codes)")
    geoms = frame.geometry.to_numpy()
    names = [str(n) for n in frame["nazwa"]] if "nazwa" in frame else list(codes)

    arcs, refs = build_topology(geoms)
    all_points = [p for a in arcs for p in a]
    origin = (min(p[0] for p in all_points), min(p[1] for p in all_points)) if all_points else (0, 0)
    sides = arc_sides(len(arcs), refs)
    powiat = [powiat_of(c) for c in codes]
    borders = [k for k, s in enumerate(sides)
               if len(s) != 2 or powiat[s[0]] != powiat[s[1]]]
    points = [label_point(g) for g in geoms]
    town_entries, towns_kept = _town_entries(towns, {c: i for i, c in enumerate(codes)}, points)
    mstfsg_entries, mstfsg_kept = _town_entries(mstfsg, {c: i for i, c in enumerate(codes)}, points)
    minx, miny, maxx, maxy = (shapely.total_bounds(geoms) if len(geoms) else (0, 0, 0, 0))

    payload = {
        "v": FORMAT_VERSION,
        "s": SCALE,
        "o": list(origin),
        "a": [_encode_arc(a, origin) for a in arcs],
        "t": list(codes),
        "n": names,
        "r": refs,
        "f": [list(map(str, (facts or {}).get(c, ()))) for c in codes] if facts else None,
        "lp": points,
        "pb": borders,
        "tw": town_entries,
        "ms": mstfsg_entries,
        "b": [[round(float(miny), 5), round(float(minx), 5)], [round(float(maxy), 5), round(float(maxx), 5)]],
    }
    body = _js_literal(payload)
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()[:20]
    js = ("window.cwdBase = window.cwdBase || {};\n"
          f"window.cwdBase[{json.dumps(digest)}] = {body};\n")
    return Base(digest=digest, js=js, payload=payload, codes=codes, geometries=geoms,
                towns=towns_kept, mstfsg=mstfsg_kept)


# --- reading it back (tests, and the twin of cwd-map.js) ------------------------------------------
def decode_arcs(payload: dict) -> list[list[Point]]:
    ox, oy = payload["o"]
    out = []
    for flat in payload["a"]:
        x, y = flat[0] + ox, flat[1] + oy
        pts = [(x, y)]
        for k in range(2, len(flat), 2):
            x, y = x + flat[k], y + flat[k + 1]
            pts.append((x, y))
        out.append(pts)
    return out


def decode_gmina(payload: dict, i: int, arcs: list[list[Point]] | None = None) -> list[list[list[tuple[float, float]]]]:
    """GeoJSON MultiPolygon coordinates of gmina `i` (closed rings, degrees)."""
    arcs = decode_arcs(payload) if arcs is None else arcs
    scale = payload["s"]
    polys = []
    for rings in payload["r"][i]:
        out_rings = []
        for ring in rings:
            pts: list[Point] = []
            for r in ring:
                arc = arcs[r] if r >= 0 else arcs[~r][::-1]
                pts.extend(arc if not pts else arc[1:])
            out_rings.append([(x / scale, y / scale) for x, y in pts])
        polys.append(out_rings)
    return polys
