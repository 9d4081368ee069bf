"""Charts built once per content and shared by every session (building a plotly figure or an SVG
costs far more than a page run may)."""
from __future__ import annotations

import streamlit as st

from cwd import charts
from cwd.ui import loaders


@st.cache_resource(show_spinner=False, max_entries=256)
def mini_map(area: tuple[str, ...], color: str, label: str) -> str:
    """The partnership's outline on the voivodeship as SVG markup (for st.image)."""
    gminy, _ = loaders.display_layers()
    return charts.outline_svg(gminy, area, color, label)


@st.cache_resource(show_spinner=False, max_entries=64)
def _indicators(key: tuple, _rows, _colors, _dates, large: bool):
    return charts.indicators_figure(_rows, _colors, population_dates=_dates, large=large)


def indicators(rows: list[dict], colors: dict, dates, large: bool):
    """indicators_figure, cached by the rows' content."""
    key = tuple(tuple(sorted((k, str(v)) for k, v in r.items())) for r in rows) + (tuple(sorted(colors.items())),)
    return _indicators(key, rows, colors, dates, large)


@st.cache_resource(show_spinner=False, max_entries=64)
def sensitivity(evaluation_key: tuple, thresholds: tuple[int, ...], ranges: tuple, samples: int, large: bool,
                _ctx, note: str):
    """The sensitivity of the top 3 and its chart, once per content (evaluation, scenarios)."""
    from dataclasses import replace

    from cwd import bulk
    from cwd.osi import build_context
    from cwd.selection import sensitivity as run

    ev = _ctx.evaluation
    adjacency, _ = loaders.adjacency()
    verified = {r.id: {k.id: k.zweryfikowana for k in r.checklist.kryteria} for r in ev.results}
    columns = bulk.batch(_ctx.sources.forms.partnerships)

    def frame_at(threshold: int):
        osi_ctx = build_context(_ctx.register, replace(_ctx.osi, prog_ludnosci=threshold), adjacency, ev.ctx.ztm)
        return bulk.check_batch(columns, _ctx.register, osi_ctx, verified)

    frame = run(frame_at, thresholds, dict(ranges), samples=samples)
    return frame, charts.sensitivity_figure(frame, colors=ev.colors, note=note, large=large)


@st.cache_resource(show_spinner=False, max_entries=32)
def timeline(milestones: tuple, submissions: tuple, large: bool):
    return charts.timeline_figure(list(milestones), list(submissions), large=large)
