"""Names and ideas from forms stay text on every page, in normal and presentation mode.

The hostile server's nabór has forms whose partnership names are HTML, Markdown (an image, a link,
bold), math, a bare URL and a spreadsheet formula, and whose "pomysł" carries all of them
(browser_support.HOSTILE_NAMES / HOSTILE_IDEA). On every page: no <img> from outside 127.0.0.1 or
data:, no link to evil.example, no math rendered, no dialog, no request leaving the machine; and
each text is shown exactly as typed where the page shows names (data grids draw on a canvas, so the
names are looked for in the DOM text the page shows: the legend, pickers, headings, captions,
alerts, static tables; Dane names no partnership, only its safety is checked there). "As typed" is
what a reader sees: the zero-width word joiners cwd.ui.text.md puts into URLs are not counted.

Screenshots: artifacts/screenshots/wrogie-<page>.png, wrogie-<page>-prezentacja.png.
"""
from __future__ import annotations

import pytest
from browser_support import (
    HOSTILE_IDEA,
    HOSTILE_NAMES,
    MAP_SUMMARY_JS,
    N_GMINY,
    PAGES,
    XSS_NAME,
    as_seen,
    assert_no_errors,
    assert_nothing_created,
    full_screenshot,
    go_by_sidebar,
    hover_area,
    log_size,
    map_frame,
    page_name,
    require_browser,
    sign_in,
    visible_text,
    wait_for_app,
    wait_map_settled,
)

require_browser()

ALL = sorted(HOSTILE_NAMES)
LABELS = dict(zip([p for p, _ in PAGES], ["Mapa", "Kandydaci", "Ocena", "Wybór", "Dane"]))
TITLES = dict(PAGES)


def assert_shown(text: str, names: dict[str, str], ids, where: str, prefix: bool = False) -> None:
    """Each partnership's name is in `text` as typed ("P01 – name" when `prefix`)."""
    for pid in ids:
        wanted = f"{pid} – {names[pid]}" if prefix else names[pid]
        assert wanted in text, f"{where}: {wanted!r} is not shown as typed"


def test_hostile_texts_stay_text_in_normal_mode(servers, tab):
    page, recorder, server = tab.page, tab.recorder, servers.hostile
    log_start = log_size(server)
    page.goto(f"{server.url}/?nabor={servers.nabor}")
    sign_in(page, server, servers.account, TITLES["/"])

    # Map: every area drawn; the names in the legend; an outline's tooltip; a click opens the details.
    frame = map_frame(page)
    wait_map_settled(page, frame)
    summary = frame.evaluate(MAP_SUMMARY_JS)
    assert len(summary["gminy"]) == N_GMINY
    assert set(ALL) <= set(summary["partnerstwa"])
    assert_shown(visible_text(page.locator(".cwd-legend")), HOSTILE_NAMES, ALL, "map legend")
    assert hover_area(page, frame, "P01", XSS_NAME), "no tooltip with the partnership's name on its outline"
    page.mouse.down()
    page.mouse.up()
    details = page.locator("h5").filter(has_text=XSS_NAME).first
    details.wait_for(state="visible")
    assert f"P01 – {XSS_NAME}" in details.inner_text()
    wait_for_app(page, TITLES["/"])
    assert_nothing_created(page, recorder, "mapa")
    assert_no_errors(page, server, log_start, "mapa")
    full_screenshot(page, "wrogie-mapa")

    # Kandydaci: the comparison picker and the mini maps' captions (the grid draws on a canvas).
    go_by_sidebar(page, server, LABELS["/kandydaci"], TITLES["/kandydaci"])
    main = page.locator('[data-testid="stMain"]')
    picker = main.locator('[data-testid="stMultiSelect"]').first
    for pid in ("P01", "P02", "P03"):
        assert picker.get_by_text(f"{pid} – {HOSTILE_NAMES[pid]}", exact=True).is_visible(), pid
    captions = as_seen(" ".join(main.locator('[data-testid="stCaptionContainer"]').all_inner_texts()))
    assert_shown(captions, HOSTILE_NAMES, ("P01", "P02", "P03"), "mini map captions", prefix=True)
    assert_nothing_created(page, recorder, "kandydaci")
    assert_no_errors(page, server, log_start, "kandydaci")
    full_screenshot(page, "wrogie-kandydaci")

    # Ocena: P01 is selected: its name is the heading, its idea in the form's expander.
    go_by_sidebar(page, server, LABELS["/ocena"], TITLES["/ocena"])
    heading = page.locator("h3").filter(has_text=XSS_NAME).first
    assert heading.is_visible()
    expander = main.locator('[data-testid="stExpander"]').filter(has_text="Pomysł na współpracę (z formularza)").first
    expander.locator("summary").click()
    idea = expander.locator('[data-testid="stExpanderDetails"]')
    idea.wait_for(state="visible")
    assert HOSTILE_IDEA in as_seen(idea.inner_text()), idea.inner_text()
    assert_nothing_created(page, recorder, "ocena")
    assert_no_errors(page, server, log_start, "ocena")
    full_screenshot(page, "wrogie-ocena")

    # Wybór: the proposal names the partnerships that meet every criterion (P01, P02 in these forms).
    go_by_sidebar(page, server, LABELS["/wybor"], TITLES["/wybor"])
    proposal = visible_text(main.locator('[data-testid="stAlert"]').filter(has_text="Propozycja"))
    assert_shown(proposal, HOSTILE_NAMES, ("P01", "P02"), "the proposal", prefix=True)
    assert_nothing_created(page, recorder, "wybor")
    assert_no_errors(page, server, log_start, "wybor")
    full_screenshot(page, "wrogie-wybor")

    go_by_sidebar(page, server, LABELS["/dane"], TITLES["/dane"])
    assert_nothing_created(page, recorder, "dane")
    assert_no_errors(page, server, log_start, "dane")
    full_screenshot(page, "wrogie-dane")


# Where presentation mode shows the names: the legend, the static tables, the heading.
PRESENTED = {
    "/": (".cwd-legend", ALL, False),
    "/kandydaci": ('[data-testid="stTable"]', ALL, False),
    "/ocena": ("h3", ["P01"], False),
    "/wybor": ('[data-testid="stTable"]', ALL, False),
    "/dane": (None, [], False),
}


@pytest.mark.parametrize("path,title", PAGES, ids=[page_name(p) for p, _ in PAGES])
def test_hostile_texts_stay_text_in_presentation_mode(servers, tab, path, title):
    page, recorder, server = tab.page, tab.recorder, servers.hostile
    log_start = log_size(server)
    page.goto(f"{server.url}{path}?nabor={servers.nabor}&prezentacja=1")
    sign_in(page, server, servers.account, title)
    if path == "/":
        wait_map_settled(page, map_frame(page))
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    selector, ids, prefix = PRESENTED[path]
    if selector:
        text = as_seen(" ".join(page.locator(selector).all_inner_texts()))
        assert_shown(text, HOSTILE_NAMES, ids, f"{page_name(path)} (prezentacja)", prefix)
    assert_nothing_created(page, recorder, f"{page_name(path)} (prezentacja)")
    assert_no_errors(page, server, log_start, f"{page_name(path)} (prezentacja)")
    full_screenshot(page, f"wrogie-{page_name(path)}-prezentacja")
