"""The UM decision: ≤ 3 picks with justifications, append-only, with an optimistic check.

A decision names the nabór, the forms version and the OSI ZTM list version it was made on and the
settings used. Each pick must be fully verified by UM (every criterion has a stored value, on the
current version of its form row when the caller gives the row hashes) or carry a written override
reason, recorded with the decision. The caller states the decision number it saw (0 = none); when
someone recorded a decision since, the new one is refused with DecisionConflictError — never a
silent replacement. Only an approver may record one.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date

from sqlalchemy import and_, func, insert, select
from sqlalchemy.exc import IntegrityError

from cwd.auth import Action, Identity
from cwd.limits import MAX_NAME_CHARS
from cwd.nabor import DEMO_ID
from cwd.selection import decision_problems
from cwd.settings import OsiSettings, settings_summary
from cwd.store import validate
from cwd.store.assessments import AssessmentsMixin, verification_gaps
from cwd.store.base import _Stale, now_utc
from cwd.store.errors import (
    DecisionConflictError,
    InvalidValueError,
    OutdatedDataError,
    UnverifiedPicksError,
)
from cwd.store.nabory import NaboryMixin, check_settings
from cwd.store.schema import decision_table, file_table
from cwd.store.values import FORMS, ZTM, Decision, Pick


def settings_json(settings: OsiSettings) -> str:
    return json.dumps({"prog_ludnosci": settings.prog_ludnosci, "data_ludnosci": settings.data_ludnosci.isoformat(),
                       "obszar_funkcjonalny": settings.obszar_funkcjonalny}, ensure_ascii=False)


def _settings_from_json(text: str | None) -> OsiSettings | None:
    if not text:
        return None
    data = json.loads(text)
    return OsiSettings(int(data["prog_ludnosci"]), date.fromisoformat(data["data_ludnosci"]),
                       data["obszar_funkcjonalny"])


def picks_json(picks: Iterable[Pick]) -> str:
    return json.dumps([{"id": p.partnership_id, "nazwa": p.name, "uzasadnienie": p.justification,
                        "odstepstwo": p.override, "niezweryfikowane": list(p.unverified)} for p in picks],
                      ensure_ascii=False)


def _picks_from_json(text: str) -> tuple[Pick, ...]:
    return tuple(Pick(p["id"], p.get("nazwa", ""), p.get("uzasadnienie", ""), p.get("odstepstwo", "") or "",
                      tuple(p.get("niezweryfikowane") or ())) for p in json.loads(text))


def _decision(row) -> Decision:
    return Decision(
        id=row.id, picks=_picks_from_json(row.picks), decided_by=row.decided_by, decided_at=row.decided_at,
        nabor_id=row.nabor_id, number=row.number, decided_by_login=row.decided_by_login or "",
        forms_version=row.forms_version, ztm_version=row.ztm_version,
        settings=_settings_from_json(row.settings), summary=row.summary or "",
    )


def check_picks(picks: Iterable) -> tuple[Pick, ...]:
    """Picks as Pick or tuples (id, name, justification[, override]), checked and trimmed."""
    clean = []
    for given in picks:
        if isinstance(given, Pick):
            pid, name, why, override = given[:4]
        elif isinstance(given, (tuple, list)) and len(given) in (3, 4):
            pid, name, why, override = (*given, "") if len(given) == 3 else given
        else:
            raise InvalidValueError("Każdy wybór to (identyfikator, nazwa, uzasadnienie[, powód odstępstwa]).")
        pid = validate.partnership_id(pid)
        name = validate.short_text(name, MAX_NAME_CHARS, "Nazwa partnerstwa")
        clean.append(Pick(pid, name, validate.justification(pid, why),
                          validate.justification(pid, override, "powód odstępstwa")))
    ids = [p.partnership_id for p in clean]
    if problems := decision_problems(ids, {p.partnership_id: p.justification for p in clean}):
        raise InvalidValueError(" ".join(problems))
    return tuple(clean)


class DecisionsMixin(NaboryMixin, AssessmentsMixin):
    def decisions(self, nabor_id: str) -> list[Decision]:
        """Every recorded decision of the nabór, newest first."""
        nabor_id = validate.nabor_id(nabor_id)
        if nabor_id == DEMO_ID:
            return []
        d = decision_table
        with self.database.read() as conn:
            rows = conn.execute(select(d).where(d.c.nabor_id == nabor_id).order_by(d.c.number.desc())).all()
        return [_decision(row) for row in rows]

    def latest_decision(self, nabor_id: str) -> Decision | None:
        nabor_id = validate.nabor_id(nabor_id)
        if nabor_id == DEMO_ID:
            return None
        d = decision_table
        with self.database.read() as conn:
            row = conn.execute(
                select(d).where(d.c.nabor_id == nabor_id).order_by(d.c.number.desc()).limit(1)
            ).first()
        return _decision(row) if row is not None else None

    def save_decision(
        self,
        nabor_id: str,
        picks: Iterable,
        *,
        actor: Identity,
        expected_decision: int,
        forms_version: int | None,
        ztm_version: int | None,
        settings: OsiSettings | None = None,
        summary: str | None = None,
        row_hashes: Mapping[str, str] | None = None,
    ) -> Decision:
        """Record a decision (append-only). `expected_decision`: the number of the latest decision
        the caller saw (0 = none). `forms_version` / `ztm_version`: the versions the caller's data came
        from — they must be the nabór's current ones. `settings`: the OSI settings used (default: the
        nabór's). `row_hashes`: the current form rows' hashes of the picks; an assessment made on
        another row does not count as verified. `summary`: the settings as one sentence (default: built
        here). Picks not fully verified need an override reason (4th element of the pick)."""
        nabor_id = validate.nabor_id(nabor_id)
        picks = check_picks(picks)
        expected_decision = validate.version(expected_decision, "decyzji")
        if forms_version is not None:
            forms_version = validate.version(forms_version, "formularzy")
        if ztm_version is not None:
            ztm_version = validate.version(ztm_version, "listy OSI ZTM")
        if settings is not None:
            settings = check_settings(settings)
        if summary is not None:
            summary = validate.justification("decyzji", summary, "opis ustawień")
        not_saved = "Decyzja nie została zapisana"
        d = decision_table
        try:
            with self.database.write(not_saved) as conn:
                who = self._allowed(conn, actor, Action.DECIDE)
                nabor_row = self._lock_nabor(conn, nabor_id, not_saved)
                latest = conn.execute(select(func.max(d.c.number)).where(d.c.nabor_id == nabor_id)).scalar() or 0
                if latest != expected_decision:
                    raise _Stale()
                current = self._current_versions(conn, nabor_id)
                if current[FORMS] is None:
                    raise InvalidValueError("Nabór nie ma jeszcze wczytanych formularzy – decyzja musi wskazywać "
                                            f"wersję formularzy, na której ją podjęto. {not_saved}.")
                if forms_version != current[FORMS]:
                    raise OutdatedDataError(f"Bieżąca wersja formularzy naboru to {current[FORMS]}, a decyzję "
                                            f"przygotowano na wersji {forms_version or 'żadnej'}.")
                if ztm_version != current[ZTM]:
                    raise OutdatedDataError(
                        f"Bieżąca wersja listy OSI ZTM naboru to {current[ZTM] or 'brak listy'}, a decyzję "
                        f"przygotowano na {f'wersji {ztm_version}' if ztm_version else 'danych bez listy'}.")
                used = settings or _settings_of(nabor_row)
                stored = {pid: self._read(conn, nabor_id, pid) for pid in (p.partnership_id for p in picks)}
                checked, missing = [], {}
                for p in picks:
                    gaps = verification_gaps(stored[p.partnership_id], (row_hashes or {}).get(p.partnership_id))
                    if gaps and not p.override:
                        missing[p.partnership_id] = gaps
                    checked.append(p._replace(unverified=gaps))
                if missing:
                    raise UnverifiedPicksError(missing)
                if summary is None:
                    summary = settings_summary(used, self._file_label(conn, nabor_id, ZTM, ztm_version),
                                               self._file_label(conn, nabor_id, FORMS, forms_version))
                now = now_utc()
                number = expected_decision + 1
                try:
                    new_id = conn.execute(insert(d).values(
                        nabor_id=nabor_id, number=number, decided_by_login=who.login, decided_by=who.name,
                        decided_at=now, picks=picks_json(checked), forms_version=forms_version,
                        ztm_version=ztm_version, settings=settings_json(used), summary=summary,
                    )).inserted_primary_key[0]
                except IntegrityError:
                    raise _Stale() from None  # a concurrent decision took this number
        except _Stale:
            raise DecisionConflictError(self.latest_decision(nabor_id)) from None
        return Decision(id=int(new_id), picks=tuple(checked), decided_by=who.name, decided_at=now, nabor_id=nabor_id,
                        number=number, decided_by_login=who.login, forms_version=forms_version,
                        ztm_version=ztm_version, settings=used, summary=summary)

    @staticmethod
    def _file_label(conn, nabor_id: str, kind: str, version: int | None) -> str:
        if version is None:
            return ""
        f = file_table
        name = conn.execute(select(f.c.file_name).where(and_(
            f.c.nabor_id == nabor_id, f.c.kind == kind, f.c.version == version))).scalar()
        return f"{name} (wersja {version})"


def _settings_of(row) -> OsiSettings:
    return OsiSettings(row.prog_ludnosci, row.data_ludnosci, row.obszar_funkcjonalny)
