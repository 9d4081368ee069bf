"""Read and validate submitted information forms ("Formularze informacyjne"): one row = one partnership.

Nothing is half-read: a partnership with any error is left out of `partnerships`, but all its problems are
reported, and the other partnerships of the file still load.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from cwd.model import Partnership, Value, partnerships_frame
from cwd.problems import ERROR, WARNING, HasProblems, Problem
from cwd.readers import Table, match_columns, read_table, read_table_path
from cwd.criteria import CRITERIA_IDS
from cwd.register import Register
from cwd.settings import FORMS_DEADLINE

SHEET = "partnerstwa"
TEMPLATE_EXAMPLE_ID = "P-PRZYKLAD"  # the illustrative row of the template; warned about if left in


@dataclass(frozen=True)
class FormColumn:
    name: str  # canonical header, as in the template
    required: bool
    aliases: tuple[str, ...] = ()  # other headers people write (matched ignoring case/diacritics/spacing)


FORM_COLUMNS: tuple[FormColumn, ...] = (
    # Aliases stay few and unambiguous: "nr" or "data" alone could be another column (a row counter, a date).
    FormColumn("id", True, ("identyfikator", "id partnerstwa")),
    FormColumn("nazwa", True, ("nazwa partnerstwa",)),
    FormColumn("lider", True, ("lider partnerstwa", "teryt lidera", "kod lidera")),
    FormColumn("czlonkowie", True, ("członkowie partnerstwa", "teryt członków", "kody członków")),
    FormColumn("koordynator", True, ("koordynator projektu",)),
    FormColumn("data_zgloszenia", True, ("data złożenia", "data złożenia formularza")),
    *(FormColumn(c, True) for c in CRITERIA_IDS),
    FormColumn("pomysl", False, ("pomysł na współpracę",)),
    FormColumn("powiazania", False, ("powiązania funkcjonalne",)),
    FormColumn("doswiadczenie", False, ("doświadczenie we współpracy",)),
)

# --- TERYT codes ---------------------------------------------------------------
VOIVODESHIPS = {
    "02": "dolnośląskie", "04": "kujawsko-pomorskie", "06": "lubelskie", "08": "lubuskie",
    "10": "łódzkie", "12": "małopolskie", "14": "mazowieckie", "16": "opolskie",
    "18": "podkarpackie", "20": "podlaskie", "22": "pomorskie", "24": "śląskie",
    "26": "świętokrzyskie", "28": "warmińsko-mazurskie", "30": "wielkopolskie", "32": "zachodniopomorskie",
}
FORMAT_HINT = "oczekiwano 7 cyfr (gmina) lub 4 cyfr (powiat)"


def voivodeship_of(code: str) -> str:
    """'województwa podlaskiego' — every voivodeship's name is an adjective ending in -ie."""
    name = VOIVODESHIPS.get(code[:2])
    return f"województwa {name[:-1]}ego" if name else f"województwa o kodzie {code[:2]}"


def normalize_code(token: str) -> str:
    """A code as typed: trimmed, with a spreadsheet's trailing '.0' removed (2013011.0 -> 2013011)."""
    token = str(token).strip()
    m = re.fullmatch(r"(\d+)[.,]0+", token)
    return m[1] if m else token


def code_format_error(code: str, *, gminas_only: bool = False) -> str | None:
    """Why `code` is not a well-formed TERYT code of a gmina (7 digits) or powiat (4 digits); None if it is."""
    expected = "oczekiwano 7 cyfr (kod gminy)" if gminas_only else FORMAT_HINT
    if not re.fullmatch(r"\d+", code) or len(code) not in ((7,) if gminas_only else (4, 7)):
        if gminas_only and re.fullmatch(r"\d{4}", code):
            return f"Kod „{code}” to kod powiatu, a lista obejmuje gminy – wpisz 7-cyfrowe kody gmin."
        message = f"Kod TERYT „{code}” ma niepoprawny format: {expected}."
        if re.fullmatch(r"\d{3}|\d{6}", code) and code_format_error("0" + code, gminas_only=gminas_only) is None:
            message += " Jeśli kod zaczyna się od zera, Excel mógł je usunąć – wpisz kod jako tekst."
        return message
    if code[:2] not in VOIVODESHIPS:
        return f"Kod TERYT „{code}” jest niepoprawny: „{code[:2]}” nie jest kodem województwa."
    if code[2:4] == "00":
        return f"Kod TERYT „{code}” jest niepoprawny: „00” nie jest kodem powiatu."
    if len(code) == 7:
        if code[4:6] == "00":
            return f"Kod TERYT „{code}” jest niepoprawny: „00” nie jest kodem gminy."
        kind = code[6]
        if kind in "45":
            part = "miasto" if kind == "4" else "obszar wiejski"
            return (f"Kod TERYT „{code}” oznacza {part} w gminie miejsko-wiejskiej, a nie gminę – "
                    f"podaj kod całej gminy „{code[:6]}3”.")
        if kind not in "123":
            return (f"Kod TERYT „{code}” jest niepoprawny: ostatnia cyfra kodu gminy (rodzaj) musi być "
                    "1 (gmina miejska), 2 (gmina wiejska) lub 3 (gmina miejsko-wiejska).")
    return None


def split_codes(text: str) -> tuple[list[str], list[str]]:
    """(codes, words): tokens separated by `;`, `,` or whitespace; words are tokens with letters (names)."""
    tokens = [normalize_code(t) for t in re.split(r"[;,\s]+", text) if t.strip()]
    words = [t for t in tokens if re.search(r"[^\W\d_]", t)]
    return [t for t in tokens if t not in words], words


def unit_label(register: Register, code: str) -> str:
    if register.knows(code):
        return register.label(code)
    if not register.in_voivodeship(code):
        return f"JST o kodzie {code} ({voivodeship_of(code)})"
    return f"kod {code}"


def _identity(register: Register, code: str) -> str:
    """A city with powiat rights is one JST with two codes (e.g. 2062 and 2062011 Łomża)."""
    if len(code) == 7 and register.is_gmina(code):
        powiat = code[:4]
        if register.is_powiat(powiat) and register.gminy_powiatu(powiat) == [code] and code[6] == "1":
            return powiat
    return code


# --- values ----------------------------------------------------------------------
_TRUE = {"1", "tak", "t", "true", "prawda"}  # PRAWDA/FAŁSZ: what Polish Excel writes for booleans in CSV
_FALSE = {"0", "nie", "n", "false", "fałsz", "falsz"}
CRITERION_HINT = "wpisz 1/0, tak/nie, t/n lub true/false; puste pole oznacza brak odpowiedzi"


def parse_criterion(text: str) -> tuple[Value, bool]:
    """(value, ok): 1, 0 or None for blank (missing is not 0)."""
    value = str(text).strip().casefold()
    value = re.sub(r"^([01])[.,]0+$", r"\1", value)  # Excel's 1.0 / 0,0
    if value == "":
        return None, True
    if value in _TRUE:
        return 1, True
    if value in _FALSE:
        return 0, True
    return None, False


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_PL = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?")


def parse_date(text: str) -> tuple[date | None, str | None]:
    """(date, error) for YYYY-MM-DD or DD.MM.YYYY (also with / or -); blank is (None, None)."""
    value = str(text).strip()
    if not value:
        return None, None
    if m := _ISO.fullmatch(value):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := _PL.fullmatch(value):
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
    else:
        return None, f"Data zgłoszenia „{value}” jest niepoprawna: wpisz ją jako RRRR-MM-DD lub DD.MM.RRRR."
    try:
        return date(y, mo, d), None
    except ValueError:
        return None, f"Data zgłoszenia „{value}” nie istnieje w kalendarzu – sprawdź dzień i miesiąc."


def format_date(day: date) -> str:
    return day.strftime("%d.%m.%Y")


# --- result ------------------------------------------------------------------------
@dataclass
class FormsResult(HasProblems):
    plik: str
    partnerships: list[Partnership] = field(default_factory=list)  # usable ones only (no errors)
    problems: list[Problem] = field(default_factory=list)
    naglowek: int | None = None  # header row; its errors concern the whole file
    wiersze: int = 0  # data rows found (usable or not)

    @property
    def file_errors(self) -> list[Problem]:
        return [p for p in self.errors if p.wiersz is None or p.wiersz == self.naglowek]

    @property
    def usable(self) -> bool:
        return bool(self.partnerships) and not self.file_errors

    def frame(self) -> pd.DataFrame:
        return partnerships_frame(self.partnerships)


def read_forms(data: bytes, filename: str, register: Register) -> FormsResult:
    """Forms from an uploaded CSV/XLSX (sheet `partnerstwa`, else the first); never raises."""
    return forms_from_table(read_table(data, filename, sheet=SHEET), register)


def read_forms_path(path: Path, register: Register) -> FormsResult:
    return forms_from_table(read_table_path(Path(path), sheet=SHEET), register)


def forms_from_table(table: Table, register: Register) -> FormsResult:
    plik = table.plik
    result = FormsResult(plik=plik, problems=list(table.problems), naglowek=table.naglowek)
    if table.file_errors:
        return result
    frame = table.frame
    headers = [str(c) for c in frame.columns]
    match = match_columns(headers, {c.name: c.aliases for c in FORM_COLUMNS})
    header_row = table.naglowek
    header_errors = []
    for column in FORM_COLUMNS:
        if column.required and column.name not in match.positions:
            header_errors.append(Problem(plik, header_row, column.name, f"Brak wymaganej kolumny „{column.name}”."))
    for canonical, written in match.duplicated.items():
        listed = ", ".join(f"„{h}”" for h in written)
        header_errors.append(Problem(
            plik, header_row, written[1],
            f"Kolumna „{canonical}” występuje w nagłówku więcej niż raz ({listed}) – zostaw jedną.",
        ))
    if match.unknown:
        listed = ", ".join(f"„{h}”" for h in match.unknown)
        result.problems.append(Problem(
            plik, header_row, None, f"Nieznane kolumny zostaną pominięte: {listed}.", WARNING,
        ))
    result.problems.extend(header_errors)
    if header_errors:
        return result
    result.wiersze = len(frame)
    if frame.empty:
        result.problems.append(Problem(
            plik, None, None, "Plik nie zawiera żadnego partnerstwa – pod nagłówkiem nie ma wypełnionych wierszy.",
        ))
        return result

    first_row_of_id: dict[str, int] = {}
    for number, *cells in frame.itertuples(index=True, name=None):
        if table.row_errors(int(number)):
            continue  # shifted values: checking cells would only report the shift again, column by column
        partnership, problems = _check_row(
            int(number), cells, match.positions, headers, plik, register, first_row_of_id,
        )
        result.problems.extend(problems)
        if partnership is not None:
            result.partnerships.append(partnership)
    # File-level findings first, then row by row (stable: a row keeps its own order of findings).
    result.problems.sort(key=lambda p: (p.wiersz is not None, p.wiersz or 0))
    return result


def _check_row(
    number: int,
    cells: list[str],
    positions: dict[str, int],
    headers: list[str],
    plik: str,
    register: Register,
    first_row_of_id: dict[str, int],
) -> tuple[Partnership | None, list[Problem]]:
    def cell(name: str) -> str:
        i = positions.get(name)
        return "" if i is None else str(cells[i] if cells[i] is not None else "").strip()

    def column(name: str) -> str:
        i = positions.get(name)
        return name if i is None else headers[i]

    pid = cell("id")
    problems: list[Problem] = []

    def add(name: str | None, message: str, waga=ERROR) -> None:
        problems.append(Problem(plik, number, column(name) if name else None, message, waga, pid or None))

    nazwa = cell("nazwa")
    if not pid:
        add("id", "Brak identyfikatora partnerstwa (kolumna „id”).")
    else:
        key = pid.casefold()
        if key in first_row_of_id:
            add("id", f"Identyfikator „{pid}” powtarza się – wystąpił już w wierszu {first_row_of_id[key]}; "
                      "każde partnerstwo musi mieć inny identyfikator.")
        else:
            first_row_of_id[key] = number
        if key == TEMPLATE_EXAMPLE_ID.casefold():
            add("id", "To wiersz przykładowy z szablonu – usuń go przed wysłaniem formularza.", WARNING)
    if not nazwa:
        add("nazwa", "Brak nazwy partnerstwa (kolumna „nazwa”).")

    # Leader and members: well-formed codes first, then what the register says about them.
    lider: str | None = None
    lider_raw = cell("lider")
    lider_codes, lider_words = split_codes(lider_raw)
    if not lider_raw:
        add("lider", "Brak lidera partnerstwa – wpisz kod TERYT wiodącej JST.")
    elif lider_words:
        add("lider", f"W kolumnie „{column('lider')}” wpisz kod TERYT lidera (7 cyfr gminy, 4 cyfry powiatu), "
                     f"a nie nazwę: „{lider_raw}”.")
    elif len(lider_codes) > 1:
        add("lider", f"W kolumnie „{column('lider')}” wpisz jeden kod TERYT, "
                     f"a podano {len(lider_codes)}: „{lider_raw}”.")
    elif error := code_format_error(lider_codes[0]):
        add("lider", error)
    else:
        lider = lider_codes[0]

    members_raw = cell("czlonkowie")
    member_codes, member_words = split_codes(members_raw)
    if member_words:
        listed = ", ".join(f"„{w}”" for w in dict.fromkeys(member_words))
        add("czlonkowie", f"W kolumnie „{column('czlonkowie')}” mogą być tylko kody TERYT oddzielone średnikami, "
                          f"przecinkami lub spacjami – zamiast nazw ({listed}) wpisz kody.")
    malformed: list[str] = [] if lider or not lider_codes else [lider_codes[0]]
    members: list[str] = []
    seen: dict[str, str] = {}  # identity -> code kept
    for code in member_codes:
        if error := code_format_error(code):
            if code not in malformed:
                add("czlonkowie", error)
                malformed.append(code)
            continue
        ident = _identity(register, code)
        if ident in seen:
            if seen[ident] == code:
                add("czlonkowie", f"{unit_label(register, code)} występuje na liście członków więcej niż raz – "
                                  "uwzględniono jeden wpis.", WARNING)
            else:
                add("czlonkowie", f"{unit_label(register, seen[ident])} i {unit_label(register, code)} to ten sam "
                                  "samorząd (miasto na prawach powiatu) – liczony jest raz.", WARNING)
            continue
        seen[ident] = code
        members.append(code)
    if lider is not None:
        ident = _identity(register, lider)
        if ident not in seen:
            add("lider", f"{unit_label(register, lider)} jest liderem, ale nie figuruje wśród członków – dopisano "
                         "lidera do członków partnerstwa.", WARNING)
            members.insert(0, lider)
        elif seen[ident] != lider:
            add("lider", f"{unit_label(register, lider)} (lider) i {unit_label(register, seen[ident])} to ten sam "
                         "samorząd (miasto na prawach powiatu) – liczony jest raz.", WARNING)
            members[members.index(seen[ident])] = lider  # same city under its other code: keep the leader's

    for code in members:
        where = "lider" if code == lider else "czlonkowie"
        if register.in_voivodeship(code):
            if not register.knows(code):
                kind = "gmin" if len(code) == 7 else "powiatów"
                add(where, f"Kod TERYT „{code}” nie występuje w rejestrze {kind} {voivodeship_of(code)} – "
                           "sprawdź, czy nie ma w nim literówki.")
        else:
            add(where, f"Kod TERYT „{code}” należy do {voivodeship_of(code)}, spoza "
                       f"{voivodeship_of(register.wojewodztwo)} – tej JST nie da się sprawdzić w rejestrze; "
                       "pozostaje wśród członków.", WARNING)

    count = len(members) + len(malformed)
    if count < 2:
        listed = "; ".join([unit_label(register, c) for c in members] + malformed)
        given = f"podano {count}: {listed}" if count else "nie podano żadnej"
        add("czlonkowie", f"Partnerstwo musi liczyć co najmniej 2 JST (lider i członkowie), a {given}.")

    koordynator = cell("koordynator")
    if not koordynator:
        add("koordynator", "Nie podano koordynatora projektu.", WARNING)

    day, error = parse_date(cell("data_zgloszenia"))
    if error:
        add("data_zgloszenia", error)
    elif day is None:
        add("data_zgloszenia", "Nie podano daty zgłoszenia – nie można sprawdzić, czy formularz złożono "
                               f"w terminie ({format_date(FORMS_DEADLINE)}).", WARNING)
    elif day > FORMS_DEADLINE:
        add("data_zgloszenia", f"Formularz złożono {format_date(day)}, po terminie naboru "
                               f"({format_date(FORMS_DEADLINE)}).", WARNING)

    declared: dict[str, Value] = {}
    for cid in CRITERIA_IDS:
        raw = cell(cid)
        value, ok = parse_criterion(raw)
        if not ok:
            add(cid, f"Wartość „{raw}” w kryterium {cid} jest niedozwolona: {CRITERION_HINT}.")
        declared[cid] = value

    if any(p.is_error for p in problems):
        return None, problems
    return Partnership(
        id=pid,
        nazwa=nazwa,
        lider=lider or "",
        czlonkowie=tuple(members),
        koordynator=koordynator,
        data_zgloszenia=day,
        deklarowane=declared,
        pomysl=cell("pomysl"),
        powiazania=cell("powiazania"),
        doswiadczenie=cell("doswiadczenie"),
        wiersz=number,
        plik=plik,
    ), problems
