"""Shared by the store tests: both backends, people with roles, a nabór.

SQLite always; PostgreSQL when CWD_TEST_DATABASE_URL is set (each test in its own fresh schema,
dropped afterwards). Without the URL the PostgreSQL cases are skipped, unless CWD_REQUIRE_POSTGRES=1,
which makes them fail instead (CI must not pass silently on SQLite alone).

Imported as a plain module (tests/store is put on sys.path by the test files that use it).
"""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from cwd.auth import CONSOLE, Identity, Role
from cwd.store import Store, open_store

PG_URL = os.environ.get("CWD_TEST_DATABASE_URL", "").strip()
REQUIRE_PG = os.environ.get("CWD_REQUIRE_POSTGRES", "").strip() == "1"
# Tests create many accounts; production parameters cost 64 MiB and ~0.1 s per hash.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
PASSWORD = "hasło-testowe-123"


@dataclass
class Backend:
    kind: str
    url: str  # what open_store(url) / a child process uses
    path: Path | None = None  # SQLite: the file (the app's default way of opening)

    def open(self, **kwargs) -> Store:
        kwargs.setdefault("hasher", FAST_HASHER)
        if self.path is not None:
            return open_store(path=self.path, **kwargs)
        return open_store(self.url, **kwargs)


@contextmanager
def postgres_schema(base_url: str = PG_URL):
    """A fresh schema; the URL selects it through the connection's search_path."""
    schema = f"cwd_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def require_postgres_url() -> None:
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("CWD_REQUIRE_POSTGRES=1 but CWD_TEST_DATABASE_URL is not set: PostgreSQL was not tested")
        pytest.skip("PostgreSQL: set CWD_TEST_DATABASE_URL (see .ci/postgres.sh)")


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path):
    if request.param == "sqlite":
        path = tmp_path / "var" / "cwd.sqlite"  # the folder does not exist yet: open_store makes it
        yield Backend("sqlite", f"sqlite:///{path}", path)
        return
    require_postgres_url()
    with postgres_schema() as url:
        yield Backend("postgresql", url)


@pytest.fixture
def store(backend):
    s = backend.open()
    yield s
    s.dispose()


# --- people ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class People:
    anna: Identity  # assessor
    jan: Identity  # assessor
    ewa: Identity  # approver, administrator
    piotr: Identity  # viewer


def add_people(store: Store) -> People:
    """Accounts for the usual cast. Identities are built as a page would hold them after sign-in;
    the store re-reads role and name from its tables anyway."""
    cast = [("anna", "Anna Nowak", Role.ASSESSOR, False), ("jan", "Jan Kowalski", Role.ASSESSOR, False),
            ("ewa", "Ewa Wiśniewska", Role.APPROVER, True), ("piotr", "Piotr Zieliński", Role.VIEWER, False)]
    found = {}
    for login, name, role, admin in cast:
        store.add_user(login, name, role, password=PASSWORD, actor=CONSOLE, admin=admin)
        found[login] = Identity(login=login, name=name, role=role, admin=admin)
    return People(**found)


@pytest.fixture
def people(store) -> People:
    return add_people(store)


NABOR_NAME = "Pilotaż CWD 2020 – woj. podlaskie"
FORMS_V1 = "id,nazwa\nP01,Ziemia Wysokomazowiecka\nP02,Wiele gmin – jeden cel\n".encode()


@pytest.fixture
def nabor(store, people) -> str:
    """An open nabór with one forms version; returns its id."""
    n = store.create_nabor(NABOR_NAME, actor=people.anna)
    store.add_forms(n.id, FORMS_V1, "formularze.csv", actor=people.anna)
    return n.id


def values(**given) -> dict[str, int | None]:
    """Criterion values from keyword arguments I_1=1, II_3=0 …"""
    return {key.replace("_", "."): value for key, value in given.items()}


def changes(values_: dict | None = None, comments: dict | None = None) -> dict[str, tuple]:
    """{criterion: (value, comment)} from separate value and comment dicts (a comment alone keeps
    the value None: pass both for a full pair)."""
    values_, comments = values_ or {}, comments or {}
    return {c: (values_.get(c), comments.get(c, "")) for c in {**values_, **comments}}


def statements(engine):
    """Collect the SQL statements an engine sends (to prove what did or did not reach the DB)."""
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement.strip().upper())

    event.listen(engine, "before_cursor_execute", record)
    return sent
