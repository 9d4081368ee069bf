"""The official list of gminas at risk of permanent marginalisation (OSI ZTM), loaded from the user's file.

The list is an input, never invented here. Columns `teryt` (required), `nazwa`, `zrodlo`; the file may be
national, so gminas of other voivodeships are kept and summed up in one warning rather than one per row.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from cwd.forms import code_format_error, normalize_code, voivodeship_of
from cwd.problems import ERROR, WARNING, HasProblems, Problem
from cwd.readers import Table, header_key, match_columns, read_table, read_table_path
from cwd.register import Register

SHEET = "ztm"
ZTM_COLUMNS: dict[str, tuple[str, ...]] = {
    "teryt": ("kod", "kod teryt", "teryt gminy", "kod gminy", "kod teryt gminy"),
    "nazwa": ("gmina", "nazwa gminy"),
    "zrodlo": ("źródło danych",),
}


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
    name = re.sub(r"\(.*?\)", " ", name.casefold())
    name = re.sub(r"^\s*(gmina|gm\.|miasto|m\.)\s+", "", name)
    name = re.sub(r"\s*[-–—]\s*(gmina|miasto)\b.*$", "", name)  # "Augustów - gmina wiejska"
    return header_key(name)


def _codes_word(n: int) -> str:
    if n == 1:
        return "kod"
    return "kody" if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14) else "kodów"


def ztm_from_table(table: Table, register: Register) -> ZtmListResult:
    plik = table.plik
    result = ZtmListResult(plik=plik, problems=list(table.problems))
    if table.file_errors:
        return result
    headers = [str(c) for c in table.frame.columns]
    match = match_columns(headers, ZTM_COLUMNS)
    header_row = table.naglowek
    if "teryt" not in match.positions:
        result.problems.append(Problem(
            plik, header_row, "teryt", "Brak wymaganej kolumny „teryt” z kodami TERYT gmin.",
        ))
        return result
    for canonical, written in match.duplicated.items():
        listed = ", ".join(f"„{h}”" for h in written)
        result.problems.append(Problem(
            plik, header_row, written[1],
            f"Kolumna „{canonical}” występuje w nagłówku więcej niż raz ({listed}) – zostaw jedną.",
        ))
    if match.duplicated:
        return result
    if match.unknown:
        listed = ", ".join(f"„{h}”" for h in match.unknown)
        result.problems.append(Problem(plik, header_row, None, f"Nieznane kolumny zostaną pominięte: {listed}.", WARNING))

    def column(name: str) -> str | None:
        i = match.positions.get(name)
        return None if i is None else headers[i]

    codes: dict[str, int] = {}  # code -> first row
    sources: dict[str, None] = {}
    elsewhere: list[tuple[int, str]] = []
    for number, *cells in table.frame.itertuples(index=True, name=None):
        number = int(number)

        def cell(name: str) -> str:
            i = match.positions.get(name)
            return "" if i is None else str(cells[i]).strip()

        def add(name: str | None, message: str, waga=ERROR) -> None:
            result.problems.append(Problem(plik, number, column(name) if name else None, message, waga))

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
        if table.row_errors(number):
            continue
        if code in codes:
            add("teryt", f"{register.label(code) if register.knows(code) else code} występuje na liście "
                         f"więcej niż raz (pierwszy raz w wierszu {codes[code]}) – uwzględniono jeden wpis.", WARNING)
            continue
        codes[code] = number
        if not register.in_voivodeship(code):
            elsewhere.append((number, code))
        elif not register.is_gmina(code):
            add("teryt", f"Kod „{code}” nie występuje w rejestrze gmin {voivodeship_of(code)} – sprawdź go; "
                         "pozostaje na liście.", WARNING)
        elif nazwa and _name_key(nazwa) != _name_key(register.name(code)):
            add("nazwa", f"Nazwa „{nazwa}” nie zgadza się z rejestrem: kod {code} to {register.label(code)} – "
                         "sprawdź, czy kod jest właściwy.", WARNING)
    if elsewhere:
        rows = ("wiersz " if len(elsewhere) == 1 else "wiersze ") + ", ".join(str(n) for n, _ in elsewhere[:10])
        rows += " …" if len(elsewhere) > 10 else ""
        result.problems.append(Problem(
            plik, None, column("teryt"),
            f"{len(elsewhere)} {_codes_word(len(elsewhere))} gmin spoza {voivodeship_of(register.wojewodztwo)} ({rows}) – "
            "nie da się ich sprawdzić w rejestrze; nie wpływają na ocenę partnerstw z tego województwa.",
            WARNING,
        ))
    if table.frame.empty:
        result.problems.append(Problem(plik, None, None, "Lista gmin ZTM jest pusta – pod nagłówkiem nie ma wierszy."))
    elif not sources:
        result.problems.append(Problem(
            plik, None, None,
            "Lista nie podaje źródła (kolumna „zrodlo”) – dopisz je, by było wiadomo, skąd pochodzi.", WARNING,
        ))
    result.codes = frozenset(codes)
    result.zrodlo = "; ".join(sources)
    result.problems.sort(key=lambda p: (p.wiersz is not None, p.wiersz or 0))
    return result
