"""The shared sidebar (cwd.ui.sidebar): filters that narrow every page, settings seeded from a shared
link and written back into it, invalid link parameters ignored, the nabór's own settings."""
from __future__ import annotations

from dataclasses import replace

from cwd.forms import read_forms_path
from cwd.pipeline import Inputs, evaluate
from cwd.settings import OsiSettings
from cwd.ui import keys

from .support import (
    EXAMPLE_FORMS,
    EXAMPLE_IDS,
    assert_ok,
    frame_with,
    goto,
    new_app,
    run,
    shown,
    sign_in,
    start,
    texts,
)


def chips_text(at) -> str:
    import html
    import re

    [body] = [e.proto.body for e in at.get("html") if "na mapie" in e.proto.body]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split()).replace("\xa0", " ")


def test_status_filter_narrows_every_page_and_the_link(fake_map):
    at = start(new_app())
    at.sidebar.pills(key=keys.STATUSES).set_value(["nie spełnia"]).run()
    assert_ok(at)
    assert "1 partnerstwo na mapie" in chips_text(at)
    assert at.query_params["status"] == "nie spełnia"

    goto(at, "kandydaci")
    assert frame_with(at, "status")["id"].tolist() == ["P06"]
    assert "Filtry panelu bocznego: pokazano 1 z 10 partnerstw." in texts(at, "caption")
    goto(at, "ocena")
    assert at.selectbox(key=keys.PARTNERSHIP).options == ["P06 – Dolina Narwi i Biebrzy (przykład) (nie spełnia)"]

    # the link opens the same view in a new session
    link = dict(at.query_params)
    other = goto(start(new_app(query={"status": link["status"]})), "kandydaci")
    assert other.sidebar.pills(key=keys.STATUSES).value == ["nie spełnia"]
    assert frame_with(other, "status")["id"].tolist() == ["P06"]


def test_query_params_seed_the_sidebar(register, adjacency):
    at = start(new_app(query={"trasa": "male_miasto", "prog": "9000"}))

    assert at.sidebar.selectbox(key=keys.ROUTE).value == "male_miasto"
    assert at.sidebar.number_input(key=keys.THRESHOLD).value == 9000
    assert any("Małe miasta powiatowe: ≤ 9\xa0000 mieszk." in c for c in texts(at, "caption"))
    assert at.query_params["trasa"] == "male_miasto" and at.query_params["prog"] == "9000"

    goto(at, "kandydaci")
    table = frame_with(at, "status")
    assert 0 < len(table) < 10
    # exactly the partnerships that qualify by the small-town route at 9 000 (the rules, evaluated apart)
    ev = evaluate(register, Inputs(forms=read_forms_path(EXAMPLE_FORMS, register),
                                   osi=replace(OsiSettings(), prog_ludnosci=9000), adjacency=adjacency))
    small = [r.id for r in ev.results if any("małe miasto powiatowe" in t for t in r.osi.trasy)]
    assert table["id"].tolist() == small


def test_invalid_query_params_are_ignored():
    at = start(new_app(query={"prog": "abc", "powiat": "9999,2006", "trasa": "<script>",
                              "status": "xx", "data": "2019-13-01", "obszar": "nic"}))

    assert at.sidebar.number_input(key=keys.THRESHOLD).value == 20_000
    assert at.sidebar.multiselect(key=keys.POWIATS).value == ["2006"]
    assert at.sidebar.selectbox(key=keys.ROUTE).value == "wszystkie"
    assert at.sidebar.pills(key=keys.STATUSES).value == []
    assert str(at.sidebar.selectbox(key=keys.REF_DATE).value) == "2019-06-30"
    assert at.sidebar.radio(key=keys.AREA_MODE).value == "powiat_i_sasiedzi"
    # the link is rewritten without the junk (the nabór shown is in it: changed by design)
    assert dict(at.query_params) == {"powiat": "2006", "nabor": "demo"}
    goto(at, "kandydaci")
    assert set(frame_with(at, "status")["id"]) < set(EXAMPLE_IDS)  # the powiat filter applies


def test_unicode_digit_in_prog_is_ignored():
    at = run(new_app(query={"prog": "²"}))
    assert at.sidebar.number_input(key=keys.THRESHOLD).value == 20_000


def test_unknown_nabor_in_the_link_falls_back_to_the_first(people, nabor):
    at = run(sign_in(new_app(query={keys.Q_NABOR: "nie-ma-takiego"}), people.viewer))
    box = at.sidebar.selectbox(key=keys.NABOR)
    assert box.value == nabor.id  # the open nabór comes first, then the demo
    assert at.query_params[keys.Q_NABOR] == nabor.id


def test_the_nabor_brings_its_own_settings(store, people):
    from cwd.nabor import StageDates

    own = store.create_nabor("Nabór z progiem 15 000", actor=people.assessor, stages=StageDates(),
                             settings=replace(OsiSettings(), prog_ludnosci=15_000, obszar_funkcjonalny="powiat"))
    at = run(sign_in(new_app(query={keys.Q_NABOR: own.id}), people.viewer))
    assert at.sidebar.number_input(key=keys.THRESHOLD).value == 15_000
    assert at.sidebar.radio(key=keys.AREA_MODE).value == "powiat"
    assert not any(c.startswith("Ustawienia różnią się") for c in texts(at.sidebar, "caption"))

    at.sidebar.number_input(key=keys.THRESHOLD).set_value(18_000).run()
    assert_ok(at)
    assert any(c.startswith("Ustawienia różnią się od zapisanych w naborze") for c in texts(at.sidebar, "caption"))


def test_sidebar_names_the_forms_and_the_signed_in_person(nabor, people):
    at = run(sign_in(new_app(query={keys.Q_NABOR: nabor.id}), people.assessor))
    assert "Formularze: „formularze.csv”, wersja 1" in shown(at.sidebar, "caption")
    assert "Zalogowano: **Anna Oceniająca (oceniający)**" in shown(at.sidebar, "caption")
    at.sidebar.button(key="_wyloguj").click().run()
    assert_ok(at)
    assert keys.SIGNED_IN not in at.session_state
    assert [t.value for t in at.title] == ["Logowanie"]
