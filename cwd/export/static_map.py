"""The static map for print (PNG, and the map of the PDF): matplotlib, no internet, no Streamlit.

What is drawn: gminas filled by OSI category (cwd.style.OSI_COLORS), powiat borders, each
partnership's outline in its colour of the call with its status as the line style, its id at the
area's representative point, gminas claimed by two drawn partnerships hatched, a legend of exactly
what is drawn (the swatches are the drawn styles), the data dates, the source line, and the
ILLUSTRATIVE watermark for example data. Text from forms is never read as mathtext.
"""
from __future__ import annotations

import io
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from cwd import style
from cwd.export.common import ExportError, clip, one_line
from cwd.fmt import fmt_date, fmt_datetime

if TYPE_CHECKING:
    from geopandas import GeoDataFrame
    from matplotlib.figure import Figure

    from cwd.evaluation import PartnershipResult
    from cwd.osi import OsiContext
    from cwd.register import Register

PLOT_CRS = "EPSG:2180"  # metres (PUWG 1992): geographic degrees would stretch the map east–west
OUTLINE_WIDTH = 2.2  # points
LEGEND_NAME_WIDTH = 42  # characters per legend line
LEGEND_NAME_LINES = 2  # a long name is cut after this many lines (the PDF and XLSX carry it whole)
ID_LABEL_CHARS = 14


# --- the objects ------------------------------------------------------------------------------
@dataclass(frozen=True)
class MapLayers:
    """The call's geometry and categories, prepared by the caller (see `map_layers`)."""

    gminy: "GeoDataFrame"  # display gminas: columns teryt, geometry (any CRS)
    powiaty: "GeoDataFrame | None" = None  # display powiats (borders only)
    osi_categories: Mapping[str, str] = field(default_factory=dict)  # gmina TERYT → cwd.osi KAT_* code
    areas: "GeoDataFrame | None" = None  # dissolved partnership areas: columns id, geometry
    colors: Mapping[str, str] = field(default_factory=dict)  # style.partnership_colors(all ids of the call)
    population_date: date | None = None  # gmina population: the latest ludnosc_ column of the register
    town_population_date: date | None = None  # reference date of the small-town route (settings)


@dataclass(frozen=True)
class Outline:
    """One partnership drawn on the map."""

    id: str
    nazwa: str
    status: str  # checklist status (cwd.checklist SPELNIA / NIEKOMPLETNA / NIE_SPELNIA)


@dataclass(frozen=True)
class StaticMap:
    """What one static map shows; `outlines` in legend order, their areas in `layers.areas`."""

    layers: MapLayers
    outlines: Sequence[Outline] = ()
    title: str | None = None
    generated: datetime | None = None  # the moment the statuses were read (printed with the dates)
    illustrative: bool = False

    @classmethod
    def of(cls, layers: MapLayers, results: Iterable["PartnershipResult"], **options) -> "StaticMap":
        """The map of these evaluated partnerships (`options`: title, generated, illustrative)."""
        outlines = tuple(Outline(r.id, r.partnership.nazwa, r.checklist.status) for r in results)
        return cls(layers, outlines, **options)


def map_layers(
    register: "Register",
    ctx: "OsiContext",
    display: tuple["GeoDataFrame | None", "GeoDataFrame | None"],
    drawn: Sequence["PartnershipResult"],
    all_ids: Iterable[str],
) -> MapLayers | None:
    """The layers for a map of `drawn` partnerships; `display` = (gminas, powiats) display layers
    (cwd.geo.display_layers), `all_ids` every partnership id of the call (colours). None without
    boundaries."""
    from cwd.export.common import population_span
    from cwd.geo import dissolve_areas
    from cwd.osi import gmina_statuses

    gminy, powiaty = display
    if gminy is None:
        return None
    try:
        areas = dissolve_areas(gminy, {r.id: r.gminy for r in drawn})
    except Exception as exc:  # broken geometry of an imported layer: say so instead of a silent button
        raise ExportError(
            "Nie udało się połączyć gmin w obszary partnerstw (warstwa granic może być uszkodzona). "
            f"Sprawdź warstwy PRG na stronie „Dane” (szczegóły: {type(exc).__name__}: {exc})."
        ) from exc
    return MapLayers(
        gminy=gminy,
        powiaty=powiaty,
        osi_categories={g: s.kategoria for g, s in gmina_statuses(register, ctx).items()},
        areas=areas,
        colors=style.partnership_colors(all_ids),
        population_date=population_span(register)[1],
        town_population_date=ctx.settings.data_ludnosci,
    )


# --- drawing ----------------------------------------------------------------------------------
def _plot_crs(gdf: "GeoDataFrame") -> "GeoDataFrame":
    if gdf.crs is not None and gdf.crs.is_geographic:
        return gdf.to_crs(PLOT_CRS)
    return gdf


def _colors(spec: StaticMap) -> dict[str, str]:
    """The call's colours; an id the caller left out still gets one (never the same as a given one
    by chance: the fallback uses the whole set)."""
    colors = dict(spec.layers.colors)
    missing = [o.id for o in spec.outlines if o.id not in colors]
    if missing:
        fallback = style.partnership_colors([*colors, *missing])
        colors.update({pid: fallback[pid] for pid in missing})
    return colors


def _dates_line(spec: StaticMap) -> str:
    parts = []
    if spec.layers.population_date:
        parts.append(f"ludność gmin: stan na {fmt_date(spec.layers.population_date)}")
    if spec.layers.town_population_date:
        parts.append(f"ludność miast powiatowych (trasa małych miast): stan na "
                     f"{fmt_date(spec.layers.town_population_date)}")
    if spec.generated:
        parts.append(f"statusy i oceny: stan na {fmt_datetime(spec.generated)}")
    return "Dane: " + "; ".join(parts) + "." if parts else ""


def _legend_name(outline: Outline) -> str:
    symbol = style.STATUS_SYMBOLS.get(outline.status, "")
    text = f"{one_line(outline.id)} – {one_line(outline.nazwa)}"
    lines = textwrap.wrap(text, LEGEND_NAME_WIDTH, subsequent_indent="   ", break_long_words=True) or [""]
    if len(lines) > LEGEND_NAME_LINES:
        lines = lines[:LEGEND_NAME_LINES]
        lines[-1] = clip(lines[-1], LEGEND_NAME_WIDTH - 2) + "…"
    return "\n".join(lines) + f"\n   status: {symbol} {outline.status}".rstrip()


def _overlaps(geoms: list) -> list:
    """Areas shared by two of the shapes (positive area); candidate pairs from a spatial index, so
    a map of hundreds of partnerships does not intersect every pair."""
    import shapely

    if len(geoms) < 2:
        return []
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    out = []
    for i, j in zip(left, right):
        if i < j:
            common = shapely.intersection(geoms[i], geoms[j])
            if common.area > 0:
                out.append(common)
    return out


def static_map_figure(spec: StaticMap) -> "Figure":
    """The map as a matplotlib Figure (artists carry gids: "osi:<kat>", "partnerstwo:<id>",
    "etykieta:<id>", "powiaty", "kilka", "watermark"). Call inside `no_mathtext()`."""
    from geopandas import GeoSeries
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    layers = spec.layers
    gminy = _plot_crs(layers.gminy)
    powiaty = _plot_crs(layers.powiaty) if layers.powiaty is not None and len(layers.powiaty) else None
    areas = _plot_crs(layers.areas) if layers.areas is not None and len(layers.areas) else None
    geometry_of: dict[str, object] = {}
    if areas is not None:
        for pid, geom in zip(areas["id"].astype(str), areas.geometry):
            if geom is not None and not geom.is_empty:
                geometry_of[pid] = geom
    outlines = [o for o in spec.outlines if o.id in geometry_of]
    colors = _colors(spec)

    partnership_lines = sum(_legend_name(o).count("\n") + 1 for o in outlines)
    legend_lines = partnership_lines + 14
    height = max(6.9, 1.6 + 0.15 * legend_lines)
    fig = Figure(figsize=(7.6, height), layout="constrained")
    grid = fig.add_gridspec(1, 2, width_ratios=(1.35, 1.0))
    ax = fig.add_subplot(grid[0, 0])
    legend_ax = fig.add_subplot(grid[0, 1])
    for a in (ax, legend_ax):
        a.set_axis_off()

    # Gminas by OSI category (one collection per category: the legend swatch is that collection's style).
    categories = [layers.osi_categories.get(str(t)) for t in gminy["teryt"]]
    drawn_categories = []
    for kat in [*style.OSI_CATEGORIES, None]:
        part = gminy[[c == kat if kat is not None else c not in style.OSI_COLORS for c in categories]]
        if not len(part):
            continue
        fill = style.OSI_COLORS.get(kat, style.HIDDEN_FILL)
        part.plot(ax=ax, color=fill, edgecolor=style.GMINA_LINE if kat else style.HIDDEN_LINE, linewidth=0.5)
        ax.collections[-1].set_gid(f"osi:{kat or 'brak'}")
        if kat is not None:
            drawn_categories.append(kat)

    # Gminas claimed by two or more drawn partnerships: hatched, not colour alone.
    overlaps = _overlaps(list(geometry_of.values()))
    overlap_style = dict(facecolor="none", edgecolor=style.OVERLAP_COLOR, hatch="////", linewidth=0.0)
    if overlaps:
        GeoSeries(overlaps, crs=gminy.crs).plot(ax=ax, **overlap_style)
        ax.collections[-1].set_gid("kilka")

    powiat_style = dict(color=style.POWIAT_LINE, linewidth=0.9)
    if powiaty is not None:
        powiaty.boundary.plot(ax=ax, **powiat_style)
        ax.collections[-1].set_gid("powiaty")

    # Partnership outlines: colour = partnership, line style = status, a white halo keeps them legible.
    from matplotlib import patheffects

    halo = [patheffects.Stroke(linewidth=OUTLINE_WIDTH + 1.6, foreground="white"), patheffects.Normal()]
    outline_handles = []
    for o in outlines:
        line = dict(color=colors[o.id], linewidth=OUTLINE_WIDTH,
                    linestyle=style.STATUS_LINESTYLE.get(o.status, "-"))
        GeoSeries([geometry_of[o.id]], crs=gminy.crs).boundary.plot(ax=ax, **line)
        collection = ax.collections[-1]
        collection.set_gid(f"partnerstwo:{o.id}")
        collection.set_path_effects(halo)
        outline_handles.append(Line2D([], [], path_effects=halo, label=_legend_name(o), **line))
    for o in outlines:
        point = geometry_of[o.id].representative_point()
        label = ax.annotate(
            clip(one_line(o.id), ID_LABEL_CHARS), (point.x, point.y), ha="center", va="center", fontsize=9,
            fontweight="bold", color="black", annotation_clip=False, parse_math=False,
            bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": colors[o.id], "lw": 1.4})
        label.set_gid(f"etykieta:{o.id}")
    ax.set_aspect("equal")

    # Legend: exactly what was drawn, in sections.
    handles: list = []
    headers: list[int] = []

    def section(title: str, items: list) -> None:
        if items:
            headers.append(len(handles))
            handles.append(Patch(visible=False, label=title))
            handles.extend(items)

    section("Partnerstwa (obrys w kolorze partnerstwa)", outline_handles)
    statuses = [s for s in style.STATUS_LINESTYLE if any(o.status == s for o in outlines)]
    section("Status wg listy sprawdzającej (rodzaj linii)", [
        Line2D([], [], color="#222222", linewidth=OUTLINE_WIDTH, linestyle=style.STATUS_LINESTYLE[s],
               label=style.status_label(s)) for s in statuses])
    osi_items = [Patch(facecolor=style.OSI_COLORS[k], edgecolor="#999999", linewidth=0.5, label=style.OSI_LABELS[k])
                 for k in drawn_categories]
    section("Gminy – kategoria OSI (wypełnienie)", osi_items)
    other = []
    if overlaps:
        other.append(Patch(label="gminy w kilku partnerstwach", **overlap_style))
    if powiaty is not None:
        other.append(Line2D([], [], label="granice powiatów", **powiat_style))
    section("Inne", other)
    legend = legend_ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, 1.0), frameon=False,
                              fontsize=7.5, handlelength=2.6, borderaxespad=0.0, labelspacing=0.55,
                              alignment="left")
    for i, text in enumerate(legend.get_texts()):
        if i in headers:
            text.set_fontweight("bold")
            text.set_fontsize(8)
    legend.set_gid("legenda")

    if spec.title:
        fig.suptitle(clip(one_line(spec.title), 120), fontsize=12, fontweight="bold", parse_math=False)
    dates = _dates_line(spec)
    if dates:
        ax.set_title(textwrap.fill(dates, 72), loc="left", fontsize=7.5, color="#333333", parse_math=False)
    footer = [style.SOURCE_LINE] + ([style.ILLUSTRATIVE_NOTE] if spec.illustrative else [])
    # supxlabel: the layout engine makes room for it (a plain fig.text could overlap the legend).
    fig.supxlabel("\n".join(textwrap.fill(line, 125) for line in footer), x=0.01, ha="left", fontsize=6.5,
                  color="#444444", parse_math=False)
    if spec.illustrative:
        # Over the map, not the legend: the legend stays legible.
        mark = ax.text(0.5, 0.5, style.ILLUSTRATIVE_MARK, transform=ax.transAxes, fontsize=46, fontweight="bold",
                       color="#B00000", alpha=0.16, rotation=55, ha="center", va="center", zorder=20,
                       parse_math=False)
        mark.set_gid("watermark")
    return fig


def no_mathtext():
    """A matplotlib context in which no text is read as mathtext or TeX ("5$ i 10$" stays text)."""
    import matplotlib

    return matplotlib.rc_context({"text.parse_math": False, "text.usetex": False})


def static_map_png(spec: StaticMap, dpi: int = 200) -> bytes:
    """The map as PNG at `dpi` (the PNG records it). Raises ExportError with a Polish message."""
    if spec.layers is None:
        raise ExportError("Brak warstw granic gmin – mapy nie da się narysować. "
                          "Wskaż warstwy PRG (strona „Dane”).")
    try:
        with no_mathtext():
            fig = static_map_figure(spec)
            out = io.BytesIO()
            fig.savefig(out, format="png", dpi=max(int(dpi), 72), facecolor="white")
    except ExportError:
        raise
    except Exception as exc:  # the page shows the message instead of a silent button
        raise ExportError(
            "Nie udało się narysować mapy do druku. Spróbuj ponownie; jeśli błąd się powtarza, "
            f"zgłoś go administratorowi (szczegóły: {type(exc).__name__}: {exc})."
        ) from exc
    return out.getvalue()
