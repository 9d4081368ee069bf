"""The static map for print: what is drawn (OSI layer, outlines by status, labels, hatching), its
legend (exactly what is drawn), dates, source line, watermark; PNG size and dpi; never fails on text."""
from __future__ import annotations

from dataclasses import replace

import pytest
from matplotlib.colors import to_hex

from cwd import charts, style
from cwd.export import ExportError, MapLayers, Outline, StaticMap, map_layers, static_map_png
from cwd.export.static_map import LEGEND_NAME_LINES, PLOT_CRS, no_mathtext, static_map_figure
from cwd.fmt import fmt_date
from cwd.osi import build_context
from cwd.settings import OsiSettings

from .conftest import ALL_IDS, GENERATED, png_image


def figure(spec: StaticMap):
    with no_mathtext():
        return static_map_figure(spec)


def by_gid(fig, prefix: str) -> dict:
    return {a.get_gid(): a for a in fig.findobj(lambda a: str(a.get_gid() or "").startswith(prefix))}


def legend_entries(fig) -> dict[str, object]:
    """Legend label → the legend's own swatch artist."""
    [legend] = by_gid(fig, "legenda").values()
    return {t.get_text(): h for t, h in zip(legend.get_texts(), legend.legend_handles)}


def texts(fig) -> str:
    """Every text of the figure on one line (wrapping is layout, not meaning)."""
    found = fig.findobj(lambda a: hasattr(a, "get_text") and hasattr(a, "get_parse_math"))
    return " ".join(" ".join(t.get_text() for t in found).split())


def scaled(linestyle, width):
    """matplotlib's dash pattern of a style at a line width (solid: no dashes)."""
    if linestyle == "-":
        return (0.0, None)
    offset, dashes = linestyle
    return (offset * width, [d * width for d in dashes])


def same_dashes(a, b) -> bool:
    (offset_a, dashes_a), (offset_b, dashes_b) = a, b
    if dashes_a is None or dashes_b is None:
        return dashes_a is dashes_b
    return offset_a == pytest.approx(offset_b) and list(dashes_a) == pytest.approx(list(dashes_b))


@pytest.fixture(scope="module")
def spec(layers, selected):
    return StaticMap.of(layers, selected, title="Wybrane partnerstwa", generated=GENERATED, illustrative=True)


@pytest.fixture(scope="module")
def fig(spec):
    return figure(spec)


# --- PNG --------------------------------------------------------------------------------------
def test_static_map_png(spec):
    image, dpi = png_image(static_map_png(spec))
    assert dpi is not None and dpi >= 199.5
    assert image.width >= 1200 and image.height >= 1200


def test_static_map_png_without_areas(display):
    gminy, _ = display
    image, dpi = png_image(static_map_png(StaticMap(MapLayers(gminy)), dpi=100))
    assert round(dpi) == 100 and image.width >= 600


def test_print_resolution(spec):
    image, dpi = png_image(static_map_png(spec, dpi=300))
    assert round(dpi) == 300 and image.width >= 2100


# --- what is drawn --------------------------------------------------------------------------------
def test_gminas_are_filled_by_osi_category_and_the_legend_shows_those_fills(fig, layers):
    drawn = by_gid(fig, "osi:")
    categories = set(layers.osi_categories.values())
    assert {gid.removeprefix("osi:") for gid in drawn} == categories  # no ZTM list: nieznany, male_miasto
    entries = legend_entries(fig)
    for gid, collection in drawn.items():
        kat = gid.removeprefix("osi:")
        [fill] = {to_hex(c) for c in collection.get_facecolor()}
        assert fill == style.OSI_COLORS[kat].lower()
        assert to_hex(entries[style.OSI_LABELS[kat]].get_facecolor()) == fill  # swatch = what is drawn
    shown = {label for label in entries if label in style.OSI_LABELS.values()}
    assert shown == {style.OSI_LABELS[k] for k in categories}  # only what is drawn


def test_legend_follows_the_categories_when_a_ztm_list_is_loaded(register, display, selected):
    ztm = set(register.gminy_powiatu("2013"))  # a made-up list, only to see the legend change
    ctx = build_context(register, OsiSettings(), None, ztm)
    fig = figure(StaticMap.of(map_layers(register, ctx, display, selected, ALL_IDS), selected))
    drawn = {gid.removeprefix("osi:") for gid in by_gid(fig, "osi:")}
    assert "nieznany" not in drawn and drawn & {"ztm", "oba"}
    labels = set(legend_entries(fig))
    assert {style.OSI_LABELS[k] for k in drawn} <= labels
    assert style.OSI_LABELS["nieznany"] not in labels


def test_outlines_carry_the_call_colour_and_the_status_line_style(fig, layers, selected):
    outlines = by_gid(fig, "partnerstwo:")
    assert set(outlines) == {f"partnerstwo:{r.id}" for r in selected}
    entries = legend_entries(fig)
    for r in selected:
        line = outlines[f"partnerstwo:{r.id}"]
        colour = layers.colors[r.id].lower()
        assert {to_hex(c) for c in line.get_edgecolor()} == {colour}
        width = line.get_linewidth()[0]
        assert same_dashes(line.get_linestyle()[0], scaled(style.STATUS_LINESTYLE[r.checklist.status], width))
        [swatch] = [h for label, h in entries.items() if label.startswith(f"{r.id} – ")]
        assert to_hex(swatch.get_color()) == colour and swatch.get_linewidth() == width
        assert same_dashes(swatch._dash_pattern, line.get_linestyle()[0])  # (Line2D has no public getter)
    statuses = {r.checklist.status for r in selected}
    assert {label for label in entries if label[2:] in style.STATUS_LINESTYLE} == \
        {f"{style.STATUS_SYMBOLS[s]} {s}" for s in statuses}


def test_colours_are_those_of_the_call_not_of_the_selection(register, osi_ctx, display, selected):
    """P03 keeps its colour whether it is drawn alone or with the others."""
    alone = figure(StaticMap.of(map_layers(register, osi_ctx, display, selected[2:], ALL_IDS), selected[2:]))
    [line] = by_gid(alone, "partnerstwo:P03").values()
    assert {to_hex(c) for c in line.get_edgecolor()} == {style.partnership_colors(ALL_IDS)["P03"].lower()}


def test_id_labels_sit_inside_their_areas(fig, layers):
    import shapely

    areas = layers.areas.to_crs(PLOT_CRS).set_index("id").geometry
    labels = by_gid(fig, "etykieta:")
    assert len(labels) == len(areas)
    for gid, label in labels.items():
        pid = gid.removeprefix("etykieta:")
        assert label.get_text() == pid
        assert areas[pid].contains(shapely.Point(label.xy))


def test_overlaps_are_hatched_when_drawn_areas_share_gminas(register, osi_ctx, display, results):
    from cwd.evaluation import evaluate_all
    from cwd.model import Partnership

    neighbour = Partnership(id="P04", nazwa="Sąsiad", lider="2013011", czlonkowie=("2013011", "2013022"),
                            deklarowane={})
    [p04] = evaluate_all([neighbour], register, osi_ctx)
    drawn = [results[0], p04]
    fig = figure(StaticMap.of(map_layers(register, osi_ctx, display, drawn, ALL_IDS + ("P04",)), drawn))
    [hatch] = by_gid(fig, "kilka").values()
    assert hatch.get_hatch() == "////"
    assert "gminy w kilku partnerstwach" in legend_entries(fig)
    assert "gminy w kilku partnerstwach" not in legend_entries(figure(StaticMap.of(
        map_layers(register, osi_ctx, display, drawn[:1], ALL_IDS), drawn[:1])))


# --- text on the map ------------------------------------------------------------------------------
def test_dates_source_and_watermark(fig, register, layers):
    text = texts(fig)
    assert f"ludność gmin: stan na {fmt_date(max(register.population_dates()))}" in text
    assert f"ludność miast powiatowych (trasa małych miast): stan na {fmt_date(OsiSettings().data_ludnosci)}" in text
    assert layers.population_date != layers.town_population_date  # two dates, never one for the other
    assert style.SOURCE_LINE in text
    assert "Wybrane partnerstwa" in text
    [mark] = by_gid(fig, "watermark").values()
    assert mark.get_text() == style.ILLUSTRATIVE_MARK
    assert style.ILLUSTRATIVE_NOTE in text


def test_no_watermark_for_real_data(spec):
    assert not by_gid(figure(replace(spec, illustrative=False)), "watermark")


@pytest.mark.parametrize("name", ["Koszt 5$ i 10$ na mieszkańca", "$\\frac{1}{0}$", "$", "a $x^2$ b $"])
def test_dollar_signs_are_text_not_mathematics(layers, name):
    outline = Outline("P01", name, "spełnia")
    spec = StaticMap(layers, (outline,), title=name)
    fig = figure(spec)
    assert name in texts(fig)
    drawn = fig.findobj(lambda a: hasattr(a, "get_parse_math") and a.get_text())  # (empty tick labels: axes off)
    assert drawn and all(not t.get_parse_math() for t in drawn)
    png_image(static_map_png(spec))  # renders (mathtext would raise on "$\frac{1}{0}$")


def test_long_names_are_cut_in_the_legend_and_the_png_succeeds(layers):
    name = "Partnerstwo " + "bardzo długiej nazwy " * 95  # ≈ 2 000 characters
    spec = StaticMap(layers, (Outline("P01", name, "spełnia"),), title=name)
    [label] = [t for t in legend_entries(figure(spec)) if t.startswith("P01 – ")]
    assert label.count("\n") <= LEGEND_NAME_LINES  # the name lines and the status line
    png_image(static_map_png(spec))


def test_drawing_failures_are_export_errors(layers, monkeypatch):
    import cwd.export.static_map as static_map

    def broken(_spec):
        raise ValueError("coś w matplotlib")

    monkeypatch.setattr(static_map, "static_map_figure", broken)
    with pytest.raises(ExportError, match="Nie udało się narysować mapy"):
        static_map_png(StaticMap(layers))


# --- the same colour on screen and in print ------------------------------------------------------------
def test_a_partnership_has_the_same_colour_in_the_chart_and_on_the_print_map(fig, selected, register, layers):
    colors = style.partnership_colors(ALL_IDS)  # what the page passes: all ids of the call
    rows = [{"id": r.id, "nazwa": r.partnership.nazwa, "status": r.checklist.status, "ludnosc": r.ludnosc,
             "liczba_jst": len(r.partnership.czlonkowie), "zmiana_ludnosci": r.zmiana_ludnosci,
             "udzial_osi": r.osi.udzial_w_osi} for r in selected]
    chart = charts.indicators_figure(rows, colors, population_dates=register.population_dates())
    outlines = by_gid(fig, "partnerstwo:")
    for r in selected:
        bars = {dict(zip(t.x, t.marker.color))[r.id] for t in chart.data if t.type == "bar"}
        [line] = [outlines[f"partnerstwo:{r.id}"]]
        assert bars == {layers.colors[r.id]}
        assert {to_hex(c) for c in line.get_edgecolor()} == {to_hex(layers.colors[r.id])}


def test_no_layers_is_an_export_error_with_what_to_do():
    with pytest.raises(ExportError, match="Brak warstw granic"):
        static_map_png(StaticMap(None))
