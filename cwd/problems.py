"""One validation finding about an input file, located by file, row and column."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["błąd", "ostrzeżenie"]
ERROR: Severity = "błąd"
WARNING: Severity = "ostrzeżenie"


@dataclass(frozen=True)
class Problem:
    plik: str
    wiersz: int | None  # 1-based row as the user sees it in the file (header = row 1); None: whole file
    kolumna: str | None  # column name as written in the file; None: whole row or file
    komunikat: str  # Polish message
    waga: Severity = ERROR
    id_partnerstwa: str | None = None

    @property
    def is_error(self) -> bool:
        return self.waga == ERROR

    def __str__(self) -> str:
        where = self.plik
        if self.wiersz is not None:
            where += f", wiersz {self.wiersz}"
        if self.kolumna:
            where += f", kolumna „{self.kolumna}”"
        return f"{where}: [{self.waga}] {self.komunikat}"


class HasProblems:
    """Errors and warnings of a reader's result (a dataclass with a `problems` list)."""

    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


def as_records(problems: list[Problem]) -> list[dict]:
    """Rows for a table or JSON: plik, wiersz, kolumna, waga, komunikat."""
    return [
        {
            "plik": p.plik,
            "wiersz": p.wiersz,
            "kolumna": p.kolumna,
            "waga": p.waga,
            "komunikat": p.komunikat,
            "id_partnerstwa": p.id_partnerstwa,
        }
        for p in problems
    ]
