"""Cached loaders: operator settings, register and geometry once per process; files and evaluations
once per content, shared by every session (st.cache_resource keyed by content digests)."""
from __future__ import annotations

import hashlib
import logging
import threading
import time
from pathlib import Path

import streamlit as st

from cwd.register import Register, load_register
from cwd.settings import OperatorSettings


@st.cache_resource(show_spinner=False)
def operator() -> OperatorSettings:
    """The operator's settings, read from the environment once per process and passed down."""
    return OperatorSettings.from_env()


@st.cache_resource(show_spinner=False)
def register() -> Register:
    return load_register(wojewodztwo=operator().wojewodztwo)


@st.cache_resource(show_spinner="Wczytywanie granic gmin i powiatów…")
def boundaries():
    """(Boundaries, None) or (None, Polish message). Geometry is prepared once per process."""
    from cwd.geo import BoundariesNotFound, load_boundaries

    try:
        return load_boundaries(operator().wojewodztwo, operator().shapes_dir), None
    except BoundariesNotFound as exc:
        return None, str(exc)


@st.cache_resource(show_spinner=False)
def geometry_key() -> str | None:
    """The fingerprint of the boundary layers this process reads (cwd.geo_cache), or None."""
    from cwd.geo_cache import fingerprint

    return fingerprint(operator().wojewodztwo, operator().shapes_dir)


@st.cache_resource(show_spinner=False)
def adjacency():
    """(gmina adjacency or None, Polish note or None) — the note says what missing boundaries change.
    From the disk cache when the layers did not change (no geopandas needed then)."""
    from cwd import geo_cache
    from cwd.pipeline import NO_BOUNDARIES_EFFECT

    key = geometry_key()
    if (cached := geo_cache.load("adjacency", key)) is not None:
        return cached, None
    from cwd.geo import gmina_adjacency

    layers, error = boundaries()
    if layers is None:
        return None, f"{error}\n{NO_BOUNDARIES_EFFECT}"
    found = gmina_adjacency(layers.gminy)
    geo_cache.save("adjacency", key, found)
    return found, None


@st.cache_resource(show_spinner=False)
def display_layers():
    """Simplified EPSG:4326 layers for drawing (shared borders kept shared), or (None, None)."""
    from cwd.geo import display_layers as _display

    layers, _ = boundaries()
    if layers is None:
        return None, None
    return _display(layers)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@st.cache_resource(show_spinner=False, max_entries=16)
def read_forms(sha256: str, filename: str, _data: bytes):
    """Forms read once per content (the SHA-256 is the key; the bytes are not hashed again)."""
    from cwd.forms import read_forms as _read

    return _read(_data, filename, register())


@st.cache_resource(show_spinner=False, max_entries=8)
def read_ztm(sha256: str, filename: str, _data: bytes):
    from cwd.ztm import read_ztm_list

    return read_ztm_list(_data, filename, register())


def read_file_bytes(path: Path) -> tuple[bytes | None, str | None]:
    """(bytes, None) or (None, Polish message) for an operator-configured file."""
    from cwd.limits import MAX_FILE_BYTES
    from cwd.readers import format_mb

    try:
        if path.stat().st_size > MAX_FILE_BYTES:  # never read a huge file into memory
            return None, (f"Plik {path} jest za duży ({format_mb(path.stat().st_size)} MB; "
                          f"najwyżej {format_mb(MAX_FILE_BYTES)} MB).")
        return path.read_bytes(), None
    except OSError as exc:
        return None, f"Nie można odczytać pliku {path}: {exc.strerror or 'błąd odczytu'}."


@st.cache_resource(show_spinner=False, max_entries=64)
def evaluation(key: tuple, _register: Register, _inputs):
    """The pipeline's result, once per content (`key` names the inputs; they are not hashed)."""
    from cwd.pipeline import evaluate

    return evaluate(_register, _inputs)


@st.cache_resource(show_spinner=False)
def _open_store():
    from cwd.store import open_store

    s = operator()
    return open_store(url=s.database_url, path=s.database_path)


# A database that did not answer is not asked again for a while: every page must answer within
# seconds with a clear message, not wait for the database's timeout on every read of every run.
DOWN_PAUSE_S = 15.0
_down: dict = {"until": 0.0, "error": None}


def _mark_down(exc: Exception) -> None:
    _down["until"] = time.monotonic() + DOWN_PAUSE_S
    _down["error"] = exc


def _check_up() -> None:
    if time.monotonic() < _down["until"] and _down["error"] is not None:
        raise _down["error"].with_traceback(None)


def store():
    """The store (SQLite file by default, PostgreSQL when CWD_DATABASE_URL is set), opened once per
    process. Raises cwd.store.StoreError (Polish message) while the database is unreachable."""
    from cwd.store import StoreError, UnavailableError

    _check_up()
    try:
        return _open_store()
    except UnavailableError as exc:
        _mark_down(exc)
        raise
    except StoreError:
        raise
    except Exception as exc:  # noqa: BLE001 — e.g. a malformed URL: a clear message, not a traceback
        raise UnavailableError(detail=f"nie można jej otworzyć – sprawdź CWD_DATABASE_URL lub "
                                      f"CWD_DATABASE_PATH; {type(exc).__name__}") from exc


def db(fn, *args, **kwargs):
    """Run a read of the store; a database that stopped answering is then skipped for a while."""
    from cwd.store import UnavailableError

    _check_up()
    try:
        return fn(*args, **kwargs)
    except UnavailableError as exc:
        _mark_down(exc)
        raise


_warmed = threading.Event()


def warm_up() -> None:
    """Once per process, after the first page has been drawn: prepare in the background what other
    pages and the print outputs need (geopandas, the display layers), so the first person to open
    Kandydaci or a PNG does not wait for it."""
    if _warmed.is_set():
        return
    _warmed.set()

    def work() -> None:
        try:
            display_layers()
            import plotly.graph_objects  # noqa: F401 - the charts of Kandydaci and Wybór
        except Exception:  # noqa: BLE001 — a warm-up must never take anything down; pages retry
            logging.getLogger("cwd").exception("Wstępne przygotowanie danych nie powiodło się")

    from cwd.ui.startup import WARM_UP_THREAD

    threading.Thread(target=work, name=WARM_UP_THREAD, daemon=True).start()
