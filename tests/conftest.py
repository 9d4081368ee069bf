import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cwd.register import load_register  # noqa: E402


@pytest.fixture(scope="session")
def register():
    return load_register()


@pytest.fixture(scope="session")
def adjacency():
    """Gmina adjacency from the real Podlaskie boundaries in ../shared/geo."""
    from cwd.geo import gmina_adjacency, load_boundaries
    from cwd.paths import SHARED_GEO_DIR

    return gmina_adjacency(load_boundaries("20", SHARED_GEO_DIR).gminy)
