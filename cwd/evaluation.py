"""Everything known about each partnership in one place: OSI verdict, checklist, indicators.

`cwd.pipeline.evaluate` is the entry point; the rules themselves live in osi.py and checklist.py.
Work is linear in the number of partnerships: overlaps go through an index from gmina to the
partnerships claiming it, never through pairs of partnerships.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from cwd.checklist import ChecklistResult, evaluate
from cwd.model import Partnership, Value
from cwd.osi import OsiContext, OsiVerdict, partnership_verdict
from cwd.register import Register

# How many partners sharing gminas a result names; beyond that it only says there are more
# (a hostile file of thousands of identical areas must not cost n² time or memory).
MAX_LISTED_PARTNERS = 10


@dataclass(frozen=True)
class PartnershipResult:
    partnership: Partnership
    gminy: tuple[str, ...]  # gminas of the area (member gminas + gminas of member powiats)
    osi: OsiVerdict
    checklist: ChecklistResult
    ludnosc: int  # population of the area at register.pop_now_date
    ludnosc_2018: int  # … at register.pop_before_date (the name keeps the 2020 call's reading)
    powierzchnia_km2: float
    wspolne_gminy: tuple[str, ...] = ()  # gminas of the area also claimed by another partnership
    wspolne_z: tuple[str, ...] = ()  # ids of partnerships sharing a gmina (at most MAX_LISTED_PARTNERS)
    wspolne_z_wiecej: bool = False  # more partners share gminas than wspolne_z lists

    @property
    def id(self) -> str:
        return self.partnership.id

    @property
    def zmiana_ludnosci(self) -> float | None:
        """Population change between the two reference dates as a share (−0.05 = −5%)."""
        return (self.ludnosc - self.ludnosc_2018) / self.ludnosc_2018 if self.ludnosc_2018 else None


def claims_index(areas: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """gmina → ids of the partnerships whose area includes it (in input order)."""
    claims: dict[str, list[str]] = {}
    for pid, gminas in areas.items():
        for g in gminas:
            claims.setdefault(g, []).append(pid)
    return {g: tuple(ids) for g, ids in claims.items()}


def _partners(pid: str, area: Sequence[str], claims: Mapping[str, tuple[str, ...]]):
    """(shared gminas, up to MAX_LISTED_PARTNERS partner ids, whether there are more) — bounded."""
    shared: list[str] = []
    partners: dict[str, None] = {}
    more = False
    for g in area:
        others = claims.get(g, ())
        if len(others) < 2:
            continue
        shared.append(g)
        for other in others:
            if other == pid or other in partners:
                continue
            if len(partners) == MAX_LISTED_PARTNERS:
                more = True
                break
            partners[other] = None
    return tuple(shared), tuple(sorted(partners)), more


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
    claims = claims_index(areas)
    pop_now = register.gmina_values(register.pop_now_column)
    pop_before = register.gmina_values(register.pop_before_column)
    area_km2 = register.gmina_values("powierzchnia_km2")
    out = []
    for p in partnerships:
        area = areas[p.id]
        verdict = partnership_verdict(register, ctx, p.czlonkowie)
        shared, partners, more = _partners(p.id, area, claims)
        out.append(PartnershipResult(
            partnership=p,
            gminy=area,
            osi=verdict,
            checklist=evaluate(p, verdict, verified.get(p.id), comments.get(p.id)),
            ludnosc=int(sum(pop_now[g] for g in area)),
            ludnosc_2018=int(sum(pop_before[g] for g in area)),
            powierzchnia_km2=float(sum(area_km2[g] for g in area)),
            wspolne_gminy=shared,
            wspolne_z=partners,
            wspolne_z_wiecej=more,
        ))
    return out


def results_frame(results: Sequence[PartnershipResult], register: Register) -> pd.DataFrame:
    """One row per partnership with the indicators the pages show and sort by. `udzial_osi` is NaN
    where the share cannot be determined (shown as "nieustalone", never 0)."""
    names = {r.id: r.partnership.nazwa for r in results}
    rows = []
    for r in results:
        shared_with = ", ".join(names.get(k, k) for k in r.wspolne_z)
        if r.wspolne_z_wiecej:
            shared_with += " i inne"
        udzial = r.osi.udzial_w_osi
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
            "udzial_osi": float("nan") if udzial is None else udzial,
            "status": r.checklist.status,
            "spelnione": r.checklist.spelnione,
            "wspolne_z": shared_with,
            "powody": " ".join(r.checklist.powody),
        })
    return pd.DataFrame(rows, columns=[
        "id", "nazwa", "lider", "liczba_jst", "liczba_gmin", "ludnosc", "zmiana_ludnosci",
        "powierzchnia_km2", "osi", "osi_trasy", "udzial_osi", "status", "spelnione", "wspolne_z", "powody",
    ])
