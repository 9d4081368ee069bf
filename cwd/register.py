"""TERYT register of the voivodeship's gminas, powiats and powiat seat towns (from data/)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path

import pandas as pd

from cwd.paths import DATA_DIR

GMINA_TYPES = {"1": "gmina miejska", "2": "gmina wiejska", "3": "gmina miejsko-wiejska"}
CITY_POWIATS = {"2061", "2062", "2063"}
_POP_COLUMN = re.compile(r"^ludnosc_(\d{4})_(\d{2})_(\d{2})$")


def population_dates(frame: pd.DataFrame) -> dict[date, str]:
    """Reference dates of the population columns (`ludnosc_YYYY_MM_DD`) of a table."""
    found = {}
    for column in frame.columns:
        m = _POP_COLUMN.match(column)
        if m:
            found[date(int(m[1]), int(m[2]), int(m[3]))] = column
    return dict(sorted(found.items()))


@dataclass(frozen=True, eq=False)
class Register:
    """Gminas (index: 7-digit TERYT), powiats (4-digit) and seat towns of one voivodeship."""

    gminy: pd.DataFrame
    powiaty: pd.DataFrame
    miasta: pd.DataFrame
    mstfsg: pd.DataFrame
    wojewodztwo: str = "20"

    # --- lookups (plain dicts: pandas indexing per call is far too slow on a hot path) --------
    @cached_property
    def _gmina_codes(self) -> frozenset[str]:
        return frozenset(self.gminy.index)

    @cached_property
    def _powiat_codes(self) -> frozenset[str]:
        return frozenset(self.powiaty.index)

    @cached_property
    def _by_powiat(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {}
        for g, p in zip(self.gminy.index, self.gminy["powiat_teryt"]):
            out.setdefault(p, []).append(g)
        return {p: tuple(gs) for p, gs in out.items()}

    @cached_property
    def _labels(self) -> dict[str, str]:
        labels = {g: f"{n} ({t})" for g, n, t in zip(self.gminy.index, self.gminy["nazwa"], self.gminy["rodzaj_opis"])}
        for p, n in zip(self.powiaty.index, self.powiaty["nazwa"]):
            labels[p] = f"{n} (miasto na prawach powiatu)" if p in CITY_POWIATS else f"Powiat {n}"
        return labels

    def gmina_values(self, column: str) -> dict[str, float]:
        """A gmina column as a TERYT → value dict (cached per column)."""
        cache = self.__dict__.setdefault("_column_cache", {})
        if column not in cache:
            cache[column] = dict(zip(self.gminy.index, self.gminy[column].tolist()))
        return cache[column]

    def is_gmina(self, code: str) -> bool:
        return code in self._gmina_codes

    def is_powiat(self, code: str) -> bool:
        return code in self._powiat_codes

    def knows(self, code: str) -> bool:
        return self.is_gmina(code) or self.is_powiat(code)

    def in_voivodeship(self, code: str) -> bool:
        return code[:2] == self.wojewodztwo

    def gminy_powiatu(self, powiat: str) -> list[str]:
        return list(self._by_powiat.get(powiat, ()))

    def area_gminas(self, members: list[str] | tuple[str, ...]) -> list[str]:
        """The register's gminas a set of members covers: member gminas plus all gminas of member powiats."""
        out: dict[str, None] = {}
        for code in members:
            if self.is_gmina(code):
                out[code] = None
            elif self.is_powiat(code):
                for g in self.gminy_powiatu(code):
                    out[g] = None
        return list(out)

    def name(self, code: str) -> str:
        if self.is_gmina(code):
            return str(self.gminy.at[code, "nazwa"])
        if self.is_powiat(code):
            return str(self.powiaty.at[code, "nazwa"])
        return code

    def label(self, code: str) -> str:
        """Unambiguous Polish label: several urban and rural gminas share a name."""
        return self._labels.get(code) or f"{code} (spoza rejestru)"

    def population_dates(self) -> dict[date, str]:
        return population_dates(self.gminy)

    # The gmina population figures the indicators use: the latest reference date ("now") and the
    # earliest one (the change is measured against it). Dates come from the column names.
    @cached_property
    def pop_now_date(self) -> date:
        return max(self.population_dates())

    @cached_property
    def pop_before_date(self) -> date:
        return min(self.population_dates())

    @property
    def pop_now_column(self) -> str:
        return self.population_dates()[self.pop_now_date]

    @property
    def pop_before_column(self) -> str:
        return self.population_dates()[self.pop_before_date]


def _read(path: Path, code_columns: list[str]) -> pd.DataFrame:
    return pd.read_csv(path, dtype={c: str for c in code_columns}, encoding="utf-8")


@lru_cache(maxsize=4)
def load_register(data_dir: Path = DATA_DIR, wojewodztwo: str = "20") -> Register:
    gminy = _read(data_dir / "gminy.csv", ["teryt", "powiat_teryt"]).set_index("teryt")
    gminy["rodzaj_opis"] = gminy.index.str[-1].map(GMINA_TYPES)
    powiaty = _read(data_dir / "powiaty.csv", ["teryt"]).set_index("teryt")
    miasta = _read(data_dir / "miasta_powiatowe.csv", ["teryt_gminy", "teryt_miasta"])
    mstfsg = _read(data_dir / "mstfsg.csv", ["teryt_gminy"])
    return Register(gminy=gminy, powiaty=powiaty, miasta=miasta, mstfsg=mstfsg, wojewodztwo=wojewodztwo)
