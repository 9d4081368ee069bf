"""Plotly figure builders (no Streamlit): candidate indicators, the sensitivity of the top 3,
and a small offline outline map of one partnership (no geo basemap: it would need the internet)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cwd.fmt import fmt_int, fmt_pct

FONT = dict(family="Source Sans Pro, DejaVu Sans, Arial, sans-serif", size=14)
SOURCE_LINE = "Źródło: GUGiK PRG; GUS; formularze partnerstw"
INDICATORS = {
    "ludnosc": ("Ludność obszaru<br>(31.12.2023)", fmt_int),
    "liczba_jst": ("Liczba JST", fmt_int),
    "zmiana_ludnosci": ("Zmiana ludności<br>2018→2023", lambda v: fmt_pct(v, 1)),
    "udzial_osi": ("Udział gmin<br>w OSI", fmt_pct),
}


def _layout(fig: go.Figure, title: str | None, height: int, top: int = 30) -> go.Figure:
    fig.update_layout(
        title=title, font=FONT, height=height, margin=dict(l=10, r=10, t=top + (40 if title else 0), b=50),
        plot_bgcolor="white", separators=", ",  # Polish: decimal comma, space for thousands
        annotations=list(fig.layout.annotations) + [dict(
            text=SOURCE_LINE, showarrow=False, xref="paper", yref="paper", x=0, y=-0.16,
            xanchor="left", font=dict(size=11, color="#555"))],
    )
    return fig


def indicators_figure(rows: Sequence[Mapping], colors: Mapping[str, str], title: str | None = None) -> go.Figure:
    """One small bar panel per indicator; rows are dicts with id, nazwa and the INDICATORS keys."""
    fig = make_subplots(rows=1, cols=len(INDICATORS), subplot_titles=[v[0] for v in INDICATORS.values()],
                        horizontal_spacing=0.06)
    for col, (key, (_label, fmt)) in enumerate(INDICATORS.items(), start=1):
        values = [r[key] if r[key] is not None else 0 for r in rows]
        fig.add_trace(go.Bar(
            x=[r["id"] for r in rows], y=values,
            marker_color=[colors.get(r["id"], "#555") for r in rows],
            text=[fmt(r[key]) for r in rows], textposition="outside", cliponaxis=False,
            hovertext=[escape(r["nazwa"]) for r in rows], hoverinfo="text+y", showlegend=False,
        ), row=1, col=col)
        # Room for the value labels above (or, for negative values, below) the bars.
        low, high = min(0, *values), max(0, *values)
        span = (high - low) or 1
        fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=True, zerolinecolor="#999",
                         range=[low - 0.25 * span * (low < 0), high + 0.25 * span * (high > 0)], row=1, col=col)
    return _layout(fig, title, 400, top=75)  # two-line panel titles


def sensitivity_figure(frame, title: str | None = None) -> go.Figure:
    """Horizontal bars: share of scenarios in which each partnership is in the top 3."""
    frame = frame.iloc[::-1]
    fig = go.Figure(go.Bar(
        x=frame["w_top"], y=[escape(f"{i} – {n}") for i, n in zip(frame["id"], frame["nazwa"])], orientation="h",
        marker_color=["#1f5fa8" if v >= 0.5 else "#9bb7d8" for v in frame["w_top"]],
        text=[fmt_pct(v) for v in frame["w_top"]], textposition="outside", cliponaxis=False,
        hoverinfo="skip",
    ))
    fig.update_xaxes(range=[0, 1.1], tickformat=".0%", title="udział scenariuszy z partnerstwem w pierwszej trójce")
    return _layout(fig, title, 120 + 34 * len(frame))


def outline_figure(gminy_display, area: Sequence[str], color: str, title: str | None = None) -> go.Figure:
    """The partnership's gminas filled on a light outline of the voivodeship (lon/lat, offline)."""
    in_area = set(area)
    # Two traces (outside, inside), rings separated by None: one trace per gmina took ~0.3 s a map.
    paths = {False: ([], []), True: ([], [])}
    for teryt, geom in zip(gminy_display["teryt"], gminy_display.geometry):
        xs_all, ys_all = paths[teryt in in_area]
        for poly in getattr(geom, "geoms", [geom]):
            xs, ys = poly.exterior.coords.xy
            xs_all.extend([*xs, None])
            ys_all.extend([*ys, None])
    fig = go.Figure()
    for inside in (False, True):
        xs, ys = paths[inside]
        if xs:
            fig.add_trace(go.Scatter(
                x=xs, y=ys, mode="lines", fill="toself", hoverinfo="skip", showlegend=False,
                line=dict(color=color if inside else "white", width=1 if inside else 0.6),
                fillcolor=color if inside else "#e6e6e6", opacity=0.9 if inside else 1,
            ))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1.6)  # ≈ 1/cos(53°N)
    fig.update_layout(height=260, margin=dict(l=0, r=0, t=30 if title else 0, b=0), title=title,
                      font=FONT, plot_bgcolor="white")
    return fig


def timeline_figure(milestones: Sequence[tuple], submissions: Sequence[tuple], today=None) -> go.Figure:
    """Process milestones (date, label) as vertical lines; each partnership's form (date, label, on_time)
    as a point on its own row."""
    from cwd.fmt import fmt_date

    fig = go.Figure()
    submissions = [(d, escape(label), ok) for d, label, ok in submissions]  # names come from forms
    labels = [label for _d, label, _ok in submissions]
    fig.add_trace(go.Scatter(
        x=[d for d, _l, _ok in submissions], y=labels, mode="markers",
        marker=dict(size=13, color=["#1f5fa8" if ok else "#D00000" for _d, _l, ok in submissions],
                    symbol=["circle" if ok else "x" for _d, _l, ok in submissions]),
        hovertext=[f"{label}: {fmt_date(d)}" for d, label, _ok in submissions], hoverinfo="text", showlegend=False,
    ))
    for d, label in milestones:
        fig.add_vline(x=d, line=dict(color="#444", dash="dot"))
        fig.add_annotation(x=d, y=1.02, yref="paper", text=f"{label}<br>{fmt_date(d)}", showarrow=False,
                           font=dict(size=12), yanchor="bottom")
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(tickformat="%d.%m", showgrid=True, gridcolor="#eee")
    fig.update_layout(height=160 + 28 * len(submissions), font=FONT, plot_bgcolor="white",
                      margin=dict(l=10, r=10, t=80, b=30))
    return fig
