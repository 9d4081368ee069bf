"""Sign-in through the office's identity provider (Streamlit's st.login, OIDC) in a real browser,
fully offline: oidc-provider-mock on 127.0.0.1 plays the provider.

The [auth] section lives in a secrets file this module writes to its temporary folder – never in
the repository's .streamlit/ – and the server is pointed at it with STREAMLIT_SECRETS_FILES (the
environment form of Streamlit's `secrets.files` option; it replaces the default search list, so a
secrets.toml in the repository would not be read either). The redirect URI uses Streamlit's
"{port}" placeholder, filled with the port the server was started on.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest
from people_support import (
    EXAMPLE_FORMS,
    NO_ACCESS,
    OIDC_BUTTON,
    SIGN_IN_TITLE,
    assert_no_errors,
    cwd_cli,
    heading,
    history_rows,
    log_size,
    open_app,
    require_browser,
    running,
    save_assessment,
    settle,
    signed_in_as,
)

require_browser()

from browser_support import LOGS, free_port  # noqa: E402

NABOR_ID = "nabor-oidc"
ASSESSOR = {"sub": "anna.oidc@urzad.example", "email": "anna.oidc@urzad.example", "email_verified": True,
            "name": "Anna Urzędowa"}
STRANGER = {"sub": "obcy@urzad.example", "email": "obcy@urzad.example", "email_verified": True,
            "name": "Ktoś Spoza Urzędu"}
# The mock's own authorisation page asks a CDN for its stylesheet (blocked here; the page works without).
MOCK_STYLESHEET_HOST = "cdn.jsdelivr.net"


class Provider:
    def __init__(self, port: int, process: subprocess.Popen, log_path: Path):
        self.port, self.process, self.log_path = port, process, log_path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-3000:]


def start_provider() -> Provider:
    """oidc-provider-mock with two predefined people (each a one-click button on its login page)."""
    LOGS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = LOGS / "oidc-provider-mock.log"
    args = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)]
    for person in (ASSESSOR, STRANGER):
        args += ["--user-claims", json.dumps(person, ensure_ascii=False)]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    provider = Provider(port, process, log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"oidc-provider-mock exited with {process.returncode}:\n{provider.log_tail()}")
        try:
            with urllib.request.urlopen(f"{provider.url}/.well-known/openid-configuration", timeout=2) as r:
                if json.load(r).get("issuer") == provider.url:
                    return provider
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"oidc-provider-mock did not answer:\n{provider.log_tail()}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def oidc_app():
    """(server, provider, database path)."""
    from cwd.auth import CONSOLE
    from cwd.store import open_store

    with tempfile.TemporaryDirectory(prefix="cwd-osoby-oidc-") as name:
        tmp = Path(name)
        database = tmp / "cwd.sqlite"
        cwd_cli({"CWD_DATABASE_PATH": str(database)}, "users", "oidc", ASSESSOR["email"], "oceniajacy")
        store = open_store(path=database)
        try:
            store.create_nabor("Nabór OIDC", actor=CONSOLE, nabor_id=NABOR_ID)
            store.add_forms(NABOR_ID, EXAMPLE_FORMS.read_bytes(), EXAMPLE_FORMS.name, actor=CONSOLE)
        finally:
            store.dispose()
        provider = start_provider()
        try:
            secrets = tmp / "secrets.toml"
            secrets.write_text(
                "[auth]\n"
                'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
                'cookie_secret = "cwd-test-cookie-secret-not-for-production-0123456789"\n'
                'client_id = "cwd-dashboard-test"\n'
                'client_secret = "cwd-dashboard-test-secret"\n'
                f'server_metadata_url = "{provider.url}/.well-known/openid-configuration"\n',
                encoding="utf-8")
            with running("osoby-oidc", tmp, {"STREAMLIT_SECRETS_FILES": str(secrets)}) as server:
                yield server, provider, database
        finally:
            stop(provider.process)


def sign_in_with_provider(page, server, provider, person: dict) -> None:
    """The office's sign-in button → the provider's page → the person's one-click button → the app."""
    open_app(page, server, "/ocena", SIGN_IN_TITLE)
    page.get_by_role("button", name=OIDC_BUTTON, exact=True).click()
    page.wait_for_url(lambda url: urlparse(url).port == provider.port and "/oauth2/authorize" in url)
    page.locator(f'button[name="sub"][value="{person["sub"]}"]').click()
    page.wait_for_url(lambda url: urlparse(url).port == server.port and "/oauth2callback" not in url)
    settle(page)


def external(recorder) -> list[str]:
    return [u for u in recorder.external if urlparse(u).hostname != MOCK_STYLESHEET_HOST]


def test_the_sign_in_page_offers_the_office_account(oidc_app, people_browser):
    server, _, _ = oidc_app
    page, _ = people_browser()
    open_app(page, server, "/", SIGN_IN_TITLE)
    page.get_by_role("button", name=OIDC_BUTTON, exact=True).wait_for()
    assert page.locator('input[aria-label="Login"]').count() == 1  # local accounts stay possible


def test_mapped_person_signs_in_through_the_provider_and_saves_under_their_name(oidc_app, people_browser):
    from cwd.store import open_store

    server, provider, database = oidc_app
    page, recorder = people_browser()
    log_start = log_size(server)
    sign_in_with_provider(page, server, provider, ASSESSOR)
    label = f"Zalogowano: {ASSESSOR['name']} (oceniający)"
    page.locator('[data-testid="stSidebar"]').get_by_text(label, exact=True).wait_for()
    assert not heading(page, SIGN_IN_TITLE).is_visible()

    # Another URL of the app is a new Streamlit session: the provider's sign-in still holds (cookie).
    open_app(page, server, f"/ocena?nabor={NABOR_ID}&p=P02", "Ocena – lista sprawdzająca")
    assert signed_in_as(page) == label
    save_assessment(page, {"I.6": (1, "Deklaracja w formularzu, pkt 6")})
    rows = history_rows(page, 1)
    assert [(r["Kto"], r["Kryterium"]) for r in rows] == [(ASSESSOR["name"], "I.6")], rows
    store = open_store(path=database)
    try:
        [entry] = store.history(NABOR_ID, "P02")
    finally:
        store.dispose()
    assert (entry.assessor, entry.assessor_login, entry.new_value) == (ASSESSOR["name"], ASSESSOR["email"], 1)

    # "Wyloguj" ends the app's sign-in and sends the person to the provider's end-of-session page
    # (its end_session_endpoint), which returns to the app: the sign-in page again.
    page.locator('[data-testid="stSidebar"] button').filter(has_text="Wyloguj").click()
    page.wait_for_url(lambda url: urlparse(url).port == provider.port and "/oauth2/end_session" in url)
    page.locator("button", has_text="End session").click()
    page.wait_for_url(lambda url: urlparse(url).port == server.port and "/oauth2callback" not in url)
    settle(page, SIGN_IN_TITLE)
    assert signed_in_as(page) == ""
    open_app(page, server, f"/ocena?nabor={NABOR_ID}&p=P02", SIGN_IN_TITLE)  # the cookie is gone too
    assert_no_errors(page, server, log_start)
    assert external(recorder) == [], f"requests to non-local hosts: {external(recorder)}"


def test_a_person_without_a_role_is_told_they_have_no_access(oidc_app, people_browser):
    server, provider, _ = oidc_app
    page, recorder = people_browser()
    sign_in_with_provider(page, server, provider, STRANGER)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text(re.compile(rf"Konto {re.escape(STRANGER['email'])} {NO_ACCESS}")).wait_for()
    assert heading(page, SIGN_IN_TITLE).is_visible()
    assert signed_in_as(page) == ""
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    open_app(page, server, f"/ocena?nabor={NABOR_ID}&p=P01", SIGN_IN_TITLE)  # no page opens by URL either
    main.get_by_text(re.compile(NO_ACCESS)).wait_for()
    assert page.locator("h1").filter(has_text="Ocena").count() == 0
    assert external(recorder) == [], f"requests to non-local hosts: {external(recorder)}"
