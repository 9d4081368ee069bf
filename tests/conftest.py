import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cwd.register import load_register  # noqa: E402


@pytest.fixture(scope="session")
def register():
    return load_register()


@pytest.fixture(scope="session")
def adjacency():
    """Gmina adjacency from the real Podlaskie boundaries in ../shared/geo."""
    from cwd.geo import gmina_adjacency, load_boundaries
    from cwd.paths import SHARED_GEO_DIR

    return gmina_adjacency(load_boundaries("20", SHARED_GEO_DIR).gminy)


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run, shared by tests/browser, tests/browser_people and tests/map:
    Playwright's sync API allows only one running instance per thread, so a second session-long one
    would fail every test after the first folder."""
    from browser_support import CHROMIUM, CHROMIUM_ARGS, require_browser

    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
