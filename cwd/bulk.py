"""The checklist and the suggested order for many partnerships at once (vectorised).

The same rules as osi.partnership_verdict, checklist.evaluate and selection.rank, without the
Polish reasons: for the sensitivity view (thousands of scenarios) and the 10,000-partnership
benchmark. The decisions themselves are the shared rule functions (osi.verdict_code,
checklist.counted_value, checklist.status_code); this module only gathers their inputs as arrays.
tests/test_bulk.py checks that it agrees with the per-partnership path.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from cwd.checklist import MISSING as _MISSING
from cwd.checklist import STATUSES, counted_value, status_code
from cwd.criteria import CRITERIA_IDS
from cwd.model import Partnership, Value
from cwd.osi import V_NIEUSTALONY, VERDICTS, OsiContext, verdict_code
from cwd.register import Register

_COLUMNS = ["id", "nazwa", "osi", "status", "spelnione", "ludnosc", "liczba_jst", "udzial_osi"]


@dataclass(frozen=True)
class Batch:
    """Partnerships in columns, as the vectorised check reads them."""

    ids: list[str]
    names: list[str]
    lengths: np.ndarray  # members per partnership
    codes: np.ndarray  # member TERYT codes as integers, partnership after partnership
    declared: np.ndarray  # n × 11, int8: 1, 0 or _MISSING

    @property
    def size(self) -> int:
        return len(self.ids)


def batch(partnerships: Sequence[Partnership]) -> Batch:
    n = len(partnerships)
    # None becomes NaN in a float array: missing stays distinguishable from 0.
    declared = np.array([tuple(map(p.deklarowane.get, CRITERIA_IDS)) for p in partnerships],
                        dtype=float).reshape(n, len(CRITERIA_IDS))
    return Batch(
        ids=[p.id for p in partnerships],
        names=[p.nazwa for p in partnerships],
        lengths=np.fromiter((len(p.czlonkowie) for p in partnerships), dtype=np.int64, count=n),
        codes=np.fromiter((int(c) for p in partnerships for c in p.czlonkowie), dtype=np.int64),
        declared=np.where(np.isnan(declared), _MISSING, declared).astype(np.int8),
    )


def check(
    partnerships: Sequence[Partnership],
    register: Register,
    ctx: OsiContext,
    verified: Mapping[str, Mapping[str, Value]] | None = None,
) -> pd.DataFrame:
    """One row per partnership: id, nazwa, osi, status, spelnione, ludnosc, liczba_jst, udzial_osi —
    the columns selection.rank and selection.sensitivity need."""
    return check_batch(batch(partnerships), register, ctx, verified)


def check_batch(
    b: Batch,
    register: Register,
    ctx: OsiContext,
    verified: Mapping[str, Mapping[str, Value]] | None = None,
) -> pd.DataFrame:
    if not b.size:
        return pd.DataFrame(columns=_COLUMNS)
    verified = verified or {}
    gminas, gmina_order, powiats, powiat_order, powiat_area, pop, gmina_index, powiat_index = _static(register)
    towns = [t for t in ctx.towns if t.male is not False]  # small or unknown: the ones that matter
    n, g_count = b.size, len(gminas)

    # Members flattened: one entry per (partnership, member code); matched by sorted search.
    codes = b.codes
    owner = np.repeat(np.arange(n), b.lengths)
    area = np.zeros((n, g_count), dtype=bool)
    member_powiat = np.zeros((n, len(powiats)), dtype=bool)
    gi = _dense_lookup(gmina_index, codes)
    pi = _dense_lookup(powiat_index, codes)
    area[owner[gi >= 0], gi[gi >= 0]] = True
    member_powiat[owner[pi >= 0], pi[pi >= 0]] = True
    gmina_members = area.copy()  # before powiats are expanded: a small town must itself be a member
    with_powiat = np.flatnonzero(member_powiat.any(axis=1))  # few partnerships have a powiat member
    area[with_powiat] |= _any_of(member_powiat[with_powiat], powiat_area)
    unknown = (gi < 0) & (pi < 0)
    voivodeship = np.where(codes < 10_000, codes // 100, codes // 100_000)  # powiat 4, gmina 7 digits
    foreign = np.zeros(n, dtype=bool)
    foreign[owner[unknown & (voivodeship != int(register.wojewodztwo))]] = True
    members = b.lengths

    town_idx = _lookup(gminas, gmina_order, _codes([t.teryt_gminy for t in towns]))
    member_town = gmina_members[:, town_idx] if len(towns) else np.zeros((n, 0), dtype=bool)

    declared = b.declared
    checked = np.full((n, len(CRITERIA_IDS)), _MISSING, dtype=np.int8)
    if verified:
        row = {pid: i for i, pid in enumerate(b.ids)}
        for pid, values in verified.items():
            for cid, v in values.items():
                if v is not None and pid in row:
                    checked[row[pid], CRITERIA_IDS.index(cid)] = v

    small = np.array([t.male is True for t in towns], dtype=bool)
    town_area = np.zeros((len(towns), g_count), dtype=bool)
    for j, t in enumerate(towns):
        town_area[j, _lookup(gminas, gmina_order, _codes(ctx.areas.get(t.teryt_gminy, ())))] = True
    covered = np.zeros((n, g_count), dtype=bool)
    with_town = np.flatnonzero(member_town[:, small].any(axis=1))
    covered[with_town] = _any_of(member_town[with_town][:, small], town_area[small])
    if ctx.ztm is not None:
        covered |= np.isin(gminas, _codes(ctx.ztm))
    uncovered = (area & ~covered).any(axis=1)
    unknown_town = member_town[:, ~small].any(axis=1)
    decided = (ctx.ztm is not None) & ~unknown_town
    outside = uncovered & decided
    undetermined = (uncovered & ~decided) | foreign | ~area.any(axis=1)
    verdict = verdict_code(outside, undetermined)

    value = counted_value(declared, checked)
    zeros, missing = (value == 0).any(axis=1), (value == _MISSING).any(axis=1)
    status = status_code(zeros, missing, verdict)

    weights = area.astype(np.float32)  # BLAS products instead of boolean reductions
    area_count = weights.sum(axis=1)
    in_osi = (area & covered).sum(axis=1)
    return pd.DataFrame({
        "id": b.ids,
        "nazwa": b.names,
        # categoricals: 10 000 strings built one by one would cost more than the whole check
        "osi": pd.Categorical.from_codes(verdict, categories=list(VERDICTS)),
        "status": pd.Categorical.from_codes(status, categories=list(STATUSES)),
        "spelnione": (value == 1).sum(axis=1),
        "ludnosc": (weights @ pop.astype(np.float32)).astype(np.float64).round(),
        "liczba_jst": members,
        # unknown (NaN) unless the verdict is decided: an undetermined share is never 0
        "udzial_osi": np.divide(in_osi, area_count, out=np.full(n, np.nan),
                                where=(area_count > 0) & (verdict != V_NIEUSTALONY)),
    })


@lru_cache(maxsize=4)
def _static(register: Register):
    """Register arrays that do not change between calls (the register is immutable)."""
    gminas, powiats = _codes(register.gminy.index), _codes(register.powiaty.index)
    gmina_order, powiat_order = np.argsort(gminas), np.argsort(powiats)
    powiat_area = np.zeros((len(powiats), len(gminas)), dtype=bool)
    for j, p in enumerate(powiats):
        powiat_area[j, _lookup(gminas, gmina_order, _codes(register.gminy_powiatu(str(p))))] = True
    pop = register.gminy[register.pop_now_column].to_numpy(dtype=float)
    return (gminas, gmina_order, powiats, powiat_order, powiat_area, pop,
            _dense_index(gminas), _dense_index(powiats))


def _dense_index(codes: np.ndarray) -> np.ndarray:
    """TERYT code → position, as an array indexed by the code itself (a few MB, one lookup per member)."""
    index = np.full(int(codes.max()) + 1, -1, dtype=np.int32)
    index[codes] = np.arange(len(codes), dtype=np.int32)
    return index


def _dense_lookup(index: np.ndarray, codes: np.ndarray) -> np.ndarray:
    inside = (codes >= 0) & (codes < len(index))
    return np.where(inside, index[np.where(inside, codes, 0)], -1)


def _any_of(rows: np.ndarray, sets: np.ndarray) -> np.ndarray:
    """Boolean "rows[i] picks any set containing column j" – a float matrix product (BLAS)."""
    return (rows.astype(np.float32) @ sets.astype(np.float32)) > 0


def _codes(teryt) -> np.ndarray:
    """TERYT codes as integers: sorted search on integers is far faster than on strings."""
    return np.fromiter((int(c) for c in teryt), dtype=np.int64)


def _lookup(sorted_of: np.ndarray, order: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Position of each code in `sorted_of` (via its argsort `order`), or -1 when absent."""
    if len(codes) == 0 or len(sorted_of) == 0:
        return np.full(len(codes), -1, dtype=np.int64)
    keys = sorted_of[order]
    pos = np.clip(np.searchsorted(keys, codes), 0, len(keys) - 1)
    return np.where(keys[pos] == codes, order[pos], -1)
