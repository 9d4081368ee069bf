"""The router (app.py → cwd.ui.context.run_page): every page opened first, sign-in, the demo, the
naborów a person may open. No Streamlit internals are patched: a sub-page opened first runs in
Streamlit's legacy pages/ mode, and the app itself must find its way to the router."""
from __future__ import annotations

import pytest

from cwd.nabor import DEMO_ID, DEMO_NAME
from cwd.ui import keys

from .conftest import PASSWORD, make_nabor
from .support import (
    EXAMPLE_IDS,
    PAGES,
    SIGN_IN_TITLE,
    TITLES,
    assert_ok,
    button,
    frame_with,
    goto,
    new_app,
    plain,
    run,
    shows_nabor,
    sign_in,
    start,
    texts,
    title,
)

SUB_PAGES = [p for p in PAGES if p != "mapa"]


def sidebar_rendered(at) -> bool:
    """The router's shared sidebar: the nabór choice and the OSI settings."""
    return (at.sidebar.selectbox(key=keys.NABOR).value is not None
            and at.sidebar.number_input(key=keys.THRESHOLD).value == 20_000)


@pytest.mark.parametrize("page", PAGES)
def test_a_fresh_session_opens_any_page_first_with_the_router_sidebar(page):
    at = run(new_app(page=page))

    assert title(at) == [TITLES[page]]
    assert sidebar_rendered(at)
    assert len(at.sidebar.pills(key=keys.STATUSES).options) == 3
    assert shows_nabor(at, DEMO_NAME)  # the page's nabór line


def test_first_request_to_ocena_selects_the_first_partnership():
    at = run(new_app(page="ocena"))
    assert at.selectbox(key=keys.PARTNERSHIP).value == "P01"


def test_page_switch_runs_the_router_and_its_filters_apply():
    at = goto(start(new_app()), "kandydaci")
    assert len(at.sidebar.pills(key=keys.STATUSES).options) == 3  # sidebar rendered
    assert frame_with(at, "status")["id"].tolist() == EXAMPLE_IDS
    at.sidebar.pills(key=keys.STATUSES).set_value(["nie spełnia"]).run()
    assert_ok(at)
    assert at.sidebar.pills(key=keys.STATUSES).value == ["nie spełnia"]
    assert frame_with(at, "status")["id"].tolist() == ["P06"]  # fresh state, filter applied


def test_second_sidebar_change_on_a_sub_page():
    at = goto(start(new_app()), "kandydaci")
    at.sidebar.pills(key=keys.STATUSES).set_value(["nie spełnia"]).run()
    assert_ok(at)
    at.sidebar.pills(key=keys.STATUSES).set_value([]).run()
    assert_ok(at)
    assert len(at.sidebar.children) > 0
    assert frame_with(at, "status")["id"].tolist() == EXAMPLE_IDS


@pytest.mark.parametrize("page", PAGES)
def test_sign_in_page_when_accounts_exist(people, page):
    at = run(new_app(page=page))

    assert title(at) == [SIGN_IN_TITLE]
    assert TITLES[page] not in title(at)
    assert not at.sidebar.selectbox  # no nabór choice, no settings before sign-in
    assert [t.label for t in at.text_input] == ["Login", "Hasło"]


def test_sign_in_form_opens_the_page_asked_for(people):
    at = run(new_app(page="ocena"))
    at.text_input[0].input("anna")
    at.text_input[1].input("złe hasło, ale długie")
    button(at, "Zaloguj się").click().run()
    assert_ok(at)
    assert title(at) == [SIGN_IN_TITLE]
    assert any("Nieprawidłowy login lub hasło" in e for e in texts(at, "error"))
    assert keys.SIGNED_IN not in at.session_state

    at.text_input[0].input("anna")
    at.text_input[1].input(PASSWORD)
    button(at, "Zaloguj się").click().run()
    assert_ok(at)
    assert title(at) == [TITLES["ocena"]]
    assert at.session_state[keys.SIGNED_IN].login == "anna"
    assert any("Anna Oceniająca" in plain(c) for c in texts(at.sidebar, "caption"))  # who is signed in


@pytest.mark.parametrize("page", PAGES)
def test_public_demo_stays_open_without_sign_in(people, nabor, monkeypatch, page):
    monkeypatch.setenv("CWD_DEMO_PUBLICZNY", "1")
    at = run(new_app(page=page))

    assert title(at) == [TITLES[page]]
    assert at.sidebar.selectbox(key=keys.NABOR).value == DEMO_ID
    assert "Przeglądasz przykład bez logowania." in texts(at.sidebar, "caption")


def test_public_demo_does_not_open_a_real_nabor_without_sign_in(people, nabor, monkeypatch):
    monkeypatch.setenv("CWD_DEMO_PUBLICZNY", "1")
    at = run(new_app(query={keys.Q_NABOR: nabor.id}, page="kandydaci"))
    assert title(at) == [SIGN_IN_TITLE]

    sign_in(at, people.viewer)
    run(at)
    assert title(at) == [TITLES["kandydaci"]]
    assert at.sidebar.selectbox(key=keys.NABOR).value == nabor.id


def test_without_public_demo_even_the_demo_needs_sign_in(people):
    at = run(new_app(query={keys.Q_NABOR: DEMO_ID}))
    assert title(at) == [SIGN_IN_TITLE]


def test_no_accounts_only_the_demo_even_when_naborow_exist(store, monkeypatch):
    from cwd.auth import CONSOLE
    from cwd.nabor import StageDates
    from cwd.paths import DATA_DIR
    from cwd.settings import OsiSettings

    # The server's operator created a nabór, but nobody has an account yet.
    n = store.create_nabor("Nabór bez kont", actor=CONSOLE, stages=StageDates(), settings=OsiSettings())
    store.add_forms(n.id, (DATA_DIR / "formularze_przyklad.csv").read_bytes(), "f.csv", actor=CONSOLE)
    assert not store.users() and not store.has_admin()

    for page in PAGES:
        at = run(new_app(query={keys.Q_NABOR: n.id}, page=page))
        assert title(at) == [TITLES[page]], page
        box = at.sidebar.selectbox(key=keys.NABOR)
        assert box.options == [DEMO_NAME] and box.value == DEMO_ID, page  # the other nabór is not offered
        assert shows_nabor(at, DEMO_NAME)
        assert at.query_params[keys.Q_NABOR] == DEMO_ID  # the link is rewritten to what is shown
        assert "Tryb pokazowy: brak kont – dostępny tylko przykładowy nabór (tylko do odczytu)." in \
            texts(at.sidebar, "caption")


def test_signed_in_person_sees_the_naborow_and_the_link_opens_one(store, people, nabor):
    other = make_nabor(store, people, "Drugi nabór")
    at = run(sign_in(new_app(query={keys.Q_NABOR: other.id}, page="dane"), people.viewer))

    box = at.sidebar.selectbox(key=keys.NABOR)
    assert box.value == other.id
    assert set(box.options) == {DEMO_NAME, "Pilotaż CWD 2020 – woj. podlaskie", "Drugi nabór"}
    assert shows_nabor(at, "Drugi nabór")

    box.set_value(nabor.id).run()
    assert_ok(at)
    assert at.query_params[keys.Q_NABOR] == nabor.id
    assert shows_nabor(at, "Pilotaż CWD 2020 – woj. podlaskie")
