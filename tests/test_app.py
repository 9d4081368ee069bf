"""The whole app under Streamlit's AppTest: router, shared sidebar and every page.

Facts these tests rely on (checked while writing them):
- AppTest runs the scripts in this process, so monkeypatching `cwd.ui.mapview.folium_component` replaces
  the map component the pages call (under AppTest the real one is an unknown element returning its
  defaults). `FakeMap` records the component arguments (st_folium's real output: the Leaflet script)
  and the folium maps, and answers with a configurable clicked feature.
- AppTest resets `PagesManager.uses_pages_directory` before every run, so with a `pages/` folder next
  to app.py each run starts in Streamlit's legacy pages mode: a page chosen with `switch_page` first
  runs on its own, without app.py (the app then reruns through the router: cwd.ui.state.app_state).
  A real server leaves that mode for good at the first `st.navigation` call of the process. The
  `server` fixture reproduces a server that has already served a request; the two `*_legacy_*` /
  `test_first_request_to_a_page_*` tests cover the app's own way out of that mode without it.
- `guarded()` turns any page exception into a generic Polish st.error, so "no exception" is checked
  as: no at.exception AND no "nieoczekiwany błąd" message (`assert_ok`).
- `st.table` cells, st.radio options and widget labels render Markdown in Streamlit 1.67.
"""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import folium
import pytest
import streamlit as st
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

import cwd.ui.mapview as mapview
from cwd.paths import DATA_DIR
from cwd.criteria import CRITERIA_IDS
from cwd.store import open_store
from cwd.ui.state import UPLOAD_KEY, ZTM_UPLOAD_KEY
from cwd.ui.text import md

APP = Path(__file__).resolve().parent.parent / "app.py"
EXAMPLE_IDS = [f"P{i:02d}" for i in range(1, 11)]
UNEXPECTED = "nieoczekiwany błąd"
TEXT_KINDS = ("title", "header", "subheader", "markdown", "caption", "success", "info", "warning", "error")
# Markup that must never reach a Markdown body unescaped (md() puts a backslash before each).
RAW_MARKUP = re.compile(r"(?<!\\)<img|(?<!\\)!\[|(?<!\\)\]\(")

HOSTILE_HTML = "<img src=x onerror=alert(1)>"
HOSTILE_FORMULA = '=HYPERLINK("http://x";"klik")'
HOSTILE_MD = "![x](http://evil.example/p.png) **gruby**"
HOSTILE_FILE = "![x](http://evil.example/p.png).csv"


# --- fixtures ---------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def hermetic(tmp_path, monkeypatch):
    """Own SQLite file, no operator files; fresh Streamlit caches (the store is a cache_resource)."""
    db = tmp_path / "oceny.sqlite"
    monkeypatch.setenv("CWD_DATABASE_PATH", str(db))
    for name in ("CWD_DATABASE_URL", "CWD_FORMS", "CWD_OSI_ZTM", "CWD_SHAPES_DIR", "CWD_WOJEWODZTWO"):
        monkeypatch.delenv(name, raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield db
    st.cache_resource.clear()
    st.cache_data.clear()


class FakeMap:
    """Stands in for the streamlit-folium component (`cwd.ui.mapview.folium_component`, the seam the
    app calls with the arguments st_folium prepared): records them and answers with the 'clicked'
    feature, as streamlit-folium does for returned_objects=["last_active_drawing"]. Also records
    every folium map the app builds for it (a spy on mapview.get_map)."""

    def __init__(self):
        self.calls: list[dict] = []
        self.maps: list[folium.Map] = []
        self.drawing = None

    def __call__(self, args: dict):
        self.calls.append(args)
        return {"last_active_drawing": self.drawing}

    def click(self, **properties):
        self.drawing = {"type": "Feature", "properties": properties, "geometry": None}

    @property
    def script(self) -> str:
        """The Leaflet script of the last map sent to the browser."""
        return self.calls[-1]["script"]


@pytest.fixture
def fake_map(monkeypatch):
    fake = FakeMap()
    build = mapview.get_map

    def spy(spec):
        m = build(spec)
        fake.maps.append(m)
        return m

    monkeypatch.setattr(mapview, "folium_component", fake)
    monkeypatch.setattr(mapview, "get_map", spy)
    return fake


class _ServedPagesManager(PagesManager):
    """A PagesManager of a server process whose router (st.navigation) has already run once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setattr(app_test_module, "PagesManager", _ServedPagesManager)


@pytest.fixture
def new_app(fake_map, server):
    def make(query: dict | None = None, session: dict | None = None) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=60)
        for k, v in (query or {}).items():
            at.query_params[k] = v
        for k, v in (session or {}).items():
            at.session_state[k] = v
        return at

    return make


# --- helpers ----------------------------------------------------------------------------------------
def assert_ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not [e.value for e in at.error if UNEXPECTED in e.value]


def start(at: AppTest) -> AppTest:
    at.run()
    assert_ok(at)
    return at


def goto(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"pages/{page}.py").run()
    assert_ok(at)
    return at


def plain(markdown: str) -> str:
    """Markdown escapes removed: the text a reader sees."""
    return re.sub(r"\\(.)", r"\1", markdown)


def texts(at: AppTest, *kinds: str) -> list[str]:
    return [e.value for kind in (kinds or TEXT_KINDS) for e in getattr(at, kind)]


def shown(at: AppTest, *kinds: str) -> list[str]:
    return [plain(v) for v in texts(at, *kinds)]


def plotly_figures(at: AppTest) -> list[dict]:
    """The page's plotly charts as figure dicts (parsed: never search the serialised text, whose
    escaping depends on whether plotly found orjson)."""
    return [json.loads(e.proto.spec) for e in at.get("plotly_chart")]


def figure_texts(fig) -> list[str]:
    """Every string anywhere in a figure dict (labels, titles, hover texts, annotations)."""
    if isinstance(fig, str):
        return [fig]
    if isinstance(fig, dict):
        return [t for v in fig.values() for t in figure_texts(v)]
    if isinstance(fig, list):
        return [t for v in fig for t in figure_texts(v)]
    return []


def annotation_texts(fig: dict) -> list[str]:
    return [a.get("text", "") for a in fig.get("layout", {}).get("annotations", [])]


def walk(element):
    yield element
    for child in element._children.values():
        yield from walk(child)


def features(m: folium.Map, prop: str) -> list[dict]:
    """GeoJSON features of the map (any layer) that carry the property `prop`."""
    return [f for child in walk(m) if isinstance(child, folium.GeoJson)
            for f in child.data.get("features", []) if prop in f["properties"]]


def feature_values(m: folium.Map, prop: str) -> set[str]:
    return {f["properties"][prop] for f in features(m, prop)}


def script_values(script: str, prop: str) -> set[str]:
    """Values of a feature property in the Leaflet script sent to the browser."""
    return set(re.findall(rf'"{prop}":\s*"([^"]*)"', script))


def validation_report(at: AppTest):
    """(report frame, rendered_as_markdown) of the Dane page: a short report is an st.table (its cells
    render Markdown), a long one an st.dataframe (plain text). Cells as sent to the browser."""
    for table in at.table:
        frame = table.value.reset_index()
        if "Komunikat" in frame.columns:
            return frame, True
    for df in at.dataframe:
        if "Komunikat" in df.value.columns:
            return df.value, False
    raise AssertionError("no validation report on the page")


def readable(frame, markdown: bool):
    """The frame's text as the reader sees it (Markdown escapes removed from Markdown cells)."""
    return frame.map(lambda v: plain(v) if isinstance(v, str) else v) if markdown else frame


def example_rows() -> list[list[str]]:
    with open(DATA_DIR / "formularze_przyklad.csv", encoding="utf-8", newline="") as f:
        return list(csv.reader(f, delimiter=";"))


def forms_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def example_with(**changes: dict[str, str]) -> bytes:
    """The example forms with some cells replaced: example_with(P01={"nazwa": "…"})."""
    rows = example_rows()
    header = rows[0]
    for row in rows[1:]:
        for column, value in changes.get(row[0], {}).items():
            row[header.index(column)] = value
    return forms_csv(rows)


def submit_button(at: AppTest):
    return next(b for b in at.button if b.label == "Zapisz ocenę")


def fill_assessment(at: AppTest, pid: str, values: dict, comments: dict | None = None, who: str | None = None):
    for c, v in values.items():
        at.selectbox(key=f"oc_{pid}_{c}_v").set_value(v)
    for c, text in (comments or {}).items():
        at.text_input(key=f"oc_{pid}_{c}_k").input(text)
    if who is not None:
        at.text_input(key=f"oc_{pid}_who").input(who)
    submit_button(at).click().run()
    assert_ok(at)


# --- start and the map ------------------------------------------------------------------------------
def test_app_starts_on_the_map_with_sidebar_and_example_notice(new_app, fake_map, register):
    at = start(new_app())

    assert [t.value for t in at.title] == ["Mapa OSI i partnerstw"]
    assert any("nie wczytano" in v for v in texts(at.sidebar, "info"))
    assert any("wartości kryteriów są ilustracyjne" in v for v in texts(at, "caption"))
    assert at.sidebar.radio(key="w_zrodlo").value == "przyklad"
    assert at.metric[0].value == "10"

    # the patched component got what st_folium made of the real folium map
    assert len(fake_map.calls) == 1
    args = fake_map.calls[0]
    assert args["returned_objects"] == ["last_active_drawing"] and args["height"] == 640
    m = fake_map.maps[-1]
    assert isinstance(m, folium.Map)
    codes = set(register.gminy.index)
    assert len(codes) == 118
    assert feature_values(m, "teryt") == codes
    assert all(f'"teryt":"{c}"' in fake_map.script for c in codes)
    assert script_values(fake_map.script, "partnerstwo_id") == set(EXAMPLE_IDS)
    assert feature_values(m, "partnerstwo_id") == set(EXAMPLE_IDS)


def test_map_click_on_a_gmina_shows_its_partnership(new_app, fake_map):
    fake_map.click(teryt="2006011")
    at = start(new_app())

    body = "\n".join(texts(at, "markdown"))
    assert "**Kolno \\(gmina miejska\\)** · TERYT 2006011" in body
    assert "##### Wiele gmin – jeden cel" in body
    assert ":green-badge[spełnia] · kryteria = 1: 11/11" in body
    assert [e.label for e in at.expander] == ["Członkowie (8)"]
    members = at.expander[0].markdown[0].value
    assert "**Kolno \\(gmina miejska\\) – lider** (2006011)" in members
    for code in ("2006032", "2006", "2006053", "2006042", "2006062", "2006022", "2007013"):
        assert f"({code})" in members


def test_map_click_on_a_partnership_area_shows_it(new_app, fake_map):
    fake_map.click(partnerstwo_id="P06")
    at = start(new_app())

    body = "\n".join(texts(at, "markdown"))
    assert "##### Dolina Narwi i Biebrzy \\(przykład\\)" in body
    assert ":red-badge[nie spełnia]" in body
    assert "TERYT" not in body  # an area, not a gmina
    assert [e.label for e in at.expander] == ["Członkowie (4)"]
    assert "2007052" in at.expander[0].markdown[0].value


def test_map_click_on_a_gmina_outside_every_partnership(new_app, fake_map):
    at = start(new_app())
    # the gmina layer's tooltip lists each gmina's partnerships ("ps")
    outside = sorted(f["properties"]["teryt"] for f in features(fake_map.maps[-1], "n")
                     if not f["properties"].get("ps") or f["properties"]["ps"] == "—")[0]
    fake_map.click(teryt=outside)
    at.run()
    assert_ok(at)

    assert f"TERYT {outside}" in "\n".join(texts(at, "markdown"))
    assert "Gmina nie należy do żadnego pokazanego partnerstwa." in texts(at, "caption")
    assert not at.expander


def test_presentation_link_shows_the_reference_date(new_app, fake_map):
    at = start(new_app(query={"prezentacja": "1"}))

    assert at.sidebar.toggle(key="w_prezentacja").value is True
    assert [t.value for t in at.title] == ["Mapa OSI i partnerstw"]
    assert any(c.startswith("Województwo podlaskie") and "stan na 30.06.2019" in c
               for c in shown(at, "caption"))  # the line under the title
    assert "(ludność miast: stan na 30.06.2019)" in fake_map.script  # the map's own title
    assert "#### Szczegóły" not in texts(at, "markdown")  # no side panel
    assert any('section[data-testid="stSidebar"]' in v for v in texts(at, "markdown"))
    assert any("Zakończ tryb prezentacji" in v for v in texts(at, "markdown"))
    assert fake_map.calls[-1]["height"] == 760
    assert at.query_params["prezentacja"] == "1"


def test_presentation_caption_keeps_its_punctuation(new_app):
    at = start(new_app(query={"prezentacja": "1"}))
    [line] = [plain(c) for c in texts(at, "caption") if plain(c).startswith("Województwo podlaskie")]
    assert "ludność gmin: GUS, 31.12.2023" in line
    assert "stan na 30.06.2019, próg 20\xa0000 mieszk." in line
    assert "formularze: przykładowe formularze (wartości ilustracyjne)" in line


def test_first_request_to_a_page_runs_the_router_first(fake_map):
    """A fresh server process whose first request is /ocena (no `server` fixture here)."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.switch_page("pages/ocena.py").run()
    assert_ok(at)

    assert [t.value for t in at.title] == ["Ocena – lista sprawdzająca"]
    assert at.sidebar.number_input(key="w_prog").value == 20_000  # the shared sidebar was rendered
    assert at.selectbox(key="w_partnerstwo").value == "P01"


def legacy_app() -> AppTest:
    """Without the `server` fixture: every AppTest run after the first starts in legacy pages mode."""
    return AppTest.from_file(str(APP), default_timeout=60)


def test_page_switch_in_legacy_pages_mode_still_runs_the_router(fake_map):
    at = goto(start(legacy_app()), "kandydaci")
    assert len(at.sidebar.multiselect(key="w_statusy").options) == 3  # sidebar rendered
    assert at.dataframe[0].value["id"].tolist() == EXAMPLE_IDS
    at.sidebar.multiselect(key="w_statusy").set_value(["nie spełnia"]).run()
    assert_ok(at)
    assert at.sidebar.multiselect(key="w_statusy").value == ["nie spełnia"]
    assert at.dataframe[0].value["id"].tolist() == ["P06"]  # fresh state, filter applied


def test_second_sidebar_change_in_legacy_pages_mode(fake_map):
    at = goto(start(legacy_app()), "kandydaci")
    at.sidebar.multiselect(key="w_statusy").set_value(["nie spełnia"]).run()
    assert_ok(at)
    at.sidebar.multiselect(key="w_statusy").set_value([]).run()
    assert_ok(at)
    assert len(at.sidebar.children) > 0
    assert at.dataframe[0].value["id"].tolist() == EXAMPLE_IDS


# --- every page -------------------------------------------------------------------------------------
def test_kandydaci_lists_the_ten_example_partnerships_and_compares(new_app):
    at = goto(start(new_app()), "kandydaci")

    assert [t.value for t in at.title] == ["Kandydaci"]
    table = at.dataframe[0].value
    assert table["id"].tolist() == EXAMPLE_IDS
    assert table.set_index("id").loc["P01", "nazwa"] == "Ziemia Wysokomazowiecka"
    assert table.set_index("id").loc["P06", "status"] == "nie spełnia"

    assert "Porównanie" in texts(at, "subheader")
    assert at.multiselect(key="w_porownanie").value == ["P01", "P02", "P03"]
    matrix = at.dataframe[1].value
    assert matrix.shape == (11, 3)
    assert list(matrix.columns) == ["P01 – Ziemia Wysokomazowiecka", "P02 – Wiele gmin – jeden cel",
                                    "P03 – Augustowsko-Biebrzański Park Turystyczny"]
    indicators = plotly_figures(at)[0]
    assert "Ludność obszaru<br>(31.12.2023)" in annotation_texts(indicators)  # a panel title
    assert [t["x"] for t in indicators["data"]][0] == ["P01", "P02", "P03"]

    at.multiselect(key="w_porownanie").set_value(["P01", "P06"]).run()
    assert_ok(at)
    assert list(at.dataframe[1].value.columns) == ["P01 – Ziemia Wysokomazowiecka",
                                                  "P06 – Dolina Narwi i Biebrzy (przykład)"]
    assert "**Status:** P01 :green-badge[spełnia] · P06 :red-badge[nie spełnia]" in texts(at, "markdown")

    at.multiselect(key="w_porownanie").set_value(["P01"]).run()
    assert_ok(at)
    assert "Wybierz co najmniej dwa partnerstwa, aby je porównać." in texts(at, "info")
    assert len(at.dataframe) == 1


def test_ocena_shows_the_eleven_criteria(new_app):
    at = goto(start(new_app()), "ocena")

    assert [t.value for t in at.title] == ["Ocena – lista sprawdzająca"]
    assert len(at.selectbox(key="w_partnerstwo").options) == 10
    assert len(CRITERIA_IDS) == 11
    for c in CRITERIA_IDS:
        box = at.selectbox(key=f"oc_P01_{c}_v")
        assert box.value == "brak" and box.options == ["—", "1 – tak", "0 – nie"]
    assert "### Ziemia Wysokomazowiecka :green-badge[spełnia]" in texts(at, "markdown")
    assert "Ta ocena nie była jeszcze zapisywana." in texts(at, "caption")


def test_ocena_follows_the_shared_link_partnership(new_app):
    at = goto(start(new_app(query={"p": "P05"})), "ocena")
    assert at.selectbox(key="w_partnerstwo").value == "P05"
    assert any(v.startswith("### Gminy wokół Białegostoku") for v in texts(at, "markdown"))
    assert at.selectbox(key="oc_P05_I.1_v").value == "brak"


def test_wybor_ranks_proposes_and_shows_the_timeline(new_app):
    at = goto(start(new_app()), "wybor")

    assert [t.value for t in at.title] == ["Wybór partnerstw (najwyżej 3)"]
    ranking = at.dataframe[0].value
    assert ranking["miejsce"].tolist() == list(range(1, 11))
    assert sorted(ranking["id"]) == EXAMPLE_IDS
    assert ranking["id"].iloc[-1] == "P06"  # the only "nie spełnia" is last
    [proposal] = texts(at, "success")
    assert "P01 – Ziemia Wysokomazowiecka" in proposal
    assert "Harmonogram naboru (2020)" in texts(at, "subheader")
    timeline = plotly_figures(at)[-1]
    milestones = [t.split("<br>")[0] for t in annotation_texts(timeline)]
    assert {"Formularze do UM", "Decyzja UM → MFiPR"} <= set(milestones)
    assert "P09 – Nadnarwiańskie Kurpie (przykład)" in timeline["data"][0]["y"]
    assert any("Bez daty zgłoszenia: P04." in c for c in texts(at, "caption"))
    assert "Wybierz partnerstwa, aby przygotować pakiet." in texts(at, "caption")


def test_wybor_choice_warns_and_offers_the_package(new_app):
    at = goto(start(new_app()), "wybor")
    at.multiselect(key="w_wybrane").set_value(["P01", "P06"]).run()
    assert_ok(at)
    assert "Partnerstwo P06 ma status „nie spełnia”, a nie „spełnia”." in texts(at, "warning")
    assert "Brak uzasadnienia dla: P01, P06." in texts(at, "info")

    at.text_area(key="w_uzas_P01").input("Najlepiej przygotowane.")
    at.text_area(key="w_uzas_P06").input("Decyzja Zarządu.")
    at.run()
    assert_ok(at)
    assert not [v for v in texts(at, "info") if v.startswith("Brak uzasadnienia")]
    assert any("XLSX" in b.label for b in at.get("download_button"))


def test_wybor_records_the_decision_durably(new_app):
    at = goto(start(new_app()), "wybor")
    at.multiselect(key="w_wybrane").set_value(["P01", "P02"]).run()
    save = next(b for b in at.button if b.label == "Zapisz decyzję")
    assert save.disabled  # no justifications yet
    at.text_area(key="w_uzas_P01").input("Najlepiej przygotowane.")
    at.text_area(key="w_uzas_P02").input("Silne powiązania funkcjonalne.")
    at.text_input(key="w_decyzja_kto").input("Anna Nowak")
    at.run()
    next(b for b in at.button if b.label == "Zapisz decyzję").click().run()
    assert_ok(at)
    assert any(v.startswith("Zapisano decyzję") for v in texts(at, "success"))

    # A new session (another analyst, or after a restart) starts from the recorded decision.
    again = goto(start(new_app()), "wybor")
    assert again.multiselect(key="w_wybrane").value == ["P01", "P02"]
    assert again.text_area(key="w_uzas_P02").value == "Silne powiązania funkcjonalne."
    assert any("zapisał(a) Anna Nowak" in plain(c) for c in texts(again, "caption"))


def test_dane_shows_the_validation_report_and_sources(new_app):
    at = goto(start(new_app()), "dane")

    assert [t.value for t in at.title] == ["Dane"]
    assert "Błędy: **0**, ostrzeżenia: **4**. Partnerstwo z błędem nie jest oceniane; " \
           "ostrzeżenia nie blokują oceny." in texts(at, "markdown")
    report = readable(*validation_report(at))
    assert (report["Rodzaj"] == "ostrzeżenie").all()
    found = sorted(zip(report["Partnerstwo"], report["Kolumna"]))
    assert found == [("P04", "data_zgloszenia"), ("P09", "czlonkowie"), ("P09", "data_zgloszenia"),
                     ("P09", "lider")]
    messages = dict(zip(zip(report["Partnerstwo"], report["Kolumna"]), report["Komunikat"]))
    assert "Nie podano daty zgłoszenia" in messages[("P04", "data_zgloszenia")]
    assert "nie figuruje wśród członków" in messages[("P09", "lider")]
    assert "1461011" in messages[("P09", "czlonkowie")] and "mazowieckiego" in messages[("P09", "czlonkowie")]
    assert "po terminie naboru" in messages[("P09", "data_zgloszenia")]

    sources = at.table[-1].value
    assert {"formularze_przyklad.csv", "gminy.csv", "miasta_powiatowe.csv"} <= set(sources.index)
    assert "Źródło" in sources.columns
    assert "Nie wczytano listy: przynależność gmin do OSI ZTM jest nieznana." in texts(at, "info")


# --- assessments ------------------------------------------------------------------------------------
def test_ocena_save_history_and_restart(new_app, hermetic):
    at = goto(start(new_app()), "ocena")
    fill_assessment(at, "P01", {"I.7": "0", "I.1": "1"}, {"I.7": "brak uchwały rady"}, who="Anna Kowalska")

    [ok] = texts(at, "success")
    assert ok.startswith("Zapisano ocenę (wersja 1,")
    assert "### Ziemia Wysokomazowiecka :red-badge[nie spełnia]" in texts(at, "markdown")
    history = at.dataframe[0].value
    assert sorted(history["Kryterium"]) == ["I.1", "I.7"]
    assert set(history["Kto"]) == {"Anna Kowalska"}
    row = history.set_index("Kryterium").loc["I.7"]
    assert (row["Było"], row["Jest"], row["Komentarz"]) == ("— brak", "0 – nie", "brak uchwały rady")
    assert hermetic.exists()  # the tmp database, not the project's var/

    # the verified value counts everywhere
    goto(at, "kandydaci")
    assert at.dataframe[0].value.set_index("id").loc["P01", "status"] == "nie spełnia"

    # an app restart: a new process (no cached store), a new session, the same database file
    st.cache_resource.clear()
    again = goto(start(new_app()), "ocena")
    assert again.selectbox(key="oc_P01_I.7_v").value == "0"
    assert again.selectbox(key="oc_P01_I.1_v").value == "1"
    assert again.selectbox(key="oc_P01_I.2_v").value == "brak"
    assert again.text_input(key="oc_P01_I.7_k").value == "brak uchwały rady"
    assert again.text_input(key="oc_P01_who").value == "Anna Kowalska"
    assert sorted(again.dataframe[0].value["Kryterium"]) == ["I.1", "I.7"]


def test_ocena_without_assessor_is_refused_and_keeps_the_input(new_app, hermetic):
    at = goto(start(new_app()), "ocena")
    fill_assessment(at, "P01", {"I.3": "0"}, who="   ")

    assert any("Podaj imię i nazwisko osoby oceniającej" in e for e in texts(at, "error"))
    assert not texts(at, "success")
    assert at.selectbox(key="oc_P01_I.3_v").value == "0"  # the user's input is not lost
    assert not open_store(path=hermetic).get("P01").saved


def test_ocena_conflict_keeps_the_first_save_and_reloads_the_second(new_app, hermetic):
    a = goto(start(new_app()), "ocena")
    b = goto(start(new_app()), "ocena")  # B opened the form before A saved

    fill_assessment(a, "P01", {"I.7": "0"}, {"I.7": "brak uchwały"}, who="Anna Kowalska")
    assert texts(a, "success")

    fill_assessment(b, "P01", {"I.1": "0"}, {"I.1": "stare dane"}, who="Bartosz Nowak")
    [error] = texts(b, "error")
    assert "w międzyczasie" in error and "Anna Kowalska" in error
    assert not texts(b, "success")
    # B's widgets now hold the stored values, not B's unsaved ones
    assert b.selectbox(key="oc_P01_I.7_v").value == "0"
    assert b.text_input(key="oc_P01_I.7_k").value == "brak uchwały"
    assert b.selectbox(key="oc_P01_I.1_v").value == "brak"
    assert b.text_input(key="oc_P01_I.1_k").value == ""
    assert b.text_input(key="oc_P01_who").value == "Anna Kowalska"

    stored = open_store(path=hermetic).get("P01")
    assert (stored.version, stored.assessor) == (1, "Anna Kowalska")
    assert stored.values["I.7"] == 0 and stored.values["I.1"] is None
    assert stored.comments["I.7"] == "brak uchwały"

    # B retries on the fresh base: accepted, A's value kept
    fill_assessment(b, "P01", {"I.1": "0"}, who="Bartosz Nowak")
    assert texts(b, "success")[0].startswith("Zapisano ocenę (wersja 2,")
    stored = open_store(path=hermetic).get("P01")
    assert (stored.version, stored.values["I.1"], stored.values["I.7"]) == (2, 0, 0)


# --- filters and shared links -----------------------------------------------------------------------
def test_status_filter_narrows_every_page_and_the_link(new_app, fake_map):
    at = start(new_app())
    at.sidebar.multiselect(key="w_statusy").set_value(["nie spełnia"]).run()
    assert_ok(at)
    assert at.metric[0].value == "1"
    assert at.query_params["status"] == "nie spełnia"

    goto(at, "kandydaci")
    assert at.dataframe[0].value["id"].tolist() == ["P06"]
    assert "Filtry panelu bocznego: pokazano 1 z 10 partnerstw." in texts(at, "caption")
    goto(at, "ocena")
    assert at.selectbox(key="w_partnerstwo").options == ["P06 – Dolina Narwi i Biebrzy (przykład) (nie spełnia)"]

    # the link opens the same view in a new session
    link = dict(at.query_params)
    other = goto(start(new_app(query={"status": link["status"]})), "kandydaci")
    assert other.sidebar.multiselect(key="w_statusy").value == ["nie spełnia"]
    assert other.dataframe[0].value["id"].tolist() == ["P06"]


def test_filtered_map_shows_only_the_visible_partnerships(new_app, fake_map):
    at = start(new_app())
    assert script_values(fake_map.script, "partnerstwo_id") == set(EXAMPLE_IDS)
    at.sidebar.multiselect(key="w_statusy").set_value(["nie spełnia"]).run()
    assert_ok(at)
    assert at.metric[0].value == "1"
    assert script_values(fake_map.script, "partnerstwo_id") == {"P06"}


def test_query_params_seed_the_sidebar(new_app):
    at = start(new_app(query={"trasa": "male_miasto", "prog": "9000"}))

    assert at.sidebar.selectbox(key="w_trasa").value == "male_miasto"
    assert at.sidebar.number_input(key="w_prog").value == 9000
    assert any("Małe miasta powiatowe: ≤ 9\xa0000 mieszk." in c for c in texts(at, "caption"))
    assert at.query_params["trasa"] == "male_miasto" and at.query_params["prog"] == "9000"

    goto(at, "kandydaci")
    table = at.dataframe[0].value
    assert 0 < len(table) < 10
    assert all("małe miasto powiatowe" in t for t in table["osi_trasy"])


def test_invalid_query_params_are_ignored(new_app):
    at = start(new_app(query={"prog": "abc", "powiat": "9999,2006", "trasa": "<script>",
                              "status": "xx", "data": "2019-13-01", "obszar": "nic"}))

    assert at.sidebar.number_input(key="w_prog").value == 20_000
    assert at.sidebar.multiselect(key="w_powiaty").value == ["2006"]
    assert at.sidebar.selectbox(key="w_trasa").value == "wszystkie"
    assert at.sidebar.multiselect(key="w_statusy").value == []
    assert str(at.sidebar.selectbox(key="w_data").value) == "2019-06-30"
    assert at.sidebar.radio(key="w_obszar").value == "powiat_i_sasiedzi"
    assert dict(at.query_params) == {"powiat": "2006"}  # the link is rewritten without the junk
    goto(at, "kandydaci")
    assert set(at.dataframe[0].value["id"]) < set(EXAMPLE_IDS)  # the powiat filter applies


def test_unicode_digit_in_prog_is_ignored(new_app):
    at = new_app(query={"prog": "²"})
    at.run()
    assert_ok(at)
    assert at.sidebar.number_input(key="w_prog").value == 20_000


# --- uploaded files ---------------------------------------------------------------------------------
@pytest.fixture
def hostile_upload():
    return ("wrogie.csv", example_with(P01={"nazwa": HOSTILE_HTML}, P02={"nazwa": HOSTILE_FORMULA},
                                       P03={"nazwa": HOSTILE_MD}))


def assert_no_raw_markup(at: AppTest, where: str) -> None:
    raw = [v for v in texts(at) if RAW_MARKUP.search(v)]
    assert not raw, f"{where}: {raw}"
    raw_charts = [t for fig in plotly_figures(at) for t in figure_texts(fig) if "<img" in t]
    assert not raw_charts, where


def test_hostile_partnership_names_are_shown_as_text(new_app, fake_map, hostile_upload):
    fake_map.click(partnerstwo_id="P01")
    at = start(new_app(session={UPLOAD_KEY: hostile_upload}))
    assert at.sidebar.radio(key="w_zrodlo").value == "wczytany"
    assert not any("ilustracyjne" in c for c in texts(at, "caption"))  # not the example any more
    assert any(md(HOSTILE_HTML) in v for v in texts(at, "markdown"))  # the side panel
    assert_no_raw_markup(at, "mapa")

    goto(at, "kandydaci")
    names = at.dataframe[0].value.set_index("id")["nazwa"]
    assert (names["P01"], names["P02"], names["P03"]) == (HOSTILE_HTML, HOSTILE_FORMULA, HOSTILE_MD)
    for name in (HOSTILE_HTML, HOSTILE_FORMULA, HOSTILE_MD):  # the outlines' labels: escaped, not dropped
        assert any(md(name) in v for v in texts(at)), name
    assert_no_raw_markup(at, "kandydaci")

    goto(at, "ocena")
    assert any(v.startswith(f"### {md(HOSTILE_HTML)}") for v in texts(at, "markdown"))
    assert_no_raw_markup(at, "ocena")

    goto(at, "wybor")
    [proposal] = texts(at, "success")
    assert f"P01 – {md(HOSTILE_HTML)}" in proposal and f"P02 – {md(HOSTILE_FORMULA)}" in proposal
    assert_no_raw_markup(at, "wybor")

    goto(at, "dane")
    assert "Pokazywane: **wczytany plik „wrogie.csv”** – partnerstw gotowych do oceny: **10**." in shown(at, "markdown")
    assert_no_raw_markup(at, "dane")


def test_hostile_names_in_widget_labels_are_escaped(new_app, hostile_upload):
    at = goto(start(new_app(session={UPLOAD_KEY: hostile_upload})), "wybor")
    at.multiselect(key="w_wybrane").set_value(["P01", "P03"]).run()
    assert_ok(at)
    labels = [t.label for t in at.text_area]
    assert len(labels) == 2
    assert not [label for label in labels if RAW_MARKUP.search(label)], labels


def test_uploaded_file_names_are_shown_as_text(new_app):
    ztm = "teryt,nazwa,zrodlo\n2009011,Giby,test\n".encode()
    at = start(new_app(session={UPLOAD_KEY: (HOSTILE_FILE, forms_csv(example_rows())),
                                ZTM_UPLOAD_KEY: (HOSTILE_FILE, ztm)}))
    assert at.sidebar.radio(key="w_zrodlo").value == "wczytany"
    goto(at, "dane")
    shown = texts(at) + list(at.sidebar.radio(key="w_zrodlo").options)
    assert any("evil.example" in plain(v) for v in shown)  # the name is shown somewhere…
    assert not [v for v in shown if RAW_MARKUP.search(v)]  # …but never as markup


def test_validation_report_cells_are_shown_as_text(new_app):
    data = example_with(P05={"data_zgloszenia": "![d](http://evil.example/d.png)"})
    at = goto(start(new_app(session={UPLOAD_KEY: ("formularze.csv", data)})), "dane")
    report, markdown = validation_report(at)
    [message] = report.loc[report["Partnerstwo"] == "P05", "Komunikat"]
    assert "evil.example" in (plain(message) if markdown else message)
    if markdown:
        assert not RAW_MARKUP.search(message), message


def test_broken_upload_is_reported_not_raised(new_app):
    at = start(new_app(session={UPLOAD_KEY: ("zepsuty.csv", bytes(range(256)) * 4)}))
    assert at.sidebar.radio(key="w_zrodlo").value == "wczytany"
    assert any(w.startswith("Plik formularzy ma błędy (1)") for w in texts(at.sidebar, "warning"))
    assert at.metric[0].value == "0"

    goto(at, "dane")
    assert any(m.startswith("Błędy: **1**, ostrzeżenia: **0**.") for m in texts(at, "markdown"))
    report = readable(*validation_report(at))
    assert report["Rodzaj"].tolist() == ["błąd"]
    assert "nie jest plikiem tekstowym CSV" in report["Komunikat"][0]
    assert "partnerstw gotowych do oceny: **0**" in "\n".join(texts(at, "markdown"))

    goto(at, "kandydaci")
    assert "Brak partnerstw spełniających filtry." in texts(at, "info")
    goto(at, "ocena")
    assert any(i.startswith("Brak partnerstw do pokazania") for i in texts(at, "info"))
    goto(at, "wybor")
    assert "Brak partnerstw – wczytaj formularze na stronie „Dane”." in texts(at, "info")


def test_removing_the_uploaded_forms_returns_to_the_example(new_app):
    data = example_with(P01={"nazwa": "Ziemia Testowa"})
    at = goto(start(new_app(session={UPLOAD_KEY: ("moje.csv", data)})), "dane")
    assert "Pokazywane: **wczytany plik „moje.csv”** – partnerstw gotowych do oceny: **10**." in shown(at, "markdown")

    next(b for b in at.button if b.label == "Usuń wczytany plik formularzy").click().run()
    assert_ok(at)
    assert UPLOAD_KEY not in at.session_state
    assert at.sidebar.radio(key="w_zrodlo").options == ["przykładowe formularze"]
    assert any(m.startswith("Pokazywane: **przykładowe formularze") for m in shown(at, "markdown"))


def test_uploading_forms_on_dane_switches_the_source(new_app):
    data = example_with(P01={"nazwa": "Ziemia Testowa"})
    at = goto(start(new_app()), "dane")
    at.file_uploader(key="u_forms_0").upload("moje.csv", data, "text/csv").run()
    assert_ok(at)
    assert at.sidebar.radio(key="w_zrodlo").value == "wczytany"
    assert "Pokazywane: **wczytany plik „moje.csv”** – partnerstw gotowych do oceny: **10**." in shown(at, "markdown")
    goto(at, "kandydaci")
    assert at.dataframe[0].value.set_index("id").loc["P01", "nazwa"] == "Ziemia Testowa"


def test_uploading_the_ztm_list_on_dane(new_app, fake_map):
    ztm = "teryt,nazwa,zrodlo\n2009011,Giby,test\n2009022,Krasnopol,test\n2009032,Puńsk,test\n".encode()
    at = goto(start(new_app()), "dane")
    at.file_uploader(key="u_ztm_0").upload("ztm.csv", ztm, "text/csv").run()
    assert_ok(at)
    assert shown(at.sidebar, "success") == ["Lista OSI ZTM: „ztm.csv”, 3 gmin."]
    assert not any("nie wczytano" in v for v in texts(at.sidebar, "info"))
    goto(at, "mapa")
    assert any(c.startswith("Lista OSI ZTM: „ztm.csv”.") for c in shown(at, "caption"))

    goto(at, "dane")
    next(b for b in at.button if b.label == "Usuń wczytaną listę OSI ZTM").click().run()
    assert_ok(at)
    assert ZTM_UPLOAD_KEY not in at.session_state
    assert any("nie wczytano" in v for v in texts(at.sidebar, "info"))
