"""Shared data of the export tests: three selected partnerships (one named like a formula), their
assessments and history, display layers from ../shared/geo, the package, and readers of the outputs
(pypdf for PDFs, openpyxl for workbooks, PIL for PNGs): tests look at meaning, never at bytes."""
from __future__ import annotations

import io
import re
from datetime import date, datetime, timezone

import pytest

from cwd import style
from cwd.criteria import CRITERIA_IDS
from cwd.evaluation import evaluate_all
from cwd.export import TITLE, MfiprPackage
from cwd.model import Partnership
from cwd.osi import build_context
from cwd.paths import SHARED_GEO_DIR
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
ALL_IDS = ("P01", "P02", "P03", "P09")  # every partnership of the call (colours)

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
TIMELINE = ((date(2020, 9, 22), "Formularze do UM"), (date(2020, 9, 29), "Decyzja UM → MFiPR"))


def _assessment(pid: str) -> Assessment:
    values = dict.fromkeys(CRITERIA_IDS)
    values.update(VERIFIED[pid])
    comments = dict.fromkeys(CRITERIA_IDS, "")
    comments.update(COMMENTS[pid])
    return Assessment(pid, values=values, comments=comments, assessor=ASSESSORS[pid], version=2,
                      updated_at=GENERATED)


@pytest.fixture(scope="session")
def osi_ctx(register):
    return build_context(register, OsiSettings(), adjacency=None, ztm=None)


@pytest.fixture(scope="session")
def results(register, osi_ctx):
    return evaluate_all([WYSOKOMAZOWIECKA, LOMZA, DABROWA, NOT_SELECTED], register, osi_ctx, VERIFIED, COMMENTS)


@pytest.fixture(scope="session")
def selected(results):
    return [r for r in results if r.id != "P09"]


@pytest.fixture(scope="session")
def assessments():
    return {pid: _assessment(pid) for pid in VERIFIED}


@pytest.fixture(scope="session")
def history():
    earlier = datetime(2020, 9, 25, 7, 0, tzinfo=timezone.utc)
    return [
        HistoryEntry(3, "P01", 2, "I.2", 1, 0, "", "Brak uchwały o powołaniu rady", "Anna Nowak", GENERATED),
        HistoryEntry(2, "P01", 1, "I.1", None, 1, "", "Umowa partnerska z 2019 r. <img src=x>", "Anna Nowak", earlier),
        HistoryEntry(4, "P02", 1, "I.4", None, 1, "", "-2+3", "=Jan Kowalski", earlier),
        HistoryEntry(1, "P09", 1, "I.1", None, 0, "", "nie do eksportu", "Ktoś Inny", earlier),
    ]


@pytest.fixture(scope="session")
def make_package(selected, register, assessments, history):
    """A package of the three picks; keyword arguments replace any field."""

    def make(**changes) -> MfiprPackage:
        fields = dict(selected=selected, register=register, generated=GENERATED, assessments=assessments,
                      history=history, justifications=JUSTIFICATIONS, settings=SETTINGS)
        fields.update(changes)
        return MfiprPackage(**fields)

    return make


# --- geometry ---------------------------------------------------------------------------------
def _require_geo():
    gpd = pytest.importorskip("geopandas")
    gminy_path = SHARED_GEO_DIR / "gminy_podlaskie_4326.geojson"
    powiaty_path = SHARED_GEO_DIR / "powiaty_podlaskie_4326.geojson"
    if not gminy_path.exists() or not powiaty_path.exists():
        pytest.skip("no boundary layers in ../shared/geo")
    return gpd, gminy_path, powiaty_path


@pytest.fixture(scope="session")
def display():
    """(gminas, powiats) read straight from the GeoJSON in ../shared/geo (PRG attribute names)."""
    gpd, gminy_path, powiaty_path = _require_geo()

    def read(path):
        raw = gpd.read_file(path)
        return gpd.GeoDataFrame({"teryt": raw["JPT_KOD_JE"].astype(str).str[:7], "nazwa": raw["JPT_NAZWA_"]},
                                geometry=raw.geometry, crs=raw.crs)

    gminy = read(gminy_path)
    gminy = gminy[gminy["teryt"].str.len() == 7]
    return gminy, read(powiaty_path)


@pytest.fixture(scope="session")
def layers(register, osi_ctx, display, selected):
    from cwd.export import map_layers

    return map_layers(register, osi_ctx, display, selected, ALL_IDS)


# --- readers ------------------------------------------------------------------------------------
def pdf_reader(data: bytes):
    """The PDF parsed by pypdf: assertions look at its pages, text and images, never at its bytes."""
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in pdf_reader(data).pages)


def pdf_images(data: bytes) -> list:
    return [image for page in pdf_reader(data).pages for image in page.images]


def flat(text: str) -> str:
    return " ".join(text.split())


_FURNITURE = re.compile(
    re.escape(TITLE) + r" · wygenerowano [\d.: ]+(Strona \d+ z \d+)?"  # footer
    + "|" + re.escape(style.ILLUSTRATIVE_MARK) + " – wartości kryteriów z przykładowych formularzy")  # header


def body_text(data: bytes) -> str:
    """The PDF's text without page headers and footers, flattened: a paragraph that runs over a page
    break reads as one."""
    return flat(_FURNITURE.sub(" ", pdf_text(data)))


def png_image(data: bytes):
    """(PIL image, dpi) of PNG bytes; the image is fully decoded."""
    from PIL import Image

    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format == "PNG"
    return image, image.info.get("dpi", (None, None))[0]


def workbook(data: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data))


def rows_of(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(min_row=2, values_only=True)]


def headers_of(ws) -> list:
    return [c.value for c in ws[1]]


def column(ws, header: str) -> list:
    """The data cells (not values) of the column with this header."""
    index = headers_of(ws).index(header)
    return [row[index] for row in ws.iter_rows(min_row=2)]


@pytest.fixture(scope="session")
def undetermined(results):
    """P03 with no ZTM list: its area's OSI status, and so its share of gminas in OSI, is unknown."""
    p03 = next(r for r in results if r.id == "P03")
    assert p03.osi.udzial_w_osi is None
    return p03
