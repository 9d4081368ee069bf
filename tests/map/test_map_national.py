"""The same package on the national layer (2,477 gminas, ../shared/geo/national, read in place)."""
from __future__ import annotations

import pytest
from scenarios import NATIONAL_DIR, national_scenario

from cwd.map import MapView, build_update, legend_html
from cwd.map.base import arc_sides, decode_arcs

pytestmark = pytest.mark.skipif(not (NATIONAL_DIR / "gminy_polska_4326.geojson").exists(),
                                reason="no national layer in ../shared/geo/national")


@pytest.fixture(scope="module")
def scenario():
    return national_scenario()


def test_national_base_holds_every_gmina_once_with_shared_borders(scenario):
    base = scenario["base"]
    assert len(base.codes) == 2477 == len(set(base.codes))
    sides = arc_sides(len(base.payload["a"]), base.payload["r"])
    assert all(len(s) in (1, 2) for s in sides)
    assert sum(len(s) == 2 for s in sides) > 0.9 * len(sides)  # most arcs are borders between two gminas
    assert len(decode_arcs(base.payload)) == len(base.payload["a"])
    assert len(base.js.encode()) < 1_500_000  # measured ≈ 0.5 MB


def test_national_update_with_38_partnerships(scenario):
    base = scenario["base"]
    view = MapView(categories=scenario["categories"], reasons=scenario["reasons"],
                   visible=scenario["filters"]["woj. mazowieckie"], partnerships=scenario["partnerships"])
    u = build_update(base, view)
    assert len(u.payload["c"]) == 2477 and len(u.partnerships) == 38 and u.overlaps > 0
    assert u.hidden == 2477 - len(scenario["filters"]["woj. mazowieckie"])
    assert len(u.json) < 60_000  # measured ≈ 15 KB
    assert legend_html(u).count('class="cwd-legend-row') >= 38
