"""Naborów: the spine of the data. Nothing crosses naborów; files live in the database; the demo is
read-only; the row hash tells which assessments were made on an earlier version of the form."""
from __future__ import annotations

import hashlib
from datetime import date

import pytest
from store_support import FORMS_V1, NABOR_NAME, values

from cwd.auth import CONSOLE
from cwd.criteria import CRITERIA_IDS
from cwd.limits import MAX_FILE_BYTES
from cwd.nabor import DEMO_ID, StageDates, partnership_row_hash
from cwd.settings import OBSZAR_POWIAT, OsiSettings
from cwd.store import (
    CONFIRMATION,
    FORMS,
    ZTM,
    ConflictError,
    InvalidValueError,
    NaborClosedError,
    NotFoundError,
)


def pairs(**given):
    return {c: (v, "") for c, v in values(**given).items()}


# --- the id-collision scenario from real use ---------------------------------------------------------
def test_same_partnership_ids_in_two_naborow_never_meet(store, people):
    """P06 of one call is not P06 of another: no assessment, history or decision crosses."""
    a = store.create_nabor("Pilotaż CWD 2020 – woj. podlaskie", actor=people.anna)
    b = store.create_nabor("Nabór 2021 – woj. podlaskie", actor=people.anna)
    for n in (a, b):
        store.add_forms(n.id, f"id,nazwa\nP06,{n.name}\n".encode(), "formularze.csv", actor=people.anna)

    verified = store.save(a.id, "P06", {c: (1, f"sprawdzone w {a.id}") for c in CRITERIA_IDS},
                          actor=people.anna, expected_version=0, row_hash="wiersz-a")
    decision = store.save_decision(a.id, [("P06", "Partnerstwo A", "Najlepsze.")], actor=people.ewa,
                                   expected_decision=0, forms_version=1, ztm_version=None)

    # the other call's P06 starts empty: no values, comments, assessor or history inherited
    other = store.assessment(b.id, "P06")
    assert not other.saved and other.values == dict.fromkeys(CRITERIA_IDS) and other.assessor == ""
    assert store.assessments(b.id) == {} and store.history(b.id) == [] and store.history(b.id, "P06") == []
    assert store.latest_decision(b.id) is None and store.decisions(b.id) == []
    assert store.unverified(b.id, ["P06"]) == {"P06": ("brak oceny UM",)}
    # a decision in B cannot lean on A's verification
    with pytest.raises(Exception, match="nie mają pełnej weryfikacji UM"):
        store.save_decision(b.id, [("P06", "Partnerstwo B", "x")], actor=people.ewa, expected_decision=0,
                            forms_version=1, ztm_version=None)

    # B's own work does not touch A either
    store.save(b.id, "P06", pairs(I_1=0), actor=people.jan, expected_version=0, row_hash="wiersz-b")
    assert store.assessment(a.id, "P06") == verified
    assert store.latest_decision(a.id) == decision
    assert {e.nabor_id for e in store.history(a.id)} == {a.id}
    assert [e.assessor for e in store.history(b.id, "P06")] == ["Jan Kowalski"]
    # the version sequence is per nabór: B's first save was version 1, not A's 2
    assert store.assessment(b.id, "P06").version == 1


def test_the_demo_nabor_is_read_only_and_its_forms_come_from_the_repository(store, people):
    demo = store.nabor(DEMO_ID)
    assert demo.demo and not demo.writable and demo.id == "demo"
    assert store.nabory()[0] == demo and store.nabory(demo=False) == []
    forms = store.file(DEMO_ID, FORMS)
    from cwd.paths import DATA_DIR

    assert forms.content == (DATA_DIR / "formularze_przyklad.csv").read_bytes()
    assert forms.sha256 == hashlib.sha256(forms.content).hexdigest() and forms.version == 1
    assert store.file(DEMO_ID, ZTM) is None
    assert [v.version for v in store.file_versions(DEMO_ID, FORMS)] == [1]
    assert store.assessments(DEMO_ID) == {} and store.history(DEMO_ID) == [] and store.stamp(DEMO_ID) == 0

    for write in (
        lambda: store.save(DEMO_ID, "P01", pairs(I_1=1), actor=people.anna, expected_version=0, row_hash=None),
        lambda: store.add_forms(DEMO_ID, b"id\nP01\n", "f.csv", actor=people.anna),
        lambda: store.save_decision(DEMO_ID, [("P01", "x", "y", "z")], actor=people.ewa, expected_decision=0,
                                    forms_version=1, ztm_version=None),
        lambda: store.archive_nabor(DEMO_ID, actor=people.ewa),
        lambda: store.update_nabor(DEMO_ID, actor=people.anna, name="Inny"),
    ):
        with pytest.raises(NaborClosedError, match="tylko do odczytu"):
            write()
    with pytest.raises(InvalidValueError, match="zarezerwowany"):
        store.create_nabor("Przykład", actor=people.anna, nabor_id="demo")
    assert store.nabory(demo=False) == []


# --- creating, editing, archiving ------------------------------------------------------------------------
def test_nabor_ids_are_short_stable_and_unique(store, people):
    first = store.create_nabor(NABOR_NAME, actor=people.anna)
    second = store.create_nabor(NABOR_NAME, actor=people.jan)
    assert first.id == "pilotaz-cwd-2020-woj-podlaskie" and second.id == "pilotaz-cwd-2020-woj-podlaskie-2"
    assert store.create_nabor("Demo", actor=people.anna).id == "nabor-demo"  # never the reserved id
    chosen = store.create_nabor("Nabór z własnym id", actor=people.anna, nabor_id="cwd-2021")
    assert chosen.id == "cwd-2021"
    with pytest.raises(InvalidValueError, match="już istnieje"):
        store.create_nabor("Inny", actor=people.anna, nabor_id="cwd-2021")
    with pytest.raises(InvalidValueError, match="małe litery"):
        store.create_nabor("Inny", actor=people.anna, nabor_id="CWD 2021")
    long_name = "Bardzo długa nazwa naboru " * 10
    assert len(store.create_nabor(long_name, actor=people.anna).id) <= 40
    assert first.created_by == "Anna Nowak" and first.created_by_login == "anna" and first.created_at
    assert store.nabor(first.id) == first


def test_stage_dates_and_settings_are_editable_and_checked(store, people):
    n = store.create_nabor(NABOR_NAME, actor=people.anna)
    assert n.stages == StageDates() and n.settings == OsiSettings()
    changed = store.update_nabor(n.id, actor=people.jan,
                                 stages=StageDates(date(2021, 3, 1), date(2021, 3, 10), None),
                                 settings=OsiSettings(18_000, date(2023, 12, 31), OBSZAR_POWIAT))
    assert changed.stages.um_decision == date(2021, 3, 10) and changed.stages.mfipr_announcement is None
    assert changed.settings.prog_ludnosci == 18_000 and changed.settings.obszar_funkcjonalny == OBSZAR_POWIAT
    assert changed.updated_by == "Jan Kowalski" and changed.name == NABOR_NAME
    assert store.nabor(n.id) == changed
    with pytest.raises(InvalidValueError, match="wcześniejsza"):
        store.update_nabor(n.id, actor=people.jan, stages=StageDates(date(2021, 3, 10), date(2021, 3, 1), None))
    with pytest.raises(InvalidValueError, match="obszar"):
        store.update_nabor(n.id, actor=people.jan, settings=OsiSettings(obszar_funkcjonalny="gmina"))
    with pytest.raises(InvalidValueError, match="Próg"):
        store.update_nabor(n.id, actor=people.jan, settings=OsiSettings(prog_ludnosci=0))
    assert store.nabor(n.id) == changed


def test_an_archived_nabor_stays_readable_and_takes_no_writes(store, people, nabor):
    saved = store.save(nabor, "P01", pairs(I_1=1), actor=people.anna, expected_version=0, row_hash=None)
    archived = store.archive_nabor(nabor, actor=people.ewa)
    assert archived.archived and archived.archived_by == "Ewa Wiśniewska" and archived.archived_at
    assert store.assessment(nabor, "P01") == saved and store.file(nabor, FORMS).version == 1
    assert [n.id for n in store.nabory(archived=False, demo=False)] == []
    assert [n.id for n in store.nabory(demo=False)] == [nabor]
    stamp = store.stamp(nabor)
    for write in (
        lambda: store.save(nabor, "P01", pairs(I_2=1), actor=people.anna, expected_version=1, row_hash=None),
        lambda: store.add_forms(nabor, b"id\nP09\n", "f.csv", actor=people.anna),
        lambda: store.update_nabor(nabor, actor=people.anna, name="Nowa nazwa"),
        lambda: store.archive_nabor(nabor, actor=people.ewa),
    ):
        with pytest.raises(NaborClosedError, match="zarchiwizowany") as caught:
            write()
        assert "Dane zapisane wcześniej są nienaruszone" in str(caught.value)
    assert store.stamp(nabor) == stamp and store.assessment(nabor, "P01") == saved


def test_unknown_nabor(store, people):
    with pytest.raises(NotFoundError, match="Nie ma naboru „nie-ma”"):
        store.nabor("nie-ma")
    with pytest.raises(NotFoundError):
        store.save("nie-ma", "P01", pairs(I_1=1), actor=people.anna, expected_version=0, row_hash=None)
    assert store.assessments("nie-ma") == {}


# --- file versions ------------------------------------------------------------------------------------------
def test_file_versions_are_stored_in_the_database(backend, store, people, nabor):
    v1 = store.file(nabor, FORMS)
    assert (v1.version, v1.file_name, v1.content, v1.size) == (1, "formularze.csv", FORMS_V1, len(FORMS_V1))
    assert v1.sha256 == hashlib.sha256(FORMS_V1).hexdigest() and v1.uploaded_by == "Anna Nowak"

    # the same bytes again (a double click, a reload) are not a new version
    same = store.add_forms(nabor, FORMS_V1, "kopia.csv", actor=people.jan)
    assert same.version == 1 and same.file_name == "formularze.csv"
    v2 = store.add_forms(nabor, FORMS_V1 + b"P03,Nowe\n", "C:\\Users\\x\\formularze-v2.csv", actor=people.jan)
    assert v2.version == 2 and v2.file_name == "formularze-v2.csv" and v2.uploaded_by == "Jan Kowalski"
    ztm = store.add_ztm(nabor, b"teryt,nazwa,zrodlo\n2001011,,x\n", "ztm.csv", actor=people.anna)
    assert ztm.version == 1 and ztm.kind == ZTM
    # going back to the first file is a new version: "current" is always the latest
    assert store.add_forms(nabor, FORMS_V1, "formularze.csv", actor=people.anna).version == 3

    store.dispose()
    again = backend.open()  # another process (or an F5) sees the same files
    try:
        assert [v.version for v in again.file_versions(nabor, FORMS)] == [3, 2, 1]
        assert all(v.content is None for v in again.file_versions(nabor, FORMS))  # listings without bytes
        assert again.file(nabor, FORMS).content == FORMS_V1
        assert again.file(nabor, FORMS, 2).content.endswith(b"P03,Nowe\n")
        assert again.file(nabor, FORMS, 7) is None
        assert again.file(nabor, ZTM).version == 1
    finally:
        again.dispose()


@pytest.mark.parametrize("content,name,message", [
    (b"", "f.csv", "pusty"),
    (b"x" * (MAX_FILE_BYTES + 1), "f.csv", "za duży"),
    ("tekst", "f.csv", "bajtami"),
    (b"id\n", "", "Brak nazwy pliku"),
    (b"id\n", "x" * 300 + ".csv", "za długa"),
])
def test_bad_files_are_refused(store, people, nabor, content, name, message):
    with pytest.raises(InvalidValueError, match=message):
        store.add_forms(nabor, content, name, actor=people.anna)
    assert [v.version for v in store.file_versions(nabor, FORMS)] == [1]


# --- an earlier version of the form -----------------------------------------------------------------------
def test_assessments_based_on_an_earlier_form_row_are_found_and_confirmed(store, people, nabor):
    from cwd.model import Partnership

    p01 = Partnership("P01", "Ziemia Wysokomazowiecka", "2011012", ("2011012",), wiersz=2, plik="v1.csv")
    p02 = Partnership("P02", "Wiele gmin – jeden cel", "2006022", ("2006022",), wiersz=3, plik="v1.csv")
    h1, h2 = partnership_row_hash(p01), partnership_row_hash(p02)
    store.save(nabor, "P01", pairs(I_1=1, I_2=1), actor=people.anna, expected_version=0, row_hash=h1)
    store.save(nabor, "P02", pairs(I_1=1), actor=people.anna, expected_version=0, row_hash=h2)
    store.save(nabor, "P03", pairs(I_1=1), actor=people.anna, expected_version=0, row_hash="stary")

    # a new forms version: P01's row changed (a member added), P02 moved to another row, P03 is gone
    p01_new = Partnership("P01", "Ziemia Wysokomazowiecka", "2011012", ("2011012", "2011022"), wiersz=2,
                          plik="v2.csv")
    p02_moved = Partnership("P02", "Wiele gmin – jeden cel", "2006022", ("2006022",), wiersz=7, plik="v2.csv")
    current = {"P01": partnership_row_hash(p01_new), "P02": partnership_row_hash(p02_moved)}
    assert current["P02"] == h2  # where a row sits is not its content
    outdated = store.based_on_other_rows(nabor, current)
    assert set(outdated) == {"P01"} and outdated["P01"].row_hash == h1
    assert store.unverified(nabor, ["P01"], current)["P01"][-1] == "ocena dotyczy wcześniejszej wersji formularza"

    # the assessor looks again and confirms: a new version, values unchanged, recorded in history
    before = store.assessment(nabor, "P01")
    with pytest.raises(ConflictError):
        store.confirm_row(nabor, "P01", actor=people.jan, expected_version=0, row_hash=current["P01"])
    confirmed = store.confirm_row(nabor, "P01", actor=people.jan, expected_version=before.version,
                                  row_hash=current["P01"])
    assert confirmed.version == before.version + 1 and confirmed.values == before.values
    assert confirmed.row_hash == current["P01"] and confirmed.assessor == "Jan Kowalski"
    assert store.based_on_other_rows(nabor, current) == {}
    entry = store.history(nabor, "P01")[0]
    assert (entry.kind, entry.criterion, entry.old_row_hash, entry.row_hash, entry.assessor) == (
        CONFIRMATION, "", h1, current["P01"], "Jan Kowalski")
    # confirming again changes nothing; a viewer may not confirm; nothing to confirm for an unsaved one
    assert store.confirm_row(nabor, "P01", actor=people.jan, expected_version=confirmed.version,
                             row_hash=current["P01"]) == confirmed
    with pytest.raises(PermissionError):
        store.confirm_row(nabor, "P01", actor=people.piotr, expected_version=confirmed.version, row_hash="x")
    with pytest.raises(InvalidValueError, match="nie ma zapisanej oceny"):
        store.confirm_row(nabor, "P09", actor=people.jan, expected_version=0, row_hash="x")


def test_console_may_manage_naborow_but_never_assess_or_decide(store, people):
    n = store.create_nabor(NABOR_NAME, actor=CONSOLE)
    assert n.created_by == "wiersz poleceń serwera"
    store.add_forms(n.id, FORMS_V1, "f.csv", actor=CONSOLE)
    with pytest.raises(PermissionError, match="zalogowana osoba"):
        store.save(n.id, "P01", pairs(I_1=1), actor=CONSOLE, expected_version=0, row_hash=None)
    with pytest.raises(PermissionError, match="zalogowana osoba"):
        store.save_decision(n.id, [("P01", "x", "y", "z")], actor=CONSOLE, expected_decision=0, forms_version=1,
                            ztm_version=None)
