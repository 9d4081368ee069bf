"""Plotly figure builders: figures inspected as objects (titles, annotations, trace names, colours),
never as images (kaleido is not installed)."""
from __future__ import annotations

import math
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from cwd import charts, style
from cwd.fmt import UNKNOWN, fmt_date

DATES = {date(2018, 12, 31): "ludnosc_2018_12_31", date(2023, 12, 31): "ludnosc_2023_12_31"}
ROWS = [
    {"id": "P01", "nazwa": "Ziemia Wysokomazowiecka", "status": "spełnia", "ludnosc": 53_406, "liczba_jst": 11,
     "zmiana_ludnosci": -0.067, "udzial_osi": 1.0},
    {"id": "P03", "nazwa": "Augustowsko-Biebrzański Park Turystyczny", "status": "niekompletna", "ludnosc": 153_053,
     "liczba_jst": 27, "zmiana_ludnosci": -0.081, "udzial_osi": None},  # no ZTM list: unknown
    {"id": "P06", "nazwa": "Dolina Narwi i Biebrzy (przykład)", "status": "nie spełnia", "ludnosc": 30_883,
     "liczba_jst": 4, "zmiana_ludnosci": -0.007, "udzial_osi": math.nan},  # NaN from a pandas frame
]
CALL_IDS = ("P01", "P02", "P03", "P04", "P05", "P06")


def bars(fig) -> list:
    """The bar trace of each panel, in panel order."""
    return [t for t in fig.data if t.type == "bar"]


def legend(fig) -> list[str]:
    return [t.name for t in fig.data if t.type == "scatter" and t.showlegend is not False]


def bar_colour(trace, pid: str) -> str:
    return dict(zip(trace.x, trace.marker.color))[pid]


def font_sizes(fig) -> list[tuple[str, float]]:
    """(where, size) of every font the figure sets explicitly, plus the base font."""
    layout = fig.layout
    found = [("font", layout.font.size), ("title", layout.title.font.size),
             ("subtitle", layout.title.subtitle.font.size), ("legend", layout.legend.font.size)]
    found += [(f"annotation {a.text[:20]!r}", a.font.size) for a in layout.annotations]
    for name in dir(layout):
        if re.fullmatch(r"[xy]axis\d*", name) and layout[name] is not None:
            found.append((f"{name} ticks", layout[name].tickfont.size))
    for t in fig.data:
        if getattr(t, "textfont", None) is not None and t.text is not None:
            found.append((f"trace {t.name!r} text", t.textfont.size))
    return found


# --- moved from test_views.py ----------------------------------------------------------------------
def test_charts_escape_form_text_and_carry_the_source_line():
    rows = [{"id": "X1", "nazwa": "<img src=x onerror=alert(1)>", "ludnosc": 1000, "liczba_jst": 2,
             "zmiana_ludnosci": -0.05, "udzial_osi": 1.0},
            {"id": "X2", "nazwa": "Zwykła", "ludnosc": 2000, "liczba_jst": 3, "zmiana_ludnosci": 0.01,
             "udzial_osi": 0.5}]
    fig = charts.indicators_figure(rows, {"X1": "#000000"})
    hover = [t for trace in fig.data for t in trace.hovertext]
    assert "&lt;img src=x onerror=alert(1)&gt;" in hover and "<img src=x onerror=alert(1)>" not in hover
    assert all("<img" not in name for name in legend(fig))  # the legend too
    assert any(a.text == charts.SOURCE_LINE for a in fig.layout.annotations)
    assert fig.data[0].text[1] == "2\xa0000"
    timeline = charts.timeline_figure([(date(2020, 9, 22), "Termin")], [(date(2020, 9, 24), "<b>x</b>", False)])
    assert timeline.data[0].y == ("&lt;b&gt;x&lt;/b&gt;",)
    assert timeline.data[0].marker.symbol == ("x",)  # late forms are marked


def test_outline_svg_draws_the_area_over_the_voivodeship():
    import xml.etree.ElementTree as ET

    from cwd.geo import display_layers, load_boundaries
    from cwd.paths import SHARED_GEO_DIR

    gminy, _ = display_layers(load_boundaries("20", SHARED_GEO_DIR))
    svg = ET.fromstring(charts.outline_svg(gminy, ["2006011", "2006032"], "#123456", label="<b>Kolno</b>"))
    ns = "{http://www.w3.org/2000/svg}"
    outside, inside = svg.findall(f"{ns}path")
    assert inside.get("fill") == "#123456" and outside.get("fill") == charts.OUTSIDE_FILL
    rings = lambda d: d.count("M")  # noqa: E731 - one ring starts at each M
    assert rings(inside.get("d")) == 2  # Kolno town and Kolno rural gmina
    assert rings(outside.get("d")) >= 116
    assert svg.find(f"{ns}title").text == "<b>Kolno</b>"  # the label is text, not markup
    width, height = map(float, svg.get("viewBox").split()[2:])
    assert width == charts.OUTLINE_WIDTH and 1.0 < height / width < 1.6  # Podlaskie is taller than wide


# --- images for the Council ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def indicators():
    return charts.indicators_figure(ROWS, style.partnership_colors(CALL_IDS), population_dates=DATES)


def test_indicator_chart_has_a_title_names_statuses_date_and_source(indicators):
    fig = indicators
    assert fig.layout.title.text == "Porównanie partnerstw – wskaźniki"
    assert "stan na 31.12.2023" in fig.layout.title.subtitle.text  # from the register's dates
    assert "status" in fig.layout.title.subtitle.text
    panel_titles = [a.text for a in fig.layout.annotations]
    assert "Ludność obszaru<br>(31.12.2023)" in panel_titles and "Zmiana ludności<br>2018→2023" in panel_titles
    assert style.SOURCE_LINE in panel_titles
    entries = legend(fig)
    assert len(entries) == len(ROWS)
    assert entries[0] == "P01 – Ziemia Wysokomazowiecka<br>✓ spełnia"
    assert entries[1].startswith("P03 – Augustowsko-Biebrzański") and entries[1].endswith("? niekompletna")
    assert entries[2].endswith("✗ nie spełnia")
    assert [list(t.x) for t in bars(fig)] == [["P01", "P03", "P06"]] * len(charts.INDICATORS)  # the chosen order


def test_indicator_bars_use_the_colours_of_the_call(indicators):
    colors = style.partnership_colors(CALL_IDS)
    swatches = {t.legendgroup: t.marker.color for t in indicators.data if t.type == "scatter"}
    for row in ROWS:
        assert {bar_colour(t, row["id"]) for t in bars(indicators)} == {colors[row["id"]]}
        assert swatches[row["id"]] == colors[row["id"]]  # the legend swatch is the bar colour


@pytest.mark.parametrize("pid", ["P03", "P06"])  # None and NaN
def test_unknown_osi_share_reads_nieustalone_never_zero(indicators, pid):
    share = bars(indicators)[3]
    point = dict(zip(share.x, zip(share.y, share.text)))
    assert point[pid] == (0, "")  # no bar, no "0%"
    assert point["P01"] == (1.0, "100%")
    [label] = [a for a in indicators.layout.annotations if a.text == UNKNOWN and a.x == pid]
    assert (label.xref, label.yref, label.textangle) == ("x4", "y4", -90)
    assert dict(zip(share.x, share.customdata))[pid] == UNKNOWN  # the hover says it too


def test_charts_never_carry_a_literal_date_or_criteria_count():
    """Dates come from the register, the criteria count from cwd.criteria (not from the code)."""
    root = Path(charts.__file__).parent
    for path in [root / "charts.py", *sorted((root / "export").glob("*.py"))]:
        source = path.read_text(encoding="utf-8")
        for literal in ("31.12.2023", "2023_12_31", "/11", "z 11"):
            assert literal not in source, (path.name, literal)


def test_without_dates_the_chart_says_nothing_about_them():
    fig = charts.indicators_figure(ROWS, style.partnership_colors(CALL_IDS))
    assert "stan na" not in fig.layout.title.subtitle.text
    assert "Ludność obszaru" in [a.text for a in fig.layout.annotations]


def sensitivity_frame():
    return pd.DataFrame({"id": ["P01", "P03", "P06"], "nazwa": [r["nazwa"] for r in ROWS], "w_top": [1.0, 0.62, 0.0]})


def test_sensitivity_chart_names_partnerships_in_their_colours():
    colors = style.partnership_colors(CALL_IDS)
    fig = charts.sensitivity_figure(sensitivity_frame(), colors=colors, note="Progi 15 000–25 000 mieszk.")
    [bars] = fig.data
    assert list(bars.y) == ["P06 – Dolina Narwi i Biebrzy (przykład)",
                            "P03 – Augustowsko-Biebrzański Park Turystyczny", "P01 – Ziemia Wysokomazowiecka"]
    assert list(bars.marker.color) == [colors["P06"], colors["P03"], colors["P01"]]
    assert list(bars.text) == ["0%", "62%", "100%"]
    assert fig.layout.title.text.startswith("Stabilność pierwszej trójki")
    assert fig.layout.title.subtitle.text == "Progi 15 000–25 000 mieszk."
    assert any(a.text == style.SOURCE_LINE for a in fig.layout.annotations)


def test_sensitivity_chart_without_colours_marks_the_stable_half():
    [bars] = charts.sensitivity_figure(sensitivity_frame()).data
    assert list(bars.marker.color) == ["#9bb7d8", "#1f5fa8", "#1f5fa8"]  # 0 %, 62 %, 100 %


def test_timeline_has_a_title_and_the_source():
    fig = charts.timeline_figure([(date(2020, 9, 22), "Formularze do UM")], [(date(2020, 9, 21), "P01 – A", True)])
    assert fig.layout.title.text == "Harmonogram naboru"
    texts = [a.text for a in fig.layout.annotations]
    assert f"Formularze do UM<br>{fmt_date(date(2020, 9, 22))}" in texts and style.SOURCE_LINE in texts


@pytest.mark.parametrize("build", [
    lambda large: charts.indicators_figure(ROWS, style.partnership_colors(CALL_IDS), population_dates=DATES,
                                           large=large),
    lambda large: charts.sensitivity_figure(sensitivity_frame(), colors=style.partnership_colors(CALL_IDS),
                                            note="x", large=large),
    lambda large: charts.timeline_figure([(date(2020, 9, 22), "Termin")], [(date(2020, 9, 21), "P01", True)],
                                         large=large),
], ids=["indicators", "sensitivity", "timeline"])
def test_presentation_mode_makes_every_text_at_least_18_px(build):
    large = font_sizes(build(True))
    assert all(size is not None and size >= charts.MIN_LARGE_FONT for _where, size in large), large
    normal = dict(font_sizes(build(False)))
    assert normal["title"] < dict(large)["title"]
