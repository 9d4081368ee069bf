"""The one evaluation pipeline: inputs of a call → everything the pages, the command line and the
benchmarks show (no Streamlit).

    evaluation = evaluate(register, Inputs(forms=…, ztm=…, osi=…, adjacency=…, verified=…))

The rules live in osi.py (eligible areas), checklist.py (the 0/1 list and the status) and
evaluation.py (indicators, overlaps); this module only wires them in one order, once.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from cwd.evaluation import PartnershipResult, claims_index, evaluate_all, results_frame
from cwd.forms import FormsResult
from cwd.model import Value
from cwd.osi import GminaOsi, OsiContext, build_context, gmina_statuses
from cwd.register import Register
from cwd.settings import OperatorSettings, OsiSettings
from cwd.style import partnership_colors

Adjacency = Mapping[str, frozenset[str]]
NO_BOUNDARIES_EFFECT = "Obszar funkcjonalny małych miast liczony jako sam powiat miasta."


@dataclass(frozen=True)
class Inputs:
    """What one evaluation is computed from (all of it; nothing else is read)."""

    forms: FormsResult
    osi: OsiSettings
    ztm: frozenset[str] | None = None  # codes of the official OSI ZTM list; None: no list loaded
    adjacency: Adjacency | None = None  # None: no boundary layers (functional area = the powiat)
    verified: Mapping[str, Mapping[str, Value]] = field(default_factory=dict)  # UM's values by id
    comments: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Evaluation:
    """The result of `evaluate`: immutable, shared by every page (and cached across sessions)."""

    register: Register
    inputs: Inputs
    ctx: OsiContext
    results: tuple[PartnershipResult, ...]
    gminas: Mapping[str, GminaOsi]  # OSI status of every gmina of the register

    @cached_property
    def by_id(self) -> dict[str, PartnershipResult]:
        return {r.id: r for r in self.results}

    def result(self, pid: str | None) -> PartnershipResult | None:
        return self.by_id.get(pid) if pid is not None else None

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.results]

    @cached_property
    def frame(self) -> pd.DataFrame:
        """results_frame of all partnerships (the tables filter and sort a copy of it)."""
        return results_frame(self.results, self.register)

    @cached_property
    def colors(self) -> dict[str, str]:
        """Every partnership's colour, keyed by the ids of the whole call (stable under filters)."""
        return partnership_colors(self.ids)

    @cached_property
    def claims(self) -> dict[str, tuple[str, ...]]:
        """gmina → ids of the partnerships claiming it."""
        return claims_index({r.id: r.gminy for r in self.results})

    def shared_gminas(self, pid: str, other: str) -> tuple[str, ...]:
        """Gminas that both partnerships claim."""
        mine = self.result(pid)
        return tuple(g for g in (mine.gminy if mine else ()) if other in self.claims.get(g, ()))

    def partnerships_of(self, teryt: str) -> tuple[str, ...]:
        return self.claims.get(teryt, ())

    @property
    def boundaries_known(self) -> bool:
        return self.inputs.adjacency is not None


def evaluate(register: Register, inputs: Inputs) -> Evaluation:
    ctx = build_context(register, inputs.osi, inputs.adjacency, inputs.ztm)
    results = evaluate_all(inputs.forms.partnerships, register, ctx, inputs.verified, inputs.comments)
    return Evaluation(register=register, inputs=inputs, ctx=ctx, results=tuple(results),
                      gminas=gmina_statuses(register, ctx))


def load_adjacency(operator: OperatorSettings, shapes_dir: Path | None = None) -> tuple[Adjacency | None, str | None]:
    """Gmina adjacency from the boundary layers, or (None, Polish note) when none are found.

    Without adjacency the small-town functional area falls back to the town's powiat alone: every
    page says so (the note), because statuses change."""
    from cwd.geo import BoundariesNotFound, gmina_adjacency, load_boundaries

    try:
        boundaries = load_boundaries(operator.wojewodztwo, shapes_dir or operator.shapes_dir)
    except BoundariesNotFound as exc:
        return None, f"{exc}\n{NO_BOUNDARIES_EFFECT}"
    return gmina_adjacency(boundaries.gminy), None
