"""The checklist's criteria ("Lista sprawdzająca"), read once from data/kryteria.csv.

The list is data: ids, groups and names come from the file, and so does their number (11 in the
2020 call). Code that needs "how many criteria" asks `CRITERIA_COUNT`, never a literal.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass

from cwd.paths import DATA_DIR


@dataclass(frozen=True)
class Criterion:
    id: str  # "I.1" … "II.3"
    grupa: str  # "I" formal, "II" content
    nazwa: str  # the wording of the seed document

    @property
    def label(self) -> str:
        return f"{self.id} {self.nazwa}"


def _load() -> tuple[Criterion, ...]:
    with (DATA_DIR / "kryteria.csv").open(encoding="utf-8", newline="") as f:
        return tuple(Criterion(row["id"], row["grupa"], row["nazwa"]) for row in csv.DictReader(f))


CRITERIA: tuple[Criterion, ...] = _load()
CRITERIA_IDS: tuple[str, ...] = tuple(c.id for c in CRITERIA)
CRITERIA_COUNT = len(CRITERIA)
_BY_ID = {c.id: c for c in CRITERIA}


def criterion(cid: str) -> Criterion:
    return _BY_ID[cid]


def criterion_names() -> dict[str, str]:
    return {c.id: c.nazwa for c in CRITERIA}
