"""Fixtures of the people-and-data browser tests: one Chromium per session, fresh browser contexts
(each a person at their own computer) with a screenshot of every page when a test fails.

Servers are started per module by the test modules themselves (each needs its own database)."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent.parent
for folder in (TESTS, TESTS / "store"):  # browser_support, store_support
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from browser_support import Recorder, screenshot  # noqa: E402
from people_support import TIMEOUT  # noqa: E402


@pytest.fixture
def people_browser(browser, request):
    """`new()` → (page, recorder) in a fresh browser context: no cookies, no Streamlit session.
    Every context is closed after the test; on failure each page is saved as a screenshot."""
    contexts = []

    def new():
        context = browser.new_context(locale="pl-PL", viewport={"width": 1400, "height": 900})
        context.set_default_timeout(TIMEOUT)
        recorder = Recorder()
        recorder.attach(context)
        page = context.new_page()
        contexts.append((context, page))
        return page, recorder

    failed_before = request.session.testsfailed
    yield new
    failed = request.session.testsfailed > failed_before
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    for i, (context, page) in enumerate(contexts):
        try:
            if failed and not page.is_closed():
                screenshot(page, f"FAILED-osoby-{name}-{i}")
        except Exception as exc:  # noqa: BLE001 — best effort: a crashed page must not hide the test's failure
            print(f"no failure screenshot: {exc}")
        finally:
            context.close()
