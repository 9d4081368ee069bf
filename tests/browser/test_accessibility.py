"""Accessibility with axe-core (axe-playwright-python): no "serious" or "critical" violation on any
page, in normal and presentation mode, signed out (the demo) and signed in (forms, uploaders,
decision widgets); the page is in Polish (lang="pl", set by the app's script); the map is one tab
stop: Tab from the page reaches the labelled map region, then its three buttons, never a path.
"""
from __future__ import annotations

import pytest
from browser_support import (
    MAP_IFRAME,
    PAGES,
    go_by_sidebar,
    map_frame,
    open_page,
    page_name,
    require_browser,
    sign_in,
    wait_for_app,
    wait_map_settled,
)

require_browser()

from axe_playwright_python.sync_playwright import Axe

IMPACTS = {"serious", "critical"}
# Violations that come from Streamlit's own markup, which the app cannot change: (rule id, a piece of
# the offending node's HTML, why). Keep it short; every entry needs its reason.
ALLOWED: list[tuple[str, str, str]] = []
PAGE_OPTIONS = {"resultTypes": ["violations"], "iframes": False}  # the map frame is checked on its own
# The map frame is a component inside the page, not a page: the page has the main landmark and the h1.
FRAME_OPTIONS = {"resultTypes": ["violations"], "iframes": False,
                 "rules": {"landmark-one-main": {"enabled": False}, "page-has-heading-one": {"enabled": False},
                           "region": {"enabled": False}}}
MAP_REGION_LABEL = "Mapa gmin: kategorie OSI i obszary partnerstw"
MODES = [("", "zwykly"), ("?prezentacja=1", "prezentacja")]


def serious(target, options) -> list[str]:
    """The serious/critical violations axe finds in `target` (a page or a frame), minus ALLOWED."""
    found = Axe().run(target, options=options).response["violations"]
    out = []
    for v in found:
        if v["impact"] not in IMPACTS:
            continue
        for node in v["nodes"]:
            if any(rule == v["id"] and piece in node["html"] for rule, piece, _why in ALLOWED):
                continue
            out.append(f"{v['impact']} {v['id']}: {node['html'][:160]} – {v['help']}")
    return out


def assert_polish(page, where: str) -> None:
    page.wait_for_function("() => document.documentElement.lang === 'pl'", timeout=10_000)
    assert page.evaluate("() => document.documentElement.lang") == "pl", where


@pytest.mark.parametrize("query,mode", MODES, ids=[m for _, m in MODES])
@pytest.mark.parametrize("path,title", PAGES, ids=[page_name(p) for p, _ in PAGES])
def test_axe_finds_no_serious_violation_on_the_demo(demo, path, title, query, mode):
    page = demo(path, title, query).page
    page.set_viewport_size({"width": 1280, "height": 720})
    where = f"{page_name(path)} ({mode})"
    if path == "/":
        frame = map_frame(page)
        wait_map_settled(page, frame)
        assert serious(frame, FRAME_OPTIONS) == [], f"{where}, the map frame"
    else:
        page.wait_for_timeout(500)  # charts and grids finish drawing
    assert_polish(page, where)
    assert serious(page, PAGE_OPTIONS) == [], where


def test_axe_finds_no_serious_violation_signed_in(servers, tab):
    """The sign-in page, then every page of the hostile nabór with an approver's widgets (the
    assessment form, the uploaders, the decision), one session through the sidebar's links."""
    page, server = tab.page, servers.hostile
    page.goto(f"{server.url}/?nabor={servers.nabor}&p=P03")
    # Until the run has finished and stayed idle: axe on elements still dimmed as stale (a run in
    # progress) reports their contrast, which is not what a person reads.
    wait_for_app(page, "Logowanie", quiet_ms=300)
    assert_polish(page, "Logowanie")
    assert serious(page, PAGE_OPTIONS) == [], "Logowanie"
    sign_in(page, server, servers.account, "Mapa OSI i partnerstw")
    frame = map_frame(page)
    wait_map_settled(page, frame)
    page.locator("h5").filter(has_text="P03").first.wait_for(state="visible")  # the details of ?p=P03
    for label, (path, title) in zip(["Mapa", "Kandydaci", "Ocena", "Wybór", "Dane"], PAGES):
        if path != "/":
            go_by_sidebar(page, server, label, title)
            page.wait_for_timeout(500)
        assert_polish(page, label)
        assert serious(page, PAGE_OPTIONS) == [], f"{label} (zalogowany)"


def test_map_is_one_tab_stop_from_the_page(example_app, tab):
    page = tab.page
    open_page(page, example_app, "/", "Mapa OSI i partnerstw")
    frame = map_frame(page)
    wait_map_settled(page, frame)
    page.locator("h1").first.click()  # the keyboard starts from the title
    inside = []  # every stop while the focus is in the map frame

    def focused_in_frame():
        return frame.evaluate("""() => { const e = document.activeElement;
            if (!e || e === document.body || !document.hasFocus()) return null;
            return {tag: e.tagName.toLowerCase(), id: e.id, role: e.getAttribute('role'),
                    label: e.getAttribute('aria-label') || e.getAttribute('title') || ''}; }""")

    entered = False
    for _ in range(40):
        page.keyboard.press("Tab")
        in_iframe = page.evaluate(f"() => document.activeElement === document.querySelector(\"{MAP_IFRAME}\")")
        if in_iframe:
            entered = True
            inside.append(focused_in_frame())
        elif entered:
            break  # the focus has left the map
    assert entered, "Tab never reached the map"
    first = inside[0]
    assert first is not None and first["id"] == "map_div", inside
    assert first["role"] == "region" and first["label"] == MAP_REGION_LABEL, first
    assert all(s and s["tag"] not in {"path", "svg", "g"} for s in inside), inside
    assert [s["label"] for s in inside[1:]] == ["Przybliż", "Oddal", "Pełny ekran"], inside
    assert frame.evaluate("() => document.querySelectorAll('path[tabindex]:not([tabindex=\"-1\"])').length") == 0
    assert frame.evaluate("() => document.querySelectorAll('path.leaflet-interactive').length") > 100
