"""The partnership as read from a submitted form (declared values only)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from cwd.criteria import CRITERIA_IDS

Value = int | None  # 1, 0 or None (missing — never the same as 0)


@dataclass(frozen=True)
class Partnership:
    id: str
    nazwa: str
    lider: str  # TERYT of the leading JST
    czlonkowie: tuple[str, ...]  # TERYT codes of all members, leader included, no duplicates, in form order
    koordynator: str = ""
    data_zgloszenia: date | None = None
    deklarowane: dict[str, Value] = field(default_factory=dict)  # criterion id -> declared value
    pomysl: str = ""
    powiazania: str = ""
    doswiadczenie: str = ""
    wiersz: int | None = None  # row in the source file (header = 1)
    plik: str = ""

    def declared(self, criterion: str) -> Value:
        return self.deklarowane.get(criterion)


def partnerships_frame(partnerships: list[Partnership]) -> pd.DataFrame:
    """One row per partnership, criterion columns I.1 … II.3 as nullable integers."""
    rows = []
    for p in partnerships:
        row = {
            "id": p.id,
            "nazwa": p.nazwa,
            "lider": p.lider,
            "czlonkowie": ";".join(p.czlonkowie),
            "liczba_jst": len(p.czlonkowie),
            "koordynator": p.koordynator,
            "data_zgloszenia": p.data_zgloszenia,
            "pomysl": p.pomysl,
            "powiazania": p.powiazania,
            "doswiadczenie": p.doswiadczenie,
        }
        row.update({c: p.declared(c) for c in CRITERIA_IDS})
        rows.append(row)
    frame = pd.DataFrame(rows, columns=[
        "id", "nazwa", "lider", "czlonkowie", "liczba_jst", "koordynator", "data_zgloszenia",
        "pomysl", "powiazania", "doswiadczenie", *CRITERIA_IDS,
    ])
    for c in CRITERIA_IDS:
        frame[c] = frame[c].astype("Int8")
    return frame
