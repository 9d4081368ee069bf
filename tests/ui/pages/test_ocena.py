"""Ocena: the checklist form of one partnership, saved under the signed-in identity; drafts that
survive switches; refused concurrent saves that keep the input; roles; read-only views."""
from __future__ import annotations

import streamlit as st

from cwd.criteria import CRITERIA_IDS
from cwd.nabor import partnership_row_hash
from cwd.ui import keys

from ..support import (
    TITLES,
    assert_ok,
    assessment_form,
    base_version,
    button,
    comment_box,
    example_with,
    fill_assessment,
    frame_with,
    goto,
    labels,
    new_app,
    run,
    shown,
    sign_in,
    stored_column,
    texts,
    title,
    value_box,
)


def ocena(nabor, who, **query):
    """A fresh session of `who` opening Ocena of `nabor` first (as a bookmark would)."""
    return run(sign_in(new_app(page="ocena", query={keys.Q_NABOR: nabor.id, **query}), who))


def history(at):
    return frame_with(at, "Kryterium")


def row_hash(store, nabor, pid):
    from cwd.forms import read_forms
    from cwd.register import load_register
    from cwd.store import FORMS

    current = store.file(nabor.id, FORMS)
    forms = read_forms(current.content, current.file_name, load_register())
    return partnership_row_hash(next(p for p in forms.partnerships if p.id == pid))


def test_ocena_shows_the_eleven_criteria(nabor, people):
    at = ocena(nabor, people.assessor)

    assert title(at) == [TITLES["ocena"]]
    assert len(at.selectbox(key=keys.PARTNERSHIP).options) == 10
    assert len(CRITERIA_IDS) == 11
    for c in CRITERIA_IDS:
        box = value_box(at, "P01", c)
        assert box.value == "brak" and box.options == ["—", "1 – tak", "0 – nie"]
    assert base_version(at, "P01") == 0  # widget keys carry the base version (changed by design)
    assert "### Ziemia Wysokomazowiecka :green-badge[✓ spełnia]" in texts(at, "markdown")
    assert "Ta ocena nie była jeszcze zapisywana." in texts(at, "caption")
    # the assessor is the signed-in person, not a text field (changed by design)
    assert not [t for t in at.text_input if (t.key or "").endswith("_who")]
    assert any(c.startswith("Zapisujesz jako: **Anna Oceniająca") for c in texts(at, "caption"))


def test_ocena_follows_the_shared_link_partnership(nabor, people):
    at = ocena(nabor, people.assessor, p="P05")
    assert at.selectbox(key=keys.PARTNERSHIP).value == "P05"
    assert any(v.startswith("### Gminy wokół Białegostoku") for v in texts(at, "markdown"))
    assert value_box(at, "P05", "I.1").value == "brak"


def test_ocena_save_history_and_restart(nabor, people, hermetic, store):
    at = ocena(nabor, people.assessor)
    fill_assessment(at, "P01", {"I.7": "0", "I.1": "1"}, {"I.7": "brak uchwały rady"})

    [ok] = texts(at, "success")
    assert ok.startswith("Zapisano ocenę (wersja 1,") and ok.endswith("Anna Oceniająca).")
    assert "### Ziemia Wysokomazowiecka :red-badge[✗ nie spełnia]" in texts(at, "markdown")
    h = history(at)
    assert sorted(h["Kryterium"]) == ["I.1", "I.7"]
    assert set(h["Kto"]) == {"Anna Oceniająca"}  # the signed-in identity (changed by design)
    row = h.set_index("Kryterium").loc["I.7"]
    assert (row["Było"], row["Jest"], row["Komentarz"]) == ("— brak", "0 – nie", "brak uchwały rady")
    assert hermetic.exists()  # the tmp database, not the project's var/
    assert base_version(at, "P01") == 1  # the form now starts from the stored version
    assert stored_column(at)["I.7"] == "0" and stored_column(at)["I.1"] == "1"
    stored = store.assessment(nabor.id, "P01")
    assert (stored.version, stored.assessor, stored.values["I.7"], stored.comments["I.7"]) == (
        1, "Anna Oceniająca", 0, "brak uchwały rady")

    # the verified value counts everywhere
    goto(at, "kandydaci")
    assert frame_with(at, "status").set_index("id").loc["P01", "status"] == "✗ nie spełnia"

    # an app restart: a new process (no cached store), a new session, the same database file
    st.cache_resource.clear()
    again = ocena(nabor, people.assessor)
    assert value_box(again, "P01", "I.7").value == "0"
    assert value_box(again, "P01", "I.1").value == "1"
    assert value_box(again, "P01", "I.2").value == "brak"
    assert comment_box(again, "P01", "I.7").value == "brak uchwały rady"
    assert sorted(history(again)["Kryterium"]) == ["I.1", "I.7"]


def test_unchanged_form_saves_nothing(nabor, people, store):
    at = ocena(nabor, people.assessor)
    button(at, "Zapisz ocenę").click().run()
    assert_ok(at)
    assert "Nic nie zmieniono – nie ma czego zapisać." in texts(at, "info")
    assert not store.assessment(nabor.id, "P01").saved


def test_refused_concurrent_save_keeps_the_input_and_shows_the_stored(nabor, people, store):
    a = ocena(nabor, people.assessor)
    b = ocena(nabor, people.approver)  # B opened P01 before A saved

    fill_assessment(a, "P01", {"I.1": "1"})
    assert texts(a, "success")

    fill_assessment(b, "P01", {"I.2": "0"})  # from B's stale base
    errors = shown(b, "error")
    assert any("w międzyczasie zapisał(a) Anna Oceniająca" in e and "Twoje zmiany są nadal w formularzu" in e
               for e in errors), errors
    assert not texts(b, "success")
    assert value_box(b, "P01", "I.2").value == "0"  # B's input is still in B's form
    assert value_box(b, "P01", "I.1").value == "1"  # A's value is in the form …
    assert stored_column(b)["I.1"] == "1" and stored_column(b)["I.2"] == "brak"  # … and shown as stored
    stored = store.assessment(nabor.id, "P01")
    assert (stored.version, stored.values["I.1"], stored.values["I.2"]) == (1, 1, None)

    button(b, "Zapisz ocenę").click().run()  # B saves again, on the fresh base
    assert_ok(b)
    assert texts(b, "success")[0].startswith("Zapisano ocenę (wersja 2,")
    stored = store.assessment(nabor.id, "P01")
    assert (stored.version, stored.values["I.1"], stored.values["I.2"]) == (2, 1, 0)
    assert stored.assessor == "Ewa Zatwierdzająca"


def test_conflicting_edit_is_listed_and_kept(nabor, people, store):
    a = ocena(nabor, people.assessor)
    b = ocena(nabor, people.approver)
    fill_assessment(a, "P01", {"I.3": "1"})
    fill_assessment(b, "P01", {"I.3": "0"})  # the same criterion, another value
    assert value_box(b, "P01", "I.3").value == "0"  # kept, not overwritten by the stored 1
    assert stored_column(b)["I.3"] == "1"
    assert store.assessment(nabor.id, "P01").values["I.3"] == 1


def test_switching_partnership_and_page_never_blanks_a_saved_value(nabor, people, store):
    at = ocena(nabor, people.assessor)
    fill_assessment(at, "P01", {"I.1": "1"})
    at.selectbox(key=keys.PARTNERSHIP).set_value("P02").run()
    assert_ok(at)
    assert at.query_params[keys.Q_PARTNERSHIP] == "P02"
    assert any(v.startswith("### Wiele gmin – jeden cel") for v in texts(at, "markdown"))
    assert value_box(at, "P02", "I.1").value == "brak"
    goto(at, "kandydaci")
    goto(at, "ocena")
    at.selectbox(key=keys.PARTNERSHIP).set_value("P01").run()
    assert_ok(at)
    assert value_box(at, "P01", "I.1").value == "1"
    fill_assessment(at, "P01", {}, {"I.3": "uchwała nr 12"})

    stored = store.assessment(nabor.id, "P01")
    assert stored.values["I.1"] == 1 and stored.comments["I.3"] == "uchwała nr 12"
    assert stored.version == 2


def test_refused_input_survives_a_partnership_and_page_switch(nabor, people):
    a = ocena(nabor, people.assessor)
    b = ocena(nabor, people.approver)
    fill_assessment(a, "P01", {"I.1": "1"})
    fill_assessment(b, "P01", {"I.4": "0"})  # refused: B's input is now a draft on the fresh base
    b.selectbox(key=keys.PARTNERSHIP).set_value("P02").run()
    assert_ok(b)
    assert any(v.startswith("### Wiele gmin – jeden cel") for v in texts(b, "markdown"))
    goto(b, "wybor")
    goto(b, "ocena")
    b.selectbox(key=keys.PARTNERSHIP).set_value("P01").run()
    assert_ok(b)
    assert value_box(b, "P01", "I.4").value == "0" and value_box(b, "P01", "I.1").value == "1"


def test_viewer_sees_the_read_only_checklist(nabor, people, store):
    store.save(nabor.id, "P01", {"I.1": (0, "brak umowy")}, actor=people.assessor, expected_version=0,
               row_hash=row_hash(store, nabor, "P01"))
    at = ocena(nabor, people.viewer)

    assert "Zapisz ocenę" not in labels(at) and assessment_form(at) is None
    checklist = frame_with(at, "Weryfikacja UM").set_index("Kryterium")
    assert len(checklist) == 11
    first = checklist.iloc[0]
    assert (first["Deklaracja"], first["Weryfikacja UM"], first["Przyjęta"], first["Komentarz"]) == (
        "1", "0", "0", "brak umowy")
    assert "Twoja rola (przeglądający) nie pozwala zapisywać ocen." in texts(at, "info")


def test_demo_is_read_only_even_for_an_assessor(people):
    at = run(sign_in(new_app(page="ocena"), people.assessor))
    assert "Zapisz ocenę" not in labels(at)
    assert "Przykładowy nabór jest tylko do odczytu." in texts(at, "info")


def test_archived_nabor_is_read_only(nabor, people, store):
    store.archive_nabor(nabor.id, actor=people.approver)
    at = ocena(nabor, people.assessor)
    assert "Zapisz ocenę" not in labels(at)
    assert "Nabór jest zarchiwizowany – nic nie można w nim zapisać." in texts(at, "info")


def test_f5_or_a_shared_link_opens_the_same_nabor_and_partnership(store, people):
    from ..conftest import make_nabor

    first = make_nabor(store, people, "Nabór pierwszy")
    second = make_nabor(store, people, "Nabór drugi")
    at = ocena(second, people.assessor, p="P03")
    fill_assessment(at, "P03", {"I.2": "0"})
    link = dict(at.query_params)
    assert link[keys.Q_NABOR] == second.id and link[keys.Q_PARTNERSHIP] == "P03"

    again = run(sign_in(new_app(page="ocena", query=link), people.assessor))  # F5: a new session, same URL
    assert again.sidebar.selectbox(key=keys.NABOR).value == second.id
    assert again.selectbox(key=keys.PARTNERSHIP).value == "P03"
    assert value_box(again, "P03", "I.2").value == "0"
    assert first.id != second.id and not store.assessment(first.id, "P03").saved


def test_assessment_on_an_earlier_form_row_is_kept_and_can_be_confirmed(nabor, people, store):
    store.save(nabor.id, "P01", {"I.1": (1, "umowa")}, actor=people.assessor, expected_version=0,
               row_hash=row_hash(store, nabor, "P01"))
    store.add_forms(nabor.id, example_with(P01={"koordynator": "Nowy Koordynator"}), "v2.csv",
                    actor=people.assessor)
    at = ocena(nabor, people.assessor)
    assert any("wcześniejszej wersji formularza" in w for w in texts(at, "warning"))
    assert "### Ziemia Wysokomazowiecka :green-badge[✓ spełnia]" in texts(at, "markdown")  # I.1 does not count yet

    button(at, "Potwierdź ocenę dla bieżącej wersji formularza").click().run()
    assert_ok(at)
    assert "Potwierdzono ocenę dla bieżącej wersji formularza." in texts(at, "success")
    assert not any("wcześniejszej wersji formularza" in w for w in texts(at, "warning"))
    assert store.assessment(nabor.id, "P01").row_hash == row_hash(store, nabor, "P01")


def test_presentation_shows_the_checklist_table(nabor, people):
    at = ocena(nabor, people.assessor, prezentacja="1", p="P02")
    assert "Zapisz ocenę" not in labels(at)
    assert len(at.main.table) == 1 and not at.main.selectbox
    assert any(v.startswith("### Wiele gmin – jeden cel") for v in texts(at, "markdown"))
