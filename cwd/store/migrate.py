"""Schema creation and the one-time move of assessments from before naborów into an archived nabór.

Both happen on open, in one transaction, idempotently and safely when several processes start at
once (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory transaction lock). The old tables are left
as they were (read, never written or dropped): a marker in cwd_meta says their rows were moved, so
nothing is moved twice and nothing leaks into a new nabór.
"""
from __future__ import annotations

import json

from sqlalchemy import inspect, insert, select, text

from cwd.nabor import StageDates
from cwd.settings import OsiSettings
from cwd.store.base import now_utc
from cwd.store.engine import Database
from cwd.store.errors import LockedError, UnavailableError
from cwd.store.schema import (
    SCHEMA_VERSION,
    nabor_row,
    assessment_table,
    criterion_table,
    decision_table,
    history_table,
    legacy_assessment,
    legacy_criterion,
    legacy_decision,
    legacy_history,
    meta_table,
    metadata,
    nabor_table,
)
from cwd.store.values import CHANGE

LEGACY_NABOR_ID = "oceny-sprzed-naborow"
LEGACY_NABOR_NAME = "Oceny sprzed wprowadzenia naborów"
LEGACY_MARKER = "legacy_moved"
MIGRATION_ACTOR = "migracja bazy (przeniesienie ocen sprzed naborów)"

PREPARE_ATTEMPTS = 3  # one busy timeout each (see prepare)


def prepare(db: Database) -> None:
    """Create what is missing and move legacy rows (writable databases), or check that a read-only
    database already has the current schema."""
    if db.read_only:
        with db.read() as conn:
            if not inspect(conn).has_table(nabor_table.name):
                raise UnavailableError(
                    None, "baza tylko do odczytu nie ma jeszcze tabel naborów – otwórz ją raz z prawem zapisu")
        return
    for attempt in range(1, PREPARE_ATTEMPTS + 1):
        try:
            _create_and_move(db)
            return
        except LockedError:
            # Server processes starting together on one file wait for each other's preparation;
            # the wait can outlast one busy timeout. Preparing again is harmless (idempotent).
            if attempt == PREPARE_ATTEMPTS:
                raise


def _create_and_move(db: Database) -> None:
    with db.write("Przygotowanie bazy nie zostało zakończone") as conn:
        if db.backend == "postgresql":
            # Concurrent CREATE TABLE IF NOT EXISTS can still collide in the catalogue.
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('cwd_store_schema'))"))
        metadata.create_all(conn)
        if conn.execute(select(meta_table.c.value).where(meta_table.c.key == "schema")).first() is None:
            conn.execute(insert(meta_table).values(key="schema", value=SCHEMA_VERSION))
        move_legacy(conn)


def move_legacy(conn) -> dict[str, int] | None:
    """Move the rows of the pre-nabór tables into the archived nabór LEGACY_NABOR_ID (once)."""
    names = set(inspect(conn).get_table_names())
    legacy = [t for t in (legacy_assessment, legacy_criterion, legacy_history, legacy_decision) if t.name in names]
    if not legacy:
        return None
    if conn.execute(select(meta_table.c.value).where(meta_table.c.key == LEGACY_MARKER)).first() is not None:
        return None
    rows = {t.name: conn.execute(select(t)).all() for t in legacy}
    counts = {name: len(found) for name, found in rows.items()}
    if any(counts.values()):
        now = now_utc()
        defaults, stages = OsiSettings(), StageDates()
        conn.execute(insert(nabor_table).values(nabor_row(
            LEGACY_NABOR_ID, LEGACY_NABOR_NAME, stages, defaults, by_login="", by=MIGRATION_ACTOR, at=now,
            archived=True)))
        nid = LEGACY_NABOR_ID
        if found := rows.get(legacy_assessment.name):
            conn.execute(insert(assessment_table), [
                {"nabor_id": nid, "partnership_id": r.partnership_id, "assessor_login": "", "assessor": r.assessor or "",
                 "version": r.version, "updated_at": r.updated_at, "row_hash": None} for r in found])
        if found := rows.get(legacy_criterion.name):
            conn.execute(insert(criterion_table), [
                {"nabor_id": nid, "partnership_id": r.partnership_id, "criterion": r.criterion, "value": r.value,
                 "comment": r.comment or ""} for r in found])
        if found := rows.get(legacy_history.name):
            conn.execute(insert(history_table), [
                {"nabor_id": nid, "partnership_id": r.partnership_id, "version": r.version, "kind": CHANGE,
                 "criterion": r.criterion, "old_value": r.old_value, "new_value": r.new_value,
                 "old_comment": r.old_comment or "", "comment": r.comment or "", "assessor_login": "",
                 "assessor": r.assessor or "", "changed_at": r.changed_at, "row_hash": None, "old_row_hash": None}
                for r in sorted(found, key=lambda r: r.id)])
        if found := rows.get(legacy_decision.name):
            conn.execute(insert(decision_table), [
                {"nabor_id": nid, "number": number, "decided_by_login": "", "decided_by": r.decided_by or "",
                 "decided_at": r.decided_at, **_legacy_decision(r.picks, r.settings), "forms_version": None,
                 "ztm_version": None, "settings": None}
                for number, r in enumerate(sorted(found, key=lambda r: r.id), start=1)])
    conn.execute(insert(meta_table).values(
        key=LEGACY_MARKER, value=json.dumps({"at": now_utc().isoformat(), "rows": counts}, ensure_ascii=False)))
    return counts


def _legacy_decision(picks_text: str | None, settings_text: str | None) -> dict[str, str]:
    """The picks in today's format; an unreadable record is kept as text in the summary, never dropped."""
    summary = settings_text or ""
    try:
        picks = json.loads(picks_text or "[]")
        converted = [{"id": str(p.get("id", "")), "nazwa": str(p.get("nazwa", "")),
                      "uzasadnienie": str(p.get("uzasadnienie", "")), "odstepstwo": "", "niezweryfikowane": []}
                     for p in picks]
    except (ValueError, TypeError, AttributeError):
        converted = []
        summary = f"{summary}; nieczytelny zapis wyboru: {picks_text}".lstrip("; ")
    return {"picks": json.dumps(converted, ensure_ascii=False), "summary": summary}
