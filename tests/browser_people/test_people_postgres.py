"""Several app server processes on one PostgreSQL database, in real browsers: what one server
stores, the other shows; twenty saves made at the same time through both servers are all kept.

Needs CWD_TEST_DATABASE_URL (each run in a fresh schema, dropped afterwards); skipped without it,
failed instead under CWD_REQUIRE_POSTGRES=1."""
from __future__ import annotations

import re
import tempfile
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from people_support import (
    ANNA,
    EWA,
    EXAMPLE_FORMS,
    JAN,
    SAVE_ASSESSMENT,
    SIGN_IN_TITLE,
    TIMEOUT,
    Person,
    add_accounts,
    assert_no_errors,
    choose,
    click_save,
    fill_assessment,
    history_rows,
    log_size,
    nabor_shown,
    open_app,
    options,
    pick_partnership,
    require_browser,
    settle,
    sign_in,
)

require_browser()

from browser_support import start_server, wait_healthy  # noqa: E402
from store_support import postgres_schema, require_postgres_url  # noqa: E402

OLA = Person("ola", "Ola Wójcik", "oceniajacy")
TOMEK = Person("tomek", "Tomasz Lewandowski", "oceniajacy")
SAVES_NABOR = "nabor-wspolny"
CRITERIA = ("I.1", "I.2", "I.3", "I.4", "I.5")
SAVES_EACH = 5
MAX_ATTEMPTS = 3  # a refused save is tried again, a bounded number of times


@pytest.fixture(scope="module")
def two_servers():
    """(server A, server B, database URL): two processes on one fresh PostgreSQL schema."""
    require_postgres_url()
    from cwd.auth import CONSOLE
    from cwd.store import open_store

    with postgres_schema() as url, tempfile.TemporaryDirectory(prefix="cwd-osoby-pg-") as name:
        store = open_store(url)
        try:
            add_accounts(store, [EWA, ANNA, JAN, OLA, TOMEK])
            store.create_nabor("Nabór wspólny – zapisy", actor=CONSOLE, nabor_id=SAVES_NABOR)
            store.add_forms(SAVES_NABOR, EXAMPLE_FORMS.read_bytes(), EXAMPLE_FORMS.name, actor=CONSOLE)
        finally:
            store.dispose()
        with ExitStack() as stack:
            servers = []
            for label in ("a", "b"):  # both start at once, then both are waited for
                server = start_server(f"osoby-pg-{label}", Path(name) / label, {"CWD_DATABASE_URL": url})
                stack.callback(server.stop)
                servers.append(server)
            for server in servers:
                wait_healthy(server)
            yield servers[0], servers[1], url


@pytest.fixture
def pg_store(two_servers):
    from cwd.store import open_store

    s = open_store(two_servers[2])
    yield s
    s.dispose()


def query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def test_a_nabor_made_on_one_server_opens_on_the_other_after_f5(two_servers, pg_store, people_browser):
    a, b, _ = two_servers
    log_a, log_b = log_size(a), log_size(b)
    on_b, _ = people_browser()
    open_app(on_b, b, "/dane", SIGN_IN_TITLE)
    sign_in(on_b, JAN, "Dane")
    name = "Nabór z serwera A"
    assert name not in options(on_b, "Nabór").all_inner_texts()
    on_b.keyboard.press("Escape")

    on_a, _ = people_browser()
    open_app(on_a, a, "/dane", SIGN_IN_TITLE)
    sign_in(on_a, EWA, "Dane")
    before = query(on_a).get("nabor")
    on_a.get_by_text("Nowy nabór", exact=True).click()
    on_a.get_by_label("Nazwa naboru", exact=True).fill(name)
    on_a.get_by_role("button", name="Utwórz nabór", exact=True).click()
    on_a.wait_for_url(lambda url: parse_qs(urlparse(url).query).get("nabor", [before])[0] != before)
    settle(on_a, "Dane")
    nabor_id = query(on_a)["nabor"]
    with on_a.expect_file_chooser() as chooser:
        uploader = on_a.locator('[data-testid="stFileUploader"]').filter(has_text="Wczytaj plik formularzy")
        uploader.get_by_role("button", name="Upload", exact=True).click()
    chooser.value.set_files(str(EXAMPLE_FORMS))
    on_a.get_by_role("button", name=f"Zapisz „{EXAMPLE_FORMS.name}” jako nową wersję", exact=True).click()
    on_a.get_by_text(f"Zapisano wersję 1 pliku „{EXAMPLE_FORMS.name}”.", exact=True).wait_for()
    assert pg_store.nabor(nabor_id).name == name

    on_b.reload()  # F5 on server B: sign in again, the new nabór is there with its forms
    sign_in(on_b, JAN, "Dane")
    choose(on_b, "Nabór", name)
    on_b.wait_for_url(re.compile(rf"[?&]nabor={re.escape(nabor_id)}(&|$)"))
    settle(on_b, "Dane")
    assert nabor_shown(on_b) == name
    sidebar = on_b.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text(f"Formularze: „{EXAMPLE_FORMS.name}”, wersja 1", exact=True).wait_for()
    main = on_b.locator('[data-testid="stMain"]')
    assert "partnerstw gotowych do oceny: 10" in main.inner_text()
    assert_no_errors(on_a, a, log_a)
    assert_no_errors(on_b, b, log_b)


def await_outcome(page, saved: re.Pattern) -> str | None:
    """After a click on "Zapisz ocenę": None when the app confirmed the save (`saved`), else the
    text of the refusal it showed."""
    page.wait_for_function(
        """(pattern) => {
            const main = document.querySelector('[data-testid="stMain"]');
            const app = document.querySelector('[data-testid="stApp"]');
            if (!main || !app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
            return new RegExp(pattern).test(main.innerText)
                || !!main.querySelector('[data-testid="stAlertContentError"]');
        }""", arg=saved.pattern, timeout=TIMEOUT)
    if saved.search(page.locator('[data-testid="stMain"]').inner_text()):
        return None
    return page.locator('[data-testid="stMain"] [data-testid="stAlertContentError"]').first.inner_text()


def test_twenty_saves_through_both_servers_are_all_kept(two_servers, pg_store, people_browser):
    """Four people (two per server) save at the same time, five saves each, each on their own
    partnerships and criteria: every save is in the store afterwards, none was lost."""
    a, b, _ = two_servers
    workers = []  # (person, page, server, their two partnerships)
    for i, (person, server) in enumerate(((ANNA, a), (JAN, b), (OLA, a), (TOMEK, b))):
        page, _ = people_browser()
        parts = (f"P{2 * i + 1:02d}", f"P{2 * i + 2:02d}")
        open_app(page, server, f"/ocena?nabor={SAVES_NABOR}&p={parts[0]}", SIGN_IN_TITLE)
        sign_in(page, person, "Ocena – lista sprawdzająca")
        workers.append((person, page, server, parts))
    log_start = {s.name: log_size(s) for s in (a, b)}

    made: dict[str, list[tuple[str, int, str, str]]] = {}  # pid → [(criterion, value, comment, who)]
    retries = []
    for j in range(SAVES_EACH):  # a bounded loop: every round, all four click "Zapisz ocenę", then wait
        pending = []
        for person, page, _, parts in workers:
            pid = parts[j % 2]
            if not page.locator('[data-testid="stMain"] input[aria-label="Partnerstwo"]').input_value().startswith(pid):
                pick_partnership(page, pid)
            value, comment = (1 if j % 2 == 0 else 0), f"{person.name}: zapis {j + 1} z {SAVES_EACH}"
            fill_assessment(page, {CRITERIA[j]: (value, comment)})
            click_save(page)
            version = len(made.get(pid, [])) + 1
            made.setdefault(pid, []).append((CRITERIA[j], value, comment, person.name))
            pending.append((person, page, version))
        for person, page, version in pending:
            saved = re.compile(rf"Zapisano ocenę \(wersja {version}, [^)]*{re.escape(person.name)}\)")
            refusal = await_outcome(page, saved)
            for _ in range(MAX_ATTEMPTS - 1):
                if refusal is None:
                    break
                retries.append((person.login, j, refusal))
                page.locator('[data-testid="stMain"] button').filter(has_text=SAVE_ASSESSMENT).click()
                refusal = await_outcome(page, saved)
            assert refusal is None, f"{person.login}, save {j + 1}: still refused after {MAX_ATTEMPTS} attempts: {refusal}"

    assert sum(len(v) for v in made.values()) == len(workers) * SAVES_EACH == 20
    for pid, saves in made.items():
        stored = pg_store.assessment(SAVES_NABOR, pid)
        history = pg_store.history(SAVES_NABOR, pid)
        assert stored.version == len(saves), (pid, stored.version, saves)
        assert len(history) == len(saves), (pid, history)
        assert sorted((h.version, h.criterion, h.new_value, h.comment, h.assessor) for h in history) == [
            (n + 1, *save) for n, save in enumerate(saves)], pid
        for criterion, value, comment, _ in saves:
            assert (stored.values[criterion], stored.comments[criterion]) == (value, comment), (pid, criterion)
    assert sum(len(pg_store.history(SAVES_NABOR, pid)) for pid in made) == 20
    print(f"refused and retried: {retries or 'none'}")

    # Each server shows what the other stored: Jan (server B) reads Anna's saves (server A).
    _, jan_page, _, _ = workers[1]
    pick_partnership(jan_page, "P01")
    rows = history_rows(jan_page, len(made["P01"]))
    assert [r["Kto"] for r in rows] == [ANNA.name] * len(made["P01"]), rows
    for person, page, server, _ in workers:
        assert_no_errors(page, server, log_start[server.name])
