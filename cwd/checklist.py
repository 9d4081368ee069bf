"""The 0/1 checklist ("Lista sprawdzająca"): declared vs verified values and the status (pure)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from cwd.model import Partnership, Value
from cwd.osi import KWALIFIKUJE, NIE_KWALIFIKUJE, V_KWALIFIKUJE, V_NIE_KWALIFIKUJE, VERDICTS, OsiVerdict
from cwd.criteria import CRITERIA_COUNT, CRITERIA_IDS, criterion_names

SPELNIA = "spełnia"
NIE_SPELNIA = "nie spełnia"
NIEKOMPLETNA = "niekompletna"
STATUSES = (SPELNIA, NIEKOMPLETNA, NIE_SPELNIA)  # index = the status code of status_code()
MISSING = -1  # "no value" in integer arrays (cwd.bulk); None for one partnership


def counted_value(declared, verified):
    """THE "verified wins" rule, for one criterion or arrays of them (MISSING = no value): UM's
    verified value counts when recorded, else the declared one; missing stays missing, never 0."""
    return np.where(np.asarray(verified) != MISSING, verified, declared)


def status_code(any_zero, any_missing, verdict):
    """THE status rule, for one partnership or arrays (verdict: cwd.osi verdict codes): any 0 or an
    area outside OSI → nie spełnia; else anything missing or OSI undetermined → niekompletna;
    else spełnia. Returns indices into STATUSES."""
    verdict = np.asarray(verdict)
    return np.where(any_zero | (verdict == V_NIE_KWALIFIKUJE), 2,
                    np.where(any_missing | (verdict != V_KWALIFIKUJE), 1, 0))


def _code(value: Value) -> int:
    return MISSING if value is None else int(value)


@dataclass(frozen=True)
class CriterionResult:
    id: str
    nazwa: str
    deklarowana: Value
    zweryfikowana: Value  # None: the assessor has not recorded a value
    komentarz: str = ""
    wartosc: Value = None  # the value that counts (counted_value), set by evaluate()

    @property
    def zrodlo(self) -> str:
        if self.zweryfikowana is not None:
            return "zweryfikowana"
        return "deklarowana" if self.deklarowana is not None else "brak"


@dataclass(frozen=True)
class ChecklistResult:
    partnership_id: str
    status: str
    kryteria: tuple[CriterionResult, ...]
    osi: OsiVerdict
    powody: tuple[str, ...]

    @property
    def spelnione(self) -> int:
        return sum(1 for c in self.kryteria if c.wartosc == 1)

    @property
    def zera(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.kryteria if c.wartosc == 0)

    @property
    def braki(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.kryteria if c.wartosc is None)

    @property
    def niezweryfikowane(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.kryteria if c.zweryfikowana is None)

    def value(self, criterion: str) -> Value:
        return next(c.wartosc for c in self.kryteria if c.id == criterion)


def evaluate(
    partnership: Partnership,
    osi: OsiVerdict,
    verified: Mapping[str, Value] | None = None,
    comments: Mapping[str, str] | None = None,
) -> ChecklistResult:
    verified = verified or {}
    comments = comments or {}
    names = criterion_names()
    declared = [partnership.declared(c) for c in CRITERIA_IDS]
    checked = [verified.get(c) for c in CRITERIA_IDS]
    counted = counted_value([_code(v) for v in declared], [_code(v) for v in checked]).tolist()
    kryteria = tuple(
        CriterionResult(
            id=c,
            nazwa=names[c],
            deklarowana=d,
            zweryfikowana=v,
            komentarz=comments.get(c, "") or "",
            wartosc=None if k == MISSING else k,
        )
        for c, d, v, k in zip(CRITERIA_IDS, declared, checked, counted)
    )
    zeros = [c for c in kryteria if c.wartosc == 0]
    missing = [c for c in kryteria if c.wartosc is None]

    powody: list[str] = []
    if zeros:
        powody.append("Niespełnione kryteria (0): " + ", ".join(_crit(c) for c in zeros) + ".")
    if osi.werdykt == NIE_KWALIFIKUJE:
        powody.append("Obszar poza OSI. " + " ".join(osi.powody[:1]))
    if missing:
        powody.append("Brak odpowiedzi: " + ", ".join(_crit(c) for c in missing) + ".")
    if osi.werdykt not in (KWALIFIKUJE, NIE_KWALIFIKUJE):
        powody.append("Kwalifikowalność obszaru (OSI) nieustalona. " + " ".join(osi.powody[:1]))

    status = STATUSES[int(status_code(bool(zeros), bool(missing), VERDICTS.index(osi.werdykt)))]
    if status == SPELNIA:
        powody.append(f"Wszystkie {CRITERIA_COUNT} kryteriów spełnione, obszar w OSI (" + "; ".join(osi.trasy) + ").")

    unverified = [c.id for c in kryteria if c.zweryfikowana is None]
    if unverified:
        if len(unverified) == len(kryteria):
            powody.append("Żadne kryterium nie zostało jeszcze zweryfikowane przez UM – liczą się wartości z formularza.")
        else:
            powody.append(
                f"Niezweryfikowane przez UM ({len(unverified)}): {', '.join(unverified)} – liczy się wartość z formularza."
            )
    return ChecklistResult(partnership.id, status, kryteria, osi, tuple(powody))


def _crit(c: CriterionResult) -> str:
    return f"{c.id} {c.nazwa}"
