"""Folium map of gminas by OSI category, powiat borders, partnership areas and towns (no Streamlit).

Design choices:
- Gminas hidden by a filter (`widoczna` False) are drawn as a plain, non-interactive pale background
  (white fill, grey outline; layer "Gminy poza filtrem") so the voivodeship keeps its shape; they
  carry no tooltip and no OSI colour.
- Colours are fixed per OSI category and per partnership (sorted id order), whatever the filter.
- Every text that may come from a form is HTML-escaped in Python before it reaches the page:
  folium's GeoJsonTooltip and Leaflet insert values as HTML.
- No folium element that needs jQuery, Bootstrap or icon fonts is used, so Leaflet alone
  (served by the app from xstatic-leaflet) is enough to render the map offline.
- Own controls (legend, fullscreen, notes) are plain Leaflet controls created in the map's script:
  streamlit-folium forwards the script, so they work there as in a standalone HTML file.
"""
from __future__ import annotations

import html
import json
from collections.abc import Iterable
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.template import Template
from shapely.geometry import mapping

# --- fixed colours and labels -------------------------------------------------------------------
OSI_CATEGORIES = ("ztm", "male_miasto", "oba", "poza", "nieznany")
# Okabe–Ito colours (distinguishable with the common colour-vision deficiencies).
OSI_COLORS = {
    "ztm": "#E69F00",  # orange
    "male_miasto": "#56B4E9",  # sky blue
    "oba": "#009E73",  # bluish green
    "poza": "#D9D9D9",  # light grey
    "nieznany": "#F0E442",  # yellow: look again once the ZTM list is loaded
}
OSI_LABELS = {
    "ztm": "ZTM — obszar zagrożony trwałą marginalizacją",
    "male_miasto": "obszar funkcjonalny małego miasta powiatowego",
    "oba": "oba (ZTM i obszar małego miasta)",
    "poza": "poza OSI",
    "nieznany": "nieznany — brak listy ZTM",
}
HIDDEN_FILL = "#FFFFFF"
HIDDEN_LINE = "#BDBDBD"
POWIAT_LINE = "#333333"
OVERLAP_COLOR = "#D00000"
# Paul Tol's qualitative colours, dark enough for thick outlines; red is kept for overlaps.
PARTNERSHIP_PALETTE = (
    "#332288", "#117733", "#882255", "#44AA99", "#AA4499", "#999933", "#6699CC", "#661100", "#555555",
    "#0072B2", "#CC6677", "#1B7837",
)
SMALL_TOWN_COLOR = "#222222"
MSTFSG_COLOR = "#7B3294"

LAYER_NAMES = {
    "ukryte": "Gminy poza filtrem",
    "gminy": "Gminy — kategoria OSI",
    "powiaty": "Granice powiatów",
    "partnerstwa": "Obszary partnerstw",
    "kilka": "Gminy w kilku partnerstwach",
    "miasta": "Miasta powiatowe",
    "mstfsg": "Miasta średnie tracące funkcje (MSTFSG, kontekst)",
    "osm": "Podkład OSM (wymaga internetu)",
}
OSM_NOTE = "Podkład OSM wymaga internetu"
# Gmina feature properties → tooltip labels. Keys are short: they repeat in all 118 features.
GMINA_TOOLTIP = {
    "n": "Gmina",
    "teryt": "TERYT",
    "r": "Rodzaj",
    "p": "Powiat",
    "l": "Ludność",
    "o": "OSI",
    "ps": "Partnerstwa",
}
# Shorter OSI names for the tooltip (the legend has the full ones).
OSI_SHORT = {
    "ztm": "ZTM",
    "male_miasto": "obszar małego miasta powiatowego",
    "oba": "ZTM i obszar małego miasta",
    "poza": "poza OSI",
    "nieznany": "nieznany (brak listy ZTM)",
}

_NBSP = "\u00a0"


def _esc(value) -> str:
    return html.escape("" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value))


def format_liczba(value) -> str:
    """Polish integer format with a non-breaking space between thousands: 9415 → '9 415'."""
    if value is None or pd.isna(value):
        return "brak danych"
    return f"{int(value):,}".replace(",", _NBSP)


def partnership_colors(ids: Iterable[str]) -> dict[str, str]:
    """Colour per partnership id, by sorted id order (same ids → same colours)."""
    ordered = sorted(dict.fromkeys(map(str, ids)))
    return {pid: PARTNERSHIP_PALETTE[i % len(PARTNERSHIP_PALETTE)] for i, pid in enumerate(ordered)}


def leaflet_asset_files() -> dict[str, Path]:
    """leaflet.js, leaflet.css and the images folder of the installed xstatic-leaflet package.

    Serve them under one URL and pass it as `asset_base_url`: leaflet.css loads `images/…`
    relative to itself (the layer switcher icon)."""
    import xstatic.pkg.leaflet as xleaflet

    base = Path(xleaflet.BASE_DIR)
    return {"leaflet.js": base / "leaflet.js", "leaflet.css": base / "leaflet.css", "images": base / "images"}


def map_html_size(m: folium.Map) -> int:
    """Bytes of the standalone HTML page of the map.

    Measure a freshly built map: folium appends one `addTo` line per layer to the page on every
    render, so each re-render grows the page by a few hundred bytes."""
    return len(m.get_root().render().encode("utf-8"))


# --- own controls ------------------------------------------------------------------------------
class _ScriptControl(MacroElement):
    """A few lines of own JavaScript run with the map (`map` is bound to the Leaflet map)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(map) {
        {{ this.js }}
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, js: str):
        super().__init__()
        self._name = "ScriptControl"
        self.js = js


def _js(value) -> str:
    """A compact JSON literal safe inside <script> (no '<', '>', '&' in the output)."""
    return (
        json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


class _GeoJson(folium.GeoJson):
    """folium.GeoJson whose data is embedded as compact UTF-8 JSON.

    folium's template writes the data with Jinja's `tojson` (", " separators, a six-character
    Polish letter as an escape) — about a tenth of the page. This template is folium 0.20's GeoJson template
    reduced to what this module uses (style and highlight switches, point markers, embedded data)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {%- if this.style %}
        function {{ this.get_name() }}_styler(feature) {
            switch({{ this.feature_identifier }}) {
                {%- for style, ids_list in this.style_map.items() if not style == 'default' %}
                {% for id_val in ids_list %}case {{ id_val|tojson }}: {% endfor %}
                    return {{ style }};
                {%- endfor %}
                default:
                    return {{ this.style_map['default'] }};
            }
        }
        {%- endif %}
        {%- if this.highlight %}
        function {{ this.get_name() }}_highlighter(feature) {
            switch({{ this.feature_identifier }}) {
                {%- for style, ids_list in this.highlight_map.items() if not style == 'default' %}
                {% for id_val in ids_list %}case {{ id_val|tojson }}: {% endfor %}
                    return {{ style }};
                {%- endfor %}
                default:
                    return {{ this.highlight_map['default'] }};
            }
        }
        {%- endif %}
        {%- if this.marker %}
        function {{ this.get_name() }}_pointToLayer(feature, latlng) {
            var opts = {{ this.marker.options | tojavascript }};
            {%- if this.style %}
            Object.assign(opts, {{ this.get_name() }}_styler(feature));
            {%- endif %}
            return new L.{{ this.marker._name }}(latlng, opts);
        }
        {%- endif %}
        function {{ this.get_name() }}_onEachFeature(feature, layer) {
            {%- if this.highlight %}
            layer.on({
                mouseout: function(e) {
                    if (typeof e.target.setStyle === "function") { {{ this.get_name() }}.resetStyle(e.target); }
                },
                mouseover: function(e) {
                    if (typeof e.target.setStyle === "function") {
                        e.target.setStyle({{ this.get_name() }}_highlighter(e.target.feature));
                    }
                },
            });
            {%- endif %}
        };
        var {{ this.get_name() }} = L.geoJson(null, {
                onEachFeature: {{ this.get_name() }}_onEachFeature,
            {%- if this.style %}
                style: {{ this.get_name() }}_styler,
            {%- endif %}
            {%- if this.marker %}
                pointToLayer: {{ this.get_name() }}_pointToLayer,
            {%- endif %}
            ...{{ this.options | tojavascript }}
        });
        {{ this.get_name() }}.addData(cwdDecode({{ this.data_json }}));
        {% endmacro %}
        """
    )

    @property
    def data_json(self) -> str:
        return _js(_encode_collection(self.data))


# Coordinates travel as integers (×10^decimals), each ring as differences from the previous point:
# about half the bytes of plain GeoJSON. cwdDecode (defined first on the map) restores them.
_SCALE = 10 ** 4  # display coordinates are rounded to 4 decimals (cwd.geo.DISPLAY_DECIMALS)


def _encode_coordinates(coords):
    if coords and isinstance(coords[0], (int, float)):  # a single position
        return [round(c * _SCALE) for c in coords]
    if coords and isinstance(coords[0], (list, tuple)) and coords[0] and isinstance(coords[0][0], (int, float)):
        out, px, py = [], 0, 0  # a line or ring: deltas
        for x, y, *_ in coords:
            ix, iy = round(x * _SCALE), round(y * _SCALE)
            out.append([ix - px, iy - py])
            px, py = ix, iy
        return out
    return [_encode_coordinates(c) for c in coords]


def _encode_collection(data: dict) -> dict:
    features = []
    for f in data.get("features", []):
        geometry = f.get("geometry")
        if geometry and "coordinates" in geometry:
            geometry = {"type": geometry["type"], "coordinates": _encode_coordinates(geometry["coordinates"])}
        features.append({**f, "geometry": geometry})
    return {**data, "features": features}


_DECODE_JS = """
window.cwdDecode = function(fc) {
  var S = %d;
  function dec(c) {
    if (typeof c[0] === 'number') return [c[0] / S, c[1] / S];
    if (typeof c[0][0] === 'number') {
      var x = 0, y = 0;
      return c.map(function(p) { x += p[0]; y += p[1]; return [x / S, y / S]; });
    }
    return c.map(dec);
  }
  fc.features.forEach(function(f) { if (f.geometry) f.geometry.coordinates = dec(f.geometry.coordinates); });
  return fc;
};
""" % _SCALE


_CSS = """
.leaflet-container { background: #F4F4F1; font-family: system-ui, sans-serif; }
.leaflet-pane > svg path.cwd-obszar.leaflet-interactive { pointer-events: visibleStroke; }
.leaflet-tooltip.cwd-tooltip { font-size: 12px; white-space: normal; width: max-content; max-width: 380px; }
.cwd-tooltip th { vertical-align: top; white-space: nowrap; }
.cwd-box { background: rgba(255,255,255,0.93); padding: 6px 8px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.3); font-size: 12px; line-height: 1.35; color: #222; }
.cwd-legend { max-height: calc(100vh - 190px); overflow-y: auto; max-width: 270px; font-size: 11px; }
path.leaflet-interactive:focus { outline: none; }
.cwd-legend summary { font-weight: 600; cursor: pointer; }
.cwd-legend b { display: block; margin: 4px 0 2px; }
.cwd-legend i { display: inline-block; width: 14px; height: 12px; margin-right: 6px;
  vertical-align: -2px; border: 1px solid #888; }
.cwd-title { font-size: 14px; font-weight: 600; }
.cwd-fs svg { display: block; margin: 7px; }
"""

# Presentation mode: labels legible on a projector.
_LARGE_CSS = """
.cwd-legend { font-size: 15px; max-width: 360px; max-height: calc(100vh - 190px); }
.cwd-legend i { width: 18px; height: 15px; }
.cwd-title { font-size: 19px; }
.leaflet-tooltip.cwd-tooltip { font-size: 15px; }
"""

# Own fullscreen button (folium.plugins.Fullscreen would load a plugin from a CDN).
_FULLSCREEN_JS = """
var Full = L.Control.extend({
  options: {position: 'topleft'},
  onAdd: function() {
    var box = L.DomUtil.create('div', 'leaflet-bar leaflet-control cwd-fs');
    var a = L.DomUtil.create('a', '', box);
    a.href = '#'; a.title = 'Pełny ekran'; a.setAttribute('role', 'button');
    a.setAttribute('aria-label', 'Pełny ekran');
    a.innerHTML = '<svg width="16" height="16" viewBox="0 0 16 16">'
      + '<path d="M1 6V1h5M10 1h5v5M15 10v5h-5M6 15H1v-5" fill="none" stroke="#333" stroke-width="2"/></svg>';
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.on(a, 'click', function(e) {
      L.DomEvent.preventDefault(e);
      var el = map.getContainer();
      if (document.fullscreenElement) { document.exitFullscreen(); }
      else if (el.requestFullscreen) { el.requestFullscreen().catch(function() {}); }
    });
    return box;
  }
});
new Full().addTo(map);
document.addEventListener('fullscreenchange', function() { setTimeout(function() { map.invalidateSize(); }, 50); });
"""

# Keep outlines and markers above the gmina fill when a layer is switched back on
# (folium's keep_in_front needs jQuery).
_FRONT_JS = """
map.on('overlayadd', function() {
  var front = [];
  map.eachLayer(function(l) { if (l instanceof L.GeoJSON && l.options.cwdFront) front.push(l); });
  front.sort(function(a, b) { return a.options.cwdFront - b.options.cwdFront; });
  front.forEach(function(l) { l.bringToFront(); });
});
"""


# In Streamlit the map's frame is sized after the first fitBounds, which then fits a tiny box:
# fit again whenever the container is resized, until the user pans or zooms by hand.
_REFIT_JS = """
var bounds = L.latLngBounds(%s), moved = false, el = map.getContainer();
map.attributionControl.setPrefix('Leaflet'); map.attributionControl.addAttribution('Granice: GUGiK PRG');
['mousedown', 'wheel', 'touchstart', 'keydown'].forEach(function(ev) {
  el.addEventListener(ev, function() { moved = true; }, {passive: true});
});
// Controls sit above Leaflet's panes, so the legend would hide a tooltip: fade it meanwhile.
map.on('tooltipopen', function() { var lg = el.querySelector('.cwd-legend'); if (lg) lg.style.opacity = 0.12; });
map.on('tooltipclose', function() { var lg = el.querySelector('.cwd-legend'); if (lg) lg.style.opacity = ''; });
function fit() {
  map.invalidateSize();
  if (moved) { return; }
  // keep the voivodeship clear of the legend (bottom-left) when there is room beside it
  var lg = el.querySelector('.cwd-legend'), pad = lg && el.clientWidth > 2.2 * lg.offsetWidth ? lg.offsetWidth + 16 : 8;
  map.fitBounds(bounds, {animate: false, paddingTopLeft: [pad, 8], paddingBottomRight: [8, 8]});
}
fit();
if (window.ResizeObserver) { new ResizeObserver(fit).observe(el); } else { window.addEventListener('resize', fit); }
"""


def _css_js(css: str) -> str:
    return f"var s = document.createElement('style'); s.textContent = {_js(css)}; document.head.appendChild(s);"


def _box_js(html_text: str, position: str, css_class: str) -> str:
    return (
        "var C = L.Control.extend({options: {position: %s}, onAdd: function() {"
        " var d = L.DomUtil.create('div', %s); d.innerHTML = %s;"
        " L.DomEvent.disableClickPropagation(d); L.DomEvent.disableScrollPropagation(d); return d; }});"
        " new C().addTo(map);" % (_js(position), _js(f"cwd-box {css_class}"), _js(html_text))
    )


# --- GeoJSON helpers ----------------------------------------------------------------------------
def _collection(geoms, properties: list[dict]) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": props, "geometry": mapping(geom)}
            for geom, props in zip(geoms, properties)
        ],
    }


def _in_display_crs(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        return gdf.to_crs("EPSG:4326")
    return gdf


def _border_lines(polygons: gpd.GeoDataFrame):
    """Powiat borders as lines, each shared border once (half the bytes of the polygons)."""
    if polygons.empty:
        return None
    lines = shapely.union_all(shapely.boundary(polygons.geometry.to_numpy()))
    return shapely.line_merge(lines)


def _flag(value) -> bool:
    return False if value is None or pd.isna(value) else bool(value)


def _count(value) -> int:
    return 0 if value is None or pd.isna(value) else int(value)


def _partnership_text(names: str, count) -> str:
    if not isinstance(names, str) or not names.strip():
        return "—"
    n = _count(count)
    text = _esc(names)
    return f"{text} (gmina w {n} partnerstwach)" if n >= 2 else text


def _category(value) -> str:
    return value if value in OSI_COLORS else "nieznany"


def _gmina_properties(code: str, row, date_in_label: bool) -> dict:
    category = _category(row["osi_kategoria"])
    osi = OSI_SHORT[category]
    if isinstance(row["osi_opis"], str) and row["osi_opis"].strip():
        osi = f"{osi}: {row['osi_opis']}"
    date = row["ludnosc_data"]
    ludnosc = format_liczba(row["ludnosc"])
    if not date_in_label and isinstance(date, str) and date and ludnosc != "brak danych":
        ludnosc = f"{ludnosc} ({date})"
    rodzaj = str(row["rodzaj"])
    rodzaj = rodzaj[len("gmina "):] if rodzaj.startswith("gmina ") else rodzaj
    # teryt first: folium keys the style switch on the first unique property.
    return {
        "teryt": code,
        "n": _esc(row["nazwa"]),
        "r": _esc(rodzaj),
        "p": _esc(row["powiat"]),
        "l": _esc(ludnosc),
        "o": _esc(osi),
        "ps": _partnership_text(row["partnerstwa"], row["liczba_partnerstw"]),
    }


def _point_of(code: str, points: dict, row) -> tuple[float, float] | None:
    lat, lon = row.get("lat"), row.get("lon")
    if lat is not None and lon is not None and not pd.isna(lat) and not pd.isna(lon):
        return float(lon), float(lat)
    return points.get(code)


# --- the map -----------------------------------------------------------------------------------
def build_map(
    gminy_display: gpd.GeoDataFrame,
    powiaty_display: gpd.GeoDataFrame,
    gmina_info: pd.DataFrame,
    partnership_areas: gpd.GeoDataFrame | None,
    partnership_info: pd.DataFrame | None,
    towns: pd.DataFrame | None,
    mstfsg: pd.DataFrame | None,
    *,
    basemap: bool = False,
    show_mstfsg: bool = False,
    title: str | None = None,
    asset_base_url: str | None = None,
    large_labels: bool = False,
) -> folium.Map:
    """The voivodeship map. Display layers come from `cwd.geo.to_display` (EPSG:4326, rounded).

    Gmina features carry `teryt`, partnership areas `partnerstwo_id`, town markers `teryt` of
    their gmina, so streamlit-folium's `last_active_drawing["properties"]` identifies a click.
    Towns are placed at `lat`/`lon` columns when given, else at a point inside their gmina.
    """
    gminy_display = _in_display_crs(gminy_display)
    powiaty_display = _in_display_crs(powiaty_display)
    info = gmina_info.copy()
    info.index = info.index.astype(str)
    minx, miny, maxx, maxy = gminy_display.total_bounds

    m = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=8, tiles=None, zoom_snap=0.25,
        min_zoom=5,
    )
    if asset_base_url is not None:
        # Instance attributes: other maps keep folium's defaults; nothing else here needs more.
        base = asset_base_url.rstrip("/")
        m.default_js = [("leaflet", f"{base}/leaflet.js")]
        m.default_css = [("leaflet_css", f"{base}/leaflet.css")]
    # Metric scale only (folium's control_scale adds miles too).
    css = _CSS + (_LARGE_CSS if large_labels else "")
    # First on the map: the layers below call cwdDecode when they are created.
    _ScriptControl(_DECODE_JS + _css_js(css) + " L.control.scale({imperial: false}).addTo(map);").add_to(m)
    if basemap:
        folium.TileLayer("OpenStreetMap", name=LAYER_NAMES["osm"], control=True).add_to(m)

    codes = gminy_display["teryt"].astype(str).to_numpy()
    geoms = gminy_display.geometry.to_numpy()
    visible = [c in info.index and _flag(info.at[c, "widoczna"]) for c in codes]

    # Gminas hidden by the filter: pale background, not interactive.
    hidden = [i for i, v in enumerate(visible) if not v]
    if hidden:
        _GeoJson(
            _collection(geoms[hidden], [{"teryt": codes[i]} for i in hidden]),
            name=LAYER_NAMES["ukryte"],
            style_function=lambda f: {
                "fillColor": HIDDEN_FILL, "fillOpacity": 0.6, "color": HIDDEN_LINE, "weight": 0.6,
            },
            interactive=False,
        ).add_to(m)

    # Visible gminas coloured by OSI category.
    shown = [i for i, v in enumerate(visible) if v]
    # One population date for all shown gminas goes into the label instead of every value.
    dates = {info.at[codes[i], "ludnosc_data"] for i in shown}
    common_date = dates.pop() if len(dates) == 1 else None
    common_date = common_date if isinstance(common_date, str) and common_date else None
    category = {codes[i]: _category(info.at[codes[i], "osi_kategoria"]) for i in shown}
    props = [_gmina_properties(codes[i], info.loc[codes[i]], common_date is not None) for i in shown]
    aliases = dict(GMINA_TOOLTIP)
    if common_date:
        aliases["l"] = f"Ludność ({_esc(common_date)})"
    styles = {
        c: {"fillColor": OSI_COLORS[c], "fillOpacity": 0.75, "color": "#FFFFFF", "weight": 0.8} for c in OSI_CATEGORIES
    }
    if shown:
        _GeoJson(
            _collection(geoms[shown], props),
            name=LAYER_NAMES["gminy"],
            style_function=lambda f: styles[category[f["properties"]["teryt"]]],
            highlight_function=lambda f: {"weight": 2.5, "color": "#000000"},
            tooltip=folium.GeoJsonTooltip(
                fields=list(aliases), aliases=list(aliases.values()), sticky=True,
                class_name="cwd-tooltip",
            ),
        ).add_to(m)

    # Powiat borders on top of the gminas: lines only, not interactive.
    border = _border_lines(powiaty_display)
    if border is not None:
        _GeoJson(
            _collection([border], [{}]),
            name=LAYER_NAMES["powiaty"],
            style_function=lambda f: {"color": POWIAT_LINE, "weight": 1.6, "opacity": 0.9, "fill": False},
            interactive=False, cwd_front=1,
        ).add_to(m)

    # Partnership areas: thick outline, light fill; only the outline takes the mouse (CSS class),
    # so the gminas inside stay clickable.
    colors: dict[str, str] = {}
    names: dict[str, str] = {}
    if partnership_areas is not None and not partnership_areas.empty:
        areas = _in_display_crs(partnership_areas)
        area_ids = areas["id"].astype(str).tolist()
        colors = partnership_colors(area_ids)
        pinfo = partnership_info if partnership_info is not None else pd.DataFrame(columns=["nazwa", "status"])
        pinfo = pinfo.set_axis(pinfo.index.astype(str))
        area_props = []
        for pid in area_ids:
            nazwa = pinfo.at[pid, "nazwa"] if pid in pinfo.index and "nazwa" in pinfo else pid
            status = pinfo.at[pid, "status"] if pid in pinfo.index and "status" in pinfo else ""
            names[pid] = nazwa if isinstance(nazwa, str) and nazwa else pid
            area_props.append({"partnerstwo_id": pid, "nazwa": _esc(names[pid]), "status": _esc(status) or "—"})
        _GeoJson(
            _collection(areas.geometry.to_numpy(), area_props),
            name=LAYER_NAMES["partnerstwa"],
            style_function=lambda f: {
                "color": colors[f["properties"]["partnerstwo_id"]], "weight": 4, "opacity": 0.95,
                "fillColor": colors[f["properties"]["partnerstwo_id"]], "fillOpacity": 0.12,
            },
            highlight_function=lambda f: {"weight": 6},
            tooltip=folium.GeoJsonTooltip(
                fields=["nazwa", "status"], aliases=["Partnerstwo", "Status"], sticky=True, class_name="cwd-tooltip",
            ),
            class_name="cwd-obszar", cwd_front=2,
        ).add_to(m)

    # Gminas claimed by two or more partnerships.
    many = [i for i in shown if _count(info.at[codes[i], "liczba_partnerstw"]) >= 2]
    if many:
        _GeoJson(
            _collection(geoms[many], [{"teryt": codes[i]} for i in many]),
            name=LAYER_NAMES["kilka"],
            style_function=lambda f: {
                "color": OVERLAP_COLOR, "weight": 3.5, "dashArray": "6 5", "opacity": 1,
                "fillColor": OVERLAP_COLOR, "fillOpacity": 0.1,
            },
            interactive=False, cwd_front=3,
        ).add_to(m)

    # Towns: markers at a point of their gmina (only where the gmina is shown).
    points = {c: (p.x, p.y) for c, p in zip(codes, shapely.point_on_surface(geoms))}
    shown_codes = {codes[i] for i in shown}
    has_small = has_large = has_mstfsg = False
    if towns is not None and not towns.empty:
        feats, town_props = [], []
        for _, row in towns.iterrows():
            code = str(row["teryt_gminy"])
            where = _point_of(code, points, row)
            if code not in shown_codes or where is None:
                continue
            male = _flag(row["male"])
            has_small |= male
            has_large |= not male
            ludnosc = format_liczba(row["ludnosc"])
            if isinstance(row.get("ludnosc_data"), str) and ludnosc != "brak danych":
                ludnosc = f"{ludnosc} ({row['ludnosc_data']})"
            feats.append(shapely.Point(where))
            town_props.append({
                "teryt": code, "miasto": _esc(row["miasto"]), "ludnosc": _esc(ludnosc),
                "male": "tak" if male else "nie",
            })
        if feats:
            _GeoJson(
                _collection(feats, town_props),
                name=LAYER_NAMES["miasta"],
                marker=folium.CircleMarker(radius=5),
                style_function=lambda f: (
                    {"radius": 5, "color": "#FFFFFF", "weight": 1.5, "fillColor": SMALL_TOWN_COLOR, "fillOpacity": 1}
                    if f["properties"]["male"] == "tak"
                    else {"radius": 5, "color": SMALL_TOWN_COLOR, "weight": 2, "fillColor": "#FFFFFF", "fillOpacity": 1}
                ),
                tooltip=folium.GeoJsonTooltip(
                    fields=["miasto", "ludnosc", "male"],
                    aliases=["Miasto powiatowe", "Ludność", "Małe miasto powiatowe"],
                    class_name="cwd-tooltip",
                ),
                cwd_front=4,
            ).add_to(m)

    if mstfsg is not None and not mstfsg.empty:
        feats, m_props = [], []
        for _, row in mstfsg.iterrows():
            code = str(row["teryt_gminy"])
            where = _point_of(code, points, row)
            if code not in shown_codes or where is None:
                continue
            feats.append(shapely.Point(where))
            m_props.append({"teryt": code, "miasto": _esc(row["miasto"])})
        if feats:
            has_mstfsg = True
            _GeoJson(
                _collection(feats, m_props),
                name=LAYER_NAMES["mstfsg"],
                show=show_mstfsg,
                marker=folium.CircleMarker(radius=9),
                style_function=lambda f: {
                    "radius": 9, "color": MSTFSG_COLOR, "weight": 2.5, "dashArray": "3 3", "fill": False,
                },
                tooltip=folium.GeoJsonTooltip(
                    fields=["miasto"], aliases=["Miasto średnie tracące funkcje (MSTFSG)"],
                    class_name="cwd-tooltip",
                ),
                cwd_front=5,
            ).add_to(m)

    legend = _legend_html(
        hidden=bool(hidden), colors=colors, names=names, overlap=bool(many),
        small=has_small, large=has_large, mstfsg=has_mstfsg,
    )
    _ScriptControl(_box_js(legend, "bottomleft", "cwd-legend")).add_to(m)
    if title:
        _ScriptControl(_box_js(f'<div class="cwd-title">{_esc(title)}</div>', "topright", "")).add_to(m)
    if basemap:
        _ScriptControl(_box_js(_esc(OSM_NOTE), "bottomright", "cwd-note")).add_to(m)
    _ScriptControl(_FULLSCREEN_JS).add_to(m)
    _ScriptControl(_FRONT_JS).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    # No folium fit_bounds: its animated zoom would undo the legend-aware fit below.
    _ScriptControl(_REFIT_JS % _js([[miny, minx], [maxy, maxx]])).add_to(m)
    return m


def _legend_html(*, hidden, colors, names, overlap, small, large, mstfsg) -> str:
    rows = ["<details open><summary>Legenda</summary><b>Kategoria OSI gminy</b>"]
    for c in OSI_CATEGORIES:
        rows.append(f'<div><i style="background:{OSI_COLORS[c]}"></i>{_esc(OSI_LABELS[c])}</div>')
    if hidden:
        rows.append(f'<div><i style="background:{HIDDEN_FILL}"></i>gmina poza filtrem</div>')
    if small or large or mstfsg:
        rows.append("<b>Miasta</b>")
    if small:
        rows.append(f'<div><i style="background:{SMALL_TOWN_COLOR};border-radius:50%;width:10px;height:10px">'
                    "</i>małe miasto powiatowe</div>")
    if large:
        rows.append(f'<div><i style="background:#FFF;border:2px solid {SMALL_TOWN_COLOR};border-radius:50%;'
                    'width:8px;height:8px"></i>miasto powiatowe powyżej progu</div>')
    if mstfsg:
        rows.append(f'<div><i style="border:2px dashed {MSTFSG_COLOR};border-radius:50%;width:10px;height:10px">'
                    "</i>MSTFSG (kontekst)</div>")
    if colors:
        rows.append("<b>Partnerstwa</b>")
        for pid, color in colors.items():
            swatch = f'<i style="background:{color}22;border:3px solid {color}"></i>'
            rows.append(f"<div>{swatch}{_esc(names.get(pid, pid))}</div>")
    if overlap:
        rows.append(f'<div><i style="border:3px dashed {OVERLAP_COLOR}"></i>gmina w kilku partnerstwach</div>')
    rows.append('<div style="margin-top:4px;color:#666">Źródło granic: GUGiK, PRG</div></details>')
    return "".join(rows)
