"""Plotly figure builders (no Streamlit): candidate indicators, the sensitivity of the top 3, the
call's timeline, and a small offline outline map of one partnership (no geo basemap: it would need
the internet).

Each figure stands alone as a screenshot for the Programme Council: a title, partnership names (not
only ids) in the colours of the call (cwd.style), the data date, the source line, statuses where they
matter; `large=True` (presentation mode) makes every text at least 18 px. Text from forms is
HTML-escaped (plotly renders a subset of HTML in labels). A value that cannot be determined is
written "nieustalone", never drawn as 0.
"""
from __future__ import annotations

import math

from collections.abc import Mapping, Sequence
from datetime import date
import textwrap
from html import escape

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cwd import style
from cwd.fmt import UNKNOWN, fmt_date, fmt_int, fmt_pct

SOURCE_LINE = style.SOURCE_LINE
FONT = dict(family=style.FONT_FAMILY, size=14)
NEUTRAL = "#555555"  # bars of a partnership the caller gave no colour (never expected: pass all ids)
NAME_CHARS = 48  # a name on a bar axis; the hover text carries it whole
LEGEND_LINE_CHARS = 34  # a legend line (a name takes at most two)
MIN_LARGE_FONT = 18


def _sizes(large: bool) -> dict[str, int]:
    """Font sizes (px): every one ≥ 18 in presentation mode."""
    if large:
        return {"base": 20, "small": MIN_LARGE_FONT, "title": 26, "subtitle": 18}
    return {"base": 14, "small": 11, "title": 18, "subtitle": 12}


def _short(text: str, limit: int = NAME_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _wrapped(text: str, width: int = LEGEND_LINE_CHARS, lines: int = 2) -> list[str]:
    """A name on at most `lines` lines of about `width` characters (the last one cut with "…")."""
    out = textwrap.wrap(" ".join(str(text).split()), width, break_long_words=True) or [""]
    if len(out) > lines:
        out = out[:lines]
        out[-1] = _short(out[-1] + " …", width)
    return out


def _unknown(value) -> bool:
    return value is None or value != value  # None or NaN (pandas turns None into NaN in float columns)


def _status_text(status: str | None) -> str:
    if not status:
        return ""
    return f"{style.STATUS_SYMBOLS.get(status, '')} {status}".strip()


def partnership_label(pid: str, name: str, status: str | None = None) -> str:
    """"Legend entry: "P01 – name" on one or two lines, then "✓ spełnia"; escaped (names come from forms)."""
    lines = _wrapped(f"{pid} – {name}")
    status_text = _status_text(status)
    return "<br>".join(escape(line) for line in lines + ([status_text] if status_text else []))


def population_note(population_dates: Mapping[date, str] | Sequence[date] | None) -> str:
    """"Ludność gmin: GUS, stan na <latest> (zmiana od <earliest>)" from the register's dates
    (cwd.register.population_dates), or "" when none are given."""
    dates = sorted(population_dates or ())
    if not dates:
        return ""
    text = f"Ludność gmin: GUS, stan na {fmt_date(dates[-1])}"
    return text + (f" (zmiana od {fmt_date(dates[0])})" if len(dates) > 1 else "")


def _layout(fig: go.Figure, heading: tuple[str, str], large: bool, height: int, room: tuple[int, int] = (0, 0)) \
        -> go.Figure:
    """`heading` (title, subtitle) above the plots, the source line under them, fonts by `large`;
    `room`: px taken above the plots (panel titles, milestone labels) and below them (an axis title)."""
    title, subtitle = heading
    above, below = room
    sizes = _sizes(large)
    fig.update_layout(
        # At the top of the image; the top margin holds title, subtitle and the panel titles under them
        # (plotly.js's title automargin misplaces subplot bars, so the margin is computed here).
        title=dict(text=escape(title), font=dict(size=sizes["title"]), x=0.01, xanchor="left",
                   y=1, yref="container", yanchor="top", pad=dict(t=12),
                   subtitle=dict(text=escape(subtitle), font=dict(size=sizes["subtitle"], color="#333"))),
        font=dict(FONT, size=sizes["base"]), height=height, plot_bgcolor="white",
        margin=dict(l=10, r=10, t=sizes["title"] + sizes["subtitle"] + above + 44, b=below + 60 + (24 if large else 0)),
        separators=", ",  # Polish: decimal comma, space for thousands
        hoverlabel=dict(font=dict(size=sizes["small"])),
        legend=dict(font=dict(size=sizes["small"] if large else 12)),
        annotations=list(fig.layout.annotations) + [dict(
            text=SOURCE_LINE, showarrow=False, xref="paper", yref="paper", x=0, y=0,
            yshift=-(below + (40 if large else 30)), xanchor="left", yanchor="top",
            font=dict(size=sizes["small"], color="#555"))],
    )
    # Subplot titles are annotations too: legible in presentation mode.
    for annotation in fig.layout.annotations:
        if annotation.font.size is None or annotation.font.size < sizes["small"]:
            annotation.font.size = sizes["small"]
    fig.update_xaxes(tickfont=dict(size=sizes["small"]))
    fig.update_yaxes(tickfont=dict(size=sizes["small"]))
    return fig


def _subtitle(*parts: str) -> str:
    return " · ".join(p for p in parts if p)


def _indicators(population_dates) -> dict:
    dates = sorted(population_dates or ())
    now = f"<br>({fmt_date(dates[-1])})" if dates else ""
    change = f"<br>{dates[0].year}→{dates[-1].year}" if len(dates) > 1 else ""  # full dates: the subtitle
    return {
        "ludnosc": (f"Ludność obszaru{now}", fmt_int),
        "liczba_jst": ("Liczba JST<br>(gminy i powiaty)", fmt_int),
        "zmiana_ludnosci": (f"Zmiana ludności{change}", lambda v: fmt_pct(v, 1, unknown=UNKNOWN)),
        "udzial_osi": ("Udział gmin obszaru<br>w OSI", lambda v: fmt_pct(v, unknown=UNKNOWN)),
    }


# Kept for callers that read the panel keys; the labels with dates come from _indicators().
INDICATORS = _indicators(None)


def indicators_figure(
    rows: Sequence[Mapping],
    colors: Mapping[str, str],
    *,
    population_dates: Mapping[date, str] | Sequence[date] | None = None,
    title: str | None = None,
    large: bool = False,
) -> go.Figure:
    """One bar panel per indicator (2 × 2: wide enough for the value labels), the bars in the call's
    colours; the legend names each partnership with its status.

    `rows`: dicts with id, nazwa, optionally status, and the INDICATORS keys (cwd.evaluation
    .results_frame records); `colors`: cwd.style.partnership_colors(all ids of the call);
    `population_dates`: cwd.register.population_dates(register.gminy) — the panel titles and the
    subtitle carry them. An unknown value has no bar: its label "nieustalone" stands upright where
    the bar would be (an annotation: it is wider than a bar)."""
    sizes = _sizes(large)
    indicators = _indicators(population_dates)
    fig = make_subplots(rows=2, cols=2, subplot_titles=[v[0] for v in indicators.values()],
                        horizontal_spacing=0.08, vertical_spacing=0.2 if large else 0.18)
    ids = [str(r["id"]) for r in rows]
    bar_colors = [colors.get(pid, NEUTRAL) for pid in ids]
    for panel, (key, (_label, fmt)) in enumerate(indicators.items()):
        row, col = divmod(panel, 2)
        row, col = row + 1, col + 1
        values = [None if _unknown(r.get(key)) else r[key] for r in rows]
        fig.add_trace(go.Bar(
            x=ids, y=[0 if v is None else v for v in values], marker_color=bar_colors,
            text=["" if v is None else fmt(v) for v in values], textposition="outside", cliponaxis=False,
            constraintext="none", textfont=dict(size=sizes["small"]),
            hovertext=[escape(r["nazwa"]) for r in rows], customdata=[fmt(v) for v in values],
            hovertemplate="%{x} – %{hovertext}: %{customdata}<extra></extra>",
            showlegend=False,
        ), row=row, col=col)
        axis = "" if panel == 0 else str(panel + 1)
        for pid, value in zip(ids, values):
            if value is None:
                fig.add_annotation(x=pid, y=0, xref=f"x{axis}", yref=f"y{axis}", text=UNKNOWN, textangle=-90,
                                   showarrow=False, yanchor="bottom", font=dict(size=sizes["small"], color="#333"))
        # Room for the value labels above (or, for negative values, below) the bars.
        known = [v for v in values if v is not None]
        low, high = min([0, *known]), max([0, *known])
        span = (high - low) or 1
        fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=True, zerolinecolor="#999",
                         range=[low - 0.3 * span * (low < 0), high + 0.3 * span * (high > 0 or not known)],
                         row=row, col=col)
    # The legend: one entry per partnership (a square of its colour), after the bar traces.
    for r, pid, color in zip(rows, ids, bar_colors):
        fig.add_trace(go.Scatter(
            x=[None], y=[None], mode="markers", name=partnership_label(pid, r["nazwa"], r.get("status")),
            legendgroup=pid, marker=dict(symbol="square", size=sizes["small"], color=color),
            hovertext=[escape(r["nazwa"])], hoverinfo="skip",
        ), row=1, col=1)
    fig.update_xaxes(categoryorder="array", categoryarray=ids)
    fig.update_layout(legend=dict(orientation="v", x=1.01, y=1, xanchor="left", yanchor="top",
                                  itemclick=False, itemdoubleclick=False, title=dict(text="Partnerstwa")))
    subtitle = _subtitle(population_note(population_dates), "status wg listy sprawdzającej")
    fig = _layout(fig, (title or "Porównanie partnerstw – wskaźniki", subtitle), large,
                  height=900 if large else 700, room=(2 * sizes["small"] + 14, 0))  # two-line panel titles
    if large:  # the legend's title in the legend's large type (plotly's default is 12 px)
        fig.update_layout(legend_title_font_size=fig.layout.legend.font.size)
    return fig


def sensitivity_figure(
    frame,
    title: str | None = None,
    *,
    colors: Mapping[str, str] | None = None,
    note: str = "",
    large: bool = False,
) -> go.Figure:
    """Horizontal bars: share of scenarios in which each partnership is in the top 3.

    `colors`: the call's partnership colours (cwd.style.partnership_colors of all ids); without them
    a share of at least half is dark blue, below half light blue. `note`: what the scenarios were
    (thresholds, weight ranges, data date) — the subtitle."""
    sizes = _sizes(large)
    frame = frame.iloc[::-1]
    ids = [str(i) for i in frame["id"]]
    if colors:
        bar_colors = [colors.get(i, NEUTRAL) for i in ids]
    else:
        bar_colors = ["#1f5fa8" if v >= 0.5 else "#9bb7d8" for v in frame["w_top"]]
    fig = go.Figure(go.Bar(
        x=frame["w_top"], y=[f"{escape(i)} – {escape(_short(n))}" for i, n in zip(ids, frame["nazwa"])],
        orientation="h", marker_color=bar_colors,
        text=[fmt_pct(v, unknown=UNKNOWN) for v in frame["w_top"]], textposition="outside", cliponaxis=False,
        textfont=dict(size=sizes["small"]), constraintext="none", hoverinfo="skip",
    ))
    fig.update_xaxes(range=[0, 1.1], tickformat=".0%", title=dict(
        text="udział scenariuszy z partnerstwem w pierwszej trójce", font=dict(size=sizes["small"])))
    row = 46 if large else 34
    title = title or "Stabilność pierwszej trójki – wrażliwość na wagi i próg ludności"
    return _layout(fig, (title, note), large,
                   height=220 + row * len(frame), room=(0, sizes["small"] + 12))  # the x-axis title


OUTLINE_WIDTH = 240  # px of the mini map; the height follows the region's shape
OUTSIDE_FILL, OUTSIDE_LINE = "#e6e6e6", "#ffffff"


def _projector(gminy_display):
    """lon/lat → SVG pixels (equirectangular at the region's mid latitude: shapes keep their look)."""
    minx, miny, maxx, maxy = gminy_display.total_bounds
    k = math.cos(math.radians((miny + maxy) / 2))
    scale = OUTLINE_WIDTH / ((maxx - minx) * k)
    height = (maxy - miny) * scale

    def point(x: float, y: float) -> str:
        return f"{(x - minx) * k * scale:.1f},{height - (y - miny) * scale:.1f}"

    return point, height


def _rings_path(geoms, point) -> str:
    parts = []
    for geom in geoms:
        for poly in getattr(geom, "geoms", [geom]):
            coords = poly.exterior.coords
            parts.append("M" + "L".join(point(x, y) for x, y in coords) + "Z")
    return "".join(parts)


def outline_svg(gminy_display, area: Sequence[str], color: str, label: str = "") -> str:
    """The partnership's gminas filled in its colour on a light outline of the voivodeship, as a
    small SVG (one path per layer: cheap to build, cache and send; no plotly, no internet).
    `label` is the accessible title (escaped here)."""
    point, height = _projector(gminy_display)
    in_area = set(area)
    codes = list(gminy_display["teryt"])
    geoms = list(gminy_display.geometry)
    outside = _rings_path([g for c, g in zip(codes, geoms) if c not in in_area], point)
    inside = _rings_path([g for c, g in zip(codes, geoms) if c in in_area], point)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {OUTLINE_WIDTH} {height:.0f}" '
            f'width="{OUTLINE_WIDTH}" height="{height:.0f}" role="img"><title>{escape(label)}</title>'
            f'<path d="{outside}" fill="{OUTSIDE_FILL}" stroke="{OUTSIDE_LINE}" stroke-width="0.6"/>'
            f'<path d="{inside}" fill="{color}" fill-opacity="0.9" stroke="{color}" stroke-width="1"/></svg>')


def timeline_figure(
    milestones: Sequence[tuple],
    submissions: Sequence[tuple],
    today=None,
    *,
    title: str | None = None,
    large: bool = False,
) -> go.Figure:
    """Process milestones (date, label) as vertical lines; each partnership's form (date, label, on_time)
    as a point on its own row (late forms: a red cross)."""
    sizes = _sizes(large)
    fig = go.Figure()
    submissions = [(d, escape(label), ok) for d, label, ok in submissions]  # names come from forms
    labels = [label for _d, label, _ok in submissions]
    fig.add_trace(go.Scatter(
        x=[d for d, _l, _ok in submissions], y=labels, mode="markers",
        marker=dict(size=17 if large else 13, color=["#1f5fa8" if ok else "#D00000" for _d, _l, ok in submissions],
                    symbol=["circle" if ok else "x" for _d, _l, ok in submissions]),
        hovertext=[f"{label}: {fmt_date(d)}" for d, label, _ok in submissions], hoverinfo="text", showlegend=False,
    ))
    for d, label in milestones:
        fig.add_vline(x=d, line=dict(color="#444", dash="dot"))
        fig.add_annotation(x=d, y=1.02, yref="paper", text=f"{escape(label)}<br>{fmt_date(d)}", showarrow=False,
                           font=dict(size=sizes["small"] if large else 12), yanchor="bottom")
    if today is not None:
        fig.add_vline(x=today, line=dict(color="#1f5fa8", width=1))
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(tickformat="%d.%m", showgrid=True, gridcolor="#eee")
    row = 38 if large else 28
    subtitle = "Daty złożenia formularzy; czerwony krzyżyk – formularz po terminie"
    return _layout(fig, (title or "Harmonogram naboru", subtitle), large,
                   height=230 + row * len(submissions), room=(2 * sizes["small"] + 14, 0))  # milestone labels
