"""Assessments: the verified values of each partnership in a nabór, their history, the row check.

Concurrency: every assessment carries a `version`. A save states the version it was based on
(`expected_version`) and is refused with ConflictError when someone else saved in between — never a
silent overwrite. The check is done by the write itself: a conditional `UPDATE … WHERE version =
:expected` (rowcount 0 = conflict) or, for the first save, an `INSERT` that fails on the primary key
when a concurrent first save won. (Writes in one nabór are also serialised by the nabór lock; the
guarded write does not rely on it.)
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import and_, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from cwd.auth import Action, Identity
from cwd.criteria import CRITERIA_IDS
from cwd.nabor import DEMO_ID
from cwd.store import validate
from cwd.store.base import StoreBase, _NothingChanged, _Stale, now_utc
from cwd.store.errors import ConflictError, InvalidValueError
from cwd.store.schema import assessment_table, criterion_table, history_table
from cwd.store.values import CHANGE, CONFIRMATION, Assessment, HistoryEntry, Value

EARLIER_ROW = "ocena dotyczy wcześniejszej wersji formularza"
NOT_ASSESSED = "brak oceny UM"


class AssessmentsMixin(StoreBase):
    # -- reads --------------------------------------------------------------------------------------------
    def assessment(self, nabor_id: str, partnership_id: str) -> Assessment:
        """The stored assessment (version 0 = never saved) of one partnership in one nabór."""
        nabor_id = validate.nabor_id(nabor_id)
        partnership_id = validate.partnership_id(partnership_id)
        if nabor_id == DEMO_ID:
            return Assessment(partnership_id, nabor_id=nabor_id)
        with self.database.read() as conn:
            return self._read(conn, nabor_id, partnership_id)

    def assessments(self, nabor_id: str) -> dict[str, Assessment]:
        """Every saved assessment of the nabór, keyed by partnership id (one query)."""
        nabor_id = validate.nabor_id(nabor_id)
        if nabor_id == DEMO_ID:
            return {}
        a, c = assessment_table, criterion_table
        query = (
            select(a.c.partnership_id, a.c.assessor, a.c.assessor_login, a.c.version, a.c.updated_at,
                   a.c.row_hash, c.c.criterion, c.c.value, c.c.comment)
            .select_from(a.outerjoin(c, and_(a.c.nabor_id == c.c.nabor_id, a.c.partnership_id == c.c.partnership_id)))
            .where(a.c.nabor_id == nabor_id)
            .order_by(a.c.partnership_id)
        )
        with self.database.read() as conn:
            rows = conn.execute(query).all()
        found: dict[str, Assessment] = {}
        for row in rows:
            current = found.get(row.partnership_id)
            if current is None:
                current = found[row.partnership_id] = Assessment(
                    partnership_id=row.partnership_id, assessor=row.assessor, version=row.version,
                    updated_at=row.updated_at, nabor_id=nabor_id, assessor_login=row.assessor_login or "",
                    row_hash=row.row_hash,
                )
            if row.criterion in CRITERIA_IDS:  # rows of criteria no longer on the checklist are kept, not shown
                current.values[row.criterion] = row.value
                current.comments[row.criterion] = row.comment or ""
        return found

    def history(self, nabor_id: str, partnership_id: str | None = None) -> list[HistoryEntry]:
        """Changes in the nabór (or of one partnership), newest save first; one save in checklist order."""
        nabor_id = validate.nabor_id(nabor_id)
        if nabor_id == DEMO_ID:
            return []
        h = history_table
        query = select(h).where(h.c.nabor_id == nabor_id)
        if partnership_id is not None:
            query = query.where(h.c.partnership_id == validate.partnership_id(partnership_id))
        query = query.order_by(h.c.changed_at.desc(), h.c.partnership_id, h.c.version.desc(), h.c.id)
        with self.database.read() as conn:
            rows = conn.execute(query).all()
        return [
            HistoryEntry(
                id=row.id, partnership_id=row.partnership_id, version=row.version, criterion=row.criterion or "",
                old_value=row.old_value, new_value=row.new_value, old_comment=row.old_comment or "",
                comment=row.comment or "", assessor=row.assessor, changed_at=row.changed_at,
                nabor_id=row.nabor_id, assessor_login=row.assessor_login or "", kind=row.kind,
                row_hash=row.row_hash, old_row_hash=row.old_row_hash,
            )
            for row in rows
        ]

    def based_on_other_rows(self, nabor_id: str, current_row_hashes: Mapping[str, str]) -> dict[str, Assessment]:
        """Saved assessments whose form row has changed: the partnership is in `current_row_hashes`
        (its id → the hash of its row in the current forms) with another hash than the one the
        assessment was based on. Assessments of ids absent from the current forms are not listed."""
        return {pid: a for pid, a in self.assessments(nabor_id).items()
                if pid in current_row_hashes and a.row_hash != current_row_hashes[pid]}

    def unverified(self, nabor_id: str, partnership_ids: Iterable[str],
                   row_hashes: Mapping[str, str] | None = None) -> dict[str, tuple[str, ...]]:
        """What keeps each partnership from being fully verified by UM (only those with something)."""
        stored = self.assessments(nabor_id)
        return {pid: reasons for pid in partnership_ids
                if (reasons := verification_gaps(stored.get(pid), (row_hashes or {}).get(pid)))}

    # -- writes -------------------------------------------------------------------------------------------
    def save(self, nabor_id: str, partnership_id: str, changes: Mapping[str, tuple[Value, str]], *,
             actor: Identity, expected_version: int, row_hash: str | None) -> Assessment:
        """Write the given criteria of one partnership, if nobody saved since `expected_version`.

        `changes` maps a criterion to (value, comment); a criterion left out keeps its stored value
        and comment. `row_hash` is the hash of the form row the assessor looked at (recorded with the
        assessment and in history). The person recorded is `actor` as the store knows them.

        Returns the stored assessment. A save that changes nothing writes nothing (version unchanged).
        Raises InvalidValueError for invalid input, PermissionDenied, NaborClosedError, ConflictError
        (with the fresh assessment) when the stored version differs, or a translated database error.
        """
        nabor_id = validate.nabor_id(nabor_id)
        partnership_id = validate.partnership_id(partnership_id)
        changes = validate.changes(changes)
        expected_version = validate.version(expected_version)
        row_hash = validate.row_hash(row_hash)
        not_saved = f"Ocena partnerstwa {partnership_id} nie została zapisana"
        try:
            with self.database.write(not_saved) as conn:
                who = self._allowed(conn, actor, Action.ASSESS)
                self._lock_nabor(conn, nabor_id, not_saved)
                old = self._read(conn, nabor_id, partnership_id)
                if old.version != expected_version:
                    raise _Stale()
                changed = [c for c, pair in changes.items() if (old.values[c], old.comments[c]) != pair]
                if not changed:
                    raise _NothingChanged(old)
                now = now_utc()
                new_version = self._bump(conn, nabor_id, partnership_id, expected_version, who, now, row_hash)
                self._write_criteria(conn, nabor_id, partnership_id, changes, changed, first=expected_version == 0)
                self._append_history(conn, [
                    {
                        "nabor_id": nabor_id, "partnership_id": partnership_id, "version": new_version,
                        "kind": CHANGE, "criterion": c,
                        "old_value": old.values[c], "new_value": changes[c][0],
                        "old_comment": old.comments[c], "comment": changes[c][1],
                        "assessor_login": who.login, "assessor": who.name, "changed_at": now,
                        "row_hash": row_hash, "old_row_hash": old.row_hash,
                    }
                    for c in changed
                ])
        except _Stale:
            # Rolled back; report what is stored now so the user can compare and retry.
            raise ConflictError(self.assessment(nabor_id, partnership_id)) from None
        except _NothingChanged as same:
            return same.result  # the stored state: nothing to write
        values, comments = dict(old.values), dict(old.comments)
        for c in changed:
            values[c], comments[c] = changes[c]
        return Assessment(partnership_id=partnership_id, values=values, comments=comments, assessor=who.name,
                          version=new_version, updated_at=now, nabor_id=nabor_id, assessor_login=who.login,
                          row_hash=row_hash)

    def confirm_row(self, nabor_id: str, partnership_id: str, *, actor: Identity, expected_version: int,
                    row_hash: str) -> Assessment:
        """The assessor checked the saved assessment against the current version of the form row and
        it stands: record `row_hash` as its basis (a new version and a history entry), values unchanged."""
        nabor_id = validate.nabor_id(nabor_id)
        partnership_id = validate.partnership_id(partnership_id)
        expected_version = validate.version(expected_version)
        row_hash = validate.row_hash(row_hash)
        if row_hash is None:
            raise InvalidValueError("Potwierdzenie wymaga skrótu bieżącego wiersza formularza.")
        not_saved = f"Potwierdzenie oceny partnerstwa {partnership_id} nie zostało zapisane"
        try:
            with self.database.write(not_saved) as conn:
                who = self._allowed(conn, actor, Action.ASSESS)
                self._lock_nabor(conn, nabor_id, not_saved)
                old = self._read(conn, nabor_id, partnership_id)
                if old.version != expected_version:
                    raise _Stale()
                if not old.saved:
                    raise InvalidValueError(f"Partnerstwo {partnership_id} nie ma zapisanej oceny do potwierdzenia. "
                                            f"{not_saved}.")
                if old.row_hash == row_hash:
                    raise _NothingChanged(old)
                now = now_utc()
                new_version = self._bump(conn, nabor_id, partnership_id, expected_version, who, now, row_hash)
                self._append_history(conn, [{
                    "nabor_id": nabor_id, "partnership_id": partnership_id, "version": new_version,
                    "kind": CONFIRMATION, "criterion": "", "old_value": None, "new_value": None,
                    "old_comment": "", "comment": "", "assessor_login": who.login, "assessor": who.name,
                    "changed_at": now, "row_hash": row_hash, "old_row_hash": old.row_hash,
                }])
        except _Stale:
            raise ConflictError(self.assessment(nabor_id, partnership_id)) from None
        except _NothingChanged as same:
            return same.result
        return Assessment(partnership_id=partnership_id, values=dict(old.values), comments=dict(old.comments),
                          assessor=who.name, version=new_version, updated_at=now, nabor_id=nabor_id,
                          assessor_login=who.login, row_hash=row_hash)

    # -- helpers (inside the caller's transaction) ----------------------------------------------------------
    @staticmethod
    def _read(conn: Connection, nabor_id: str, partnership_id: str) -> Assessment:
        a, c = assessment_table, criterion_table
        head = conn.execute(
            select(a).where(and_(a.c.nabor_id == nabor_id, a.c.partnership_id == partnership_id))
        ).first()
        if head is None:
            return Assessment(partnership_id, nabor_id=nabor_id)
        assessment = Assessment(
            partnership_id=partnership_id, assessor=head.assessor, version=head.version,
            updated_at=head.updated_at, nabor_id=nabor_id, assessor_login=head.assessor_login or "",
            row_hash=head.row_hash,
        )
        for row in conn.execute(select(c).where(and_(c.c.nabor_id == nabor_id, c.c.partnership_id == partnership_id))):
            if row.criterion in CRITERIA_IDS:
                assessment.values[row.criterion] = row.value
                assessment.comments[row.criterion] = row.comment or ""
        return assessment

    @staticmethod
    def _bump(conn, nabor_id, partnership_id, expected_version, who, now, row_hash) -> int:
        """The guarded write: the new version, or _Stale when someone else's save came first. The read
        before it is only a shortcut; criteria rows change only together with a version bump."""
        a = assessment_table
        new_version = expected_version + 1
        values = dict(assessor_login=who.login, assessor=who.name, version=new_version, updated_at=now,
                      row_hash=row_hash)
        if expected_version == 0:
            try:
                conn.execute(insert(a).values(nabor_id=nabor_id, partnership_id=partnership_id, **values))
            except IntegrityError:
                raise _Stale() from None  # the primary key: a concurrent first save got there first
        else:
            result = conn.execute(
                update(a)
                .where(and_(a.c.nabor_id == nabor_id, a.c.partnership_id == partnership_id,
                            a.c.version == expected_version))
                .values(**values)
            )
            if result.rowcount != 1:
                raise _Stale()
        return new_version

    @staticmethod
    def _write_criteria(conn, nabor_id, partnership_id, changes, changed, first) -> None:
        c = criterion_table
        existing = set() if first else set(conn.execute(
            select(c.c.criterion).where(and_(c.c.nabor_id == nabor_id, c.c.partnership_id == partnership_id))
        ).scalars())
        for criterion in changed:
            value, comment = changes[criterion]
            if criterion in existing:
                conn.execute(
                    update(c)
                    .where(and_(c.c.nabor_id == nabor_id, c.c.partnership_id == partnership_id,
                                c.c.criterion == criterion))
                    .values(value=value, comment=comment)
                )
            else:
                conn.execute(insert(c).values(nabor_id=nabor_id, partnership_id=partnership_id,
                                              criterion=criterion, value=value, comment=comment))

    @staticmethod
    def _append_history(conn: Connection, rows: list[dict]) -> None:
        conn.execute(insert(history_table), rows)


def verification_gaps(assessment: Assessment | None, current_row_hash: str | None = None) -> tuple[str, ...]:
    """Why an assessment does not count as fully verified by UM (empty when it does)."""
    if assessment is None or not assessment.saved:
        return (NOT_ASSESSED,)
    reasons = []
    if missing := assessment.unverified:
        reasons.append("niezweryfikowane: " + ", ".join(missing))
    if current_row_hash is not None and assessment.row_hash != current_row_hash:
        reasons.append(EARLIER_ROW)
    return tuple(reasons)
