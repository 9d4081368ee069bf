"""Every page in Debian's Chromium at three screen sizes, offline (DESIGN §4): it renders in Polish with
its title, without an error or a traceback, and asks nothing of the internet; the map draws the
118 gminas with the app's own Leaflet; a fresh server's first request to a sub-page renders that page
through the router (with its sidebar); the print images are made in the browser with no internet.

Screenshots: artifacts/screenshots/strona-<page>-<w>x<h>.png (the screen), strona-<page>-calosc.png (the
whole page at 1440×900), mapa-1280x720-etykiety.png, pierwsze-wejscie-<page>.png.
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from browser_support import (
    MAP_IFRAME,
    MAP_SUMMARY_JS,
    N_GMINY,
    PAGES,
    SIZES,
    assert_no_errors,
    full_screenshot,
    log_size,
    map_frame,
    open_page,
    page_name,
    require_browser,
    start_server,
    view_screenshot,
    wait_healthy,
    wait_map_settled,
    wait_until_shown,
)

from .conftest import EXAMPLE_FORMS, new_tab, screenshots_if_failed

require_browser()

EXAMPLE_IDS = sorted(line.split(";", 1)[0] for line in EXAMPLE_FORMS.read_text(encoding="utf-8-sig").splitlines()[1:]
                     if line.strip())
SUB_PAGES = [(path, title) for path, title in PAGES if path != "/"]
NAV_LABELS = ["Mapa", "Kandydaci", "Ocena", "Wybór", "Dane"]


# --- 1. every page, three sizes, offline --------------------------------------------------------
@pytest.mark.parametrize("path,title", PAGES, ids=[page_name(p) for p, _ in PAGES])
def test_page_renders_offline_at_every_size(example_app, demo, path, title):
    log_start = log_size(example_app)
    tab = demo(path, title)
    page, recorder = tab.page, tab.recorder
    frame = map_frame(page) if path == "/" else None
    for width, height in SIZES:
        where = f"{page_name(path)} {width}×{height}"
        page.set_viewport_size({"width": width, "height": height})
        if frame is not None:
            wait_map_settled(page, frame)
            drawn = frame.evaluate(MAP_SUMMARY_JS)
            assert len(drawn["gminy"]) == N_GMINY, f"{where}: {len(drawn['gminy'])} gminas drawn"
        else:
            page.wait_for_timeout(400)  # the grids and charts follow the new width
        assert page.locator("h1").filter(has_text=title).first.is_visible(), f"{where}: no title"
        assert page.locator('[data-testid="stSidebar"]').is_visible(), f"{where}: no sidebar"
        assert_no_errors(page, example_app, log_start, where)
        view_screenshot(page, f"strona-{page_name(path)}-{width}x{height}")
        if width == 1440:
            full_screenshot(page, f"strona-{page_name(path)}-calosc")
    assert recorder.external == [], f"requests to non-local hosts: {recorder.external}"
    assert tab.errors == [], f"JavaScript errors: {tab.errors}"


def test_map_draws_all_gminas_and_areas_offline(demo):
    tab = demo("/", "Mapa OSI i partnerstw")
    page, recorder = tab.page, tab.recorder
    frame = map_frame(page)
    summary = frame.evaluate(MAP_SUMMARY_JS)
    assert summary["leaflet"], "Leaflet (L) is not defined in the map frame"
    assert summary["hasMap"], "no Leaflet map in the map frame"
    assert summary["leafletVersion"] == "1.9.3"
    assert len(summary["gminy"]) == N_GMINY, f"{len(summary['gminy'])} gminas drawn"
    assert all(t.startswith("20") for t in summary["gminy"])  # Podlaskie's TERYT prefix
    assert summary["partnerstwa"] == EXAMPLE_IDS
    # the legend is beside the map now (the page's own HTML, not inside the frame)
    legend = page.locator(".cwd-legend")
    assert legend.get_by_text("Legenda").first.is_visible()
    assert "Ziemia Wysokomazowiecka" in legend.inner_text()
    # Leaflet's CSS is the app's own copy: the map pane is positioned (unstyled Leaflet is not).
    assert frame.evaluate("() => getComputedStyle(document.querySelector('.leaflet-pane')).position") == "absolute"
    assert recorder.external == [], f"requests to non-local hosts: {recorder.external}"
    assert any("/app/static/vendor/leaflet/leaflet.js" in u for u in recorder.urls)


# --- 3. the map page at 1280×720, without hovering ----------------------------------------------
def test_map_at_1280x720_shows_labels_counts_and_a_legend_beside_it(demo):
    page = demo("/", "Mapa OSI i partnerstw").page
    page.set_viewport_size({"width": 1280, "height": 720})
    frame = map_frame(page)
    wait_map_settled(page, frame)
    iframe = page.locator(MAP_IFRAME).first.bounding_box()
    inner = page.evaluate("() => [window.innerWidth, window.innerHeight]")
    assert frame.locator(".leaflet-tooltip").count() == 0  # nothing hovered

    # an id label for every partnership, inside the map and on the screen
    labels = frame.evaluate("""() => {
        const box = window.map.getContainer().getBoundingClientRect();
        return [...document.querySelectorAll('.cwd-label .cwd-label-box')].map(e => {
            const r = e.getBoundingClientRect(), cs = getComputedStyle(e);
            return {text: e.textContent, left: r.left, top: r.top, right: r.right, bottom: r.bottom,
                    inside: r.left >= box.left && r.right <= box.right && r.top >= box.top && r.bottom <= box.bottom,
                    shown: cs.visibility === 'visible' && cs.display !== 'none' && +cs.opacity > 0.5
                           && r.width > 20 && r.height > 12};
        });
    }""")
    assert sorted(x["text"].split()[0] for x in labels) == EXAMPLE_IDS, labels
    for x in labels:
        on_screen = 0 <= iframe["x"] + x["left"] and iframe["x"] + x["right"] <= inner[0] \
            and 0 <= iframe["y"] + x["top"] and iframe["y"] + x["bottom"] <= inner[1]
        assert x["inside"] and x["shown"] and on_screen, x

    # the status counts above the map
    chips = page.locator("span").filter(has_text=re.compile(r"^[✓?✗] \d+ "))
    texts = [chips.nth(i).inner_text() for i in range(chips.count())]
    assert [t[0] for t in texts] == ["✓", "?", "✗"], texts
    for i in range(chips.count()):
        box = chips.nth(i).bounding_box()
        assert chips.nth(i).is_visible() and box["y"] >= 0 and box["y"] + box["height"] <= iframe["y"], (texts[i], box)
    assert sum(int(t.split()[1]) for t in texts) == len(EXAMPLE_IDS)

    # the legend is beside the map iframe, never over it
    legend = page.locator(".cwd-legend").first.bounding_box()
    overlap_w = min(legend["x"] + legend["width"], iframe["x"] + iframe["width"]) - max(legend["x"], iframe["x"])
    overlap_h = min(legend["y"] + legend["height"], iframe["y"] + iframe["height"]) - max(legend["y"], iframe["y"])
    assert overlap_w <= 0 or overlap_h <= 0, (legend, iframe)
    assert legend["x"] >= iframe["x"] + iframe["width"] - 1
    full_screenshot(page, "mapa-1280x720-etykiety")


# --- a fresh server's first request to a sub-page -------------------------------------------------
@pytest.fixture(scope="module")
def first_requests(browser):
    """One fresh server per sub-page, started together (no request has reached any of them:
    Streamlit's legacy pages/ mode is on until some run calls st.navigation); then each one's first
    request, to its sub-page, sent at once (the servers answer side by side). {path: (server, tab)}"""
    require_browser()
    with tempfile.TemporaryDirectory(prefix="cwd-browser-fresh-") as name:
        started = {path: start_server(f"fresh-{page_name(path)}", Path(name) / page_name(path)) for path, _ in SUB_PAGES}
        tabs = {}
        try:
            for server in started.values():
                wait_healthy(server)
            for path, server in started.items():
                tabs[path] = new_tab(browser)
                tabs[path].page.goto(server.url + path, wait_until="commit")
            yield {path: (started[path], tabs[path]) for path in started}
        finally:
            for tab in tabs.values():
                tab.context.close()
            for server in started.values():
                server.stop()


@pytest.mark.parametrize("path,title", SUB_PAGES, ids=[page_name(p) for p, _ in SUB_PAGES])
def test_first_request_of_a_fresh_server_renders_the_page_with_the_router(first_requests, request, path, title):
    server, tab = first_requests[path]
    page = tab.page
    try:
        check_first_request(server, page, path, title)
    finally:
        screenshots_if_failed(request, [tab])


def check_first_request(server, page, path: str, title: str) -> None:
    log_start = 0  # the whole log of this server: it has served nothing else
    wait_until_shown(page, server, title)
    assert page.locator("h1").filter(has_text=title).count() == 1, "the page rendered twice (or not at all)"
    nav = page.locator('[data-testid="stSidebarNav"]')
    assert nav.is_visible(), "no router sidebar: the page ran in legacy pages/ mode"
    links = [re.sub(r"^\w+\s+", "", t.strip()) for t in nav.locator("a").all_inner_texts()]  # icon ligature first
    assert links == NAV_LABELS, links
    assert page.locator('[data-testid="stSidebar"]').get_by_text("Ustawienia OSI").is_visible()
    text = page.evaluate("() => document.body.innerText")
    assert "Page not found" not in text and "You have requested page" not in text
    assert_no_errors(page, server, log_start, page_name(path))
    assert page.url.startswith(server.url + path)
    full_screenshot(page, f"pierwsze-wejscie-{page_name(path)}")


# --- images for print, made with no internet ------------------------------------------------------
def _png_size(path: Path) -> tuple[int, int]:
    from PIL import Image

    with Image.open(path) as image:
        assert image.format == "PNG"
        return image.size


def test_map_png_for_print(example_app, tab, tmp_path):
    page, recorder = tab.page, tab.recorder
    open_page(page, example_app, "/", "Mapa OSI i partnerstw")
    frame = map_frame(page)
    on_screen = frame.evaluate("() => window.map.getContainer().getBoundingClientRect().width")
    button = page.get_by_role("button", name=re.compile(r"Mapa do druku \(PNG\): pokazane partnerstwa"))
    with page.expect_download() as download:
        button.click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert re.fullmatch(r"cwd_mapa_partnerstw_\d{4}-\d{2}-\d{2}\.png", path.name)
    width, _height = _png_size(path)
    assert width >= 2 * on_screen, (width, on_screen)
    assert recorder.external == [], f"requests to non-local hosts: {recorder.external}"


def test_comparison_chart_png_for_print(example_app, tab, tmp_path):
    page, recorder = tab.page, tab.recorder
    open_page(page, example_app, "/kandydaci", "Kandydaci")
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.scroll_into_view_if_needed()
    chart.wait_for(state="visible")
    on_screen = chart.bounding_box()["width"]
    chart.hover()
    with page.expect_download() as download:
        # plotly's own modebar button: the image is drawn in the browser (toImageButtonOptions, scale 3)
        chart.locator('[data-title="Download plot as a PNG"], [data-title="Download plot as a png"]').first.click()
    path = tmp_path / (download.value.suggested_filename or "wykres.png")
    download.value.save_as(path)
    width, _height = _png_size(path)
    assert width >= 2 * on_screen, (width, on_screen)
    assert recorder.external == [], f"requests to non-local hosts: {recorder.external}"
