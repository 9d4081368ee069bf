"""PostgreSQL stopped, and PostgreSQL frozen (SIGSTOP), against a throw-away server these tests
start themselves: every call answers within a few seconds with the right error, and the same store
recovers when the server is back. Nothing saved is lost.

Needs the server binaries (/usr/lib/postgresql/*/bin); skipped without them unless
CWD_REQUIRE_POSTGRES=1. As root the server runs as the `postgres` user (runuser).
"""
from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from store_support import FAST_HASHER, REQUIRE_PG, add_people

from cwd.store import UnavailableError, open_store

# Generous upper bounds: the store's own limits are 5 s (connect) and 5.5 s (an operation).
ANSWER_WITHIN_S = 8


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


@dataclass
class Server:
    bin: Path
    root: Path
    port: int
    as_owner: list[str]

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([*self.as_owner, *args], capture_output=True, text=True, timeout=120, check=check,
                              cwd=self.root)

    def start(self) -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"), "-w",
                 "-t", "60", "-o", f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off",
                 "start")

    def stop(self) -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def processes(self) -> list[int]:
        """The postmaster and its children (backends, background workers)."""
        master = int((self.data / "postmaster.pid").read_text().split()[0])
        children = []
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                children.append(int(Path(stat).parent.name))
        return [master, *children]

    def signal_all(self, sig: int) -> None:
        for pid in self.processes():
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    bin_dir = _binaries()
    if bin_dir is None or not (bin_dir / "initdb").exists():
        if REQUIRE_PG:
            pytest.fail("CWD_REQUIRE_POSTGRES=1 but no PostgreSQL server binaries under /usr/lib/postgresql")
        pytest.skip("PostgreSQL server binaries not installed (/usr/lib/postgresql/*/bin)")
    root = Path(tempfile.mkdtemp(prefix="cwd-pg-"))
    as_owner: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root
        shutil.chown(root, "postgres", "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    srv = Server(bin_dir, root, _free_port(), as_owner)
    try:
        srv.run(str(bin_dir / "initdb"), "-D", str(srv.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                "--locale=C", "--no-sync")
        srv.start()
        yield srv
    finally:
        try:
            srv.signal_all(signal.SIGCONT)
        except (OSError, ValueError):
            pass
        srv.stop()
        shutil.rmtree(root, ignore_errors=True)


def _timed(call):
    started = time.monotonic()
    try:
        result = call()
    except UnavailableError as exc:
        result = exc
    return result, time.monotonic() - started


@pytest.fixture
def filled(server):
    """A store on the throw-away server with a nabór, people and one saved assessment."""
    store = open_store(server.url, hasher=FAST_HASHER)
    people = add_people(store) if not store.users() else None
    if people is None:
        from store_support import People
        from cwd.auth import Identity, Role

        people = People(Identity("anna", "Anna Nowak", Role.ASSESSOR), Identity("jan", "Jan Kowalski", Role.ASSESSOR),
                        Identity("ewa", "Ewa Wiśniewska", Role.APPROVER, True),
                        Identity("piotr", "Piotr Zieliński", Role.VIEWER))
    n = store.create_nabor("Awaria serwera", actor=people.anna)
    saved = store.save(n.id, "P01", {"I.1": (1, "przed awarią")}, actor=people.anna, expected_version=0,
                       row_hash=None)
    for _ in range(3):  # several pooled connections, as a running app has
        store.assessments(n.id)
    yield store, people, n.id, saved
    store.dispose()


def _calls(store, people, nabor, saved, url):
    return {
        "odczyt": lambda: store.assessment(nabor, "P01"),
        "zapis": lambda: store.save(nabor, "P01", {"I.2": (1, "w trakcie awarii")}, actor=people.anna,
                                    expected_version=saved.version, row_hash=None),
        "nowy proces": lambda: open_store(url, hasher=FAST_HASHER),
    }


def _assert_recovers(store, people, nabor, saved):
    deadline = time.monotonic() + 30
    while True:
        try:
            assert store.assessment(nabor, "P01") == saved  # nothing lost
            break
        except UnavailableError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    after = store.save(nabor, "P01", {"I.2": (1, "po awarii")}, actor=people.anna, expected_version=saved.version,
                       row_hash=None)
    assert after.version == saved.version + 1 and after.values["I.1"] == 1
    assert store.health().ok


def test_a_stopped_server(server, filled):
    store, people, nabor, saved = filled
    server.stop()
    try:
        for what, call in _calls(store, people, nabor, saved, server.url).items():
            result, took = _timed(call)
            assert isinstance(result, UnavailableError), f"{what}: {result!r}"
            assert took < ANSWER_WITHIN_S, f"{what} took {took:.1f} s"
            assert str(result).startswith("Baza danych jest niedostępna (")
            if what == "zapis":
                assert "Ocena partnerstwa P01 nie została zapisana. Dane zapisane wcześniej są nienaruszone." in str(result)
        health, took = _timed(store.health)
        assert not health.ok and took < ANSWER_WITHIN_S
        assert health.message.startswith("Baza danych jest niedostępna")
    finally:
        server.start()
    _assert_recovers(store, people, nabor, saved)


def test_a_frozen_server(server, filled):
    """SIGSTOP: the server accepts TCP but never answers — the case plain timeouts do not catch."""
    store, people, nabor, saved = filled
    server.signal_all(signal.SIGSTOP)
    try:
        for what, call in _calls(store, people, nabor, saved, server.url).items():
            result, took = _timed(call)
            assert isinstance(result, UnavailableError), f"{what}: {result!r}"
            assert took < ANSWER_WITHIN_S, f"{what} took {took:.1f} s"
            assert "nie odpowiedział" in str(result), str(result)
        health, took = _timed(store.health)
        assert not health.ok and took < ANSWER_WITHIN_S and "nie odpowiedział" in health.message
    finally:
        server.signal_all(signal.SIGCONT)
    _assert_recovers(store, people, nabor, saved)


def test_a_server_freezing_in_the_middle_of_a_write(server, filled, monkeypatch):
    """The ping went through, then the server froze inside the transaction: the watchdog ends the
    call, the half-done transaction never commits, and the store carries on afterwards."""
    from cwd.store import Store

    store, people, nabor, saved = filled
    real_lock = Store._lock_nabor

    def freeze_then_lock(self, conn, nabor_id, not_saved):
        server.signal_all(signal.SIGSTOP)
        return real_lock(self, conn, nabor_id, not_saved)

    monkeypatch.setattr(Store, "_lock_nabor", freeze_then_lock)
    try:
        result, took = _timed(lambda: store.save(nabor, "P01", {"I.3": (1, "zamrożony zapis")}, actor=people.anna,
                                                 expected_version=saved.version, row_hash=None))
    finally:
        server.signal_all(signal.SIGCONT)
        monkeypatch.undo()
    assert isinstance(result, UnavailableError), repr(result)
    assert took < ANSWER_WITHIN_S
    assert str(result) == ("Baza danych jest niedostępna (serwer nie odpowiedział w 5,5 s). Ocena partnerstwa P01 "
                           "nie została zapisana. Dane zapisane wcześniej są nienaruszone. Spróbuj ponownie, gdy "
                           "baza będzie dostępna.")
    _assert_recovers(store, people, nabor, saved)  # the frozen save never landed: version unchanged
