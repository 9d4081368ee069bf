"""Everything known about each partnership in one place: OSI verdict, checklist, indicators.

Pages and the command line call `evaluate_all`; the rules themselves live in osi.py and
checklist.py.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from cwd.checklist import ChecklistResult, evaluate
from cwd.model import Partnership, Value
from cwd.osi import OsiContext, OsiVerdict, partnership_verdict
from cwd.register import Register

POP_NOW = "ludnosc_2023_12_31"
POP_BEFORE = "ludnosc_2018_12_31"


@dataclass(frozen=True)
class PartnershipResult:
    partnership: Partnership
    gminy: tuple[str, ...]  # gminas of the area (member gminas + gminas of member powiats)
    osi: OsiVerdict
    checklist: ChecklistResult
    ludnosc: int  # population of the area, 31.12.2023
    ludnosc_2018: int
    powierzchnia_km2: float
    wspolne_gminy: Mapping[str, tuple[str, ...]]  # other partnership id -> shared gminas

    @property
    def id(self) -> str:
        return self.partnership.id

    @property
    def zmiana_ludnosci(self) -> float | None:
        """Population change 2018 → 2023 as a share (−0.05 = −5%)."""
        return (self.ludnosc - self.ludnosc_2018) / self.ludnosc_2018 if self.ludnosc_2018 else None


def evaluate_all(
    partnerships: Sequence[Partnership],
    register: Register,
    ctx: OsiContext,
    verified: Mapping[str, Mapping[str, Value]] | None = None,
    comments: Mapping[str, Mapping[str, str]] | None = None,
) -> list[PartnershipResult]:
    verified = verified or {}
    comments = comments or {}
    areas = {p.id: tuple(register.area_gminas(p.czlonkowie)) for p in partnerships}
    claims: dict[str, list[str]] = {}
    for pid, gminas in areas.items():
        for g in gminas:
            claims.setdefault(g, []).append(pid)
    pop_now, pop_before = register.gmina_values(POP_NOW), register.gmina_values(POP_BEFORE)
    area_km2 = register.gmina_values("powierzchnia_km2")
    out = []
    for p in partnerships:
        area = areas[p.id]
        verdict = partnership_verdict(register, ctx, p.czlonkowie)
        shared: dict[str, list[str]] = {}
        for g in area:
            for other in claims[g]:
                if other != p.id:
                    shared.setdefault(other, []).append(g)
        out.append(PartnershipResult(
            partnership=p,
            gminy=area,
            osi=verdict,
            checklist=evaluate(p, verdict, verified.get(p.id), comments.get(p.id)),
            ludnosc=int(sum(pop_now[g] for g in area)),
            ludnosc_2018=int(sum(pop_before[g] for g in area)),
            powierzchnia_km2=float(sum(area_km2[g] for g in area)),
            wspolne_gminy={k: tuple(v) for k, v in shared.items()},
        ))
    return out


def results_frame(results: Sequence[PartnershipResult], register: Register) -> pd.DataFrame:
    """One row per partnership with the indicators the pages show and sort by."""
    names = {r.id: r.partnership.nazwa for r in results}
    rows = []
    for r in results:
        rows.append({
            "id": r.id,
            "nazwa": r.partnership.nazwa,
            "lider": register.label(r.partnership.lider),
            "liczba_jst": len(r.partnership.czlonkowie),
            "liczba_gmin": len(r.gminy),
            "ludnosc": r.ludnosc,
            "zmiana_ludnosci": r.zmiana_ludnosci,
            "powierzchnia_km2": r.powierzchnia_km2,
            "osi": r.osi.werdykt,
            "osi_trasy": "; ".join(r.osi.trasy),
            "udzial_osi": r.osi.udzial_w_osi,
            "status": r.checklist.status,
            "spelnione": r.checklist.spelnione,
            "wspolne_z": ", ".join(names.get(k, k) for k in r.wspolne_gminy),
            "powody": " ".join(r.checklist.powody),
        })
    return pd.DataFrame(rows, columns=[
        "id", "nazwa", "lider", "liczba_jst", "liczba_gmin", "ludnosc", "zmiana_ludnosci",
        "powierzchnia_km2", "osi", "osi_trasy", "udzial_osi", "status", "spelnione", "wspolne_z", "powody",
    ])

