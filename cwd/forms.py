"""Read and validate submitted information forms ("Formularze informacyjne"): one row = one partnership.

Nothing is half-read: a partnership with any error is left out of `partnerships`, but all its problems are
reported, and the other partnerships of the file still load. Values are bounded (cwd/limits.py: ids, names,
texts), a user's value is quoted cut, and at most MAX_PROBLEMS findings are listed, the rest counted.
TERYT code rules live in cwd/teryt.py.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from cwd.criteria import CRITERIA_IDS
from cwd.fmt import fmt_date, fmt_int
from cwd.limits import MAX_ID_CHARS, MAX_NAME_CHARS, MAX_PERSON_CHARS, MAX_TEXT_CHARS
from cwd.model import Partnership, Value, partnerships_frame
from cwd.problems import ERROR, WARNING, HasProblems, Problem
from cwd.readers import (
    LISTED_VALUES,
    Table,
    split_problems,
    header_problems,
    match_columns,
    quote,
    quote_list,
    read_table,
    read_table_path,
)
from cwd.register import Register
from cwd.settings import FORMS_DEADLINE
from cwd.teryt import code_format_error, jst_identity, split_codes, unit_label, voivodeship_of

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
        return None, f"Data zgłoszenia {quote(value)} jest niepoprawna: wpisz ją jako RRRR-MM-DD lub DD.MM.RRRR."
    try:
        return date(y, mo, d), None
    except ValueError:
        return None, f"Data zgłoszenia {quote(value)} nie istnieje w kalendarzu – sprawdź dzień i miesiąc."


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
    result = FormsResult(plik=plik, naglowek=table.naglowek)
    problems, by_row = split_problems(table)
    try:
        if table.file_errors:
            return result
        frame = table.frame
        headers = [str(c) for c in frame.columns]
        match = match_columns(headers, {c.name: c.aliases for c in FORM_COLUMNS})
        header = header_problems(plik, table.naglowek, match, [c.name for c in FORM_COLUMNS if c.required])
        problems.extend(header)
        if any(p.is_error for p in header):
            return result
        result.wiersze = len(frame)
        if frame.empty:
            problems.add(Problem(
                plik, None, None, "Plik nie zawiera żadnego partnerstwa – pod nagłówkiem nie ma wypełnionych wierszy.",
            ))
            return result

        first_row_of_id: dict[str, int] = {}
        for number, *cells in frame.itertuples(index=True, name=None):
            number = int(number)
            problems.extend(by_row.pop(number, ()))  # the reader's findings first, row by row
            if table.has_row_error(number):
                continue  # shifted values: checking cells would only report the shift again, column by column
            partnership, found = _check_row(number, cells, match.positions, headers, plik, register, first_row_of_id)
            problems.extend(found)
            if partnership is not None:
                result.partnerships.append(partnership)
        return result
    finally:
        for rest in by_row.values():  # findings of rows not in the frame (none expected): kept, not lost
            problems.extend(rest)
        # File-level findings first, then row by row (stable: a row keeps its own order of findings).
        result.problems = problems.listed()


def _control_char(text: str) -> str | None:
    """The first control or invisible formatting character (U+0007, U+200B, U+202E …) in `text`."""
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cf"):
            return f"U+{ord(ch):04X}"
    return None


def _too_long(what: str, value: str, limit: int) -> str | None:
    if len(value) <= limit:
        return None
    return (f"{what} ma {fmt_int(len(value))} znaków; może mieć najwyżej {fmt_int(limit)} "
            f"(początek: {quote(value, 40)}).")


TEXT_FIELDS = {"pomysl": "Opis pomysłu na współpracę", "powiazania": "Opis powiązań funkcjonalnych",
               "doswiadczenie": "Opis doświadczenia we współpracy"}


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
    id_error = None
    if len(pid) > MAX_ID_CHARS:
        id_error = (f"Identyfikator partnerstwa ma {fmt_int(len(pid))} znaków; może mieć najwyżej {MAX_ID_CHARS} "
                    f"(np. „P-01”) – początek: {quote(pid, 40)}.")
    elif control := _control_char(pid):
        id_error = (f"Identyfikator partnerstwa zawiera niedozwolony znak sterujący ({control}) – wpisz go "
                    "zwykłymi literami, cyframi i znakami przestankowymi.")
    shown_id = pid if pid and id_error is None else None  # a broken id is not repeated in every finding

    def add(name: str | None, message: str, waga=ERROR) -> None:
        problems.append(Problem(plik, number, column(name) if name else None, message, waga, shown_id))

    def add_codes(name: str, codes: list[str], message, waga=ERROR) -> None:
        """One finding per code for the first few; the rest of the same kind summed up in one."""
        for code in codes[:LISTED_VALUES]:
            add(name, message(code), waga)
        rest = codes[LISTED_VALUES:]
        if rest:
            add(name, f"To samo dotyczy jeszcze {fmt_int(len(rest))} kodów w tej kolumnie: {quote_list(rest)}.", waga)

    nazwa = cell("nazwa")
    if not pid:
        add("id", "Brak identyfikatora partnerstwa (kolumna „id”).")
    elif id_error:
        add("id", id_error)
    else:
        key = pid.casefold()
        if key in first_row_of_id:
            add("id", f"Identyfikator {quote(pid)} powtarza się – wystąpił już w wierszu {first_row_of_id[key]}; "
                      "każde partnerstwo musi mieć inny identyfikator.")
        else:
            first_row_of_id[key] = number
        if key == TEMPLATE_EXAMPLE_ID.casefold():
            add("id", "To wiersz przykładowy z szablonu – usuń go przed wysłaniem formularza.", WARNING)
    if not nazwa:
        add("nazwa", "Brak nazwy partnerstwa (kolumna „nazwa”).")
    elif error := _too_long("Nazwa partnerstwa", nazwa, MAX_NAME_CHARS):
        add("nazwa", error)

    # Leader and members: well-formed codes first, then what the register says about them.
    lider: str | None = None
    lider_raw = cell("lider")
    lider_codes, lider_words = split_codes(lider_raw)
    if not lider_raw:
        add("lider", "Brak lidera partnerstwa – wpisz kod TERYT wiodącej JST.")
    elif lider_words:
        add("lider", f"W kolumnie {quote(column('lider'))} wpisz kod TERYT lidera (7 cyfr gminy, 4 cyfry powiatu), "
                     f"a nie nazwę: {quote(lider_raw)}.")
    elif len(lider_codes) > 1:
        add("lider", f"W kolumnie {quote(column('lider'))} wpisz jeden kod TERYT, "
                     f"a podano {fmt_int(len(lider_codes))}: {quote(lider_raw)}.")
    elif error := code_format_error(lider_codes[0]):
        add("lider", error)
    else:
        lider = lider_codes[0]

    members_raw = cell("czlonkowie")
    member_codes, member_words = split_codes(members_raw)
    if member_words:
        listed = quote_list(dict.fromkeys(member_words))
        add("czlonkowie", f"W kolumnie {quote(column('czlonkowie'))} mogą być tylko kody TERYT oddzielone "
                          f"średnikami, przecinkami lub spacjami – zamiast nazw ({listed}) wpisz kody.")
    malformed: dict[str, None] = {} if lider or not lider_codes else {lider_codes[0]: None}
    new_malformed: list[str] = []
    members: list[str] = []
    seen: dict[str, str] = {}  # identity -> code kept
    repeated: list[str] = []
    same_jst: list[tuple[str, str]] = []
    for code in member_codes:
        if code_format_error(code):
            if code not in malformed:
                malformed[code] = None
                new_malformed.append(code)
            continue
        ident = jst_identity(register, code)
        if ident in seen:
            if seen[ident] == code:
                repeated.append(code)
            else:
                same_jst.append((seen[ident], code))
            continue
        seen[ident] = code
        members.append(code)
    add_codes("czlonkowie", new_malformed, code_format_error)
    add_codes("czlonkowie", list(dict.fromkeys(repeated)),
              lambda c: f"{unit_label(register, c)} występuje na liście członków więcej niż raz – uwzględniono "
                        "jeden wpis.", WARNING)
    for kept, other in same_jst[:LISTED_VALUES]:
        add("czlonkowie", f"{unit_label(register, kept)} i {unit_label(register, other)} to ten sam "
                          "samorząd (miasto na prawach powiatu) – liczony jest raz.", WARNING)
    if lider is not None:
        ident = jst_identity(register, lider)
        if ident not in seen:
            add("lider", f"{unit_label(register, lider)} jest liderem, ale nie figuruje wśród członków – dopisano "
                         "lidera do członków partnerstwa.", WARNING)
            members.insert(0, lider)
        elif seen[ident] != lider:
            add("lider", f"{unit_label(register, lider)} (lider) i {unit_label(register, seen[ident])} to ten sam "
                         "samorząd (miasto na prawach powiatu) – liczony jest raz.", WARNING)
            members[members.index(seen[ident])] = lider  # same city under its other code: keep the leader's

    unknown: dict[str, list[str]] = {"lider": [], "czlonkowie": []}
    elsewhere: dict[str, list[str]] = {"lider": [], "czlonkowie": []}
    for code in members:
        where = "lider" if code == lider else "czlonkowie"
        if register.in_voivodeship(code):
            if not register.knows(code):
                unknown[where].append(code)
        else:
            elsewhere[where].append(code)

    def not_in_register(code: str) -> str:
        kind = "gmin" if len(code) == 7 else "powiatów"
        return (f"Kod TERYT „{code}” nie występuje w rejestrze {kind} {voivodeship_of(code)} – "
                "sprawdź, czy nie ma w nim literówki.")

    def outside(code: str) -> str:
        return (f"Kod TERYT „{code}” należy do {voivodeship_of(code)}, spoza {voivodeship_of(register.wojewodztwo)} – "
                "tej JST nie da się sprawdzić w rejestrze; pozostaje wśród członków.")

    for where in ("lider", "czlonkowie"):
        add_codes(where, unknown[where], not_in_register)
        add_codes(where, elsewhere[where], outside, WARNING)

    count = len(members) + len(malformed)
    if count < 2:
        listed = "; ".join([unit_label(register, c) for c in members] + list(malformed))
        given = f"podano {count}: {listed}" if count else "nie podano żadnej"
        add("czlonkowie", f"Partnerstwo musi liczyć co najmniej 2 JST (lider i członkowie), a {given}.")

    koordynator = cell("koordynator")
    if not koordynator:
        add("koordynator", "Nie podano koordynatora projektu.", WARNING)
    elif error := _too_long("Imię i nazwisko koordynatora", koordynator, MAX_PERSON_CHARS):
        add("koordynator", error)

    day, error = parse_date(cell("data_zgloszenia"))
    if error:
        add("data_zgloszenia", error)
    elif day is None:
        add("data_zgloszenia", "Nie podano daty zgłoszenia – nie można sprawdzić, czy formularz złożono "
                               f"w terminie ({fmt_date(FORMS_DEADLINE)}).", WARNING)
    elif day > FORMS_DEADLINE:
        add("data_zgloszenia", f"Formularz złożono {fmt_date(day)}, po terminie naboru "
                               f"({fmt_date(FORMS_DEADLINE)}).", WARNING)

    declared: dict[str, Value] = {}
    for cid in CRITERIA_IDS:
        raw = cell(cid)
        value, ok = parse_criterion(raw)
        if not ok:
            add(cid, f"Wartość {quote(raw)} w kryterium {cid} jest niedozwolona: {CRITERION_HINT}.")
        declared[cid] = value

    texts = {name: cell(name) for name in TEXT_FIELDS}
    for name, what in TEXT_FIELDS.items():
        if error := _too_long(what, texts[name], MAX_TEXT_CHARS):
            add(name, error)

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
        pomysl=texts["pomysl"],
        powiazania=texts["powiazania"],
        doswiadczenie=texts["doswiadczenie"],
        wiersz=number,
        plik=plik,
    ), problems
