"""The assessment store on both backends: SQLite (always) and PostgreSQL (CWD_TEST_DATABASE_URL).

The behaviour the store had before naborów, now scoped to a nabór and saved by signed-in people
(fixtures in tests/store/store_support.py). Naborów, roles, decisions, migration and failure modes
have their own files under tests/store/.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent / "store"))

from store_support import (  # noqa: E402
    FAST_HASHER,
    backend,  # noqa: F401 - fixture
    changes,
    nabor,  # noqa: F401 - fixture
    people,  # noqa: F401 - fixture
    statements,
    store,  # noqa: F401 - fixture
    values,
)

from cwd.auth import CONSOLE, Identity, Role  # noqa: E402
from cwd.criteria import CRITERIA_IDS  # noqa: E402
from cwd.limits import MAX_COMMENT_CHARS, MAX_ID_CHARS  # noqa: E402
from cwd.paths import ROOT  # noqa: E402
from cwd.store import (  # noqa: E402
    Assessment,
    AssessmentStore,
    ConflictError,
    Decision,
    HistoryEntry,
    InvalidValueError,
    Store,
    open_store,
)


def pairs(**given) -> dict[str, tuple]:
    """{criterion: (value, "")} from I_1=1 …"""
    return {c: (v, "") for c, v in values(**given).items()}


# --- save and read back --------------------------------------------------------------------------
def test_old_names_stay_importable():
    assert AssessmentStore is Store
    assert Assessment and Decision and HistoryEntry


def test_never_saved_is_empty(store, nabor):
    a = store.assessment(nabor, "P-01")
    assert a.version == 0 and not a.saved
    assert a.values == dict.fromkeys(CRITERIA_IDS)
    assert a.comments == dict.fromkeys(CRITERIA_IDS, "")
    assert a.assessor == "" and a.updated_at is None and a.row_hash is None
    assert store.assessments(nabor) == {}
    assert store.history(nabor) == []


def test_save_and_read_back(store, people, nabor):
    before = datetime.now(timezone.utc)
    saved = store.save(
        nabor, "P-01",
        {"I.1": (1, "Umowa partnerska z 12.09.2020 — podpisana przez wszystkie gminy."),
         "I.2": (0, "Brak uchwały."), "II.3": (1, "")},  # the rest left out = not verified
        actor=people.anna, expected_version=0, row_hash="wiersz-1",
    )
    after = datetime.now(timezone.utc)

    got = store.assessment(nabor, "P-01")
    assert got == saved
    assert got.version == 1 and got.saved
    assert (got.assessor, got.assessor_login) == ("Anna Nowak", "anna")  # the account's name, never typed
    assert got.nabor_id == nabor and got.row_hash == "wiersz-1"
    assert got.values["I.1"] == 1 and got.values["I.2"] == 0 and got.values["II.3"] == 1
    # missing stays missing: never turned into 0
    assert [c for c, v in got.values.items() if v is None] == [
        c for c in CRITERIA_IDS if c not in ("I.1", "I.2", "II.3")
    ]
    assert got.comments["I.1"] == "Umowa partnerska z 12.09.2020 — podpisana przez wszystkie gminy."
    assert got.comments["I.2"] == "Brak uchwały."
    assert got.comments["I.3"] == ""
    assert got.updated_at.tzinfo is not None and got.updated_at.utcoffset().total_seconds() == 0
    assert before <= got.updated_at <= after

    assert store.assessments(nabor) == {"P-01": got}


def test_name_in_history_is_the_accounts_normalised_name(store, nabor, people):
    store.add_user("marta", "  Marta   Lis ", Role.ASSESSOR, password="x" * 12, actor=CONSOLE)
    # whatever name the caller's identity claims, the account's is recorded
    marta = Identity(login="marta", name="Ktoś Zupełnie Inny", role=Role.ASSESSOR)
    saved = store.save(nabor, "P-01", pairs(I_1=1), actor=marta, expected_version=0, row_hash=None)
    assert saved.assessor == "Marta Lis"
    assert [e.assessor for e in store.history(nabor, "P-01")] == ["Marta Lis"]


def test_assessments_of_a_nabor_are_one_query(store, people, nabor):
    for n in range(3):
        store.save(nabor, f"P-{n}", {"I.1": (n % 2, ""), "I.4": (1, f"koordynator {n}")},
                   actor=people.anna, expected_version=0, row_hash=None)
    sent = statements(store.engine)
    everything = store.assessments(nabor)
    assert len([s for s in sent if s.startswith("SELECT")]) == 1
    assert set(everything) == {"P-0", "P-1", "P-2"}
    assert everything["P-1"].values["I.1"] == 1 and everything["P-2"].values["I.1"] == 0
    assert everything["P-2"].comments["I.4"] == "koordynator 2"
    assert everything["P-0"] == store.assessment(nabor, "P-0")


def test_survives_restart(backend, people, nabor, store):
    store.save(nabor, "P-01", {"I.1": (1, ""), "I.5": (0, "Brak zgody na Teams.")},
               actor=people.anna, expected_version=0, row_hash=None)
    store.save(nabor, "P-01", {"I.5": (1, "Uzupełniono oświadczenie.")}, actor=people.jan, expected_version=1,
               row_hash=None)
    before = (store.assessments(nabor), store.history(nabor), store.nabor(nabor))
    store.dispose()

    second = backend.open()  # a new process would do exactly this
    try:
        assert (second.assessments(nabor), second.history(nabor), second.nabor(nabor)) == before
        a = second.assessment(nabor, "P-01")
        assert a.version == 2 and a.values["I.5"] == 1 and a.assessor == "Jan Kowalski"
        # and it keeps working: the next save continues the version sequence
        assert second.save(nabor, "P-01", pairs(I_6=1), actor=people.anna, expected_version=2,
                           row_hash=None).version == 3
    finally:
        second.dispose()


def test_plain_postgresql_url_means_psycopg(backend):
    """Operators paste postgresql:// or postgres:// URLs; both use psycopg 3 (the installed driver)."""
    if backend.kind != "postgresql":
        pytest.skip("PostgreSQL only")
    plain = backend.url.replace("postgresql+psycopg://", "postgres://", 1)
    assert plain.startswith("postgres://")
    s = open_store(plain)
    try:
        assert s.engine.dialect.driver == "psycopg"
        assert s.nabory(demo=False) == []
    finally:
        s.dispose()


def test_postgresql_waits_are_bounded(backend):
    """Connect, statement, lock and pool waits ≤ 5 s each (a frozen server must not hang a page)."""
    if backend.kind != "postgresql":
        pytest.skip("PostgreSQL only")
    s = backend.open()
    try:
        with s.engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "5s"
            assert conn.exec_driver_sql("SHOW lock_timeout").scalar() == "5s"
            # the URL's own options (the test schema's search_path) are kept
            assert conn.exec_driver_sql("SHOW search_path").scalar().startswith("cwd_test_")
            parameters = conn.connection.dbapi_connection.info.get_parameters()
            assert 2 <= int(parameters["connect_timeout"]) <= 5
        assert s.engine.pool.timeout() <= 5
    finally:
        s.dispose()


def test_sqlite_file_is_shared_safely(backend):
    """SQLite: parent folder created, WAL and a busy timeout on every connection; reopening is harmless."""
    if backend.kind != "sqlite":
        pytest.skip("SQLite only")
    assert not backend.path.parent.exists()
    s = backend.open()
    try:
        assert backend.path.exists()
        with s.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert 1000 <= conn.exec_driver_sql("PRAGMA busy_timeout").scalar() <= 5000
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        n = s.create_nabor("Nabór testowy", actor=CONSOLE)
    finally:
        s.dispose()
    again = backend.open()  # create_all on an existing file changes nothing
    try:
        assert again.nabor(n.id).name == "Nabór testowy"
    finally:
        again.dispose()


# --- history -------------------------------------------------------------------------------------
def test_history_of_successive_saves(store, people, nabor):
    s1 = store.save(nabor, "P-01", {"I.1": (1, "Umowa."), "I.2": (0, "Brak rady.")},
                    actor=people.anna, expected_version=0, row_hash="w1")
    store.save(nabor, "P-02", pairs(II_1=1), actor=people.ewa, expected_version=0, row_hash=None)
    s2 = store.save(nabor, "P-01", {"I.1": (0, "Umowa nieważna."), "I.2": (0, "Brak rady."), "I.3": (1, "")},
                    actor=people.jan, expected_version=1, row_hash="w1")
    # a comment-only change is a change too
    s3 = store.save(nabor, "P-01", {"I.2": (0, "Rada powołana 1.10, po terminie.")},
                    actor=people.anna, expected_version=2, row_hash="w2")

    h = store.history(nabor, "P-01")
    assert all(isinstance(e, HistoryEntry) for e in h)
    got = [(e.version, e.criterion, e.old_value, e.new_value, e.old_comment, e.comment, e.assessor) for e in h]
    assert got == [
        # newest save first; inside a save, checklist order; unchanged criteria are not listed
        (3, "I.2", 0, 0, "Brak rady.", "Rada powołana 1.10, po terminie.", "Anna Nowak"),
        (2, "I.1", 1, 0, "Umowa.", "Umowa nieważna.", "Jan Kowalski"),
        (2, "I.3", None, 1, "", "", "Jan Kowalski"),
        (1, "I.1", None, 1, "", "Umowa.", "Anna Nowak"),
        (1, "I.2", None, 0, "", "Brak rady.", "Anna Nowak"),
    ]
    assert [(e.row_hash, e.old_row_hash) for e in h][:2] == [("w2", "w1"), ("w1", "w1")]
    assert {e.assessor_login for e in h} == {"anna", "jan"} and {e.kind for e in h} == {"zmiana"}
    # when: the save's own timestamp, in UTC
    assert [e.changed_at for e in h] == [s3.updated_at, s2.updated_at, s2.updated_at, s1.updated_at, s1.updated_at]
    assert all(e.changed_at.utcoffset().total_seconds() == 0 for e in h)
    assert all(e.partnership_id == "P-01" and e.nabor_id == nabor for e in h)

    everything = store.history(nabor)
    assert len(everything) == len(h) + 1
    assert [e for e in everything if e.partnership_id == "P-02"][0].criterion == "II.1"
    assert everything[0].changed_at >= everything[-1].changed_at


def test_save_without_changes_writes_nothing(store, people, nabor):
    first = store.save(nabor, "P-01", {"I.1": (1, "ok")}, actor=people.anna, expected_version=0, row_hash=None)
    stamp = store.stamp(nabor)
    again = store.save(nabor, "P-01", {"I.1": (1, "ok ")}, actor=people.jan, expected_version=1, row_hash=None)
    assert again == first == store.assessment(nabor, "P-01")  # same version, same assessor
    assert len(store.history(nabor, "P-01")) == 1
    assert store.stamp(nabor) == stamp  # nothing was written, so the cache key did not move
    # a first "save" of an untouched checklist stores nothing either
    assert store.save(nabor, "P-02", {}, actor=people.anna, expected_version=0, row_hash=None).version == 0
    assert store.save(nabor, "P-03", {"I.1": (None, "")}, actor=people.anna, expected_version=0,
                      row_hash=None).version == 0
    assert set(store.assessments(nabor)) == {"P-01"}


# --- partial saves: nothing saved is lost -----------------------------------------------------------
def test_a_criterion_left_out_keeps_its_stored_value_and_comment(store, people, nabor):
    store.save(nabor, "P-01", {"I.1": (1, "Umowa."), "I.7": (0, "Brak deklaracji.")},
               actor=people.anna, expected_version=0, row_hash=None)
    # Jan's form only touched I.2 (e.g. he switched partnership before the other values loaded)
    after = store.save(nabor, "P-01", {"I.2": (1, "Rada powołana.")}, actor=people.jan, expected_version=1,
                       row_hash=None)
    assert after.values["I.1"] == 1 and after.comments["I.1"] == "Umowa."
    assert after.values["I.7"] == 0 and after.comments["I.7"] == "Brak deklaracji."
    assert after.values["I.2"] == 1
    assert store.assessment(nabor, "P-01") == after
    assert [e.criterion for e in store.history(nabor, "P-01") if e.version == 2] == ["I.2"]
    # clearing a value is an explicit change of that criterion, not an omission
    cleared = store.save(nabor, "P-01", {"I.7": (None, "")}, actor=people.anna, expected_version=2, row_hash=None)
    assert cleared.values["I.7"] is None and cleared.values["I.1"] == 1


def test_stamp_changes_on_every_write_and_only_then(store, people, nabor):
    seen = [store.stamp(nabor)]
    store.save(nabor, "P-01", pairs(I_1=1), actor=people.anna, expected_version=0, row_hash=None)
    seen.append(store.stamp(nabor))
    with pytest.raises(ConflictError):
        store.save(nabor, "P-01", pairs(I_1=0), actor=people.anna, expected_version=0, row_hash=None)
    seen.append(store.stamp(nabor))
    store.add_forms(nabor, b"id\nP01\n", "f2.csv", actor=people.anna)
    seen.append(store.stamp(nabor))
    assert seen[0] < seen[1] == seen[2] < seen[3]


# --- concurrent assessors ------------------------------------------------------------------------
def test_conflicting_save_is_refused_and_nothing_is_lost(backend, store, people, nabor):
    anna, jan = backend.open(), backend.open()  # two app processes, two connection pools
    try:
        anna.save(nabor, "P-01", pairs(I_1=1), actor=people.anna, expected_version=0, row_hash=None)
        read_by_anna = anna.assessment(nabor, "P-01")
        read_by_jan = jan.assessment(nabor, "P-01")
        assert read_by_anna.version == read_by_jan.version == 1

        jan_saved = jan.save(nabor, "P-01", {"I.1": (0, "Umowa bez podpisu wójta."), "I.2": (1, "")},
                             actor=people.jan, expected_version=1, row_hash=None)

        with pytest.raises(ConflictError) as caught:
            anna.save(nabor, "P-01", {"I.3": (1, "Jest deklaracja.")}, actor=people.anna,
                      expected_version=read_by_anna.version, row_hash=None)
        err = caught.value
        assert err.current == jan_saved  # the fresh values, to show the user
        assert err.current.version == 2 and err.current.values["I.1"] == 0
        message = str(err)
        assert "Jan Kowalski" in message
        assert "w międzyczasie" in message and "Twoje zmiany nie zostały zapisane" in message

        # nothing lost, nothing half-written
        assert anna.assessment(nabor, "P-01") == jan_saved
        assert all(e.assessor != "Anna Nowak" or e.version == 1 for e in anna.history(nabor, "P-01"))
        assert not [e for e in anna.history(nabor, "P-01") if e.criterion == "I.3"]

        # after looking at the fresh values, Anna saves her change on top of them
        merged = anna.save(nabor, "P-01", {"I.3": (1, "Jest.")}, actor=people.anna,
                           expected_version=err.current.version, row_hash=None)
        assert merged.version == 3 and merged.values["I.1"] == 0 and merged.values["I.3"] == 1
        assert merged.values["I.2"] == 1
    finally:
        anna.dispose()
        jan.dispose()


def test_conflicting_first_save_is_refused(backend, store, people, nabor):
    """Both read "never saved" (version 0); the second one is refused."""
    anna, jan = backend.open(), backend.open()
    try:
        assert anna.assessment(nabor, "P-01").version == jan.assessment(nabor, "P-01").version == 0
        anna.save(nabor, "P-01", pairs(I_1=1), actor=people.anna, expected_version=0, row_hash=None)
        with pytest.raises(ConflictError) as caught:
            jan.save(nabor, "P-01", pairs(I_1=0), actor=people.jan, expected_version=0, row_hash=None)
        assert caught.value.current.assessor == "Anna Nowak"
        assert caught.value.current.values["I.1"] == 1
        assert jan.assessment(nabor, "P-01").values["I.1"] == 1
        assert [e.assessor for e in jan.history(nabor, "P-01")] == ["Anna Nowak"]
        # the refused save left the connection usable (PostgreSQL aborts the transaction)
        assert jan.save(nabor, "P-01", pairs(I_1=0), actor=people.jan, expected_version=1,
                        row_hash=None).version == 2
    finally:
        anna.dispose()
        jan.dispose()


@pytest.mark.parametrize("first_save", [True, False], ids=["first-save", "update"])
def test_the_write_itself_catches_a_save_the_read_missed(backend, store, people, nabor, monkeypatch, first_save):
    """The read at the start of a save is only a shortcut: the INSERT's primary key / the UPDATE's
    `WHERE version = :expected` must refuse the save when another process committed after that
    read (here the stale read is forced)."""
    anna, jan = backend.open(), backend.open()
    try:
        if not first_save:
            anna.save(nabor, "P-01", pairs(I_1=1), actor=people.anna, expected_version=0, row_hash=None)
        seen_by_jan = jan.assessment(nabor, "P-01")
        anna_saved = anna.save(nabor, "P-01", {"I.8": (1, "Anna była szybsza.")}, actor=people.anna,
                               expected_version=seen_by_jan.version, row_hash=None)

        real_read = Store._read
        stale_reads = []

        def read_before_anna_committed(conn, nabor_id, partnership_id):
            if not stale_reads:  # the read inside Jan's save sees the state before Anna's commit
                stale_reads.append(partnership_id)
                return seen_by_jan
            return real_read(conn, nabor_id, partnership_id)

        monkeypatch.setattr(Store, "_read", staticmethod(read_before_anna_committed))
        with pytest.raises(ConflictError) as caught:
            jan.save(nabor, "P-01", {"I.1": (0, "Jan.")}, actor=people.jan, expected_version=seen_by_jan.version,
                     row_hash=None)
        monkeypatch.undo()

        assert stale_reads == ["P-01"]
        assert caught.value.current == anna_saved == anna.assessment(nabor, "P-01")
        assert "Jan Kowalski" not in {e.assessor for e in anna.history(nabor, "P-01")}
    finally:
        anna.dispose()
        jan.dispose()


def test_version_from_the_future_is_refused(store, people, nabor):
    with pytest.raises(ConflictError) as caught:
        store.save(nabor, "P-01", pairs(I_1=1), actor=people.anna, expected_version=5, row_hash=None)
    assert caught.value.current.version == 0
    assert "nie zostały zapisane" in str(caught.value)
    assert store.assessments(nabor) == {}


_RACER = textwrap.dedent(
    """
    import json, sys
    from argon2 import PasswordHasher
    from cwd.auth import Identity, Role
    from cwd.store import ConflictError, open_store

    url, nabor, name, expected, ids = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5].split(",")
    store = open_store(url)
    me = Identity(login="racer-" + name.lower(), name="Oceniający " + name, role=Role.ASSESSOR)
    store.assessments(nabor)  # connect before the start signal
    print("ready", flush=True)
    sys.stdin.readline()
    won = []
    for pid in ids:
        try:
            store.save(nabor, pid, {"I.1": (1 if name == "A" else 0, "zapis " + name), "I.4": (1, "")},
                       actor=me, expected_version=expected, row_hash=None)
            won.append(pid)
        except ConflictError:
            pass
    store.dispose()
    print(json.dumps(won), flush=True)
    """
)


@pytest.mark.parametrize("first_save", [True, False], ids=["first-save", "update"])
def test_two_processes_racing(backend, store, people, nabor, first_save):
    """Two OS processes save the same partnerships from the same version: exactly one wins each."""
    ids = [f"P-{n:02d}" for n in range(30)]
    expected = 0 if first_save else 1
    for name in ("A", "B"):
        store.add_user(f"racer-{name.lower()}", f"Oceniający {name}", Role.ASSESSOR, password="x" * 12, actor=CONSOLE)
    if not first_save:
        for pid in ids:
            store.save(nabor, pid, pairs(II_1=1), actor=people.ewa, expected_version=0, row_hash=None)

    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    racers = {
        name: subprocess.Popen(
            [sys.executable, "-c", _RACER, backend.url, nabor, name, str(expected), ",".join(ids)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, cwd=ROOT, env=env,
        )
        for name in ("A", "B")
    }
    try:
        for name, proc in racers.items():
            line = proc.stdout.readline()
            assert line.strip() == "ready", f"racer {name} did not start: {line!r} {proc.stderr.read()}"
        for proc in racers.values():  # release both at once
            proc.stdin.write("go\n")
            proc.stdin.flush()
        won = {}
        for name, proc in racers.items():
            out, err = proc.communicate(timeout=300)  # a hang guard only
            assert proc.returncode == 0, f"racer {name} crashed:\n{err}"
            won[name] = set(json.loads(out.strip().splitlines()[-1]))
    finally:
        for proc in racers.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    assert won["A"].isdisjoint(won["B"])
    assert won["A"] | won["B"] == set(ids)
    stored = store.assessments(nabor)
    for pid in ids:
        winner = "A" if pid in won["A"] else "B"
        a = stored[pid]
        assert a.version == expected + 1
        assert a.assessor == f"Oceniający {winner}"
        assert a.values["I.1"] == (1 if winner == "A" else 0)
        assert a.comments["I.1"] == f"zapis {winner}"
        race_rows = [e for e in store.history(nabor, pid) if e.version == expected + 1]
        assert {e.assessor for e in race_rows} == {f"Oceniający {winner}"}
        # the racers send only I.1 and I.4: an update keeps II.1
        assert sorted(e.criterion for e in race_rows) == ["I.1", "I.4"]
        assert a.values["II.1"] == (None if first_save else 1)


def test_one_store_shared_by_threads(store, people, nabor):
    """Streamlit serves sessions from threads sharing one cached store."""
    from concurrent.futures import ThreadPoolExecutor

    def work(n):
        pid = f"P-{n % 4}"  # several threads on the same partnership: one wins per version
        who = people.anna if n % 2 else people.jan
        outcomes = []
        for _ in range(5):
            current = store.assessment(nabor, pid)
            try:
                store.save(nabor, pid, {"I.1": (n % 2, f"wątek {n}, wersja {current.version}"), "I.2": (1, "")},
                           actor=who, expected_version=current.version, row_hash=None)
                outcomes.append("saved")
            except ConflictError:
                outcomes.append("conflict")
        return outcomes

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = [o for outcomes in pool.map(work, range(8)) for o in outcomes]
    assert len(results) == 40
    stored = store.assessments(nabor)
    # every successful save of a partnership left exactly one version step, and its history says so
    assert sum(a.version for a in stored.values()) == results.count("saved")
    for pid, a in stored.items():
        versions = {e.version for e in store.history(nabor, pid)}
        assert versions <= set(range(1, a.version + 1))
        assert a.comments["I.1"].endswith(f"wersja {a.version - 1}")


# --- a failure in the middle of a save -------------------------------------------------------------
def test_failure_in_the_middle_of_a_save_keeps_the_previous_state(store, people, nabor, monkeypatch):
    store.save(nabor, "P-01", {"I.1": (1, "Umowa."), "I.2": (1, "")}, actor=people.anna, expected_version=0,
               row_hash=None)
    before = (store.assessments(nabor), store.history(nabor), store.stamp(nabor))

    reached = {}

    def broken_history(conn, rows):
        # Prove the failure comes after the assessment itself was written in this transaction.
        pid = rows[0]["partnership_id"]
        reached[pid] = conn.execute(
            text("SELECT version FROM cwd_nabor_assessment WHERE nabor_id = :n AND partnership_id = :pid"),
            {"n": nabor, "pid": pid},
        ).scalar()
        raise RuntimeError("awaria w trakcie zapisu historii")

    monkeypatch.setattr(Store, "_append_history", staticmethod(broken_history))
    with pytest.raises(RuntimeError, match="awaria"):
        store.save(nabor, "P-01", {"I.1": (0, "Zmiana."), "I.7": (1, "")}, actor=people.jan, expected_version=1,
                   row_hash=None)
    with pytest.raises(RuntimeError, match="awaria"):
        store.save(nabor, "P-02", pairs(I_1=1), actor=people.jan, expected_version=0, row_hash=None)  # a first save
    assert reached == {"P-01": 2, "P-02": 1}

    # both tables (and the stamp) as they were
    assert (store.assessments(nabor), store.history(nabor), store.stamp(nabor)) == before
    assert store.assessment(nabor, "P-02").version == 0

    # and the store is not stuck: once the fault is gone, the same save goes through
    monkeypatch.undo()
    after = store.save(nabor, "P-01", {"I.1": (0, "Zmiana."), "I.7": (1, "")}, actor=people.jan,
                       expected_version=1, row_hash=None)
    assert after.version == 2 and store.assessment(nabor, "P-01") == after
    assert [e.criterion for e in store.history(nabor, "P-01") if e.version == 2] == ["I.1", "I.7"]


# --- input validation ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"changes": {"I.1": (2, "")}}, "dozwolone wartości to 1, 0 albo brak oceny"),
        ({"changes": {"I.1": (-1, "")}}, "dozwolone wartości"),
        ({"changes": {"I.1": ("1", "")}}, "dozwolone wartości"),
        ({"changes": {"I.1": (0.5, "")}}, "dozwolone wartości"),
        ({"changes": {"I.1": (True, "")}}, "dozwolone wartości"),
        ({"changes": {"I.9": (1, "")}}, "Nieznane kryterium: „I.9”"),
        ({"changes": {"III.1": (None, "x")}}, "Nieznane kryterium: „III.1”"),
        ({"changes": {"I.1": (1, 5)}}, "Komentarz do kryterium I.1 musi być tekstem"),
        ({"changes": {"I.1": (1, "x" * (MAX_COMMENT_CHARS + 1))}}, "Komentarz do kryterium I.1 jest za długi"),
        ({"changes": {"I.1": 1}}, "podaj parę"),
        ({"changes": [("I.1", 1)]}, "muszą być słownikiem"),
        ({"partnership_id": ""}, "Brak identyfikatora partnerstwa"),
        ({"partnership_id": "P" * (MAX_ID_CHARS + 1)}, f"za długi \\(najwyżej {MAX_ID_CHARS} znaków\\)"),
        ({"partnership_id": "P" * 201}, "za długi"),
        ({"partnership_id": "P\n01"}, "znaki sterujące"),
        ({"nabor_id": "x" * 300}, "Identyfikator naboru jest za długi"),
        ({"nabor_id": "Zły nabór"}, "może zawierać tylko małe litery"),
        ({"expected_version": -1}, "Nieprawidłowa wersja oceny"),
        ({"expected_version": "1"}, "Nieprawidłowa wersja oceny"),
        ({"row_hash": "h" * 500}, "skrót wiersza"),
    ],
)
def test_invalid_input_is_rejected_before_the_database(store, people, nabor, kwargs, message):
    call = {"nabor_id": nabor, "partnership_id": "P-01", "changes": pairs(I_1=1), "actor": people.anna,
            "expected_version": 0, "row_hash": None, **kwargs}
    sent = statements(store.engine)
    with pytest.raises(InvalidValueError, match=message):
        store.save(**call)
    assert sent == []  # not a single statement reached the database
    assert store.assessments(nabor) == {}


def test_reads_with_a_too_long_id_are_refused_clearly(store, nabor):
    for read in (lambda: store.assessment(nabor, "P" * 300), lambda: store.history(nabor, "P" * 300),
                 lambda: store.assessments("n" * 300), lambda: store.nabor("n" * 300)):
        with pytest.raises(InvalidValueError, match="za długi"):
            read()


def test_valid_edge_values_are_accepted(store, people, nabor):
    """None (not verified), 0 and 1; integer-like numbers such as numpy's are fine."""
    numpy = pytest.importorskip("numpy")
    saved = store.save(nabor, "P-01", {"I.1": (numpy.int8(1), None), "I.2": (0, ""), "I.3": (None, "x")},
                       actor=people.anna, expected_version=0, row_hash=None)
    assert saved.values["I.1"] == 1 and type(saved.values["I.1"]) is int
    got = store.assessment(nabor, "P-01")
    assert got.values["I.2"] == 0 and got.values["I.3"] is None and got.comments["I.3"] == "x"


# --- the UM decision (more in tests/store/test_decisions.py) ----------------------------------------
def _verify_all(store, nabor, who, pid):
    current = store.assessment(nabor, pid)
    store.save(nabor, pid, {c: (1, "") for c in CRITERIA_IDS}, actor=who, expected_version=current.version,
               row_hash=None)


def test_decision_is_recorded_and_survives_a_restart(backend, store, people, nabor):
    for pid in ("P01", "P02"):
        _verify_all(store, nabor, people.anna, pid)
    assert store.latest_decision(nabor) is None
    first = store.save_decision(nabor, [("P01", "Ziemia Wysokomazowiecka", "Spójne z SRW.")], actor=people.ewa,
                                expected_decision=0, forms_version=1, ztm_version=None, summary="próg 20 000")
    second = store.save_decision(nabor, [("P02", "Wiele gmin – jeden cel", "Powiązania funkcjonalne."),
                                         ("P01", "Ziemia Wysokomazowiecka", " Spójne z SRW. ")],
                                 actor=people.ewa, expected_decision=first.number, forms_version=1, ztm_version=None)
    store.dispose()

    again = backend.open()
    try:
        latest = again.latest_decision(nabor)
        assert latest == second
        assert latest.ids == ["P02", "P01"] and latest.decided_by == "Ewa Wiśniewska"
        assert latest.justification("P01") == "Spójne z SRW."  # trimmed
        assert [d.id for d in again.decisions(nabor)] == [second.id, first.id]  # append-only, newest first
        assert [d.number for d in again.decisions(nabor)] == [2, 1]
        assert again.decisions(nabor)[1].summary == "próg 20 000"
        assert latest.forms_version == 1 and latest.ztm_version is None and latest.nabor_id == nabor
        assert "formularze.csv (wersja 1)" in latest.summary
    finally:
        again.dispose()


@pytest.mark.parametrize("picks,message", [
    ([], "co najmniej jedno"),
    ([("P1", "a", "x"), ("P2", "b", "x"), ("P3", "c", "x"), ("P4", "d", "x")], "najwyżej 3"),
    ([("P1", "a", "x"), ("P1", "a", "y")], "więcej niż raz"),
    ([("P1", "a", "  ")], "Brak uzasadnienia wyboru dla: P1"),
    ([("P1", "a", "x" * 10_001)], "za długie"),
    ([("P" * 41, "a", "x")], "za długi"),
    ([("P1",)], "Każdy wybór"),
])
def test_invalid_decision_is_refused_and_nothing_is_written(store, people, nabor, picks, message):
    with pytest.raises(InvalidValueError, match=message):
        store.save_decision(nabor, picks, actor=people.ewa, expected_decision=0, forms_version=1, ztm_version=None)
    assert store.decisions(nabor) == []


def test_fast_hasher_is_only_for_tests():
    from cwd import auth

    assert FAST_HASHER.memory_cost < auth.HASHER.memory_cost
