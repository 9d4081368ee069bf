"""OSI eligibility: the two routes (ZTM list, small powiat towns) per gmina and per partnership.

Rules (issue 2 §4):
- ZTM membership comes only from the official list the user loads; with no list it is unknown.
- A powiat seat town is "small" when its population at the reference date is <= the threshold.
  Its functional area is its powiat's gminas, plus (default) the gminas bordering that powiat.
- A partnership qualifies when every gmina of its area is on the ZTM list or inside the
  functional area of a small town that is itself a member.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np

from cwd.fmt import fmt_date, fmt_int
from cwd.register import Register, population_dates
from cwd.settings import OBSZAR_POWIAT, OBSZAR_POWIAT_I_SASIEDZI, OsiSettings

# Verdict codes of a partnership, and their integer codes for arrays (cwd.bulk): 0, 1, 2.
KWALIFIKUJE = "kwalifikuje się"
NIE_KWALIFIKUJE = "nie kwalifikuje się"
NIEUSTALONY = "nieustalony"
VERDICTS = (KWALIFIKUJE, NIEUSTALONY, NIE_KWALIFIKUJE)
V_KWALIFIKUJE, V_NIEUSTALONY, V_NIE_KWALIFIKUJE = range(3)


def verdict_code(outside, undetermined):
    """THE verdict rule, for one partnership (bools) or many (bool arrays): any gmina of the area
    outside OSI → does not qualify; else anything undetermined (no ZTM list, unknown town, foreign
    member, empty area) → undetermined; else qualifies."""
    return np.where(outside, V_NIE_KWALIFIKUJE, np.where(undetermined, V_NIEUSTALONY, V_KWALIFIKUJE))


# Gmina categories (cwd.style keys its colours and labels by these).
KAT_ZTM = "ztm"
KAT_MALE_MIASTO = "male_miasto"
KAT_OBA = "oba"
KAT_POZA = "poza"
KAT_NIEZNANY = "nieznany"
CATEGORIES = (KAT_ZTM, KAT_MALE_MIASTO, KAT_OBA, KAT_POZA, KAT_NIEZNANY)  # labels and colours: cwd.style

ROUTE_ZTM = "ZTM"
ROUTE_SMALL_TOWN = "małe miasto powiatowe"


@dataclass(frozen=True)
class SeatTown:
    """A powiat seat town with its population at the reference date."""

    miasto: str
    teryt_gminy: str  # the gmina that is a JST (urban-rural gmina for Sokółka and Mońki)
    teryt_miasta: str
    powiat: str  # 4-digit powiat of the town's gmina
    ludnosc: int | None  # None: no figure on or before the reference date
    ludnosc_data: date | None  # date of the figure actually used
    male: bool | None  # None: unknown (no figure)

    def describe(self, threshold: int) -> str:
        if self.ludnosc is None:
            return f"{self.miasto}: brak danych o ludności na dzień odniesienia"
        relation = "≤" if self.male else ">"
        return (
            f"{self.miasto}: {fmt_int(self.ludnosc)} mieszk. ({fmt_date(self.ludnosc_data)}) "
            f"{relation} {fmt_int(threshold)}"
        )


def seat_towns(register: Register, settings: OsiSettings) -> list[SeatTown]:
    """All powiat seat towns with the latest population figure on or before the reference date."""
    dates = population_dates(register.miasta)
    towns = []
    for row in register.miasta.itertuples(index=False):
        value, when = None, None
        for d, column in dates.items():
            if d > settings.data_ludnosci:
                break
            figure = getattr(row, column)
            if figure == figure and figure is not None:  # skip NaN/None: a missing figure is not a zero
                value, when = int(figure), d
        towns.append(SeatTown(
            miasto=row.miasto,
            teryt_gminy=row.teryt_gminy,
            teryt_miasta=row.teryt_miasta,
            powiat=row.teryt_gminy[:4],
            ludnosc=value,
            ludnosc_data=when,
            male=None if value is None else value <= settings.prog_ludnosci,
        ))
    return towns


def functional_area(
    register: Register,
    town: SeatTown,
    settings: OsiSettings,
    adjacency: Mapping[str, frozenset[str]] | None,
) -> frozenset[str]:
    """Gminas of the town's powiat, plus the gminas bordering that powiat (default rule)."""
    powiat = frozenset(register.gminy_powiatu(town.powiat))
    if settings.obszar_funkcjonalny == OBSZAR_POWIAT or adjacency is None:
        return powiat
    neighbours = {
        g for g in register.gminy.index
        if g not in powiat and adjacency.get(g, frozenset()) & powiat
    }
    return powiat | frozenset(neighbours)


@dataclass(frozen=True)
class OsiContext:
    """Everything the verdicts need, computed once per settings change."""

    settings: OsiSettings
    towns: tuple[SeatTown, ...]
    areas: Mapping[str, frozenset[str]]  # town gmina TERYT -> functional area (small towns only)
    ztm: frozenset[str] | None  # None: no official list loaded
    adjacency_known: bool

    @property
    def small_towns(self) -> list[SeatTown]:
        return [t for t in self.towns if t.male]

    @property
    def unknown_towns(self) -> list[SeatTown]:
        return [t for t in self.towns if t.male is None]

    def town(self, teryt_gminy: str) -> SeatTown | None:
        return next((t for t in self.towns if t.teryt_gminy == teryt_gminy), None)


def build_context(
    register: Register,
    settings: OsiSettings,
    adjacency: Mapping[str, frozenset[str]] | None,
    ztm: Iterable[str] | None,
) -> OsiContext:
    towns = tuple(seat_towns(register, settings))
    areas = {t.teryt_gminy: functional_area(register, t, settings, adjacency) for t in towns if t.male}
    return OsiContext(
        settings=settings,
        towns=towns,
        areas=areas,
        ztm=None if ztm is None else frozenset(ztm),
        adjacency_known=adjacency is not None
        or settings.obszar_funkcjonalny != OBSZAR_POWIAT_I_SASIEDZI,
    )


@dataclass(frozen=True)
class GminaOsi:
    teryt: str
    ztm: bool | None  # None: no list loaded
    male_miasta: tuple[str, ...]  # small towns whose functional area includes the gmina
    kategoria: str
    opis: str  # Polish reason


def gmina_statuses(register: Register, ctx: OsiContext) -> dict[str, GminaOsi]:
    """OSI status of every gmina in the register (for the map), independent of partnerships."""
    town_names = {t.teryt_gminy: t.miasto for t in ctx.towns}
    out = {}
    for g in register.gminy.index:
        ztm = None if ctx.ztm is None else g in ctx.ztm
        towns = tuple(sorted(town_names[t] for t, area in ctx.areas.items() if g in area))
        if ztm and towns:
            kat = KAT_OBA
        elif ztm:
            kat = KAT_ZTM
        elif towns:
            kat = KAT_MALE_MIASTO
        elif ztm is None:
            kat = KAT_NIEZNANY
        else:
            kat = KAT_POZA
        # Short: it is the map tooltip of every gmina.
        parts = ["ZTM: nieznane (brak listy)" if ztm is None else f"ZTM: {'tak' if ztm else 'nie'}"]
        parts.append("obszar małego miasta: " + ", ".join(towns) if towns else "poza obszarami małych miast")
        out[g] = GminaOsi(g, ztm, towns, kat, "; ".join(parts))
    return out


@dataclass(frozen=True)
class OsiVerdict:
    werdykt: str  # KWALIFIKUJE / NIE_KWALIFIKUJE / NIEUSTALONY
    trasy: tuple[str, ...]  # routes that cover the area, e.g. ("małe miasto powiatowe: Kolno",)
    poza: tuple[str, ...]  # TERYT of gminas outside OSI
    nieustalone: tuple[str, ...]  # TERYT of members whose OSI status cannot be determined
    gminy_w_osi: int  # gminas of the area covered by some route
    gminy_obszaru: int  # gminas of the area found in the register
    powody: tuple[str, ...]  # Polish reasons

    @property
    def udzial_w_osi(self) -> float | None:
        """Share of the area's gminas in OSI; None when it cannot be determined (never 0 for unknown)."""
        if self.werdykt == NIEUSTALONY or not self.gminy_obszaru:
            return None
        return self.gminy_w_osi / self.gminy_obszaru

    def summary(self) -> str:
        if self.werdykt == KWALIFIKUJE:
            return f"{KWALIFIKUJE} ({'; '.join(self.trasy)})"
        return self.werdykt


def partnership_verdict(register: Register, ctx: OsiContext, members: Iterable[str]) -> OsiVerdict:
    members = list(members)
    member_set = set(members)
    area = register.area_gminas(members)
    foreign = [m for m in members if not register.in_voivodeship(m)]
    # Small towns that are themselves members (for Sokółka and Mońki: their urban-rural gmina).
    member_towns = [t for t in ctx.towns if t.teryt_gminy in member_set]
    small = [t for t in member_towns if t.male]
    unknown_towns = [t for t in member_towns if t.male is None]

    covered_ztm: set[str] = set()
    covered_town: dict[str, set[str]] = {}
    outside, undetermined = [], []
    for g in area:
        on_list = ctx.ztm is not None and g in ctx.ztm
        towns = [t for t in small if g in ctx.areas.get(t.teryt_gminy, frozenset())]
        if on_list:
            covered_ztm.add(g)
        for t in towns:
            covered_town.setdefault(t.miasto, set()).add(g)
        if on_list or towns:
            continue
        if ctx.ztm is None or unknown_towns:
            undetermined.append(g)
        else:
            outside.append(g)
    undetermined += foreign

    powody: list[str] = []
    trasy: list[str] = []
    if covered_ztm:
        trasy.append(f"{ROUTE_ZTM} ({len(covered_ztm)} z {len(area)} gmin)")
    for town_name, gminas in covered_town.items():
        trasy.append(f"{ROUTE_SMALL_TOWN}: {town_name} ({len(gminas)} z {len(area)} gmin)")

    label = register.label
    werdykt = VERDICTS[int(verdict_code(bool(outside), bool(undetermined) or not area))]
    if werdykt == NIE_KWALIFIKUJE:
        powody.append("Gminy poza OSI: " + ", ".join(label(g) for g in outside) + ".")
    elif undetermined:
        inside = [g for g in undetermined if register.in_voivodeship(g)]
        if inside and ctx.ztm is None:
            powody.append(
                "Nie wczytano oficjalnej listy OSI ZTM, a trasa małych miast nie obejmuje gmin: "
                + ", ".join(label(g) for g in inside) + "."
            )
        for t in unknown_towns:
            powody.append(f"Brak danych o ludności miasta {t.miasto} na dzień odniesienia.")
        if foreign:
            powody.append(
                "Członkowie spoza województwa – nie można ich sprawdzić w rejestrze: "
                + ", ".join(foreign) + "."
            )
    elif not area:
        powody.append("Partnerstwo nie obejmuje żadnej gminy z rejestru województwa.")
    else:
        powody.append("Wszystkie gminy obszaru leżą w OSI: " + "; ".join(trasy) + ".")
    if not small and not covered_ztm and not outside:
        if any(t.male for t in ctx.towns if t.teryt_gminy in area and t.teryt_gminy not in member_set):
            powody.append("Małe miasto powiatowe leży na obszarze, ale samo nie jest członkiem partnerstwa.")
    if small:
        powody.append("Małe miasta powiatowe w partnerstwie: " + "; ".join(
            t.describe(ctx.settings.prog_ludnosci) for t in small) + ".")
    big = [t for t in member_towns if t.male is False]
    if big:
        powody.append("Miasta powiatowe powyżej progu: " + "; ".join(
            t.describe(ctx.settings.prog_ludnosci) for t in big) + ".")
    if not ctx.adjacency_known:
        powody.append("Brak warstw granic: obszar funkcjonalny policzono jako sam powiat miasta.")
    return OsiVerdict(
        werdykt=werdykt,
        trasy=tuple(trasy) if werdykt == KWALIFIKUJE else (),
        poza=tuple(outside),
        nieustalone=tuple(undetermined),
        gminy_w_osi=len(covered_ztm.union(*covered_town.values())),
        gminy_obszaru=len(area),
        powody=tuple(powody),
    )
