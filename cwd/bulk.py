"""The checklist and the suggested order for many partnerships at once (vectorised).

The same rules as osi.partnership_verdict, checklist.evaluate and selection.rank, without the
Polish reasons: for the sensitivity view (thousands of scenarios) and the 10,000-partnership
benchmark. tests/test_bulk.py checks that it agrees with the per-partnership path.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from cwd.checklist import NIE_SPELNIA, NIEKOMPLETNA, SPELNIA
from cwd.evaluation import POP_NOW
from cwd.model import Partnership, Value
from cwd.osi import KWALIFIKUJE, NIE_KWALIFIKUJE, NIEUSTALONY, OsiContext
from cwd.register import CRITERIA_IDS, Register

_MISSING = -1
_COLUMNS = ["id", "nazwa", "osi", "status", "spelnione", "ludnosc", "liczba_jst", "udzial_osi"]
_STATUS = np.array([SPELNIA, NIEKOMPLETNA, NIE_SPELNIA], dtype=object)
_VERDICT = np.array([KWALIFIKUJE, NIEUSTALONY, NIE_KWALIFIKUJE], dtype=object)


def check(
    partnerships: Sequence[Partnership],
    register: Register,
    ctx: OsiContext,
    verified: Mapping[str, Mapping[str, Value]] | None = None,
) -> pd.DataFrame:
    """One row per partnership: id, nazwa, osi, status, spelnione, ludnosc, liczba_jst, udzial_osi —
    the columns selection.rank and selection.sensitivity need."""
    if not partnerships:
        return pd.DataFrame(columns=_COLUMNS)
    verified = verified or {}
    gminas, gmina_order, powiats, powiat_order, powiat_area, pop = _static(register)
    towns = [t for t in ctx.towns if t.male is not False]  # small or unknown: the ones that matter
    n, g_count = len(partnerships), len(gminas)

    # Members flattened: one entry per (partnership, member code); matched by sorted search.
    lengths = np.fromiter((len(p.czlonkowie) for p in partnerships), dtype=np.int64, count=n)
    codes = np.array([c for p in partnerships for c in p.czlonkowie], dtype=str)
    owner = np.repeat(np.arange(n), lengths)
    area = np.zeros((n, g_count), dtype=bool)
    member_powiat = np.zeros((n, len(powiats)), dtype=bool)
    gi = _lookup(gminas, gmina_order, codes)
    pi = _lookup(powiats, powiat_order, codes)
    area[owner[gi >= 0], gi[gi >= 0]] = True
    member_powiat[owner[pi >= 0], pi[pi >= 0]] = True
    gmina_members = area.copy()  # before powiats are expanded: a small town must itself be a member
    area |= (member_powiat.astype(np.uint8) @ powiat_area.astype(np.uint8)) > 0
    unknown = (gi < 0) & (pi < 0)
    foreign = np.zeros(n, dtype=bool)
    foreign[owner[unknown & (np.char.ljust(codes, 2).astype("U2") != register.wojewodztwo)]] = True
    members = lengths

    town_idx = _lookup(gminas, gmina_order, np.array([t.teryt_gminy for t in towns], dtype=str))
    member_town = gmina_members[:, town_idx] if len(towns) else np.zeros((n, 0), dtype=bool)

    # None becomes NaN in a float array: missing stays distinguishable from 0.
    declared = np.array([tuple(map(p.deklarowane.get, CRITERIA_IDS)) for p in partnerships],
                        dtype=float).reshape(n, len(CRITERIA_IDS))
    declared = np.where(np.isnan(declared), _MISSING, declared).astype(np.int8)
    checked = np.full((n, len(CRITERIA_IDS)), _MISSING, dtype=np.int8)
    for i, p in enumerate(partnerships):
        for cid, v in verified.get(p.id, {}).items():
            if v is not None:
                checked[i, CRITERIA_IDS.index(cid)] = v

    small = np.array([t.male is True for t in towns], dtype=bool)
    town_area = np.zeros((len(towns), g_count), dtype=bool)
    for j, t in enumerate(towns):
        town_area[j, _lookup(gminas, gmina_order, np.array(sorted(ctx.areas.get(t.teryt_gminy, ())), dtype=str))] = True
    covered = (member_town[:, small].astype(np.uint8) @ town_area[small].astype(np.uint8)) > 0
    if ctx.ztm is not None:
        covered |= np.isin(gminas, np.array(sorted(ctx.ztm), dtype=str))
    uncovered = (area & ~covered).any(axis=1)
    unknown_town = member_town[:, ~small].any(axis=1)
    decided = (ctx.ztm is not None) & ~unknown_town
    outside = uncovered & decided
    undetermined = ~outside & ((uncovered & ~decided) | foreign | ~area.any(axis=1))
    verdict = np.where(outside, 2, np.where(undetermined, 1, 0))

    value = np.where(checked != _MISSING, checked, declared)
    zeros, missing = (value == 0).any(axis=1), (value == _MISSING).any(axis=1)
    status = np.where(zeros | (verdict == 2), 2, np.where(missing | (verdict != 0), 1, 0))

    area_count = area.sum(axis=1)
    in_osi = (area & covered).sum(axis=1)
    return pd.DataFrame({
        "id": [p.id for p in partnerships],
        "nazwa": [p.nazwa for p in partnerships],
        "osi": _VERDICT[verdict],
        "status": _STATUS[status],
        "spelnione": (value == 1).sum(axis=1),
        "ludnosc": area @ pop,
        "liczba_jst": members,
        "udzial_osi": np.divide(in_osi, area_count, out=np.zeros(n), where=area_count > 0),
    })


@lru_cache(maxsize=4)
def _static(register: Register):
    """Register arrays that do not change between calls (the register is immutable)."""
    gminas = np.array(register.gminy.index, dtype=str)
    powiats = np.array(register.powiaty.index, dtype=str)
    gmina_order, powiat_order = np.argsort(gminas), np.argsort(powiats)
    powiat_area = np.zeros((len(powiats), len(gminas)), dtype=bool)
    for j, p in enumerate(powiats):
        powiat_area[j, _lookup(gminas, gmina_order, np.array(register.gminy_powiatu(p), dtype=str))] = True
    pop = register.gminy[POP_NOW].to_numpy(dtype=float)
    return gminas, gmina_order, powiats, powiat_order, powiat_area, pop


def _lookup(sorted_of: np.ndarray, order: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Position of each code in `sorted_of` (via its argsort `order`), or -1 when absent."""
    if len(codes) == 0 or len(sorted_of) == 0:
        return np.full(len(codes), -1, dtype=np.int64)
    keys = sorted_of[order]
    pos = np.clip(np.searchsorted(keys, codes), 0, len(keys) - 1)
    return np.where(keys[pos] == codes, order[pos], -1)
