"""The package for MFiPR: the selected partnerships as XLSX and PDF, and the static map as PNG.

No Streamlit here. Every text written comes from forms or assessors (arbitrary user input): in the
spreadsheet it is neutralised so that no cell can ever run as a formula; in the PDF it is plain text
(a PDF is not HTML — nothing is interpreted). Geometry arrives as GeoDataFrames prepared by the
caller (cwd.geo.display_layers / dissolve_areas), so this module never reads boundary files.
"""
from __future__ import annotations

import csv
import io
import re
import textwrap
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cwd.fmt import fmt_date_long, fmt_datetime, fmt_int, fmt_num, to_local
from cwd.paths import DATA_DIR
from cwd.register import CITY_POWIATS, GMINA_TYPES, Register

if TYPE_CHECKING:  # geopandas is imported lazily: the XLSX export does not need it
    from geopandas import GeoDataFrame

    from cwd.evaluation import PartnershipResult
    from cwd.store import Assessment, HistoryEntry


TITLE = "Partnerstwa JST wybrane do pilotażu CWD – województwo podlaskie"
ISSUER = "Urząd Marszałkowski Województwa Podlaskiego, Departament Rozwoju Regionalnego"
DEFAULT_SOURCE_LINE = "Źródło: GUGiK PRG; GUS; formularze partnerstw"
NO_BOUNDARIES_NOTE = "Brak warstw granic – mapa pominięta."
ILLUSTRATIVE_NOTE = (
    "Wartości kryteriów pochodzą z przykładowych formularzy i są ilustracyjne – "
    "rzeczywiste oceny 0/1 partnerstw nie są publiczne."
)
MISSING = "brak"  # a criterion without a value (never the same as 0)

# File name kinds (export_filename).
KIND_SELECTION = "wybor_partnerstw"
KIND_MAP = "mapa_partnerstw"

SHEET_SELECTED = "Wybrane"
SHEET_MEMBERS = "Członkowie"
SHEET_CHECKLIST = "Lista sprawdzająca"
SHEET_HISTORY = "Historia"
SHEET_SOURCES = "Źródła"

# Map colours: Okabe–Ito, distinguishable with colour-vision deficiencies and in greyscale print.
AREA_COLOURS = ("#E69F00", "#0072B2", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000",
                "#882255", "#44AA99", "#999933", "#6699CC")  # numbered labels tell repeats apart beyond 12
GMINA_FILL = "#e3e3e3"
POWIAT_EDGE = "#6b6b6b"

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Characters an XLSX cannot hold (XML 1.0 forbids them); openpyxl raises on them.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XLSX_MAX_CELL = 32_767
# Control characters the PDF text would show as missing glyphs.
_PDF_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# --- shared helpers -------------------------------------------------------------------------
def neutralise(value: Any) -> Any:
    """A text a spreadsheet could run as a formula, made inert by a leading apostrophe.

    Only `str` values starting with =, +, -, @, a tab or a carriage return change (the OWASP
    "CSV injection" set); numbers and everything else are returned unchanged.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_TRIGGERS):
        return "'" + value
    return value


def export_filename(kind: str, generated: date, ext: str) -> str:
    """e.g. export_filename("wybor_partnerstw", date(2020, 9, 29), "xlsx") → cwd_wybor_partnerstw_2020-09-29.xlsx"""
    if isinstance(generated, datetime):
        generated = generated.date()
    slug = unicodedata.normalize("NFKD", kind.replace("ł", "l").replace("Ł", "L"))
    slug = re.sub(r"[^a-z0-9]+", "_", slug.encode("ascii", "ignore").decode().lower()).strip("_")
    extension = re.sub(r"[^a-z0-9]", "", ext.lower())
    return f"cwd_{slug or 'eksport'}_{generated.isoformat()}.{extension}"


def default_data_sources(illustrative: bool = False, data_dir: Path = DATA_DIR) -> list[tuple[str, str, str]]:
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
        out.append((row.get("opis", ""), row.get("zrodlo", ""), row.get("data_referencyjna", "")))
    return out


def _value_text(value: int | None) -> str:
    return MISSING if value is None else str(value)


def _member_kind(register: Register, code: str) -> str:
    if register.is_gmina(code):
        return GMINA_TYPES.get(code[-1], "gmina")
    if register.is_powiat(code):
        return "miasto na prawach powiatu" if code in CITY_POWIATS else "powiat"
    return "spoza rejestru"


def _assessment_for(assessments: Mapping[str, "Assessment"], pid: str) -> "Assessment | None":
    a = assessments.get(pid)
    return a if a is not None and a.saved else None


def _comment(assessment: "Assessment | None", criterion) -> str:
    """The comment recorded with the evaluated criterion, else the stored assessment's."""
    if criterion.komentarz:
        return criterion.komentarz
    if assessment is not None:
        return assessment.comments.get(criterion.id, "") or ""
    return ""


# --- XLSX -----------------------------------------------------------------------------------
def _xlsx_text(value: str) -> str:
    # Strip first: "\x00=1+1" must not become a formula once the NUL is gone.
    value = neutralise(_XLSX_ILLEGAL.sub("", value))
    if len(value) > _XLSX_MAX_CELL:
        value = value[: _XLSX_MAX_CELL - 1] + "…"
    return value


def _put(ws, row: int, col: int, value: Any, *, number_format: str | None = None):
    """Write one cell; text is neutralised and typed as a string whatever it looks like."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = _xlsx_text(value)
        # openpyxl guesses types from text ("=…" formula, "#N/A" error): a form's text is text.
        cell.data_type = "s"
    else:
        cell.value = value
    if number_format:
        cell.number_format = number_format
    return cell


def _table_sheet(
    ws,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    text_columns: Sequence[int] = (),
    wrap_columns: Sequence[int] = (),
    center_columns: Sequence[int] = (),
    number_formats: Mapping[int, str] | None = None,
    freeze: str = "A2",
    empty_note: str | None = None,
) -> None:
    """A header row (bold, frozen, filtered) and data rows; column indices are 1-based."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    number_formats = dict(number_formats or {})
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDE4EE")
    header_align = Alignment(wrap_text=True, vertical="center")
    for col, title in enumerate(headers, start=1):
        cell = _put(ws, 1, col, title)
        cell.font, cell.fill, cell.alignment = header_font, header_fill, header_align
    wrap = Alignment(wrap_text=True, vertical="top")
    center = Alignment(horizontal="center", vertical="top")
    top = Alignment(vertical="top")
    for r, values in enumerate(rows, start=2):
        for col, value in enumerate(values, start=1):
            fmt = "@" if col in text_columns else number_formats.get(col)
            if col in text_columns and value is not None:
                value = str(value)  # TERYT keeps its leading zeros and never becomes a number
            cell = _put(ws, r, col, value, number_format=fmt)
            cell.alignment = wrap if col in wrap_columns else center if col in center_columns else top
    if not rows and empty_note:
        _put(ws, 2, 1, empty_note)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = freeze
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def selection_xlsx(
    selected: Sequence["PartnershipResult"],
    register: Register,
    assessments: Mapping[str, "Assessment"],
    history: Sequence["HistoryEntry"],
    justifications: Mapping[str, str],
    *,
    generated: datetime,
    settings_summary: str,
    data_sources: Sequence[tuple[str, str, str]] | None = None,
    illustrative: bool = False,
) -> bytes:
    """The workbook for MFiPR: Wybrane, Członkowie, Lista sprawdzająca, Historia, Źródła.

    `data_sources`: (what, source, reference date); None = the project's tables (data/zrodla.csv).
    `illustrative`: the criterion values come from the example forms — the workbook says so.
    """
    from openpyxl import Workbook

    if data_sources is None:
        data_sources = default_data_sources(illustrative)
    wb = Workbook()
    wb.properties.title = TITLE
    wb.properties.creator = ISSUER

    # Wybrane
    rows = []
    for r in selected:
        p = r.partnership
        assessment = _assessment_for(assessments, p.id)
        rows.append([
            p.id, p.nazwa, register.label(p.lider), len(p.czlonkowie), len(r.gminy), r.ludnosc,
            r.checklist.status, r.checklist.spelnione, r.osi.werdykt, "; ".join(r.osi.trasy),
            " ".join(r.osi.powody), " ".join(r.checklist.powody),
            assessment.assessor if assessment else "", justifications.get(p.id, "") or "",
        ])
    ws = wb.active
    ws.title = SHEET_SELECTED
    _table_sheet(
        ws,
        ["Id", "Nazwa partnerstwa", "Lider", "Liczba JST", "Liczba gmin obszaru",
         "Ludność obszaru (31.12.2023)", "Status", "Spełnione kryteria (z 11)", "OSI – werdykt",
         "OSI – trasy", "OSI – uzasadnienie", "Uwagi do statusu", "Oceniający (UM)", "Uzasadnienie wyboru"],
        rows,
        [9, 34, 30, 10, 10, 14, 13, 12, 17, 34, 50, 50, 22, 60],
        wrap_columns=(2, 3, 10, 11, 12, 13, 14),
        center_columns=(4, 5, 8),
        number_formats={6: "#,##0"},
        freeze="C2",
        empty_note="Nie wybrano żadnego partnerstwa.",
    )

    # Członkowie
    rows = []
    for r in selected:
        p = r.partnership
        for code in p.czlonkowie:
            rows.append([p.id, p.nazwa, code, register.label(code), _member_kind(register, code),
                         "tak" if code == p.lider else "nie"])
    _table_sheet(
        wb.create_sheet(SHEET_MEMBERS),
        ["Id partnerstwa", "Nazwa partnerstwa", "TERYT", "JST", "Rodzaj", "Lider"],
        rows,
        [14, 34, 10, 40, 22, 7],
        text_columns=(3,),
        wrap_columns=(2,),
        center_columns=(6,),
    )

    # Lista sprawdzająca
    rows = []
    for r in selected:
        p = r.partnership
        assessment = _assessment_for(assessments, p.id)
        for c in r.checklist.kryteria:
            rows.append([
                p.id, p.nazwa, c.id, c.nazwa, _value_or_missing(c.deklarowana),
                _value_or_missing(c.zweryfikowana), _value_or_missing(c.wartosc), c.zrodlo,
                _comment(assessment, c), assessment.assessor if assessment else "",
                fmt_datetime(assessment.updated_at) if assessment else "",
            ])
    _table_sheet(
        wb.create_sheet(SHEET_CHECKLIST),
        ["Id partnerstwa", "Nazwa partnerstwa", "Kryterium", "Nazwa kryterium", "Wartość deklarowana",
         "Wartość zweryfikowana", "Wartość przyjęta", "Źródło wartości", "Komentarz", "Oceniający",
         "Ostatni zapis oceny"],
        rows,
        [14, 30, 10, 55, 12, 13, 11, 14, 50, 22, 17],
        wrap_columns=(2, 4, 9, 10),
        center_columns=(3, 5, 6, 7),
        freeze="D2",
    )

    # Historia (only the selected partnerships)
    names = {r.id: r.partnership.nazwa for r in selected}
    criteria = {c.id: c.nazwa for r in selected for c in r.checklist.kryteria}
    rows = []
    for h in history:
        if h.partnership_id not in names:
            continue
        rows.append([
            fmt_datetime(h.changed_at), h.assessor, h.partnership_id, names[h.partnership_id], h.criterion,
            criteria.get(h.criterion, ""), f"{_value_text(h.old_value)} → {_value_text(h.new_value)}",
            _value_or_missing(h.old_value), _value_or_missing(h.new_value), h.comment, h.old_comment, h.version,
        ])
    _table_sheet(
        wb.create_sheet(SHEET_HISTORY),
        ["Kiedy", "Kto", "Id partnerstwa", "Nazwa partnerstwa", "Kryterium", "Nazwa kryterium",
         "Zmiana wartości", "Było", "Jest", "Komentarz", "Poprzedni komentarz", "Wersja oceny"],
        rows,
        [17, 22, 14, 30, 10, 40, 15, 7, 7, 50, 40, 9],
        wrap_columns=(2, 4, 6, 10, 11),
        center_columns=(5, 7, 8, 9, 12),
        empty_note="Brak zapisanych zmian ocen wybranych partnerstw.",
    )

    # Źródła
    rows = [
        ["Zestawienie", TITLE, ISSUER, ""],
        ["Wygenerowano", "Data i godzina wygenerowania zestawienia", fmt_datetime(generated), ""],
        ["Wybrane partnerstwa", "Liczba wybranych partnerstw (najwyżej 3)", len(selected), ""],
        ["Ustawienia", "Ustawienia użyte do oceny", settings_summary, ""],
    ]
    if illustrative:
        rows.append(["Uwaga", "Wartości kryteriów", ILLUSTRATIVE_NOTE, ""])
    rows += [["Dane", what, source, ref] for what, source, ref in data_sources]
    _table_sheet(
        wb.create_sheet(SHEET_SOURCES),
        ["Pozycja", "Opis", "Źródło / wartość", "Data referencyjna"],
        rows,
        [20, 55, 80, 30],
        wrap_columns=(2, 3, 4),
    )

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _value_or_missing(value: int | None) -> int | str:
    """1/0 stay numbers (a spreadsheet can sum them); a missing value says "brak"."""
    return MISSING if value is None else int(value)


# --- static map -----------------------------------------------------------------------------
def _plot_crs(gdf: "GeoDataFrame") -> "GeoDataFrame":
    """Plot in metres (PUWG 1992): geographic degrees would stretch the map east–west."""
    if gdf.crs is not None and gdf.crs.is_geographic:
        return gdf.to_crs("EPSG:2180")
    return gdf


def static_map_png(
    gminy_display: "GeoDataFrame",
    powiaty_display: "GeoDataFrame | None",
    areas: "GeoDataFrame | None",
    names: Mapping[str, str],
    *,
    title: str | None = None,
    dpi: int = 200,
    source_line: str | None = DEFAULT_SOURCE_LINE,
) -> bytes:
    """PNG of the voivodeship with each partnership area (`areas`: columns id, geometry) in its colour.

    Areas are numbered in the order of `names` (id → name; ids missing from `names` follow) and
    the legend repeats the numbers, so the map still reads in black-and-white print.
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    gminy = _plot_crs(gminy_display)
    powiaty = _plot_crs(powiaty_display) if powiaty_display is not None and len(powiaty_display) else None
    shapes = _plot_crs(areas) if areas is not None and len(areas) else None

    order: list[str] = []
    if shapes is not None:
        present = [str(i) for i in shapes["id"]]
        order = [i for i in names if i in present] + [i for i in present if i not in names]

    fig = Figure(figsize=(7.0, 8.2 if order else 7.4), layout="constrained")
    ax = fig.add_subplot()
    ax.set_axis_off()
    gminy.plot(ax=ax, color=GMINA_FILL, edgecolor="white", linewidth=0.6)
    handles = []
    for n, pid in enumerate(order, start=1):
        colour = AREA_COLOURS[(n - 1) % len(AREA_COLOURS)]
        shape = shapes[shapes["id"].astype(str) == pid]
        shape.plot(ax=ax, color=colour, alpha=0.78, edgecolor="white", linewidth=0.4)
        shape.boundary.plot(ax=ax, color=colour, linewidth=1.6)
        label = f"{n}. {names.get(pid, pid)}"
        handles.append(Patch(facecolor=colour, edgecolor=colour, alpha=0.85,
                             label=textwrap.fill(label, 60, subsequent_indent="    ")))
    if powiaty is not None:
        powiaty.boundary.plot(ax=ax, color=POWIAT_EDGE, linewidth=0.9)
    for n, pid in enumerate(order, start=1):
        geometry = shapes[shapes["id"].astype(str) == pid].geometry.union_all()
        if geometry is None or geometry.is_empty:
            continue
        point = geometry.representative_point()
        ax.annotate(str(n), (point.x, point.y), ha="center", va="center", fontsize=11, fontweight="bold",
                    color="black", bbox={"boxstyle": "circle,pad=0.25", "fc": "white", "ec": "black", "lw": 0.8})
    ax.set_aspect("equal")
    if title:
        ax.set_title(title, fontsize=12, fontweight="bold")
    handles.append(Patch(facecolor=GMINA_FILL, edgecolor=POWIAT_EDGE, linewidth=0.9,
                         label="pozostałe gminy (szare), granice powiatów (ciemne linie)"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), frameon=False,
              fontsize=9, ncols=1, handlelength=1.6, borderaxespad=0.3)
    if source_line:
        fig.get_layout_engine().set(rect=(0, 0.03, 1, 0.97))
        fig.text(0.01, 0.008, source_line, fontsize=7.5, color="#444444", ha="left", va="bottom")
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=max(int(dpi), 72), facecolor="white")
    return out.getvalue()


# --- PDF ------------------------------------------------------------------------------------
def _font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _pdf_text(value: Any) -> str:
    """Arbitrary text as plain PDF text: line breaks kept, tabs as spaces, control characters dropped."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return _PDF_CONTROL.sub("", text)


def _make_pdf(generated_text: str, compress: bool):
    from fpdf import FPDF

    class _Pdf(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("DejaVu", "", 7.5)
            self.set_text_color(110, 110, 110)
            self.cell(0, 5, f"{TITLE} · wygenerowano {generated_text}", align="L")
            self.set_x(self.l_margin)
            self.cell(0, 5, f"Strona {self.page_no()} z {{nb}}", align="R")
            self.set_text_color(0, 0, 0)

    pdf = _Pdf(orientation="P", unit="mm", format="A4")
    fonts = _font_dir()
    pdf.add_font("DejaVu", "", fonts / "DejaVuSans.ttf")
    pdf.add_font("DejaVu", "B", fonts / "DejaVuSans-Bold.ttf")
    pdf.add_font("DejaVu", "I", fonts / "DejaVuSans-Oblique.ttf")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_compression(compress)
    pdf.set_title(TITLE)
    pdf.set_author(ISSUER)
    pdf.set_creator("CWD – panel wyboru partnerstw")
    return pdf


def _para(pdf, text: str, size: float = 9.5, style: str = "", h: float | None = None, colour=None) -> None:
    pdf.set_font("DejaVu", style, size)
    if colour:
        pdf.set_text_color(*colour)
    pdf.multi_cell(0, h or size * 0.5, _pdf_text(text), align="L", new_x="LMARGIN", new_y="NEXT")
    if colour:
        pdf.set_text_color(0, 0, 0)


def _label_value(pdf, label: str, value: str, size: float = 9.5) -> None:
    """"Label: value" on one wrapped paragraph, the label in bold."""
    pdf.set_font("DejaVu", "B", size)
    width = pdf.get_string_width(label + " ") + 0.5
    pdf.cell(width, size * 0.5, label + " ", new_x="RIGHT", new_y="TOP")
    pdf.set_font("DejaVu", "", size)
    pdf.multi_cell(0, size * 0.5, _pdf_text(value), align="L", new_x="LMARGIN", new_y="NEXT")


def _heading(pdf, text: str, size: float = 12.5, keep_with_next: float = 0) -> None:
    """A section heading; starts a new page when less than `keep_with_next` mm would follow it."""
    if pdf.will_page_break(size * 2 + keep_with_next):
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font("DejaVu", "B", size)
    pdf.set_text_color(20, 50, 95)
    pdf.multi_cell(0, size * 0.5, _pdf_text(text), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(1)


def _subheading(pdf, text: str) -> None:
    if pdf.will_page_break(14):
        pdf.add_page()
    pdf.ln(1.5)
    pdf.set_font("DejaVu", "B", 10.5)
    pdf.cell(0, 6, _pdf_text(text), new_x="LMARGIN", new_y="NEXT")


def selection_pdf(
    selected: Sequence["PartnershipResult"],
    register: Register,
    assessments: Mapping[str, "Assessment"],
    justifications: Mapping[str, str],
    *,
    generated: datetime,
    settings_summary: str,
    gminy_display: "GeoDataFrame | None",
    powiaty_display: "GeoDataFrame | None",
    areas: "GeoDataFrame | None",
    sources_line: str = DEFAULT_SOURCE_LINE,
    data_sources: Sequence[tuple[str, str, str]] | None = None,
    illustrative: bool = False,
    compress: bool = True,
) -> bytes:
    """A printable A4 summary of the selection: title, date, map, one section per partnership, sources.

    `compress=False` leaves the page streams readable (tests); `data_sources` and `illustrative`
    as in `selection_xlsx`.
    """
    from fpdf.fonts import FontFace

    if data_sources is None:
        data_sources = default_data_sources(illustrative)
    generated_text = fmt_datetime(generated)
    pdf = _make_pdf(generated_text, compress)
    pdf.add_page()

    # Title page: title, date, the map.
    pdf.set_font("DejaVu", "B", 16)
    pdf.set_text_color(20, 50, 95)
    pdf.multi_cell(0, 8, TITLE, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    _para(pdf, ISSUER, 9.5, colour=(70, 70, 70))
    local, _ = to_local(generated)
    _para(pdf, f"Data sporządzenia: {fmt_date_long(local.date())} (wygenerowano {generated_text})", 9.5)
    _para(pdf, f"Liczba wybranych partnerstw: {len(selected)} (najwyżej 3).", 9.5)
    if illustrative:
        pdf.ln(1)
        _para(pdf, "Uwaga: " + ILLUSTRATIVE_NOTE, 9, "B", colour=(160, 60, 0))
    pdf.ln(3)

    names = {r.id: r.partnership.nazwa for r in selected}
    if gminy_display is None:
        _para(pdf, NO_BOUNDARIES_NOTE, 10, "I", colour=(90, 90, 90))
    else:
        png = static_map_png(gminy_display, powiaty_display, areas, names, dpi=200, source_line=None)
        _embed_map(pdf, png)
        _para(pdf, sources_line, 7.5, colour=(70, 70, 70))

    # Overview table.
    _heading(pdf, "Zestawienie wybranych partnerstw", keep_with_next=30)
    if not selected:
        _para(pdf, "Nie wybrano żadnego partnerstwa.")
    else:
        pdf.set_font("DejaVu", "", 8.5)
        heading = FontFace(emphasis="BOLD", fill_color=(221, 228, 238))
        with pdf.table(col_widths=(8, 44, 36, 10, 20, 25, 37), text_align=("CENTER", "LEFT", "LEFT", "CENTER",
                       "RIGHT", "LEFT", "LEFT"), headings_style=heading, line_height=4.2, padding=1.2,
                       v_align="TOP") as table:
            row = table.row()
            for title in ("Nr", "Partnerstwo", "Lider", "JST", "Ludność (2023)", "Status", "OSI"):
                row.cell(title)
            for n, r in enumerate(selected, start=1):
                row = table.row()
                row.cell(str(n))
                row.cell(_pdf_text(r.partnership.nazwa))
                row.cell(_pdf_text(register.label(r.partnership.lider)))
                row.cell(str(len(r.partnership.czlonkowie)))
                row.cell(fmt_int(r.ludnosc))
                row.cell(r.checklist.status)
                row.cell(_pdf_text(r.osi.summary()))

    # One section per partnership; a section starts on a new page unless most of a page is left.
    for n, r in enumerate(selected, start=1):
        pdf.ln(6)
        _partnership_section(pdf, n, r, register, _assessment_for(assessments, r.id), justifications.get(r.id, ""))

    # Sources and settings.
    _heading(pdf, "Źródła danych i ustawienia", keep_with_next=45)
    _label_value(pdf, "Wygenerowano:", generated_text)
    _label_value(pdf, "Ustawienia:", settings_summary)
    if illustrative:
        _label_value(pdf, "Uwaga:", ILLUSTRATIVE_NOTE)
    _label_value(pdf, "Mapa:", sources_line)
    pdf.ln(1)
    for what, source, ref in data_sources:
        if pdf.will_page_break(12):
            pdf.add_page()
        _para(pdf, f"• {what}", 8.5, "B")
        detail = source + (f" (stan: {ref})" if ref and ref != "—" else "")
        pdf.set_x(pdf.l_margin + 3)
        pdf.set_font("DejaVu", "", 8.5)
        pdf.multi_cell(0, 4.2, _pdf_text(detail), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(0.8)
    return bytes(pdf.output())


def _embed_map(pdf, png: bytes) -> None:
    """The map as large as the rest of the page allows (it moves to the next page if too little is left)."""
    import struct

    width_px, height_px = struct.unpack(">II", png[16:24])  # PNG IHDR
    ratio = height_px / width_px
    bottom = pdf.h - pdf.b_margin - 8  # room for the source line
    if bottom - pdf.get_y() < 110:
        pdf.add_page()
    avail_h = bottom - pdf.get_y()
    w = min(pdf.epw, avail_h / ratio)
    h = w * ratio
    x = pdf.l_margin + (pdf.epw - w) / 2
    pdf.image(io.BytesIO(png), x=x, y=pdf.get_y(), w=w, h=h,
              alt_text="Mapa wybranych partnerstw JST w województwie podlaskim")
    pdf.set_y(pdf.get_y() + h + 1)


def _partnership_section(pdf, n: int, r: "PartnershipResult", register: Register,
                         assessment: "Assessment | None", justification: str) -> None:
    p = r.partnership
    _heading(pdf, f"{n}. {p.nazwa}", 14, keep_with_next=150)
    _label_value(pdf, "Identyfikator:", p.id)
    _label_value(pdf, "Lider:", register.label(p.lider))
    if p.koordynator:
        _label_value(pdf, "Koordynator:", p.koordynator)
    _label_value(pdf, "Obszar:", f"{len(p.czlonkowie)} JST, {len(r.gminy)} gmin, "
                 f"{fmt_int(r.ludnosc)} mieszkańców (31.12.2023), {fmt_num(r.powierzchnia_km2, 0)} km²")
    _label_value(pdf, "Status wg listy sprawdzającej:",
                 f"{r.checklist.status} ({r.checklist.spelnione} z {len(r.checklist.kryteria)} kryteriów spełnionych)")

    _subheading(pdf, f"Członkowie ({len(p.czlonkowie)})")
    members = [register.label(c) + (" – lider" if c == p.lider else "") for c in p.czlonkowie]
    _para(pdf, "; ".join(members) + ".", 9)

    _subheading(pdf, f"Kwalifikowalność obszaru (OSI): {r.osi.werdykt}")
    if r.osi.trasy:
        _label_value(pdf, "Trasy:", "; ".join(r.osi.trasy), 9)
    for reason in r.osi.powody:
        _para(pdf, f"• {reason}", 9)

    # Keep the checklist with its heading on one page when it fits there: rehearse it first
    # (fpdf2 rewinds everything drawn inside offset_rendering).
    with pdf.offset_rendering() as rehearsal:
        _subheading(pdf, "Lista sprawdzająca")
        _checklist_table(pdf, r, assessment)
    if rehearsal.page_break_triggered and pdf.get_y() > pdf.t_margin + 1:
        pdf.add_page()
    _subheading(pdf, "Lista sprawdzająca")
    _checklist_table(pdf, r, assessment)
    pdf.ln(1.5)
    if assessment is not None:
        _label_value(pdf, "Oceniający (UM):", f"{assessment.assessor} – ostatni zapis {fmt_datetime(assessment.updated_at)}, "
                     f"wersja {assessment.version}", 9)
    else:
        _label_value(pdf, "Oceniający (UM):", "brak zapisanej oceny – liczą się wartości z formularza", 9)
    for reason in r.checklist.powody:
        _para(pdf, f"• {reason}", 8.5, colour=(60, 60, 60))

    _subheading(pdf, "Uzasadnienie wyboru")
    text = (justification or "").strip()
    if text:
        _para(pdf, text, 9.5)
    else:
        _para(pdf, "— brak uzasadnienia —", 9.5, "I", colour=(160, 60, 0))


def _checklist_table(pdf, r: "PartnershipResult", assessment: "Assessment | None") -> None:
    from fpdf.fonts import FontFace

    pdf.set_font("DejaVu", "", 8)
    heading = FontFace(emphasis="BOLD", fill_color=(221, 228, 238))
    with pdf.table(col_widths=(50, 23, 29, 16, 62), text_align=("LEFT", "CENTER", "CENTER", "CENTER", "LEFT"),
                   headings_style=heading, line_height=3.9, padding=1.1, v_align="TOP") as table:
        row = table.row()
        for title in ("Kryterium", "Deklarowana", "Zweryfikowana", "Przyjęta", "Komentarz oceniającego"):
            row.cell(title)
        for c in r.checklist.kryteria:
            row = table.row()
            row.cell(f"{c.id} {c.nazwa}")
            row.cell(_value_text(c.deklarowana))
            row.cell(_value_text(c.zweryfikowana))
            row.cell(_value_text(c.wartosc), style=FontFace(emphasis="BOLD"))
            row.cell(_pdf_text(_comment(assessment, c)))
