"""The workbook for MFiPR: Wybrane, Członkowie, Lista sprawdzająca, Historia, Źródła.

Every text comes from forms or assessors (arbitrary input). It is written exactly as typed — no
apostrophe is added — as a string-typed cell; a text that could start a formula also carries Excel's
invisible quote prefix, so re-editing the cell in Excel keeps it text. Numbers stay numbers.
"""
from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cwd.criteria import CRITERIA_COUNT
from cwd.export.common import (
    ISSUER,
    MISSING,
    TITLE,
    ExportError,
    criterion_comment,
    neutralise,
    osi_share,
    population_label,
    value_text,
)
from cwd.fmt import UNKNOWN, fmt_date, fmt_datetime
from cwd.register import CITY_POWIATS, GMINA_TYPES, Register
from cwd.settings import MAX_SELECTED
from cwd.style import ILLUSTRATIVE_NOTE

if TYPE_CHECKING:
    from cwd.export.package import MfiprPackage

SHEET_SELECTED = "Wybrane"
SHEET_MEMBERS = "Członkowie"
SHEET_CHECKLIST = "Lista sprawdzająca"
SHEET_HISTORY = "Historia"
SHEET_SOURCES = "Źródła"
HEADER_FILL = "DDE4EE"


def _value_or_missing(value: int | None) -> int | str:
    """1/0 stay numbers (a spreadsheet can sum them); a missing value says "brak"."""
    return MISSING if value is None else int(value)


def _member_kind(register: Register, code: str) -> str:
    if register.is_gmina(code):
        return GMINA_TYPES.get(code[-1], "gmina")
    if register.is_powiat(code):
        return "miasto na prawach powiatu" if code in CITY_POWIATS else "powiat"
    return "spoza rejestru"


def put(ws, row: int, col: int, value: Any, *, number_format: str | None = None):
    """Write one cell; text is a string cell whatever it looks like, with the quote prefix when needed."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        text, quote = neutralise(value)
        cell.value = text
        # openpyxl guesses types from text ("=…" formula, "#N/A" error): a form's text is text.
        cell.data_type = "s"
        if quote:
            cell.quotePrefix = True
    else:
        cell.value = value
    if number_format:
        cell.number_format = number_format
    return cell


def _table_sheet(
    ws,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    layout: Mapping[str, Any],
) -> None:
    """A header row (bold, frozen, filtered) and data rows. `layout`: widths, and optionally
    text/wrap/center column sets and number formats (1-based columns), freeze, empty_note."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    text_columns = set(layout.get("text", ()))
    wrap_columns = set(layout.get("wrap", ()))
    center_columns = set(layout.get("center", ()))
    number_formats = dict(layout.get("formats", {}))
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor=HEADER_FILL)
    header_align = Alignment(wrap_text=True, vertical="center")
    for col, title in enumerate(headers, start=1):
        cell = put(ws, 1, col, title)
        cell.font, cell.fill, cell.alignment = header_font, header_fill, header_align
    wrap = Alignment(wrap_text=True, vertical="top")
    center = Alignment(horizontal="center", vertical="top")
    top = Alignment(vertical="top")
    for r, values in enumerate(rows, start=2):
        for col, value in enumerate(values, start=1):
            fmt = "@" if col in text_columns else number_formats.get(col)
            if col in text_columns and value is not None:
                value = str(value)  # TERYT keeps its leading zeros and never becomes a number
            if isinstance(value, str) and fmt and fmt != "@":
                fmt = None  # "nieustalone" in a percentage column is text
            cell = put(ws, r, col, value, number_format=fmt)
            cell.alignment = wrap if col in wrap_columns else center if col in center_columns else top
    if not rows and layout.get("empty_note"):
        put(ws, 2, 1, layout["empty_note"])
    for col, width in enumerate(layout["widths"], start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = layout.get("freeze", "A2")
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


# --- the sheets -------------------------------------------------------------------------------
def _selected_sheet(ws, package: "MfiprPackage") -> None:
    register = package.register
    rows = []
    for r in package.selected:
        p = r.partnership
        assessment = package.assessment(p.id)
        share = osi_share(r.osi)
        unverified = r.checklist.niezweryfikowane
        rows.append([
            p.id, p.nazwa, register.label(p.lider), len(p.czlonkowie), len(r.gminy), r.ludnosc,
            r.checklist.status, r.checklist.spelnione, r.osi.werdykt, UNKNOWN if share is None else share,
            "; ".join(r.osi.trasy), " ".join(r.osi.powody), " ".join(r.checklist.powody),
            ", ".join(unverified) if unverified else "—", package.override_reason(p.id),
            assessment.assessor if assessment else "", package.justification(p.id),
        ])
    _table_sheet(ws, [
        "Id", "Nazwa partnerstwa", "Lider", "Liczba JST", "Liczba gmin obszaru",
        f"Ludność obszaru ({population_label(register)})", "Status", f"Spełnione kryteria (z {CRITERIA_COUNT})",
        "OSI – werdykt", "Udział gmin obszaru w OSI", "OSI – trasy", "OSI – uzasadnienie", "Uwagi do statusu",
        "Niezweryfikowane przez UM", "Powód wyboru bez pełnej weryfikacji UM", "Oceniający (UM)",
        "Uzasadnienie wyboru",
    ], rows, {
        "widths": [9, 34, 30, 10, 10, 14, 13, 12, 17, 12, 34, 50, 50, 18, 40, 22, 60],
        "wrap": (2, 3, 11, 12, 13, 14, 15, 16, 17), "center": (4, 5, 8, 10),
        "formats": {6: "#,##0", 10: "0%"}, "freeze": "C2",
        "empty_note": "Nie wybrano żadnego partnerstwa.",
    })


def _members_sheet(ws, package: "MfiprPackage") -> None:
    register = package.register
    rows = []
    for r in package.selected:
        p = r.partnership
        for code in p.czlonkowie:
            rows.append([p.id, p.nazwa, code, register.label(code), _member_kind(register, code),
                         "tak" if code == p.lider else "nie"])
    _table_sheet(ws, ["Id partnerstwa", "Nazwa partnerstwa", "TERYT", "JST", "Rodzaj", "Lider"], rows, {
        "widths": [14, 34, 10, 40, 22, 7], "text": (3,), "wrap": (2,), "center": (6,),
    })


def _checklist_sheet(ws, package: "MfiprPackage") -> None:
    rows = []
    for r in package.selected:
        p = r.partnership
        assessment = package.assessment(p.id)
        for c in r.checklist.kryteria:
            rows.append([
                p.id, p.nazwa, c.id, c.nazwa, _value_or_missing(c.deklarowana),
                _value_or_missing(c.zweryfikowana), _value_or_missing(c.wartosc), c.zrodlo,
                criterion_comment(assessment, c), assessment.assessor if assessment else "",
                fmt_datetime(assessment.updated_at) if assessment else "",
            ])
    _table_sheet(ws, [
        "Id partnerstwa", "Nazwa partnerstwa", "Kryterium", "Nazwa kryterium", "Wartość deklarowana",
        "Wartość zweryfikowana", "Wartość przyjęta", "Źródło wartości", "Komentarz", "Oceniający",
        "Ostatni zapis oceny",
    ], rows, {
        "widths": [14, 30, 10, 55, 12, 13, 11, 14, 50, 22, 17],
        "wrap": (2, 4, 9, 10), "center": (3, 5, 6, 7), "freeze": "D2",
    })


def _history_sheet(ws, package: "MfiprPackage") -> None:
    names = package.names
    criteria = {c.id: c.nazwa for r in package.selected for c in r.checklist.kryteria}
    rows = []
    for h in package.selected_history:
        rows.append([
            fmt_datetime(h.changed_at), h.assessor, h.partnership_id, names[h.partnership_id], h.criterion,
            criteria.get(h.criterion, ""), f"{value_text(h.old_value)} → {value_text(h.new_value)}",
            _value_or_missing(h.old_value), _value_or_missing(h.new_value), h.comment, h.old_comment, h.version,
        ])
    _table_sheet(ws, [
        "Kiedy", "Kto", "Id partnerstwa", "Nazwa partnerstwa", "Kryterium", "Nazwa kryterium",
        "Zmiana wartości", "Było", "Jest", "Komentarz", "Poprzedni komentarz", "Wersja oceny",
    ], rows, {
        "widths": [17, 22, 14, 30, 10, 40, 15, 7, 7, 50, 40, 9],
        "wrap": (2, 4, 6, 10, 11), "center": (5, 7, 8, 9, 12),
        "empty_note": "Brak zapisanych zmian ocen wybranych partnerstw.",
    })


def _sources_sheet(ws, package: "MfiprPackage") -> None:
    rows = [["Zestawienie", TITLE, ISSUER, ""]]
    if package.call_label:
        rows.append(["Nabór", "Nabór (runda wyboru)", package.call_label, ""])
    rows += [
        ["Wygenerowano", "Data i godzina wygenerowania zestawienia", fmt_datetime(package.generated), ""],
        ["Wybrane partnerstwa", f"Liczba wybranych partnerstw (najwyżej {MAX_SELECTED})", len(package.selected), ""],
    ]
    if package.decided_by or package.decided_at:
        rows.append(["Decyzja UM", "Zapisał(a) / kiedy", package.decided_by or "—",
                     fmt_datetime(package.decided_at) if package.decided_at else "—"])
    else:
        rows.append(["Decyzja UM", "Zapis decyzji",
                     "Decyzja nie została jeszcze zapisana – zestawienie robocze.", ""])
    if package.forms_version:
        rows.append(["Podstawa decyzji", "Formularze (wersja pliku)", package.forms_version, ""])
    if package.ztm_version:
        rows.append(["Podstawa decyzji", "Lista OSI ZTM (wersja)", package.ztm_version, ""])
    rows += [["Ustawienia", "Ustawienia użyte do oceny", text, ""] for text in package.settings]
    if package.illustrative:
        rows.append(["Uwaga", "Wartości kryteriów", ILLUSTRATIVE_NOTE, ""])
    rows += [["Harmonogram", label, fmt_date(when), ""] for when, label in package.timeline]
    rows += [["Dane", what, source, ref] for what, source, ref in package.sources]
    _table_sheet(ws, ["Pozycja", "Opis", "Źródło / wartość", "Data referencyjna"], rows, {
        "widths": [20, 55, 80, 30], "wrap": (2, 3, 4),
    })


def selection_xlsx(package: "MfiprPackage") -> bytes:
    """The workbook for MFiPR. Raises ExportError (Polish message) when it cannot be built."""
    try:
        from openpyxl import Workbook

        wb = Workbook()
        wb.properties.title = TITLE
        wb.properties.creator = ISSUER
        ws = wb.active
        ws.title = SHEET_SELECTED
        _selected_sheet(ws, package)
        _members_sheet(wb.create_sheet(SHEET_MEMBERS), package)
        _checklist_sheet(wb.create_sheet(SHEET_CHECKLIST), package)
        _history_sheet(wb.create_sheet(SHEET_HISTORY), package)
        _sources_sheet(wb.create_sheet(SHEET_SOURCES), package)
        out = io.BytesIO()
        wb.save(out)
    except ExportError:
        raise
    except Exception as exc:
        raise ExportError(
            "Nie udało się przygotować zestawienia XLSX. Spróbuj ponownie; jeśli błąd się powtarza, "
            f"zgłoś go administratorowi (szczegóły: {type(exc).__name__}: {exc})."
        ) from exc
    return out.getvalue()
