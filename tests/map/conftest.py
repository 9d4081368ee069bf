"""Fixtures of the cwd.map tests: the real Podlaskie layers (../shared/geo, read in place)."""
from __future__ import annotations

import pytest

from cwd import geo, paths
from cwd.map import build_base
from cwd.map.sources import gmina_facts, mstfsg_towns, seat_towns

HOSTILE = "<img src=x onerror=alert(1)>"
BREAKOUT = "</script><script>alert(2)</script>"


@pytest.fixture(scope="session")
def podlaskie_boundaries():
    return geo.load_boundaries(shapes_dir=paths.SHARED_GEO_DIR)


@pytest.fixture(scope="session")
def podlaskie_display(podlaskie_boundaries):
    return geo.display_layers(podlaskie_boundaries)


@pytest.fixture(scope="session")
def podlaskie_base(podlaskie_display, register):
    gminy, _ = podlaskie_display
    return build_base(gminy, facts=gmina_facts(register), towns=seat_towns(register), mstfsg=mstfsg_towns(register))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item (the browser test screenshots a failed test)."""
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)
