"""One home for every visual fact: colours, labels, line styles and symbols (no Streamlit).

The web map, the print map, the PDF, the charts and the widgets all read this module, so a
partnership, a status or an OSI category looks the same everywhere. Keys are the domain's codes:
OSI category codes of `cwd.osi`, status codes of `cwd.checklist`, partnership ids of the whole call.

Every palette is checked by tests/test_style.py under simulated deuteranopia and protanopia
(CAM02-UCS ΔE between any two colours, see MIN_CVD_DELTA_E); status and partnership identity never
rest on colour alone (line pattern, symbol and the id label carry them too).
"""
from __future__ import annotations

from collections.abc import Iterable

from cwd.checklist import NIE_SPELNIA, NIEKOMPLETNA, SPELNIA, STATUSES
from cwd.osi import CATEGORIES, KAT_MALE_MIASTO, KAT_NIEZNANY, KAT_OBA, KAT_POZA, KAT_ZTM

# Smallest CAM02-UCS colour difference between any two colours of a palette, in normal vision and
# under full deuteranopia/protanopia (colorspacious). About 10 is "clearly different side by side";
# 12 leaves room for thin lines and projectors.
MIN_CVD_DELTA_E = 12.0

# --- OSI category of a gmina (map fill) ---------------------------------------------------------
OSI_CATEGORIES = CATEGORIES
# Light fills, so that partnership outlines and labels drawn over them stay legible.
OSI_COLORS = {
    KAT_ZTM: "#F2B35E",  # orange
    KAT_MALE_MIASTO: "#9DCBEB",  # sky blue
    KAT_OBA: "#7CC4A3",  # bluish green
    KAT_POZA: "#DDDDDD",  # light grey
    KAT_NIEZNANY: "#FFF4B0",  # pale yellow: look again once the ZTM list is loaded
}
OSI_LABELS = {  # legend
    KAT_ZTM: "OSI ZTM – obszar zagrożony trwałą marginalizacją",
    KAT_MALE_MIASTO: "obszar funkcjonalny małego miasta powiatowego",
    KAT_OBA: "OSI ZTM i obszar małego miasta",
    KAT_POZA: "poza OSI",
    KAT_NIEZNANY: "nieustalone – brak listy OSI ZTM",
}
OSI_SHORT = {  # tooltips, table cells
    KAT_ZTM: "ZTM",
    KAT_MALE_MIASTO: "obszar małego miasta",
    KAT_OBA: "ZTM i obszar małego miasta",
    KAT_POZA: "poza OSI",
    KAT_NIEZNANY: "nieustalone",
}
FILL_OPACITY = 0.85
HIDDEN_FILL = "#FFFFFF"  # gminas outside the sidebar filter: the voivodeship keeps its shape
HIDDEN_LINE = "#C4C4C4"
GMINA_LINE = "#FFFFFF"
POWIAT_LINE = "#333333"

# --- checklist status of a partnership ----------------------------------------------------------
STATUS_COLORS = {SPELNIA: "#117733", NIEKOMPLETNA: "#E69F00", NIE_SPELNIA: "#AA3377"}
# Streamlit's coloured badges (names, not hex): the closest of its fixed set.
STATUS_BADGE = {SPELNIA: "green", NIEKOMPLETNA: "orange", NIE_SPELNIA: "red"}
# Text symbols (DejaVu and system fonts have them; no emoji font needed for screenshots).
STATUS_SYMBOLS = {SPELNIA: "✓", NIEKOMPLETNA: "?", NIE_SPELNIA: "✗"}


def status_label(status: str) -> str:
    """A status as buttons and lists show it: its symbol, then its name ("✓ spełnia")."""
    return f"{STATUS_SYMBOLS[status]} {status}"


# SVG/Leaflet dash arrays of a partnership's outline, and the matplotlib equivalents: the status
# reads without colour (solid = spełnia, dashed = niekompletna, dotted = nie spełnia).
STATUS_DASH = {SPELNIA: None, NIEKOMPLETNA: "10 6", NIE_SPELNIA: "2 6"}
STATUS_LINESTYLE = {SPELNIA: "-", NIEKOMPLETNA: (0, (5, 3)), NIE_SPELNIA: (0, (1, 3))}
STATUS_PLURAL = {  # "2 spełnia · 7 niekompletnych · 1 nie spełnia" – see cwd.fmt.plural
    SPELNIA: ("spełnia", "spełniają", "spełnia"),
    NIEKOMPLETNA: ("niekompletna", "niekompletne", "niekompletnych"),
    NIE_SPELNIA: ("nie spełnia", "nie spełniają", "nie spełnia"),
}
assert set(STATUS_COLORS) == set(STATUSES)

# --- checklist values (cells of the criteria matrix) --------------------------------------------
VALUE_COLORS = {1: "#D8F0DC", 0: "#F9D6D5", None: "#ECECEC"}
VALUE_SHORT = {1: "1", 0: "0", None: "brak"}
VALUE_LABELS = {1: "1 – tak", 0: "0 – nie", None: "— brak"}

# --- partnerships ---------------------------------------------------------------------------------
# Ten colours chosen for the largest smallest ΔE under normal, deuteranopic and protanopic vision
# (≈ 14.8) among Okabe–Ito and Paul Tol's qualitative colours; beyond ten they repeat, and every
# partnership also carries its id label on the map and in print.
PARTNERSHIP_PALETTE = (
    "#332288",  # indigo
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#882255",  # wine
    "#56B4E9",  # sky blue
    "#E69F00",  # orange
    "#AA4499",  # purple
    "#661100",  # brown
    "#CC79A7",  # pink
    "#000000",  # black
)
OVERLAP_COLOR = "#D00000"  # gminas claimed by two or more partnerships (with a hatch, not colour alone)


def partnership_colors(all_ids: Iterable[str]) -> dict[str, str]:
    """Colour of every partnership of the call, by sorted id: give it *all* ids of the call, never
    the filtered ones, so a filter never recolours a partnership."""
    ordered = sorted(dict.fromkeys(map(str, all_ids)))
    return {pid: PARTNERSHIP_PALETTE[i % len(PARTNERSHIP_PALETTE)] for i, pid in enumerate(ordered)}


# --- towns ----------------------------------------------------------------------------------------
# What is drawn is what the legend shows: filled dark dot = small town (≤ threshold),
# hollow dark ring = seat town above the threshold, dashed purple ring = MSTFSG (context).
TOWN_COLOR = "#222222"
TOWN_SMALL = {"radius": 5, "color": "#FFFFFF", "weight": 1.5, "fillColor": TOWN_COLOR, "fillOpacity": 1.0}
TOWN_LARGE = {"radius": 5, "color": TOWN_COLOR, "weight": 2.0, "fillColor": "#FFFFFF", "fillOpacity": 1.0}
MSTFSG_COLOR = "#7B3294"
MSTFSG = {"radius": 9, "color": MSTFSG_COLOR, "weight": 2.5, "dashArray": "3 3", "fill": False}

# --- text -----------------------------------------------------------------------------------------
SOURCE_LINE = "Źródło: granice – GUGiK PRG; ludność – GUS; partnerstwa – formularze informacyjne"
ILLUSTRATIVE_MARK = "ILUSTRACYJNE"  # watermark on anything built from the example forms
ILLUSTRATIVE_NOTE = ("Wartości kryteriów pochodzą z przykładowych formularzy i są ilustracyjne – "
                     "rzeczywiste oceny 0/1 partnerstw nie są publiczne.")
FONT_FAMILY = "Source Sans Pro, DejaVu Sans, Arial, sans-serif"

# --- web map (cwd.map) ----------------------------------------------------------------------------
# Line weights in CSS pixels. The legend beside the map draws its swatches from these same values
# (cwd.map.styles), so a swatch is exactly what the map draws.
MAP_BACKGROUND = "#F4F4F1"  # behind the gminas when there is no basemap
GMINA_LINE_WEIGHT = 0.8
HIDDEN_LINE_WEIGHT = 0.6
POWIAT_LINE_WEIGHT = 1.6
POWIAT_LINE_OPACITY = 0.9
HOVER_LINE_WEIGHT = 2.0  # a gmina's border under the mouse (in SELECTED_GMINA_LINE)
OUTLINE_WEIGHT = 3.0  # a partnership's outline: its colour, its status's dash (STATUS_DASH)
OUTLINE_SELECTED_WEIGHT = 5.0
OUTLINE_CASING = "#FFFFFF"  # a light band under every outline keeps it legible over any fill
OUTLINE_CASING_EXTRA = 3.0  # the band is this much wider than the outline
OUTLINE_CASING_OPACITY = 0.85
STATUS_KEY_COLOR = "#333333"  # the legend's key of line patterns (each partnership has its own colour)
SELECTED_GMINA_LINE = "#000000"
SELECTED_GMINA_WEIGHT = 3.0
OVERLAP_HATCH = {"spacing": 6.0, "weight": 1.5, "angle": 45.0}  # diagonal lines in OVERLAP_COLOR
OVERLAP_DASH = "5 4"  # dashed outline of a gmina claimed by several partnerships
OVERLAP_LINE_WEIGHT = 1.5
TOWN_UNKNOWN = {**TOWN_LARGE, "dashArray": "2 2"}  # a seat town with no population figure at the date
