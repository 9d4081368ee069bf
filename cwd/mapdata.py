"""The tables the map builder draws: per-gmina tooltip facts and per-partnership labels (pure)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from cwd.fmt import fmt_date

from cwd.evaluation import PartnershipResult
from cwd.osi import GminaOsi, OsiContext
from cwd.register import Register



def gmina_info(
    register: Register,
    statuses: Mapping[str, GminaOsi],
    results: Sequence[PartnershipResult],
    visible: set[str],
) -> pd.DataFrame:
    """One row per gmina (index: TERYT) with what the tooltip shows. Names are raw text: the map
    builder escapes them."""
    names: dict[str, list[str]] = {}
    for r in results:
        for g in r.gminy:
            names.setdefault(g, []).append(r.partnership.nazwa)
    g = register.gminy
    frame = pd.DataFrame({
        "nazwa": g["nazwa"],
        "rodzaj": g["rodzaj_opis"],
        "powiat": [register.label(p) for p in g["powiat_teryt"]],
        "ludnosc": g[register.pop_now_column].astype(int),
        "ludnosc_data": fmt_date(register.pop_now_date),
        "osi_kategoria": [statuses[t].kategoria for t in g.index],
        "osi_opis": [statuses[t].opis for t in g.index],
        "partnerstwa": [", ".join(names.get(t, [])) for t in g.index],
        "liczba_partnerstw": [len(names.get(t, [])) for t in g.index],
        "widoczna": [t in visible for t in g.index],
    }, index=g.index)
    frame.index.name = "teryt"
    return frame


def partnership_info(results: Sequence[PartnershipResult]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "nazwa": [r.partnership.nazwa for r in results],
            "status": [r.checklist.status for r in results],
            "osi": [r.osi.summary() for r in results],
            "liczba_jst": [len(r.partnership.czlonkowie) for r in results],
        },
        index=pd.Index([r.id for r in results], name="id"),
    )


def towns_frame(register: Register, ctx: OsiContext) -> pd.DataFrame:
    """Powiat seat towns with the population figure used and whether they count as small."""
    from cwd.fmt import fmt_date

    return pd.DataFrame([
        {
            "teryt_gminy": t.teryt_gminy,
            "miasto": t.miasto,
            "ludnosc": t.ludnosc,
            "ludnosc_data": fmt_date(t.ludnosc_data),
            "male": bool(t.male),
        }
        for t in ctx.towns
    ])


def mstfsg_frame(register: Register) -> pd.DataFrame:
    return register.mstfsg[["miasto", "teryt_gminy"]].copy()
