"""What every export shares: the error type, inert spreadsheet text, plain text, file names, sources.

No Streamlit and no heavy imports here: the page imports this package on every run.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from cwd import style
from cwd.fmt import UNKNOWN, fmt_date, fmt_pct
from cwd.paths import DATA_DIR
from cwd.register import population_dates

if TYPE_CHECKING:
    from cwd.checklist import CriterionResult
    from cwd.osi import OsiVerdict
    from cwd.register import Register
    from cwd.store import Assessment

TITLE = "Partnerstwa JST wybrane do pilotażu CWD – województwo podlaskie"
ISSUER = "Urząd Marszałkowski Województwa Podlaskiego, Departament Rozwoju Regionalnego"
NO_BOUNDARIES_NOTE = "Brak warstw granic – mapa pominięta."
MISSING = style.VALUE_SHORT[None]  # a criterion without a value ("brak"), never the same as 0

# File name kinds (export_filename).
KIND_SELECTION = "wybor_partnerstw"
KIND_MAP = "mapa_partnerstw"


class ExportError(Exception):
    """An export could not be built; the message (Polish) tells the user what to do next."""


# --- spreadsheet text -----------------------------------------------------------------------
# Characters an XLSX cannot hold (XML 1.0 forbids them); openpyxl raises on them.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
XLSX_MAX_CELL = 32_767  # Excel's limit of characters in one cell
# Characters a spreadsheet (or a tool that strips invisible characters first) may read as the
# start of a formula: the OWASP "CSV injection" set; full-width forms fold into it under NFKC.
_FORMULA_STARTS = frozenset("=+-@\t\r\u2212")
# Invisible characters a formula may hide behind (zero-width space/joiners, word joiner, BOM,
# soft hyphen, Mongolian vowel separator), plus ordinary white space.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e \n\u00a0\u3000"


class CellText(NamedTuple):
    """A text as it goes into a spreadsheet cell."""

    text: str  # the user's text, unchanged but for characters XML cannot hold (and Excel's length limit)
    quote_prefix: bool  # Excel's invisible "this is text" flag: set when the text could start a formula


def formula_like(text: str) -> bool:
    """True when a spreadsheet could take `text` for a formula, now or after invisible characters
    are stripped or full-width forms folded (＝ ＋ － ＠ → = + - @)."""
    if text[:1] in _FORMULA_STARTS:
        return True
    head = text.lstrip(_INVISIBLE)[:1]
    return bool(head) and (head in _FORMULA_STARTS or unicodedata.normalize("NFKC", head)[:1] in _FORMULA_STARTS)


def neutralise(text: str) -> CellText:
    """The text for a spreadsheet cell: nothing visible is added (no apostrophe); the cell is made
    inert by being typed as a string and, when it could start a formula, by Excel's quote prefix,
    so that re-editing it in Excel keeps it text."""
    clean = _XLSX_ILLEGAL.sub("", text)
    if len(clean) > XLSX_MAX_CELL:
        clean = clean[: XLSX_MAX_CELL - 1] + "…"
    # Decided on the original too: "\x00=1+1" must not become a formula once the NUL is gone.
    return CellText(clean, formula_like(clean) or formula_like(text))


# --- plain text (PDF, PNG) ------------------------------------------------------------------
# Control characters a PDF or an image would show as missing glyphs (line feeds are kept).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain_text(value: object) -> str:
    """Arbitrary text as plain text: line breaks kept, tabs as spaces, control characters dropped."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return _CONTROL.sub("", text)


def one_line(value: object) -> str:
    """Plain text on one line (legend entries, table cells)."""
    return " ".join(plain_text(value).split())


def clip(text: str, limit: int, note: str = "…") -> str:
    """At most `limit` characters (plus the note), cut at a word boundary when one is near."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + note


# --- values shown in every export -------------------------------------------------------------
def value_text(value: int | None) -> str:
    """A criterion value as text: "1", "0" or "brak" (missing is never 0)."""
    return MISSING if value is None else str(value)


def criterion_comment(assessment: "Assessment | None", criterion: "CriterionResult") -> str:
    """The comment recorded with the evaluated criterion, else the stored assessment's."""
    if criterion.komentarz:
        return criterion.komentarz
    if assessment is not None:
        return assessment.comments.get(criterion.id, "") or ""
    return ""


def osi_share(verdict: "OsiVerdict") -> float | None:
    """Share of the area's gminas in OSI; None when it cannot be determined (never shown as 0)."""
    share = verdict.udzial_w_osi
    return None if share is None or share != share else float(share)


def fmt_share(share: float | None) -> str:
    return fmt_pct(share, unknown=UNKNOWN)


def population_span(register: "Register") -> tuple[date | None, date | None]:
    """(earliest, latest) reference date of the register's gmina population columns
    (`ludnosc_YYYY_MM_DD`): the dates of the indicators (cwd.evaluation uses the same columns)."""
    dates = list(population_dates(register.gminy))
    return (dates[0], dates[-1]) if dates else (None, None)


def population_label(register: "Register") -> str:
    """The date (DD.MM.YYYY) of the gmina population figures: the latest column of the register."""
    return fmt_date(population_span(register)[1])


# --- file names and sources -----------------------------------------------------------------
def export_filename(kind: str, generated: date, ext: str) -> str:
    """e.g. export_filename("wybor_partnerstw", date(2020, 9, 29), "xlsx") → cwd_wybor_partnerstw_2020-09-29.xlsx"""
    if isinstance(generated, datetime):
        generated = generated.date()
    slug = unicodedata.normalize("NFKD", kind.replace("ł", "l").replace("Ł", "L"))
    slug = re.sub(r"[^a-z0-9]+", "_", slug.encode("ascii", "ignore").decode().lower()).strip("_")
    extension = re.sub(r"[^a-z0-9]", "", ext.lower())
    return f"cwd_{slug or 'eksport'}_{generated.isoformat()}.{extension}"


class DataSource(NamedTuple):
    """One table the export is built on (a plain (what, source, reference date) tuple works too)."""

    what: str
    source: str
    reference: str


def default_data_sources(illustrative: bool = False, data_dir: Path = DATA_DIR) -> list[DataSource]:
    """(what, source, reference date) of the project's tables, from data/zrodla.csv.

    The example forms are listed only when the export is built from them (`illustrative`).
    """
    path = data_dir / "zrodla.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    out = []
    for row in rows:
        if row.get("plik") == "formularze_przyklad.csv" and not illustrative:
            continue
        out.append(DataSource(row.get("opis", ""), row.get("zrodlo", ""), row.get("data_referencyjna", "")))
    return out
