"""One colour per partnership everywhere: the outline on the web map (the SVG path's stroke in the
map frame, found through the outline's Leaflet feature), the Kandydaci chart (the plotly spec in the
page: the legend entry and the bar of that id) and the static map for print (cwd.export.static_map,
built here in the test process from the same forms) all equal cwd.style.partnership_colors of the
call's ids.

Screenshot: artifacts/screenshots/kolory-kandydaci.png.
"""
from __future__ import annotations

import pytest
from browser_support import (
    OUTLINE_STROKES_JS,
    full_screenshot,
    map_frame,
    require_browser,
    wait_map_settled,
)

from .conftest import EXAMPLE_FORMS

require_browser()

COMPARED = ["P01", "P03", "P05", "P08", "P10"]  # at most five are compared

# The indicators chart's traces as plotly holds them (the graph div's `data`): each partnership's
# legend entry (legendgroup = id) and the bars (x = ids, marker.color per bar).
CHART_COLOURS_JS = """() => {
    const plots = [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')];
    const chart = plots.find(p => (p.data || []).some(t => t.type === 'bar'));
    if (!chart) return null;
    const legend = {}, bars = {};
    for (const t of chart.data) {
        if (t.type === 'bar' && Array.isArray(t.x)) {
            const colours = Array.isArray(t.marker.color) ? t.marker.color : t.x.map(() => t.marker.color);
            t.x.forEach((pid, i) => { (bars[pid] = bars[pid] || []).push(colours[i]); });
        } else if (t.legendgroup && t.showlegend !== false && t.marker) {
            legend[t.legendgroup] = t.marker.color;
        }
    }
    return {legend, bars};
}"""


def hex6(colour: str) -> str:
    from matplotlib.colors import to_hex

    return to_hex(colour).lower()


@pytest.fixture(scope="module")
def call():
    """The example forms evaluated as the app does (the shared boundaries), and the static map's
    outline colours from its figure (the collections cwd.export.static_map tags "partnerstwo:<id>")."""
    from cwd import geo, paths, style
    from cwd.export import StaticMap, map_layers, static_map_figure
    from cwd.export.static_map import no_mathtext
    from cwd.forms import read_forms_path
    from cwd.pipeline import Inputs, evaluate
    from cwd.register import load_register
    from cwd.settings import OsiSettings

    register = load_register()
    forms = read_forms_path(EXAMPLE_FORMS, register)
    boundaries = geo.load_boundaries(shapes_dir=paths.SHARED_GEO_DIR)
    evaluation = evaluate(register, Inputs(forms=forms, osi=OsiSettings(),
                                           adjacency=geo.gmina_adjacency(boundaries.gminy)))
    layers = map_layers(register, evaluation.ctx, geo.display_layers(boundaries), evaluation.results, evaluation.ids)
    with no_mathtext():
        figure = static_map_figure(StaticMap.of(layers, evaluation.results))
    printed = {}
    for ax in figure.axes:
        for collection in ax.collections:
            gid = collection.get_gid() or ""
            if gid.startswith("partnerstwo:"):
                printed[gid.split(":", 1)[1]] = hex6(collection.get_edgecolor()[0])
    return {"ids": evaluation.ids, "expected": style.partnership_colors(evaluation.ids), "printed": printed}


def test_a_partnership_has_one_colour_on_the_map_the_chart_and_the_print(demo, call):
    ids, expected, printed = call["ids"], call["expected"], call["printed"]
    assert sorted(printed) == sorted(ids), printed

    page = demo("/", "Mapa OSI i partnerstw").page
    frame = map_frame(page)
    wait_map_settled(page, frame)
    drawn = {pid: hex6(c) for pid, c in frame.evaluate(OUTLINE_STROKES_JS).items()}
    assert sorted(drawn) == sorted(ids), drawn

    page = demo("/kandydaci", "Kandydaci", "?porownaj=" + ",".join(COMPARED)).page
    page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first.wait_for(state="attached")
    chart = page.evaluate(CHART_COLOURS_JS)
    assert chart is not None, "no indicators chart on Kandydaci"
    assert sorted(chart["legend"]) == sorted(COMPARED), chart
    full_screenshot(page, "kolory-kandydaci")

    for pid in ids:
        assert drawn[pid] == printed[pid] == expected[pid].lower(), (pid, drawn[pid], printed[pid], expected[pid])
    for pid in COMPARED:
        in_chart = {hex6(chart["legend"][pid]), *(hex6(c) for c in chart["bars"][pid])}
        assert in_chart == {drawn[pid]}, (pid, in_chart, drawn[pid])
    assert len(set(drawn.values())) == len(ids), "two partnerships share a colour"
