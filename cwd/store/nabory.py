"""Naborów (calls): create, edit, archive (never delete), their file versions and change stamp."""
from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date

from sqlalchemy import and_, func, insert, select, update

from cwd.auth import Action, Identity
from cwd.limits import MAX_FILE_BYTES
from cwd.nabor import DEMO_ID, DEMO_NAME, MAX_SLUG_CHARS, RESERVED_IDS, StageDates, slugify
from cwd.paths import DATA_DIR
from cwd.settings import FUNCTIONAL_AREA_LABELS, OsiSettings
from cwd.store import validate
from cwd.store.base import StoreBase, _NothingChanged, now_utc
from cwd.store.errors import InvalidValueError, NotFoundError
from cwd.store.schema import file_table, nabor_row, nabor_table
from cwd.store.values import FILE_KIND_LABELS, FILE_KINDS, FORMS, FileVersion, Nabor

# The example's forms: the repository's file, read where it lies (never copied into the database).
DEMO_FORMS_PATH = DATA_DIR / "formularze_przyklad.csv"
DEMO_UPLOADER = "repozytorium (dane przykładowe)"


def demo_nabor() -> Nabor:
    return Nabor(id=DEMO_ID, name=DEMO_NAME, stages=StageDates(), settings=OsiSettings(),
                 created_by=DEMO_UPLOADER, demo=True)


def check_settings(settings: object) -> OsiSettings:
    if not isinstance(settings, OsiSettings):
        raise InvalidValueError("Ustawienia OSI naboru muszą być typu OsiSettings.")
    prog = settings.prog_ludnosci
    if isinstance(prog, bool) or not isinstance(prog, int) or not 1 <= prog <= 1_000_000:
        raise InvalidValueError(f"Próg ludności małego miasta musi być liczbą całkowitą od 1 do 1 000 000 (podano „{prog}”).")
    if not isinstance(settings.data_ludnosci, date):
        raise InvalidValueError(f"Nieprawidłowy dzień stanu ludności: „{settings.data_ludnosci}”.")
    if settings.obszar_funkcjonalny not in FUNCTIONAL_AREA_LABELS:
        raise InvalidValueError(f"Nieznany obszar funkcjonalny „{settings.obszar_funkcjonalny}”. "
                                f"Dozwolone: {', '.join(FUNCTIONAL_AREA_LABELS)}.")
    return settings


def check_stages(stages: object) -> StageDates:
    if not isinstance(stages, StageDates):
        raise InvalidValueError("Daty etapów naboru muszą być typu StageDates.")
    try:
        return stages.check()
    except ValueError as exc:
        raise InvalidValueError(str(exc)) from None


def _nabor(row) -> Nabor:
    return Nabor(
        id=row.id, name=row.name,
        stages=StageDates(row.forms_deadline, row.um_decision, row.mfipr_announcement),
        settings=OsiSettings(row.prog_ludnosci, row.data_ludnosci, row.obszar_funkcjonalny),
        created_by=row.created_by, created_by_login=row.created_by_login, created_at=row.created_at,
        archived=bool(row.archived), archived_by=row.archived_by or "", archived_at=row.archived_at,
        updated_by=row.updated_by or "", updated_at=row.updated_at, stamp=row.stamp,
    )


def _file(row, content: bool) -> FileVersion:
    return FileVersion(
        nabor_id=row.nabor_id, kind=row.kind, version=row.version, file_name=row.file_name,
        sha256=row.sha256, size=row.size, uploaded_by=row.uploaded_by,
        uploaded_by_login=row.uploaded_by_login, uploaded_at=row.uploaded_at,
        content=bytes(row.content) if content else None,
    )


def _check_kind(kind: object) -> str:
    if kind not in FILE_KINDS:
        raise InvalidValueError(f"Nieznany rodzaj pliku „{kind}”. Dozwolone: {', '.join(FILE_KINDS)}.")
    return kind


class NaboryMixin(StoreBase):
    # -- reads --------------------------------------------------------------------------------------------
    def nabory(self, *, archived: bool = True, demo: bool = True) -> list[Nabor]:
        """The example first (when `demo`), then the naborów, newest first."""
        n = nabor_table
        query = select(n).order_by(n.c.created_at.desc(), n.c.id)
        if not archived:
            query = query.where(n.c.archived.is_(False))
        with self.database.read() as conn:
            found = [_nabor(row) for row in conn.execute(query)]
        return ([demo_nabor()] if demo else []) + found

    def nabor(self, nabor_id: str) -> Nabor:
        nabor_id = validate.nabor_id(nabor_id)
        if nabor_id == DEMO_ID:
            return demo_nabor()
        with self.database.read() as conn:
            row = conn.execute(select(nabor_table).where(nabor_table.c.id == nabor_id)).first()
        if row is None:
            raise NotFoundError(f"Nie ma naboru „{nabor_id}”.")
        return _nabor(row)

    def stamp(self, nabor_id: str) -> int:
        """Changes on every write in the nabór (a cheap cache key; one primary-key read)."""
        nabor_id = validate.nabor_id(nabor_id)
        if nabor_id == DEMO_ID:
            return 0
        with self.database.read() as conn:
            value = conn.execute(select(nabor_table.c.stamp).where(nabor_table.c.id == nabor_id)).scalar()
        if value is None:
            raise NotFoundError(f"Nie ma naboru „{nabor_id}”.")
        return int(value)

    # -- writes -------------------------------------------------------------------------------------------
    def create_nabor(self, name: str, *, actor: Identity, nabor_id: str | None = None,
                     stages: StageDates | None = None, settings: OsiSettings | None = None) -> Nabor:
        """A new, empty nabór. Without `nabor_id` the id is made from the name (with -2, -3… if taken)."""
        name = validate.nabor_name(name)
        wanted = validate.nabor_id(nabor_id) if nabor_id is not None else None
        if (wanted or "") in RESERVED_IDS:
            raise InvalidValueError(f"Identyfikator „{wanted}” jest zarezerwowany – wybierz inny.")
        stages = check_stages(stages if stages is not None else StageDates())
        settings = check_settings(settings if settings is not None else OsiSettings())
        not_saved = f"Nabór „{name}” nie został utworzony"
        now = now_utc()
        n = nabor_table
        with self.database.write(not_saved) as conn:
            who = self._allowed(conn, actor, Action.CREATE_NABOR)
            if wanted is not None:
                if conn.execute(select(n.c.id).where(n.c.id == wanted)).first() is not None:
                    raise InvalidValueError(f"Nabór o identyfikatorze „{wanted}” już istnieje. {not_saved}.")
                slug = wanted
            else:
                base = slugify(name)
                if base in RESERVED_IDS:
                    base = f"nabor-{base}"
                taken = set(conn.execute(select(n.c.id).where(n.c.id.like(f"{base}%"))).scalars())
                slug, k = base, 1
                while slug in taken:
                    k += 1
                    suffix = f"-{k}"
                    slug = base[: MAX_SLUG_CHARS - len(suffix)].rstrip("-") + suffix
            conn.execute(insert(n).values(nabor_row(slug, name, stages, settings, by_login=who.login, by=who.name,
                                                    at=now)))
            row = conn.execute(select(n).where(n.c.id == slug)).one()
        return _nabor(row)

    def update_nabor(self, nabor_id: str, *, actor: Identity, name: str | None = None,
                     stages: StageDates | None = None, settings: OsiSettings | None = None) -> Nabor:
        """Change the name, the stage dates or the OSI settings (what is None stays)."""
        nabor_id = validate.nabor_id(nabor_id)
        values = {}
        if name is not None:
            values["name"] = validate.nabor_name(name)
        if stages is not None:
            stages = check_stages(stages)
            values.update(forms_deadline=stages.forms_deadline, um_decision=stages.um_decision,
                          mfipr_announcement=stages.mfipr_announcement)
        if settings is not None:
            settings = check_settings(settings)
            values.update(prog_ludnosci=settings.prog_ludnosci, data_ludnosci=settings.data_ludnosci,
                          obszar_funkcjonalny=settings.obszar_funkcjonalny)
        not_saved = "Zmiana naboru nie została zapisana"
        with self.database.write(not_saved) as conn:
            who = self._allowed(conn, actor, Action.CREATE_NABOR)
            self._lock_nabor(conn, nabor_id, not_saved)
            if values:
                conn.execute(update(nabor_table).where(nabor_table.c.id == nabor_id).values(
                    **values, updated_by_login=who.login, updated_by=who.name, updated_at=now_utc()))
            row = conn.execute(select(nabor_table).where(nabor_table.c.id == nabor_id)).one()
        return _nabor(row)

    def archive_nabor(self, nabor_id: str, *, actor: Identity) -> Nabor:
        """Archive (never delete): everything stays readable, nothing can be written any more."""
        nabor_id = validate.nabor_id(nabor_id)
        not_saved = "Archiwizacja naboru nie została zapisana"
        with self.database.write(not_saved) as conn:
            who = self._allowed(conn, actor, Action.ARCHIVE_NABOR)
            self._lock_nabor(conn, nabor_id, not_saved)
            conn.execute(update(nabor_table).where(nabor_table.c.id == nabor_id).values(
                archived=True, archived_by_login=who.login, archived_by=who.name, archived_at=now_utc()))
            row = conn.execute(select(nabor_table).where(nabor_table.c.id == nabor_id)).one()
        return _nabor(row)

    # -- file versions --------------------------------------------------------------------------------------
    def add_file(self, nabor_id: str, kind: str, content: bytes, file_name: str, *, actor: Identity) -> FileVersion:
        """Store a new version of the nabór's forms file (kind FORMS) or OSI ZTM list (ZTM).

        The same bytes as the current version are not a new version: the current one is returned.
        (Going back to an earlier file makes a new version, so "current" is always the latest.)"""
        nabor_id = validate.nabor_id(nabor_id)
        kind = _check_kind(kind)
        file_name = validate.file_name(file_name)
        if isinstance(content, (bytearray, memoryview)):
            content = bytes(content)
        if not isinstance(content, bytes):
            raise InvalidValueError("Zawartość pliku musi być bajtami.")
        if not content:
            raise InvalidValueError(f"Plik „{file_name}” jest pusty.")
        if len(content) > MAX_FILE_BYTES:
            raise InvalidValueError(f"Plik „{file_name}” jest za duży ({len(content)} B; najwyżej {MAX_FILE_BYTES} B).")
        digest = hashlib.sha256(content).hexdigest()
        not_saved = f"Nowa wersja pliku ({FILE_KIND_LABELS[kind]}) nie została zapisana"
        f = file_table
        try:
            with self.database.write(not_saved) as conn:
                who = self._allowed(conn, actor, Action.UPLOAD)
                self._lock_nabor(conn, nabor_id, not_saved)
                latest = conn.execute(
                    select(*[c for c in f.c if c.name != "content"])
                    .where(and_(f.c.nabor_id == nabor_id, f.c.kind == kind))
                    .order_by(f.c.version.desc()).limit(1)
                ).first()
                if latest is not None and latest.sha256 == digest:
                    raise _NothingChanged(replace(_file(latest, content=False), content=content))
                version = (latest.version if latest is not None else 0) + 1
                now = now_utc()
                conn.execute(insert(f).values(
                    nabor_id=nabor_id, kind=kind, version=version, file_name=file_name, sha256=digest,
                    size=len(content), content=content, uploaded_by_login=who.login, uploaded_by=who.name,
                    uploaded_at=now,
                ))
        except _NothingChanged as same:
            return same.result
        return FileVersion(nabor_id, kind, version, file_name, digest, len(content), who.name, who.login, now, content)

    def add_forms(self, nabor_id: str, content: bytes, file_name: str, *, actor: Identity) -> FileVersion:
        return self.add_file(nabor_id, FORMS, content, file_name, actor=actor)

    def add_ztm(self, nabor_id: str, content: bytes, file_name: str, *, actor: Identity) -> FileVersion:
        from cwd.store.values import ZTM

        return self.add_file(nabor_id, ZTM, content, file_name, actor=actor)

    def file_versions(self, nabor_id: str, kind: str) -> list[FileVersion]:
        """Every version, newest first, without the bytes."""
        nabor_id = validate.nabor_id(nabor_id)
        kind = _check_kind(kind)
        if nabor_id == DEMO_ID:
            demo = self.file(DEMO_ID, kind)
            return [replace(demo, content=None)] if demo is not None else []
        f = file_table
        with self.database.read() as conn:
            rows = conn.execute(
                select(*[c for c in f.c if c.name != "content"])
                .where(and_(f.c.nabor_id == nabor_id, f.c.kind == kind)).order_by(f.c.version.desc())
            ).all()
        return [_file(row, content=False) for row in rows]

    def file(self, nabor_id: str, kind: str, version: int | None = None) -> FileVersion | None:
        """One version with its bytes (the current one when `version` is None); None when there is none."""
        nabor_id = validate.nabor_id(nabor_id)
        kind = _check_kind(kind)
        if nabor_id == DEMO_ID:
            if kind != FORMS or version not in (None, 1):
                return None
            content = DEMO_FORMS_PATH.read_bytes()
            return FileVersion(DEMO_ID, FORMS, 1, DEMO_FORMS_PATH.name, hashlib.sha256(content).hexdigest(),
                               len(content), DEMO_UPLOADER, "", None, content)
        f = file_table
        query = select(f).where(and_(f.c.nabor_id == nabor_id, f.c.kind == kind))
        if version is None:
            query = query.order_by(f.c.version.desc()).limit(1)
        else:
            query = query.where(f.c.version == validate.version(version, "pliku"))
        with self.database.read() as conn:
            row = conn.execute(query).first()
        return _file(row, content=True) if row is not None else None

    def _current_versions(self, conn, nabor_id: str) -> dict[str, int | None]:
        f = file_table
        rows = conn.execute(
            select(f.c.kind, func.max(f.c.version)).where(f.c.nabor_id == nabor_id).group_by(f.c.kind)
        ).all()
        found = {kind: version for kind, version in rows}
        return {kind: found.get(kind) for kind in FILE_KINDS}

