"""Durable store of the assessors' verified checklist values and their history.

One code path through SQLAlchemy 2: a SQLite file by default (shared by several app processes
through WAL and a busy timeout), PostgreSQL when the operator gives a URL.

Concurrency: every assessment carries a `version`. A save states the version it was based on
(`expected_version`) and is refused with `ConflictError` when someone else saved in between —
never a silent overwrite. The check is race-free across processes because it is done by the
write itself: a conditional `UPDATE … WHERE version = :expected` (rowcount 0 = conflict) or, for
the first save, an `INSERT` that fails on the primary key when a concurrent first save won.
"""
from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import (
    CheckConstraint,
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    TypeDecorator,
    and_,
    create_engine,
    event,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError

from cwd.paths import ROOT
from cwd.criteria import CRITERIA_IDS

Value = int | None  # 1, 0 or None (not verified — never the same as 0)

DEFAULT_DATABASE_PATH = ROOT / "var" / "cwd.sqlite"
# How long a SQLite writer waits for another process's write lock before giving up.
SQLITE_BUSY_TIMEOUT_MS = 15_000
MAX_ASSESSOR_LENGTH = 200
MAX_PARTNERSHIP_ID_LENGTH = 200


# --- schema ------------------------------------------------------------------------------------
class UtcDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone: store naive UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use UTC-aware datetimes")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


metadata = MetaData()

# One row per partnership that has ever been saved; `version` counts saves (1 after the first).
assessment_table = Table(
    "cwd_assessment",
    metadata,
    Column("partnership_id", String(MAX_PARTNERSHIP_ID_LENGTH), primary_key=True),
    Column("assessor", String(MAX_ASSESSOR_LENGTH), nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    CheckConstraint("version >= 1", name="ck_cwd_assessment_version"),
)

# The verified value and comment of one criterion. Long format, so that the checklist's
# criteria are data, not columns.
criterion_table = Table(
    "cwd_assessment_criterion",
    metadata,
    Column(
        "partnership_id",
        String(MAX_PARTNERSHIP_ID_LENGTH),
        ForeignKey("cwd_assessment.partnership_id"),
        primary_key=True,
    ),
    Column("criterion", String(16), primary_key=True),
    Column("value", SmallInteger, nullable=True),
    Column("comment", Text, nullable=False, default=""),
    CheckConstraint("value IN (0, 1)", name="ck_cwd_criterion_value"),
)

# Append-only: one row per changed criterion per save.
history_table = Table(
    "cwd_assessment_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("partnership_id", String(MAX_PARTNERSHIP_ID_LENGTH), nullable=False, index=True),
    Column("version", Integer, nullable=False),  # the version this save created
    Column("criterion", String(16), nullable=False),
    Column("old_value", SmallInteger, nullable=True),
    Column("new_value", SmallInteger, nullable=True),
    Column("old_comment", Text, nullable=False, default=""),
    Column("comment", Text, nullable=False, default=""),
    Column("assessor", String(MAX_ASSESSOR_LENGTH), nullable=False),
    Column("changed_at", UtcDateTime, nullable=False),
)

# Append-only: every recorded UM decision (the ≤ 3 partnerships and their justifications).
decision_table = Table(
    "cwd_decision",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("decided_by", String(MAX_ASSESSOR_LENGTH), nullable=False),
    Column("decided_at", UtcDateTime, nullable=False),
    Column("picks", Text, nullable=False),  # JSON: [{"id", "nazwa", "uzasadnienie"}, …] in the chosen order
    Column("settings", Text, nullable=False, default=""),  # the OSI settings and data it was made on
)


# --- values ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Assessment:
    """The verified values of one partnership; version 0 means it was never saved."""

    partnership_id: str
    values: dict[str, Value] = field(default_factory=lambda: dict.fromkeys(CRITERIA_IDS))
    comments: dict[str, str] = field(default_factory=lambda: dict.fromkeys(CRITERIA_IDS, ""))
    assessor: str = ""
    version: int = 0
    updated_at: datetime | None = None

    @property
    def saved(self) -> bool:
        return self.version > 0


@dataclass(frozen=True)
class HistoryEntry:
    """One changed criterion of one save: who, when, old → new value, and the comment."""

    id: int
    partnership_id: str
    version: int
    criterion: str
    old_value: Value
    new_value: Value
    old_comment: str
    comment: str
    assessor: str
    changed_at: datetime


@dataclass(frozen=True)
class Decision:
    """A recorded choice of at most MAX_SELECTED partnerships with a justification for each."""

    id: int
    picks: tuple[tuple[str, str, str], ...]  # (partnership id, name, justification)
    decided_by: str
    decided_at: datetime
    settings: str = ""

    @property
    def ids(self) -> list[str]:
        return [pid for pid, _name, _why in self.picks]

    def justification(self, pid: str) -> str:
        return next((why for p, _name, why in self.picks if p == pid), "")


class ConflictError(Exception):
    """Someone else saved the assessment after the caller read it; nothing was written."""

    def __init__(self, current: Assessment):
        self.current = current
        super().__init__(conflict_message(current))


def _display_time(moment: datetime) -> str:
    from cwd.fmt import fmt_datetime

    return fmt_datetime(moment)  # Warsaw time


def conflict_message(current: Assessment) -> str:
    retry = "Twoje zmiany nie zostały zapisane — sprawdź aktualne wartości i zapisz ponownie."
    if not current.saved or current.updated_at is None:
        return f"Oceny tego partnerstwa nie ma jeszcze w bazie, a zapis zakładał inną wersję. {retry}"
    return (
        f"Tę ocenę w międzyczasie zapisał(a) {current.assessor} "
        f"({_display_time(current.updated_at)}). {retry}"
    )


# --- validation (before touching the database) --------------------------------------------------
def _check_partnership_id(partnership_id: object) -> str:
    if not isinstance(partnership_id, str) or not partnership_id.strip():
        raise ValueError("Brak identyfikatora partnerstwa.")
    if len(partnership_id) > MAX_PARTNERSHIP_ID_LENGTH:
        raise ValueError(
            f"Identyfikator partnerstwa jest za długi (najwyżej {MAX_PARTNERSHIP_ID_LENGTH} znaków)."
        )
    return partnership_id


def _check_value(criterion: str, value: object) -> Value:
    if value is None:
        return None
    # bool is an int in Python, but True/False in a 0/1 checklist is a caller's mistake.
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and int(value) in (0, 1):
        return int(value)
    raise ValueError(
        f"Kryterium {criterion}: dozwolone wartości to 1, 0 albo brak oceny, a podano „{value}”."
    )


def _check_criteria(keys) -> None:
    unknown = [str(k) for k in keys if k not in CRITERIA_IDS]
    if unknown:
        raise ValueError(
            "Nieznane kryterium: " + ", ".join(f"„{k}”" for k in unknown)
            + f". Dozwolone: {', '.join(CRITERIA_IDS)}."
        )


def _normalise(
    values: Mapping[str, object], comments: Mapping[str, object] | None
) -> tuple[dict[str, Value], dict[str, str]]:
    """The full state of all criteria; a criterion left out counts as not verified / no comment."""
    comments = comments or {}
    _check_criteria(values)
    _check_criteria(comments)
    clean_values = {c: _check_value(c, values.get(c)) for c in CRITERIA_IDS}
    clean_comments = {}
    for c in CRITERIA_IDS:
        comment = comments.get(c)
        if comment is None:
            comment = ""
        if not isinstance(comment, str):
            raise ValueError(f"Komentarz do kryterium {c} musi być tekstem.")
        clean_comments[c] = comment.strip()
    return clean_values, clean_comments


def _check_assessor(assessor: object) -> str:
    if not isinstance(assessor, str) or not assessor.strip():
        raise ValueError("Podaj imię i nazwisko osoby oceniającej — bez tego ocena nie zostanie zapisana.")
    assessor = " ".join(assessor.split())
    if len(assessor) > MAX_ASSESSOR_LENGTH:
        raise ValueError(f"Imię i nazwisko oceniającego jest za długie (najwyżej {MAX_ASSESSOR_LENGTH} znaków).")
    return assessor


def _check_version(expected_version: object) -> int:
    if isinstance(expected_version, bool) or not isinstance(expected_version, numbers.Integral) or expected_version < 0:
        raise ValueError(f"Nieprawidłowa wersja oceny: „{expected_version}” (oczekiwano liczby całkowitej ≥ 0).")
    return int(expected_version)


# --- the store ---------------------------------------------------------------------------------
class AssessmentStore:
    """Assessments and their history in one database. Thread-safe (one engine, pooled connections)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._sqlite = engine.dialect.name == "sqlite"

    # -- transactions --
    def _write(self) -> Connection:
        """A connection whose transaction takes the write lock at BEGIN on SQLite.

        A deferred SQLite transaction that read first and writes later fails at once with
        "database is locked" when another process wrote in between (the busy timeout does not
        apply); BEGIN IMMEDIATE waits for the lock instead.
        """
        conn = self.engine.connect()
        if self._sqlite:
            conn.execution_options(cwd_sqlite_begin="IMMEDIATE")
        return conn

    def create_schema(self) -> None:
        """Create missing tables (idempotent; safe when several processes start at once)."""
        with self._write() as conn, conn.begin():
            if self.engine.dialect.name == "postgresql":
                # Concurrent CREATE TABLE IF NOT EXISTS can still collide in the catalogue.
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('cwd_store_schema'))"))
            metadata.create_all(conn)

    # -- reads --
    def get(self, partnership_id: str) -> Assessment:
        partnership_id = _check_partnership_id(partnership_id)
        with self.engine.connect() as conn:
            return self._read(conn, partnership_id)

    def get_all(self) -> dict[str, Assessment]:
        """Every saved assessment, keyed by partnership id (one query)."""
        a, c = assessment_table, criterion_table
        query = (
            select(a.c.partnership_id, a.c.assessor, a.c.version, a.c.updated_at,
                   c.c.criterion, c.c.value, c.c.comment)
            .select_from(a.outerjoin(c, a.c.partnership_id == c.c.partnership_id))
            .order_by(a.c.partnership_id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        found: dict[str, Assessment] = {}
        for row in rows:
            current = found.get(row.partnership_id)
            if current is None:
                current = found[row.partnership_id] = Assessment(
                    partnership_id=row.partnership_id,
                    assessor=row.assessor,
                    version=row.version,
                    updated_at=row.updated_at,
                )
            if row.criterion in CRITERIA_IDS:  # rows of criteria no longer on the checklist are kept, not shown
                current.values[row.criterion] = row.value
                current.comments[row.criterion] = row.comment or ""
        return found

    def history(self, partnership_id: str | None = None) -> list[HistoryEntry]:
        """Changes, newest save first; the rows of one save in checklist order."""
        h = history_table
        query = select(h)
        if partnership_id is not None:
            query = query.where(h.c.partnership_id == _check_partnership_id(partnership_id))
        query = query.order_by(h.c.changed_at.desc(), h.c.partnership_id, h.c.version.desc(), h.c.id)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            HistoryEntry(
                id=row.id,
                partnership_id=row.partnership_id,
                version=row.version,
                criterion=row.criterion,
                old_value=row.old_value,
                new_value=row.new_value,
                old_comment=row.old_comment or "",
                comment=row.comment or "",
                assessor=row.assessor,
                changed_at=row.changed_at,
            )
            for row in rows
        ]

    # -- the write --
    def save(
        self,
        partnership_id: str,
        values: Mapping[str, Value],
        comments: Mapping[str, str] | None,
        assessor: str,
        expected_version: int,
    ) -> Assessment:
        """Write the full verified state of one partnership, if nobody saved since `expected_version`.

        `values`/`comments` hold the whole checklist: a criterion left out is saved as not verified
        and without a comment. Returns the stored assessment. A save that changes nothing writes
        nothing and returns the stored assessment with its version unchanged. Raises ValueError
        (Polish message) for invalid input and ConflictError when the stored version differs.
        """
        partnership_id = _check_partnership_id(partnership_id)
        new_values, new_comments = _normalise(values, comments)
        assessor = _check_assessor(assessor)
        expected_version = _check_version(expected_version)

        now = datetime.now(timezone.utc)
        new_version = expected_version + 1
        a = assessment_table
        try:
            with self._write() as conn, conn.begin():
                old = self._read(conn, partnership_id)
                if old.version != expected_version:
                    raise _Stale()
                changed = [
                    c for c in CRITERIA_IDS
                    if (old.values[c], old.comments[c]) != (new_values[c], new_comments[c])
                ]
                if not changed:
                    raise _NothingChanged()
                # The read above is only a shortcut: the write itself is the guard. Criteria rows
                # change only together with a version bump, so if the guarded write succeeds,
                # nobody changed anything since `old` was read.
                if expected_version == 0:
                    try:
                        conn.execute(insert(a).values(
                            partnership_id=partnership_id, assessor=assessor,
                            version=new_version, updated_at=now,
                        ))
                    except IntegrityError:
                        # The primary key: a concurrent first save got there first.
                        raise _Stale() from None
                else:
                    result = conn.execute(
                        update(a)
                        .where(and_(a.c.partnership_id == partnership_id, a.c.version == expected_version))
                        .values(assessor=assessor, version=new_version, updated_at=now)
                    )
                    if result.rowcount != 1:
                        raise _Stale()
                self._write_criteria(conn, partnership_id, new_values, new_comments, changed,
                                     first=expected_version == 0)
                self._append_history(conn, [
                    {
                        "partnership_id": partnership_id,
                        "version": new_version,
                        "criterion": c,
                        "old_value": old.values[c],
                        "new_value": new_values[c],
                        "old_comment": old.comments[c],
                        "comment": new_comments[c],
                        "assessor": assessor,
                        "changed_at": now,
                    }
                    for c in changed
                ])
        except _Stale:
            # Rolled back; report what is stored now so the user can compare and retry.
            raise ConflictError(self.get(partnership_id)) from None
        except _NothingChanged:
            return old  # the stored state: nothing to write
        return Assessment(
            partnership_id=partnership_id,
            values=new_values,
            comments=new_comments,
            assessor=assessor,
            version=new_version,
            updated_at=now,
        )

    # -- decisions --
    def save_decision(self, picks, decided_by: str, settings: str = "") -> Decision:
        """Record a decision: picks are (id, name, justification), at most MAX_SELECTED, each with a
        justification. Append-only: earlier decisions stay in the record."""
        import json

        from cwd.settings import MAX_SELECTED

        picks = tuple((str(pid), str(name), str(why).strip()) for pid, name, why in picks)
        if not isinstance(decided_by, str) or not decided_by.strip():
            raise ValueError("Podaj imię i nazwisko osoby zapisującej decyzję.")
        decided_by = _check_assessor(decided_by)
        if not picks:
            raise ValueError("Decyzja musi wskazywać co najmniej jedno partnerstwo.")
        if len(picks) > MAX_SELECTED:
            raise ValueError(f"Można wybrać najwyżej {MAX_SELECTED} partnerstwa (wybrano {len(picks)}).")
        if len({pid for pid, _n, _w in picks}) != len(picks):
            raise ValueError("To samo partnerstwo wybrano więcej niż raz.")
        if missing := [pid for pid, _n, why in picks if not why]:
            raise ValueError("Brak uzasadnienia wyboru dla: " + ", ".join(missing) + ".")
        now = datetime.now(timezone.utc)
        payload = json.dumps([{"id": p, "nazwa": n, "uzasadnienie": w} for p, n, w in picks], ensure_ascii=False)
        with self._write() as conn, conn.begin():
            new_id = conn.execute(decision_table.insert().values(
                decided_by=decided_by, decided_at=now, picks=payload, settings=settings or "",
            )).inserted_primary_key[0]
        return Decision(int(new_id), picks, decided_by, now, settings or "")

    def decisions(self) -> list[Decision]:
        """Every recorded decision, newest first."""
        import json

        d = decision_table
        with self.engine.connect() as conn:
            rows = conn.execute(select(d).order_by(d.c.id.desc())).all()
        return [
            Decision(row.id, tuple((p["id"], p["nazwa"], p["uzasadnienie"]) for p in json.loads(row.picks)),
                     row.decided_by, row.decided_at, row.settings)
            for row in rows
        ]

    def latest_decision(self) -> Decision | None:
        found = self.decisions()
        return found[0] if found else None

    def dispose(self) -> None:
        self.engine.dispose()

    # -- helpers (inside the caller's transaction) --
    @staticmethod
    def _read(conn: Connection, partnership_id: str) -> Assessment:
        a, c = assessment_table, criterion_table
        head = conn.execute(select(a).where(a.c.partnership_id == partnership_id)).first()
        if head is None:
            return Assessment(partnership_id)
        assessment = Assessment(
            partnership_id=partnership_id,
            assessor=head.assessor,
            version=head.version,
            updated_at=head.updated_at,
        )
        for row in conn.execute(select(c).where(c.c.partnership_id == partnership_id)):
            if row.criterion in CRITERIA_IDS:
                assessment.values[row.criterion] = row.value
                assessment.comments[row.criterion] = row.comment or ""
        return assessment

    @staticmethod
    def _write_criteria(conn, partnership_id, new_values, new_comments, changed, first) -> None:
        c = criterion_table
        existing = set() if first else set(conn.execute(
            select(c.c.criterion).where(c.c.partnership_id == partnership_id)
        ).scalars())
        for criterion in changed:
            row = {"value": new_values[criterion], "comment": new_comments[criterion]}
            if criterion in existing:
                conn.execute(
                    update(c)
                    .where(and_(c.c.partnership_id == partnership_id, c.c.criterion == criterion))
                    .values(**row)
                )
            else:
                conn.execute(insert(c).values(partnership_id=partnership_id, criterion=criterion, **row))

    @staticmethod
    def _append_history(conn: Connection, rows: list[dict]) -> None:
        conn.execute(insert(history_table), rows)


class _Stale(Exception):
    """The conditional UPDATE matched no row: the stored version is not the expected one."""


class _NothingChanged(Exception):
    """Roll back the version bump: the save would not change any value or comment."""


# --- opening -----------------------------------------------------------------------------------
def _sqlite_engine(url) -> Engine:
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Take transaction control away from the sqlite3 module (it would not BEGIN before a
        # SELECT); the "begin" hook below emits BEGIN itself (SQLAlchemy's documented recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            # WAL: readers do not block the writer and vice versa, across processes.
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = conn.get_execution_options().get("cwd_sqlite_begin", "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())

    return engine


def open_store(url: str | None = None, path: Path | None = None) -> AssessmentStore:
    """Open (and on first use create) the store: `url` if given, else a SQLite file at `path`.

    `url` is any SQLAlchemy URL, e.g. postgresql+psycopg://user:password@host:5432/db
    (postgres:// and postgresql:// mean psycopg 3). Without a URL the SQLite file defaults to
    var/cwd.sqlite in the project; its folder is created when missing.
    """
    if url:
        url = url.strip()
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                url = "postgresql+psycopg://" + url[len(prefix):]
        sa_url = make_url(url)
        if sa_url.get_backend_name() == "sqlite":
            if sa_url.database and sa_url.database != ":memory:" and not sa_url.database.startswith("file:"):
                Path(sa_url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            engine = _sqlite_engine(sa_url)
        else:
            # pre_ping: a long-running app survives a database restart.
            engine = create_engine(sa_url, pool_pre_ping=True)
    else:
        path = Path(path).expanduser() if path is not None else DEFAULT_DATABASE_PATH
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = _sqlite_engine(f"sqlite:///{path}")
    store = AssessmentStore(engine)
    try:
        store.create_schema()
    except Exception:
        engine.dispose()
        raise
    return store


def open_store_from_settings(settings) -> AssessmentStore:
    """The store the operator configured (OperatorSettings: database_url, else database_path)."""
    return open_store(settings.database_url, settings.database_path)
