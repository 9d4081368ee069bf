"""cwd.map in a real browser: the harness app (tests/map/harness_app.py) in Debian's Chromium driven by
Playwright, every non-local host unresolvable (tests/browser_support.py).

What is proved: the map draws offline; a filter change restyles the same Leaflet map in the same
iframe document; a click on a gmina returns its TERYT to Python; partnership labels show without
hovering; names stay text; the map is one labelled tab stop; the legend lists only what is drawn,
with the drawn colours. Screenshots at three screen sizes go to artifacts/screenshots/map/.

Skipped when Chromium or Playwright is missing, unless CWD_REQUIRE_BROWSER=1 (CI): then it fails.
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path
from urllib.parse import unquote

import pytest

from harness import start_harness  # puts tests/ on sys.path for browser_support

from browser_support import (
    MAP_SUMMARY_JS, SCREENSHOTS, Recorder, map_frame, require_browser, wait_for_app, wait_healthy,
)

require_browser()

from cwd import style  # noqa: E402
from cwd.map.styles import CATEGORIES, DRAW_STYLES  # noqa: E402

N_GMINY = 118
EXAMPLE_IDS = [f"P{i:02d}" for i in range(1, 11)]
SHOTS = SCREENSHOTS / "map"
TIMEOUT = 90_000
HOSTILE = {"P01": "<img src=x onerror=alert(1)>", "P02": "</script><script>alert(2)</script>"}
SIZES = [(1280, 720), (1440, 900), (1920, 1080)]


@pytest.fixture(scope="module")
def harness():
    with tempfile.TemporaryDirectory(prefix="cwd-map-browser-") as name:
        server = start_harness("browser", Path(name))
        try:
            wait_healthy(server)
            yield server
        finally:
            server.stop()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="pl-PL")
    recorder = Recorder()
    recorder.attach(context)
    page = context.new_page()
    recorder.attach_page(page)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.recorder, page.errors = recorder, errors
    yield page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"failed-{request.node.name}.png"))
    context.close()


def open_map(page, server, query: str = ""):
    page.goto(server.url + "/" + query)
    wait_for_app(page, "Mapa – stanowisko testowe", timeout=TIMEOUT)
    frame = map_frame(page, timeout=TIMEOUT)
    frame.wait_for_function("() => window.cwdMap && window.cwdMap.stats.updates >= 1", timeout=TIMEOUT)
    settle(frame)
    return frame


LAYOUT_JS = """() => JSON.stringify([window.map.getZoom(), window.map.getCenter(),
    [...document.querySelectorAll('.cwd-label-box')].map(e => e.getBoundingClientRect())])"""


def settle(frame):
    """Until the update is drawn and the view has stopped changing (the frame gets its final size,
    and the map refits, a moment after the first draw; labels are laid out after each zoom)."""
    frame.wait_for_function("() => window.cwdMap.stats.lastDrawn >= window.cwdMap.stats.lastUpdate", timeout=TIMEOUT)
    previous = None
    for _ in range(40):
        frame.wait_for_timeout(150)
        now = frame.evaluate(LAYOUT_JS)
        if now == previous:
            return
        previous = now


def change(page, frame, action):
    """Do `action` (a sidebar interaction) and wait until the map has applied the next update."""
    before = frame.evaluate("() => window.cwdMap.stats.updates")
    action()
    frame.wait_for_function(f"() => window.cwdMap.stats.updates > {before}", timeout=TIMEOUT)
    wait_for_app(page, None, timeout=TIMEOUT)
    settle(frame)


def fills(frame) -> dict[str, str]:
    return frame.evaluate("""() => {
        const out = {};
        window.map.eachLayer(l => {
            const p = l.feature && l.feature.properties;
            if (p && /^[0-9]{7}$/.test(String(p.teryt ?? '')) && l._path && l.options.pane === 'cwdGminy')
                out[p.teryt] = l._path.getAttribute('fill');
        });
        return out;
    }""")


def sidebar(page):
    return page.locator('[data-testid="stSidebar"]')


# --- (c) drawn offline, (d) labels without hovering ----------------------------------------------------
def test_map_draws_every_gmina_offline_with_visible_labels(page, harness):
    frame = open_map(page, harness)
    summary = frame.evaluate(MAP_SUMMARY_JS)
    assert summary["hasMap"] and summary["leafletVersion"] == "1.9.3"
    assert len(summary["gminy"]) == N_GMINY and all(t.startswith("20") for t in summary["gminy"])
    assert summary["partnerstwa"] == EXAMPLE_IDS
    # permanent labels: id and status symbol, inside the map, without any hover
    labels = frame.evaluate("""() => {
        const box = window.map.getContainer().getBoundingClientRect();
        return [...document.querySelectorAll('.cwd-label-box')].map(e => {
            const r = e.getBoundingClientRect(), cs = getComputedStyle(e);
            return {text: e.textContent, inside: r.left >= box.left && r.right <= box.right && r.top >= box.top
                    && r.bottom <= box.bottom, visible: cs.visibility === 'visible' && r.width > 20 && r.height > 12,
                    fontPx: parseFloat(cs.fontSize), rect: [r.left, r.top, r.right, r.bottom]};
        });
    }""")
    assert not frame.locator(".leaflet-tooltip").count()  # nothing hovered
    assert sorted(x["text"].split()[0] for x in labels) == EXAMPLE_IDS
    for x in labels:
        assert re.fullmatch(r"P\d\d [✓?✗]", x["text"]) and x["inside"] and x["visible"] and x["fontPx"] >= 12, x
    # they do not sit on each other, nor on a town
    towns = frame.evaluate("() => [...document.querySelectorAll('.leaflet-cwdTowns-pane path')].map(p => {"
                           " const r = p.getBoundingClientRect(); return {text: 'miasto', rect: [r.left, r.top, r.right, r.bottom]}; })")
    assert len(towns) == 14
    for i, a in enumerate(labels):
        for b in labels[i + 1:] + towns:
            ra, rb = a["rect"], b["rect"]
            overlap_w = min(ra[2], rb[2]) - max(ra[0], rb[0])
            overlap_h = min(ra[3], rb[3]) - max(ra[1], rb[1])
            assert overlap_w <= 1 or overlap_h <= 1, (a, b)
    # the status reads without colour: the outline's dash pattern
    dashes = frame.evaluate("""() => {
        const out = {};
        document.querySelectorAll('path.cwd-outline').forEach(p => { out[p.getAttribute('stroke')] = p.getAttribute('stroke-dasharray'); });
        return Object.values(out);
    }""")
    assert set(dashes) <= {None, *[d for d in style.STATUS_DASH.values() if d]} and len(set(dashes)) >= 2
    # only the outline takes the mouse, labels not at all: inside an area a gmina (or a town) is hit
    hits = frame.evaluate("""() => {
        const rect = window.map.getContainer().getBoundingClientRect(), out = [];
        window.map.eachLayer(l => {
            if (!(l instanceof L.Marker) || !l.getElement() || !l.getElement().classList.contains('cwd-label')) return;
            const c = window.map.latLngToContainerPoint(l.getLatLng()), hit = document.elementFromPoint(rect.left + c.x, rect.top + c.y);
            out.push(hit ? [hit.tagName, (hit.closest('.leaflet-pane') || {}).className || null, String(hit.className.baseVal ?? hit.className)].join(' | ') : null);
        });
        return out;
    }""")
    assert len(hits) == 10 and all(h and re.search(r"leaflet-cwd(Gminy|Towns)-pane", h) for h in hits), hits
    # gminas claimed twice are hatched (a pattern, not colour alone)
    hatches = frame.evaluate("() => [...document.querySelectorAll('.leaflet-cwdHatch-pane path')].map(p => p.getAttribute('fill'))")
    assert hatches and set(hatches) == {"url(#cwd-hatch)"}
    # offline: Leaflet from the app, nothing else requested
    assert page.recorder.external == [], page.recorder.external
    assert any("/app/static/vendor/leaflet/leaflet.js" in u for u in page.recorder.urls)
    assert any(re.search(r"/app/static/vendor/cwd-map/cwd-base-[0-9a-f]+\.js", u) for u in page.recorder.urls)
    assert frame.evaluate("() => document.documentElement.lang") == "pl"
    assert not page.errors, page.errors


# --- (a) a filter change restyles in place -------------------------------------------------------------
def test_filter_change_restyles_the_same_map_in_place(page, harness):
    frame = open_map(page, harness)
    frame.evaluate("() => { window.__cwdProbe = 'sonda'; window.map.__cwdProbe = 'mapa'; }")
    page.evaluate("() => { window.__cwdIframe = document.querySelector(\"iframe[title*='streamlit_folium']\"); }")
    before = fills(frame)
    assert len(before) == N_GMINY and "#FFFFFF" not in before.values()
    change(page, frame, lambda: sidebar(page).get_by_text("powiat białostocki", exact=True).click())

    assert not frame.is_detached()
    assert page.evaluate("() => window.__cwdIframe === document.querySelector(\"iframe[title*='streamlit_folium']\")")
    assert frame.evaluate("() => [window.__cwdProbe, window.map.__cwdProbe, window.cwdMap.stats.inits]") == \
        ["sonda", "mapa", 1]
    after = fills(frame)
    inside = {t for t in after if t.startswith("2002")}
    assert inside and all(after[t] == before[t] for t in inside)
    assert all(after[t] == style.HIDDEN_FILL for t in after if t not in inside)
    # hidden gminas take no mouse: no tooltip, no click
    assert frame.evaluate("""() => [...document.querySelectorAll('.leaflet-cwdGminy-pane path')]
        .filter(p => p.getAttribute('fill') === '#FFFFFF' && p.classList.contains('leaflet-interactive')).length""") == 0
    shown = frame.evaluate(MAP_SUMMARY_JS)["partnerstwa"]
    assert 0 < len(shown) < 10
    change(page, frame, lambda: sidebar(page).get_by_text("wszystkie gminy", exact=True).click())
    assert fills(frame) == before
    assert frame.evaluate("() => [window.__cwdProbe, window.cwdMap.stats.inits]") == ["sonda", 1]
    assert not page.errors, page.errors


# --- (b) a click on a gmina returns its TERYT ----------------------------------------------------------
def test_click_on_a_gmina_returns_its_teryt(page, harness):
    frame = open_map(page, harness)
    iframe_box = page.locator("iframe[title*='streamlit_folium']").bounding_box()
    # a gmina whose label point shows the gmina itself (no town, label or outline on top)
    target = frame.evaluate("""() => {
        const base = Object.values(window.cwdBase)[0], rect = window.map.getContainer().getBoundingClientRect();
        for (let g = 0; g < base.t.length; g++) {
            const c = window.map.latLngToContainerPoint(base.lp[g]);
            const x = rect.left + c.x, y = rect.top + c.y, hit = document.elementFromPoint(x, y);
            let layer = null;
            window.map.eachLayer(l => { if (l._path === hit) layer = l; });
            if (layer && layer.feature && layer.feature.properties.teryt === base.t[g] && layer.options.pane === 'cwdGminy')
                return {teryt: base.t[g], x, y};
        }
        return null;
    }""")
    assert target, "no gmina free to click"
    zoom = frame.evaluate("() => window.map.getZoom()")
    page.mouse.move(iframe_box["x"] + target["x"], iframe_box["y"] + target["y"])
    frame.locator(".leaflet-tooltip").wait_for(state="visible")
    assert f"TERYT {target['teryt']}" in frame.locator(".leaflet-tooltip").inner_text()
    before = frame.evaluate("() => window.cwdMap.stats.updates")
    page.mouse.click(iframe_box["x"] + target["x"], iframe_box["y"] + target["y"])
    page.get_by_text(re.compile(r"Kliknięto: .*" + target["teryt"])).wait_for(timeout=TIMEOUT)
    frame.wait_for_function(f"() => window.cwdMap.stats.updates > {before}", timeout=TIMEOUT)
    settle(frame)
    # highlighted, and the map did not jump: the user clicked it where it is
    assert frame.evaluate("() => document.querySelectorAll('.leaflet-cwdSelect-pane path').length") == 1
    assert frame.evaluate("() => window.map.getZoom()") == zoom
    assert frame.evaluate("() => window.cwdMap.stats.inits") == 1


def test_selecting_a_partnership_zooms_to_it(page, harness):
    frame = open_map(page, harness)
    zoom = frame.evaluate("() => window.map.getZoom()")

    def pick():
        sidebar(page).locator('[data-testid="stSelectbox"]').click()
        page.get_by_role("option", name="P05", exact=True).click()

    change(page, frame, pick)
    frame.wait_for_timeout(600)  # the zoom animation
    assert frame.evaluate("() => window.map.getZoom()") > zoom
    inside = frame.evaluate("""() => {
        const outline = [...document.querySelectorAll('.cwd-label-sel .cwd-label-box')].map(e => e.textContent);
        return outline;
    }""")
    assert inside == ["P05 ?"]


# --- names from forms stay text --------------------------------------------------------------------------
def test_hostile_names_stay_text(page, harness):
    frame = open_map(page, harness, "?wrogie=1")
    assert frame.evaluate(MAP_SUMMARY_JS)["partnerstwa"] == EXAMPLE_IDS
    names = frame.evaluate("() => { const o = {}; window.map.eachLayer(l => { const p = l.feature && l.feature.properties;"
                           " if (p && p.partnerstwo_id) o[p.partnerstwo_id] = p.nazwa; }); return o; }")
    assert names["P01"] == HOSTILE["P01"] and names["P02"] == HOSTILE["P02"]
    # the outline's tooltip shows the name as text
    point = frame.evaluate("""() => {
        let target = null;
        window.map.eachLayer(l => { const p = l.feature && l.feature.properties; if (p && p.partnerstwo_id === 'P01') target = l; });
        const ll = target.getLatLngs()[0][0][0], c = window.map.latLngToContainerPoint(ll);
        const rect = window.map.getContainer().getBoundingClientRect();
        return [rect.left + c.x, rect.top + c.y];
    }""")
    box = page.locator("iframe[title*='streamlit_folium']").bounding_box()
    found = False
    for dx, dy in [(0, 0), (1, 0), (0, 1), (-1, 0), (0, -1), (2, 2), (-2, -2)]:
        page.mouse.move(box["x"] + point[0] + dx, box["y"] + point[1] + dy)
        page.wait_for_timeout(80)
        tips = frame.locator(".leaflet-tooltip")
        if tips.count() and HOSTILE["P01"] in tips.first.inner_text():
            found = True
            break
    assert found, "no tooltip with the partnership's name on its outline"
    legend = page.locator(".cwd-legend").inner_text()
    assert HOSTILE["P01"] in legend and HOSTILE["P02"] in legend
    assert frame.locator("img[src='x']").count() == 0 and page.locator("img[src='x']").count() == 0
    assert frame.evaluate("() => document.querySelectorAll('script:not([src])').length") >= 0
    assert page.recorder.dialogs == [] and not page.errors
    assert page.recorder.external == []


# --- accessibility ----------------------------------------------------------------------------------------
def test_map_is_one_labelled_tab_stop(page, harness):
    frame = open_map(page, harness)
    container = frame.locator("#map_div")
    assert container.get_attribute("role") == "region"
    assert container.get_attribute("aria-label") == "Mapa gmin: kategorie OSI i obszary partnerstw"
    container.focus()
    stops = []
    for _ in range(12):
        info = frame.evaluate("""() => { const e = document.activeElement;
            return e && e !== document.body ? {tag: e.tagName.toLowerCase(), id: e.id, cls: String(e.className.baseVal ?? e.className),
                    label: e.getAttribute('aria-label') || e.getAttribute('title') || ''} : null; }""")
        if info is None:
            break
        stops.append(info)
        page.keyboard.press("Tab")
    assert stops[0]["id"] == "map_div"
    assert all(s["tag"] not in {"path", "svg", "g"} for s in stops), stops
    labels = [s["label"] for s in stops[1:]]
    assert labels == ["Przybliż", "Oddal", "Pełny ekran"], stops
    # the keyboard pans the focused map
    container.focus()
    center = frame.evaluate("() => window.map.getCenter().lng")
    page.keyboard.press("ArrowRight")
    frame.wait_for_timeout(400)
    assert frame.evaluate("() => window.map.getCenter().lng") > center


def test_axe_finds_nothing_in_the_map_or_the_legend(page, harness):
    from axe_playwright_python.sync_playwright import Axe

    frame = open_map(page, harness)
    # the frame is a component of the page, not a page: it has no main landmark and no h1 of its own
    options = {"resultTypes": ["violations"],
               "rules": {"landmark-one-main": {"enabled": False}, "page-has-heading-one": {"enabled": False}}}
    found = Axe().run(frame, options=options).response["violations"]
    assert not found, [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in found]
    found = Axe().run(page, context={"include": [[".cwd-legend"]]}).response["violations"]
    assert not found, [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in found]


# --- the legend beside the map ---------------------------------------------------------------------------
def legend_fill(page, label: str) -> str:
    row = page.locator(".cwd-legend-row").filter(has_text=label).first
    src = unquote(row.locator("img").get_attribute("src"))
    return re.findall(r'<rect [^>]*fill="([^"]+)"', src)[1]


def test_legend_lists_what_is_drawn_with_the_drawn_colours(page, harness):
    frame = open_map(page, harness)
    legend = page.locator(".cwd-legend")
    assert "MSTFSG" not in legend.inner_text()
    # every category row's swatch is the fill the map draws for it
    drawn = fills(frame)
    shown = {CATEGORIES.index(c) for c in CATEGORIES if style.OSI_LABELS[c] in legend.inner_text()}
    assert shown
    for k in shown:
        colour = legend_fill(page, style.OSI_LABELS[CATEGORIES[k]])
        assert colour == DRAW_STYLES["gmina"][k]["fillColor"] and colour in drawn.values()
    assert set(drawn.values()) == {DRAW_STYLES["gmina"][k]["fillColor"] for k in shown}
    # MSTFSG: drawn and listed only while switched on, as the legend shows it
    change(page, frame, lambda: sidebar(page).get_by_text("Miasta średnie tracące funkcje (MSTFSG)").click())
    assert "MSTFSG" in legend.inner_text()
    rings = frame.evaluate("""() => [...document.querySelectorAll('.leaflet-cwdTowns-pane path')]
        .filter(p => p.getAttribute('stroke-dasharray') === '3 3').map(p => [p.getAttribute('stroke'), p.getAttribute('fill')])""")
    assert len(rings) == 7 and all(r == [style.MSTFSG["color"], "none"] for r in rings)
    change(page, frame, lambda: sidebar(page).get_by_text("Miasta średnie tracące funkcje (MSTFSG)").click())
    assert "MSTFSG" not in legend.inner_text()
    # towns: filled dot = small town, hollow ring = above the threshold, as the legend rows show
    towns = frame.evaluate("""() => [...document.querySelectorAll('.leaflet-cwdTowns-pane path')]
        .map(p => [p.getAttribute('fill'), p.getAttribute('stroke')])""")
    assert {tuple(t) for t in towns} <= {(style.TOWN_SMALL["fillColor"], style.TOWN_SMALL["color"]),
                                         (style.TOWN_LARGE["fillColor"], style.TOWN_LARGE["color"])}
    assert len(towns) == 14


# --- (e) screenshots ------------------------------------------------------------------------------------
@pytest.mark.parametrize("width,height", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_screenshots(page, harness, width, height):
    page.set_viewport_size({"width": width, "height": height})
    frame = open_map(page, harness)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"mapa-{width}x{height}.png"))
    # the whole voivodeship is in view, beside (not under) the legend
    g = frame.evaluate("""() => {
        const box = window.map.getContainer().getBoundingClientRect();
        let west = Infinity, east = -Infinity, north = Infinity, south = -Infinity;
        document.querySelectorAll('.leaflet-cwdGminy-pane path').forEach(p => {
            const r = p.getBoundingClientRect();
            west = Math.min(west, r.left); east = Math.max(east, r.right); north = Math.min(north, r.top); south = Math.max(south, r.bottom);
        });
        return {inside: west >= box.left && east <= box.right && north >= box.top && south <= box.bottom,
                height: south - north, boxHeight: box.height};
    }""")
    assert g["inside"] and g["height"] > 0.8 * g["boxHeight"], g
    legend = page.locator(".cwd-legend").bounding_box()
    iframe = page.locator("iframe[title*='streamlit_folium']").bounding_box()
    assert legend["x"] >= iframe["x"] + iframe["width"] - 1  # beside the map, never over it
    change(page, frame, lambda: sidebar(page).get_by_text("powiat białostocki", exact=True).click())
    page.screenshot(path=str(SHOTS / f"mapa-filtr-{width}x{height}.png"))
