"""Fixtures of the page tests: a hermetic environment, a store on a temp SQLite file, people with
roles, a nabór holding the example forms, and a stand-in for the map component."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
import streamlit as st

from cwd.auth import CONSOLE, Identity
from cwd.nabor import StageDates
from cwd.settings import OsiSettings
from cwd.store import Store, open_store
from cwd.ui import loaders, mapview

from .support import EXAMPLE_FORMS

OPERATOR_ENV = ("CWD_DATABASE_URL", "CWD_FORMS", "CWD_OSI_ZTM", "CWD_SHAPES_DIR", "CWD_WOJEWODZTWO",
                "CWD_DEMO_PUBLICZNY")
PASSWORD = "hasło-testowe-123"


def _reset_process_state() -> None:
    """What the app keeps per process: Streamlit caches (the store is a cache_resource) and the
    'database is down, do not ask again for a while' mark."""
    st.cache_resource.clear()
    st.cache_data.clear()
    loaders._down.update(until=0.0, error=None)


@pytest.fixture(autouse=True)
def hermetic(tmp_path, monkeypatch):
    """Own SQLite file, no operator files or settings; fresh caches before and after each test."""
    db = tmp_path / "cwd.sqlite"
    monkeypatch.setenv("CWD_DATABASE_PATH", str(db))
    for name in OPERATOR_ENV:
        monkeypatch.delenv(name, raising=False)
    _reset_process_state()
    yield db
    _reset_process_state()


@pytest.fixture
def store(hermetic) -> Store:
    """The test's own handle on the database file the app opens (a second store object, as a
    second process would have). Cheap hashes: the app verifies with the parameters in the hash."""
    from argon2 import PasswordHasher

    s = open_store(path=hermetic, hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    yield s
    s.dispose()


@dataclass(frozen=True)
class People:
    approver: Identity  # zatwierdzający, administrator
    assessor: Identity  # oceniający
    viewer: Identity  # przeglądający


@pytest.fixture
def people(store) -> People:
    store.add_user("ewa", "Ewa Zatwierdzająca", "zatwierdzajacy", password=PASSWORD, actor=CONSOLE, admin=True)
    store.add_user("anna", "Anna Oceniająca", "oceniajacy", password=PASSWORD, actor=CONSOLE)
    store.add_user("piotr", "Piotr Przeglądający", "przegladajacy", password=PASSWORD, actor=CONSOLE)
    found = [store.authenticate(login, PASSWORD) for login in ("ewa", "anna", "piotr")]
    assert all(found)
    return People(*found)


def make_nabor(store: Store, people: People, name: str, forms: bytes | None = None,
               file_name: str = "formularze.csv"):
    """A nabór created by the assessor, holding `forms` (default: the example forms) as version 1."""
    n = store.create_nabor(name, actor=people.assessor, stages=StageDates(), settings=OsiSettings())
    store.add_forms(n.id, forms if forms is not None else EXAMPLE_FORMS.read_bytes(), file_name,
                    actor=people.assessor)
    return n


@pytest.fixture
def nabor(store, people):
    return make_nabor(store, people, "Pilotaż CWD 2020 – woj. podlaskie")


class FakeMap:
    """Stands in for the streamlit-folium component (`cwd.ui.mapview.folium_component`, the seam the
    app calls with st_folium's keyword arguments): records them and answers nothing clicked (a click
    reaches the page through st.session_state["mapa_glowna"], see support.click_map)."""

    def __init__(self):
        self.calls: list[dict] = []

    def __call__(self, args: dict):
        self.calls.append(args)
        return {"last_active_drawing": None}

    @property
    def payload(self) -> dict:
        """What the last map shows (cwd.map.view's update, as sent to the browser)."""
        return self.calls[-1]["feature_group_to_add"].cwd_update.payload


@pytest.fixture(autouse=True)
def fake_map(monkeypatch) -> FakeMap:
    fake = FakeMap()
    monkeypatch.setattr(mapview, "folium_component", fake)
    return fake
