"""What the web map draws with, as plain data: Leaflet path options built from `cwd.style`, and the
Polish texts of the map's own controls and tooltips.

One dict (`DRAW_STYLES`) goes to the browser, where cwd-map.js draws with it, and to the legend,
which draws its swatches from it: the legend cannot disagree with the map.
"""
from __future__ import annotations

from cwd import style
from cwd.checklist import STATUSES

# Order of the category codes in an update (one character per gmina: its index here).
CATEGORIES = tuple(style.OSI_CATEGORIES)
UNKNOWN_CATEGORY = CATEGORIES.index("nieznany")


def _path(color, weight, *, fill_color=None, fill_opacity=None, dash=None, opacity=1.0, line_cap=None) -> dict:
    out = {"color": color, "weight": float(weight), "opacity": float(opacity)}
    if fill_color is None:
        out["fill"] = False
    else:
        out.update(fill=True, fillColor=fill_color, fillOpacity=float(fill_opacity))
    if dash:
        out["dashArray"] = dash
    if line_cap:
        out["lineCap"] = line_cap
    return out


def _draw_styles() -> dict:
    outline = {
        # Butt caps: the dash pattern reads as written (round caps would close the gaps of "10 6").
        s: _path(style.STATUS_KEY_COLOR, style.OUTLINE_WEIGHT, dash=style.STATUS_DASH[s], line_cap="butt")
        for s in STATUSES
    }
    return {
        "background": style.MAP_BACKGROUND,
        "gmina": [
            _path(style.GMINA_LINE, style.GMINA_LINE_WEIGHT, fill_color=style.OSI_COLORS[c],
                  fill_opacity=style.FILL_OPACITY)
            for c in CATEGORIES
        ],
        "hidden": _path(style.HIDDEN_LINE, style.HIDDEN_LINE_WEIGHT, fill_color=style.HIDDEN_FILL,
                        fill_opacity=style.FILL_OPACITY),
        "powiat": _path(style.POWIAT_LINE, style.POWIAT_LINE_WEIGHT, opacity=style.POWIAT_LINE_OPACITY),
        # The outline's colour is the partnership's (style.partnership_colors); "#000000" is a placeholder.
        "outline": [outline[s] for s in STATUSES],
        "outlineSelectedWeight": float(style.OUTLINE_SELECTED_WEIGHT),
        "casing": _path(style.OUTLINE_CASING, style.OUTLINE_WEIGHT + style.OUTLINE_CASING_EXTRA,
                        opacity=style.OUTLINE_CASING_OPACITY),
        "casingExtra": float(style.OUTLINE_CASING_EXTRA),
        "selectedGmina": _path(style.SELECTED_GMINA_LINE, style.SELECTED_GMINA_WEIGHT),
        # under the mouse: the gmina's fill stays, its border darkens (not in the legend)
        "hover": {"color": style.SELECTED_GMINA_LINE, "weight": float(style.HOVER_LINE_WEIGHT)},
        "overlap": _path(style.OVERLAP_COLOR, style.OVERLAP_LINE_WEIGHT, dash=style.OVERLAP_DASH),
        "statusKey": style.STATUS_KEY_COLOR,
        "hatch": {"color": style.OVERLAP_COLOR, **{k: float(v) for k, v in style.OVERLAP_HATCH.items()}},
        "townSmall": dict(style.TOWN_SMALL),
        "townLarge": dict(style.TOWN_LARGE),
        "townUnknown": dict(style.TOWN_UNKNOWN),
        "mstfsg": dict(style.MSTFSG),
    }


DRAW_STYLES = _draw_styles()


def outline_style(status_index: int, color: str, *, selected: bool = False) -> dict:
    """The outline of one partnership as drawn (the JS applies the same three overrides)."""
    out = dict(DRAW_STYLES["outline"][status_index], color=color)
    if selected:
        out["weight"] = DRAW_STYLES["outlineSelectedWeight"]
    return out


# Polish texts the browser shows (the JS has none of its own). Tooltips are built with textContent.
TEXT = {
    "region": "Mapa gmin: kategorie OSI i obszary partnerstw",
    "roledescription": "mapa",
    "fullscreen": "Pełny ekran",
    "zoomIn": "Przybliż",
    "zoomOut": "Oddal",
    "attribution": "Granice: GUGiK PRG",
    "osmAttribution": "© autorzy OpenStreetMap",
    "noBase": "Nie udało się wczytać granic mapy. Odśwież stronę.",
    "teryt": "TERYT",
    "osi": "OSI",
    "partnerships": "Partnerstwa",
    "partnership": "Partnerstwo",
    "status": "Status",
    "mstfsg": "miasto średnie tracące funkcje społeczno-gospodarcze (MSTFSG, kontekst)",
    "categories": [style.OSI_SHORT[c] for c in CATEGORIES],
    "statuses": list(STATUSES),
    "symbols": [style.STATUS_SYMBOLS[s] for s in STATUSES],
}
