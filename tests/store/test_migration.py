"""A database from before naborów: its rows move into an archived nabór on first open — all of them,
once, in one transaction — and nothing leaks into a new call."""
from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    create_engine,
    func,
    insert,
    inspect,
    select,
)
from sqlalchemy.engine import make_url

from cwd.criteria import CRITERIA_IDS
from cwd.store import LEGACY_NABOR_ID, LEGACY_NABOR_NAME, NaborClosedError

# --- the old schema, as cwd/store.py created it (copied, not imported: that code is gone) -------------
old = MetaData()
old_assessment = Table(
    "cwd_assessment", old,
    Column("partnership_id", String(200), primary_key=True),
    Column("assessor", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("version >= 1", name="ck_cwd_assessment_version"),
)
old_criterion = Table(
    "cwd_assessment_criterion", old,
    Column("partnership_id", String(200), ForeignKey("cwd_assessment.partnership_id"), primary_key=True),
    Column("criterion", String(16), primary_key=True),
    Column("value", SmallInteger, nullable=True),
    Column("comment", Text, nullable=False, default=""),
    CheckConstraint("value IN (0, 1)", name="ck_cwd_criterion_value"),
)
old_history = Table(
    "cwd_assessment_history", old,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("partnership_id", String(200), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("criterion", String(16), nullable=False),
    Column("old_value", SmallInteger, nullable=True),
    Column("new_value", SmallInteger, nullable=True),
    Column("old_comment", Text, nullable=False, default=""),
    Column("comment", Text, nullable=False, default=""),
    Column("assessor", String(200), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)
old_decision = Table(
    "cwd_decision", old,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("decided_by", String(200), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("picks", Text, nullable=False),
    Column("settings", Text, nullable=False, default=""),
)

T0 = datetime(2020, 9, 25, 8, 0, tzinfo=timezone.utc)


def _naive(moment):  # the old store kept naive UTC on SQLite
    return moment.replace(tzinfo=None)


def build_old_database(url: str, sqlite: bool) -> None:
    if sqlite:
        Path(make_url(url).database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    t = (lambda m: _naive(m)) if sqlite else (lambda m: m)
    try:
        with engine.begin() as conn:
            old.create_all(conn)
            conn.execute(insert(old_assessment), [
                {"partnership_id": "P06", "assessor": "Anna Nowak", "version": 2, "updated_at": t(T0 + timedelta(hours=1))},
                {"partnership_id": "P01", "assessor": "Jan Kowalski", "version": 1, "updated_at": t(T0)},
            ])
            conn.execute(insert(old_criterion), [
                {"partnership_id": "P06", "criterion": "I.1", "value": 1, "comment": "Umowa z 12.09."},
                {"partnership_id": "P06", "criterion": "I.2", "value": 0, "comment": "Brak rady."},
                {"partnership_id": "P01", "criterion": "II.3", "value": 1, "comment": ""},
                {"partnership_id": "P01", "criterion": "III.9", "value": 1, "comment": "kryterium spoza listy"},
            ])
            conn.execute(insert(old_history), [
                {"partnership_id": "P06", "version": 1, "criterion": "I.1", "old_value": None, "new_value": 1,
                 "old_comment": "", "comment": "Umowa z 12.09.", "assessor": "Anna Nowak", "changed_at": t(T0)},
                {"partnership_id": "P06", "version": 2, "criterion": "I.2", "old_value": None, "new_value": 0,
                 "old_comment": "", "comment": "Brak rady.", "assessor": "Anna Nowak",
                 "changed_at": t(T0 + timedelta(hours=1))},
                {"partnership_id": "P01", "version": 1, "criterion": "II.3", "old_value": None, "new_value": 1,
                 "old_comment": "", "comment": "", "assessor": "Jan Kowalski", "changed_at": t(T0)},
            ])
            conn.execute(insert(old_decision), [
                {"decided_by": "Ewa Wiśniewska", "decided_at": t(T0 + timedelta(days=1)),
                 "picks": json.dumps([{"id": "P06", "nazwa": "Szóste", "uzasadnienie": "Spójne z SRW."}]),
                 "settings": "próg 20 000"},
                {"decided_by": "Ewa Wiśniewska", "decided_at": t(T0 + timedelta(days=2)),
                 "picks": json.dumps([{"id": "P01", "nazwa": "Pierwsze", "uzasadnienie": "Powiązania."},
                                      {"id": "P06", "nazwa": "Szóste", "uzasadnienie": "Spójne z SRW."}]),
                 "settings": "próg 20 000; ZTM: brak"},
            ])
    finally:
        engine.dispose()


def old_row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {t.name: conn.execute(select(func.count()).select_from(t)).scalar() for t in old.sorted_tables}
    finally:
        engine.dispose()


def test_old_rows_move_into_an_archived_nabor_and_nowhere_else(backend):
    build_old_database(backend.url, backend.kind == "sqlite")
    counts_before = old_row_counts(backend.url)
    store = backend.open()
    try:
        legacy = store.nabor(LEGACY_NABOR_ID)
        assert legacy.name == LEGACY_NABOR_NAME == "Oceny sprzed wprowadzenia naborów"
        assert legacy.archived and not legacy.writable

        moved = store.assessments(LEGACY_NABOR_ID)
        assert set(moved) == {"P06", "P01"}
        p06 = moved["P06"]
        assert (p06.version, p06.assessor, p06.updated_at) == (2, "Anna Nowak", T0 + timedelta(hours=1))
        assert (p06.values["I.1"], p06.comments["I.1"]) == (1, "Umowa z 12.09.")
        assert (p06.values["I.2"], p06.comments["I.2"]) == (0, "Brak rady.")
        assert [c for c in CRITERIA_IDS if p06.values[c] is None] == [c for c in CRITERIA_IDS if c not in ("I.1", "I.2")]
        assert moved["P01"].values["II.3"] == 1

        history = store.history(LEGACY_NABOR_ID)
        assert [(e.partnership_id, e.version, e.criterion, e.assessor) for e in history] == [
            ("P06", 2, "I.2", "Anna Nowak"), ("P01", 1, "II.3", "Jan Kowalski"), ("P06", 1, "I.1", "Anna Nowak"),
        ]
        decisions = store.decisions(LEGACY_NABOR_ID)
        assert [(d.number, d.ids, d.summary) for d in decisions] == [
            (2, ["P01", "P06"], "próg 20 000; ZTM: brak"), (1, ["P06"], "próg 20 000")]
        assert decisions[0].justification("P01") == "Powiązania." and decisions[0].settings is None

        # a new call starts empty: the old P06 does not leak into it
        from store_support import add_people

        people = add_people(store)
        new = store.create_nabor("Pilotaż CWD 2021", actor=people.anna)
        assert store.assessments(new.id) == {} and store.history(new.id) == []
        assert not store.assessment(new.id, "P06").saved and store.latest_decision(new.id) is None
        # and the archived one takes no writes
        with pytest.raises(NaborClosedError):
            store.save(LEGACY_NABOR_ID, "P06", {"I.3": (1, "")}, actor=people.anna, expected_version=2, row_hash=None)
    finally:
        store.dispose()

    # idempotent: opening again (another process, a restart) moves nothing twice
    again = backend.open()
    try:
        assert again.assessments(LEGACY_NABOR_ID) == moved
        assert again.history(LEGACY_NABOR_ID) == history
        assert len(again.decisions(LEGACY_NABOR_ID)) == 2
        assert [n.id for n in again.nabory(demo=False)].count(LEGACY_NABOR_ID) == 1
    finally:
        again.dispose()
    # the old tables are left exactly as they were (nothing deleted)
    assert old_row_counts(backend.url) == counts_before


def test_processes_opening_at_once_move_the_rows_once(backend):
    build_old_database(backend.url, backend.kind == "sqlite")
    opened, errors = [], []

    def open_it():
        try:
            opened.append(backend.open())
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    try:
        assert not errors and len(opened) == 4
        assert len(opened[0].history(LEGACY_NABOR_ID)) == 3
        assert len(opened[0].decisions(LEGACY_NABOR_ID)) == 2
    finally:
        for s in opened:
            s.dispose()


def test_a_failure_during_the_move_leaves_the_database_as_it_was(backend, monkeypatch):
    import cwd.store.migrate as migrate

    build_old_database(backend.url, backend.kind == "sqlite")

    def broken(*args):
        raise RuntimeError("awaria w trakcie przenoszenia decyzji")

    monkeypatch.setattr(migrate, "_legacy_decision", broken)
    with pytest.raises(RuntimeError, match="awaria"):
        backend.open()
    engine = create_engine(backend.url)
    try:
        with engine.connect() as conn:
            assert not inspect(conn).has_table("cwd_nabor")  # schema creation rolled back with the move
    finally:
        engine.dispose()
    monkeypatch.undo()
    store = backend.open()
    try:
        assert set(store.assessments(LEGACY_NABOR_ID)) == {"P06", "P01"}
        assert len(store.decisions(LEGACY_NABOR_ID)) == 2
    finally:
        store.dispose()


def test_an_unreadable_old_decision_is_kept_as_text(backend):
    build_old_database(backend.url, backend.kind == "sqlite")
    engine = create_engine(backend.url)
    try:
        with engine.begin() as conn:
            conn.execute(old_decision.update().where(old_decision.c.id == 1).values(picks="{to nie jest JSON"))
    finally:
        engine.dispose()
    store = backend.open()
    try:
        first = store.decisions(LEGACY_NABOR_ID)[-1]
        assert first.ids == [] and "nieczytelny zapis wyboru: {to nie jest JSON" in first.summary
    finally:
        store.dispose()


def test_an_empty_old_schema_creates_no_archived_nabor(backend):
    if backend.path is not None:
        backend.path.parent.mkdir(parents=True)
    engine = create_engine(backend.url)
    try:
        with engine.begin() as conn:
            old.create_all(conn)
    finally:
        engine.dispose()
    store = backend.open()
    try:
        assert store.nabory(demo=False) == []
    finally:
        store.dispose()


def test_preparation_waits_again_when_another_process_holds_the_lock(backend, monkeypatch):
    """Processes starting together on one database: a preparation that met the other's lock past the
    busy timeout tries again (bounded), and only the last refusal reaches the caller."""
    import cwd.store.migrate as migrate
    from cwd.store.errors import LockedError

    real, calls = migrate._create_and_move, []

    def locked_twice(db):
        calls.append(1)
        if len(calls) < migrate.PREPARE_ATTEMPTS:
            raise LockedError("Przygotowanie bazy nie zostało zakończone", 5)
        real(db)

    monkeypatch.setattr(migrate, "_create_and_move", locked_twice)
    store = backend.open()
    try:
        assert len(calls) == migrate.PREPARE_ATTEMPTS and store.nabory() is not None
    finally:
        store.dispose()

    calls.clear()

    def always_locked(db):
        calls.append(1)
        raise LockedError("Przygotowanie bazy nie zostało zakończone", 5)

    monkeypatch.setattr(migrate, "_create_and_move", always_locked)
    with pytest.raises(LockedError, match="Przygotowanie bazy"):
        backend.open()
    assert len(calls) == migrate.PREPARE_ATTEMPTS
