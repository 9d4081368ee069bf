"""Helpers of the people-and-data browser tests (tests/browser_people/): the cast of accounts, the
operator's command line, app servers that are stopped for sure, and what a person does in the
browser (sign in, pick, save an assessment, read a data grid).

Builds on tests/browser_support.py (servers, Chromium flags, waiting) and uses its stable parts
only. Imported as a plain module (conftest.py puts tests/ and tests/store/ on sys.path).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from browser_support import (  # noqa: F401 — require_browser is re-exported for the test modules
    ROOT,
    AppServer,
    require_browser,
    start_server,
    wait_for_app,
    wait_healthy,
)

EXAMPLE_FORMS = ROOT / "data" / "formularze_przyklad.csv"
N_GMINY = 118  # gminas of the Podlaskie voivodeship
TIMEOUT = 90_000  # ms: generous, the machine is shared; never a timing assertion
APP_ERROR = "Wystąpił nieoczekiwany błąd"  # cwd.ui.chrome.guarded(): an exception caught by the app

# Polish texts of the app the tests look for (one place, so a wording change is one edit).
SIGN_IN_TITLE = "Logowanie"
WRONG_PASSWORD = "Nieprawidłowy login lub hasło (albo konto jest nieaktywne)."
DEMO_ONLY = "Tryb pokazowy: brak kont – dostępny tylko przykładowy nabór (tylko do odczytu)."
DEMO_READ_ONLY = "Przykładowy nabór jest tylko do odczytu."
SAVE_ASSESSMENT = "Zapisz ocenę"
SAVE_DECISION = "Zapisz decyzję"
SAVED = "Zapisano ocenę"
STALE_REFUSAL = "Twoje zmiany nie zostały zapisane — sprawdź aktualne wartości i zapisz ponownie."
INPUT_KEPT = "Twoje zmiany są nadal w formularzu obok aktualnych, zapisanych wartości."
OIDC_BUTTON = "Zaloguj się przez konto urzędu"
NO_ACCESS = "nie ma dostępu do tej aplikacji"
VALUE_OPTION = {1: "1 – tak", 0: "0 – nie", None: "—"}  # the options of "Weryfikacja …" on Ocena


# --- the cast -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    login: str
    name: str
    role: str  # cwd.auth.Role value
    admin: bool = False
    password: str = "hasło-testowe-123"

    @property
    def role_label(self) -> str:
        from cwd.auth import parse_role

        return parse_role(self.role).label


EWA = Person("ewa", "Ewa Wiśniewska", "zatwierdzajacy", admin=True)  # approver, administrator
ANNA = Person("anna", "Anna Nowak", "oceniajacy")
JAN = Person("jan", "Jan Kowalski", "oceniajacy")
PIOTR = Person("piotr", "Piotr Zieliński", "przegladajacy")  # viewer


def add_accounts(store, people) -> None:
    """Accounts through the store API, as the operator's console would make them."""
    from cwd.auth import CONSOLE

    for p in people:
        store.add_user(p.login, p.name, p.role, password=p.password, actor=CONSOLE, admin=p.admin)


def cwd_cli(database_env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    """`python -m cwd ARGS` against the database in `database_env` (CWD_DATABASE_PATH or
    CWD_DATABASE_URL); its output, or an AssertionError with what it said."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CWD_")}
    env.update(database_env)
    env["PYTHONUNBUFFERED"] = "1"
    done = subprocess.run([sys.executable, "-m", "cwd", *args], cwd=ROOT, env=env, input=stdin, text=True,
                          capture_output=True, timeout=180, check=False)
    assert done.returncode == 0, (f"python -m cwd {' '.join(args)} failed ({done.returncode}):\n"
                                  f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return done.stdout


# --- servers ------------------------------------------------------------------------------------
@contextmanager
def running(name: str, tmp: Path, extra_env: dict[str, str] | None = None):
    """An app server for the duration of the block (stopped even when waiting for it failed)."""
    server = start_server(name, tmp, extra_env)
    try:
        wait_healthy(server)
        yield server
    finally:
        server.stop()


def log_size(server: AppServer) -> int:
    return len(server.log_path.read_text(encoding="utf-8", errors="replace"))


def assert_no_errors(page, server: AppServer, log_start: int = 0) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, "Streamlit shows an exception"
    text = page.evaluate("() => document.body.innerText")
    assert "Traceback" not in text
    assert APP_ERROR not in text, f"the app caught an unexpected error:\n{server.log_tail()}"
    new_log = server.log_path.read_text(encoding="utf-8", errors="replace")[log_start:]
    assert "Traceback" not in new_log, new_log[-3000:]


# --- in the browser -----------------------------------------------------------------------------
def settle(page, title: str | None = None) -> None:
    wait_for_app(page, title, timeout=TIMEOUT, quiet_ms=250)


def open_app(page, server: AppServer, path: str = "/", title: str | None = None) -> None:
    """Load a URL of the app (a new Streamlit session) and wait until its run is done."""
    page.goto(server.url + path)
    try:
        settle(page, title)
    except Exception as exc:
        if server.process.poll() is not None:  # say so when the server is gone, not just "timeout"
            raise AssertionError(f"the app server exited ({server.process.returncode}):\n"
                                 f"{server.log_tail()}") from exc
        raise


def heading(page, text: str):
    return page.locator("h1").filter(has_text=text).first


def on_sign_in_page(page) -> bool:
    return heading(page, SIGN_IN_TITLE).is_visible()


def sign_in(page, person: Person, title: str | None = None, password: str | None = None) -> None:
    """Fill the sign-in form shown instead of the page; wait for the page `title` when given."""
    settle(page, SIGN_IN_TITLE)
    page.get_by_label("Login", exact=True).fill(person.login)
    page.get_by_label("Hasło", exact=True).fill(password if password is not None else person.password)
    page.get_by_role("button", name="Zaloguj się", exact=True).click()
    if password is None:
        heading(page, SIGN_IN_TITLE).wait_for(state="detached", timeout=TIMEOUT)
        settle(page, title)


def signed_in_as(page) -> str:
    """The sidebar's "Zalogowano: …" line ("" when nobody is)."""
    caption = page.locator('[data-testid="stSidebar"]').get_by_text(re.compile(r"^Zalogowano: "))
    return caption.first.inner_text() if caption.count() else ""


def combobox(page, label: str):
    return page.get_by_role("combobox", name=label, exact=True)


def options(page, label: str):
    """The options of an open selectbox/multiselect. Found through the combobox's own listbox by CSS:
    the multiselect's popup sits in a part of the page that react-aria marks aria-hidden while it is
    open, so role queries (which skip hidden elements) do not see its options."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = combobox(page, label)
    for _ in range(5):  # a click that lands while the element is still moving into view does not open it
        box.scroll_into_view_if_needed()
        box.click()
        try:
            page.wait_for_function("(box) => box.getAttribute('aria-expanded') === 'true' && "
                                   "document.getElementById(box.getAttribute('aria-controls'))",
                                   arg=box.element_handle(), timeout=3_000)
            break
        except PlaywrightTimeout:  # try the click again
            page.keyboard.press("Escape")
    listbox = box.get_attribute("aria-controls")
    assert listbox, f"the options of „{label}” did not open"
    return page.locator(f'[id="{listbox}"] [role="option"]')


def choose(page, label: str, option: str | re.Pattern) -> None:
    """Pick an option of a selectbox (or add one to a multiselect) the way a person does."""
    wanted = re.compile(rf"^{re.escape(option)}$") if isinstance(option, str) else option
    options(page, label).filter(has_text=wanted).first.click()
    box = combobox(page, label)
    if box.get_attribute("aria-expanded") == "true":  # a multiselect stays open for the next pick
        page.keyboard.press("Escape")
    page.wait_for_function("(box) => box.getAttribute('aria-expanded') !== 'true'", arg=box.element_handle(),
                           timeout=TIMEOUT)
    settle(page)


def buttons(page, label: str):
    """The page's buttons with exactly this text, found by CSS: role queries skip what an open
    popup has marked aria-hidden, and an absence must not be proved by that."""
    return page.locator('[data-testid="stMain"] button').filter(has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))


def nabor_shown(page) -> str:
    """The nabór chosen in the sidebar (its name)."""
    return combobox(page, "Nabór").input_value()


def go_to(page, nav_label: str, title: str) -> None:
    """Switch page through the sidebar's navigation (the same Streamlit session)."""
    page.locator('[data-testid="stSidebarNavLink"]').filter(has_text=nav_label).first.click()
    settle(page, title)


def pick_partnership(page, pid: str) -> None:
    """Choose the partnership on Ocena; returns once its form (or checklist) is drawn."""
    choose(page, "Partnerstwo", re.compile(rf"^{re.escape(pid)} – "))
    page.wait_for_function(
        """(pid) => {
            const box = document.querySelector('input[role="combobox"][aria-label="Partnerstwo"]');
            return box && box.value.startsWith(pid + ' – ');
        }""", arg=pid, timeout=TIMEOUT)
    page.wait_for_url(re.compile(rf"[?&]p={re.escape(pid)}(&|$)"), timeout=TIMEOUT)
    settle(page, "Ocena")


def form_value(page, criterion: str) -> str:
    return combobox(page, f"Weryfikacja {criterion}").input_value()


def form_comment(page, criterion: str) -> str:
    return page.get_by_role("textbox", name=f"Komentarz {criterion}", exact=True).input_value()


def fill_assessment(page, changes: dict) -> None:
    """Set criteria on the Ocena form: {criterion: (value or ..., comment or None)}; `...` leaves
    the value alone, None leaves the comment alone."""
    for criterion, (value, comment) in changes.items():
        if value is not ...:
            choose(page, f"Weryfikacja {criterion}", VALUE_OPTION[value])
        if comment is not None:
            page.get_by_role("textbox", name=f"Komentarz {criterion}", exact=True).fill(comment)


def click_save(page) -> None:
    page.get_by_role("button", name=SAVE_ASSESSMENT, exact=True).click()


def save_assessment(page, changes: dict) -> None:
    """Fill the form, save, and wait for the app's confirmation."""
    fill_assessment(page, changes)
    click_save(page)
    wait_saved(page)


def wait_saved(page) -> None:
    page.get_by_text(SAVED).first.wait_for(state="visible", timeout=TIMEOUT)
    settle(page, "Ocena")


def grid_rows(grid) -> list[list[str]]:
    """The body rows of a Streamlit data grid, read from its accessible table (the grid itself is
    drawn on a canvas); only the rows in view, which is all of them for the small tables read here."""
    grid.scroll_into_view_if_needed()
    return grid.evaluate("""(el) => [...el.querySelectorAll('table tbody tr')]
        .map(tr => [...tr.querySelectorAll('td')].map(td => td.innerText.trim()))
        .filter(cells => cells.length && cells.some(c => c))""")


def grid_header(grid) -> list[str]:
    return grid.evaluate("""(el) => [...el.querySelectorAll('table thead th')]
        .map(th => th.innerText.trim()).filter(t => t)""")


def history_rows(page, expected: int) -> list[dict[str, str]]:
    """Ocena's "Historia zmian" table as dicts (column → text), newest first, once it shows
    `expected` rows (the grid fills its accessible table after it is drawn)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    grid = page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').last
    grid.wait_for(state="visible", timeout=TIMEOUT)
    grid.scroll_into_view_if_needed()
    try:
        page.wait_for_function(
            """([grid, n]) => [...grid.querySelectorAll('table tbody tr')]
                .filter(tr => tr.innerText.trim()).length === n""",
            arg=[grid.element_handle(), expected], timeout=TIMEOUT)
    except PlaywrightTimeout:
        pass  # the assertion on the rows says what the table does show
    header = grid_header(grid)
    rows = grid_rows(grid)
    if header and rows and len(header) == len(rows[0]) + 1:  # a leading (empty) index header
        header = header[1:]
    return [dict(zip(header, r)) for r in rows]
