"""What every part of the store shares: the database, who the actor really is, the nabór lock."""
from __future__ import annotations

from datetime import datetime, timezone

from argon2 import PasswordHasher
from sqlalchemy import and_, select, update
from sqlalchemy.engine import Connection, Engine

from cwd import auth
from cwd.auth import Action, Identity, PermissionDenied, Role
from cwd.nabor import DEMO_ID
from cwd.store.engine import Database
from cwd.store.errors import NaborClosedError, NotFoundError
from cwd.store.schema import nabor_table, oidc_table, user_table


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


class _Stale(Exception):
    """The guarded write matched no row: the stored version is not the expected one."""


class _NothingChanged(Exception):
    """Roll back (the stamp bump included): the write would change nothing."""

    def __init__(self, result=None):
        self.result = result


class StoreBase:
    def __init__(self, database: Database, *, hasher: PasswordHasher | None = None):
        self.database = database
        self.hasher = hasher or auth.HASHER

    @property
    def engine(self) -> Engine:
        return self.database.engine

    @property
    def read_only(self) -> bool:
        return self.database.read_only

    def health(self):
        """Touches the database; never raises. `.message` is a short Polish status."""
        return self.database.health()

    def dispose(self) -> None:
        self.database.dispose()

    # -- who is acting ------------------------------------------------------------------------------------
    def resolve(self, actor: Identity) -> Identity:
        """The actor as the store knows them (role, administrator flag and name from its tables)."""
        with self.database.read() as conn:
            return self._resolve(conn, actor)

    def _resolve(self, conn: Connection, actor: object) -> Identity:
        if not isinstance(actor, Identity):
            raise PermissionDenied("Brak zalogowanej osoby – zapis wymaga zalogowania. Nic nie zapisano.")
        if actor.source == auth.SOURCE_CONSOLE:
            if actor != auth.CONSOLE:
                raise PermissionDenied("Nieprawidłowa tożsamość wiersza poleceń. Nic nie zapisano.")
            return auth.CONSOLE
        if actor.source == auth.SOURCE_LOCAL:
            row = conn.execute(select(user_table).where(user_table.c.login == actor.login)).first()
            name = row.name if row is not None else ""
        elif actor.source == auth.SOURCE_OIDC:
            row = conn.execute(select(oidc_table).where(oidc_table.c.email == actor.login)).first()
            # The provider's name for the person (the mapping's, when the administrator gave one).
            name = (row.name or actor.name or actor.login) if row is not None else ""
        else:
            raise PermissionDenied(f"Nieznane źródło tożsamości „{actor.source}”. Nic nie zapisano.")
        if row is None:
            raise PermissionDenied(f"Nie ma konta „{actor.login}” – zaloguj się ponownie. Nic nie zapisano.")
        if not row.active:
            raise PermissionDenied(f"Konto „{actor.login}” jest nieaktywne. Nic nie zapisano.")
        return Identity(login=actor.login, name=name, role=Role(row.role), admin=bool(row.admin),
                        source=actor.source)

    def _allowed(self, conn: Connection, actor: object, action: Action) -> Identity:
        """Resolve the actor against the tables and check the permission; raises PermissionDenied."""
        who = self._resolve(conn, actor)
        auth.require(who, action)
        return who

    # -- the nabór a write belongs to --------------------------------------------------------------------
    def _lock_nabor(self, conn: Connection, nabor_id: str, not_saved: str):
        """First statement of every write in a nabór: bump its stamp, which locks its row until commit
        (writes within a nabór are serialised, always in the same lock order) and proves it is writable."""
        if nabor_id == DEMO_ID:
            raise NaborClosedError("Nabór przykładowy („demo”) jest tylko do odczytu – zapisy wyłączone.",
                                   not_saved=not_saved)
        n = nabor_table
        result = conn.execute(
            update(n).where(and_(n.c.id == nabor_id, n.c.archived.is_(False))).values(stamp=n.c.stamp + 1)
        )
        if result.rowcount != 1:
            row = conn.execute(select(n.c.name, n.c.archived_by, n.c.archived_at).where(n.c.id == nabor_id)).first()
            if row is None:
                raise NotFoundError(f"Nie ma naboru „{nabor_id}”. {not_saved}.")
            from cwd.fmt import fmt_datetime

            when = f", {fmt_datetime(row.archived_at)}" if row.archived_at else ""
            raise NaborClosedError(
                f"Nabór „{row.name}” jest zarchiwizowany ({row.archived_by or 'bez autora'}{when}) – zapisy wyłączone.",
                not_saved=not_saved)
        return conn.execute(select(n).where(n.c.id == nabor_id)).one()
