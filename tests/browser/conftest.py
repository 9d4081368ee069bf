"""Fixtures of the real-browser tests: the app servers (started once per session), Chromium, tabs.

Two servers run for the whole session, each on its own database:
- "example": no accounts, so nobody signs in and only the read-only demo nabór (the shipped example
  forms) is open — what the README's first command shows;
- "hostile": one approver account and a nabór whose forms carry hostile partnership names and ideas
  (browser_support.HOSTILE_NAMES / HOSTILE_IDEA), made with `python -m cwd users add` and
  `python -m cwd nabory create/forms` before the server starts; pages are opened by signing in
  through the page's own "Logowanie" form.

Each test gets fresh browser contexts (fresh Streamlit sessions: `tab`, `tabs`) whose requests and
dialogs are recorded, or for pages that are only looked at, the session's shared tab of that page
(`demo`); a failed test leaves a screenshot of each tab it used (NIEUDANY-<test>-<n>.png).
"""
from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from browser_support import (
    HOSTILE_IDEA,
    HOSTILE_NAMES,
    PAGE_TIMEOUT,
    ROOT,
    Account,
    AppServer,
    Recorder,
    full_screenshot,
    hostile_forms_csv,
    open_page,
    prepare_hostile_database,
    require_browser,
    start_server,
    wait_healthy,
)

EXAMPLE_FORMS = ROOT / "data" / "formularze_przyklad.csv"
HOSTILE_NABOR = "wrogi"
HOSTILE_NABOR_NAME = "Nabór testowy – nazwy wrogie"
ACCOUNT = Account("przegladarka", "haslo-do-testow-2020", "Tester Przeglądarki")


@dataclass
class Servers:
    example: AppServer
    hostile: AppServer
    account: Account = ACCOUNT
    nabor: str = HOSTILE_NABOR
    nabor_name: str = HOSTILE_NABOR_NAME


@dataclass
class Tab:
    """One browser context (one Streamlit session) with its page and what it recorded."""

    context: object
    page: object
    recorder: Recorder
    errors: list[str] = field(default_factory=list)  # uncaught JavaScript errors of the page


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item (a failed test leaves screenshots)."""
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


@pytest.fixture(scope="session")
def servers():
    """Both app servers, started together. Own temporary folder, not tmp_path_factory's: pytest
    deletes all but its three newest base folders, also those of a concurrent run, which would pull
    the database from under a server."""
    require_browser()
    with tempfile.TemporaryDirectory(prefix="cwd-browser-") as name:
        tmp = Path(name)
        example = start_server("example", tmp / "example")
        hostile = None
        try:
            forms = hostile_forms_csv(EXAMPLE_FORMS, HOSTILE_NAMES, {pid: HOSTILE_IDEA for pid in HOSTILE_NAMES})
            prepare_hostile_database(tmp / "hostile", HOSTILE_NABOR, HOSTILE_NABOR_NAME, ACCOUNT, forms)
            hostile = start_server("hostile", tmp / "hostile")
            wait_healthy(example)
            wait_healthy(hostile)
            yield Servers(example, hostile)
        finally:
            example.stop()
            if hostile is not None:
                hostile.stop()


@pytest.fixture(scope="session")
def example_app(servers) -> AppServer:
    return servers.example


@pytest.fixture(scope="session")
def hostile_app(servers) -> AppServer:
    return servers.hostile


def new_tab(browser, width: int = 1280, height: int = 720) -> Tab:
    context = browser.new_context(locale="pl-PL", viewport={"width": width, "height": height},
                                  accept_downloads=True)
    context.set_default_timeout(PAGE_TIMEOUT)
    recorder = Recorder()
    recorder.attach(context)
    page = context.new_page()
    tab = Tab(context, page, recorder)
    page.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    return tab


def screenshots_if_failed(request, used: list[Tab]) -> None:
    rep = getattr(request.node, "rep_call", None)
    if rep is None or not rep.failed:
        return
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    for i, tab in enumerate(used):
        try:
            full_screenshot(tab.page, f"NIEUDANY-{name}-{i}")
        except Exception as exc:  # noqa: BLE001 — best effort: a crashed page must not hide the failure
            print(f"no failure screenshot: {exc}")


@pytest.fixture
def tabs(browser, request):
    """A factory of fresh tabs: tabs(width, height) → Tab, closed after the test."""
    made: list[Tab] = []

    def make(width: int = 1280, height: int = 720) -> Tab:
        made.append(new_tab(browser, width, height))
        return made[-1]

    yield make
    try:
        screenshots_if_failed(request, made)
    finally:
        for tab in made:
            tab.context.close()


@pytest.fixture
def tab(tabs) -> Tab:
    return tabs()


@pytest.fixture(scope="session")
def _demo_tabs(browser, example_app):
    opened: dict[tuple[str, str], Tab] = {}
    yield opened
    for tab in opened.values():
        tab.context.close()


@pytest.fixture
def demo(_demo_tabs, browser, example_app, request):
    """demo(path, title, query="") → a Tab showing that page of the example server. Pages that are
    only looked at (layout, accessibility, colours) are loaded once per session and shared by the
    tests that look at them (the browser is the machine's heaviest user); a test that clicks or
    types opens its own tab instead. The recorder keeps every request since the page was loaded."""
    used: list[Tab] = []

    def get(path: str, title: str | None, query: str = "") -> Tab:
        key = (path, query)
        if key not in _demo_tabs:
            tab = new_tab(browser)
            _demo_tabs[key] = tab
            open_page(tab.page, example_app, path, title, query)
        used.append(_demo_tabs[key])
        return used[-1]

    yield get
    screenshots_if_failed(request, used)
