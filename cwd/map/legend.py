"""The legend beside the map: HTML with inline SVG swatches, listing only what the map shows (pure).

Every swatch is drawn from `cwd.map.styles.DRAW_STYLES`, the dict the browser draws the map with,
over the map's own background colour: a swatch is what is drawn. Text is HTML-escaped here; the page
renders the string as HTML (e.g. `st.html`). Swatches are SVG images (data URIs), drawn without
`<pattern>`/`url(#…)`: the hatch is lines clipped by the swatch's own frame.
"""
from __future__ import annotations

import html
import math
from urllib.parse import quote
from functools import lru_cache

from cwd import style
from cwd.fmt import PARTNERSTWA, count, fmt_int
from cwd.limits import MAX_MAP_PARTNERSHIPS
from cwd.map.builder import LEGEND_CSS, STATIC_DIR
from cwd.map.styles import CATEGORIES, DRAW_STYLES
from cwd.map.view import Update

W, H = 30, 16  # swatch size in CSS pixels

HEADINGS = {
    "title": "Legenda",
    "osi": "Kategoria OSI gminy",
    "partnerships": "Partnerstwa (obrys: kolor partnerstwa, linia: status)",
    "status": "Linia obrysu = status listy sprawdzającej",
    "towns": "Miasta",
    "other": "Pozostałe",
}
LABELS = {
    "hidden": "gmina poza filtrem",
    "powiat": "granica powiatu",
    "overlap": "gmina w kilku partnerstwach",
    "selected_gmina": "zaznaczona gmina",
    "town_small": "małe miasto powiatowe (do progu ludności)",
    "town_large": "miasto powiatowe powyżej progu",
    "town_unknown": "miasto powiatowe – brak danych o ludności",
    "mstfsg": "miasto średnie tracące funkcje (MSTFSG, kontekst)",
    "basemap": "podkład: © autorzy OpenStreetMap (wymaga internetu)",
    "selected": "zaznaczone",
}


def _n(value: float) -> str:
    return f"{value:g}"


def _attrs(**attrs) -> str:
    return " ".join(f'{k.replace("_", "-")}="{html.escape(str(v))}"' for k, v in attrs.items() if v is not None)


def _svg(body: str, width: int = W, height: int = H) -> str:
    """The swatch as an image (an SVG data URI): HTML sanitisers such as st.html's drop inline
    <svg>, but keep <img> with a data: URI."""
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}">{body}</svg>')
    return (f'<img class="cwd-swatch" width="{width}" height="{height}" alt="" '
            f'src="data:image/svg+xml,{quote(svg, safe=" =:/,.-()")}"/>')


def _background(width: int = W, height: int = H) -> str:
    return f'<rect {_attrs(x=0, y=0, width=width, height=height, fill=DRAW_STYLES["background"])}/>'


def fill_swatch(path: dict) -> str:
    """A polygon style (fill and border) as a swatch."""
    w = path["weight"]
    rect = _attrs(x=_n(w / 2 + 1), y=_n(w / 2 + 1), width=_n(W - w - 2), height=_n(H - w - 2),
                  fill=path["fillColor"] if path.get("fill", True) else "none",
                  fill_opacity=_n(path["fillOpacity"]) if path.get("fill", True) else None,
                  stroke=path["color"], stroke_width=_n(w), stroke_opacity=_n(path.get("opacity", 1.0)),
                  stroke_dasharray=path.get("dashArray"))
    return _svg(_background() + f"<rect {rect}/>")


def line_swatch(path: dict, casing: dict | None = None) -> str:
    """A line style (with the light band drawn under outlines) as a swatch."""
    y = H / 2
    out = _background()
    for p in ([casing] if casing else []) + [path]:
        out += "<line " + _attrs(x1=2, y1=_n(y), x2=W - 2, y2=_n(y), stroke=p["color"], stroke_width=_n(p["weight"]),
                                 stroke_opacity=_n(p.get("opacity", 1.0)), stroke_dasharray=p.get("dashArray"),
                                 stroke_linecap=p.get("lineCap", "round")) + "/>"
    return _svg(out)


def circle_swatch(marker: dict) -> str:
    """A circle marker style (radius, border, fill) as a swatch."""
    r, w = marker["radius"], marker["weight"]
    size = int(math.ceil(2 * r + w + 2))
    c = size / 2
    fill = marker.get("fill", True)
    body = "<circle " + _attrs(cx=_n(c), cy=_n(c), r=_n(r), stroke=marker["color"], stroke_width=_n(w),
                               fill=marker["fillColor"] if fill else "none",
                               fill_opacity=_n(marker.get("fillOpacity", 1.0)) if fill else None,
                               stroke_dasharray=marker.get("dashArray")) + "/>"
    return _svg(_background(size, size) + body, size, size)


def hatch_swatch(hatch: dict, outline: dict) -> str:
    """The overlap hatch (diagonal lines as in the map's SVG pattern) with its dashed border."""
    s, a = hatch["spacing"], hatch["angle"]
    lines = "".join(
        "<line " + _attrs(x1=_n(x), y1=-W, x2=_n(x), y2=2 * W, stroke=hatch["color"], stroke_width=_n(hatch["weight"])) + "/>"
        for x in [s / 2 + k * s for k in range(-8, 9)]
    )
    border = _attrs(x=_n(outline["weight"] / 2 + 1), y=_n(outline["weight"] / 2 + 1),
                    width=_n(W - outline["weight"] - 2), height=_n(H - outline["weight"] - 2), fill="none",
                    stroke=outline["color"], stroke_width=_n(outline["weight"]), stroke_dasharray=outline.get("dashArray"))
    # The pattern rotates about the SVG origin, as on the map.
    return _svg(_background() + f'<g transform="rotate({_n(a)})">{lines}</g><rect {border}/>')


@lru_cache(maxsize=1)
def legend_css() -> str:
    return (STATIC_DIR / LEGEND_CSS).read_text(encoding="utf-8")


def _row(swatch: str, text: str, extra_class: str = "") -> str:
    cls = "cwd-legend-row" + (f" {extra_class}" if extra_class else "")
    return f'<div class="{cls}">{swatch}<span>{text}</span></div>'


def _section(heading: str, rows: list[str]) -> str:
    if not rows:
        return ""
    return (f'<div class="cwd-legend-section"><div class="cwd-legend-head">{html.escape(heading)}</div>'
            + "".join(rows) + "</div>")


def legend_html(update: Update, *, gmina_selected: bool | None = None, with_css: bool = True,
                large: bool | None = None) -> str:
    """The legend of exactly what `update` draws. Safe HTML (every text escaped)."""
    esc = html.escape
    st = DRAW_STYLES
    osi = [_row(fill_swatch(st["gmina"][CATEGORIES.index(c)]), esc(style.OSI_LABELS[c])) for c in update.categories]
    if update.hidden:
        osi.append(_row(fill_swatch(st["hidden"]), esc(LABELS["hidden"])))

    parts = []
    for p in update.partnerships:
        status_index = list(style.STATUS_SYMBOLS).index(p.status)
        line = dict(st["outline"][status_index], color=p.color)
        casing = dict(st["casing"], weight=line["weight"] + st["casingExtra"])
        text = f'<b>{esc(p.id)}</b> {esc(style.STATUS_SYMBOLS[p.status])} {esc(p.nazwa)}'
        if p.selected:
            text += f' <em>({esc(LABELS["selected"])})</em>'
        parts.append(_row(line_swatch(line, casing), text, "cwd-legend-sel" if p.selected else ""))
    notes = []
    if update.omitted:
        notes.append(f"Bez obrysu (mapa rysuje najwyżej {fmt_int(MAX_MAP_PARTNERSHIPS)}): "
                     f"{count(update.omitted, PARTNERSTWA)}")
    if update.empty:
        notes.append(f"Bez gmin na tej mapie: {count(update.empty, PARTNERSTWA)}")
    parts += [f'<div class="cwd-legend-note">{esc(n)}</div>' for n in notes]

    statuses = []
    for s in update.statuses:
        i = list(style.STATUS_SYMBOLS).index(s)
        statuses.append(_row(line_swatch(dict(st["outline"][i], color=st["statusKey"])),
                             esc(style.status_label(s))))

    towns = []
    if update.small_towns:
        towns.append(_row(circle_swatch(st["townSmall"]), esc(LABELS["town_small"])))
    if update.large_towns:
        towns.append(_row(circle_swatch(st["townLarge"]), esc(LABELS["town_large"])))
    if update.unknown_towns:
        towns.append(_row(circle_swatch(st["townUnknown"]), esc(LABELS["town_unknown"])))
    if update.mstfsg:
        towns.append(_row(circle_swatch(st["mstfsg"]), esc(LABELS["mstfsg"])))

    other = [_row(line_swatch(st["powiat"]), esc(LABELS["powiat"]))]
    if update.overlaps:
        other.append(_row(hatch_swatch(st["hatch"], st["overlap"]), esc(LABELS["overlap"])))
    selected = update.gmina_selected if gmina_selected is None else gmina_selected
    if selected:
        other.append(_row(fill_swatch(dict(st["selectedGmina"], fill=False)), esc(LABELS["selected_gmina"])))
    if update.basemap:
        other.append(f'<div class="cwd-legend-note">{esc(LABELS["basemap"])}</div>')

    big = update.large if large is None else large
    body = (
        f'<div class="cwd-legend{" cwd-legend-big" if big else ""}" role="group" aria-label="{esc(HEADINGS["title"])}">'
        f'<div class="cwd-legend-title">{esc(HEADINGS["title"])}</div>'
        + _section(HEADINGS["osi"], osi)
        + _section(HEADINGS["partnerships"], parts)
        + _section(HEADINGS["status"], statuses)
        + _section(HEADINGS["towns"], towns)
        + _section(HEADINGS["other"], other)
        + "</div>"
    )
    return (f"<style>{legend_css()}</style>" if with_css else "") + body
