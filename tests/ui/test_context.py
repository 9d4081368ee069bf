"""What the router's page context tells every page (cwd.ui.context): here, missing boundary layers."""
from __future__ import annotations

import pytest

import cwd.paths
from cwd.ui import keys

from .support import PAGES, TITLES, frame_with, new_app, run, shown, texts, title

NO_BOUNDARIES = "**Brak warstw granic gmin.**"


@pytest.fixture
def no_boundaries(tmp_path, monkeypatch):
    """No PRG layers anywhere the app looks (CWD_SHAPES_DIR is unset by the hermetic fixture)."""
    for name in ("SHARED_GEO_DIR", "SHAPES_DIR"):
        empty = tmp_path / f"pusty_{name}"
        empty.mkdir()
        monkeypatch.setattr(cwd.paths, name, empty)


def boundary_warnings(at) -> list[str]:
    return [w for w in texts(at, "warning") if w.startswith(NO_BOUNDARIES)]


def test_every_page_shows_the_same_warning_without_boundaries(no_boundaries, fake_map):
    seen = []
    for page in PAGES:
        at = run(new_app(page=page))
        assert title(at) == [TITLES[page]], page
        [warning] = boundary_warnings(at)
        seen.append(warning)
    assert len(set(seen)) == 1  # the same words on every page
    assert "mapa jest niedostępna" in seen[0]
    assert not fake_map.calls  # no map is drawn


def test_without_boundaries_the_map_page_says_why(no_boundaries, fake_map):
    at = run(new_app())
    assert any("CWD_SHAPES_DIR" in e for e in shown(at, "error"))  # where to put the layers
    assert not fake_map.calls and not at.get("download_button")


def test_without_boundaries_the_functional_area_is_the_powiat(no_boundaries):
    at = run(new_app(page="kandydaci", query={keys.Q_COMPARE: "P01,P02"}))
    assert frame_with(at, "status")["id"].tolist()  # the pages still evaluate
    assert not at.get("image")  # no mini maps without boundaries
    dane = run(new_app(page="dane"))
    assert any("Obszar funkcjonalny małych miast liczony jako sam powiat miasta." in e for e in shown(dane, "error"))


def test_with_boundaries_no_warning_and_mini_maps():
    at = run(new_app(page="kandydaci", query={keys.Q_COMPARE: "P01,P02"}))
    assert not boundary_warnings(at)
    assert len(at.get("image")) == 2
