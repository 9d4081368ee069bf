"""cwd.map.view: the per-rerun update carries the right categories, visibility, statuses, colours,
towns and selection, as safe JSON."""
from __future__ import annotations

import json
from datetime import date

import pytest
from conftest import BREAKOUT, HOSTILE

from cwd import style
from cwd.checklist import NIE_SPELNIA, NIEKOMPLETNA, SPELNIA, STATUSES
from cwd.map import MapPartnership, MapTown, MapView, build_update
from cwd.map import view as view_module
from cwd.map.styles import CATEGORIES
from cwd.map.view import OSM_TILES, script_json

KOLNO_AREA = ("2006011", "2006032", "2007013")
P = [
    MapPartnership("P01", "Pierwsze", SPELNIA, ("2001011", "2001022", "2006011")),
    MapPartnership("P02", HOSTILE, NIEKOMPLETNA, KOLNO_AREA),
    MapPartnership("P03", BREAKOUT, NIE_SPELNIA, ("2062011", "9999999")),  # an unknown code is ignored
]
ALL_IDS = ["P01", "P02", "P03", "P04", "P05"]


def categories(base):
    return {c: CATEGORIES[i % len(CATEGORIES)] for i, c in enumerate(base.codes)}


def view(base, **changes) -> MapView:
    args = dict(categories=categories(base), partnerships=P, all_ids=ALL_IDS)
    args.update(changes)
    return MapView(**args)


def test_categories_one_character_per_gmina_in_base_order(podlaskie_base):
    u = build_update(podlaskie_base, view(podlaskie_base))
    c = u.payload["c"]
    assert len(c) == 118
    assert [CATEGORIES[int(ch)] for ch in c] == [categories(podlaskie_base)[code] for code in podlaskie_base.codes]
    assert u.categories == tuple(CATEGORIES) and u.hidden == 0


def test_filter_hides_gminas_without_changing_the_others(podlaskie_base):
    everything = build_update(podlaskie_base, view(podlaskie_base)).payload["c"]
    two_powiats = {c for c in podlaskie_base.codes if c[:4] in {"2006", "2007"}}
    u = build_update(podlaskie_base, view(podlaskie_base, visible=two_powiats))
    c = u.payload["c"]
    for i, code in enumerate(podlaskie_base.codes):
        assert c[i] == (everything[i] if code in two_powiats else ".")
    assert u.hidden == 118 - len(two_powiats)
    # hidden gminas carry no reason (no tooltip)
    u2 = build_update(podlaskie_base, view(podlaskie_base, visible=two_powiats,
                                           reasons={code: "powód" for code in podlaskie_base.codes}))
    assert {u2.payload["ri"][i] >= 0 for i, code in enumerate(podlaskie_base.codes) if code in two_powiats} == {True}
    assert {u2.payload["ri"][i] for i, code in enumerate(podlaskie_base.codes) if code not in two_powiats} == {-1}
    assert u2.payload["rt"] == ["powód"]  # repeated reasons travel once


def test_unknown_or_missing_category_is_drawn_as_unknown(podlaskie_base):
    cats = categories(podlaskie_base)
    cats["2061011"] = "cos_innego"
    del cats["2062011"]
    c = build_update(podlaskie_base, view(podlaskie_base, categories=cats)).payload["c"]
    unknown = str(CATEGORIES.index("nieznany"))
    assert c[podlaskie_base.index["2061011"]] == c[podlaskie_base.index["2062011"]] == unknown


def test_partnerships_carry_status_colour_members_and_label_point(podlaskie_base):
    u = build_update(podlaskie_base, view(podlaskie_base))
    drawn = {p["id"]: p for p in u.payload["p"]}
    colors = style.partnership_colors(ALL_IDS)
    assert list(drawn) == ["P01", "P02", "P03"]
    for p in P:
        d = drawn[p.id]
        assert STATUSES[d["s"]] == p.status and d["c"] == colors[p.id] and d["n"] == p.nazwa
        assert d["m"] == sorted(podlaskie_base.index[c] for c in p.gminy if c in podlaskie_base.index)
    assert [(e.id, e.status, e.color) for e in u.partnerships] == [(p.id, p.status, colors[p.id]) for p in P]
    assert u.statuses == (SPELNIA, NIEKOMPLETNA, NIE_SPELNIA)
    import shapely

    lat, lon = drawn["P02"]["pt"]
    area = shapely.union_all(podlaskie_base.geometries[drawn["P02"]["m"]])
    assert area.contains(shapely.Point(lon, lat))


def test_a_filter_never_recolours_a_partnership(podlaskie_base):
    only_p03 = build_update(podlaskie_base, view(podlaskie_base, partnerships=[P[2]]))
    assert only_p03.payload["p"][0]["c"] == style.partnership_colors(ALL_IDS)["P03"] != style.PARTNERSHIP_PALETTE[0]
    # without the call's ids, colours follow the drawn ids (sorted)
    alone = build_update(podlaskie_base, view(podlaskie_base, partnerships=[P[2]], all_ids=None))
    assert alone.payload["p"][0]["c"] == style.PARTNERSHIP_PALETTE[0]


def test_overlaps_are_gminas_of_two_drawn_partnerships(podlaskie_base):
    u = build_update(podlaskie_base, view(podlaskie_base))
    assert u.payload["ov"] == [podlaskie_base.index["2006011"]] and u.overlaps == 1
    off = build_update(podlaskie_base, view(podlaskie_base, show_overlaps=False))
    assert off.payload["ov"] == [] and off.overlaps == 0


def test_at_most_max_outlines_and_the_selected_one_always(podlaskie_base, monkeypatch):
    monkeypatch.setattr(view_module, "MAX_MAP_PARTNERSHIPS", 2)
    u = build_update(podlaskie_base, view(podlaskie_base))
    assert [p["id"] for p in u.payload["p"]] == ["P01", "P02"] and u.omitted == 1
    sel = build_update(podlaskie_base, view(podlaskie_base, selected="P03"))
    assert [p["id"] for p in sel.payload["p"]] == ["P01", "P03"] and sel.omitted == 1
    assert sel.payload["sel"] == "P03" and sel.payload["p"][1]["sel"] == 1


def test_partnership_without_gminas_on_this_map_is_counted_not_drawn(podlaskie_base):
    outside = MapPartnership("X1", "Spoza województwa", SPELNIA, ("1465011",))
    u = build_update(podlaskie_base, view(podlaskie_base, partnerships=[*P, outside]))
    assert [p["id"] for p in u.payload["p"]] == ["P01", "P02", "P03"] and u.empty == 1 and u.omitted == 0


def test_unknown_status_is_refused(podlaskie_base):
    with pytest.raises(ValueError, match="status"):
        build_update(podlaskie_base, view(podlaskie_base, partnerships=[MapPartnership("P9", "x", "dobra", ())]))


def test_towns_follow_the_filter_and_the_threshold(podlaskie_base):
    towns = [MapTown("2006011", True, 10_234, date(2019, 6, 30)), MapTown("2061011", False, 297_459, None),
             MapTown("2005011", None)]
    u = build_update(podlaskie_base, view(podlaskie_base, towns=towns, threshold=20_000))
    entries = {podlaskie_base.towns[i].miasto: (kind, text) for i, kind, text in u.payload["tw"]}
    assert entries["Kolno"] == (0, "10\xa0234 mieszk. (30.06.2019) – małe miasto powiatowe (≤ 20\xa0000)")
    assert entries["Białystok"] == (1, "297\xa0459 mieszk. – powyżej progu małego miasta (> 20\xa0000)")
    assert entries["Hajnówka"][0] == 2
    assert (u.small_towns, u.large_towns, u.unknown_towns) == (True, True, True)
    hidden = build_update(podlaskie_base, view(podlaskie_base, towns=towns, visible={"2006011"}))
    assert [podlaskie_base.towns[i].miasto for i, _, _ in hidden.payload["tw"]] == ["Kolno"]
    assert not hidden.large_towns
    off = build_update(podlaskie_base, view(podlaskie_base))
    assert off.payload["tw"] is None and not off.small_towns


def test_mstfsg_only_when_on_and_shown(podlaskie_base):
    assert build_update(podlaskie_base, view(podlaskie_base)).payload["ms"] == []
    on = build_update(podlaskie_base, view(podlaskie_base, show_mstfsg=True))
    assert len(on.payload["ms"]) == 7 and on.mstfsg
    hajnowka = podlaskie_base.index["2005011"]
    some = build_update(podlaskie_base, view(podlaskie_base, show_mstfsg=True, visible={"2005011"}))
    assert [podlaskie_base.mstfsg[i].teryt_gminy for i in some.payload["ms"]] == ["2005011"]
    assert podlaskie_base.payload["ms"][some.payload["ms"][0]]["g"] == hajnowka


def test_selection_basemap_and_presentation(podlaskie_base):
    u = build_update(podlaskie_base, view(podlaskie_base, gmina="2006011", selected="P02", basemap=True, large=True))
    assert u.payload["g"] == podlaskie_base.index["2006011"] and u.gmina_selected
    assert u.payload["sel"] == "P02" and u.payload["osm"] == OSM_TILES and u.payload["big"] == 1
    plain = build_update(podlaskie_base, view(podlaskie_base, gmina="0000000", selected="P77"))
    assert plain.payload["g"] is None and plain.payload["sel"] is None and plain.payload["osm"] is None


def test_update_is_safe_script_json_and_small(podlaskie_base):
    u = build_update(podlaskie_base, view(podlaskie_base, reasons={"2006011": "a & b <i>"}))
    for ch in "<>&_\u2028\u2029":
        assert ch not in u.json
    names = [p["n"] for p in u.payload["p"]]
    assert names == ["Pierwsze", HOSTILE, BREAKOUT]  # raw text: the browser sets textContent
    assert "a & b <i>" in u.payload["rt"]
    assert len(u.json) < 5_000  # no geometry: measured ≈ 1.3 KB for 118 gminas and 3 partnerships
    assert build_update(podlaskie_base, view(podlaskie_base, reasons={"2006011": "a & b <i>"})).json == u.json


def test_script_json_round_trips():
    value = {"n": "x_0 </script> & \u2028 ąę", "k_y": [1, None]}
    text = script_json(value)
    assert json.loads(text) == value
    assert all(ch not in text for ch in "<>&_\u2028")
