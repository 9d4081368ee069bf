"""A printable A4 summary of the selection for MFiPR: title page with the map, one section per
partnership, the call's timeline, the basis of the decision and the sources.

A PDF is not HTML: form text is written as plain text, nothing in it is interpreted. fpdf2 refuses a
table row taller than a page, so table cells are fitted to a few lines; a cut comment is printed in
full under its table and a cut name in full under its heading (the XLSX holds every text whole).
"""
from __future__ import annotations

import io
import struct
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from cwd import style
from cwd.criteria import CRITERIA_COUNT
from cwd.export.common import (
    ISSUER,
    NO_BOUNDARIES_NOTE,
    TITLE,
    ExportError,
    clip,
    criterion_comment,
    fmt_share,
    one_line,
    osi_share,
    plain_text,
    population_label,
    value_text,
)
from cwd.fmt import (
    GMINY, JST, KRYTERIA, MIESZKANCY, count, fmt_date, fmt_date_long, fmt_datetime, fmt_int, fmt_num, to_local,
)
from cwd.settings import MAX_SELECTED

if TYPE_CHECKING:
    from cwd.evaluation import PartnershipResult
    from cwd.export.package import MfiprPackage
    from cwd.store import Assessment

HEADING_COLOUR = (20, 50, 95)
NOTE_COLOUR = (160, 60, 0)
GREY = (70, 70, 70)
HEADER_FILL = (221, 228, 238)
CUT_NOTE = " … [skrócono – pełny tekst pod tabelą]"
CUT_NAME_NOTE = " … [skrócono – pełna nazwa poniżej]"
MAP_ALT = "Mapa wybranych partnerstw JST na tle obszarów OSI województwa podlaskiego"
HEADING_NAME_CHARS = 180


def _font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


class _Doc:
    """The fpdf2 document plus the few layout moves every section uses."""

    def __init__(self, package: "MfiprPackage", compress: bool):
        from fpdf import FPDF

        self.package = package
        generated = fmt_datetime(package.generated)
        illustrative = package.illustrative

        class _Pdf(FPDF):
            def header(self) -> None:
                if illustrative:  # on every page: a page copied alone still says it
                    self.set_y(6)
                    self.set_font("DejaVu", "B", 7.5)
                    self.set_text_color(*NOTE_COLOUR)
                    self.cell(0, 4, f"{style.ILLUSTRATIVE_MARK} – wartości kryteriów z przykładowych formularzy",
                              align="R")
                    self.set_text_color(0, 0, 0)
                    self.set_y(self.t_margin)

            def footer(self) -> None:
                self.set_y(-12)
                self.set_font("DejaVu", "", 7.5)
                self.set_text_color(110, 110, 110)
                self.cell(0, 5, f"{TITLE} · wygenerowano {generated}", align="L")
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
        self.pdf = pdf
        self._glyphs = set(pdf.fonts["dejavu"].cmap)

    # --- text ----------------------------------------------------------------------------
    def text(self, value: object) -> str:
        """Plain text the font can draw: a missing glyph becomes its compatibility form (＝ → =)
        or U+FFFD, never an invisible hole."""
        text = plain_text(value)
        if all(ord(ch) in self._glyphs or ch == "\n" for ch in text):
            return text
        out = []
        for ch in text:
            if ord(ch) in self._glyphs or ch == "\n":
                out.append(ch)
                continue
            folded = unicodedata.normalize("NFKC", ch)
            out.append(folded if folded and all(ord(c) in self._glyphs for c in folded) else "\ufffd")
        return "".join(out)

    def fit(self, value: object, width: float, max_lines: int, note: str = CUT_NOTE) -> tuple[str, bool]:
        """The text cut so that it fills at most `max_lines` lines `width` mm wide in the current
        font, and whether it was cut."""
        text = self.text(value)
        lines = self.pdf.multi_cell(width, 4, text, dry_run=True, output="LINES")
        if len(lines) <= max_lines:
            return text, False
        cut = " ".join(" ".join(lines[:max_lines]).split())
        for _ in range(20):
            candidate = clip(cut, max(len(cut) - len(note), 1), "") + note
            if len(self.pdf.multi_cell(width, 4, candidate, dry_run=True, output="LINES")) <= max_lines:
                return candidate, True
            cut = cut[: int(len(cut) * 0.9)]
        return clip(cut, 40, "") + note, True

    def para(self, text: object, size: float = 9.5, style_: str = "", colour=None, indent: float = 0) -> None:
        pdf = self.pdf
        pdf.set_font("DejaVu", style_, size)
        if colour:
            pdf.set_text_color(*colour)
        if indent:
            pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(0, size * 0.5, self.text(text), align="L", new_x="LMARGIN", new_y="NEXT")
        if colour:
            pdf.set_text_color(0, 0, 0)

    def label_value(self, label: str, value: object, size: float = 9.5) -> None:
        """"Label: value" on one wrapped paragraph, the label in bold."""
        pdf = self.pdf
        pdf.set_font("DejaVu", "B", size)
        width = pdf.get_string_width(label + " ") + 0.5
        if pdf.will_page_break(size * 0.5):
            pdf.add_page()
        pdf.cell(width, size * 0.5, label + " ", new_x="RIGHT", new_y="TOP")
        pdf.set_font("DejaVu", "", size)
        pdf.multi_cell(0, size * 0.5, self.text(value), align="L", new_x="LMARGIN", new_y="NEXT")

    def heading(self, text: str, size: float = 12.5, keep_with_next: float = 0) -> None:
        """A section heading; starts a new page when less than `keep_with_next` mm would follow it."""
        pdf = self.pdf
        if pdf.will_page_break(size * 2 + keep_with_next):
            pdf.add_page()
        pdf.ln(2)
        pdf.set_font("DejaVu", "B", size)
        pdf.set_text_color(*HEADING_COLOUR)
        pdf.multi_cell(0, size * 0.5, self.text(text), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        pdf.ln(1)

    def subheading(self, text: str) -> None:
        pdf = self.pdf
        if pdf.will_page_break(14):
            pdf.add_page()
        pdf.ln(1.5)
        pdf.set_font("DejaVu", "B", 10.5)
        pdf.multi_cell(0, 5.5, self.text(text), align="L", new_x="LMARGIN", new_y="NEXT")

    def table(self, columns, rows, *, size: float = 8.5, max_lines: int = 8) -> list[tuple[str, str]]:
        """A table whose every row fits a page. `columns`: (title, width mm, align); `rows`: cell
        texts. Returns (row label, full text) of the cells that were cut."""
        from fpdf.fonts import FontFace

        pdf = self.pdf
        padding = 1.2
        pdf.set_font("DejaVu", "", size)
        cut_cells = []
        widths = [w for _t, w, _a in columns]
        with pdf.table(col_widths=widths, width=sum(widths), text_align=[a for _t, _w, a in columns],
                       headings_style=FontFace(emphasis="BOLD", fill_color=HEADER_FILL), line_height=size * 0.46,
                       padding=padding, v_align="TOP", align="LEFT") as table:
            row = table.row()
            for title, _w, _a in columns:
                row.cell(title)
            for values in rows:
                row = table.row()
                for (title, width, _a), value in zip(columns, values):
                    emphasis = None
                    if isinstance(value, tuple):  # (text, "BOLD")
                        value, emphasis = value
                    text, was_cut = self.fit(value, width - 2 * padding - 0.6, max_lines)
                    if was_cut:
                        cut_cells.append((f"{one_line(values[0])} – {title}", self.text(value)))
                    row.cell(text, style=FontFace(emphasis=emphasis) if emphasis else None)
        return cut_cells

    def full_texts(self, title: str, cut_cells: list[tuple[str, str]]) -> None:
        if not cut_cells:
            return
        self.subheading(title)
        for label, text in cut_cells:
            self.para(label, 8.5, "B")
            self.para(text, 8.5, indent=3)
            self.pdf.ln(0.8)


# --- the sections -----------------------------------------------------------------------------
def _title_page(doc: _Doc) -> None:
    pdf, package = doc.pdf, doc.package
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.set_text_color(*HEADING_COLOUR)
    pdf.multi_cell(0, 8, TITLE, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    doc.para(ISSUER, 9.5, colour=GREY)
    if package.call_label:
        doc.label_value("Nabór:", package.call_label)
    local, _ = to_local(package.generated)
    doc.para(f"Data sporządzenia: {fmt_date_long(local.date())} (wygenerowano {fmt_datetime(package.generated)})")
    doc.para(f"Liczba wybranych partnerstw: {len(package.selected)} (najwyżej {MAX_SELECTED}).")
    if package.decided_by or package.decided_at:
        when = fmt_datetime(package.decided_at) if package.decided_at else "—"
        doc.para(f"Decyzja UM zapisana: {when}, zapisał(a): {package.decided_by or '—'}.")
    else:
        doc.para("Decyzja UM nie została jeszcze zapisana – zestawienie robocze.", 9.5, "I", colour=NOTE_COLOUR)
    if package.illustrative:
        pdf.ln(1)
        doc.para("Uwaga: " + style.ILLUSTRATIVE_NOTE, 9, "B", colour=NOTE_COLOUR)
    pdf.ln(3)

    if package.map_layers is None:
        doc.para(NO_BOUNDARIES_NOTE, 10, "I", colour=(90, 90, 90))
    else:
        from cwd.export.static_map import StaticMap, static_map_png

        spec = StaticMap.of(package.map_layers, package.selected, title="Wybrane partnerstwa na tle obszarów OSI",
                            generated=package.generated, illustrative=package.illustrative)
        try:
            png = static_map_png(spec, dpi=200)
        except ExportError as exc:  # the summary still goes out, saying why its map is missing
            doc.para(f"Mapa pominięta. {exc}", 10, "I", colour=NOTE_COLOUR)
        else:
            _embed_map(pdf, png)


def _embed_map(pdf, png: bytes) -> None:
    """The map as large as the rest of the page allows (it moves to the next page if too little is left)."""
    width_px, height_px = struct.unpack(">II", png[16:24])  # PNG IHDR
    ratio = height_px / width_px
    bottom = pdf.h - pdf.b_margin - 2
    if bottom - pdf.get_y() < 110:
        pdf.add_page()
    avail_h = bottom - pdf.get_y()
    w = min(pdf.epw, avail_h / ratio)
    h = w * ratio
    x = pdf.l_margin + (pdf.epw - w) / 2
    pdf.image(io.BytesIO(png), x=x, y=pdf.get_y(), w=w, h=h, alt_text=MAP_ALT)
    pdf.set_y(pdf.get_y() + h + 1)


def _overview(doc: _Doc) -> None:
    package = doc.package
    doc.heading("Zestawienie wybranych partnerstw", keep_with_next=30)
    if not package.selected:
        doc.para("Nie wybrano żadnego partnerstwa.")
        return
    register = package.register
    columns = [("Nr", 8, "CENTER"), ("Partnerstwo", 40, "LEFT"), ("Lider", 32, "LEFT"), ("JST", 10, "CENTER"),
               (f"Ludność\n({population_label(register)})", 23, "RIGHT"), ("Status", 21, "LEFT"),
               ("Gminy w OSI", 15, "RIGHT"), ("OSI", 31, "LEFT")]
    rows = []
    for n, r in enumerate(package.selected, start=1):
        p = r.partnership
        rows.append([str(n), p.nazwa, register.label(p.lider), str(len(p.czlonkowie)), fmt_int(r.ludnosc),
                     r.checklist.status, fmt_share(osi_share(r.osi)), r.osi.summary()])
    doc.full_texts("Pełne brzmienie skróconych pól", doc.table(columns, rows, max_lines=6))


def _partnership_section(doc: _Doc, n: int, r: "PartnershipResult") -> None:
    package, pdf = doc.package, doc.pdf
    p = r.partnership
    register = package.register
    assessment = package.assessment(p.id)
    name = one_line(p.nazwa)
    doc.heading(f"{n}. {clip(name, HEADING_NAME_CHARS, CUT_NAME_NOTE)}", 14, keep_with_next=150)
    if len(name) > HEADING_NAME_CHARS:
        doc.label_value("Pełna nazwa:", p.nazwa)
    doc.label_value("Identyfikator:", p.id)
    doc.label_value("Lider:", register.label(p.lider))
    if p.koordynator:
        doc.label_value("Koordynator:", p.koordynator)
    doc.label_value("Obszar:", f"{count(len(p.czlonkowie), JST)}, {count(len(r.gminy), GMINY)}, "
                    f"{count(r.ludnosc, MIESZKANCY)} "
                    f"({population_label(register)}), {fmt_num(r.powierzchnia_km2, 0)} km²")
    doc.label_value("Status wg listy sprawdzającej:",
                    f"{r.checklist.status} ({r.checklist.spelnione} z {count(CRITERIA_COUNT, KRYTERIA)} spełnionych)")

    doc.subheading(f"Członkowie ({len(p.czlonkowie)})")
    members = [register.label(c) + (" – lider" if c == p.lider else "") for c in p.czlonkowie]
    doc.para("; ".join(members) + ".", 9)

    doc.subheading(f"Kwalifikowalność obszaru (OSI): {r.osi.werdykt}")
    doc.label_value("Gminy obszaru w OSI:", fmt_share(osi_share(r.osi)), 9)
    if r.osi.trasy:
        doc.label_value("Trasy:", "; ".join(r.osi.trasy), 9)
    for reason in r.osi.powody:
        doc.para(f"• {reason}", 9)

    # Keep the checklist with its heading on one page when it fits there: rehearse it first
    # (fpdf2 rewinds everything drawn inside offset_rendering).
    with pdf.offset_rendering() as rehearsal:
        doc.subheading("Lista sprawdzająca")
        _checklist_table(doc, r, assessment)
    if rehearsal.page_break_triggered and pdf.get_y() > pdf.t_margin + 1:
        pdf.add_page()
    doc.subheading("Lista sprawdzająca")
    cut = _checklist_table(doc, r, assessment)
    pdf.ln(1.5)
    if assessment is not None:
        doc.label_value("Oceniający (UM):", f"{assessment.assessor} – ostatni zapis "
                        f"{fmt_datetime(assessment.updated_at)}, wersja {assessment.version}", 9)
    else:
        doc.label_value("Oceniający (UM):", "brak zapisanej oceny – liczą się wartości z formularza", 9)
    for reason in r.checklist.powody:
        doc.para(f"• {reason}", 8.5, colour=(60, 60, 60))
    doc.full_texts("Komentarze w pełnym brzmieniu", cut)

    unverified = r.checklist.niezweryfikowane
    reason = package.override_reason(p.id)
    if unverified or reason:
        doc.subheading("Wybór bez pełnej weryfikacji UM")
        if unverified:
            doc.label_value("Niezweryfikowane kryteria:", ", ".join(unverified), 9)
        if reason:
            doc.label_value("Powód:", reason, 9.5)
        else:
            doc.para("— brak pisemnego powodu —", 9.5, "I", colour=NOTE_COLOUR)

    doc.subheading("Uzasadnienie wyboru")
    text = package.justification(p.id)
    if text:
        doc.para(text, 9.5)
    else:
        doc.para("— brak uzasadnienia —", 9.5, "I", colour=NOTE_COLOUR)


def _checklist_table(doc: _Doc, r: "PartnershipResult", assessment: "Assessment | None") -> list[tuple[str, str]]:
    columns = [("Kryterium", 52, "LEFT"), ("Deklarowana", 22, "CENTER"), ("Zweryfikowana", 25, "CENTER"),
               ("Przyjęta", 16, "CENTER"), ("Komentarz oceniającego", 65, "LEFT")]
    rows = [[f"{c.id} {c.nazwa}", value_text(c.deklarowana), value_text(c.zweryfikowana),
             (value_text(c.wartosc), "BOLD"), criterion_comment(assessment, c)] for c in r.checklist.kryteria]
    return doc.table(columns, rows, size=8, max_lines=10)


def _timeline(doc: _Doc) -> None:
    if not doc.package.timeline:
        return
    doc.heading("Harmonogram naboru", keep_with_next=20)
    for when, label in sorted(doc.package.timeline, key=lambda row: row[0]):
        doc.label_value(f"{fmt_date(when)}", label, 9.5)


def _sources(doc: _Doc) -> None:
    package, pdf = doc.package, doc.pdf
    doc.heading("Źródła danych i ustawienia", keep_with_next=45)
    doc.label_value("Wygenerowano:", fmt_datetime(package.generated))
    if package.call_label:
        doc.label_value("Nabór:", package.call_label)
    if package.forms_version:
        doc.label_value("Formularze:", package.forms_version)
    if package.ztm_version:
        doc.label_value("Lista OSI ZTM:", package.ztm_version)
    for text in package.settings:
        doc.label_value("Ustawienia:", text)
    if package.illustrative:
        doc.label_value("Uwaga:", style.ILLUSTRATIVE_NOTE)
    doc.label_value("Mapa:", style.SOURCE_LINE)
    pdf.ln(1)
    for what, source, ref in package.sources:
        if pdf.will_page_break(12):
            pdf.add_page()
        doc.para(f"• {what}", 8.5, "B")
        detail = source + (f" (stan: {ref})" if ref and ref != "—" else "")
        doc.para(detail, 8.5, indent=3)
        pdf.ln(0.8)


def selection_pdf(package: "MfiprPackage", *, compress: bool = True) -> bytes:
    """The PDF for MFiPR (`compress=False` leaves the page streams readable). Raises ExportError
    (Polish message) when it cannot be built."""
    try:
        doc = _Doc(package, compress)
        _title_page(doc)
        _overview(doc)
        for n, r in enumerate(package.selected, start=1):
            doc.pdf.ln(6)
            _partnership_section(doc, n, r)
        _timeline(doc)
        _sources(doc)
        return bytes(doc.pdf.output())
    except ExportError:
        raise
    except Exception as exc:
        raise ExportError(
            "Nie udało się przygotować podsumowania PDF. Pobierz zestawienie XLSX – zawiera te same dane – "
            f"i zgłoś błąd administratorowi (szczegóły: {type(exc).__name__}: {exc})."
        ) from exc
