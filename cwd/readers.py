"""Read a user's table (CSV or XLSX, as bytes) into a frame of strings, reporting problems instead of raising.

The frame keeps the file's own row numbers (header = row 1 when it is the first line) as its index, so
every later finding can point the user at the row they see in Excel.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd

from cwd.problems import WARNING, Problem

MAX_BYTES = 5 * 1024 * 1024  # forms and OSI lists are a few KB; anything bigger is a wrong file
MAX_ROWS = 100_000  # physical rows scanned in a sheet; bounds the time spent on odd workbooks
CSV_EXTENSIONS = {".csv", ".txt"}
XLSX_EXTENSIONS = {".xlsx", ".xlsm"}
INDEX_NAME = "wiersz"

_POLISH_LETTERS = set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
# C0 controls that never occur in a text table (tab, newlines, VT and FF can come from pasted text).
_BINARY_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f]")
_SEP_LINE = re.compile(r"^sep=(.)\s*$", re.IGNORECASE)  # Excel's optional first line
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


@dataclass
class Table:
    """A table read from one file: every cell a stripped string ('' when blank)."""

    plik: str
    frame: pd.DataFrame  # columns: header cells as written; index: file row number (name "wiersz")
    problems: list[Problem] = field(default_factory=list)
    naglowek: int | None = None  # row number of the header
    arkusz: str | None = None  # sheet read (XLSX only)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def file_errors(self) -> list[Problem]:
        """Errors that make the whole file unreadable (not tied to one data row)."""
        return [p for p in self.errors if p.wiersz is None or p.wiersz == self.naglowek]

    def row_errors(self, row: int) -> list[Problem]:
        return [p for p in self.errors if p.wiersz == row]


def _empty_table(plik: str, problems: list[Problem]) -> Table:
    return Table(plik=plik, frame=_frame([], [], []), problems=problems)


def _frame(columns: list[str], rows: list[list[str]], numbers: list[int]) -> pd.DataFrame:
    # Built by hand (not pd.read_csv) so duplicate headers survive as written and nothing is inferred.
    return pd.DataFrame(rows, columns=columns, index=pd.Index(numbers, name=INDEX_NAME, dtype="int64"), dtype=str)


def format_mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def _file_error(plik: str, message: str) -> Table:
    return _empty_table(plik, [Problem(plik, None, None, message)])


# --- header keys -------------------------------------------------------------
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


# --- entry points ------------------------------------------------------------
def read_table(data: bytes, filename: str, *, sheet: str | None = None, max_bytes: int = MAX_BYTES) -> Table:
    """Read CSV (UTF-8, UTF-8 with BOM, Windows-1250; `,` `;` or tab) or XLSX (`sheet` if present, else the
    first sheet). Never raises: whatever goes wrong is a Problem in the result."""
    plik = str(filename or "").strip() or "(bez nazwy)"
    try:
        if data is None:
            return _file_error(plik, f"Plik „{plik}” jest pusty.")
        data = bytes(data)
        # Size first, before any parsing: a wrong multi-megabyte file must fail at once.
        if len(data) > max_bytes:
            return _file_error(
                plik,
                f"Plik „{plik}” jest za duży ({format_mb(len(data))} MB); "
                f"największy dopuszczalny rozmiar to {format_mb(max_bytes)} MB.",
            )
        if not data.strip():
            return _file_error(plik, f"Plik „{plik}” jest pusty.")
        suffix = Path(plik).suffix.lower()
        if suffix in CSV_EXTENSIONS:
            return _read_csv(data, plik)
        if suffix in XLSX_EXTENSIONS:
            return _read_xlsx(data, plik, sheet)
        if suffix == ".xls":
            return _file_error(
                plik,
                f"Plik „{plik}” jest w starym formacie Excel 97–2003 (.xls), którego nie obsługujemy: "
                "otwórz go w Excelu i zapisz jako „Skoroszyt programu Excel (.xlsx)” albo jako CSV.",
            )
        what = f"ma nieobsługiwane rozszerzenie „{suffix}”" if suffix else "nie ma rozszerzenia"
        return _file_error(plik, f"Plik „{plik}” {what}: wczytaj plik CSV (.csv) lub skoroszyt Excel (.xlsx).")
    except Exception as exc:  # noqa: BLE001 — a third-party parser may fail in any way on a hostile file
        return _file_error(plik, f"Nie udało się odczytać pliku „{plik}” ({type(exc).__name__}).")


def read_table_path(path: Path, *, sheet: str | None = None, max_bytes: int = MAX_BYTES) -> Table:
    """Same as read_table for a file on disk; a missing or oversized file is a Problem, not an exception."""
    path = Path(path)
    plik = path.name or str(path)
    try:
        if not path.is_file():
            what = "jest katalogiem, a nie plikiem" if path.is_dir() else "nie istnieje"
            return _file_error(plik, f"Plik „{path}” {what}.")
        size = path.stat().st_size
        if size > max_bytes:  # do not even read it
            return _file_error(
                plik,
                f"Plik „{plik}” jest za duży ({format_mb(size)} MB); "
                f"największy dopuszczalny rozmiar to {format_mb(max_bytes)} MB.",
            )
        data = path.read_bytes()
    except OSError as exc:
        return _file_error(plik, f"Nie można otworzyć pliku „{path}”: {exc.strerror or type(exc).__name__}.")
    return read_table(data, plik, sheet=sheet, max_bytes=max_bytes)


# --- CSV -----------------------------------------------------------------------
def _signature(data: bytes) -> str | None:
    for magic, what in _SIGNATURES:
        if data.startswith(magic):
            return what
    return None


def decode_text(data: bytes) -> tuple[str | None, str | None]:
    """(text, encoding) — UTF-8 first, strictly; then the Polish 8-bit code pages; (None, None) if binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            return None, None
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates: list[tuple[str, str]] = []
    try:
        candidates.append((data.decode("cp1250"), "cp1250"))
    except UnicodeDecodeError:
        pass
    if not re.search(rb"[\x80-\x9f]", data):  # ISO-8859-2 has only controls there
        candidates.append((data.decode("iso-8859-2"), "iso-8859-2"))
    if not candidates:
        return None, None
    # cp1250 and ISO-8859-2 differ in ą, ś, ź (and capitals): the right one yields more Polish letters.
    text, encoding = max(candidates, key=lambda c: sum(ch in _POLISH_LETTERS for ch in c[0]))
    return text, encoding


def _delimiter(line: str) -> str:
    unquoted = re.sub(r'"[^"]*"', "", line)
    counts = {d: unquoted.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])  # ties: `;` first, what Polish Excel writes
    return best if counts[best] else ","


def _read_csv(data: bytes, plik: str) -> Table:
    what = _signature(data)
    text, _ = decode_text(data)
    if text is None or _BINARY_CHARS.search(text):
        if what and what.startswith("archiwum ZIP"):
            hint = " – wygląda na skoroszyt Excel: zmień rozszerzenie na .xlsx albo zapisz go w Excelu jako CSV"
        elif what:
            hint = f" – wygląda na: {what}"
        else:
            hint = ""
        return _file_error(
            plik,
            f"Plik „{plik}” nie jest plikiem tekstowym CSV (zawiera dane binarne){hint}. "
            "Wczytaj plik zapisany jako CSV (UTF-8 lub Windows-1250) albo XLSX.",
        )
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    skip = 0
    delimiter = None
    if lines and (m := _SEP_LINE.match(lines[0])):
        delimiter, skip = m[1], 1
    if delimiter is None:
        first = next((ln for ln in lines if ln.strip()), "")
        delimiter = _delimiter(first)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        records = [[cell.strip() for cell in record] for record in reader]
    except csv.Error as exc:
        return _file_error(
            plik,
            f"Nie udało się odczytać pliku CSV „{plik}” – sprawdź, czy cudzysłowy są domknięte ({exc}).",
        )
    return _tabulate(plik, [(n, r) for n, r in enumerate(records, start=1) if n > skip], csv_layout=True)


# --- XLSX ----------------------------------------------------------------------
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


def _read_xlsx(data: bytes, plik: str, sheet: str | None) -> Table:
    from openpyxl import load_workbook  # imported here: CSV-only callers need not pay for it

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
        return _file_error(plik, f"Plik „{plik}” nie jest poprawnym skoroszytem Excel (.xlsx){hint}.")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — zipfile, XML and openpyxl errors alike mean "corrupt"
        return _file_error(
            plik,
            f"Plik „{plik}” nie jest poprawnym skoroszytem Excel (.xlsx) – może być uszkodzony "
            "albo mieć niewłaściwe rozszerzenie.",
        )
    try:
        return _read_workbook(workbook, plik, sheet)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError):
        return _file_error(plik, f"Plik „{plik}” jest uszkodzony – nie udało się odczytać arkusza.")
    finally:
        workbook.close()


def _read_workbook(workbook, plik: str, sheet: str | None) -> Table:
    sheets = [ws for ws in workbook.worksheets if hasattr(ws, "iter_rows")]
    if not sheets:
        return _file_error(plik, f"Skoroszyt „{plik}” nie zawiera żadnego arkusza z danymi.")
    problems: list[Problem] = []
    chosen = None
    if sheet:
        chosen = next((ws for ws in sheets if header_key(ws.title) == header_key(sheet)), None)
        if chosen is None and len(sheets) > 1:
            problems.append(Problem(
                plik, None, None,
                f"Skoroszyt nie ma arkusza „{sheet}” – wczytano pierwszy arkusz „{sheets[0].title}”.",
                WARNING,
            ))
    chosen = chosen or sheets[0]
    # The <dimension> tag may claim A1:XFD1048576 (formatting applied to whole columns); read real rows only.
    chosen.reset_dimensions()
    records: list[tuple[int, list[str]]] = []
    for number, row in enumerate(chosen.iter_rows(values_only=True), start=1):
        if number > MAX_ROWS:
            return _file_error(
                plik,
                f"Arkusz „{chosen.title}” ma ponad {f'{MAX_ROWS:_}'.replace('_', ' ')} wierszy – "
                "to nie wygląda na formularz ani listę gmin.",
            )
        records.append((number, [cell_text(v) for v in row]))
    table = _tabulate(plik, records, csv_layout=False, sheet=chosen.title)
    table.problems[:0] = problems
    return table


# --- common ---------------------------------------------------------------------
def _column_name(position: int, csv_layout: bool) -> str:
    if csv_layout:
        return f"nr {position + 1}"
    from openpyxl.utils import get_column_letter

    return get_column_letter(position + 1)


def _tabulate(plik: str, records: list[tuple[int, list[str]]], *, csv_layout: bool, sheet: str | None = None) -> Table:
    """Header = first non-blank record; fully blank rows are skipped; file row numbers are kept."""
    records = [(n, r) for n, r in records if any(cell for cell in r)]
    where = f"Arkusz „{sheet}” w pliku „{plik}”" if sheet else f"Plik „{plik}”"
    if not records:
        table = _file_error(plik, f"{where} jest pusty.")
        table.arkusz = sheet
        return table
    header_row, header = records[0]
    header = [h.lstrip("\ufeff").strip() for h in header]
    body = records[1:]
    width = max([len(header)] + [len(r) for _, r in body])
    header = header + [""] * (width - len(header))
    problems: list[Problem] = []
    named = [i for i, h in enumerate(header) if h]
    last_named = max(named) if named else -1

    # Columns without a header: drop them, but say so if they hold data that would be silently lost.
    for i, h in enumerate(header):
        if h:
            continue
        if csv_layout and i > last_named:
            continue  # reported per row below: in CSV this means shifted values
        filled = [n for n, r in body if i < len(r) and r[i]]
        if filled:
            problems.append(Problem(
                plik, header_row, None,
                f"Kolumna {_column_name(i, csv_layout)} nie ma nagłówka – jej wartości (np. w wierszu {filled[0]}) "
                "pominięto.",
                WARNING,
            ))
    if csv_layout:
        for n, r in body:
            extra = [c for c in r[last_named + 1:] if c]
            if extra:
                problems.append(Problem(
                    plik, n, None,
                    f"Wiersz ma więcej wypełnionych pól niż nagłówek ({len(named)} kolumn) – wartości mogły się "
                    "przesunąć: tekst zawierający separator (przecinek lub średnik) ujmij w cudzysłów.",
                ))
    columns = [header[i] for i in named]
    rows = [[(r[i] if i < len(r) else "") for i in named] for _, r in body]
    frame = _frame(columns, rows, [n for n, _ in body])
    return Table(plik=plik, frame=frame, problems=problems, naglowek=header_row, arkusz=sheet)
