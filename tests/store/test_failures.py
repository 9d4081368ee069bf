"""Clear failure modes: a read-only SQLite file or folder still reads; a full disk, a held lock, a
read-only server, a value too long and an unreachable server each give their own error with a
Polish message that says what was not saved — and nothing saved earlier is lost."""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
import shutil
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from store_support import FAST_HASHER, PASSWORD, add_people, values

from cwd.criteria import CRITERIA_IDS
from cwd.paths import ROOT
from cwd.store import (
    DiskFullError,
    InvalidValueError,
    LockedError,
    ReadOnlyError,
    StoreError,
    UnavailableError,
    open_store,
)
from cwd.store.engine import translate

def pairs(**given):
    return {c: (v, "") for c, v in values(**given).items()}


def _file_digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


# --- SQLite: read-only file or folder ---------------------------------------------------------------------
_READER = textwrap.dedent(
    """
    import json, sys
    from cwd.auth import Identity, Role
    from cwd.store import ReadOnlyError, StoreError, open_store

    path, nabor = sys.argv[1], sys.argv[2]
    out = {}
    store = open_store(path=path)
    out["read_only"] = store.read_only
    out["health"] = [store.health().ok, store.health().writable, store.health().message]
    a = store.assessment(nabor, "P01")
    out["values"] = [a.values["I.1"], a.comments["I.1"], a.assessor, a.version]
    out["history"] = len(store.history(nabor))
    out["decisions"] = [d.ids for d in store.decisions(nabor)]
    out["naborow"] = [n.id for n in store.nabory(demo=False)]
    out["login"] = store.authenticate("anna", sys.argv[3]) is not None
    anna = Identity("anna", "Anna Nowak", Role.ASSESSOR)
    try:
        store.save(nabor, "P01", {"I.2": (1, "")}, actor=anna, expected_version=a.version, row_hash=None)
        out["write"] = "zapisano"
    except ReadOnlyError as exc:
        out["write"] = ["ReadOnlyError", str(exc)]
    except StoreError as exc:
        out["write"] = [type(exc).__name__, str(exc)]
    try:
        store.create_nabor("Nowy", actor=anna)
        out["create"] = "zapisano"
    except ReadOnlyError as exc:
        out["create"] = "ReadOnlyError"
    store.dispose()
    print(json.dumps(out, ensure_ascii=False))
    """
)


def _without_root_powers() -> list[str]:
    """A command prefix under which file permissions apply: root ignores them, so as root the
    reader runs without the capabilities that override them (same user, nothing else changes)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("as root, util-linux setpriv is needed to make file permissions apply")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]


def _run_reader(code: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([*_without_root_powers(), sys.executable, "-c", code, *args], capture_output=True,
                          text=True, timeout=120, cwd=cwd, env=env)


@pytest.fixture
def shared_dir(tmp_path):
    yield tmp_path
    for p in [tmp_path, *tmp_path.rglob("*")]:  # let pytest clean up
        p.chmod(0o755 if p.is_dir() else 0o644)


@pytest.mark.parametrize("what", ["file", "folder"])
def test_read_only_sqlite_reads_and_refuses_writes_clearly(shared_dir, what):
    db_dir = shared_dir / "var"
    db_dir.mkdir()
    path = db_dir / "cwd.sqlite"
    store = open_store(path=path, hasher=FAST_HASHER)
    people = add_people(store)
    n = store.create_nabor("Pilotaż CWD 2020", actor=people.anna)
    store.add_forms(n.id, b"id,nazwa\nP01,Ziemia\n", "f.csv", actor=people.anna)
    store.save(n.id, "P01", {c: (1, "Umowa." if c == "I.1" else "") for c in CRITERIA_IDS}, actor=people.anna,
               expected_version=0, row_hash=None)
    store.save_decision(n.id, [("P01", "Ziemia", "Najlepsze.")], actor=people.ewa, expected_decision=0,
                        forms_version=1, ztm_version=None)
    store.dispose()  # the last connection closes: WAL checkpointed, -wal and -shm removed
    assert sorted(p.name for p in db_dir.iterdir()) == ["cwd.sqlite"]

    if what == "file":
        path.chmod(0o444)  # the folder stays writable: only the file is read-only
    else:
        path.chmod(0o644)  # the file would be writable …
        db_dir.chmod(0o555)  # … but the folder is not (SQLite cannot create its -wal/-shm files)
    before = _file_digest(db_dir)

    done = _run_reader(_READER, str(path), n.id, PASSWORD, cwd=shared_dir)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)

    assert out["read_only"] is True
    ok, writable, message = out["health"]
    assert ok and not writable and message.startswith("Baza tylko do odczytu – zapisy wyłączone")
    assert ("plik bazy" if what == "file" else "folder bazy") in message
    assert out["values"] == [1, "Umowa.", "Anna Nowak", 1]  # stored values can be read
    assert out["history"] == len(CRITERIA_IDS) and out["decisions"] == [["P01"]] and out["naborow"] == [n.id]
    assert out["login"] is True  # signing in works (a rehash would be skipped)
    kind, text_ = out["write"]
    assert kind == "ReadOnlyError"
    assert text_.startswith("Baza tylko do odczytu – zapisy wyłączone")
    assert "Ocena partnerstwa P01 nie została zapisana" in text_ and "Dane zapisane wcześniej są nienaruszone" in text_
    assert out["create"] == "ReadOnlyError"
    after = _file_digest(db_dir)
    assert after["cwd.sqlite"] == before["cwd.sqlite"]  # not a byte of the database changed
    # (a read-only WAL reader in a writable folder may leave SQLite's shared-memory index and an empty log)
    assert set(after) <= {"cwd.sqlite", "cwd.sqlite-shm", "cwd.sqlite-wal"}
    if "cwd.sqlite-wal" in after:
        assert (db_dir / "cwd.sqlite-wal").stat().st_size == 0


def test_a_read_only_file_with_no_schema_says_so(shared_dir):
    path = shared_dir / "pusta.sqlite"
    sqlite3.connect(path).close()
    path.chmod(0o444)
    code = ("import sys\nfrom cwd.store import open_store, StoreError\n"
            "try:\n    open_store(path=sys.argv[1])\nexcept StoreError as e:\n    print(type(e).__name__, e)\n")
    done = _run_reader(code, str(path), cwd=shared_dir)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("UnavailableError") and "otwórz ją raz z prawem zapisu" in done.stdout


# --- SQLite: disk full, locked ---------------------------------------------------------------------------------
def test_disk_full_is_reported_and_nothing_is_lost(tmp_path):
    store = open_store(path=tmp_path / "cwd.sqlite", hasher=FAST_HASHER)
    try:
        people = add_people(store)
        n = store.create_nabor("Pilotaż", actor=people.anna)
        kept = store.save(n.id, "P01", pairs(I_1=1), actor=people.anna, expected_version=0, row_hash=None)
        with store.engine.connect() as conn:
            pages = conn.execute(text("PRAGMA page_count")).scalar()

        def no_more_pages(dbapi_connection, _record):
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")  # the "disk" is full now

        event.listen(store.engine, "connect", no_more_pages)
        store.engine.dispose()
        big = {c: (1, "Bardzo długie uzasadnienie. " * 150) for c in CRITERIA_IDS}
        with pytest.raises(DiskFullError) as caught:
            store.save(n.id, "P02", big, actor=people.anna, expected_version=0, row_hash=None)
        assert str(caught.value) == (
            "Brak miejsca na dysku bazy danych. Ocena partnerstwa P02 nie została zapisana. "
            "Dane zapisane wcześniej są nienaruszone. Po zwolnieniu miejsca zapisz ponownie.")
        # reads go on; what was saved is intact; the half-written save left nothing
        assert store.assessments(n.id) == {"P01": kept}
        assert store.health().ok
        event.remove(store.engine, "connect", no_more_pages)
        store.engine.dispose()
        assert store.save(n.id, "P02", big, actor=people.anna, expected_version=0, row_hash=None).version == 1
    finally:
        store.dispose()


def test_database_locked_past_the_busy_timeout(tmp_path):
    path = tmp_path / "cwd.sqlite"
    store = open_store(path=path, hasher=FAST_HASHER)
    blocker = sqlite3.connect(path, isolation_level=None)
    try:
        people = add_people(store)
        n = store.create_nabor("Pilotaż", actor=people.anna)
        blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock and does not let go
        started = time.monotonic()
        with pytest.raises(LockedError) as caught:
            store.save(n.id, "P01", pairs(I_1=1), actor=people.anna, expected_version=0, row_hash=None)
        waited = time.monotonic() - started
        assert waited < 15  # bounded (the busy timeout is 5 s)
        assert str(caught.value).startswith("Baza danych jest zajęta innym zapisem (czekano 5 s). "
                                            "Ocena partnerstwa P01 nie została zapisana.")
        assert store.assessments(n.id) == {}  # reads are not blocked by the writer (WAL)
        blocker.execute("ROLLBACK")
        assert store.save(n.id, "P01", pairs(I_1=1), actor=people.anna, expected_version=0, row_hash=None).saved
    finally:
        blocker.close()
        store.dispose()


# --- values the database itself refuses ----------------------------------------------------------------------
def test_a_value_too_long_for_the_database_is_translated(store):
    if store.database.backend != "postgresql":
        pytest.skip("PostgreSQL enforces column widths; SQLite does not")
    with pytest.raises(InvalidValueError) as caught:
        with store.database.write("Ustawienie nie zostało zapisane") as conn:
            conn.execute(text("INSERT INTO cwd_meta (key, value) VALUES (:k, 'x')"), {"k": "k" * 100})
    assert str(caught.value) == ("Wartość jest za długa dla bazy danych. Ustawienie nie zostało zapisane. "
                                 "Dane zapisane wcześniej są nienaruszone.")


def test_a_read_only_postgresql_server(backend, store, people, nabor):
    if backend.kind != "postgresql":
        pytest.skip("PostgreSQL only")
    saved = store.save(nabor, "P01", pairs(I_1=1), actor=people.anna, expected_version=0, row_hash=None)
    url = make_url(backend.url)
    read_only_url = url.update_query_dict(
        {"options": url.query["options"] + " -c default_transaction_read_only=on"}).render_as_string(hide_password=False)
    replica = open_store(read_only_url, hasher=FAST_HASHER)
    try:
        assert replica.assessment(nabor, "P01") == saved
        health = replica.health()
        assert health.ok and not health.writable and health.message.startswith("Baza tylko do odczytu")
        with pytest.raises(ReadOnlyError) as caught:
            replica.save(nabor, "P01", pairs(I_2=1), actor=people.anna, expected_version=1, row_hash=None)
        assert "serwer przyjmuje tylko odczyty" in str(caught.value)
        assert "Ocena partnerstwa P01 nie została zapisana" in str(caught.value)
        assert replica.assessment(nabor, "P01") == saved
    finally:
        replica.dispose()


def test_an_unreachable_server_fails_fast_and_clearly():
    started = time.monotonic()
    with pytest.raises(UnavailableError) as caught:
        open_store("postgresql+psycopg://cwd:cwd@127.0.0.1:1/cwd_test")  # nothing listens on port 1
    assert time.monotonic() - started < 10
    message = str(caught.value)
    assert message.startswith("Baza danych jest niedostępna (nie można połączyć się z serwerem PostgreSQL).")
    assert "cwd:cwd" not in message  # no credentials in messages


def test_health_of_a_working_database(store):
    health = store.health()
    assert health.ok and health.writable and health.message.startswith("Baza danych działa (")


def test_pool_exhaustion_and_unknown_driver_errors_are_translated():
    assert isinstance(translate(sa_exc.TimeoutError("QueuePool limit"), "Ocena nie została zapisana"),
                      UnavailableError)
    assert translate(RuntimeError("not a database error"), None) is None
    generic = translate(sa_exc.DBAPIError("SELECT 1", {}, Exception("dziwne")), None)
    assert type(generic) is StoreError and "Nic nie zostało zmienione" in str(generic)


def test_read_only_flag_refuses_before_touching_the_database(tmp_path):
    store = open_store(path=tmp_path / "cwd.sqlite", hasher=FAST_HASHER)
    try:
        people = add_people(store)
        n = store.create_nabor("Pilotaż", actor=people.anna)
        store.database.read_only = True
        store.database.read_only_reason = "test"
        sent = []
        event.listen(store.engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
        with pytest.raises(ReadOnlyError, match=r"zapisy wyłączone \(test\)"):
            store.save(n.id, "P01", pairs(I_1=1), actor=people.anna, expected_version=0, row_hash=None)
        assert sent == []
    finally:
        store.dispose()


def test_mode_bits_helper_sanity(tmp_path):
    """The folder the store creates is an ordinary one (so a read-only deployment is the operator's choice)."""
    store = open_store(path=tmp_path / "a" / "b" / "cwd.sqlite", hasher=FAST_HASHER)
    store.dispose()
    assert stat.S_ISDIR((tmp_path / "a" / "b").stat().st_mode)
