"""cwd.maps: the folium map builder, tested on the real Podlaskie layers (no browser, no Streamlit)."""
from __future__ import annotations

import html
import json
import re

import folium
import numpy as np
import pandas as pd
import pytest

from cwd import geo, maps, paths
from cwd.register import load_register

HOSTILE = "<img src=x onerror=alert(1)>"
BREAKOUT = "</script><script>alert(2)</script>"
CATEGORIES = list(maps.OSI_CATEGORIES)


@pytest.fixture(scope="module")
def layers():
    return geo.display_layers(geo.load_boundaries(shapes_dir=paths.SHARED_GEO_DIR))


@pytest.fixture(scope="module")
def areas():
    """The four real partnerships (data/) plus a hostile one overlapping Kolno's."""
    reg = load_register()
    real = pd.read_csv(paths.DATA_DIR / "partnerstwa_rzeczywiste.csv", dtype=str)
    members, names = {}, {}
    for i, (name, group) in enumerate(real.groupby("partnerstwo", sort=False), start=1):
        pid = f"P{i:02d}"
        names[pid] = name
        members[pid] = reg.area_gminas(list(group["teryt_czlonka"]))
    members["P99"] = ["2006011", "2006032", "2007013"]
    names["P99"] = HOSTILE
    return members, names


def gmina_info(members: dict[str, list[str]], names: dict[str, str], visible=lambda code: True) -> pd.DataFrame:
    reg = load_register()
    rows = {}
    for k, (code, row) in enumerate(reg.gminy.iterrows()):
        claimed = [names[pid] for pid, codes in members.items() if code in codes]
        rows[code] = {
            "nazwa": row["nazwa"], "rodzaj": row["rodzaj_opis"], "powiat": row["powiat"],
            "ludnosc": int(row["ludnosc_2023_12_31"]), "ludnosc_data": "31.12.2023",
            "osi_kategoria": CATEGORIES[k % len(CATEGORIES)],
            "osi_opis": "gmina graniczy z powiatem małego miasta (9 839 ≤ 20 000, 30.06.2019)",
            "partnerstwa": ", ".join(claimed), "liczba_partnerstw": len(claimed), "widoczna": visible(code),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def towns() -> pd.DataFrame:
    reg = load_register()
    t = reg.miasta.rename(columns={"ludnosc_2019_06_30": "ludnosc"})
    t = t.assign(ludnosc_data="30.06.2019", male=t["ludnosc"] <= 20_000)
    return t[["teryt_gminy", "miasto", "ludnosc", "ludnosc_data", "male"]]


@pytest.fixture(scope="module")
def inputs(layers, areas):
    gminy, powiaty = layers
    members, names = areas
    return {
        "gminy_display": gminy,
        "powiaty_display": powiaty,
        "gmina_info": gmina_info(members, names),
        "partnership_areas": geo.dissolve_areas(gminy, members),
        "partnership_info": pd.DataFrame({"nazwa": names, "status": "niekompletna"}),
        "towns": towns(),
        "mstfsg": load_register().mstfsg,
    }


@pytest.fixture(scope="module")
def full_map(inputs):
    return maps.build_map(**inputs, title="Partnerstwa — test", asset_base_url="/app/static/leaflet")


@pytest.fixture(scope="module")
def full_html(full_map):
    return full_map.get_root().render()


def geojson_layers(m: folium.Map) -> dict[str, folium.GeoJson]:
    return {child.layer_name: child for child in m._children.values() if isinstance(child, folium.GeoJson)}


def fill_colors(layer: folium.GeoJson) -> dict[str, str]:
    return {f["properties"]["teryt"]: layer.style_function(f)["fillColor"] for f in layer.data["features"]}


# --- layers and identification ------------------------------------------------------------------
def test_layers_present_by_name(full_map, full_html):
    names = set(geojson_layers(full_map))
    expected = {maps.LAYER_NAMES[k] for k in ("gminy", "powiaty", "partnerstwa", "kilka", "miasta", "mstfsg")}
    assert names == expected  # nothing hidden, no basemap
    assert any(isinstance(c, folium.LayerControl) for c in full_map._children.values())
    for name in expected:  # listed in the layer switcher
        assert f"{json.dumps(name)} : geo_json_" in full_html


def test_each_gmina_feature_carries_its_teryt(full_map):
    gminy = geojson_layers(full_map)[maps.LAYER_NAMES["gminy"]]
    features = gminy.data["features"]
    assert len(features) == 118
    assert {f["properties"]["teryt"] for f in features} == set(load_register().gminy.index)
    # Only what the tooltip shows (teryt is shown too).
    assert all(set(f["properties"]) == set(maps.GMINA_TOOLTIP) for f in features)


def test_partnership_areas_carry_their_id(full_map, areas):
    layer = geojson_layers(full_map)[maps.LAYER_NAMES["partnerstwa"]]
    assert {f["properties"]["partnerstwo_id"] for f in layer.data["features"]} == set(areas[0])


def test_overlap_layer_holds_gminas_of_two_or_more_partnerships(full_map, inputs):
    info = inputs["gmina_info"]
    layer = geojson_layers(full_map)[maps.LAYER_NAMES["kilka"]]
    expected = set(info.index[info["liczba_partnerstw"] >= 2])
    assert expected == {"2006011", "2006032", "2007013"}
    assert {f["properties"]["teryt"] for f in layer.data["features"]} == expected
    assert layer.options.get("interactive") is False


def test_powiat_borders_are_lines_and_not_interactive(full_map):
    layer = geojson_layers(full_map)[maps.LAYER_NAMES["powiaty"]]
    assert layer.options.get("interactive") is False
    (feature,) = layer.data["features"]
    assert feature["geometry"]["type"] in {"LineString", "MultiLineString"}
    assert layer.style_function(feature)["fill"] is False


def test_tooltip_content_and_polish_number_format(full_map, inputs):
    gminy = geojson_layers(full_map)[maps.LAYER_NAMES["gminy"]]
    props = {f["properties"]["teryt"]: f["properties"] for f in gminy.data["features"]}
    bialystok = props["2061011"]
    assert bialystok["n"] == "Białystok" and bialystok["r"] == "miejska"
    assert bialystok["l"] == "291\u00a0688"
    category = inputs["gmina_info"].at["2061011", "osi_kategoria"]
    reason = inputs["gmina_info"].at["2061011", "osi_opis"]
    assert bialystok["o"] == html.escape(f"{maps.OSI_SHORT[category]}: {reason}")
    kolno = props["2006011"]
    assert "w 2 partnerstwach" in kolno["ps"]
    assert props["2001022"]["ps"] == html.escape("Augustowsko-Biebrzański Park Turystyczny")
    tooltip = next(c for c in gminy._children.values() if isinstance(c, folium.GeoJsonTooltip))
    assert dict(zip(tooltip.fields, tooltip.aliases))["l"] == "Ludność (31.12.2023)"


def test_format_liczba():
    assert maps.format_liczba(9415) == "9\u00a0415"
    assert maps.format_liczba(291688) == "291\u00a0688"
    assert maps.format_liczba(512) == "512"
    assert maps.format_liczba(None) == "brak danych"
    assert maps.format_liczba(float("nan")) == "brak danych"


# --- colours ------------------------------------------------------------------------------------
def test_gmina_colour_is_fixed_per_category(full_map, inputs):
    info = inputs["gmina_info"]
    colors = fill_colors(geojson_layers(full_map)[maps.LAYER_NAMES["gminy"]])
    assert colors == {code: maps.OSI_COLORS[info.at[code, "osi_kategoria"]] for code in info.index}
    assert len(set(maps.OSI_COLORS.values())) == len(maps.OSI_CATEGORIES)
    assert set(maps.OSI_LABELS) == set(maps.OSI_COLORS) == set(maps.OSI_CATEGORIES)


def test_filter_hides_gminas_without_changing_colours(inputs, areas, full_map):
    members, names = areas
    only_two_powiats = gmina_info(members, names, visible=lambda code: code[:4] in {"2006", "2007"})
    m = maps.build_map(**{**inputs, "gmina_info": only_two_powiats})
    layers = geojson_layers(m)
    shown = fill_colors(layers[maps.LAYER_NAMES["gminy"]])
    assert set(shown) == set(only_two_powiats.index[only_two_powiats["widoczna"]])
    everything = fill_colors(geojson_layers(full_map)[maps.LAYER_NAMES["gminy"]])
    assert all(everything[code] == color for code, color in shown.items())
    hidden = layers[maps.LAYER_NAMES["ukryte"]]
    assert len(hidden.data["features"]) == 118 - len(shown)
    assert hidden.options.get("interactive") is False
    assert not any(isinstance(c, folium.GeoJsonTooltip) for c in hidden._children.values())
    # Towns outside the filter are not drawn.
    town_codes = {f["properties"]["teryt"] for f in layers[maps.LAYER_NAMES["miasta"]].data["features"]}
    assert town_codes == {"2006011"}  # Kolno; Łomża is its own city powiat (2062)


def test_partnership_colours_follow_sorted_ids():
    a = maps.partnership_colors(["P3", "P1", "P2"])
    b = maps.partnership_colors(["P2", "P3", "P1", "P1"])
    assert a == b
    assert list(a.values()) == list(maps.PARTNERSHIP_PALETTE[:3])
    assert a["P1"] == maps.PARTNERSHIP_PALETTE[0]
    assert maps.OVERLAP_COLOR not in maps.PARTNERSHIP_PALETTE


# --- escaping -----------------------------------------------------------------------------------
def test_hostile_partnership_name_is_escaped_everywhere(full_map, full_html):
    assert "<img src=x onerror" not in full_html
    escaped = html.escape(HOSTILE)
    # In the page the escaped text sits inside JSON, whose '&' is written as \u0026.
    assert escaped.replace("&", "\\u0026") in full_html
    layers = geojson_layers(full_map)
    area_features = layers[maps.LAYER_NAMES["partnerstwa"]].data["features"]
    areas = {f["properties"]["partnerstwo_id"]: f["properties"] for f in area_features}
    assert areas["P99"]["nazwa"] == escaped
    kolno = next(f for f in layers[maps.LAYER_NAMES["gminy"]].data["features"] if f["properties"]["teryt"] == "2006011")
    assert escaped in kolno["properties"]["ps"] and "<img" not in kolno["properties"]["ps"]
    start = full_html.index("cwd-box cwd-legend")
    legend = full_html[start:full_html.index("new C().addTo(map)", start)]
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in legend


def test_script_breakout_in_names_ids_and_title(inputs, layers):
    gminy, _ = layers
    hostile_areas = geo.dissolve_areas(gminy, {BREAKOUT: ["2001011"]})
    info = inputs["gmina_info"].copy()
    info.loc["2001011", ["partnerstwa", "liczba_partnerstw"]] = [BREAKOUT, 1]
    m = maps.build_map(
        **{**inputs, "gmina_info": info, "partnership_areas": hostile_areas,
           "partnership_info": pd.DataFrame({"nazwa": {BREAKOUT: BREAKOUT}, "status": {BREAKOUT: HOSTILE}})},
        title=BREAKOUT,
    )
    page = m.get_root().render()
    assert "<script>alert(2)" not in page
    assert page.count("</script>") == page.count("<script")  # no extra script closed or opened
    area = geojson_layers(m)[maps.LAYER_NAMES["partnerstwa"]].data["features"][0]["properties"]
    assert area["partnerstwo_id"] == BREAKOUT  # raw id for click identification, never shown
    assert area["status"] == html.escape(HOSTILE)


# --- offline assets, basemap, size ---------------------------------------------------------------
def _asset_urls(page: str) -> list[str]:
    return re.findall(r'<script[^>]*\bsrc="([^"]*)"', page) + re.findall(r'<link[^>]*\bhref="([^"]*)"', page)


def test_asset_base_url_leaves_no_cdn(full_map, full_html):
    urls = _asset_urls(full_html)
    assert sorted(urls) == ["/app/static/leaflet/leaflet.css", "/app/static/leaflet/leaflet.js"]
    assert "cdn" not in full_html.lower()
    assert not re.search(r"https?://", " ".join(urls))
    # Instance-level override: folium's class defaults are untouched for other maps.
    assert any("cdn" in url for _, url in folium.Map.default_js)
    assert "leaflet.awesome" not in full_html and "font-awesome" not in full_html


def test_without_asset_base_url_folium_defaults_stay(inputs):
    page = maps.build_map(**inputs).get_root().render()
    assert any(url.startswith("https://") for url in _asset_urls(page))


def test_leaflet_asset_files_exist():
    files = maps.leaflet_asset_files()
    assert files["leaflet.js"].is_file() and files["leaflet.css"].is_file()
    assert (files["images"] / "layers.png").is_file()
    assert "1.9.3" in files["leaflet.js"].read_text(encoding="utf-8")[:200]


def test_basemap_off_by_default(full_map, full_html):
    assert not any(isinstance(c, folium.TileLayer) for c in full_map._children.values())
    assert "tile.openstreetmap" not in full_html
    assert maps.OSM_NOTE not in full_html


def test_basemap_on_adds_osm_and_a_note(inputs):
    m = maps.build_map(**inputs, basemap=True)
    assert any(isinstance(c, folium.TileLayer) for c in m._children.values())
    page = m.get_root().render()
    assert "tile.openstreetmap.org" in page
    assert maps.OSM_NOTE in page


def test_mstfsg_layer_hidden_unless_asked(inputs):
    hidden = geojson_layers(maps.build_map(**inputs))[maps.LAYER_NAMES["mstfsg"]]
    shown = geojson_layers(maps.build_map(**inputs, show_mstfsg=True))[maps.LAYER_NAMES["mstfsg"]]
    assert hidden.show is False and shown.show is True
    assert len(shown.data["features"]) == 7


def test_markers_are_circle_markers_only(full_map):
    def walk(element):
        yield element
        for child in element._children.values():
            yield from walk(child)

    elements = list(walk(full_map))
    assert not any(isinstance(e, (folium.Marker, folium.Icon)) for e in elements)
    towns_layer = geojson_layers(full_map)[maps.LAYER_NAMES["miasta"]]
    assert isinstance(towns_layer.marker, folium.CircleMarker)
    assert len(towns_layer.data["features"]) == 14


def test_map_fits_podlaskie_and_has_own_controls(full_map, full_html):
    # The map fits itself in the browser (legend-aware, see maps._REFIT_JS) to these bounds.
    bounds = re.search(r"L\.latLngBounds\((\[\[.*?\]\])\)", full_html)
    (south, west), (north, east) = json.loads(bounds.group(1))
    assert 52.2 < south < 52.4 and 21.5 < west < 21.7 and 54.3 < north < 54.5 and 23.8 < east < 24.0
    assert "requestFullscreen" in full_html
    assert "Legenda" in full_html
    assert "Partnerstwa \\u2014 test" in full_html or "Partnerstwa — test" in full_html


def test_full_map_size(inputs):
    """Measured here, budgeted in the bench script (DESIGN §5: ≤ 150 KB); this only guards against
    raw geometry slipping in (tens of MB)."""
    m = maps.build_map(**inputs, title="Partnerstwa — test", asset_base_url="/app/static/leaflet")
    size = maps.map_html_size(m)
    assert 50_000 < size < 300_000


def test_minimal_inputs_and_everything_filtered_out(inputs, areas):
    members, names = areas
    info = gmina_info(members, names, visible=lambda code: False)
    m = maps.build_map(inputs["gminy_display"], inputs["powiaty_display"], info, None, None, None, None)
    assert set(geojson_layers(m)) == {maps.LAYER_NAMES["ukryte"], maps.LAYER_NAMES["powiaty"]}
    page = m.get_root().render()
    assert "gmina poza filtrem" in page


def test_unknown_category_is_drawn_as_unknown(inputs):
    info = inputs["gmina_info"].copy()
    info.loc["2061011", "osi_kategoria"] = None
    info.loc["2062011", "osi_kategoria"] = "cos_innego"
    colors = fill_colors(geojson_layers(maps.build_map(**{**inputs, "gmina_info": info}))[maps.LAYER_NAMES["gminy"]])
    assert colors["2061011"] == colors["2062011"] == maps.OSI_COLORS["nieznany"]


def _decode(c, scale=maps._SCALE):
    """Python twin of the map's cwdDecode (same three cases)."""
    if isinstance(c[0], (int, float)):
        return [c[0] / scale, c[1] / scale]
    if isinstance(c[0][0], (int, float)):
        x = y = 0
        out = []
        for dx, dy in c:
            x, y = x + dx, y + dy
            out.append([x / scale, y / scale])
        return out
    return [_decode(part) for part in c]


def test_coordinates_travel_delta_encoded_and_come_back_exactly():
    shapes = [
        {"type": "Point", "coordinates": [22.1234, 53.5678]},
        {"type": "Polygon", "coordinates": [[[22.0, 53.0], [22.1001, 53.0], [22.1001, 53.2002], [22.0, 53.0]]]},
        {"type": "MultiPolygon", "coordinates": [[[[21.5, 52.5], [21.6, 52.5], [21.6, 52.6], [21.5, 52.5]]],
                                                 [[[23.0, 54.0], [23.1, 54.0], [23.1, 54.1], [23.0, 54.0]]]]},
        {"type": "LineString", "coordinates": [[23.9999, 54.4444], [23.5, 54.0]]},
    ]
    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"teryt": str(i)}, "geometry": g} for i, g in enumerate(shapes)]}
    encoded = maps._encode_collection(data)
    for before, after in zip(data["features"], encoded["features"]):
        assert after["properties"] == before["properties"]
        got = np.asarray(_decode(after["geometry"]["coordinates"]), dtype=float)
        assert np.allclose(got, np.asarray(before["geometry"]["coordinates"], dtype=float), atol=1e-9)
    ring = encoded["features"][1]["geometry"]["coordinates"][0]
    assert ring[1] == [1001, 0]  # differences, not absolute positions


def test_map_payload_uses_the_encoding(full_html):
    assert "cwdDecode(" in full_html and "window.cwdDecode" in full_html
