"""Local accounts in a real browser: sign-in on every page, a nabór made and filled through the UI
that F5 and a copied link reopen, what each role may do, and "nothing saved is ever lost" – across
page and partnership switches, and when two people save the same partnership.

One server for the module, on a SQLite database whose accounts exist before it starts: the
approver made with the operator's command (python -m cwd users add … --haslo-z-stdin), the others
and a prepared nabór (with the example forms) through the store API on the same file."""
from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from people_support import (
    ANNA,
    EWA,
    EXAMPLE_FORMS,
    INPUT_KEPT,
    JAN,
    PIOTR,
    SAVE_ASSESSMENT,
    SAVE_DECISION,
    SAVED,
    SIGN_IN_TITLE,
    STALE_REFUSAL,
    WRONG_PASSWORD,
    Person,
    add_accounts,
    assert_no_errors,
    buttons,
    choose,
    click_save,
    combobox,
    cwd_cli,
    fill_assessment,
    form_comment,
    form_value,
    go_to,
    heading,
    history_rows,
    log_size,
    nabor_shown,
    open_app,
    pick_partnership,
    require_browser,
    running,
    save_assessment,
    settle,
    sign_in,
    signed_in_as,
    wait_saved,
)

require_browser()

from browser_support import PAGES  # noqa: E402

PREPARED_ID = "nabor-osoby"
PREPARED_NAME = "Nabór testowy – osoby i role"
OCENA = "Ocena – lista sprawdzająca"


@pytest.fixture(scope="module")
def app():
    """(server, database path). Own temporary folder (pytest's tmp_path_factory prunes old base
    folders, also those of a concurrent run)."""
    from cwd.auth import CONSOLE
    from cwd.store import open_store

    with tempfile.TemporaryDirectory(prefix="cwd-osoby-konta-") as name:
        tmp = Path(name)
        database = tmp / "cwd.sqlite"
        cwd_cli({"CWD_DATABASE_PATH": str(database)}, "users", "add", EWA.login, "--name", EWA.name,
                "--rola", EWA.role, "--admin", "--haslo-z-stdin", stdin=EWA.password + "\n")
        store = open_store(path=database)
        try:
            add_accounts(store, [ANNA, JAN, PIOTR])
            store.create_nabor(PREPARED_NAME, actor=CONSOLE, nabor_id=PREPARED_ID)
            store.add_forms(PREPARED_ID, EXAMPLE_FORMS.read_bytes(), EXAMPLE_FORMS.name, actor=CONSOLE)
        finally:
            store.dispose()
        with running("osoby-konta", tmp) as server:
            yield server, database


@pytest.fixture
def store(app):
    from cwd.store import open_store

    s = open_store(path=app[1])
    yield s
    s.dispose()


def query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def ocena(page, server, person, pid: str, nabor_id: str = PREPARED_ID) -> None:
    """A fresh session on Ocena of `pid`, signed in as `person`."""
    open_app(page, server, f"/ocena?nabor={nabor_id}&p={pid}", SIGN_IN_TITLE)
    sign_in(page, person, OCENA)
    assert combobox(page, "Partnerstwo").input_value().startswith(f"{pid} – ")


# --- 2. sign-in, a nabór through the UI, F5 and links --------------------------------------------
def test_every_page_asks_for_sign_in_and_refuses_a_wrong_password(app, people_browser):
    server, _ = app
    page, recorder = people_browser()
    log_start = log_size(server)
    for path, title in PAGES:
        for q in ("", "?nabor=demo"):
            open_app(page, server, path + q, SIGN_IN_TITLE)
            assert not page.locator("h1").filter(has_text=title).count(), f"{path}{q} shows its page"
            assert not page.locator('[data-testid="stSidebar"]').is_visible(), f"{path}{q} shows the sidebar"
            assert page.locator('iframe[title*="streamlit_folium"]').count() == 0
    for login, password in ((EWA.login, "to-nie-jest-haslo-ewy"), ("nikogo-takiego", EWA.password)):
        sign_in(page, Person(login, "", "przegladajacy"), password=password)
        page.get_by_text(WRONG_PASSWORD, exact=True).wait_for()
        settle(page, SIGN_IN_TITLE)
        assert signed_in_as(page) == ""
    assert_no_errors(page, server, log_start)
    assert recorder.external == [], f"requests to non-local hosts: {recorder.external}"


def test_approver_makes_a_nabor_that_f5_and_a_copied_link_reopen(app, store, people_browser):
    from cwd.store import FORMS

    server, _ = app
    page, recorder = people_browser()
    log_start = log_size(server)
    open_app(page, server, "/dane", SIGN_IN_TITLE)
    sign_in(page, EWA, "Dane")
    assert signed_in_as(page) == f"Zalogowano: {EWA.name} ({EWA.role_label}, administrator)"

    name = "Pilotaż CWD 2020 – woj. podlaskie (test przeglądarki)"
    page.get_by_text("Nowy nabór", exact=True).click()
    page.get_by_label("Nazwa naboru", exact=True).fill(name)
    before = query(page).get("nabor")
    page.get_by_role("button", name="Utwórz nabór", exact=True).click()
    page.wait_for_url(lambda url: parse_qs(urlparse(url).query).get("nabor", [before])[0] != before)
    settle(page, "Dane")
    nabor_id = query(page)["nabor"]
    assert nabor_id not in (before, "demo", PREPARED_ID)
    assert nabor_shown(page) == name
    made = store.nabor(nabor_id)
    assert (made.name, made.created_by, made.created_by_login) == (name, EWA.name, EWA.login)

    with page.expect_file_chooser() as chooser:
        uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="Wczytaj plik formularzy")
        uploader.get_by_role("button", name="Upload", exact=True).click()
    chooser.value.set_files(str(EXAMPLE_FORMS))
    page.get_by_role("button", name=f"Zapisz „{EXAMPLE_FORMS.name}” jako nową wersję", exact=True).click()
    page.get_by_text(f"Zapisano wersję 1 pliku „{EXAMPLE_FORMS.name}”.", exact=True).wait_for()
    settle(page, "Dane")
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_text(f"Formularze: „{EXAMPLE_FORMS.name}”, wersja 1", exact=True).is_visible()
    assert nabor_shown(page) == name and query(page)["nabor"] == nabor_id
    versions = store.file_versions(nabor_id, FORMS)
    assert [(v.version, v.file_name, v.uploaded_by) for v in versions] == [(1, EXAMPLE_FORMS.name, EWA.name)]
    assert versions[0].sha256 == hashlib.sha256(EXAMPLE_FORMS.read_bytes()).hexdigest()

    # F5: a new session – sign in again, the same nabór opens.
    page.reload()
    settle(page, SIGN_IN_TITLE)
    sign_in(page, EWA, "Dane")
    assert nabor_shown(page) == name and query(page)["nabor"] == nabor_id
    assert sidebar.get_by_text(f"Formularze: „{EXAMPLE_FORMS.name}”, wersja 1", exact=True).is_visible()

    # A copied link, opened by someone else in another browser: the same nabór and partnership.
    other, other_recorder = people_browser()
    open_app(other, server, f"/ocena?nabor={nabor_id}&p=P03", SIGN_IN_TITLE)
    sign_in(other, ANNA, OCENA)
    assert nabor_shown(other) == name
    assert combobox(other, "Partnerstwo").input_value().startswith("P03 – Augustowsko-Biebrzański")
    other.locator("h3").filter(has_text="Augustowsko-Biebrzański Park Turystyczny").first.wait_for()
    assert (query(other)["nabor"], query(other)["p"]) == (nabor_id, "P03")

    # "Wyloguj" signs out: the sign-in page again, also after F5.
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Wyloguj").click()
    heading(page, SIGN_IN_TITLE).wait_for()
    settle(page, SIGN_IN_TITLE)
    assert signed_in_as(page) == ""
    page.reload()
    settle(page, SIGN_IN_TITLE)
    assert_no_errors(page, server, log_start)
    assert recorder.external == [] and other_recorder.external == []


# --- 3. roles ------------------------------------------------------------------------------------------
def test_viewer_sees_the_checklist_read_only(app, people_browser):
    server, _ = app
    page, _ = people_browser()
    ocena(page, server, PIOTR, "P02")
    main = page.locator('[data-testid="stMain"]')
    assert signed_in_as(page) == f"Zalogowano: {PIOTR.name} ({PIOTR.role_label})"
    main.get_by_text(f"Twoja rola ({PIOTR.role_label}) nie pozwala zapisywać ocen.", exact=True).wait_for()
    assert buttons(page, SAVE_ASSESSMENT).count() == 0
    assert page.locator('input[aria-label="Weryfikacja I.1"]').count() == 0
    assert main.locator('[data-testid="stDataFrame"], [data-testid="stTable"]').count() >= 1  # the checklist


def test_assessor_saves_under_their_own_name_and_may_not_decide(app, store, people_browser):
    server, _ = app
    page, _ = people_browser()
    ocena(page, server, ANNA, "P06")
    main = page.locator('[data-testid="stMain"]')
    assert f"Zapisujesz jako: {ANNA.name} ({ANNA.role_label})." in main.inner_text()
    # The person recorded is the signed-in account: the form has no field for a name.
    textboxes = main.get_by_role("textbox").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert textboxes and all(t.startswith("Komentarz ") for t in textboxes), textboxes

    save_assessment(page, {"I.4": (0, "Brak koordynatora w formularzu")})
    assert main.get_by_text(re.compile(rf"Zapisano ocenę \(wersja 1, .*, {re.escape(ANNA.name)}\)\.")).count()
    rows = history_rows(page, 1)
    assert [(r["Kto"], r["Kryterium"], r["Jest"], r["Komentarz"]) for r in rows] == [
        (ANNA.name, "I.4", "0 – nie", "Brak koordynatora w formularzu")], rows
    [entry] = store.history(PREPARED_ID, "P06")
    assert (entry.assessor, entry.assessor_login, entry.criterion, entry.new_value) == (ANNA.name, ANNA.login, "I.4", 0)

    go_to(page, "Wybór", "Wybór partnerstw")
    choose(page, "Wybrane partnerstwa (najwyżej 3)", re.compile(r"^P01 – "))
    main.get_by_text("Decyzję UM zapisuje osoba z rolą „zatwierdzający”.", exact=True).wait_for()
    assert buttons(page, SAVE_DECISION).count() == 0

    # The same steps as the approver do show the button (so its absence above means the role).
    boss, _ = people_browser()
    open_app(boss, server, f"/wybor?nabor={PREPARED_ID}", SIGN_IN_TITLE)
    sign_in(boss, EWA, "Wybór partnerstw")
    choose(boss, "Wybrane partnerstwa (najwyżej 3)", re.compile(r"^P01 – "))
    buttons(boss, SAVE_DECISION).first.wait_for()
    assert buttons(boss, SAVE_DECISION).count() == 1


# --- 4. nothing saved is lost ------------------------------------------------------------------------------
def test_saved_values_survive_switches_and_a_later_save_sends_only_its_change(app, store, people_browser):
    server, _ = app
    page, _ = people_browser()
    log_start = log_size(server)
    ocena(page, server, ANNA, "P01")
    agreement = "Umowa partnerska z 12.09.2020"
    save_assessment(page, {"I.1": (1, agreement)})

    pick_partnership(page, "P02")
    page.locator("h3").filter(has_text="Wiele gmin – jeden cel").first.wait_for()
    go_to(page, "Kandydaci", "Kandydaci")
    go_to(page, "Ocena", OCENA)
    pick_partnership(page, "P01")
    assert (form_value(page, "I.1"), form_comment(page, "I.1")) == ("1 – tak", agreement)

    pledge = "Zobowiązanie w uchwale nr 7/2020"
    save_assessment(page, {"I.3": (..., pledge)})
    assert (form_value(page, "I.1"), form_comment(page, "I.1")) == ("1 – tak", agreement)
    assert (form_value(page, "I.3"), form_comment(page, "I.3")) == ("—", pledge)

    stored = store.assessment(PREPARED_ID, "P01")
    assert stored.version == 2
    assert (stored.values["I.1"], stored.comments["I.1"]) == (1, agreement)
    assert (stored.values["I.3"], stored.comments["I.3"]) == (None, pledge)
    history = store.history(PREPARED_ID, "P01")
    assert [(h.version, h.criterion) for h in history] == [(2, "I.3"), (1, "I.1")]
    assert (history[0].old_value, history[0].new_value, history[0].old_comment) == (None, None, "")
    rows = history_rows(page, 2)
    assert [(r["Kryterium"], r["Komentarz"]) for r in rows] == [("I.3", pledge), ("I.1", agreement)], rows
    assert_no_errors(page, server, log_start)


def test_a_save_from_a_stale_page_is_refused_and_keeps_the_input(app, store, people_browser):
    server, _ = app
    log_start = log_size(server)
    anna, _ = people_browser()
    jan, _ = people_browser()
    ocena(anna, server, ANNA, "P04")
    ocena(jan, server, JAN, "P04")  # Jan's page now shows the assessment as it was before Anna's save

    save_assessment(anna, {"I.2": (0, "Brak uchwały o powołaniu rady")})
    mine = {"I.2": (1, "Uchwała nr 5/2020 o powołaniu rady"), "I.5": (1, "Zespół pracuje w MS Teams")}
    fill_assessment(jan, mine)
    click_save(jan)
    main = jan.locator('[data-testid="stMain"]')
    main.get_by_text(STALE_REFUSAL, exact=False).first.wait_for()
    settle(jan, OCENA)
    message = main.get_by_text(STALE_REFUSAL, exact=False).first.inner_text()
    assert f"Tę ocenę w międzyczasie zapisał(a) {ANNA.name}" in message and INPUT_KEPT in message, message
    assert main.get_by_text(SAVED).count() == 0
    # Jan's input is still in the form, beside the value Anna stored ("Zapisane").
    for criterion, (value, comment) in mine.items():
        assert (form_value(jan, criterion), form_comment(jan, criterion)) == (
            {1: "1 – tak", 0: "0 – nie"}[value], comment), criterion
    row = main.locator('[data-testid="stHorizontalBlock"]').filter(has=combobox(jan, "Weryfikacja I.2"))
    assert row.locator('[data-testid="stCaptionContainer"]').all_inner_texts() == ["0"]
    stored = store.assessment(PREPARED_ID, "P04")
    assert (stored.version, stored.assessor, stored.values["I.2"], stored.values["I.5"]) == (1, ANNA.name, 0, None)

    click_save(jan)  # having seen Anna's value, Jan saves again
    wait_saved(jan)
    stored = store.assessment(PREPARED_ID, "P04")
    assert (stored.version, stored.assessor) == (2, JAN.name)
    assert {c: (stored.values[c], stored.comments[c]) for c in mine} == mine
    history = store.history(PREPARED_ID, "P04")
    assert [(h.version, h.criterion, h.assessor) for h in history] == [
        (2, "I.2", JAN.name), (2, "I.5", JAN.name), (1, "I.2", ANNA.name)]
    assert history[0].old_value == 0  # Jan's save replaced Anna's value knowingly, her entry stays
    assert_no_errors(jan, server, log_start)
