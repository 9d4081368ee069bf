"""The workbook for MFiPR: five sheets, every text exactly as typed and never a formula."""
from __future__ import annotations

from dataclasses import replace

import pytest

from cwd.criteria import CRITERIA_COUNT, CRITERIA_IDS
from cwd.export import CellText, ExportError, export_filename, formula_like, neutralise, selection_xlsx
from cwd.export.common import population_span
from cwd.fmt import UNKNOWN, fmt_date
from cwd.store import Assessment

from .conftest import (
    EVIL_COMMENTS,
    EVIL_NAME,
    GENERATED,
    JUSTIFICATIONS,
    SETTINGS,
    TIMELINE,
    column,
    headers_of,
    rows_of,
    workbook,
)


@pytest.fixture(scope="module")
def book(make_package):
    return workbook(selection_xlsx(make_package(settings="-" + SETTINGS, illustrative=True)))


def by_header(ws) -> list[dict]:
    headers = headers_of(ws)
    return [dict(zip(headers, r)) for r in rows_of(ws)]


def population_header(register) -> str:
    return f"Ludność obszaru ({fmt_date(population_span(register)[1])})"


# --- neutralise and file names ---------------------------------------------------------------
# Every way a cell could start a formula: the OWASP set, full-width forms (Excel folds them in some
# locales), and the same hidden behind zero-width characters or a BOM.
HIDDEN = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200b\u200b ")
STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
FORMULAS = [s + "1+1" for s in STARTS] + [h + s + "1+1" for h in HIDDEN for s in STARTS] + [EVIL_NAME, "-1+1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_neutralise_keeps_the_text_and_asks_for_the_quote_prefix(text):
    assert neutralise(text) == CellText(text, True)  # no visible apostrophe, ever
    assert formula_like(text)


@pytest.mark.parametrize("value", ["Łomża", "", "1 → 0", "'już", "5", "2,5", "#N/A", "a=b", "Ziemia – lider"])
def test_neutralise_leaves_other_text_alone(value):
    assert neutralise(value) == CellText(value, False)


def test_neutralise_drops_what_xml_cannot_hold_and_decides_on_the_original():
    assert neutralise("a\x00b\x07c") == CellText("abc", False)
    assert neutralise("\x00=1+1") == CellText("=1+1", True)
    long = neutralise("x" * 40_000)
    assert len(long.text) == 32_767 and long.text.endswith("…")


def test_export_filename_carries_the_date():
    from datetime import date, datetime

    assert export_filename("wybor_partnerstw", date(2020, 9, 29), "xlsx") == "cwd_wybor_partnerstw_2020-09-29.xlsx"
    assert export_filename("wybór partnerstw", datetime(2020, 9, 29, 23, 0), ".PDF") == \
        "cwd_wybor_partnerstw_2020-09-29.pdf"
    assert export_filename("mapa/../ła", date(2020, 10, 13), "png") == "cwd_mapa_la_2020-10-13.png"


# --- the sheets -------------------------------------------------------------------------------
def test_workbook_has_the_five_sheets(book):
    assert book.sheetnames == ["Wybrane", "Członkowie", "Lista sprawdzająca", "Historia", "Źródła"]
    for ws in book.worksheets:
        assert ws.freeze_panes is not None and ws.freeze_panes.endswith("2")
        assert all(c.font.b for c in ws[1] if c.value is not None)


def test_selected_sheet(book, selected, register):
    rows = {r["Id"]: r for r in by_header(book["Wybrane"])}
    assert list(rows) == ["P01", "P02", "P03"]
    p01 = rows["P01"]
    population = population_header(register)
    assert population == "Ludność obszaru (31.12.2023)"  # the register's latest population column
    assert p01["Nazwa partnerstwa"] == "Ziemia Wysokomazowiecka"
    assert p01["Lider"] == "Powiat wysokomazowiecki"
    assert p01["Liczba JST"] == 11
    assert p01[population] == selected[0].ludnosc
    assert isinstance(p01[population], int)
    assert p01["Status"] == "nie spełnia"  # I.2 verified as 0
    assert p01[f"Spełnione kryteria (z {CRITERIA_COUNT})"] == CRITERIA_COUNT - 1
    assert p01["OSI – werdykt"] == "kwalifikuje się"
    assert "Wysokie Mazowieckie" in p01["OSI – trasy"]
    assert p01["Udział gmin obszaru w OSI"] == 1.0
    assert p01["Uzasadnienie wyboru"] == JUSTIFICATIONS["P01"]
    assert p01["Oceniający (UM)"] == "Anna Nowak"
    assert rows["P03"]["Lider"] == "Dąbrowa Białostocka (gmina miejsko-wiejska)"
    share = column(book["Wybrane"], "Udział gmin obszaru w OSI")[0]
    assert share.number_format == "0%" and share.data_type == "n"


def test_members_sheet_keeps_teryt_as_text(book):
    ws = book["Członkowie"]
    assert headers_of(ws) == ["Id partnerstwa", "Nazwa partnerstwa", "TERYT", "JST", "Rodzaj", "Lider"]
    rows = rows_of(ws)
    assert len(rows) == 11 + 3 + 3
    by_code = {r[2]: r for r in rows}
    assert by_code["2013011"] == ["P01", "Ziemia Wysokomazowiecka", "2013011",
                                  "Wysokie Mazowieckie (gmina miejska)", "gmina miejska", "nie"]
    assert by_code["2013"][3:] == ["Powiat wysokomazowiecki", "powiat", "tak"]
    assert by_code["2062011"][3:] == ["Łomża (gmina miejska)", "gmina miejska", "tak"]
    for cell in ws["C"][1:]:
        assert cell.data_type == "s" and isinstance(cell.value, str) and cell.number_format == "@"


def test_checklist_sheet_shows_declared_verified_and_comments(book):
    rows = by_header(book["Lista sprawdzająca"])
    assert len(rows) == 3 * CRITERIA_COUNT
    rows = {(r["Id partnerstwa"], r["Kryterium"]): r for r in rows}
    i1 = rows[("P01", "I.1")]
    assert i1["Nazwa kryterium"].startswith("Obszar partnerstwa i zainicjowana współpraca JST")
    assert (i1["Wartość deklarowana"], i1["Wartość zweryfikowana"], i1["Wartość przyjęta"]) == (1, 1, 1)
    assert i1["Komentarz"] == "Umowa partnerska z 2019 r. <img src=x>"
    assert i1["Oceniający"] == "Anna Nowak"
    i2 = rows[("P01", "I.2")]
    assert (i2["Wartość deklarowana"], i2["Wartość zweryfikowana"], i2["Wartość przyjęta"]) == (1, 0, 0)
    # Not verified: "brak", never 0; a missing declared value too.
    i3 = rows[("P01", "I.3")]
    assert (i3["Wartość deklarowana"], i3["Wartość zweryfikowana"], i3["Wartość przyjęta"]) == (1, "brak", 1)
    ii3 = rows[("P02", "II.3")]
    assert (ii3["Wartość deklarowana"], ii3["Wartość zweryfikowana"], ii3["Wartość przyjęta"]) == \
        ("brak", "brak", "brak")
    assert rows[("P03", "II.2")]["Wartość przyjęta"] == 0
    assert rows[("P03", "I.1")]["Oceniający"] in ("", None)


def test_history_sheet_holds_only_selected_partnerships(book):
    rows = by_header(book["Historia"])
    assert [(r["Id partnerstwa"], r["Kryterium"]) for r in rows] == [("P01", "I.2"), ("P01", "I.1"), ("P02", "I.4")]
    first = rows[0]
    assert first["Kiedy"] == "29.09.2020 12:30"  # Polish time
    assert first["Kto"] == "Anna Nowak"
    assert first["Zmiana wartości"] == "1 → 0"
    assert first["Komentarz"] == "Brak uchwały o powołaniu rady"
    assert rows[1]["Zmiana wartości"] == "brak → 1"
    assert all("Niewybrane" not in str(v) for r in rows for v in r.values())


def test_history_sheet_says_when_there_is_nothing(make_package, selected):
    ws = workbook(selection_xlsx(make_package(selected=selected[2:], history=[])))["Historia"]
    assert ws["A2"].value == "Brak zapisanych zmian ocen wybranych partnerstw."


def test_sources_sheet(book):
    ws = book["Źródła"]
    text = " ".join(str(v) for r in rows_of(ws) for v in r if v is not None)
    assert "29.09.2020 12:30" in text
    # The settings text starts with "-": kept exactly (no apostrophe), inert through the quote prefix.
    [cell] = [c for c in column(ws, "Źródło / wartość") if c.value == "-" + SETTINGS]
    assert cell.data_type == "s" and cell.quotePrefix
    assert "'-" not in text
    assert "ilustracyjne" in text
    assert "Rejestr TERYT/TERC" in text  # from data/zrodla.csv
    assert "Decyzja nie została jeszcze zapisana" in text


def test_sources_sheet_without_illustrative_note(make_package):
    data = selection_xlsx(make_package(history=[], data_sources=[("Formularze", "UM, wrzesień 2020", "22.09.2020")]))
    text = " ".join(str(v) for r in rows_of(workbook(data)["Źródła"]) for v in r if v is not None)
    assert "ilustracyjne" not in text
    assert "UM, wrzesień 2020" in text and "Rejestr TERYT/TERC" not in text


def test_sources_sheet_holds_the_call_the_basis_the_decision_and_the_timeline(make_package):
    decided = GENERATED.replace(hour=9)
    data = selection_xlsx(make_package(
        call_name="Pilotaż CWD 2020 – woj. podlaskie", call_id="2020-20", forms_version="formularze.xlsx (v3)",
        ztm_version="lista ZTM IGiPZ PAN 2019", decided_by="Anna Nowak", decided_at=decided, timeline=TIMELINE))
    rows = rows_of(workbook(data)["Źródła"])
    assert ["Nabór", "Nabór (runda wyboru)", "Pilotaż CWD 2020 – woj. podlaskie (id: 2020-20)", None] in rows
    assert ["Decyzja UM", "Zapisał(a) / kiedy", "Anna Nowak", "29.09.2020 11:30"] in rows
    assert ["Podstawa decyzji", "Formularze (wersja pliku)", "formularze.xlsx (v3)", None] in rows
    assert ["Podstawa decyzji", "Lista OSI ZTM (wersja)", "lista ZTM IGiPZ PAN 2019", None] in rows
    assert ["Harmonogram", "Formularze do UM", "22.09.2020", None] in rows


def test_unverified_pick_carries_its_written_reason(make_package):
    reason = "Weryfikacja I.3–II.3 po rozmowie z koordynatorem; decyzja Zarządu z 28.09.2020."
    rows = {r["Id"]: r for r in by_header(workbook(selection_xlsx(make_package(
        override_reasons={"P01": reason})))["Wybrane"])}
    assert rows["P01"]["Powód wyboru bez pełnej weryfikacji UM"] == reason
    assert rows["P01"]["Niezweryfikowane przez UM"] == ", ".join(CRITERIA_IDS[2:])
    assert rows["P03"]["Powód wyboru bez pełnej weryfikacji UM"] in ("", None)


# --- inert text -------------------------------------------------------------------------------
def test_no_cell_anywhere_can_run_as_a_formula(book):
    seen_name = set()
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith("'"), (ws.title, cell.coordinate, cell.value)
                    if formula_like(cell.value):
                        assert cell.data_type == "s" and cell.quotePrefix, (ws.title, cell.coordinate)
                    if cell.value == EVIL_NAME:
                        assert cell.data_type == "s" and cell.quotePrefix
                        seen_name.add(ws.title)
    assert seen_name == {"Wybrane", "Członkowie", "Lista sprawdzająca", "Historia"}


def test_hostile_comments_assessor_and_justification_are_inert_text(book):
    ws = book["Lista sprawdzająca"]
    col = {h: i for i, h in enumerate(headers_of(ws))}
    found = {}
    for row in ws.iter_rows(min_row=2):
        if row[col["Id partnerstwa"]].value == "P02":
            found[row[col["Kryterium"]].value] = (row[col["Komentarz"]], row[col["Oceniający"]])
    for criterion, comment in EVIL_COMMENTS.items():
        cell, assessor = found[criterion]
        # XML turns a stored carriage return into a line feed on reading; nothing else changes.
        assert cell.data_type == "s" and cell.quotePrefix and cell.value == comment.replace("\r", "\n")
        assert assessor.data_type == "s" and assessor.quotePrefix and assessor.value == "=Jan Kowalski"
    just = [c for c in column(book["Wybrane"], "Uzasadnienie wyboru") if c.value == "@uzasadnienie z formuły"]
    assert len(just) == 1 and just[0].data_type == "s" and just[0].quotePrefix
    history = book["Historia"]
    assert any(c.value == "-2+3" and c.data_type == "s" and c.quotePrefix for r in history.iter_rows() for c in r)


@pytest.mark.parametrize("text", FORMULAS)
def test_every_formula_start_reads_back_as_the_typed_text(make_package, selected, text):
    """Each trigger (and its full-width and zero-width-prefixed forms) in a name, a comment and a
    justification: read back as a string cell with the quote prefix and the very same text."""
    p03 = selected[2]
    named = replace(p03, partnership=replace(p03.partnership, nazwa=text))
    comment = Assessment("P03", values=dict.fromkeys(CRITERIA_IDS), comments={**dict.fromkeys(CRITERIA_IDS, ""),
                         "I.1": text}, assessor=text, version=1, updated_at=GENERATED)
    book = workbook(selection_xlsx(make_package(selected=[named], assessments={"P03": comment}, history=[],
                                                justifications={"P03": text})))
    expected = text.replace("\r", "\n")  # XML line-end normalisation, not ours
    cells = [column(book["Wybrane"], "Nazwa partnerstwa")[0], column(book["Wybrane"], "Uzasadnienie wyboru")[0],
             column(book["Wybrane"], "Oceniający (UM)")[0], column(book["Członkowie"], "Nazwa partnerstwa")[0],
             column(book["Lista sprawdzająca"], "Komentarz")[0]]
    for cell in cells:
        assert (cell.data_type, cell.value, cell.quotePrefix) == ("s", expected, True), cell.coordinate


def test_control_characters_do_not_break_the_workbook(make_package, selected):
    # P03 has no comments of its own in the evaluation, so the assessment's comment is shown.
    nasty = Assessment("P03", values=dict.fromkeys(CRITERIA_IDS),
                       comments={**dict.fromkeys(CRITERIA_IDS, ""), "I.1": "a\x00b\x07c #N/A",
                                 "I.2": "\x00=1+1"},
                       assessor="#N/A", version=1, updated_at=GENERATED)
    wb = workbook(selection_xlsx(make_package(selected=selected[2:], assessments={"P03": nasty}, history=[],
                                              justifications={"P03": "x" * 40_000})))
    ws = wb["Lista sprawdzająca"]
    assert ws["I2"].value == "abc #N/A"
    assert ws["I3"].value == "=1+1" and ws["I3"].data_type == "s" and ws["I3"].quotePrefix
    assert ws["J2"].value == "#N/A" and ws["J2"].data_type == "s"  # text, not an error value
    just = column(wb["Wybrane"], "Uzasadnienie wyboru")[0].value
    assert len(just) == 32_767 and just.endswith("…")


def test_long_texts_stay_whole_in_the_workbook(make_package, selected):
    long_comment = "Komentarz oceniającego. " * 210  # ≈ 5 000 characters
    long_name = "Partnerstwo " + "bardzo długiej nazwy " * 95  # ≈ 2 000 characters
    p03 = selected[2]
    named = replace(p03, partnership=replace(p03.partnership, nazwa=long_name))
    comment = Assessment("P03", values=dict.fromkeys(CRITERIA_IDS),
                         comments={**dict.fromkeys(CRITERIA_IDS, ""), "I.1": long_comment}, assessor="A",
                         version=1, updated_at=GENERATED)
    wb = workbook(selection_xlsx(make_package(selected=[named], assessments={"P03": comment}, history=[])))
    assert column(wb["Wybrane"], "Nazwa partnerstwa")[0].value == long_name
    assert column(wb["Lista sprawdzająca"], "Komentarz")[0].value == long_comment
    assert column(wb["Lista sprawdzająca"], "Komentarz")[0].alignment.wrap_text


# --- unknown is never 0 -------------------------------------------------------------------------
def test_undetermined_osi_share_is_written_nieustalone(make_package, undetermined):
    rows = {r["Id"]: r for r in by_header(workbook(selection_xlsx(make_package(selected=[undetermined])))["Wybrane"])}
    assert rows[undetermined.id]["Udział gmin obszaru w OSI"] == UNKNOWN


def test_export_error_is_the_one_error_type(make_package, monkeypatch):
    import cwd.export.xlsx as xlsx

    def broken(*_args):
        raise OSError("dysk pełny")

    monkeypatch.setattr(xlsx, "_members_sheet", broken)
    with pytest.raises(ExportError, match="XLSX"):
        selection_xlsx(make_package())
