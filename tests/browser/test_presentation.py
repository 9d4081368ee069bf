"""Presentation mode (`?prezentacja=1`, for screenshots at the Programme Council) on every page at
three screen sizes: no sidebar, the title with the nabór and the data dates, the ILLUSTRATIVE
watermark on example data, static HTML tables instead of data grids, chart text ≥ 18 px at
1920×1080, and on the map page the whole map and its legend on the screen without scrolling.

Screenshots (what the screen shows): artifacts/screenshots/prezentacja-<page>-<w>x<h>.png.
"""
from __future__ import annotations

import pytest
from browser_support import (
    MAP_IFRAME,
    MAP_SUMMARY_JS,
    N_GMINY,
    PAGES,
    SIZES,
    assert_no_errors,
    log_size,
    map_frame,
    page_name,
    require_browser,
    view_screenshot,
    wait_map_settled,
)

require_browser()

DEMO_NAME = "Przykład – dane ilustracyjne (tylko do odczytu)"
WATERMARK = "ILUSTRACYJNE"  # cwd.style.ILLUSTRATIVE_MARK
MIN_CHART_PX = 18
WITH_TABLES = {"/kandydaci", "/ocena", "/wybor", "/dane"}
WITH_CHARTS = {"/kandydaci", "/wybor"}

# Every text of the plotly charts as drawn (SVG <text>), with its computed font size.
CHART_TEXT_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"] svg text')]
    .filter(t => t.textContent.trim() && t.getBBox().width > 0)
    .map(t => ({text: t.textContent.slice(0, 60), px: parseFloat(getComputedStyle(t).fontSize),
                cls: t.getAttribute('class')}))"""


def in_view(box: dict, inner: list[int]) -> bool:
    return box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= inner[0] + 0.5 \
        and box["y"] + box["height"] <= inner[1] + 0.5


@pytest.mark.parametrize("path,title", PAGES, ids=[page_name(p) for p, _ in PAGES])
def test_presentation_mode_at_every_size(example_app, demo, path, title):
    log_start = log_size(example_app)
    tab = demo(path, title, "?prezentacja=1")
    page, recorder = tab.page, tab.recorder
    frame = map_frame(page) if path == "/" else None
    for width, height in SIZES:
        where = f"{page_name(path)} {width}×{height}"
        page.set_viewport_size({"width": width, "height": height})
        if frame is not None:
            wait_map_settled(page, frame)
        else:
            page.wait_for_timeout(500)  # tables and charts follow the new width
        inner = page.evaluate("() => [window.innerWidth, window.innerHeight]")
        assert not page.locator('[data-testid="stSidebar"]').is_visible(), f"{where}: the sidebar is shown"
        assert page.get_by_text("Zakończ tryb prezentacji").is_visible(), f"{where}: no way back"

        # the title, the nabór and the data dates, on the screen
        heading = page.locator("h1").filter(has_text=title).first
        assert heading.is_visible() and in_view(heading.bounding_box(), inner), f"{where}: title"
        dates = page.locator('[data-testid="stCaptionContainer"]').filter(has_text="ludność gmin: GUS").first
        assert dates.is_visible() and in_view(dates.bounding_box(), inner), f"{where}: the data dates line"
        line = dates.inner_text()
        assert f"Nabór: {DEMO_NAME}" in line and "miasta powiatowe: stan na 30.06.2019" in line, line

        # the watermark (drawn by CSS, hidden from screen readers: it is decoration)
        mark = page.locator(".cwd-watermark")
        assert mark.count() == 1 and mark.is_visible(), f"{where}: no ILLUSTRATIVE watermark"
        assert page.evaluate("() => getComputedStyle(document.querySelector('.cwd-watermark'), '::after').content") \
            == f'"{WATERMARK}"'
        box = mark.bounding_box()
        assert box["width"] > 100 and in_view(box, inner), (where, box)

        if frame is not None:  # the whole map and its legend in view: nothing to scroll for
            iframe = page.locator(MAP_IFRAME).first.bounding_box()
            legend = page.locator(".cwd-legend").first.bounding_box()
            assert in_view(iframe, inner), f"{where}: the map runs off the screen: {iframe}, {inner}"
            assert in_view(legend, inner), f"{where}: the legend runs off the screen: {legend}, {inner}"
            assert iframe["height"] >= 300, f"{where}: the map is squeezed: {iframe}"
            assert len(frame.evaluate(MAP_SUMMARY_JS)["gminy"]) == N_GMINY
            assert frame.evaluate("() => window.map.getContainer().classList.contains('cwd-big')")

        if path in WITH_TABLES:  # static HTML tables, no data grid (a grid draws on a canvas, in small type)
            assert page.locator('[data-testid="stDataFrame"]').count() == 0, f"{where}: a data grid"
            tables = page.locator('[data-testid="stTable"] table')
            assert tables.count() >= 1, f"{where}: no table"
            assert tables.first.locator("td").count() > 0

        if path in WITH_CHARTS and width == 1920:
            texts = page.evaluate(CHART_TEXT_JS)
            assert texts, f"{where}: no chart text found"
            small = [t for t in texts if t["px"] < MIN_CHART_PX]
            assert not small, f"{where}: chart text under {MIN_CHART_PX} px: {small[:8]}"

        assert_no_errors(page, example_app, log_start, where)
        view_screenshot(page, f"prezentacja-{page_name(path)}-{width}x{height}")
    assert recorder.external == [], f"requests to non-local hosts: {recorder.external}"
