"""The durable store: naborów (calls), their file versions, assessments, decisions, and accounts.

One code path through SQLAlchemy 2: a SQLite file by default (shared by several app processes
through WAL and a busy timeout), PostgreSQL when the operator gives a URL. Everything a nabór owns
is keyed by (nabór, partnership id): nothing crosses naborów. Every write receives the signed-in
`actor` (cwd.auth.Identity), re-reads who that is from the accounts tables and checks the
permission itself. Failures come out as the exceptions in cwd.store.errors, with Polish messages.

    store = open_store(url=…, path=…)
    store.save(nabor_id, pid, {"I.1": (1, "Umowa z 12.09.")}, actor=who, expected_version=v, row_hash=h)
"""
from __future__ import annotations

from pathlib import Path

from argon2 import PasswordHasher

from cwd.auth import PermissionDenied
from cwd.nabor import DEMO_ID
from cwd.settings import DEFAULT_DATABASE_PATH
from cwd.store.decisions import DecisionsMixin
from cwd.store.engine import (
    SQLITE_BUSY_TIMEOUT_MS,
    TIMEOUT_S,
    WATCHDOG_S,
    Database,
    normalise_url,
    postgres_engine,
    sqlite_engine,
    sqlite_read_only_reason,
    sqlite_url_engine,
)
from cwd.store.errors import (
    ConflictError,
    DecisionConflictError,
    DiskFullError,
    InvalidValueError,
    LockedError,
    NaborClosedError,
    NotFoundError,
    OutdatedDataError,
    ReadOnlyError,
    StoreError,
    UnavailableError,
    UnverifiedPicksError,
)
from cwd.store.migrate import LEGACY_NABOR_ID, LEGACY_NABOR_NAME, prepare
from cwd.store.users import UsersMixin
from cwd.store.values import (
    CHANGE,
    CONFIRMATION,
    FORMS,
    ZTM,
    Account,
    Assessment,
    Decision,
    FileVersion,
    Health,
    HistoryEntry,
    Nabor,
    OidcMapping,
    Pick,
    Value,
)


__all__ = [
    "Account", "Assessment", "AssessmentStore", "CHANGE", "CONFIRMATION", "ConflictError", "DEFAULT_DATABASE_PATH",
    "DEMO_ID", "Decision", "DecisionConflictError", "DiskFullError", "FORMS", "FileVersion", "Health",
    "HistoryEntry", "InvalidValueError", "LEGACY_NABOR_ID", "LEGACY_NABOR_NAME", "LockedError", "Nabor",
    "NaborClosedError", "NotFoundError", "OidcMapping", "OutdatedDataError", "PermissionDenied", "Pick",
    "ReadOnlyError", "SQLITE_BUSY_TIMEOUT_MS", "Store", "StoreError", "TIMEOUT_S", "UnavailableError",
    "UnverifiedPicksError", "Value", "WATCHDOG_S", "ZTM", "open_store", "open_store_from_settings",
]


class Store(DecisionsMixin, UsersMixin):
    """Naborów, files, assessments, decisions and accounts in one database. Thread-safe (one engine,
    pooled connections); several processes may share the database."""


AssessmentStore = Store  # the old name


def _open_sqlite_file(path: Path) -> Database:
    path = Path(path).expanduser()
    reason = sqlite_read_only_reason(path)
    if not reason:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ReadOnlyError("Baza nie została utworzona", f"nie można utworzyć folderu {path.parent}") from exc
        db = Database(sqlite_engine(path, read_only=False), location=str(path))
        try:
            prepare(db)
            return db
        except (ReadOnlyError, UnavailableError):
            db.dispose()
            if not path.exists():
                raise
            # The OS said yes but the file system said no (e.g. mounted read-only): read it as it is.
            reason = "plik lub folder bazy jest tylko do odczytu"
    db = Database(sqlite_engine(path, read_only=True), read_only=True, read_only_reason=reason, location=str(path))
    try:
        prepare(db)
    except (ReadOnlyError, UnavailableError):
        db.dispose()
        # A WAL database in a read-only folder whose -shm file is gone cannot be opened in plain
        # read-only mode; nobody can write it there either, so it may be read as immutable.
        db = Database(sqlite_engine(path, read_only=True, immutable=True), read_only=True,
                      read_only_reason=reason, location=str(path))
        prepare(db)
    return db


def open_store(url: str | None = None, path: Path | None = None, *, hasher: PasswordHasher | None = None) -> Store:
    """Open (and on first use create or migrate) the store: `url` if given, else a SQLite file at `path`.

    `url` is any SQLAlchemy URL, e.g. postgresql+psycopg://user:password@host:5432/db
    (postgres:// and postgresql:// mean psycopg 3). Without a URL the SQLite file defaults to
    var/cwd.sqlite in the project; its folder is created when missing. A read-only SQLite file or
    folder opens read-only. Raises the store's errors (e.g. UnavailableError) when it cannot open.
    """
    if url:
        sa_url = normalise_url(url)
        if sa_url.get_backend_name() == "sqlite":
            database = sa_url.database or ""
            if database and database != ":memory:" and not database.startswith("file:") and not sa_url.query:
                db = _open_sqlite_file(Path(database))
            else:
                db = Database(sqlite_url_engine(sa_url), location=database or ":memory:")
                _prepare_or_dispose(db)
        else:
            db = Database(postgres_engine(sa_url), location=sa_url.render_as_string(hide_password=True))
            _prepare_or_dispose(db)
    else:
        db = _open_sqlite_file(Path(path) if path is not None else DEFAULT_DATABASE_PATH)
    return Store(db, hasher=hasher)


def _prepare_or_dispose(db: Database) -> None:
    try:
        prepare(db)
    except BaseException:
        db.dispose()
        raise


def open_store_from_settings(settings) -> Store:
    """The store the operator configured (OperatorSettings: database_url, else database_path)."""
    return open_store(settings.database_url, settings.database_path)

