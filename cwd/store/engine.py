"""Opening the database, bounding every wait, and turning driver failures into the store's errors.

Timeouts (DESIGN: a page must never freeze on the database):
- PostgreSQL: connect 5 s (libpq connect_timeout), statement 5 s and lock wait 5 s (server side),
  waiting for a pooled connection 5 s (pool_timeout). A server that accepts TCP but never answers
  (a frozen process) defeats all of these on a connection that is already open: the server cannot
  enforce its own statement timeout, and the kernel keeps acknowledging packets, so TCP keepalives
  never fire. So each operation also runs under a client-side watchdog: past its deadline the
  connection's socket is shut down, the blocked call returns, and the connection is discarded.
  SQLAlchemy's pool_pre_ping is off for that reason — it pings inside `engine.connect()`, before
  the watchdog can be armed — and the store pings itself, under the watchdog, instead.
- SQLite: WAL and a 5 s busy timeout on a writable file; a read-only file or folder is opened
  read-only (`mode=ro`, no WAL pragma: that pragma is a write), so stored values stay readable.
"""
from __future__ import annotations

import heapq
import itertools
import os
import socket
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.pool import QueuePool

from cwd.auth import PermissionDenied
from cwd.store.errors import (
    DiskFullError,
    InvalidValueError,
    LockedError,
    ReadOnlyError,
    StoreError,
    UnavailableError,
    _tail,
)
from cwd.store.values import Health

TIMEOUT_S = 5  # connect, statement, lock and pool waits (each)
# A whole operation (ping + transaction) on PostgreSQL; a little over the server's own timeouts, so
# that a live server reports its precise error first.
WATCHDOG_S = 5.5
SQLITE_BUSY_TIMEOUT_MS = TIMEOUT_S * 1000
PG_POOL_SIZE = 10
PG_MAX_OVERFLOW = 10

# SQLite primary result codes (sqlite3.Error.sqlite_errorcode & 0xff)
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN = 10, 11, 13, 14
_SQLITE_TOOBIG, _SQLITE_CONSTRAINT, _SQLITE_MISMATCH, _SQLITE_NOTADB = 18, 19, 20, 26


# --- the watchdog ---------------------------------------------------------------------------------------
class _Ticket:
    __slots__ = ("fd", "deadline", "fired", "done")

    def __init__(self, fd: int, deadline: float):
        self.fd = fd  # our own duplicate: the socket stays ours to shut down even if the driver closes its fd
        self.deadline = deadline
        self.fired = False
        self.done = False


class Watchdog:
    """One daemon thread that shuts down the socket of an operation that overran its deadline."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, _Ticket]] = []
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None

    def arm(self, fd: int, seconds: float) -> _Ticket:
        ticket = _Ticket(os.dup(fd), time.monotonic() + seconds)
        with self._cond:
            heapq.heappush(self._heap, (ticket.deadline, next(self._seq), ticket))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="cwd-store-watchdog", daemon=True)
                self._thread.start()
            self._cond.notify()
        return ticket

    def disarm(self, ticket: _Ticket | None) -> bool:
        """Stop watching; True when the deadline had passed and the socket was shut down."""
        if ticket is None:
            return False
        with self._cond:
            fired, ticket.done = ticket.fired, True
        os.close(ticket.fd)
        return fired

    def _run(self) -> None:
        with self._cond:
            while True:
                while self._heap and self._heap[0][2].done:
                    heapq.heappop(self._heap)
                if not self._heap:
                    if not self._cond.wait(timeout=60) and not self._heap:
                        self._thread = None  # idle: a later arm() starts a new thread
                        return
                    continue
                deadline, _seq, ticket = self._heap[0]
                wait = deadline - time.monotonic()
                if wait > 0:
                    self._cond.wait(timeout=wait)
                    continue
                heapq.heappop(self._heap)
                ticket.fired = True
                try:
                    sock = socket.socket(fileno=os.dup(ticket.fd))
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    finally:
                        sock.close()
                except OSError:
                    pass  # already closed by the driver: nothing left to unblock


_WATCHDOG = Watchdog()


# --- failure translation ------------------------------------------------------------------------------------
def translate(exc: BaseException, not_saved: str | None, *, timed_out: bool = False) -> StoreError | None:
    """The store's error for a driver/pool failure, or None when `exc` is not a database failure."""
    if timed_out:
        return UnavailableError(not_saved, f"serwer nie odpowiedział w {WATCHDOG_S:g} s".replace(".", ","))
    if isinstance(exc, sa_exc.TimeoutError):  # QueuePool: no free connection within pool_timeout
        return UnavailableError(not_saved, f"wszystkie połączenia z bazą zajęte – czekano {TIMEOUT_S} s")
    orig = exc.orig if isinstance(exc, sa_exc.DBAPIError) and exc.orig is not None else exc
    if isinstance(orig, sqlite3.Error):
        return _translate_sqlite(orig, not_saved)
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None and isinstance(orig, psycopg.Error):
        return _translate_postgres(orig, not_saved)
    if isinstance(exc, sa_exc.DBAPIError):
        return StoreError(f"Nieoczekiwany błąd bazy danych ({type(orig).__name__}). {_tail(not_saved)}",
                          not_saved=not_saved)
    return None


def _translate_sqlite(orig: sqlite3.Error, not_saved: str | None) -> StoreError:
    code = getattr(orig, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    message = str(orig).lower()
    if primary == _SQLITE_READONLY or "readonly" in message or "read-only" in message:
        return ReadOnlyError(not_saved)
    if primary == _SQLITE_FULL or "disk is full" in message:
        return DiskFullError(not_saved)
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED) or "database is locked" in message:
        return LockedError(not_saved, SQLITE_BUSY_TIMEOUT_MS / 1000)
    if primary in (_SQLITE_TOOBIG, _SQLITE_CONSTRAINT, _SQLITE_MISMATCH):
        return InvalidValueError(
            f"Baza odrzuciła wartość jako za długą lub nieprawidłową. {_tail(not_saved)}", not_saved=not_saved)
    if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return UnavailableError(not_saved, "plik bazy jest uszkodzony albo to nie jest baza SQLite")
    if primary in (_SQLITE_CANTOPEN, _SQLITE_PERM):
        return UnavailableError(not_saved, "nie można otworzyć pliku bazy")
    if primary == _SQLITE_IOERR:
        return UnavailableError(not_saved, "błąd wejścia-wyjścia przy pliku bazy")
    return StoreError(f"Nieoczekiwany błąd bazy danych SQLite ({type(orig).__name__}). {_tail(not_saved)}",
                      not_saved=not_saved)


def _translate_postgres(orig, not_saved: str | None) -> StoreError:
    state = getattr(orig, "sqlstate", None) or ""
    if state == "25006":
        return ReadOnlyError(not_saved, "serwer przyjmuje tylko odczyty")
    if state == "42501":
        return ReadOnlyError(not_saved, "konto bazy nie ma prawa zapisu")
    if state == "53100":
        return DiskFullError(not_saved)
    if state == "57014":
        return UnavailableError(not_saved, f"zapytanie przekroczyło limit {TIMEOUT_S} s")
    if state in ("55P03", "40P01", "40001"):
        return LockedError(not_saved, TIMEOUT_S if state == "55P03" else None)
    if state == "22001":
        return InvalidValueError(f"Wartość jest za długa dla bazy danych. {_tail(not_saved)}", not_saved=not_saved)
    if state.startswith(("22", "23")):
        return InvalidValueError(f"Baza odrzuciła nieprawidłową wartość. {_tail(not_saved)}", not_saved=not_saved)
    if state.startswith("28"):
        return UnavailableError(not_saved, "serwer odrzucił logowanie")
    if state == "3D000":
        return UnavailableError(not_saved, "na serwerze nie ma takiej bazy")
    if state.startswith(("08", "53", "57P", "58")) or not state:
        text_ = str(orig).lower()
        if "timeout" in text_ or "timed out" in text_:
            return UnavailableError(not_saved, f"serwer nie odpowiedział w {TIMEOUT_S} s")
        return UnavailableError(not_saved, "nie można połączyć się z serwerem PostgreSQL")
    return StoreError(f"Nieoczekiwany błąd bazy danych PostgreSQL (kod {state}). {_tail(not_saved)}",
                      not_saved=not_saved)


_PASS_THROUGH = (StoreError, PermissionDenied, ValueError, LookupError)


# --- the database -----------------------------------------------------------------------------------------
class Database:
    """An engine plus the rules for using it: bounded waits, read-only mode, translated failures."""

    def __init__(self, engine: Engine, *, read_only: bool = False, read_only_reason: str = "",
                 location: str = ""):
        self.engine = engine
        self.backend = engine.dialect.name
        self.read_only = read_only
        self.read_only_reason = read_only_reason
        self.location = location
        self._watch = self.backend == "postgresql"

    @property
    def sqlite(self) -> bool:
        return self.backend == "sqlite"

    def _checkout(self) -> tuple[Connection, object]:
        """A pooled connection known to be alive, with its watchdog armed (PostgreSQL)."""
        for attempt in (1, 2):
            conn = self.engine.connect()
            if not self._watch:
                return conn, None
            dbapi, ticket = None, None
            try:
                dbapi = conn.connection.dbapi_connection
                ticket = _WATCHDOG.arm(dbapi.pgconn.socket, WATCHDOG_S)
                self.engine.dialect.do_ping(dbapi)
                return conn, ticket
            except Exception as exc:
                fired = _WATCHDOG.disarm(ticket)
                disconnected = fired or dbapi is None or self.engine.dialect.is_disconnect(exc, dbapi, None)
                conn.invalidate()
                conn.close()
                if disconnected:
                    # The server restarted or froze: every idle pooled connection is suspect.
                    self.engine.dispose()
                if fired:
                    raise _TimedOut() from exc
                if attempt == 1 and disconnected:
                    continue  # a stale pooled connection: one more try on a fresh one
                raise
        raise AssertionError("unreachable")

    @contextmanager
    def _use(self, not_saved: str | None, write: bool) -> Iterator[Connection]:
        if write and self.read_only:
            raise ReadOnlyError(not_saved, self.read_only_reason)
        try:
            conn, ticket = self._checkout()
            if write and self.sqlite:
                conn.execution_options(cwd_write=True)  # BEGIN IMMEDIATE (see write())
        except _TimedOut as exc:
            raise translate(exc, not_saved, timed_out=True) from exc.__cause__
        except _PASS_THROUGH:
            raise
        except Exception as exc:
            translated = translate(exc, not_saved)
            if translated is None:
                raise
            raise translated from exc
        try:
            try:
                if write:
                    with conn.begin():
                        yield conn
                else:
                    yield conn
            except _PASS_THROUGH:
                raise
            except Exception as exc:
                timed_out = ticket is not None and ticket.fired
                translated = translate(exc, not_saved, timed_out=timed_out)
                if translated is None:
                    raise
                raise translated from exc
        finally:
            fired = _WATCHDOG.disarm(ticket)
            try:
                if fired:
                    conn.invalidate()
                    self.engine.dispose()
                conn.close()
            except Exception:  # closing a broken connection must not hide the real error
                pass

    def read(self) -> AbstractContextManager[Connection]:
        """A connection for reads (its implicit transaction is rolled back on close)."""
        return self._use(None, write=False)

    def write(self, not_saved: str) -> AbstractContextManager[Connection]:
        """One transaction, committed at the end of the block. SQLite takes the write lock at BEGIN
        (BEGIN IMMEDIATE): a deferred transaction that read first would fail at once with
        "database is locked" when another process wrote in between — the busy timeout does not apply."""
        return self._use(not_saved, write=True)

    def health(self) -> Health:
        started = time.monotonic()
        kind = "PostgreSQL" if self.backend == "postgresql" else "SQLite" if self.sqlite else self.backend
        try:
            with self.read() as conn:
                conn.execute(text("SELECT count(*) FROM cwd_nabor")).scalar()
                read_only = self.read_only
                if self.backend == "postgresql":
                    read_only = read_only or conn.exec_driver_sql("SHOW transaction_read_only").scalar() == "on"
        except StoreError as exc:
            first = str(exc).split(". ")[0].rstrip(".")
            return Health(False, False, f"{first}.", kind, (time.monotonic() - started) * 1000)
        elapsed = (time.monotonic() - started) * 1000
        if read_only:
            reason = f" ({self.read_only_reason})" if self.read_only_reason else ""
            return Health(True, False, f"Baza tylko do odczytu – zapisy wyłączone{reason}.", kind, elapsed)
        return Health(True, True, f"Baza danych działa ({kind}, odpowiedź w {elapsed:.0f} ms).", kind, elapsed)

    def dispose(self) -> None:
        self.engine.dispose()


class _TimedOut(Exception):
    """The watchdog shut the connection down during the ping."""


# --- opening --------------------------------------------------------------------------------------------------
def _sqlite_events(engine: Engine, *, read_only: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Take transaction control away from the sqlite3 module (it would not BEGIN before a
        # SELECT); the "begin" hook below emits BEGIN itself (SQLAlchemy's documented recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            if read_only:
                cursor.execute("PRAGMA query_only = 1")
            else:
                # WAL: readers do not block the writer and vice versa, across processes.
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = "" if read_only else "IMMEDIATE" if conn.get_execution_options().get("cwd_write") else ""
        conn.exec_driver_sql(f"BEGIN {mode}".strip())


def sqlite_read_only_reason(path: Path) -> str:
    """Why a SQLite file cannot be written ("" when it can, as far as the OS says)."""
    if path.exists():
        if not os.access(path, os.W_OK):
            return "plik bazy jest tylko do odczytu"
        # WAL needs to create -wal and -shm files beside the database.
        if not os.access(path.parent, os.W_OK | os.X_OK):
            return "folder bazy jest tylko do odczytu"
    return ""


def sqlite_engine(path: Path, *, read_only: bool, immutable: bool = False) -> Engine:
    if read_only:
        uri = path.resolve().as_uri() + "?mode=ro" + ("&immutable=1" if immutable else "")
        engine = create_engine(
            f"sqlite:///{path}",
            creator=lambda: sqlite3.connect(uri, uri=True, timeout=TIMEOUT_S, check_same_thread=False),
            poolclass=QueuePool,
        )
    else:
        engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": TIMEOUT_S})
    _sqlite_events(engine, read_only=read_only)
    return engine


def sqlite_url_engine(url: URL) -> Engine:
    """A SQLite URL given by the operator (e.g. sqlite:///path or sqlite:// in memory)."""
    engine = create_engine(url, connect_args={"timeout": TIMEOUT_S})
    _sqlite_events(engine, read_only=False)
    return engine


def postgres_engine(url: URL) -> Engine:
    """Every wait bounded (module docstring). Options given in the URL (e.g. a search_path) are kept."""
    query = dict(url.query)
    options = " ".join(filter(None, [
        str(query.pop("options", "") or ""),
        f"-c statement_timeout={TIMEOUT_S * 1000}",
        f"-c lock_timeout={TIMEOUT_S * 1000}",
        # A transaction abandoned by a crashed process must not hold the nabór's lock for long.
        "-c idle_in_transaction_session_timeout=60000",
    ]))
    try:
        connect_timeout = min(int(query.pop("connect_timeout", TIMEOUT_S)), TIMEOUT_S)
    except ValueError:
        connect_timeout = TIMEOUT_S
    connect_timeout = max(connect_timeout, 2)  # libpq treats less than 2 s as 2 s
    url = url.set(query=query)
    return create_engine(
        url,
        connect_args={"connect_timeout": connect_timeout, "options": options,
                      "application_name": str(query.get("application_name", "cwd"))},
        pool_size=PG_POOL_SIZE,
        max_overflow=PG_MAX_OVERFLOW,
        pool_timeout=TIMEOUT_S,
        pool_pre_ping=False,  # see the module docstring: Database pings under the watchdog
    )


def normalise_url(url: str) -> URL:
    """postgres:// and postgresql:// mean psycopg 3 (the installed driver)."""
    url = url.strip()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix):]
    return make_url(url)
