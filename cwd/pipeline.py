"""Loading what the rules need from files: boundaries → adjacency (shared by CLI and UI)."""
from __future__ import annotations

from pathlib import Path

from cwd.settings import OperatorSettings


def load_adjacency(shapes_dir: Path | None = None) -> tuple[dict[str, frozenset[str]] | None, str | None]:
    """Gmina adjacency from the boundary layers, or (None, Polish note) when none are found.

    Without adjacency the small-town functional area falls back to the town's powiat alone.
    """
    from cwd.geo import BoundariesNotFound, gmina_adjacency, load_boundaries

    try:
        boundaries = load_boundaries(OperatorSettings.from_env().wojewodztwo, shapes_dir)
    except BoundariesNotFound as exc:
        return None, f"{exc}\nObszar funkcjonalny małych miast liczony jako sam powiat miasta."
    return gmina_adjacency(boundaries.gminy), None
