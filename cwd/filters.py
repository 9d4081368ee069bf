"""The sidebar filters (OSI route, powiat, status) and what they keep (pure)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from cwd.evaluation import PartnershipResult
from cwd.osi import (
    KAT_MALE_MIASTO, KAT_NIEZNANY, KAT_OBA, KAT_POZA, KAT_ZTM,
    KWALIFIKUJE, NIE_KWALIFIKUJE, NIEUSTALONY, ROUTE_SMALL_TOWN, ROUTE_ZTM, GminaOsi,
)
from cwd.register import Register

ROUTE_ALL = "wszystkie"
ROUTE_FILTERS = {
    ROUTE_ALL: "wszystkie",
    "osi": "w OSI (dowolna trasa)",
    "ztm": "OSI ZTM",
    "male_miasto": "obszar małego miasta powiatowego",
    "poza": "poza OSI",
    "nieustalone": "OSI nieustalone",
}
_GMINA_CATEGORIES = {
    "osi": {KAT_ZTM, KAT_MALE_MIASTO, KAT_OBA},
    "ztm": {KAT_ZTM, KAT_OBA},
    "male_miasto": {KAT_MALE_MIASTO, KAT_OBA},
    "poza": {KAT_POZA},
    "nieustalone": {KAT_NIEZNANY},
}


@dataclass(frozen=True)
class Filters:
    trasa: str = ROUTE_ALL
    powiaty: tuple[str, ...] = ()  # 4-digit TERYT; empty: all
    statusy: tuple[str, ...] = ()  # checklist statuses; empty: all

    @property
    def active(self) -> bool:
        return self.trasa != ROUTE_ALL or bool(self.powiaty) or bool(self.statusy)


def visible_gminas(register: Register, statuses: Mapping[str, GminaOsi], filters: Filters) -> set[str]:
    keep = set(register.gminy.index)
    if filters.powiaty:
        keep = {g for g in keep if g[:4] in filters.powiaty}
    if filters.trasa in _GMINA_CATEGORIES:
        wanted = _GMINA_CATEGORIES[filters.trasa]
        keep = {g for g in keep if statuses[g].kategoria in wanted}
    return keep


def _route_matches(result: PartnershipResult, route: str) -> bool:
    osi = result.osi
    if route == ROUTE_ALL:
        return True
    if route == "osi":
        return osi.werdykt == KWALIFIKUJE
    if route == "ztm":
        return any(t.startswith(ROUTE_ZTM) for t in osi.trasy)
    if route == "male_miasto":
        return any(t.startswith(ROUTE_SMALL_TOWN) for t in osi.trasy)
    if route == "poza":
        return osi.werdykt == NIE_KWALIFIKUJE
    if route == "nieustalone":
        return osi.werdykt == NIEUSTALONY
    return True


def visible_partnerships(results: Sequence[PartnershipResult], filters: Filters) -> list[PartnershipResult]:
    out = []
    for r in results:
        if filters.statusy and r.checklist.status not in filters.statusy:
            continue
        if filters.powiaty and not any(g[:4] in filters.powiaty for g in r.gminy):
            continue
        if not _route_matches(r, filters.trasa):
            continue
        out.append(r)
    return out


def parse_list(text: str | None, allowed: Iterable[str]) -> tuple[str, ...]:
    """A comma-separated query-parameter value, keeping only known values (URLs are user input)."""
    allowed = list(allowed)
    if not text:
        return ()
    wanted = {part.strip() for part in text.split(",")}
    return tuple(a for a in allowed if a in wanted)
