"""cwd.map.legend: only what is shown, swatches drawn from the map's own styles, text escaped."""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from urllib.parse import unquote

from conftest import BREAKOUT, HOSTILE

from cwd import style
from cwd.checklist import NIEKOMPLETNA, SPELNIA, STATUSES
from cwd.map import MapPartnership, MapTown, MapView, build_update, legend_html
from cwd.map import view as view_module
from cwd.map.legend import LABELS
from cwd.map.styles import CATEGORIES, DRAW_STYLES

NS = "{http://www.w3.org/2000/svg}"


def rows(text: str) -> list[tuple[ET.Element | None, str]]:
    """(swatch SVG, row text) of every legend row."""
    out = []
    for m in re.finditer(r'<div class="cwd-legend-row[^"]*">(.*?)</div>', text):
        row = m.group(1)
        src = re.search(r'src="data:image/svg\+xml,([^"]*)"', row)
        svg = ET.fromstring(unquote(src.group(1))) if src else None
        label = html.unescape(re.sub(r"<[^>]+>", "", row))
        out.append((svg, label))
    return out


def row(text: str, label: str):
    found = [svg for svg, t in rows(text) if label in t]
    assert len(found) == 1, (label, [t for _, t in rows(text)])
    return found[0]


def shapes(svg: ET.Element, tag: str) -> list[dict]:
    return [e.attrib for e in svg.iter(f"{NS}{tag}")]


def base_view(base, **changes) -> MapView:
    args = dict(categories={c: "ztm" if c < "2006" else "poza" for c in base.codes})
    args.update(changes)
    return MapView(**args)


def test_only_shown_categories_and_the_hidden_row_when_something_is_hidden(podlaskie_base):
    text = legend_html(build_update(podlaskie_base, base_view(podlaskie_base)))
    labels = [t for _, t in rows(text)]
    assert style.OSI_LABELS["ztm"] in labels and style.OSI_LABELS["poza"] in labels
    assert style.OSI_LABELS["male_miasto"] not in labels and LABELS["hidden"] not in labels
    some = legend_html(build_update(podlaskie_base, base_view(podlaskie_base, visible={"2001011"})))
    assert LABELS["hidden"] in [t for _, t in rows(some)]
    assert style.OSI_LABELS["poza"] not in [t for _, t in rows(some)]


def test_category_swatches_are_the_drawn_fills(podlaskie_base):
    every = {c: CATEGORIES[i % 5] for i, c in enumerate(podlaskie_base.codes)}
    text = legend_html(build_update(podlaskie_base, base_view(podlaskie_base, categories=every, visible=set(podlaskie_base.codes[:-1]))))
    for k, category in enumerate(CATEGORIES):
        drawn = DRAW_STYLES["gmina"][k]
        assert drawn["fillColor"] == style.OSI_COLORS[category] and drawn["fillOpacity"] == style.FILL_OPACITY
        background, swatch = shapes(row(text, style.OSI_LABELS[category]), "rect")
        assert background["fill"] == DRAW_STYLES["background"] == style.MAP_BACKGROUND
        assert (swatch["fill"], float(swatch["fill-opacity"]), swatch["stroke"], float(swatch["stroke-width"])) == \
            (drawn["fillColor"], drawn["fillOpacity"], drawn["color"], drawn["weight"])
    hidden = shapes(row(text, LABELS["hidden"]), "rect")[1]
    assert (hidden["fill"], hidden["stroke"]) == (style.HIDDEN_FILL, style.HIDDEN_LINE)


def test_partnership_rows_show_colour_and_status_pattern(podlaskie_base):
    ps = [MapPartnership("P01", "Pierwsze", SPELNIA, podlaskie_base.codes[:4]),
          MapPartnership("P02", "Drugie", NIEKOMPLETNA, podlaskie_base.codes[3:8])]
    u = build_update(podlaskie_base, base_view(podlaskie_base, partnerships=ps, all_ids=["P01", "P02", "P03"],
                                              selected="P02"))
    text = legend_html(u)
    colors = style.partnership_colors(["P01", "P02", "P03"])
    for p in ps:
        casing, line = shapes(row(text, f"{p.id} {style.STATUS_SYMBOLS[p.status]} {p.nazwa}"), "line")
        drawn = DRAW_STYLES["outline"][STATUSES.index(p.status)]
        assert line["stroke"] == colors[p.id]
        assert line.get("stroke-dasharray") == style.STATUS_DASH[p.status] == drawn.get("dashArray")
        assert line["stroke-linecap"] == drawn["lineCap"]
        weight = DRAW_STYLES["outlineSelectedWeight"] if p.id == "P02" else drawn["weight"]
        assert float(line["stroke-width"]) in (drawn["weight"], weight)
        assert casing["stroke"] == style.OUTLINE_CASING
    assert "(zaznaczone)" in [t for _, t in rows(text) if "P02" in t][0]
    # the status key lists the two statuses drawn, not the third
    keys = [t for _, t in rows(text) if t.strip() in {f"{style.STATUS_SYMBOLS[s]} {s}" for s in STATUSES}]
    assert keys == [f"{style.STATUS_SYMBOLS[SPELNIA]} {SPELNIA}", f"{style.STATUS_SYMBOLS[NIEKOMPLETNA]} {NIEKOMPLETNA}"]


def test_towns_mstfsg_and_overlaps_only_when_drawn(podlaskie_base):
    plain = [t for _, t in rows(legend_html(build_update(podlaskie_base, base_view(podlaskie_base))))]
    for label in ("mstfsg", "town_small", "town_large", "overlap", "selected_gmina"):
        assert LABELS[label] not in plain
    assert LABELS["powiat"] in plain
    towns = [MapTown("2006011", True, 10_000), MapTown("2061011", False, 290_000)]
    ps = [MapPartnership("A", "a", SPELNIA, ("2006011", "2006032")), MapPartnership("B", "b", SPELNIA, ("2006011",))]
    text = legend_html(build_update(podlaskie_base, base_view(podlaskie_base, towns=towns, show_mstfsg=True,
                                                              partnerships=ps, gmina="2006011")))
    small = shapes(row(text, LABELS["town_small"]), "circle")[0]
    assert (float(small["r"]), small["fill"], small["stroke"], float(small["stroke-width"])) == \
        (style.TOWN_SMALL["radius"], style.TOWN_SMALL["fillColor"], style.TOWN_SMALL["color"], style.TOWN_SMALL["weight"])
    large = shapes(row(text, LABELS["town_large"]), "circle")[0]
    assert (large["fill"], large["stroke"]) == (style.TOWN_LARGE["fillColor"], style.TOWN_LARGE["color"])
    ring = shapes(row(text, LABELS["mstfsg"]), "circle")[0]
    assert (ring["fill"], ring["stroke"], ring["stroke-dasharray"], float(ring["r"])) == \
        ("none", style.MSTFSG["color"], style.MSTFSG["dashArray"], style.MSTFSG["radius"])
    hatch = row(text, LABELS["overlap"])
    lines = shapes(hatch, "line")
    assert {(l["stroke"], float(l["stroke-width"])) for l in lines} == {(style.OVERLAP_COLOR, style.OVERLAP_HATCH["weight"])}
    assert shapes(hatch, "rect")[1]["stroke-dasharray"] == style.OVERLAP_DASH
    assert LABELS["selected_gmina"] in [t for _, t in rows(text)]


def test_names_are_escaped(podlaskie_base):
    ps = [MapPartnership(HOSTILE, HOSTILE, SPELNIA, podlaskie_base.codes[:3]),
          MapPartnership("P2", BREAKOUT, SPELNIA, podlaskie_base.codes[5:7])]
    text = legend_html(build_update(podlaskie_base, base_view(podlaskie_base, partnerships=ps)))
    assert "<img src=x" not in text and "<script" not in text
    assert html.escape(HOSTILE) in text and html.escape(BREAKOUT) in text
    assert text.count("<style>") == 1 and text.count("</style>") == 1


def test_omitted_partnerships_are_said(podlaskie_base, monkeypatch):
    monkeypatch.setattr(view_module, "MAX_MAP_PARTNERSHIPS", 1)
    ps = [MapPartnership(f"P{i}", f"p{i}", SPELNIA, (podlaskie_base.codes[i],)) for i in range(6)]
    text = legend_html(build_update(podlaskie_base, base_view(podlaskie_base, partnerships=ps)), with_css=False)
    assert "5 partnerstw" in text and "<style>" not in text
