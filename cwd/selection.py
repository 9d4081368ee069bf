"""Suggested order of the candidates, the ≤ 3 rule and the sensitivity of the top 3 (pure).

The order is transparent: status first (spełnia before niekompletna before nie spełnia), then the
number of criteria met, then a weighted score of tie-breakers, then the id (so equal inputs always
give the same order). Each tie-breaker is scaled to 0–1 by dividing by the largest value among
the candidates, so a weight says how much that indicator counts relative to the others.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from cwd.checklist import NIE_SPELNIA, NIEKOMPLETNA, SPELNIA
from cwd.settings import MAX_SELECTED

TIE_BREAKERS = {
    "ludnosc": "ludność obszaru",
    "liczba_jst": "liczba JST w partnerstwie",
    "udzial_osi": "udział gmin obszaru w OSI",
}
STATUS_RANK = {SPELNIA: 0, NIEKOMPLETNA: 1, NIE_SPELNIA: 2}


@dataclass(frozen=True)
class Weights:
    ludnosc: float = 2.0
    liczba_jst: float = 1.0
    udzial_osi: float = 2.0

    def as_array(self) -> np.ndarray:
        return np.array([getattr(self, k) for k in TIE_BREAKERS], dtype=float)

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def _components(frame: pd.DataFrame) -> np.ndarray:
    """Tie-breakers scaled to 0–1 (value / max among candidates); n × 3."""
    values = frame[list(TIE_BREAKERS)].to_numpy(dtype=float, na_value=0.0)
    top = values.max(axis=0, initial=0.0)
    return np.divide(values, top, out=np.zeros_like(values), where=top > 0)


def _order(status_rank: np.ndarray, met: np.ndarray, score: np.ndarray, ids: np.ndarray) -> np.ndarray:
    # lexsort sorts by the last key first; negate what should be descending.
    return np.lexsort((ids, -np.round(score, 9), -met, status_rank))


def rank(frame: pd.DataFrame, weights: Weights) -> pd.DataFrame:
    """The candidates in suggested order with their points; needs columns id, status, spelnione
    and the tie-breaker columns (ludnosc, liczba_jst, udzial_osi)."""
    if frame.empty:
        return frame.assign(punkty=pd.Series(dtype=float), miejsce=pd.Series(dtype=int))
    comps = _components(frame)
    w = weights.as_array()
    parts = comps * w
    score = parts.sum(axis=1)
    order = _order(
        frame["status"].map(STATUS_RANK).to_numpy(dtype=int),
        frame["spelnione"].to_numpy(dtype=int),
        score,
        frame["id"].astype(str).to_numpy(),
    )
    out = frame.copy()
    for i, key in enumerate(TIE_BREAKERS):
        out[f"pkt_{key}"] = parts[:, i]
    out["punkty"] = score
    out = out.iloc[order].reset_index(drop=True)
    out["miejsce"] = np.arange(1, len(out) + 1)
    return out


def suggested(ranked: pd.DataFrame, k: int = MAX_SELECTED) -> list[str]:
    """The first k partnerships that meet every condition (status spełnia)."""
    return list(ranked.loc[ranked["status"] == SPELNIA, "id"].head(k))


def threshold_grid(low: int, high: int, steps: int) -> list[int]:
    """The population thresholds a sensitivity run tries: `steps` values from low to high, rounded to
    hundreds, without repeats (the ends are always included)."""
    low, high = sorted((int(low), int(high)))
    steps = max(int(steps), 2)
    return sorted({int(round(low + (high - low) * k / (steps - 1), -2)) for k in range(steps)})


def decision_problems(ids: Sequence[str], justifications: Mapping[str, str] | None = None) -> list[str]:
    """THE rules of a recordable UM decision (the store refuses a decision that breaks them): at
    least one and at most MAX_SELECTED partnerships, none twice, and — when `justifications` are
    given — a written justification for each."""
    problems = []
    if not ids:
        problems.append("Decyzja musi wskazywać co najmniej jedno partnerstwo.")
    if len(ids) > MAX_SELECTED:
        problems.append(f"Można wybrać najwyżej {MAX_SELECTED} partnerstwa (wybrano {len(ids)}).")
    if len(set(ids)) != len(ids):
        problems.append("To samo partnerstwo wybrano więcej niż raz.")
    if justifications is not None:
        if missing := [pid for pid in dict.fromkeys(ids) if not (justifications.get(pid) or "").strip()]:
            problems.append("Brak uzasadnienia wyboru dla: " + ", ".join(missing) + ".")
    return problems


def check_selection(ids: Sequence[str], statuses: Mapping[str, str]) -> list[str]:
    """Problems with a human choice, in Polish; an empty list means the choice can be sent."""
    problems = [p for p in decision_problems(ids) if ids]  # an empty choice is not a problem yet
    for pid in ids:
        status = statuses.get(pid)
        if status != SPELNIA:
            problems.append(f"Partnerstwo {pid} ma status „{status or 'nieznany'}”, a nie „{SPELNIA}”.")
    return problems


def weight_samples(ranges: Mapping[str, tuple[float, float]], samples: int, seed: int = 0) -> np.ndarray:
    """Weights drawn uniformly within each tie-breaker's range (deterministic for a seed); s × 3."""
    rng = np.random.default_rng(seed)
    cols = []
    for key in TIE_BREAKERS:
        lo, hi = ranges.get(key, (0.0, 0.0))
        lo, hi = min(lo, hi), max(lo, hi)
        cols.append(rng.uniform(lo, hi, samples) if hi > lo else np.full(samples, lo))
    return np.column_stack(cols)


def sensitivity(
    frame_for_threshold: Callable[[int], pd.DataFrame],
    thresholds: Sequence[int],
    ranges: Mapping[str, tuple[float, float]],
    samples: int = 200,
    seed: int = 0,
    k: int = MAX_SELECTED,
) -> pd.DataFrame:
    """How often each partnership is among the first k *eligible* partnerships of the order (status
    spełnia under that scenario — the ones that could be chosen), over every threshold and `samples`
    weight draws. The threshold changes OSI verdicts and so statuses: the caller supplies the
    candidates frame for a threshold. Returns id, nazwa, w_top (share 0–1), sorted."""
    weights = weight_samples(ranges, samples, seed)
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    runs = 0
    for t in thresholds:
        frame = frame_for_threshold(t)
        names.update(zip(frame["id"], frame["nazwa"]))
        if frame.empty:
            runs += len(weights)
            continue
        comps = _components(frame)
        status_rank = frame["status"].map(STATUS_RANK).to_numpy(dtype=int)
        met = frame["spelnione"].to_numpy(dtype=int)
        ids = frame["id"].astype(str).to_numpy()
        eligible = status_rank == STATUS_RANK[SPELNIA]
        scores = weights @ comps.T  # s × n
        for score in scores:
            order = _order(status_rank, met, score, ids)
            for pid in ids[order[eligible[order]][:k]]:
                counts[pid] = counts.get(pid, 0) + 1
            runs += 1
    out = pd.DataFrame({"id": list(names), "nazwa": [names[i] for i in names]})
    out["w_top"] = [counts.get(i, 0) / runs if runs else 0.0 for i in out["id"]]
    return out.sort_values(["w_top", "id"], ascending=[False, True]).reset_index(drop=True)
