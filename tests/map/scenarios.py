"""Map scenarios shared by the tests, the harness app and bench/map_update.py (no Streamlit):

- Podlaskie: the real boundaries (../shared/geo), the example forms evaluated by the real rules
  (no ZTM list loaded), the seat towns under the default settings;
- national: the 2,477 gminas of ../shared/geo/national (read in place) with synthetic partnerships.

Each is a dict: base, categories, reasons, partnerships, towns, filters (label → visible gminas).
"""
from __future__ import annotations

from functools import lru_cache

from cwd import geo, paths
from cwd.checklist import STATUSES
from cwd.map import MapPartnership, build_base
from cwd.style import OSI_CATEGORIES

NATIONAL_DIR = paths.SHARED_GEO_DIR / "national"
HOSTILE = {"P01": "<img src=x onerror=alert(1)>", "P02": "</script><script>alert(2)</script>"}
N_NATIONAL_PARTNERSHIPS = 38  # the national pilot had 38 partnerships


@lru_cache(maxsize=1)
def national_layer():
    """The 2,477 gminas as display gminas: `terc`/`name` renamed to `teryt`/`nazwa` (see its README)."""
    import geopandas as gpd

    raw = gpd.read_file(NATIONAL_DIR / "gminy_polska_4326.geojson")
    return geo.to_display(raw.rename(columns={"terc": "teryt", "name": "nazwa"}))


def national_partnerships(codes, n: int = N_NATIONAL_PARTNERSHIPS) -> list[MapPartnership]:
    """`n` partnerships spread over the country, each the gminas of one powiat; every sixth pair
    also shares a gmina (overlaps), statuses in turn."""
    by_powiat: dict[str, list[str]] = {}
    for c in sorted(codes):
        by_powiat.setdefault(c[:4], []).append(c)
    powiats = sorted(by_powiat)
    step = max(1, len(powiats) // n)
    members = [list(by_powiat[powiats[(k * step) % len(powiats)]]) for k in range(n)]
    for k in range(0, n - 1, 6):
        members[k + 1].append(members[k][0])
    return [MapPartnership(f"N{k + 1:02d}", f"Partnerstwo testowe {k + 1} (powiat {m[0][:4]})",
                           STATUSES[k % len(STATUSES)], tuple(m)) for k, m in enumerate(members)]


@lru_cache(maxsize=1)
def national_scenario() -> dict:
    gminy = national_layer()
    base = build_base(gminy)
    codes = base.codes
    categories = {c: OSI_CATEGORIES[int(c) % len(OSI_CATEGORIES)] for c in codes}
    return {
        "base": base,
        "categories": categories,
        "reasons": {c: "przykładowa kategoria (scenariusz krajowy)" for c in codes},
        "partnerships": national_partnerships(codes),
        "towns": None,
        "filters": {"wszystkie gminy": None,
                    "woj. mazowieckie": {c for c in codes if c.startswith("14")},
                    "woj. podlaskie": {c for c in codes if c.startswith("20")}},
    }


@lru_cache(maxsize=2)
def podlaskie_scenario(hostile: bool = False) -> dict:
    from cwd.evaluation import evaluate_all
    from cwd.forms import read_forms
    from cwd.map.sources import gmina_facts, map_partnerships, map_towns, mstfsg_towns, seat_towns
    from cwd.osi import build_context, gmina_statuses
    from cwd.register import load_register
    from cwd.settings import OsiSettings

    register = load_register()
    boundaries = geo.load_boundaries(shapes_dir=paths.SHARED_GEO_DIR)
    gminy, _ = geo.display_layers(boundaries)
    ctx = build_context(register, OsiSettings(), geo.gmina_adjacency(boundaries.gminy), None)
    example = paths.DATA_DIR / "formularze_przyklad.csv"
    results = evaluate_all(read_forms(example.read_bytes(), example.name, register).partnerships, register, ctx)
    partnerships = map_partnerships(results)
    if hostile:
        partnerships = [MapPartnership(p.id, HOSTILE.get(p.id, p.nazwa), p.status, p.gminy) for p in partnerships]
    statuses = gmina_statuses(register, ctx)
    return {
        "base": build_base(gminy, facts=gmina_facts(register), towns=seat_towns(register),
                           mstfsg=mstfsg_towns(register)),
        "categories": {t: g.kategoria for t, g in statuses.items()},
        "reasons": {t: g.opis for t, g in statuses.items()},
        "partnerships": partnerships,
        "towns": map_towns(ctx.towns),
        "filters": {"wszystkie gminy": None,
                    "obszary małych miast": {t for t, g in statuses.items() if g.kategoria == "male_miasto"},
                    "powiat białostocki": {t for t in register.gminy.index if t.startswith("2002")}},
    }
