"""Real-browser tests: the running dashboard in Debian's Chromium, driven by Playwright (DESIGN §4).

Two app servers are started once per session: one with the shipped example forms, one with forms whose
partnership names are hostile (HTML, a spreadsheet formula). Chromium resolves no host but localhost,
every request is recorded, and a test fails on any request that would leave the machine.

Screenshots of every page (normal and presentation mode) go to artifacts/screenshots/ (git-ignored),
and a screenshot is taken whenever a test fails, so a failed CI run can be inspected.

Skipped when Chromium or Playwright is missing, unless CWD_REQUIRE_BROWSER=1 (CI): then it fails.
"""
from __future__ import annotations

import importlib.util
import os
import re
import tempfile
from pathlib import Path

import pytest

from browser_support import (
    CHROMIUM, CHROMIUM_ARGS, FORMULA_NAME, MAP_SUMMARY_JS, PAGES, ROOT, XSS_NAME, Recorder,
    hostile_forms_csv, map_frame, screenshot, start_server, wait_for_app, wait_healthy,
)

_missing = [what for what, ok in (
    (str(CHROMIUM), CHROMIUM.exists()),
    ("the playwright Python package", importlib.util.find_spec("playwright") is not None),
) if not ok]
if _missing:
    if os.environ.get("CWD_REQUIRE_BROWSER") == "1":
        pytest.fail(f"CWD_REQUIRE_BROWSER=1 but {' and '.join(_missing)} is missing", pytrace=False)
    pytest.skip(f"browser tests need {' and '.join(_missing)}", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402

N_GMINY = 118  # gminas of the Podlaskie voivodeship
APP_ERROR = "Wystąpił nieoczekiwany błąd"  # cwd.ui.chrome.guarded(): an exception caught by the app
EXAMPLE_FORMS = ROOT / "data" / "formularze_przyklad.csv"
HOSTILE_IDS = {"P01": XSS_NAME, "P02": FORMULA_NAME}
MAP_TIMEOUT = 90_000  # ms; the first map of a cold server is built on request


# --- fixtures ----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def servers():
    """Both app servers, started together (each with its own database).

    Own temporary folder, not tmp_path_factory's: pytest deletes all but its three newest base
    folders, also those of a concurrent run, which would pull the database from under the servers."""
    with tempfile.TemporaryDirectory(prefix="cwd-browser-") as name:
        yield from _servers(Path(name))


def _servers(tmp: Path):
    forms = tmp / "formularze_wrogie.csv"
    forms.write_text(hostile_forms_csv(EXAMPLE_FORMS, HOSTILE_IDS), encoding="utf-8")
    started = {
        "example": start_server("example", tmp / "example"),
        "hostile": start_server("hostile", tmp / "hostile", {"CWD_FORMS": str(forms)}),
    }
    try:
        for server in started.values():
            wait_healthy(server)
        yield started
    finally:
        for server in started.values():
            server.stop()


@pytest.fixture(scope="session")
def example_app(servers):
    return servers["example"]


@pytest.fixture(scope="session")
def hostile_app(servers):
    return servers["hostile"]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def session(browser, request):
    """A fresh browser context (fresh Streamlit session), its recorder and one page.

    On failure the page is saved as FAILED-<test>.png (the call phase is reported before teardown,
    so a rise of session.testsfailed means this test failed)."""
    context = browser.new_context(locale="pl-PL", viewport={"width": 1400, "height": 900})
    context.set_default_timeout(MAP_TIMEOUT)
    recorder = Recorder()
    recorder.attach(context)
    page = context.new_page()
    failed_before = request.session.testsfailed
    yield page, recorder
    try:
        if request.session.testsfailed > failed_before:
            full_screenshot(page, "FAILED-" + re.sub(r"[^\w.-]+", "_", request.node.name))
    except Exception as exc:  # best effort: a crashed page must not hide the test's own failure
        print(f"no failure screenshot: {exc}")
    finally:
        context.close()


# --- helpers -----------------------------------------------------------------------------------
def page_name(path: str) -> str:
    return path.strip("/") or "mapa"


def open_page(page, server, path: str, title: str | None, query: str = "") -> None:
    page.goto(server.url + path + query)
    try:
        wait_for_app(page, title, timeout=MAP_TIMEOUT)
    except Exception as exc:
        if server.process.poll() is not None:  # say so when the server is gone, not just "timeout"
            raise AssertionError(f"the app server exited ({server.process.returncode}):\n"
                                 f"{server.log_tail()}") from exc
        raise


def assert_no_errors(page, server, log_start: int) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, "Streamlit shows an exception"
    text = page.evaluate("() => document.body.innerText")
    assert "Traceback" not in text
    assert APP_ERROR not in text, "the app caught an unexpected error (see the server log)"
    new_log = server.log_path.read_text(encoding="utf-8", errors="replace")[log_start:]
    assert "Traceback" not in new_log, new_log[-3000:]


def log_size(server) -> int:
    return len(server.log_path.read_text(encoding="utf-8", errors="replace"))


def full_screenshot(page, name: str) -> Path:
    """Streamlit scrolls inside its main section, so the viewport is grown to the content first."""
    size = page.viewport_size
    height = page.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMain"]');
        const side = document.querySelector('[data-testid="stSidebarContent"]');
        return Math.max(main ? main.scrollHeight : 0, side ? side.scrollHeight : 0, window.innerHeight);
    }""")
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 12_000)})
    try:
        page.wait_for_timeout(700)  # let the grown layout (charts, map iframe) repaint
        return screenshot(page, name)
    finally:
        page.set_viewport_size(size)


def img_x_count(frame) -> int:
    return frame.evaluate("() => [...document.querySelectorAll('img')].filter(i => i.getAttribute('src') === 'x').length")


def assert_no_img_x(page) -> None:
    for frame in page.frames:
        if frame.is_detached():
            continue
        assert img_x_count(frame) == 0, f"an <img src=x> was created in {frame.url}"


def wait_map_settled(page, frame, polls: int = 3) -> None:
    """Until the map's view stops changing (it refits once its frame is sized and the legend drawn)."""
    last, same = None, 0
    for _ in range(60):
        view = frame.evaluate("() => JSON.stringify([window.map.getZoom(), window.map.getCenter(), "
                              "window.map.getSize()])")
        same = same + 1 if view == last else 0
        if same >= polls:
            return
        last = view
        page.wait_for_timeout(250)


def hover_area(page, frame, pid: str, name: str) -> bool:
    """Move the real mouse along the outline of partnership `pid` (areas take the mouse on their
    outline only; where another area's outline or the legend is on top, the next vertex is tried)
    until the area's own tooltip opens; True when it did."""
    iframe = page.locator("iframe[title*='streamlit_folium']").first
    iframe.scroll_into_view_if_needed()
    wait_map_settled(page, frame)
    box = iframe.bounding_box()
    n = frame.evaluate("""(pid) => {
        window.__cwdTestVertices = [];
        window.map.eachLayer(layer => {
            const p = layer.feature && layer.feature.properties;
            if (!p || p.partnerstwo_id !== pid || !layer.getLatLngs) return;
            const flat = (ll) => Array.isArray(ll) ? ll.flatMap(flat) : [ll];
            window.__cwdTestVertices.push(...flat(layer.getLatLngs()));
        });
        return window.__cwdTestVertices.length;
    }""", pid)
    viewport = page.viewport_size
    tooltip = frame.locator(".leaflet-tooltip")
    for i in range(0, n, max(1, n // 80)):
        x, y = frame.evaluate("""(i) => {
            const rect = window.map.getContainer().getBoundingClientRect();
            const c = window.map.latLngToContainerPoint(window.__cwdTestVertices[i]);
            return [rect.left + c.x, rect.top + c.y];
        }""", i)
        px, py = box["x"] + x, box["y"] + y
        if not (0 < px < viewport["width"] and 0 < py < viewport["height"]):
            continue
        page.mouse.move(px, py)
        page.wait_for_timeout(100)
        if tooltip.count() and name in tooltip.first.inner_text():
            return True
    return False


# --- 1. every page loads, in Polish, offline ---------------------------------------------------
@pytest.mark.parametrize("path,title", PAGES, ids=[page_name(p) for p, _ in PAGES])
def test_page_loads_offline(example_app, session, path, title):
    page, recorder = session
    log_start = log_size(example_app)
    open_page(page, example_app, path, title)
    if path == "/":
        map_frame(page, timeout=MAP_TIMEOUT)
    assert page.locator("h1").filter(has_text=title).first.is_visible()
    assert_no_errors(page, example_app, log_start)
    full_screenshot(page, page_name(path))
    assert recorder.external == [], f"requests to non-local hosts: {recorder.external}"


@pytest.mark.parametrize("path,title", PAGES, ids=[page_name(p) for p, _ in PAGES])
def test_presentation_mode(example_app, session, path, title):
    page, recorder = session
    log_start = log_size(example_app)
    # The map page's title may differ in presentation mode (a title for the slide); the others keep theirs.
    open_page(page, example_app, path, None if path == "/" else title, "?prezentacja=1")
    if path == "/":
        page.locator("h1").first.wait_for(state="visible")
        map_frame(page, timeout=MAP_TIMEOUT)
    assert not page.locator('[data-testid="stSidebar"]').is_visible(), "presentation mode shows the sidebar"
    assert_no_errors(page, example_app, log_start)
    full_screenshot(page, f"{page_name(path)}-prezentacja")
    assert recorder.external == [], f"requests to non-local hosts: {recorder.external}"


# --- 2. the map draws offline ------------------------------------------------------------------
def test_map_draws_all_gminas_and_areas_offline(example_app, session):
    page, recorder = session
    open_page(page, example_app, "/", "Mapa OSI i partnerstw")
    frame = map_frame(page, timeout=MAP_TIMEOUT)
    summary = frame.evaluate(MAP_SUMMARY_JS)
    assert summary["leaflet"], "Leaflet (L) is not defined in the map frame"
    assert summary["hasMap"], "no Leaflet map in the map frame"
    assert len(summary["gminy"]) == N_GMINY, f"{len(summary['gminy'])} gminas drawn"
    assert all(t.startswith("20") for t in summary["gminy"])  # Podlaskie's TERYT prefix
    expected = {line.split(";", 1)[0] for line in EXAMPLE_FORMS.read_text(encoding="utf-8-sig").splitlines()[1:]
                if line.strip()}
    assert set(summary["partnerstwa"]) == expected
    legend = frame.locator(".cwd-legend")
    assert legend.get_by_text("Legenda").first.is_visible()
    assert "Ziemia Wysokomazowiecka" in legend.inner_text()
    # Leaflet's CSS is the app's own copy: the map pane is positioned (unstyled Leaflet is not).
    assert frame.evaluate("() => getComputedStyle(document.querySelector('.leaflet-pane')).position") == "absolute"
    assert recorder.external == [], f"requests to non-local hosts: {recorder.external}"
    assert any("/app/static/vendor/leaflet/leaflet.js" in u for u in recorder.urls)


def test_map_keeps_the_voivodeship_clear_of_the_legend(example_app, session):
    """_REFIT_JS: 'keep the voivodeship clear of the legend (bottom-left) when there is room beside it'."""
    page, _ = session
    open_page(page, example_app, "/", "Mapa OSI i partnerstw")
    frame = map_frame(page, timeout=MAP_TIMEOUT)
    wait_map_settled(page, frame)
    g = frame.evaluate("""() => {
        const box = window.map.getContainer().getBoundingClientRect();
        const legend = document.querySelector('.cwd-legend').getBoundingClientRect();
        let west = Infinity;
        window.map.eachLayer(l => {
            const p = l.feature && l.feature.properties;
            if (p && /^[0-9]{7}$/.test(String(p.teryt ?? '')) && l._path)
                west = Math.min(west, l._path.getBoundingClientRect().left);
        });
        return {width: box.width, legendWidth: legend.width, legendRight: legend.right - box.left,
                west: west - box.left};
    }""")
    assert g["width"] > 2.2 * g["legendWidth"], f"no room beside the legend at this size: {g}"
    assert g["west"] >= g["legendRight"], f"gminas under the legend: {g}"


# --- 3. names from forms stay text -------------------------------------------------------------
def test_hostile_partnership_names_stay_text(hostile_app, session):
    page, recorder = session
    log_start = log_size(hostile_app)

    # Map: drawn, name shown as text in the legend and the area's tooltip; a click opens the details.
    open_page(page, hostile_app, "/", "Mapa OSI i partnerstw")
    frame = map_frame(page, timeout=MAP_TIMEOUT)
    summary = frame.evaluate(MAP_SUMMARY_JS)
    assert len(summary["gminy"]) == N_GMINY
    assert {"P01", "P02"} <= set(summary["partnerstwa"])
    legend = frame.locator(".cwd-legend").inner_text()
    assert XSS_NAME in legend and FORMULA_NAME in legend
    assert hover_area(page, frame, "P01", XSS_NAME), "no tooltip with the partnership's name on its outline"
    page.mouse.down()
    page.mouse.up()
    page.locator("h5").filter(has_text=XSS_NAME).first.wait_for(state="visible")
    wait_for_app(page, "Mapa OSI i partnerstw", timeout=MAP_TIMEOUT)
    assert_no_errors(page, hostile_app, log_start)
    assert_no_img_x(page)
    full_screenshot(page, "wrogie-mapa")

    for path, title in PAGES[1:]:
        open_page(page, hostile_app, path, title)
        assert_no_errors(page, hostile_app, log_start)
        assert_no_img_x(page)
        if path == "/kandydaci":
            # The data grid draws on a canvas; the comparison picker shows the names as DOM text.
            picker = page.locator('[data-testid="stMain"] [data-testid="stMultiSelect"]').first
            assert picker.get_by_text(f"P01 – {XSS_NAME}", exact=True).is_visible()
            assert picker.get_by_text(f"P02 – {FORMULA_NAME}", exact=True).is_visible()
        if path == "/ocena":  # P01 is picked first: its name is the heading
            heading = page.locator("h3").filter(has_text=XSS_NAME).first
            assert heading.is_visible()
        full_screenshot(page, f"wrogie-{page_name(path)}")

    assert recorder.dialogs == [], f"a dialog was opened: {recorder.dialogs}"
    assert recorder.external == [], f"requests to non-local hosts: {recorder.external}"


# --- 4. images for print, made with no internet ------------------------------------------------
def _png_size(path: Path) -> tuple[int, int]:
    from PIL import Image

    with Image.open(path) as image:
        assert image.format == "PNG"
        return image.size


def test_map_png_for_print(example_app, session, tmp_path):
    page, recorder = session
    open_page(page, example_app, "/", "Mapa OSI i partnerstw")
    frame = map_frame(page, timeout=MAP_TIMEOUT)
    on_screen = frame.evaluate("() => window.map.getContainer().getBoundingClientRect().width")
    button = page.get_by_role("button", name=re.compile(r"Mapa do druku \(PNG\): pokazane partnerstwa"))
    with page.expect_download(timeout=MAP_TIMEOUT) as download:
        button.click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert re.fullmatch(r"cwd_mapa_partnerstw_\d{4}-\d{2}-\d{2}\.png", path.name)
    width, _height = _png_size(path)
    assert width >= 2 * on_screen, (width, on_screen)
    assert recorder.external == [], f"requests to non-local hosts: {recorder.external}"


def test_comparison_chart_png_for_print(example_app, session, tmp_path):
    page, recorder = session
    open_page(page, example_app, "/kandydaci", "Kandydaci")
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.scroll_into_view_if_needed()
    chart.wait_for(state="visible")
    on_screen = chart.bounding_box()["width"]
    chart.hover()
    with page.expect_download(timeout=MAP_TIMEOUT) as download:
        # plotly's own modebar button: the image is drawn in the browser (toImageButtonOptions, scale 3)
        chart.locator('[data-title="Download plot as a PNG"], [data-title="Download plot as a png"]').first.click()
    path = tmp_path / (download.value.suggested_filename or "wykres.png")
    download.value.save_as(path)
    width, _height = _png_size(path)
    assert width >= 2 * on_screen, (width, on_screen)
    assert recorder.external == [], f"requests to non-local hosts: {recorder.external}"
