"""Read a user's table (CSV or XLSX, as bytes) into a frame of strings, reporting problems instead of raising.

The frame keeps the file's own row numbers (header = row 1 when it is the first line) as its index, so
every later finding can point the user at the row they see in Excel.

Every input is hostile until measured: the limits of cwd/limits.py are checked before the expensive step
(the XLSX container before openpyxl parses any XML, the row count before any row is validated), and a
refusal says which limit, with the numbers. Nothing is decoded or read "as missing" silently: lines in
another encoding and formulas without a stored value are reported.
"""
from __future__ import annotations

import csv
import errno
import io
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd

from cwd.fmt import fmt_int, plural
from cwd.limits import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_DATA_ROWS,
    MAX_FIELD_CHARS,
    MAX_FILE_BYTES,
    MAX_FILENAME_CHARS,
    MAX_PROBLEMS,
    MAX_SHEET_ROWS,
    MAX_XLSX_MEMBER,
    MAX_XLSX_MEMBERS,
    MAX_XLSX_RATIO,
    MAX_XLSX_UNCOMPRESSED,
    MAX_XML_ELEMENTS,
)
from cwd.problems import ERROR, WARNING, Problem

log = logging.getLogger(__name__)

CSV_EXTENSIONS = {".csv", ".txt"}
XLSX_EXTENSIONS = {".xlsx", ".xlsm"}
INDEX_NAME = "wiersz"
QUOTE_CHARS = 80  # a user's value quoted in a message is cut to this many characters
LISTED_VALUES = 5  # values named in one message before "i N innych"
TEMPLATE_COLUMNS = 20  # the form template's width, for the cell-limit message
_RATIO_FROM = 1024 * 1024  # the compression-ratio check applies to members larger than this
# All sheets' XML together (openpyxl parses every sheet without a <dimension> just to size it): a cell is
# 2–3 elements (c, then v or f, or is and t), so MAX_CELLS cells and what surrounds them fit.
MAX_SHEET_ELEMENTS = 3 * MAX_CELLS + MAX_XML_ELEMENTS

# csv's own field limit (131,072 by default) must never fire first: our length check names the row,
# the column and MAX_FIELD_CHARS. No accepted file can hold a field longer than the file itself.
if csv.field_size_limit() < MAX_FILE_BYTES:
    csv.field_size_limit(MAX_FILE_BYTES)

_POLISH_LETTERS = set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
# C0 controls that never occur in a text table (tab, newlines, VT and FF can come from pasted text).
_BINARY_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f]")
_SEP_LINE = re.compile(r"sep=(.)[ \t]*(?:\r\n|\r|\n|$)", re.IGNORECASE)  # Excel's optional first line
_ENCODING_NAMES = {"utf-8": "UTF-8", "utf-16": "UTF-16", "cp1250": "Windows-1250", "iso-8859-2": "ISO-8859-2"}
_SIGNATURES = (
    (b"\x89PNG", "obraz PNG"),
    (b"\xff\xd8\xff", "obraz JPEG"),
    (b"GIF8", "obraz GIF"),
    (b"%PDF", "dokument PDF"),
    (b"PK\x03\x04", "archiwum ZIP lub skoroszyt Excel (.xlsx)"),
    (b"\xd0\xcf\x11\xe0", "dokument Word/Excel w starym formacie (.doc/.xls) albo plik chroniony hasłem"),
    (b"\x7fELF", "program"),
    (b"MZ", "program"),
)


# --- messages ------------------------------------------------------------------------------------
def quote(value, limit: int = QUOTE_CHARS) -> str:
    """A user's value in Polish quotes, cut with "…" so a message never repeats a huge value whole."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f"„{text}”"


def quote_list(values, limit: int = LISTED_VALUES) -> str:
    """„a”, „b”, „c” i 7 innych — at most `limit` values named."""
    values = list(values)
    listed = ", ".join(quote(v) for v in values[:limit])
    rest = len(values) - limit
    return f"{listed} i {fmt_int(rest)} {plural(rest, ('inna', 'inne', 'innych'))}" if rest > 0 else listed


def format_mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def format_size(size: int) -> str:
    """1,5 MB; below 1 MB in KB (a 170 KB bomb is not '0,2 MB')."""
    if size < 1024 * 1024:
        return f"{fmt_int(max(1, round(size / 1024)))} KB"
    return f"{format_mb(size)} MB"


def rows_text(rows: list[int], limit: int = 10) -> str:
    """'wiersz 5' / 'wiersze 5, 9, 12 …' for a message."""
    shown = ", ".join(str(n) for n in rows[:limit]) + (" …" if len(rows) > limit else "")
    return ("wiersz " if len(rows) == 1 else "wiersze ") + shown


# --- problems, bounded ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Omitted(Problem):
    """Stands for the findings left out of a capped list (how many, how many of them errors)."""

    pominiete: int = 0
    pominiete_bledy: int = 0


def _row_order(row: int | None) -> tuple[bool, int]:
    return row is not None, row or 0  # whole-file findings (no row) first


def _order(problem: Problem) -> tuple[bool, int]:
    return _row_order(problem.wiersz)


class ProblemList:
    """The findings of one file, listed up to MAX_PROBLEMS; the rest are only counted (bounded memory).

    Whole-file findings (no row) are few by construction and always kept; row findings are kept in the
    order added (callers add them row by row), so the listed ones are those of the first rows."""

    def __init__(self, plik: str, limit: int = MAX_PROBLEMS):
        self.plik = plik
        self.limit = limit
        self._whole: list[Problem] = []
        self._rows: list[Problem] = []
        self.hidden = 0
        self.hidden_errors = 0
        self._first_hidden: list[int | None] = []
        self.error_rows: set[int] = set()  # every row with an error, listed or not

    def add(self, problem: Problem) -> None:
        if isinstance(problem, Omitted):  # a list capped earlier (the reader's): its counts carry over
            self.hidden += problem.pominiete
            self.hidden_errors += problem.pominiete_bledy
            self._first_hidden.append(problem.wiersz)
            return
        if problem.is_error and problem.wiersz is not None:
            self.error_rows.add(problem.wiersz)
        if problem.wiersz is None:
            self._whole.append(problem)
        elif len(self._rows) < self.limit:
            self._rows.append(problem)
        else:
            self._hide([problem])

    def extend(self, problems) -> None:
        for problem in problems:
            self.add(problem)

    def _hide(self, problems: list[Problem]) -> None:
        self.hidden += len(problems)
        self.hidden_errors += sum(p.is_error for p in problems)
        self._first_hidden.append(min((p.wiersz for p in problems), key=_row_order))

    def listed(self) -> list[Problem]:
        """Whole-file findings first, then row by row (stable), at most `limit` including the summary."""
        items = sorted(self._whole + self._rows, key=_order)
        hidden, hidden_errors, first = self.hidden, self.hidden_errors, list(self._first_hidden)
        if len(items) + (1 if hidden else 0) > self.limit:
            keep = max(self.limit - 1, 0)
            cut, items = items[keep:], items[:keep]
            hidden += len(cut)
            hidden_errors += sum(p.is_error for p in cut)
            first.append(min((p.wiersz for p in cut), key=_row_order))
        if not hidden:
            return items
        row = min(first, key=_row_order)
        start = "Od tego wiersza lista jest skrócona" if row is not None else "Lista problemów jest skrócona"
        items.append(Omitted(
            self.plik, row, None,
            f"{start}: nie wypisano dalszych problemów – {fmt_int(hidden)} (błędy: {fmt_int(hidden_errors)}, "
            f"ostrzeżenia: {fmt_int(hidden - hidden_errors)}); wypisujemy najwyżej {fmt_int(self.limit)}. "
            "Popraw wskazane błędy i wczytaj plik ponownie.",
            ERROR if hidden_errors else WARNING,
            pominiete=hidden, pominiete_bledy=hidden_errors,
        ))
        return items


# --- the table ------------------------------------------------------------------------------------
@dataclass
class Table:
    """A table read from one file: every cell a stripped string ('' when blank)."""

    plik: str
    frame: pd.DataFrame  # columns: header cells as written; index: file row number (name "wiersz")
    problems: list[Problem] = field(default_factory=list)  # at most MAX_PROBLEMS (an Omitted one last)
    naglowek: int | None = None  # row number of the header
    arkusz: str | None = None  # sheet read (XLSX only)
    kodowanie: str | None = None  # encoding read (CSV only): "utf-8", "cp1250", …
    error_rows: frozenset[int] = frozenset()  # every data row with a reader error, listed or not

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def file_errors(self) -> list[Problem]:
        """Errors that make the whole file unreadable (not tied to one data row)."""
        return [p for p in self.errors if p.wiersz is None or p.wiersz == self.naglowek]

    def row_errors(self, row: int) -> list[Problem]:
        return [p for p in self.errors if p.wiersz == row]

    def has_row_error(self, row: int) -> bool:
        """The reader found an error in this row (also when the error is not among the listed ones)."""
        return row in self.error_rows


def _frame(columns: list[str], rows: list[list[str]], numbers: list[int]) -> pd.DataFrame:
    # Built by hand (not pd.read_csv) so duplicate headers survive as written and nothing is inferred.
    return pd.DataFrame(rows, columns=columns, index=pd.Index(numbers, name=INDEX_NAME, dtype="int64"), dtype=str)


def _finish(plik: str, problems: ProblemList, frame: pd.DataFrame | None = None, **fields) -> Table:
    if frame is None:
        frame = _frame([], [], [])
    header = fields.get("naglowek")
    listed = problems.listed()
    return Table(plik=plik, frame=frame, problems=listed,
                 error_rows=frozenset(r for r in problems.error_rows if r != header), **fields)


def _file_error(plik: str, message: str, **fields) -> Table:
    problems = ProblemList(plik)
    problems.add(Problem(plik, None, None, message))
    return _finish(plik, problems, **fields)


# --- header keys ---------------------------------------------------------------------------------------
def header_key(text: str) -> str:
    """Compare headers ignoring case, spacing, punctuation and Polish diacritics: `Data zgłoszenia` = `data_zgloszenia`."""
    text = str(text).replace("ł", "l").replace("Ł", "L")  # ł has no Unicode decomposition
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]", "", text.casefold())


@dataclass
class ColumnMatch:
    positions: dict[str, int]  # canonical name -> column position in the frame
    unknown: list[str]  # headers as written that match nothing
    duplicated: dict[str, list[str]]  # canonical name -> headers as written that all match it


def match_columns(headers: list[str], accepted: dict[str, tuple[str, ...]]) -> ColumnMatch:
    """Map the file's headers onto canonical column names; `accepted` lists extra spellings per name."""
    lookup: dict[str, str] = {}
    for canonical, aliases in accepted.items():
        for spelling in (canonical, *aliases):
            lookup[header_key(spelling)] = canonical
    positions: dict[str, int] = {}
    seen: dict[str, list[str]] = {}
    unknown: list[str] = []
    for i, header in enumerate(headers):
        canonical = lookup.get(header_key(header))
        if canonical is None:
            unknown.append(header)
            continue
        seen.setdefault(canonical, []).append(header)
        positions.setdefault(canonical, i)
    duplicated = {c: hs for c, hs in seen.items() if len(hs) > 1}
    return ColumnMatch(positions=positions, unknown=unknown, duplicated=duplicated)


def header_problems(
    plik: str, header_row: int | None, match: ColumnMatch, required: list[str], described: dict[str, str] | None = None,
) -> list[Problem]:
    """The header's findings, worded once for every kind of file: unknown columns (a warning), then missing
    required and duplicated columns (errors — the file cannot be read column by column)."""
    problems: list[Problem] = []
    if match.unknown:
        problems.append(Problem(
            plik, header_row, None, f"Nieznane kolumny zostaną pominięte: {quote_list(match.unknown, 10)}.", WARNING,
        ))
    for name in required:
        if name not in match.positions:
            what = f" {described[name]}" if described and name in described else ""
            problems.append(Problem(plik, header_row, name, f"Brak wymaganej kolumny „{name}”{what}."))
    for canonical, written in match.duplicated.items():
        problems.append(Problem(
            plik, header_row, written[1],
            f"Kolumna „{canonical}” występuje w nagłówku więcej niż raz ({quote_list(written, 10)}) – zostaw jedną.",
        ))
    return problems


# --- entry points -----------------------------------------------------------------------------------
def _display_name(filename) -> str:
    plik = str(filename or "").strip() or "(bez nazwy)"
    return plik if len(plik) <= MAX_FILENAME_CHARS else plik[: MAX_FILENAME_CHARS - 1] + "…"


def _too_big(plik: str, size: int, max_bytes: int) -> str:
    return (f"Plik {quote(plik)} jest za duży ({format_mb(size)} MB); "
            f"największy dopuszczalny rozmiar to {format_mb(max_bytes)} MB.")


def read_table(data: bytes, filename: str, *, sheet: str | None = None, max_bytes: int = MAX_FILE_BYTES) -> Table:
    """Read CSV (UTF-8, UTF-8 with BOM, Windows-1250; `,` `;` or tab) or XLSX (`sheet` if present, else the
    first sheet). Never raises: whatever goes wrong is a Problem in the result."""
    plik = _display_name(filename)
    try:
        if data is None:
            return _file_error(plik, f"Plik {quote(plik)} jest pusty.")
        data = bytes(data)
        # Size first, before any parsing: a wrong multi-megabyte file must fail at once.
        if len(data) > max_bytes:
            return _file_error(plik, _too_big(plik, len(data), max_bytes))
        if not data.strip():
            return _file_error(plik, f"Plik {quote(plik)} jest pusty.")
        suffix = Path(plik).suffix.lower()
        if suffix in CSV_EXTENSIONS:
            return _read_csv(data, plik)
        if suffix in XLSX_EXTENSIONS:
            return _read_xlsx(data, plik, sheet)
        if suffix == ".xls":
            return _file_error(
                plik,
                f"Plik {quote(plik)} jest w starym formacie Excel 97–2003 (.xls), którego nie obsługujemy: "
                "otwórz go w Excelu i zapisz jako „Skoroszyt programu Excel (.xlsx)” albo jako CSV.",
            )
        what = f"ma nieobsługiwane rozszerzenie {quote(suffix)}" if suffix else "nie ma rozszerzenia"
        return _file_error(plik, f"Plik {quote(plik)} {what}: wczytaj plik CSV (.csv) lub skoroszyt Excel (.xlsx).")
    except Exception:  # noqa: BLE001 — a third-party parser may fail in any way on a hostile file
        log.debug("unreadable file %r", plik, exc_info=True)  # for the operator; never in the message
        return _file_error(
            plik, f"Nie udało się odczytać pliku {quote(plik)} – plik jest uszkodzony albo ma nieznany format.",
        )


_OS_ERRORS = {
    errno.ENOENT: "nie istnieje",
    errno.EACCES: "nie może zostać odczytany – brak uprawnień",
    errno.EPERM: "nie może zostać odczytany – brak uprawnień",
    errno.EISDIR: "jest katalogiem, a nie plikiem",
    errno.ENAMETOOLONG: "ma zbyt długą nazwę",
    errno.ELOOP: "jest zapętlonym dowiązaniem",
}


def read_table_path(path: Path, *, sheet: str | None = None, max_bytes: int = MAX_FILE_BYTES) -> Table:
    """Same as read_table for a file on disk; a missing or oversized file is a Problem, not an exception."""
    path = Path(path)
    plik = _display_name(path.name or str(path))
    shown = quote(path, 200)
    try:
        if not path.is_file():
            what = "jest katalogiem, a nie plikiem" if path.is_dir() else "nie istnieje"
            return _file_error(plik, f"Plik {shown} {what}.")
        size = path.stat().st_size
        if size > max_bytes:  # do not even read it
            return _file_error(plik, _too_big(plik, size, max_bytes))
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)  # the file may grow between stat() and read()
    except OSError as exc:
        what = _OS_ERRORS.get(exc.errno, f"nie może zostać odczytany (błąd systemu nr {exc.errno})")
        return _file_error(plik, f"Plik {shown} {what}.")
    except ValueError:  # e.g. a NUL byte in the path
        return _file_error(plik, f"Ścieżka {shown} jest niepoprawna.")
    return read_table(data, plik, sheet=sheet, max_bytes=max_bytes)


# --- CSV: decoding ------------------------------------------------------------------------------------
def _signature(data: bytes) -> str | None:
    for magic, what in _SIGNATURES:
        if data.startswith(magic):
            return what
    return None


def _polish(text: str) -> int:
    return sum(ch in _POLISH_LETTERS for ch in text)


@dataclass
class Decoded:
    text: str
    encoding: str  # the encoding of most lines
    other: str | None = None  # the encoding of the other lines, when the file mixes two
    other_lines: list[int] = field(default_factory=list)  # 1-based physical lines in `other`


def _eight_bit(data: bytes) -> str | None:
    """cp1250 or ISO-8859-2 for bytes that are not UTF-8; None if neither decodes them."""
    candidates: list[tuple[str, str]] = []
    try:
        candidates.append((data.decode("cp1250"), "cp1250"))
    except UnicodeDecodeError:
        pass
    if not re.search(rb"[\x80-\x9f]", data):  # ISO-8859-2 has only controls there
        candidates.append((data.decode("iso-8859-2"), "iso-8859-2"))
    if not candidates:
        return None
    # cp1250 and ISO-8859-2 differ in ą, ś, ź (and capitals): the right one yields more Polish letters.
    return max(candidates, key=lambda c: _polish(c[0]))[1]


def decode(data: bytes) -> Decoded | None:
    """The text of a CSV, line by line: UTF-8 (with or without BOM), else Windows-1250/ISO-8859-2 — and when
    lines disagree (rows pasted from another file), each line in its own encoding, the others named.
    None if the bytes are not text in any of these."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        try:
            return Decoded(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError:
            return None
    try:
        return Decoded(data.decode("utf-8-sig"), "utf-8")
    except UnicodeDecodeError:
        pass
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    lines = list(_non_ascii_lines(body))  # only these can differ; ASCII reads the same in every encoding
    utf8: dict[int, str] = {}
    not_utf8: list[bytes] = []
    for start, end, _ in lines:
        try:
            utf8[start] = body[start:end].decode("utf-8")
        except UnicodeDecodeError:
            not_utf8.append(body[start:end])
    eight = _eight_bit(b"\n".join(not_utf8))
    if eight is None:
        return None
    parts: list[str] = []
    in_utf8: list[int] = []
    in_eight: list[int] = []
    done = 0
    for start, end, number in lines:
        parts.append(body[done:start].decode("ascii"))
        done = end
        try:
            other = body[start:end].decode(eight)
        except UnicodeDecodeError:
            other = None
        # A line valid as UTF-8 is UTF-8 unless the 8-bit reading has more Polish letters
        # ("GÓŁKA" in cp1250 happens to be valid UTF-8, but reads as Cyrillic).
        if start in utf8 and (other is None or _polish(utf8[start]) >= _polish(other)):
            parts.append(utf8[start])
            in_utf8.append(number)
        else:
            parts.append(other)
            in_eight.append(number)
    parts.append(body[done:].decode("ascii"))
    text = "".join(parts)
    if not in_utf8:
        return Decoded(text, eight)
    if len(in_utf8) >= len(in_eight):  # a tie goes to UTF-8, today's default
        return Decoded(text, "utf-8", eight, in_eight)
    return Decoded(text, eight, "utf-8", in_utf8)


_HIGH_BYTE = re.compile(rb"[\x80-\xff]")


def _non_ascii_lines(body: bytes):
    """(start, end, 1-based line number) of each line holding a non-ASCII byte, lines ending at \\n, \\r or
    \\r\\n as csv counts them. Jumps from one such line to the next: millions of ASCII lines cost nothing."""
    number, counted, pos = 1, 0, 0
    while m := _HIGH_BYTE.search(body, pos):
        i = m.start()
        start = max(body.rfind(b"\n", 0, i), body.rfind(b"\r", 0, i)) + 1
        ends = [e for e in (body.find(b"\n", i), body.find(b"\r", i)) if e != -1]
        end = min(ends) if ends else len(body)
        between = body[counted:start]
        number += between.count(b"\n") + between.count(b"\r") - between.count(b"\r\n")
        counted = start
        yield start, end, number
        pos = end


def decode_text(data: bytes) -> tuple[str | None, str | None]:
    """(text, encoding of most lines), or (None, None) if the bytes are not text."""
    decoded = decode(data)
    return (decoded.text, decoded.encoding) if decoded else (None, None)


def _delimiter(line: str) -> str:
    unquoted = re.sub(r'"[^"]*"', "", line)
    counts = {d: unquoted.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])  # ties: `;` first, what Polish Excel writes
    return best if counts[best] else ","


def _first_filled_line(text: str, start: int) -> str:
    for m in re.finditer(r"[^\r\n]*", text[start:start + MAX_FIELD_CHARS * 2]):
        if m[0].strip():
            return m[0]
    return ""


def _too_many_rows(plik: str, where: str, **fields) -> Table:
    return _file_error(
        plik,
        f"{where} ma więcej niż {fmt_int(MAX_DATA_ROWS)} wierszy danych – formularze i lista gmin mogą mieć "
        f"najwyżej {fmt_int(MAX_DATA_ROWS)} wierszy pod nagłówkiem. Podziel plik albo usuń zbędne wiersze.",
        **fields,
    )


def _read_csv(data: bytes, plik: str) -> Table:
    what = _signature(data)
    decoded = decode(data)
    if decoded is None or _BINARY_CHARS.search(decoded.text):
        if what and what.startswith("archiwum ZIP"):
            hint = " – wygląda na skoroszyt Excel: zmień rozszerzenie na .xlsx albo zapisz go w Excelu jako CSV"
        elif what:
            hint = f" – wygląda na: {what}"
        else:
            hint = ""
        return _file_error(
            plik,
            f"Plik {quote(plik)} nie jest plikiem tekstowym CSV (zawiera dane binarne){hint}. "
            "Wczytaj plik zapisany jako CSV (UTF-8 lub Windows-1250) albo XLSX.",
        )
    text = decoded.text.lstrip("\ufeff")
    skip = 0
    delimiter = None
    if m := _SEP_LINE.match(text):
        delimiter, skip = m[1], 1
    if delimiter is None or delimiter in "\r\n\"":
        delimiter = _delimiter(_first_filled_line(text, m.end() if m else 0))
    where = f"Plik {quote(plik)}"
    fields = {"kodowanie": decoded.encoding}
    # strict: a quote left open must not swallow the rest of the file into one field without a word
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0
    records: list[tuple[int, list[str]]] = []
    overflow: dict[int, int] = {}  # row -> fields in it, when filled ones lie past MAX_COLUMNS
    other_lines = decoded.other_lines  # physical lines in the other encoding -> the records holding them
    other_rows: list[int] = []
    k = 0
    data_rows = -1  # the first filled record is the header
    try:
        for number, record in enumerate(reader, start=1):
            if other_lines:
                while k < len(other_lines) and other_lines[k] <= reader.line_num:
                    if not other_rows or other_rows[-1] != number:
                        other_rows.append(number)
                    k += 1
            # any(record) first: millions of empty lines must cost next to nothing
            if not any(record) or number <= skip or not any(cell.strip() for cell in record):
                continue
            if len(record) > MAX_COLUMNS:
                if any(cell.strip() for cell in record[MAX_COLUMNS:]):
                    overflow[number] = len(record)
                record = record[:MAX_COLUMNS]
            records.append((number, [cell.strip() for cell in record]))
            data_rows += 1
            if data_rows > MAX_DATA_ROWS:  # before any row is validated: one message, not thousands
                return _too_many_rows(plik, where, **fields)
    except csv.Error:
        return _file_error(
            plik,
            f"Nie udało się odczytać pliku CSV {quote(plik)}: w wierszu {number + 1} cudzysłów nie jest domknięty "
            "albo po zamykającym cudzysłowie stoi coś innego niż separator – sprawdź cudzysłowy w tym wierszu.",
            **fields,
        )
    problems = ProblemList(plik)
    if decoded.other:
        problems.add(Problem(
            plik, None, None,
            f"Plik jest zapisany w dwóch kodowaniach: większość wierszy w {_ENCODING_NAMES[decoded.encoding]}, "
            f"a {rows_text(other_rows)} w {_ENCODING_NAMES[decoded.other]}. Każdy wiersz odczytano w jego "
            "kodowaniu – sprawdź polskie znaki w tych wierszach i zapisz plik w jednym kodowaniu (najlepiej UTF-8).",
            WARNING,
        ))
    return _tabulate(plik, records, problems, csv_layout=True, overflow=overflow, **fields)


# --- XLSX: the container, before openpyxl ---------------------------------------------------------------
def cell_text(value) -> str:
    """An Excel cell as the user meant it: 2013011.0 -> "2013011", a date cell -> "2020-09-15"."""
    if value is None:
        return ""
    if isinstance(value, bool):  # before int: bool is an int subclass
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value).strip()


def _opening_tags(xml: bytes, start: int = 0, end: int | None = None) -> int:
    end = len(xml) if end is None else end
    return (xml.count(b"<", start, end) - xml.count(b"</", start, end) - xml.count(b"<?", start, end)
            - xml.count(b"<!", start, end))


def _count_tags(xml: bytes, tag: bytes) -> int:
    """Opening tags <tag …>, <tag>, <tag/> — counted with bytes.count (fast), prefixed ones (<x:tag>) by regex."""
    n = sum(xml.count(b"<" + tag + end) for end in (b" ", b">", b"/", b"\n", b"\r", b"\t"))
    if re.search(rb"<\w+:" + tag + rb"[\s>/]", xml):
        n += sum(1 for _ in re.finditer(rb"<\w+:" + tag + rb"[\s>/]", xml))
    return n


_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData[\s>/]")
_SHEET_DATA_END = re.compile(rb"</(?:\w+:)?sheetData\s*>")
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb"\br\s*=\s*[\"'](\d+)[\"']")
_VALUE_TAG = re.compile(rb"<(?:\w+:)?(?:v|is|f)[\s>/]")
# A cell in a column of two or three letters (AA… — the only ones that can lie past MAX_COLUMNS).
_WIDE_CELL = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br\s*=\s*[\"']([A-Z]{2,3})(\d+)[\"'][^>]*?(/?)>")


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _part_label(name: str) -> str:
    if name.startswith("xl/worksheets/"):
        return f"arkusz {quote(name.rsplit('/', 1)[-1])}"
    if name.endswith("sharedStrings.xml"):
        return "tabela tekstów (sharedStrings.xml)"
    return f"część {quote(name)}"


@dataclass
class SheetScan:
    """What the raw XML of one sheet holds, counted before openpyxl parses it."""

    cells: int
    formulas: bool  # any <f> at all: only then is the formula pass needed
    last_row: int  # the number of the last <row>, as openpyxl will count it
    values_beyond_rows: bool  # a value in a row past MAX_SHEET_ROWS
    beyond_columns: dict[int, str]  # row -> first cell with a value past MAX_COLUMNS (e.g. "XFD7")


def scan_sheet(xml: bytes) -> SheetScan:
    counter = 0
    beyond_rows_at = None
    for m in _ROW_TAG.finditer(xml):
        number = _ROW_NUMBER.search(m[1])
        counter = int(number[1]) if number else counter + 1
        if counter > MAX_SHEET_ROWS and beyond_rows_at is None:
            beyond_rows_at = m.end()
    end = _SHEET_DATA_END.search(xml)
    values_beyond = beyond_rows_at is not None and bool(
        _VALUE_TAG.search(xml, beyond_rows_at, end.start() if end else len(xml)))
    beyond: dict[int, str] = {}
    if re.search(rb"\br\s*=\s*[\"'][A-Z]{2}", xml):
        for m in _WIDE_CELL.finditer(xml):
            if m[3] != b"/" and _column_index(m[1]) > MAX_COLUMNS:
                beyond.setdefault(int(m[2]), (m[1] + m[2]).decode())
    return SheetScan(
        cells=_count_tags(xml, b"c"),
        formulas=_FORMULA_TAG.search(xml) is not None,
        last_row=counter,
        values_beyond_rows=values_beyond,
        beyond_columns=beyond,
    )


def _inspect_package(archive: zipfile.ZipFile, plik: str) -> str | None:
    """Why the XLSX container must not be handed to openpyxl (None when it may): sizes, ratio, methods and
    element counts, all read from the zip before any XML is parsed. zipfile enforces the declared sizes
    while reading, so a member cannot inflate past what is checked here."""
    where = f"Skoroszyt {quote(plik)}"
    infos = archive.infolist()
    if len(infos) > MAX_XLSX_MEMBERS:
        return (f"{where} składa się z {fmt_int(len(infos))} części, a skoroszyt z formularzem ma ich najwyżej "
                f"{fmt_int(MAX_XLSX_MEMBERS)} – to nie wygląda na formularz ani listę gmin.")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            return f"{where} jest zaszyfrowany (chroniony hasłem) – usuń hasło i zapisz plik ponownie."
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # zipfile inflates a whole bzip2/LZMA chunk at once, before the size check applies.
            return (f"{where} zawiera {_part_label(info.filename)} spakowaną nieobsługiwaną metodą – "
                    "otwórz plik w Excelu i zapisz go ponownie.")
        if info.file_size > MAX_XLSX_MEMBER:
            return (f"{where}: {_part_label(info.filename)} po rozpakowaniu ma {format_size(info.file_size)}; "
                    f"jedna część skoroszytu może mieć najwyżej {format_size(MAX_XLSX_MEMBER)}.")
        if info.file_size > _RATIO_FROM and info.file_size > MAX_XLSX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            return (f"{where}: {_part_label(info.filename)} rozpakowuje się z {format_size(info.compress_size)} "
                    f"do {format_size(info.file_size)} ({fmt_int(ratio)} razy więcej, dopuszczalne najwyżej "
                    f"{fmt_int(MAX_XLSX_RATIO)}) – plik wygląda na spreparowany (tzw. bomba ZIP).")
        total += info.file_size
    if total > MAX_XLSX_UNCOMPRESSED:
        return (f"{where} po rozpakowaniu ma {format_size(total)}; dopuszczalne najwyżej "
                f"{format_size(MAX_XLSX_UNCOMPRESSED)}.")
    sheet_elements = 0
    for info in infos:
        name = info.filename
        if not name.lower().endswith((".xml", ".rels")):
            continue  # images, VBA: openpyxl does not parse them in read-only mode
        xml = archive.read(info)
        if name.startswith("xl/worksheets/"):
            start = _SHEET_DATA.search(xml)
            before = _opening_tags(xml, 0, start.start() if start else len(xml))
            if before > MAX_XML_ELEMENTS:
                return (f"{where}: {_part_label(name)} ma przed danymi {fmt_int(before)} elementów XML; "
                        f"dopuszczalne najwyżej {fmt_int(MAX_XML_ELEMENTS)} – zapisz dane w nowym skoroszycie "
                        "albo jako CSV.")
            # openpyxl parses every sheet that lacks <dimension> whole, just to size it.
            sheet_elements += _opening_tags(xml)
            if sheet_elements > MAX_SHEET_ELEMENTS:
                return (f"{where}: arkusze mają razem ponad {fmt_int(MAX_SHEET_ELEMENTS)} elementów XML – więcej, "
                        f"niż zajmuje formularz o {fmt_int(MAX_CELLS)} komórkach. Zapisz dane w nowym skoroszycie "
                        "albo jako CSV.")
        elif name.endswith("sharedStrings.xml"):
            strings = _count_tags(xml, b"si")
            if strings > MAX_CELLS:
                return (f"{where} zawiera {fmt_int(strings)} różnych tekstów; dopuszczalne najwyżej "
                        f"{fmt_int(MAX_CELLS)} – to nie wygląda na formularz ani listę gmin.")
            elements = _opening_tags(xml)
            if elements > MAX_SHEET_ELEMENTS:
                return (f"{where}: {_part_label(name)} ma {fmt_int(elements)} elementów XML; dopuszczalne "
                        f"najwyżej {fmt_int(MAX_SHEET_ELEMENTS)} – zapisz dane w nowym skoroszycie albo jako CSV.")
        else:
            elements = _opening_tags(xml)
            if elements > MAX_XML_ELEMENTS:
                return (f"{where}: {_part_label(name)} ma {fmt_int(elements)} elementów XML; dopuszczalne "
                        f"najwyżej {fmt_int(MAX_XML_ELEMENTS)} – zapisz dane w nowym skoroszycie albo jako CSV.")
        del xml
    return None


# --- XLSX: the sheet ----------------------------------------------------------------------------------------
def _corrupt(plik: str) -> str:
    return (f"Plik {quote(plik)} nie jest poprawnym skoroszytem Excel (.xlsx) – może być uszkodzony "
            "albo mieć niewłaściwe rozszerzenie.")


def _read_xlsx(data: bytes, plik: str, sheet: str | None) -> Table:
    if not data.startswith(b"PK"):
        what = _signature(data)
        if what and what.startswith("dokument Word/Excel"):
            hint = (" – to skoroszyt chroniony hasłem albo w starym formacie .xls: usuń hasło lub zapisz go "
                    "jako „Skoroszyt programu Excel (.xlsx)”")
        elif what:
            hint = f" – wygląda na: {what}"
        elif (text := decode_text(data)[0]) is not None and not _BINARY_CHARS.search(text):
            hint = " – wygląda na plik tekstowy: jeśli to CSV, zmień rozszerzenie na .csv"
        else:
            hint = ""
        return _file_error(plik, f"Plik {quote(plik)} nie jest poprawnym skoroszytem Excel (.xlsx){hint}.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return _file_error(plik, _corrupt(plik))
    try:
        try:
            refusal = _inspect_package(archive, plik)
        except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError, RuntimeError):
            refusal = _corrupt(plik)  # a CRC mismatch, a truncated member, an unsupported feature
        if refusal:
            return _file_error(plik, refusal)
        return _read_workbook(data, archive, plik, sheet)
    finally:
        archive.close()


_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def formula_cells(archive: zipfile.ZipFile, part: str, last_row: int) -> dict[int, list[int]]:
    """row -> 0-based columns (< MAX_COLUMNS) of the cells that hold a formula but no stored value.

    openpyxl with data_only reads such a cell as None, the same as a blank one. This second pass over the
    sheet's XML finds them (the parser openpyxl uses, defusedxml's; rows and columns numbered as openpyxl
    numbers them), bounded like the first: rows up to `last_row`, the sheet's size already checked."""
    from openpyxl.utils.cell import column_index_from_string
    from openpyxl.xml.functions import iterparse

    row_tag, cell_tag, f_tag, v_tag, data_tag = (_MAIN_NS + t for t in ("row", "c", "f", "v", "sheetData"))
    found: dict[int, list[int]] = {}
    row = 0
    with archive.open(part) as source:
        for _, element in iterparse(source):  # "end" events: a row arrives whole, with its cells
            tag = element.tag
            if tag == row_tag:
                number = element.get("r")
                row = int(number) if number else row + 1
                if row > last_row:
                    break
                column = 0
                for cell in element:
                    if cell.tag != cell_tag:
                        continue
                    ref = cell.get("r")
                    column = column_index_from_string(ref.rstrip("0123456789")) if ref else column + 1
                    if column <= MAX_COLUMNS and cell.find(f_tag) is not None and cell.find(v_tag) is None:
                        found.setdefault(row, []).append(column - 1)
                element.clear()
            elif tag == data_tag:
                break
    return found


def _read_workbook(data: bytes, archive: zipfile.ZipFile, plik: str, sheet: str | None) -> Table:
    from openpyxl import load_workbook  # imported here: CSV-only callers need not pay for it

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception:  # noqa: BLE001 — zipfile, XML (defusedxml) and openpyxl errors alike mean "corrupt"
        log.debug("openpyxl refused %r", plik, exc_info=True)
        return _file_error(plik, _corrupt(plik))
    try:
        sheets = [ws for ws in workbook.worksheets if hasattr(ws, "iter_rows")]
        if not sheets:
            return _file_error(plik, f"Skoroszyt {quote(plik)} nie zawiera żadnego arkusza z danymi.")
        problems = ProblemList(plik)
        chosen = None
        if sheet:
            chosen = next((ws for ws in sheets if header_key(ws.title) == header_key(sheet)), None)
            if chosen is None and len(sheets) > 1:
                problems.add(Problem(
                    plik, None, None,
                    f"Skoroszyt nie ma arkusza „{sheet}” – wczytano pierwszy arkusz {quote(sheets[0].title)}.",
                    WARNING,
                ))
        chosen = chosen or sheets[0]
        title = chosen.title
        where = f"Arkusz {quote(title)} w pliku {quote(plik)}"
        # The sheet's own XML, counted before openpyxl parses its rows.
        part = getattr(chosen, "_worksheet_path", None)
        if not part or part not in archive.namelist():
            return _file_error(plik, f"{where} jest uszkodzony – nie udało się odczytać jego danych.")
        scan = scan_sheet(archive.read(part))
        if scan.cells > MAX_CELLS:
            return _file_error(
                plik,
                f"{where} ma {fmt_int(scan.cells)} komórek; dopuszczalne najwyżej {fmt_int(MAX_CELLS)} "
                f"(np. {fmt_int(MAX_CELLS // TEMPLATE_COLUMNS)} wierszy × {TEMPLATE_COLUMNS} kolumn) – to nie wygląda na formularz "
                "ani listę gmin.",
                arkusz=title,
            )
        if scan.values_beyond_rows:
            return _file_error(
                plik,
                f"{where} ma dane poniżej wiersza {fmt_int(MAX_SHEET_ROWS)}; czytamy najwyżej "
                f"{fmt_int(MAX_SHEET_ROWS)} wierszy arkusza (z pustymi) – przenieś dane wyżej albo usuń zbędne wiersze.",
                arkusz=title,
            )
        last = min(scan.last_row, MAX_SHEET_ROWS)
        # A formula whose result was never stored (a script-made workbook) reads as None with data_only:
        # never "missing" — the value is unknown. Looked for only when the sheet has <f> at all.
        formulas = formula_cells(archive, part, last) if scan.formulas else {}
        records: list[tuple[int, list[str]]] = []
        if last:
            # The <dimension> tag may claim A1:XFD1048576: explicit bounds, never the sheet's own claim.
            values = chosen.iter_rows(min_row=1, max_row=last, max_col=MAX_COLUMNS, values_only=True)
            data_rows = -1  # the first filled row is the header
            for number, row in enumerate(values, start=1):
                cells = [cell_text(v) for v in row]
                if number in formulas or any(cells):
                    records.append((number, cells))
                    data_rows += 1
                    if data_rows > MAX_DATA_ROWS:
                        return _too_many_rows(plik, where, arkusz=title)
                if number >= last:
                    break  # do not let openpyxl parse what follows the rows (it may be large)
            values.close()
        return _tabulate(plik, records, problems, csv_layout=False, sheet=title, beyond=scan.beyond_columns,
                         formula_cells=[(n, i) for n, columns in formulas.items() for i in columns])
    except Exception:  # noqa: BLE001 — openpyxl parses the rows lazily: errors surface while iterating
        log.debug("openpyxl failed on the rows of %r", plik, exc_info=True)
        return _file_error(plik, f"Plik {quote(plik)} jest uszkodzony – nie udało się odczytać arkusza.")
    finally:
        workbook.close()


# --- common ------------------------------------------------------------------------------------------------
def _column_name(position: int, csv_layout: bool) -> str:
    if csv_layout:
        return f"nr {position + 1}"
    from openpyxl.utils import get_column_letter

    return get_column_letter(position + 1)


def _tabulate(
    plik: str,
    records: list[tuple[int, list[str]]],
    problems: ProblemList,
    *,
    csv_layout: bool,
    sheet: str | None = None,
    overflow: dict[int, int] | None = None,
    beyond: dict[int, str] | None = None,
    formula_cells: list[tuple[int, int]] | None = None,
    kodowanie: str | None = None,
) -> Table:
    """Header = first non-blank record; fully blank rows are skipped; file row numbers are kept.
    Records hold at most MAX_COLUMNS cells; `overflow` (CSV) and `beyond` (XLSX) say which rows had
    values past that, `formula_cells` which cells hold a formula without a stored value."""
    overflow = overflow or {}
    beyond = beyond or {}
    formula_rows: dict[int, list[int]] = {}
    for n, i in formula_cells or ():
        formula_rows.setdefault(n, []).append(i)
    fields = {"arkusz": sheet, "kodowanie": kodowanie}
    records = [(n, r) for n, r in records if any(r) or n in formula_rows]
    where = f"Arkusz {quote(sheet)} w pliku {quote(plik)}" if sheet else f"Plik {quote(plik)}"
    if not records:
        problems.add(Problem(plik, None, None, f"{where} jest pusty."))
        return _finish(plik, problems, **fields)
    header_row, header = records[0]
    header = [h.lstrip("\ufeff").strip() for h in header]
    body = records[1:]
    width = max([len(header)] + [len(r) for _, r in body])
    header = header + [""] * (width - len(header))
    if header_row in overflow or header_row in beyond:
        wide = (f"ma {fmt_int(overflow[header_row])} kolumn" if header_row in overflow
                else f"sięga poza {fmt_int(MAX_COLUMNS)}. kolumnę (komórka {beyond[header_row]})")
        problems.add(Problem(
            plik, header_row, None,
            f"Nagłówek {'arkusza ' + quote(sheet) if sheet else 'pliku'} {wide}; formularz i lista gmin mogą mieć "
            f"najwyżej {fmt_int(MAX_COLUMNS)} kolumn – to nie wygląda na formularz ani listę gmin.",
        ))
        return _finish(plik, problems, naglowek=header_row, **fields)
    named = [i for i, h in enumerate(header) if h]
    last_named = max(named) if named else -1

    # The header row itself: too long a header cell, a formula in it.
    for i, h in enumerate(header):
        if len(h) > MAX_FIELD_CHARS:
            problems.add(_field_too_long(plik, header_row, _column_name(i, csv_layout), h))
            header[i] = ""
    for i in formula_rows.get(header_row, ()):
        problems.add(_formula_problem(plik, header_row, _column_name(i, csv_layout), sheet, i))
    named = [i for i, h in enumerate(header) if h]
    # Columns without a header: drop them, but say so if they hold data that would be silently lost.
    for i, h in enumerate(header):
        if h:
            continue
        if csv_layout and i > last_named:
            continue  # reported per row below: in CSV this means shifted values
        filled = next((n for n, r in body if i < len(r) and r[i]), None)
        if filled is not None:
            problems.add(Problem(
                plik, header_row, None,
                f"Kolumna {_column_name(i, csv_layout)} nie ma nagłówka – jej wartości (np. w wierszu {filled}) "
                "pominięto.",
                WARNING,
            ))
    beyond_rows = [n for n, _ in body if n in beyond]
    if beyond_rows:
        problems.add(Problem(
            plik, header_row, None,
            f"Wartości poza {fmt_int(MAX_COLUMNS)}. kolumną (np. w komórce {beyond[beyond_rows[0]]}) pominięto – "
            f"formularz i lista gmin mają najwyżej {fmt_int(MAX_COLUMNS)} kolumn.",
            WARNING,
        ))
    rows: list[list[str]] = []
    for n, r in body:
        if csv_layout:
            extra = [c for c in r[last_named + 1:] if c]
            if extra or n in overflow:
                # A quote opened and never closed swallows the lines that follow into one field.
                quotes = (" Sprawdź też, czy cudzysłów otwarty w tym wierszu jest domknięty – pole obejmuje kilka linii."
                          if any("\n" in c or "\r" in c for c in extra) else "")
                problems.add(Problem(
                    plik, n, None,
                    f"Wiersz ma więcej wypełnionych pól niż nagłówek ({len(named)} kolumn) – wartości mogły się "
                    f"przesunąć: tekst zawierający separator (przecinek lub średnik) ujmij w cudzysłów.{quotes}",
                ))
        for i in formula_rows.get(n, ()):
            if i < len(header) and header[i]:  # a column without a header is dropped anyway
                problems.add(_formula_problem(plik, n, header[i], sheet, i))
        out = [(r[i] if i < len(r) else "") for i in named]
        for j, i in enumerate(named):
            if len(out[j]) > MAX_FIELD_CHARS:
                problems.add(_field_too_long(plik, n, header[i], out[j]))
                out[j] = ""  # the row is an error: nothing downstream needs the megabytes
        rows.append(out)
    frame = _frame([header[i] for i in named], rows, [n for n, _ in body])
    return _finish(plik, problems, frame, naglowek=header_row, **fields)


def _field_too_long(plik: str, row: int, column: str, value: str) -> Problem:
    hint = (" Jeśli to nie jest jeden długi tekst, sprawdź, czy cudzysłów otwarty w tym polu jest domknięty."
            if "\n" in value or "\r" in value else "")
    return Problem(
        plik, row, column,
        f"Pole ma {fmt_int(len(value))} znaków; w jednym polu może być najwyżej {fmt_int(MAX_FIELD_CHARS)} znaków "
        f"(początek: {quote(value, 40)}).{hint}",
    )


def _formula_problem(plik: str, row: int, column: str, sheet: str | None, position: int) -> Problem:
    from openpyxl.utils import get_column_letter

    cell = f"{get_column_letter(position + 1)}{row}"
    return Problem(
        plik, row, column,
        f"Formuła bez wyliczonej wartości (arkusz {quote(sheet or '')}, komórka {cell}) – otwórz plik w Excelu "
        "i zapisz go ponownie, aby zapisać wyniki formuł.",
    )


def split_problems(table: "Table") -> tuple["ProblemList", dict[int, list[Problem]]]:
    """A table's findings: those about the whole file (kept in a capped list) and those of each
    data row (by row number), for a reader that checks rows next."""
    problems = ProblemList(table.plik)
    by_row: dict[int, list[Problem]] = {}
    for p in table.problems:
        if p.wiersz is None or p.wiersz == table.naglowek:
            problems.add(p)
        else:
            by_row.setdefault(p.wiersz, []).append(p)
    return problems, by_row
