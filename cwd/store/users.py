"""Accounts: local logins with argon2 hashes, and OIDC e-mails mapped to roles by the administrator.

Passwords are never stored, returned or logged: only their salted argon2id hashes, verified in
constant time; a hash made with older parameters is replaced after the next good login.
"""
from __future__ import annotations

from sqlalchemy import and_, func, insert, select, update

from cwd import auth
from cwd.auth import Action, Identity, Role
from cwd.store.base import StoreBase, now_utc
from cwd.store.errors import InvalidValueError, NotFoundError, StoreError
from cwd.store.schema import oidc_table, user_table
from cwd.store.values import Account, OidcMapping


def _input(fn, value):
    try:
        return fn(value)
    except ValueError as exc:
        raise InvalidValueError(str(exc)) from None


def _account(row) -> Account:
    return Account(login=row.login, name=row.name, role=Role(row.role), admin=bool(row.admin),
                   active=bool(row.active), created_at=row.created_at, created_by=row.created_by or "")


def _mapping(row) -> OidcMapping:
    return OidcMapping(email=row.email, role=Role(row.role), admin=bool(row.admin), active=bool(row.active),
                       name=row.name or "", created_at=row.created_at, created_by=row.created_by or "")


class UsersMixin(StoreBase):
    # -- signing in -------------------------------------------------------------------------------------
    def authenticate(self, login: str, password: str) -> Identity | None:
        """The identity of an active local account whose password matches, else None (the same
        answer, in about the same time, for an unknown login, a wrong password or an inactive account)."""
        try:
            login = auth.normalise_login(login)
        except ValueError:
            auth.dummy_verify(password if isinstance(password, str) else "", self.hasher)
            return None
        with self.database.read() as conn:
            row = conn.execute(select(user_table).where(user_table.c.login == login)).first()
        if row is None or not row.active:
            auth.dummy_verify(password if isinstance(password, str) else "", self.hasher)
            return None
        if not auth.verify_password(row.password_hash, password, self.hasher):
            return None
        if auth.needs_rehash(row.password_hash, self.hasher) and not self.read_only:
            try:
                with self.database.write("Nowy skrót hasła nie został zapisany") as conn:
                    conn.execute(update(user_table).where(and_(
                        user_table.c.login == login, user_table.c.password_hash == row.password_hash,
                    )).values(password_hash=self.hasher.hash(password)))
            except StoreError:
                pass  # the login stands; the rehash is retried at the next one
        return Identity(login=row.login, name=row.name, role=Role(row.role), admin=bool(row.admin),
                        source=auth.SOURCE_LOCAL)

    def oidc_identity(self, email: str, name: str = "") -> Identity | None:
        """The identity of a person signed in through OIDC (e-mail and name from the provider's
        claims, see auth.oidc_claims), if the administrator mapped the e-mail to a role; else None."""
        try:
            email = auth.normalise_email(email)
        except ValueError:
            return None
        with self.database.read() as conn:
            row = conn.execute(select(oidc_table).where(oidc_table.c.email == email)).first()
        if row is None or not row.active:
            return None
        display = row.name or (" ".join(name.split()) if isinstance(name, str) and name.strip() else email)
        return Identity(login=email, name=display, role=Role(row.role), admin=bool(row.admin),
                        source=auth.SOURCE_OIDC)

    # -- reads ----------------------------------------------------------------------------------------------
    def users(self) -> list[Account]:
        with self.database.read() as conn:
            return [_account(row) for row in conn.execute(select(user_table).order_by(user_table.c.login))]

    def oidc_mappings(self) -> list[OidcMapping]:
        with self.database.read() as conn:
            return [_mapping(row) for row in conn.execute(select(oidc_table).order_by(oidc_table.c.email))]

    def has_admin(self) -> bool:
        """Is there any active administrator (local or OIDC)? False on a fresh database."""
        with self.database.read() as conn:
            return self._admins(conn) > 0

    # -- writes (administrator, or the server's command line) -----------------------------------------------
    def add_user(self, login: str, name: str, role: Role | str, *, password: str, actor: Identity,
                 admin: bool = False) -> Account:
        login = _input(auth.normalise_login, login)
        name = _input(auth.normalise_name, name)
        role = _input(auth.parse_role, role)
        _input(auth.check_password_policy, password)
        password_hash = self.hasher.hash(password)
        not_saved = f"Konto „{login}” nie zostało utworzone"
        with self.database.write(not_saved) as conn:
            who = self._allowed(conn, actor, Action.MANAGE_ACCOUNTS)
            if conn.execute(select(user_table.c.login).where(user_table.c.login == login)).first() is not None:
                raise InvalidValueError(f"Konto „{login}” już istnieje. {not_saved}.")
            now = now_utc()
            conn.execute(insert(user_table).values(
                login=login, name=name, role=role.value, admin=bool(admin), active=True,
                password_hash=password_hash, created_at=now, created_by=who.name,
            ))
        return Account(login, name, role, bool(admin), True, now, who.name)

    def set_role(self, login: str, role: Role | str, *, actor: Identity, admin: bool | None = None) -> Account:
        """Change an account's role (and, when given, its administrator flag); reactivates nothing."""
        login = _input(auth.normalise_login, login)
        role = _input(auth.parse_role, role)
        not_saved = f"Zmiana konta „{login}” nie została zapisana"
        with self.database.write(not_saved) as conn:
            who = self._allowed(conn, actor, Action.MANAGE_ACCOUNTS)
            row = self._user_row(conn, login, not_saved)
            values = {"role": role.value, "updated_at": now_utc(), "updated_by": who.name}
            if admin is not None:
                values["admin"] = bool(admin)
            conn.execute(update(user_table).where(user_table.c.login == login).values(**values))
            if row.admin and row.active and admin is False:
                self._keep_an_admin(conn, not_saved)
            row = self._user_row(conn, login, not_saved)
        return _account(row)

    def set_password(self, login: str, password: str, *, actor: Identity) -> None:
        """An administrator (or the account's owner) sets a new password."""
        login = _input(auth.normalise_login, login)
        _input(auth.check_password_policy, password)
        password_hash = self.hasher.hash(password)
        not_saved = f"Nowe hasło konta „{login}” nie zostało zapisane"
        with self.database.write(not_saved) as conn:
            who = self._resolve(conn, actor)
            if not (who.source == auth.SOURCE_LOCAL and who.login == login):
                auth.require(who, Action.MANAGE_ACCOUNTS)
            self._user_row(conn, login, not_saved)
            conn.execute(update(user_table).where(user_table.c.login == login).values(
                password_hash=password_hash, updated_at=now_utc(), updated_by=who.name))

    def deactivate(self, login_or_email: str, *, actor: Identity) -> str:
        """Deactivate a local account, or else the OIDC mapping of that e-mail (never delete: history
        keeps naming the person). Returns "local" or "oidc". The last active administrator stays."""
        key = login_or_email.strip().lower() if isinstance(login_or_email, str) else login_or_email
        not_saved = f"Dezaktywacja „{key}” nie została zapisana"
        with self.database.write(not_saved) as conn:
            who = self._allowed(conn, actor, Action.MANAGE_ACCOUNTS)
            values = {"active": False, "updated_at": now_utc(), "updated_by": who.name}
            for source, table, column in ((auth.SOURCE_LOCAL, user_table, user_table.c.login),
                                          (auth.SOURCE_OIDC, oidc_table, oidc_table.c.email)):
                row = conn.execute(select(table).where(column == key)).first()
                if row is not None:
                    break
            else:
                raise NotFoundError(f"Nie ma konta ani przypisania OIDC „{key}”. {not_saved}.")
            conn.execute(update(table).where(column == key).values(**values))
            if row.admin and row.active:
                self._keep_an_admin(conn, not_saved)
        return source

    def map_oidc(self, email: str, role: Role | str, *, actor: Identity, admin: bool = False, name: str = "") -> OidcMapping:
        """Give (or change) the role of an OIDC identity with this e-mail; an existing mapping is
        updated and reactivated."""
        email = _input(auth.normalise_email, email)
        role = _input(auth.parse_role, role)
        name = _input(auth.normalise_name, name) if name else ""
        not_saved = f"Przypisanie roli dla „{email}” nie zostało zapisane"
        with self.database.write(not_saved) as conn:
            who = self._allowed(conn, actor, Action.MANAGE_ACCOUNTS)
            now = now_utc()
            existing = conn.execute(select(oidc_table).where(oidc_table.c.email == email)).first()
            if existing is None:
                conn.execute(insert(oidc_table).values(email=email, role=role.value, admin=bool(admin), active=True,
                                                       name=name, created_at=now, created_by=who.name))
            else:
                conn.execute(update(oidc_table).where(oidc_table.c.email == email).values(
                    role=role.value, admin=bool(admin), active=True, name=name or existing.name,
                    updated_at=now, updated_by=who.name))
                if existing.admin and existing.active and not admin:
                    self._keep_an_admin(conn, not_saved)
            row = conn.execute(select(oidc_table).where(oidc_table.c.email == email)).one()
        return _mapping(row)

    # -- helpers ------------------------------------------------------------------------------------------------
    @staticmethod
    def _user_row(conn, login: str, not_saved: str):
        row = conn.execute(select(user_table).where(user_table.c.login == login)).first()
        if row is None:
            raise NotFoundError(f"Nie ma konta „{login}”. {not_saved}.")
        return row

    @staticmethod
    def _admins(conn) -> int:
        local = conn.execute(select(func.count()).select_from(user_table).where(
            and_(user_table.c.admin.is_(True), user_table.c.active.is_(True)))).scalar()
        oidc = conn.execute(select(func.count()).select_from(oidc_table).where(
            and_(oidc_table.c.admin.is_(True), oidc_table.c.active.is_(True)))).scalar()
        return int(local) + int(oidc)

    def _keep_an_admin(self, conn, not_saved: str) -> None:
        """Refuse (roll back) a change that would leave nobody able to manage accounts in the app —
        unless there was no administrator before it either."""
        if self._admins(conn) == 0:
            raise InvalidValueError(f"To ostatnie aktywne konto administratora – najpierw nadaj uprawnienia "
                                    f"administratora innej osobie. {not_saved}.")
