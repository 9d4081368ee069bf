"""One selection across pages, and in the URL: a click on a partnership's outline in the map frame
selects it (the details beside the map show it); Kandydaci names it ("Wybrane partnerstwo"), Ocena's
picker shows it; a copied address opens the same nabór, partnership and comparison in a new browser
(a new context: a new session, signed in again through "Logowanie").

On the hostile server: it has two naborów (the demo and the test nabór), so "the same nabór" is
a real question, and the names there are hostile (they must not disturb the selection).
Screenshots: artifacts/screenshots/wybor-*.png.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from browser_support import (
    HOSTILE_NAMES,
    as_seen,
    full_screenshot,
    go_by_sidebar,
    hover_area,
    map_frame,
    require_browser,
    sign_in,
    visible_text,
    wait_for_app,
    wait_map_settled,
)

require_browser()

PID = "P04"
NAME = HOSTILE_NAMES[PID]


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


def combo_value(box) -> str:
    """What a select box shows (the value sits in the combo box's input)."""
    box.wait_for(state="visible")
    field = box.locator("input")
    return field.first.input_value() if field.count() else box.inner_text()


def nabor_shown(page) -> str:
    return combo_value(page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first)


def picked(page) -> str:
    """What Ocena's "Partnerstwo" picker shows."""
    return combo_value(page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').filter(
        has_text="Partnerstwo").first)


def selected_line(page) -> str:
    return visible_text(page.locator('[data-testid="stMain"] [data-testid="stMarkdownContainer"] p').filter(
        has_text="Wybrane partnerstwo:"))


def chips(page) -> list[str]:
    ms = page.locator('[data-testid="stMain"] [data-testid="stMultiSelect"]').first
    return ms.locator("[data-tag] span[title]").all_inner_texts()


def test_a_partnership_clicked_on_the_map_is_selected_on_every_page_and_in_the_url(servers, tabs):
    server, first = servers.hostile, tabs()
    page = first.page
    page.goto(f"{server.url}/?nabor={servers.nabor}")
    sign_in(page, server, servers.account, "Mapa OSI i partnerstw")
    frame = map_frame(page)
    wait_map_settled(page, frame)

    # the map: a click on the outline (the real mouse, where the outline's own tooltip opens)
    assert hover_area(page, frame, PID, NAME), f"no point of {PID}'s outline takes the mouse"
    page.mouse.down()
    page.mouse.up()
    details = page.locator("h5").filter(has_text=f"{PID} – ").first
    details.wait_for(state="visible")
    wait_for_app(page, "Mapa OSI i partnerstw")
    assert as_seen(details.inner_text()) == f"{PID} – {NAME}"
    assert query(page.url).get("p") == PID and query(page.url).get("nabor") == servers.nabor
    full_screenshot(page, "wybor-mapa-klikniecie")

    # Kandydaci (the sidebar's link): the selected partnership, then a comparison of P01 and P03
    go_by_sidebar(page, server, "Kandydaci", "Kandydaci")
    assert selected_line(page) == f"Wybrane partnerstwo: {PID}"
    assert query(page.url).get("p") == PID  # in the address after the page switch too
    assert chips(page) == [f"{p} – {HOSTILE_NAMES[p]}" for p in ("P01", "P02", "P03")]
    page.locator('button[aria-label^="Remove P02 "]').click()  # Streamlit's own (English) label
    page.wait_for_function("() => new URLSearchParams(location.search).get('porownaj') === 'P01,P03'")
    wait_for_app(page, "Kandydaci")
    assert chips(page) == [f"{p} – {HOSTILE_NAMES[p]}" for p in ("P01", "P03")]
    kandydaci_url = page.url
    assert {k: query(kandydaci_url).get(k) for k in ("nabor", "p", "porownaj")} == \
        {"nabor": servers.nabor, "p": PID, "porownaj": "P01,P03"}

    # Ocena (the sidebar's link): the picker shows it
    go_by_sidebar(page, server, "Ocena", "Ocena")
    assert picked(page).startswith(f"{PID} – {NAME} (")
    ocena_url = page.url
    assert query(ocena_url).get("p") == PID and query(ocena_url).get("nabor") == servers.nabor

    # the copied addresses in new browsers: the same nabór, partnership and comparison
    second = tabs().page
    second.goto(ocena_url)
    sign_in(second, server, servers.account, "Ocena")
    assert picked(second).startswith(f"{PID} – {NAME} (")
    assert servers.nabor_name in nabor_shown(second)
    assert servers.nabor_name in visible_text(second.locator('[data-testid="stCaptionContainer"]').filter(
        has_text="Nabór: "))
    full_screenshot(second, "wybor-ocena-z-adresu")

    third = tabs().page
    third.goto(kandydaci_url)
    sign_in(third, server, servers.account, "Kandydaci")
    assert servers.nabor_name in nabor_shown(third)
    assert selected_line(third) == f"Wybrane partnerstwo: {PID}"
    assert chips(third) == [f"{p} – {HOSTILE_NAMES[p]}" for p in ("P01", "P03")]
    # the comparison itself (its matrix is a data grid, drawn on a canvas): the chart's legend, the mini maps
    captions = as_seen(" ".join(third.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]')
                                .all_inner_texts()))
    assert f"P01 – {HOSTILE_NAMES['P01']}" in captions and f"P03 – {HOSTILE_NAMES['P03']}" in captions
    assert f"P02 – {HOSTILE_NAMES['P02']}" not in captions
    legend = as_seen(" ".join(third.locator('[data-testid="stPlotlyChart"] .legendtext').all_text_contents()))
    assert "P01" in legend and "P03" in legend and "P02" not in legend, legend
    assert query(third.url).get("porownaj") == "P01,P03"
    full_screenshot(third, "wybor-kandydaci-z-adresu")
