"""Demo mode in a real browser: a server on a fresh database with no accounts opens the map at once,
with no sign-in, and nothing can be saved (README's first command)."""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from people_support import (
    DEMO_ONLY,
    DEMO_READ_ONLY,
    N_GMINY,
    SAVE_ASSESSMENT,
    SAVE_DECISION,
    SIGN_IN_TITLE,
    assert_no_errors,
    buttons,
    choose,
    go_to,
    heading,
    log_size,
    nabor_shown,
    open_app,
    options,
    require_browser,
    running,
)

require_browser()

from browser_support import MAP_SUMMARY_JS, map_frame  # noqa: E402


@pytest.fixture(scope="module")
def demo_app():
    """A server whose database does not exist yet (the app makes it on first use)."""
    with tempfile.TemporaryDirectory(prefix="cwd-osoby-demo-") as tmp, running("osoby-demo", Path(tmp)) as server:
        server.database = Path(tmp) / "cwd.sqlite"  # where start_server points the app
        yield server


def test_demo_opens_the_map_at_once_without_sign_in(demo_app, people_browser):
    from cwd.store import open_store

    page, recorder = people_browser()
    log_start = log_size(demo_app)
    open_app(page, demo_app, "/", "Mapa OSI i partnerstw")
    assert not heading(page, SIGN_IN_TITLE).is_visible()
    summary = map_frame(page).evaluate(MAP_SUMMARY_JS)
    assert len(summary["gminy"]) == N_GMINY, f"{len(summary['gminy'])} gminas drawn"

    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_text(DEMO_ONLY, exact=True).is_visible()
    assert sidebar.locator("button").filter(has_text="Wyloguj").count() == 0
    # The only nabór offered is the demo.
    assert nabor_shown(page).startswith("Przykład")
    offered = options(page, "Nabór").all_inner_texts()
    page.keyboard.press("Escape")
    assert len(offered) == 1 and offered[0].startswith("Przykład"), offered
    assert_no_errors(page, demo_app, log_start)
    assert recorder.external == [], f"requests to non-local hosts: {recorder.external}"
    store = open_store(path=demo_app.database)  # the app's own database: still no account in it
    try:
        assert store.users() == [] and store.oidc_mappings() == []
    finally:
        store.dispose()


def test_demo_saves_nothing(demo_app, people_browser):
    page, recorder = people_browser()
    log_start = log_size(demo_app)
    open_app(page, demo_app, "/ocena", "Ocena – lista sprawdzająca")
    main = page.locator('[data-testid="stMain"]')
    assert main.get_by_text(DEMO_READ_ONLY, exact=True).is_visible()
    assert buttons(page, SAVE_ASSESSMENT).count() == 0
    assert page.locator('input[aria-label="Weryfikacja I.1"]').count() == 0  # no form, a read-only table
    assert main.locator('[data-testid="stDataFrame"], [data-testid="stTable"]').count() >= 1

    go_to(page, "Wybór", "Wybór partnerstw")  # even with a pick, no decision can be recorded
    choose(page, "Wybrane partnerstwa (najwyżej 3)", re.compile(r"^P01 – "))
    main.get_by_text("W tym naborze nie można zapisać decyzji (tylko do odczytu).").wait_for()
    assert buttons(page, SAVE_DECISION).count() == 0

    go_to(page, "Dane", "Dane")
    assert main.get_by_text("Nowy nabór", exact=True).count() == 0
    assert buttons(page, "Utwórz nabór").count() == 0
    assert_no_errors(page, demo_app, log_start)
    assert recorder.external == [], f"requests to non-local hosts: {recorder.external}"
