"""The vectorised path must agree with the per-partnership rules it speeds up."""
import random

import pandas as pd
import pytest

from cwd import bulk
from cwd.evaluation import evaluate_all, results_frame
from cwd.model import Partnership
from cwd.osi import build_context
from cwd.criteria import CRITERIA_IDS
from cwd.selection import Weights, rank
from cwd.settings import OBSZAR_POWIAT, OsiSettings


def synthetic(register, n, seed):
    rng = random.Random(seed)
    gminas, powiats = list(register.gminy.index), list(register.powiaty.index)
    towns = list(register.miasta["teryt_gminy"])
    out = []
    for i in range(n):
        members = rng.sample(gminas, rng.randint(1, 9))
        if rng.random() < 0.3:
            members.append(rng.choice(towns))  # small towns make the second route reachable
        if rng.random() < 0.2:
            members.append(rng.choice(powiats))
        if rng.random() < 0.05:
            members.append("1461011")  # another voivodeship
        members = list(dict.fromkeys(members))
        out.append(Partnership(
            id=f"S{i:04d}", nazwa=f"Syntetyczne {i}", lider=members[0], czlonkowie=tuple(members),
            deklarowane={c: rng.choice([1, 1, 1, 1, 0, None]) for c in CRITERIA_IDS},
        ))
    return out


@pytest.mark.parametrize("settings,ztm_share", [
    (OsiSettings(), None),
    (OsiSettings(), 0.6),
    (OsiSettings(prog_ludnosci=12_000, obszar_funkcjonalny=OBSZAR_POWIAT), 0.3),
    (OsiSettings(data_ludnosci=pd.Timestamp("2019-01-01").date()), 0.5),  # Sokółka unknown
])
def test_bulk_agrees_with_the_rules(register, adjacency, settings, ztm_share):
    rng = random.Random(7)
    ztm = None if ztm_share is None else {g for g in register.gminy.index if rng.random() < ztm_share}
    ctx = build_context(register, settings, adjacency, ztm)
    partnerships = synthetic(register, 300, seed=11)
    verified = {p.id: {c: rng.choice([None, 0, 1]) for c in rng.sample(CRITERIA_IDS, 3)}
                for p in partnerships[::4]}

    slow = results_frame(evaluate_all(partnerships, register, ctx, verified), register)
    fast = bulk.check(partnerships, register, ctx, verified)

    for column in ["id", "osi", "status", "spelnione", "liczba_jst"]:
        assert list(fast[column]) == list(slow[column]), column
    assert list(fast["ludnosc"]) == pytest.approx(list(slow["ludnosc"]))
    assert list(fast["udzial_osi"]) == pytest.approx(list(slow["udzial_osi"]), nan_ok=True)  # NaN: undetermined
    assert fast["status"].nunique() >= 2 and fast["osi"].nunique() >= 2  # the sample exercises the rules
    weights = Weights(ludnosc=1, liczba_jst=2, udzial_osi=0.5)
    assert list(rank(fast, weights)["id"]) == list(rank(slow, weights)["id"])


def test_bulk_on_no_partnerships(register, adjacency):
    ctx = build_context(register, OsiSettings(), adjacency, None)
    assert bulk.check([], register, ctx).empty
