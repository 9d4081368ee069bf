"""cwd.map.builder: the map script is identical for every view of one base, carries no geometry and
no CDN; the update is one call streamlit-folium can forward unchanged."""
from __future__ import annotations

import json
import re

import folium
from conftest import HOSTILE
from streamlit_folium import generate_js_hash, generate_leaflet_string

from cwd.checklist import NIE_SPELNIA, SPELNIA
from cwd.map import AssetUrls, MapPartnership, MapView, build_map, build_update, legend_html, update_layer
from cwd.map.builder import init_options, leaflet_asset_files, static_files
from cwd.map.styles import DRAW_STYLES, TEXT
from cwd.map.view import OSM_TILES

URL_RE = re.compile(r"(?:https?:)?//[A-Za-z0-9.-]+\.[a-z]{2,}")
SVG_NS = "http://www.w3.org/2000/svg"  # an XML namespace name, never fetched


def urls(base):
    return AssetUrls.under("/app/static/vendor/leaflet", "/app/static/vendor/cwd-map", base)


def views(base):
    cats = {c: "ztm" for c in base.codes}
    p1 = MapPartnership("P01", "Pierwsze", SPELNIA, base.codes[:6])
    p2 = MapPartnership("P02", HOSTILE, NIE_SPELNIA, base.codes[4:9])
    return [
        MapView(categories=cats),
        MapView(categories={c: "poza" for c in base.codes}, visible=set(base.codes[:40]), partnerships=[p1, p2],
                selected="P02", gmina=base.codes[3], basemap=True, large=True, show_mstfsg=True),
        MapView(categories=cats, partnerships=[p2], all_ids=["P01", "P02"], show_overlaps=False),
    ]


def test_map_script_is_identical_for_every_view_of_one_base(podlaskie_base):
    scripts, groups = set(), set()
    for v in views(podlaskie_base):
        update = build_update(podlaskie_base, v)
        m = build_map(podlaskie_base, urls(podlaskie_base))
        script = generate_leaflet_string(m)  # what st_folium sends as the map script …
        scripts.add(script)
        groups.add(generate_leaflet_string(update_layer(update), base_id="feature_group_0"))
    assert len(scripts) == 1 and len(groups) == 3
    (script,) = scripts
    # … and what its iframe key is derived from
    assert len({generate_js_hash(s, "mapa", False) for s in scripts}) == 1
    assert script.count("cwdMap.init(map_div, ") == 1
    assert len(script) < 6_000  # no geometry in the script: styles and texts only


def test_another_base_gets_another_script(podlaskie_base, podlaskie_display):
    from cwd.map import build_base

    other = build_base(podlaskie_display[0].iloc[:50])
    a = generate_leaflet_string(build_map(podlaskie_base, urls(podlaskie_base)))
    b = generate_leaflet_string(build_map(other, urls(other)))
    assert a != b and podlaskie_base.digest in a and other.digest in b


def test_init_options_are_the_drawn_styles_and_polish_texts(podlaskie_base):
    options = init_options(podlaskie_base, urls(podlaskie_base))
    assert options["styles"] is DRAW_STYLES and options["text"] is TEXT and options["d"] == podlaskie_base.digest
    m = build_map(podlaskie_base, urls(podlaskie_base))
    script = generate_leaflet_string(m)
    argument = script[script.index("cwdMap.init(map_div, ") + len("cwdMap.init(map_div, "):script.rindex(");")]
    assert json.loads(argument) == json.loads(json.dumps(options))


def test_update_survives_streamlit_folium_renaming(podlaskie_base):
    """streamlit-folium rewrites `_xxx` words of forwarded scripts; names never contain a raw '_'."""
    tricky = "x_feature_group_0 _div _0 map_div " + HOSTILE
    v = MapView(categories={}, partnerships=[MapPartnership("P_1", tricky, SPELNIA, podlaskie_base.codes[:3])])
    update = build_update(podlaskie_base, v)
    group = update_layer(update)
    build_map(podlaskie_base, urls(podlaskie_base)).add_child(group)
    text = generate_leaflet_string(group, base_id="feature_group_0")
    start = text.index("cwdMap.update(feature_group_feature_group_0, ") + len("cwdMap.update(feature_group_feature_group_0, ")
    payload = json.loads(text[start:text.index(");", start)])
    assert payload == update.payload and payload["p"][0]["n"] == tricky and payload["p"][0]["id"] == "P_1"


def test_assets_are_local_and_no_cdn_anywhere(podlaskie_base):
    u = urls(podlaskie_base)
    m = build_map(podlaskie_base, u)
    assert [src for _, src in m.default_js] == [u.leaflet_js, u.base_js, u.map_js]
    assert [href for _, href in m.default_css] == [u.leaflet_css, u.map_css]
    assert all(x.startswith("/app/static/vendor/") for x in (*dict(m.default_js).values(), *dict(m.default_css).values()))
    assert any("cdn" in url for _, url in folium.Map.default_js)  # folium's own defaults untouched
    page = m.get_root().render()
    texts = {
        "page": page,
        "base": podlaskie_base.js,
        **{name: path.read_text(encoding="utf-8") for name, path in static_files().items()},
    }
    for v in views(podlaskie_base):
        update = build_update(podlaskie_base, v)
        texts[f"update {v.basemap}"] = update.json
        texts[f"legend {v.basemap}"] = legend_html(update)
    for name, text in texts.items():
        found = set(URL_RE.findall(text.replace(OSM_TILES, "").replace(SVG_NS, "")))
        assert not found, (name, found)
        assert "cdn" not in text.lower().replace("cwd-map", ""), name
    # the basemap's tile URL travels only when it is switched on
    assert OSM_TILES in build_update(podlaskie_base, views(podlaskie_base)[1]).payload["osm"]
    assert "openstreetmap" not in build_update(podlaskie_base, views(podlaskie_base)[0]).json


def test_asset_urls_carry_content_versions(podlaskie_base):
    u = urls(podlaskie_base)
    assert u.base_js == f"/app/static/vendor/cwd-map/{podlaskie_base.filename}"
    assert re.fullmatch(r"/app/static/vendor/cwd-map/cwd-map\.js\?v=[0-9a-f]{12}", u.map_js)
    assert re.fullmatch(r"/app/static/vendor/cwd-map/cwd-map\.css\?v=[0-9a-f]{12}", u.map_css)


def test_leaflet_asset_files_exist():
    files = leaflet_asset_files()
    assert files["leaflet.js"].is_file() and files["leaflet.css"].is_file()
    assert (files["images"] / "layers.png").is_file()
    assert "1.9.3" in files["leaflet.js"].read_text(encoding="utf-8")[:200]


def test_browser_code_has_no_text_or_colour_of_its_own():
    """Polish texts and colours come from Python (styles.py); names are set as textContent."""
    js = static_files()["cwd-map.js"].read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", js, flags=re.S)
    assert not re.search(r"[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]", code)
    assert not re.search(r"#[0-9A-Fa-f]{6}\b", code.replace("#333", ""))
    assert "innerHTML" not in code and "bindTooltip" not in code  # no HTML strings; no focusable paths
