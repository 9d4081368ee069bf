"""The MFiPR package: XLSX (five sheets, inert text), PDF (text, map, diacritics), PNG map, file names."""
from __future__ import annotations

import io
import re
import struct
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cwd import export
from cwd.evaluation import evaluate_all
from cwd.export import (
    NO_BOUNDARIES_NOTE,
    export_filename,
    neutralise,
    selection_pdf,
    selection_xlsx,
    static_map_png,
)
from cwd.model import Partnership
from cwd.osi import build_context
from cwd.paths import SHARED_GEO_DIR
from cwd.criteria import CRITERIA_IDS
from cwd.settings import OsiSettings
from cwd.store import Assessment, HistoryEntry

GENERATED = datetime(2020, 9, 29, 10, 30, tzinfo=timezone.utc)  # 12:30 in Warsaw (CEST)
SETTINGS = "Próg ludności małego miasta: 20 000; dzień odniesienia: 30.06.2019"
EVIL_NAME = '=HYPERLINK("http://x";"klik")'
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
EVIL_COMMENTS = {
    "I.3": "+48 600 000 000",
    "I.4": "-2+3",
    "I.5": "@SUM(A1:A9)",
    "I.6": "\tukryty tekst",
    "I.7": "\r=1+1",
}

ALL_ONES = dict.fromkeys(CRITERIA_IDS, 1)
WYSOKOMAZOWIECKA = Partnership(
    id="P01",
    nazwa="Ziemia Wysokomazowiecka",
    lider="2013",
    czlonkowie=("2013", "2013011", "2013102", "2013023", "2013033", "2013042", "2013052", "2013062",
                "2013072", "2013082", "2013093"),
    koordynator="Koordynator (przykład)",
    deklarowane=dict(ALL_ONES),
)
LOMZA = Partnership(  # the hostile one: its name is a formula
    id="P02",
    nazwa=EVIL_NAME,
    lider="2062011",
    czlonkowie=("2062011", "2007022", "2007032"),
    deklarowane={**ALL_ONES, "II.3": None},
)
DABROWA = Partnership(
    id="P03",
    nazwa="Partnerstwo gmin – Dąbrowa Białostocka",
    lider="2011013",
    czlonkowie=("2011013", "2011022", "2011032"),
    deklarowane={**ALL_ONES, "II.2": 0},
)
NOT_SELECTED = Partnership(id="P09", nazwa="Niewybrane partnerstwo", lider="2006011",
                           czlonkowie=("2006011", "2006032"), deklarowane=dict(ALL_ONES))

VERIFIED = {
    "P01": {"I.1": 1, "I.2": 0},
    "P02": {c: 1 for c in EVIL_COMMENTS},
}
COMMENTS = {
    "P01": {"I.1": "Umowa partnerska z 2019 r. <img src=x>", "I.2": "Brak uchwały o powołaniu rady"},
    "P02": dict(EVIL_COMMENTS),
}
ASSESSORS = {"P01": "Anna Nowak", "P02": "=Jan Kowalski"}
JUSTIFICATIONS = {
    "P01": "Partnerstwo obejmuje cały powiat wysokomazowiecki i ma doświadczenie we współpracy.",
    "P02": "@uzasadnienie z formuły",
    "P03": "",
}


def _assessment(pid: str) -> Assessment:
    values = dict.fromkeys(CRITERIA_IDS)
    values.update(VERIFIED[pid])
    comments = dict.fromkeys(CRITERIA_IDS, "")
    comments.update(COMMENTS[pid])
    return Assessment(pid, values=values, comments=comments, assessor=ASSESSORS[pid], version=2,
                      updated_at=GENERATED)


@pytest.fixture(scope="module")
def results(register):
    ctx = build_context(register, OsiSettings(), adjacency=None, ztm=None)
    return evaluate_all([WYSOKOMAZOWIECKA, LOMZA, DABROWA, NOT_SELECTED], register, ctx, VERIFIED, COMMENTS)


@pytest.fixture(scope="module")
def selected(results):
    return [r for r in results if r.id != "P09"]


@pytest.fixture(scope="module")
def assessments():
    return {pid: _assessment(pid) for pid in VERIFIED}


@pytest.fixture(scope="module")
def history():
    earlier = datetime(2020, 9, 25, 7, 0, tzinfo=timezone.utc)
    return [
        HistoryEntry(3, "P01", 2, "I.2", 1, 0, "", "Brak uchwały o powołaniu rady", "Anna Nowak", GENERATED),
        HistoryEntry(2, "P01", 1, "I.1", None, 1, "", "Umowa partnerska z 2019 r. <img src=x>", "Anna Nowak", earlier),
        HistoryEntry(4, "P02", 1, "I.4", None, 1, "", "-2+3", "=Jan Kowalski", earlier),
        HistoryEntry(1, "P09", 1, "I.1", None, 0, "", "nie do eksportu", "Ktoś Inny", earlier),
    ]


@pytest.fixture(scope="module")
def workbook(selected, register, assessments, history):
    data = selection_xlsx(selected, register, assessments, history, JUSTIFICATIONS, generated=GENERATED,
                          settings_summary="-" + SETTINGS, illustrative=True)
    return load_workbook(io.BytesIO(data))


def _rows(ws):
    return [list(r) for r in ws.iter_rows(min_row=2, values_only=True)]


def _headers(ws):
    return [c.value for c in ws[1]]


# --- neutralise and file names ---------------------------------------------------------------
@pytest.mark.parametrize("text", [EVIL_NAME, "+1", "-1", "@A1", "\tx", "\rx"])
def test_neutralise_prefixes_an_apostrophe(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Łomża", "", "1 → 0", "'już", 5, -5, 2.5, None])
def test_neutralise_leaves_other_values(value):
    assert neutralise(value) == value


def test_export_filename_carries_the_date():
    assert export_filename("wybor_partnerstw", date(2020, 9, 29), "xlsx") == "cwd_wybor_partnerstw_2020-09-29.xlsx"
    assert export_filename("wybór partnerstw", datetime(2020, 9, 29, 23, 0), ".PDF") == \
        "cwd_wybor_partnerstw_2020-09-29.pdf"
    assert export_filename("mapa/../ła", date(2020, 10, 13), "png") == "cwd_mapa_la_2020-10-13.png"


# --- XLSX ------------------------------------------------------------------------------------
def test_workbook_has_the_five_sheets(workbook):
    assert workbook.sheetnames == ["Wybrane", "Członkowie", "Lista sprawdzająca", "Historia", "Źródła"]
    for ws in workbook.worksheets:
        assert ws.freeze_panes is not None and ws.freeze_panes.endswith("2")
        assert all(c.font.b for c in ws[1] if c.value is not None)


def test_selected_sheet(workbook, selected):
    ws = workbook["Wybrane"]
    headers = _headers(ws)
    rows = {r[0]: dict(zip(headers, r)) for r in _rows(ws)}
    assert list(rows) == ["P01", "P02", "P03"]
    p01 = rows["P01"]
    assert p01["Nazwa partnerstwa"] == "Ziemia Wysokomazowiecka"
    assert p01["Lider"] == "Powiat wysokomazowiecki"
    assert p01["Liczba JST"] == 11
    assert p01["Ludność obszaru (31.12.2023)"] == selected[0].ludnosc
    assert isinstance(p01["Ludność obszaru (31.12.2023)"], int)
    assert p01["Status"] == "nie spełnia"  # I.2 verified as 0
    assert p01["OSI – werdykt"] == "kwalifikuje się"
    assert "Wysokie Mazowieckie" in p01["OSI – trasy"]
    assert p01["Uzasadnienie wyboru"] == JUSTIFICATIONS["P01"]
    assert p01["Oceniający (UM)"] == "Anna Nowak"
    assert rows["P03"]["Lider"] == "Dąbrowa Białostocka (gmina miejsko-wiejska)"


def test_members_sheet_keeps_teryt_as_text(workbook, register):
    ws = workbook["Członkowie"]
    assert _headers(ws) == ["Id partnerstwa", "Nazwa partnerstwa", "TERYT", "JST", "Rodzaj", "Lider"]
    rows = _rows(ws)
    assert len(rows) == 11 + 3 + 3
    by_code = {r[2]: r for r in rows}
    assert by_code["2013011"] == ["P01", "Ziemia Wysokomazowiecka", "2013011",
                                  "Wysokie Mazowieckie (gmina miejska)", "gmina miejska", "nie"]
    assert by_code["2013"][3:] == ["Powiat wysokomazowiecki", "powiat", "tak"]
    assert by_code["2062011"][3:] == ["Łomża (gmina miejska)", "gmina miejska", "tak"]
    for cell in ws["C"][1:]:
        assert cell.data_type == "s" and isinstance(cell.value, str) and cell.number_format == "@"


def test_checklist_sheet_shows_declared_verified_and_comments(workbook):
    ws = workbook["Lista sprawdzająca"]
    headers = _headers(ws)
    rows = [dict(zip(headers, r)) for r in _rows(ws)]
    assert len(rows) == 3 * 11
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


def test_history_sheet_holds_only_selected_partnerships(workbook):
    ws = workbook["Historia"]
    headers = _headers(ws)
    rows = [dict(zip(headers, r)) for r in _rows(ws)]
    assert [(r["Id partnerstwa"], r["Kryterium"]) for r in rows] == [("P01", "I.2"), ("P01", "I.1"), ("P02", "I.4")]
    first = rows[0]
    assert first["Kiedy"] == "29.09.2020 12:30"  # Polish time
    assert first["Kto"] == "Anna Nowak"
    assert first["Zmiana wartości"] == "1 → 0"
    assert first["Komentarz"] == "Brak uchwały o powołaniu rady"
    assert rows[1]["Zmiana wartości"] == "brak → 1"
    assert all("Niewybrane" not in str(v) for r in rows for v in r.values())


def test_history_sheet_says_when_there_is_nothing(selected, register, assessments):
    data = selection_xlsx(selected[2:], register, assessments, [], JUSTIFICATIONS, generated=GENERATED,
                          settings_summary=SETTINGS)
    ws = load_workbook(io.BytesIO(data))["Historia"]
    assert ws["A2"].value == "Brak zapisanych zmian ocen wybranych partnerstw."


def test_sources_sheet(workbook):
    ws = workbook["Źródła"]
    text = " ".join(str(v) for r in _rows(ws) for v in r if v is not None)
    assert "29.09.2020 12:30" in text
    assert "'-" + SETTINGS in text
    assert "ilustracyjne" in text
    assert "Rejestr TERYT/TERC" in text  # from data/zrodla.csv


def test_sources_sheet_without_illustrative_note(selected, register, assessments):
    data = selection_xlsx(selected, register, assessments, [], JUSTIFICATIONS, generated=GENERATED,
                          settings_summary=SETTINGS, data_sources=[("Formularze", "UM, wrzesień 2020", "22.09.2020")])
    ws = load_workbook(io.BytesIO(data))["Źródła"]
    text = " ".join(str(v) for r in _rows(ws) for v in r if v is not None)
    assert "ilustracyjne" not in text
    assert "UM, wrzesień 2020" in text and "Rejestr TERYT/TERC" not in text


def test_no_cell_anywhere_can_run_as_a_formula(workbook):
    seen_name = set()
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(TRIGGERS), (ws.title, cell.coordinate, cell.value)
                    if cell.value == "'" + EVIL_NAME:
                        assert cell.data_type == "s"
                        seen_name.add(ws.title)
    assert seen_name == {"Wybrane", "Członkowie", "Lista sprawdzająca", "Historia"}


def test_hostile_comments_assessor_and_justification_are_inert_text(workbook):
    ws = workbook["Lista sprawdzająca"]
    headers = _headers(ws)
    col = {h: i for i, h in enumerate(headers)}
    found = {}
    for row in ws.iter_rows(min_row=2):
        if row[col["Id partnerstwa"]].value == "P02":
            found[row[col["Kryterium"]].value] = (row[col["Komentarz"]], row[col["Oceniający"]])
    for criterion, comment in EVIL_COMMENTS.items():
        cell, assessor = found[criterion]
        # XML turns a stored carriage return into a line feed on reading; the apostrophe stays first.
        assert cell.data_type == "s" and cell.value == "'" + comment.replace("\r", "\n")
        assert assessor.data_type == "s" and assessor.value == "'=Jan Kowalski"
    wybrane = workbook["Wybrane"]
    just = [c for c in wybrane[3] if c.value == "'@uzasadnienie z formuły"]
    assert len(just) == 1 and just[0].data_type == "s"
    history = workbook["Historia"]
    assert any(c.value == "'-2+3" and c.data_type == "s" for r in history.iter_rows() for c in r)


def test_control_characters_do_not_break_the_workbook(selected, register):
    # P03 has no comments of its own in the evaluation, so the assessment's comment is shown.
    nasty = Assessment("P03", values=dict.fromkeys(CRITERIA_IDS),
                       comments={**dict.fromkeys(CRITERIA_IDS, ""), "I.1": "a\x00b\x07c #N/A",
                                 "I.2": "\x00=1+1"},
                       assessor="#N/A", version=1, updated_at=GENERATED)
    data = selection_xlsx(selected[2:], register, {"P03": nasty}, [], {"P03": "x" * 40_000},
                          generated=GENERATED, settings_summary=SETTINGS)
    wb = load_workbook(io.BytesIO(data))
    ws = wb["Lista sprawdzająca"]
    assert ws["I2"].value == "abc #N/A"
    assert ws["I3"].value == "'=1+1" and ws["I3"].data_type == "s"
    assert ws["J2"].value == "#N/A" and ws["J2"].data_type == "s"  # text, not an error value
    just = wb["Wybrane"]["N2"].value
    assert len(just) == 32_767 and just.endswith("…")


# --- the map ---------------------------------------------------------------------------------
def _require_geo():
    gpd = pytest.importorskip("geopandas")
    gminy_path = SHARED_GEO_DIR / "gminy_podlaskie_4326.geojson"
    powiaty_path = SHARED_GEO_DIR / "powiaty_podlaskie_4326.geojson"
    if not gminy_path.exists() or not powiaty_path.exists():
        pytest.skip("no boundary layers in ../shared/geo")
    return gpd, gminy_path, powiaty_path


@pytest.fixture(scope="module")
def layers(selected):
    """Display layers read straight from the GeoJSON in ../shared/geo (PRG attribute names)."""
    gpd, gminy_path, powiaty_path = _require_geo()

    def read(path):
        raw = gpd.read_file(path)
        return gpd.GeoDataFrame({"teryt": raw["JPT_KOD_JE"].astype(str).str[:7], "nazwa": raw["JPT_NAZWA_"]},
                                geometry=raw.geometry, crs=raw.crs)

    gminy = read(gminy_path)
    gminy = gminy[gminy["teryt"].str.len() == 7]
    powiaty = read(powiaty_path)
    rows = []
    for r in selected:
        shapes = gminy[gminy["teryt"].isin(r.gminy)]
        rows.append({"id": r.id, "geometry": shapes.geometry.union_all()})
    areas = gpd.GeoDataFrame(rows, geometry="geometry", crs=gminy.crs)
    return gminy, powiaty, areas


def _png_info(data: bytes) -> tuple[int, int, float | None]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    dpi = None
    pos = 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"pHYs":
            ppm_x, _, unit = struct.unpack(">IIB", data[pos + 8:pos + 17])
            if unit == 1:
                dpi = ppm_x * 0.0254
        pos += 12 + length
    return width, height, dpi


def test_static_map_png(layers, selected):
    gminy, powiaty, areas = layers
    names = {r.id: r.partnership.nazwa for r in selected}
    png = static_map_png(gminy, powiaty, areas, names, title="Wybrane partnerstwa")
    width, height, dpi = _png_info(png)
    assert dpi is not None and dpi >= 199.5
    assert width >= 1200 and height >= 1200


def test_static_map_png_without_areas(layers):
    gminy, powiaty, _ = layers
    width, _, dpi = _png_info(static_map_png(gminy, None, None, {}, dpi=100, source_line=None))
    assert round(dpi) == 100 and width >= 600


# --- PDF -------------------------------------------------------------------------------------
def pdf_reader(data: bytes):
    """The PDF parsed by pypdf: assertions look at its pages, text and images, never at its bytes."""
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in pdf_reader(data).pages)


def pdf_images(data: bytes) -> list:
    return [image for page in pdf_reader(data).pages for image in page.images]


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def pdf_with_map(selected, register, assessments, layers):
    gminy, powiaty, areas = layers
    return selection_pdf(selected, register, assessments, JUSTIFICATIONS, generated=GENERATED,
                         settings_summary=SETTINGS, gminy_display=gminy, powiaty_display=powiaty, areas=areas,
                         illustrative=True)


@pytest.fixture(scope="module")
def pdf_without_map(selected, register, assessments):
    return selection_pdf(selected, register, assessments, JUSTIFICATIONS, generated=GENERATED,
                         settings_summary=SETTINGS, gminy_display=None, powiaty_display=None, areas=None,
                         compress=False)


def test_text_parser_reads_uncompressed_and_compressed_output(pdf_without_map, selected, register, assessments):
    compressed = selection_pdf(selected, register, assessments, JUSTIFICATIONS, generated=GENERATED,
                               settings_summary=SETTINGS, gminy_display=None, powiaty_display=None, areas=None)
    assert len(compressed) < len(pdf_without_map)
    assert pdf_text(compressed) == pdf_text(pdf_without_map)


def test_pdf_has_title_names_and_diacritics(pdf_with_map):
    assert pdf_reader(pdf_with_map).pages
    text = _flat(pdf_text(pdf_with_map))
    assert "Partnerstwa JST wybrane do pilotażu CWD – województwo podlaskie" in text
    assert "29 września 2020" in text and "29.09.2020 12:30" in text
    assert "1. Ziemia Wysokomazowiecka" in text
    assert "2. " + EVIL_NAME in text  # written as text, not interpreted
    assert "3. Partnerstwo gmin – Dąbrowa Białostocka" in text
    assert "Łomża (gmina miejska) – lider" in text
    assert "Powiat wysokomazowiecki – lider" in text
    assert "ilustracyjne" in text


def test_pdf_sections_hold_osi_checklist_assessor_and_justification(pdf_with_map):
    text = _flat(pdf_text(pdf_with_map))
    assert "Kwalifikowalność obszaru (OSI): kwalifikuje się" in text
    assert "Kwalifikowalność obszaru (OSI): nieustalony" in text
    assert "I.1 Obszar partnerstwa i zainicjowana" in text
    assert "II.3 Doświadczenie we współpracy JST" in text
    assert "Umowa partnerska z 2019 r. <img src=x>" in text
    assert "Brak uchwały o powołaniu rady" in text
    assert "Anna Nowak – ostatni zapis 29.09.2020 12:30" in text
    assert JUSTIFICATIONS["P01"] in text
    assert "@uzasadnienie z formuły" in text
    assert "— brak uzasadnienia —" in text  # P03 has none
    assert "Źródła danych i ustawienia" in text and SETTINGS in text
    assert "Źródło: GUGiK PRG; GUS; formularze partnerstw" in text
    assert "Niewybrane" not in text


def test_pdf_embeds_the_map_when_layers_are_given(pdf_with_map):
    [image] = pdf_images(pdf_with_map)
    assert image.image.width >= 1200
    assert NO_BOUNDARIES_NOTE not in pdf_text(pdf_with_map)


def test_pdf_without_layers_says_the_map_is_skipped(pdf_without_map):
    assert pdf_reader(pdf_without_map).pages
    assert pdf_images(pdf_without_map) == []
    text = pdf_text(pdf_without_map)
    assert NO_BOUNDARIES_NOTE in text
    assert "Ziemia Wysokomazowiecka" in text and "Dąbrowa Białostocka" in text


def test_pdf_handles_long_and_odd_text(selected, register, assessments):
    long_text = ("Bardzo długie uzasadnienie wyboru partnerstwa. " * 400
                 + "https://example.org/" + "x" * 500 + "\n\tdruga\r\nlinia\x00\x07 koniec")
    data = selection_pdf(selected[:1], register, assessments, {"P01": long_text}, generated=GENERATED,
                         settings_summary=SETTINGS, gminy_display=None, powiaty_display=None, areas=None)
    short = selection_pdf(selected[:1], register, assessments, {"P01": "krótko"}, generated=GENERATED,
                          settings_summary=SETTINGS, gminy_display=None, powiaty_display=None, areas=None)
    assert len(pdf_reader(data).pages) >= len(pdf_reader(short).pages) + 3
    text = pdf_text(data)
    assert "druga" in text and "linia koniec" in text


def test_pdf_with_nothing_selected(register):
    data = selection_pdf([], register, {}, {}, generated=GENERATED, settings_summary=SETTINGS,
                         gminy_display=None, powiaty_display=None, areas=None)
    assert "Nie wybrano żadnego partnerstwa." in pdf_text(data)


def test_poppler_reads_the_same_text_when_available(pdf_with_map, tmp_path):
    """Cross-check of the light parser with pdftotext (poppler-utils), when it is installed."""
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    path = tmp_path / "wybor.pdf"
    path.write_bytes(pdf_with_map)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout.decode()
    flat = _flat(out)
    for phrase in ("Ziemia Wysokomazowiecka", "Łomża (gmina miejska)", "Dąbrowa Białostocka", EVIL_NAME):
        assert phrase in flat


def test_module_never_imports_streamlit():
    import subprocess
    import sys

    code = "import sys, cwd.export; sys.exit('streamlit' in sys.modules)"
    root = Path(export.__file__).resolve().parents[1]
    assert subprocess.run([sys.executable, "-c", code], cwd=root).returncode == 0
