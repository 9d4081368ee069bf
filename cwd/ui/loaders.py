"""Cached loaders: geometry and the register once per process, uploaded files once per content."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from cwd.register import Register, load_register
from cwd.settings import OperatorSettings


@st.cache_resource(show_spinner=False)
def register() -> Register:
    return load_register(wojewodztwo=OperatorSettings.from_env().wojewodztwo)


@st.cache_resource(show_spinner="Wczytywanie granic gmin i powiatów…")
def boundaries(shapes_dir: str | None):
    """(Boundaries, None) or (None, Polish message). Geometry is prepared once per process."""
    from cwd.geo import BoundariesNotFound, load_boundaries

    try:
        return load_boundaries(OperatorSettings.from_env().wojewodztwo, Path(shapes_dir) if shapes_dir else None), None
    except BoundariesNotFound as exc:
        return None, str(exc)


@st.cache_resource(show_spinner=False)
def adjacency(shapes_dir: str | None):
    from cwd.geo import gmina_adjacency

    layers, _ = boundaries(shapes_dir)
    return None if layers is None else gmina_adjacency(layers.gminy)


@st.cache_resource(show_spinner=False)
def display_layers(shapes_dir: str | None):
    """Simplified EPSG:4326 layers for drawing (shared borders kept shared)."""
    from cwd.geo import display_layers as _display

    layers, _ = boundaries(shapes_dir)
    if layers is None:
        return None, None
    return _display(layers)


@st.cache_data(show_spinner=False, max_entries=16)
def read_forms(data: bytes, filename: str):
    from cwd.forms import read_forms as _read

    return _read(data, filename, register())


@st.cache_data(show_spinner=False, max_entries=8)
def read_ztm(data: bytes, filename: str):
    from cwd.ztm import read_ztm_list

    return read_ztm_list(data, filename, register())


def read_file_bytes(path: Path) -> tuple[bytes | None, str | None]:
    """(bytes, None) or (None, Polish message) for an operator-configured file."""
    try:
        return path.read_bytes(), None
    except OSError as exc:
        return None, f"Nie można odczytać pliku {path}: {exc.strerror or exc}."


@st.cache_resource(show_spinner=False)
def store():
    """The assessment store (SQLite file by default, PostgreSQL when CWD_DATABASE_URL is set)."""
    from cwd.store import open_store

    s = OperatorSettings.from_env()
    return open_store(url=s.database_url, path=s.database_path)
