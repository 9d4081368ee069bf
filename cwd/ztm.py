"""The official list of gminas at risk of permanent marginalisation (OSI ZTM), loaded from the user's file.

The list is an input, never invented here. Columns `teryt` (required), `nazwa`, `zrodlo`; the file may be
national, so gminas of other voivodeships are kept and summed up in one warning rather than one per row.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from cwd.fmt import fmt_int, plural
from cwd.problems import ERROR, WARNING, HasProblems, Problem
from cwd.readers import (
    ProblemList,
    Table,
    split_problems,
    header_key,
    header_problems,
    match_columns,
    quote,
    read_table,
    read_table_path,
    rows_text,
)
from cwd.register import Register
from cwd.teryt import code_format_error, normalize_code, voivodeship_of

SHEET = "ztm"
ZTM_COLUMNS: dict[str, tuple[str, ...]] = {
    "teryt": ("kod", "kod teryt", "teryt gminy", "kod gminy", "kod teryt gminy"),
    "nazwa": ("gmina", "nazwa gminy"),
    "zrodlo": ("źródło danych",),
}
NAME_CHARS = 200  # of a gmina name compared with the register
SOURCES_LISTED = 10  # distinct sources named in `zrodlo`; the rest are counted


@dataclass
class ZtmListResult(HasProblems):
    plik: str
    codes: frozenset[str] = frozenset()  # 7-digit gmina TERYT codes from rows without errors
    zrodlo: str = ""  # distinct sources given in the file, in order, joined with "; "
    problems: list[Problem] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        """A list with any error is not to be trusted as the official one: a lost row would drop a gmina."""
        return bool(self.codes) and not self.errors


def read_ztm_list(data: bytes, filename: str, register: Register) -> ZtmListResult:
    return ztm_from_table(read_table(data, filename, sheet=SHEET), register)


def read_ztm_path(path: Path, register: Register) -> ZtmListResult:
    return ztm_from_table(read_table_path(Path(path), sheet=SHEET), register)


def _name_key(name: str) -> str:
    """Names compared without case, diacritics, parenthesised notes or 'gmina'/'miasto' prefixes."""
    name = name[:NAME_CHARS]  # a gmina's name is short; a long text differs anyway (and stays linear)
    name = re.sub(r"\(.*?\)", " ", name.casefold())
    name = re.sub(r"^\s*(gmina|gm\.|miasto|m\.)\s+", "", name)
    name = re.sub(r"\s*[-–—]\s*(gmina|miasto)\b.*$", "", name)  # "Augustów - gmina wiejska"
    return header_key(name)


def ztm_from_table(table: Table, register: Register) -> ZtmListResult:
    plik = table.plik
    result = ZtmListResult(plik=plik)
    problems, by_row = split_problems(table)
    try:
        if not table.file_errors:
            _check_rows(table, register, result, problems, by_row)
    finally:
        for rest in by_row.values():
            problems.extend(rest)
        result.problems = problems.listed()
    return result


def _check_rows(table: Table, register: Register, result: ZtmListResult, problems: ProblemList,
                by_row: dict[int, list[Problem]]) -> None:
    plik = table.plik
    headers = [str(c) for c in table.frame.columns]
    match = match_columns(headers, ZTM_COLUMNS)
    header = header_problems(plik, table.naglowek, match, ["teryt"], {"teryt": "z kodami TERYT gmin"})
    problems.extend(header)
    if any(p.is_error for p in header):
        return

    def column(name: str) -> str | None:
        i = match.positions.get(name)
        return None if i is None else headers[i]

    codes: dict[str, int] = {}  # code -> first row
    sources: dict[str, None] = {}
    elsewhere: list[int] = []
    for number, *cells in table.frame.itertuples(index=True, name=None):
        number = int(number)
        problems.extend(by_row.pop(number, ()))  # the reader's findings first, row by row
        if table.has_row_error(number):
            continue  # already reported (shifted values, a formula without a value, a huge field)

        def cell(name: str) -> str:
            i = match.positions.get(name)
            return "" if i is None else str(cells[i]).strip()

        def add(name: str | None, message: str, waga=ERROR) -> None:
            problems.add(Problem(plik, number, column(name) if name else None, message, waga))

        raw, nazwa, zrodlo = cell("teryt"), cell("nazwa"), cell("zrodlo")
        if zrodlo:
            sources[zrodlo] = None
        code = normalize_code(raw)
        if not code:
            add("teryt", "Brak kodu TERYT gminy w wierszu.")
            continue
        if error := code_format_error(code, gminas_only=True):
            add("teryt", error)
            continue
        if code in codes:
            add("teryt", f"{register.label(code) if register.knows(code) else code} występuje na liście "
                         f"więcej niż raz (pierwszy raz w wierszu {codes[code]}) – uwzględniono jeden wpis.", WARNING)
            continue
        codes[code] = number
        if not register.in_voivodeship(code):
            elsewhere.append(number)
        elif not register.is_gmina(code):
            add("teryt", f"Kod „{code}” nie występuje w rejestrze gmin {voivodeship_of(code)} – sprawdź go; "
                         "pozostaje na liście.", WARNING)
        elif nazwa and _name_key(nazwa) != _name_key(register.name(code)):
            add("nazwa", f"Nazwa {quote(nazwa)} nie zgadza się z rejestrem: kod {code} to {register.label(code)} – "
                         "sprawdź, czy kod jest właściwy.", WARNING)
    if elsewhere:
        n = len(elsewhere)
        problems.add(Problem(
            plik, None, column("teryt"),
            f"{fmt_int(n)} {plural(n, ('kod', 'kody', 'kodów'))} gmin spoza {voivodeship_of(register.wojewodztwo)} "
            f"({rows_text(elsewhere)}) – nie da się ich sprawdzić w rejestrze; nie wpływają na ocenę partnerstw "
            "z tego województwa.",
            WARNING,
        ))
    if table.frame.empty:
        problems.add(Problem(plik, None, None, "Lista gmin ZTM jest pusta – pod nagłówkiem nie ma wierszy."))
    elif not sources:
        problems.add(Problem(
            plik, None, None,
            "Lista nie podaje źródła (kolumna „zrodlo”) – dopisz je, by było wiadomo, skąd pochodzi.", WARNING,
        ))
    result.codes = frozenset(codes)
    named = [quote(s, 200)[1:-1] for s in list(sources)[:SOURCES_LISTED]]
    rest = len(sources) - len(named)
    result.zrodlo = "; ".join(named) + (f" (i {fmt_int(rest)} innych)" if rest > 0 else "")
