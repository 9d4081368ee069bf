"""The assessment store on both backends: SQLite (always) and PostgreSQL (CWD_TEST_DATABASE_URL).

Without CWD_TEST_DATABASE_URL the PostgreSQL cases are skipped, unless CWD_REQUIRE_POSTGRES=1,
which makes them fail instead (CI must not pass silently on SQLite alone). Each PostgreSQL test
works in its own fresh schema, dropped afterwards, so tests stay independent.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from cwd.paths import ROOT
from cwd.criteria import CRITERIA_IDS
from cwd.store import AssessmentStore, ConflictError, HistoryEntry, open_store

PG_URL = os.environ.get("CWD_TEST_DATABASE_URL", "").strip()
REQUIRE_PG = os.environ.get("CWD_REQUIRE_POSTGRES", "").strip() == "1"


@dataclass
class Backend:
    kind: str
    url: str  # what open_store(url) / a child process uses
    path: Path | None = None  # SQLite: the file (the app's default way of opening)

    def open(self) -> AssessmentStore:
        if self.path is not None:
            return open_store(path=self.path)
        return open_store(self.url)


@contextmanager
def _postgres_schema():
    """A fresh schema; the URL selects it through the connection's search_path."""
    schema = f"cwd_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path):
    if request.param == "sqlite":
        path = tmp_path / "var" / "cwd.sqlite"  # the folder does not exist yet: open_store makes it
        yield Backend("sqlite", f"sqlite:///{path}", path)
        return
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("CWD_REQUIRE_POSTGRES=1 but CWD_TEST_DATABASE_URL is not set: PostgreSQL was not tested")
        pytest.skip("PostgreSQL: set CWD_TEST_DATABASE_URL (see .ci/postgres.sh)")
    with _postgres_schema() as url:
        yield Backend("postgresql", url)


@pytest.fixture
def store(backend):
    s = backend.open()
    yield s
    s.dispose()


def values(**given) -> dict[str, int | None]:
    """Criterion values from keyword arguments I_1=1, II_3=0 …"""
    return {key.replace("_", "."): value for key, value in given.items()}


def _statements(engine):
    """Collect the SQL statements an engine sends (to prove what did or did not reach the DB)."""
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement.strip().upper())

    event.listen(engine, "before_cursor_execute", record)
    return sent


# --- save and read back --------------------------------------------------------------------------
def test_never_saved_is_empty(store):
    a = store.get("P-01")
    assert a.version == 0 and not a.saved
    assert a.values == dict.fromkeys(CRITERIA_IDS)
    assert a.comments == dict.fromkeys(CRITERIA_IDS, "")
    assert a.assessor == "" and a.updated_at is None
    assert store.get_all() == {}
    assert store.history() == []


def test_save_and_read_back(store):
    before = datetime.now(timezone.utc)
    saved = store.save(
        "P-01",
        values(I_1=1, I_2=0, II_3=1),  # the rest left out = not verified
        {"I.1": "Umowa partnerska z 12.09.2020 — podpisana przez wszystkie gminy.", "I.2": "Brak uchwały."},
        "  Anna   Nowak ",
        expected_version=0,
    )
    after = datetime.now(timezone.utc)

    got = store.get("P-01")
    assert got == saved
    assert got.version == 1 and got.saved
    assert got.assessor == "Anna Nowak"  # whitespace normalised
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

    assert store.get_all() == {"P-01": got}


def test_get_all_is_one_query(store):
    for n in range(3):
        store.save(f"P-{n}", values(I_1=n % 2, I_4=1), {"I.4": f"koordynator {n}"}, "Anna Nowak", 0)
    sent = _statements(store.engine)
    everything = store.get_all()
    assert [s for s in sent if s.startswith("SELECT")] and len([s for s in sent if s.startswith("SELECT")]) == 1
    assert set(everything) == {"P-0", "P-1", "P-2"}
    assert everything["P-1"].values["I.1"] == 1 and everything["P-2"].values["I.1"] == 0
    assert everything["P-2"].comments["I.4"] == "koordynator 2"
    assert everything["P-0"] == store.get("P-0")


def test_survives_restart(backend):
    first = backend.open()
    first.save("P-01", values(I_1=1, I_5=0), {"I.5": "Brak zgody na Teams."}, "Anna Nowak", 0)
    first.save("P-01", values(I_1=1, I_5=1), {"I.5": "Uzupełniono oświadczenie."}, "Jan Kowalski", 1)
    before = (first.get_all(), first.history())
    first.dispose()

    second = backend.open()  # a new process would do exactly this
    try:
        assert (second.get_all(), second.history()) == before
        a = second.get("P-01")
        assert a.version == 2 and a.values["I.5"] == 1 and a.assessor == "Jan Kowalski"
        # and it keeps working: the next save continues the version sequence
        assert second.save("P-01", values(I_1=1, I_5=1, I_6=1), {}, "Anna Nowak", 2).version == 3
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
        assert s.get("P-01").version == 0
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
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        s.save("P-01", values(I_1=1), {}, "Anna Nowak", 0)
    finally:
        s.dispose()
    again = backend.open()  # create_all on an existing file changes nothing
    try:
        assert again.get("P-01").values["I.1"] == 1
    finally:
        again.dispose()


# --- history -------------------------------------------------------------------------------------
def test_history_of_successive_saves(store):
    s1 = store.save("P-01", values(I_1=1, I_2=0), {"I.1": "Umowa.", "I.2": "Brak rady."}, "Anna Nowak", 0)
    store.save("P-02", values(II_1=1), {}, "Ewa Wiśniewska", 0)
    s2 = store.save(
        "P-01", values(I_1=0, I_2=0, I_3=1), {"I.1": "Umowa nieważna.", "I.2": "Brak rady."}, "Jan Kowalski", 1
    )
    # a comment-only change is a change too
    s3 = store.save(
        "P-01", values(I_1=0, I_2=0, I_3=1),
        {"I.1": "Umowa nieważna.", "I.2": "Rada powołana 1.10, po terminie."}, "Anna Nowak", 2,
    )

    h = store.history("P-01")
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
    # when: the save's own timestamp, in UTC
    assert [e.changed_at for e in h] == [s3.updated_at, s2.updated_at, s2.updated_at, s1.updated_at, s1.updated_at]
    assert all(e.changed_at.utcoffset().total_seconds() == 0 for e in h)
    assert all(e.partnership_id == "P-01" for e in h)

    everything = store.history()
    assert len(everything) == len(h) + 1
    assert [e for e in everything if e.partnership_id == "P-02"][0].criterion == "II.1"
    assert everything[0].changed_at >= everything[-1].changed_at


def test_save_without_changes_writes_nothing(store):
    first = store.save("P-01", values(I_1=1), {"I.1": "ok"}, "Anna Nowak", 0)
    again = store.save("P-01", values(I_1=1), {"I.1": "ok "}, "Jan Kowalski", 1)
    assert again == first == store.get("P-01")  # same version, same assessor: nobody changed anything
    assert len(store.history("P-01")) == 1
    # a first "save" of an untouched checklist stores nothing either
    assert store.save("P-02", {}, {}, "Anna Nowak", 0).version == 0
    assert set(store.get_all()) == {"P-01"}


# --- concurrent assessors ------------------------------------------------------------------------
def test_conflicting_save_is_refused_and_nothing_is_lost(backend):
    anna, jan = backend.open(), backend.open()  # two app processes, two connection pools
    try:
        anna.save("P-01", values(I_1=1), {}, "Anna Nowak", 0)
        read_by_anna = anna.get("P-01")
        read_by_jan = jan.get("P-01")
        assert read_by_anna.version == read_by_jan.version == 1

        jan_saved = jan.save("P-01", values(I_1=0, I_2=1), {"I.1": "Umowa bez podpisu wójta."}, "Jan Kowalski", 1)

        with pytest.raises(ConflictError) as caught:
            anna.save("P-01", values(I_1=1, I_3=1), {"I.3": "Jest deklaracja."}, "Anna Nowak",
                      read_by_anna.version)
        err = caught.value
        assert err.current == jan_saved  # the fresh values, to show the user
        assert err.current.version == 2 and err.current.values["I.1"] == 0
        message = str(err)
        assert "Jan Kowalski" in message
        assert "w międzyczasie" in message and "Twoje zmiany nie zostały zapisane" in message

        # nothing lost, nothing half-written
        assert anna.get("P-01") == jan_saved
        assert all(e.assessor != "Anna Nowak" or e.version == 1 for e in anna.history("P-01"))
        assert not [e for e in anna.history("P-01") if e.criterion == "I.3"]

        # after looking at the fresh values, Anna saves on top of them
        merged = anna.save("P-01", {**err.current.values, "I.3": 1}, {**err.current.comments, "I.3": "Jest."},
                           "Anna Nowak", err.current.version)
        assert merged.version == 3 and merged.values["I.1"] == 0 and merged.values["I.3"] == 1
    finally:
        anna.dispose()
        jan.dispose()


def test_conflicting_first_save_is_refused(backend):
    """Both read "never saved" (version 0); the second INSERT hits the primary key."""
    anna, jan = backend.open(), backend.open()
    try:
        assert anna.get("P-01").version == jan.get("P-01").version == 0
        anna.save("P-01", values(I_1=1), {}, "Anna Nowak", 0)
        with pytest.raises(ConflictError) as caught:
            jan.save("P-01", values(I_1=0), {}, "Jan Kowalski", 0)
        assert caught.value.current.assessor == "Anna Nowak"
        assert caught.value.current.values["I.1"] == 1
        assert jan.get("P-01").values["I.1"] == 1
        assert [e.assessor for e in jan.history("P-01")] == ["Anna Nowak"]
        # the failed INSERT left the connection usable (PostgreSQL aborts the transaction)
        assert jan.save("P-01", values(I_1=0), {}, "Jan Kowalski", 1).version == 2
    finally:
        anna.dispose()
        jan.dispose()


@pytest.mark.parametrize("first_save", [True, False], ids=["first-save", "update"])
def test_the_write_itself_catches_a_save_the_read_missed(backend, monkeypatch, first_save):
    """The read at the start of a save is only a shortcut: the INSERT's primary key / the UPDATE's
    `WHERE version = :expected` must refuse the save when another process committed after that
    read (under PostgreSQL's READ COMMITTED that can happen; here it is forced)."""
    anna, jan = backend.open(), backend.open()
    try:
        if not first_save:
            anna.save("P-01", values(I_1=1), {}, "Anna Nowak", 0)
        seen_by_jan = jan.get("P-01")
        anna_saved = anna.save("P-01", values(I_1=1, I_8=1), {"I.8": "Anna była szybsza."}, "Anna Nowak",
                               seen_by_jan.version)

        real_read = AssessmentStore._read
        stale_reads = []

        def read_before_anna_committed(conn, partnership_id):
            if not stale_reads:  # the read inside Jan's save sees the state before Anna's commit
                stale_reads.append(partnership_id)
                return seen_by_jan
            return real_read(conn, partnership_id)

        monkeypatch.setattr(AssessmentStore, "_read", staticmethod(read_before_anna_committed))
        with pytest.raises(ConflictError) as caught:
            jan.save("P-01", values(I_1=0), {"I.1": "Jan."}, "Jan Kowalski", seen_by_jan.version)
        monkeypatch.undo()

        assert stale_reads == ["P-01"]
        assert caught.value.current == anna_saved == anna.get("P-01")
        assert "Jan Kowalski" not in {e.assessor for e in anna.history("P-01")}
    finally:
        anna.dispose()
        jan.dispose()


def test_version_from_the_future_is_refused(store):
    with pytest.raises(ConflictError) as caught:
        store.save("P-01", values(I_1=1), {}, "Anna Nowak", 5)
    assert caught.value.current.version == 0
    assert "nie zostały zapisane" in str(caught.value)
    assert store.get_all() == {}


_RACER = textwrap.dedent(
    """
    import json, sys
    from cwd.store import ConflictError, open_store

    url, name, expected, ids = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split(",")
    store = open_store(url)
    store.get_all()  # connect before the start signal
    print("ready", flush=True)
    sys.stdin.readline()
    won = []
    for pid in ids:
        try:
            store.save(pid, {"I.1": 1 if name == "A" else 0, "I.4": 1},
                       {"I.1": "zapis " + name}, "Oceniający " + name, expected)
            won.append(pid)
        except ConflictError:
            pass
    store.dispose()
    print(json.dumps(won), flush=True)
    """
)


@pytest.mark.parametrize("first_save", [True, False], ids=["first-save", "update"])
def test_two_processes_racing(backend, first_save):
    """Two OS processes save the same partnerships from the same version: exactly one wins each."""
    ids = [f"P-{n:02d}" for n in range(30)]
    expected = 0 if first_save else 1
    setup = backend.open()  # creates the schema before the racers start
    try:
        if not first_save:
            for pid in ids:
                setup.save(pid, values(II_1=1), {}, "Przygotowanie", 0)

        env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        racers = {
            name: subprocess.Popen(
                [sys.executable, "-c", _RACER, backend.url, name, str(expected), ",".join(ids)],
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
        stored = setup.get_all()
        for pid in ids:
            winner = "A" if pid in won["A"] else "B"
            a = stored[pid]
            assert a.version == expected + 1
            assert a.assessor == f"Oceniający {winner}"
            assert a.values["I.1"] == (1 if winner == "A" else 0)
            assert a.comments["I.1"] == f"zapis {winner}"
            race_rows = [e for e in setup.history(pid) if e.version == expected + 1]
            assert {e.assessor for e in race_rows} == {f"Oceniający {winner}"}
            # the racers send the full checklist without II.1, so an update clears it
            assert sorted(e.criterion for e in race_rows) == (["I.1", "I.4"] if first_save else ["I.1", "I.4", "II.1"])
    finally:
        setup.dispose()


def test_one_store_shared_by_threads(store):
    """Streamlit serves sessions from threads sharing one cached store."""
    from concurrent.futures import ThreadPoolExecutor

    def work(n):
        pid = f"P-{n % 4}"  # several threads on the same partnership: one wins per version
        outcomes = []
        for _ in range(5):
            current = store.get(pid)
            try:
                store.save(pid, {**current.values, "I.1": n % 2, "I.2": 1},
                           {**current.comments, "I.1": f"wątek {n}, wersja {current.version}"},
                           f"Oceniający {n}", current.version)
                outcomes.append("saved")
            except ConflictError:
                outcomes.append("conflict")
        return outcomes

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = [o for outcomes in pool.map(work, range(8)) for o in outcomes]
    assert len(results) == 40
    stored = store.get_all()
    # every successful save of a partnership left exactly one version step, and its history says so
    assert sum(a.version for a in stored.values()) == results.count("saved")
    for pid, a in stored.items():
        versions = {e.version for e in store.history(pid)}
        assert versions <= set(range(1, a.version + 1))
        assert a.comments["I.1"].endswith(f"wersja {a.version - 1}")


# --- a failure in the middle of a save -------------------------------------------------------------
def test_failure_in_the_middle_of_a_save_keeps_the_previous_state(store, monkeypatch):
    store.save("P-01", values(I_1=1, I_2=1), {"I.1": "Umowa."}, "Anna Nowak", 0)
    before = (store.get_all(), store.history())

    reached = {}

    def broken_history(conn, rows):
        # Prove the failure comes after the assessment itself was written in this transaction.
        pid = rows[0]["partnership_id"]
        reached[pid] = conn.execute(
            text("SELECT version FROM cwd_assessment WHERE partnership_id = :pid"), {"pid": pid}
        ).scalar()
        raise RuntimeError("awaria w trakcie zapisu historii")

    monkeypatch.setattr(AssessmentStore, "_append_history", staticmethod(broken_history))
    with pytest.raises(RuntimeError, match="awaria"):
        store.save("P-01", values(I_1=0, I_2=1, I_7=1), {"I.1": "Zmiana."}, "Jan Kowalski", 1)
    with pytest.raises(RuntimeError, match="awaria"):
        store.save("P-02", values(I_1=1), {}, "Jan Kowalski", 0)  # a first save, too
    assert reached == {"P-01": 2, "P-02": 1}

    # both tables as they were
    assert (store.get_all(), store.history()) == before
    assert store.get("P-02").version == 0

    # and the store is not stuck: once the fault is gone, the same save goes through
    monkeypatch.undo()
    after = store.save("P-01", values(I_1=0, I_2=1, I_7=1), {"I.1": "Zmiana."}, "Jan Kowalski", 1)
    assert after.version == 2 and store.get("P-01") == after
    assert [e.criterion for e in store.history("P-01") if e.version == 2] == ["I.1", "I.7"]


# --- input validation ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"values": {"I.1": 2}}, "dozwolone wartości to 1, 0 albo brak oceny"),
        ({"values": {"I.1": -1}}, "dozwolone wartości"),
        ({"values": {"I.1": "1"}}, "dozwolone wartości"),
        ({"values": {"I.1": 0.5}}, "dozwolone wartości"),
        ({"values": {"I.1": True}}, "dozwolone wartości"),
        ({"values": {"I.9": 1}}, "Nieznane kryterium: „I.9”"),
        ({"comments": {"III.1": "x"}}, "Nieznane kryterium: „III.1”"),
        ({"comments": {"I.1": 5}}, "Komentarz do kryterium I.1 musi być tekstem"),
        ({"assessor": ""}, "Podaj imię i nazwisko osoby oceniającej"),
        ({"assessor": "   "}, "Podaj imię i nazwisko osoby oceniającej"),
        ({"assessor": None}, "Podaj imię i nazwisko osoby oceniającej"),
        ({"assessor": "x" * 201}, "za długie"),
        ({"partnership_id": ""}, "Brak identyfikatora partnerstwa"),
        ({"expected_version": -1}, "Nieprawidłowa wersja oceny"),
        ({"expected_version": "1"}, "Nieprawidłowa wersja oceny"),
    ],
)
def test_invalid_input_is_rejected_before_the_database(store, kwargs, message):
    call = {
        "partnership_id": "P-01",
        "values": values(I_1=1),
        "comments": {},
        "assessor": "Anna Nowak",
        "expected_version": 0,
        **kwargs,
    }
    sent = _statements(store.engine)
    with pytest.raises(ValueError, match=message):
        store.save(**call)
    assert sent == []  # not a single statement reached the database
    assert store.get_all() == {}


def test_valid_edge_values_are_accepted(store):
    """None (not verified), 0 and 1; integer-like numbers such as numpy's are fine."""
    numpy = pytest.importorskip("numpy")
    saved = store.save("P-01", {"I.1": numpy.int8(1), "I.2": 0, "I.3": None}, {"I.1": None}, "Anna Nowak", 0)
    assert saved.values["I.1"] == 1 and type(saved.values["I.1"]) is int
    assert store.get("P-01").values["I.2"] == 0 and store.get("P-01").values["I.3"] is None


# --- the UM decision ---------------------------------------------------------------------------
def test_decision_is_recorded_and_survives_a_restart(backend):
    s = backend.open()
    assert s.latest_decision() is None
    first = s.save_decision([("P01", "Ziemia Wysokomazowiecka", "Spójne z SRW.")], "Anna Nowak", "próg 20 000")
    second = s.save_decision([("P02", "Wiele gmin – jeden cel", "Powiązania funkcjonalne."),
                              ("P01", "Ziemia Wysokomazowiecka", " Spójne z SRW. ")], "Jan Kowalski")
    s.dispose()

    again = backend.open()
    try:
        latest = again.latest_decision()
        assert latest.ids == ["P02", "P01"] and latest.decided_by == "Jan Kowalski"
        assert latest.justification("P01") == "Spójne z SRW."  # trimmed
        assert [d.id for d in again.decisions()] == [second.id, first.id]  # append-only, newest first
        assert again.decisions()[1].settings == "próg 20 000"
    finally:
        again.dispose()


@pytest.mark.parametrize("picks,who,message", [
    ([], "Anna", "co najmniej jedno"),
    ([("P1", "a", "x"), ("P2", "b", "x"), ("P3", "c", "x"), ("P4", "d", "x")], "Anna", "najwyżej 3"),
    ([("P1", "a", "x"), ("P1", "a", "y")], "Anna", "więcej niż raz"),
    ([("P1", "a", "  ")], "Anna", "Brak uzasadnienia wyboru dla: P1"),
    ([("P1", "a", "x")], "   ", "imię i nazwisko"),
])
def test_invalid_decision_is_refused_and_nothing_is_written(store, picks, who, message):
    with pytest.raises(ValueError, match=message):
        store.save_decision(picks, who)
    assert store.decisions() == []
