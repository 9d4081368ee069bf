"""What the map shows in one rerun (`MapView`) → the small update the browser applies in place (pure).

The update names gminas by their position in the base asset, so it carries no geometry: one
character per gmina (its OSI category, or "." when the sidebar filter hides it), the partnerships
as lists of gmina positions (the browser builds their outlines from the shared arcs), a label
point per partnership, and which optional layers are on. Everything shown as text travels as
plain strings and is inserted with textContent in the browser.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from cwd import style
from cwd.checklist import STATUSES
from cwd.fmt import fmt_date, fmt_int
from cwd.limits import MAX_MAP_PARTNERSHIPS
from cwd.map.base import Base
from cwd.map.styles import CATEGORIES, UNKNOWN_CATEGORY

HIDDEN = "."  # category character of a gmina outside the sidebar filter
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"  # the only non-local URL, opt-in


@dataclass(frozen=True)
class MapPartnership:
    """A partnership to outline: its id, name, checklist status and the TERYT codes of its gminas."""

    id: str
    nazwa: str
    status: str  # cwd.checklist SPELNIA / NIEKOMPLETNA / NIE_SPELNIA
    gminy: tuple[str, ...]


@dataclass(frozen=True)
class MapTown:
    """A powiat seat town as the small-town route sees it under the current settings."""

    teryt_gminy: str
    male: bool | None  # None: no population figure at the reference date
    ludnosc: int | None = None
    ludnosc_data: date | None = None


@dataclass(frozen=True)
class MapView:
    """Everything that may change between reruns. Codes are TERYT; unknown codes are ignored."""

    categories: Mapping[str, str]  # gmina → cwd.osi KAT_* code (missing: unknown)
    visible: Iterable[str] | None = None  # gminas passing the sidebar filter; None: all
    reasons: Mapping[str, str] = field(default_factory=dict)  # gmina → Polish OSI reason (tooltip)
    partnerships: Sequence[MapPartnership] = ()  # to outline, in this order (≤ MAX_MAP_PARTNERSHIPS drawn)
    all_ids: Sequence[str] | None = None  # every partnership id of the call (stable colours); None: the drawn
    selected: str | None = None  # partnership id highlighted (and zoomed to when it changes)
    gmina: str | None = None  # gmina highlighted (clicked or picked from the list)
    towns: Sequence[MapTown] | None = None  # seat towns; None: the towns layer is off
    threshold: int | None = None  # small-town threshold (town tooltip)
    show_mstfsg: bool = False
    show_overlaps: bool = True
    basemap: bool = False
    large: bool = False  # presentation mode: larger labels


@dataclass(frozen=True)
class LegendEntry:
    id: str
    nazwa: str
    status: str
    color: str
    selected: bool


@dataclass(frozen=True)
class Update:
    """One rerun's update: `json` goes to the browser; the rest tells the page and the legend
    what is drawn."""

    json: str
    categories: tuple[str, ...]  # OSI categories among the shown gminas (style.OSI_CATEGORIES order)
    hidden: int  # gminas drawn as outside the filter
    partnerships: tuple[LegendEntry, ...]  # outlined, in drawing order
    omitted: int  # partnerships not outlined because of MAX_MAP_PARTNERSHIPS
    empty: int  # partnerships with none of their gminas on this map (not outlined)
    overlaps: int  # gminas hatched as claimed by several outlined partnerships
    small_towns: bool
    large_towns: bool
    unknown_towns: bool
    mstfsg: bool
    gmina_selected: bool
    basemap: bool
    large: bool

    @property
    def statuses(self) -> tuple[str, ...]:
        present = {p.status for p in self.partnerships}
        return tuple(s for s in STATUSES if s in present)

    @property
    def payload(self) -> dict:
        return json.loads(self.json)


def script_json(value) -> str:
    """Compact JSON that is also safe as a JavaScript literal anywhere in a script: no '<', '>',
    '&' (HTML parsers), no U+2028/2029 (old JS parsers), and no '_' — streamlit-folium renames
    `_xxx` words in the scripts it forwards, and a name from a form must never be rewritten."""
    return (
        json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("_", "\\u005f")
    )


def _town_text(t: MapTown, threshold: int | None) -> str:
    if t.ludnosc is None:
        return "brak danych o ludności na dzień odniesienia"
    when = f" ({fmt_date(t.ludnosc_data)})" if t.ludnosc_data else ""
    text = f"{fmt_int(t.ludnosc)} mieszk.{when}"
    if t.male is True:
        limit = f" (≤ {fmt_int(threshold)})" if threshold is not None else ""
        return f"{text} – małe miasto powiatowe{limit}"
    if t.male is False:
        limit = f" (> {fmt_int(threshold)})" if threshold is not None else ""
        return f"{text} – powyżej progu małego miasta{limit}"
    return text


def build_update(base: Base, view: MapView) -> Update:
    """The update of this rerun (cheap: a pass over the gminas, cached label points)."""
    index = base.index
    visible = None if view.visible is None else {str(c) for c in view.visible}

    cat_index = {c: i for i, c in enumerate(CATEGORIES)}
    chars = []
    present: set[int] = set()
    hidden = 0
    reason_ids: list[int] = []
    reason_table: dict[str, int] = {}
    for code in base.codes:
        if visible is not None and code not in visible:
            chars.append(HIDDEN)
            hidden += 1
            reason_ids.append(-1)
            continue
        k = cat_index.get(view.categories.get(code), UNKNOWN_CATEGORY)
        chars.append(str(k))
        present.add(k)
        reason = view.reasons.get(code)
        if reason:
            reason_ids.append(reason_table.setdefault(str(reason), len(reason_table)))
        else:
            reason_ids.append(-1)

    # Partnerships: colours from every id of the call, so a filter never recolours one.
    all_ids = [p.id for p in view.partnerships] if view.all_ids is None else list(view.all_ids)
    colors = style.partnership_colors([*all_ids, *(p.id for p in view.partnerships)])
    shown = list(view.partnerships[:MAX_MAP_PARTNERSHIPS])
    if view.selected is not None and all(p.id != view.selected for p in shown):
        chosen = next((p for p in view.partnerships if p.id == view.selected), None)
        if chosen is not None:  # the selected one is always drawn
            shown = [*shown[:MAX_MAP_PARTNERSHIPS - 1], chosen]
    omitted = len(view.partnerships) - len(shown)

    drawn, entries, empty = [], [], 0
    claims: Counter[int] = Counter()
    for p in shown:
        if p.status not in STATUSES:
            raise ValueError(f"unknown status {p.status!r} of partnership {p.id!r}")
        members = sorted({index[c] for c in map(str, p.gminy) if c in index})
        color = colors[str(p.id)]
        if not _COLOR.match(color):  # goes into a style attribute in the browser
            raise ValueError(f"not a #RRGGBB colour: {color!r}")
        selected = p.id == view.selected
        if not members:  # none of its gminas is on this map
            empty += 1
            continue
        entries.append(LegendEntry(str(p.id), str(p.nazwa), p.status, color, selected))
        claims.update(members)
        drawn.append({
            "id": str(p.id), "n": str(p.nazwa), "s": STATUSES.index(p.status), "c": color,
            "m": members, "pt": base.area_label_point(members), **({"sel": 1} if selected else {}),
        })
    overlaps = sorted(i for i, k in claims.items() if k >= 2) if view.show_overlaps else []

    towns, small, large, unknown = [], False, False, False
    if view.towns is not None:
        for t in view.towns:
            i = base.town_index.get(str(t.teryt_gminy))
            if i is None or chars[index[base.towns[i].teryt_gminy]] == HIDDEN:
                continue
            kind = 0 if t.male is True else 1 if t.male is False else 2
            small |= kind == 0
            large |= kind == 1
            unknown |= kind == 2
            towns.append([i, kind, _town_text(t, view.threshold)])
    mstfsg = [i for i, t in enumerate(base.mstfsg) if chars[index[t.teryt_gminy]] != HIDDEN] if view.show_mstfsg else []

    gmina = index.get(str(view.gmina)) if view.gmina is not None else None
    payload = {
        "c": "".join(chars),
        "ri": reason_ids,
        "rt": list(reason_table),
        "p": drawn,
        "ov": overlaps,
        "tw": towns if view.towns is not None else None,
        "ms": mstfsg,
        "g": gmina,
        "sel": str(view.selected) if view.selected is not None and any(d["id"] == str(view.selected) for d in drawn) else None,
        "osm": OSM_TILES if view.basemap else None,
        "big": 1 if view.large else 0,
    }
    return Update(
        json=script_json(payload),
        categories=tuple(CATEGORIES[k] for k in sorted(present)),
        hidden=hidden,
        partnerships=tuple(entries),
        omitted=omitted,
        empty=empty,
        overlaps=len(overlaps),
        small_towns=small,
        large_towns=large,
        unknown_towns=unknown,
        mstfsg=bool(mstfsg),
        gmina_selected=gmina is not None,
        basemap=view.basemap,
        large=view.large,
    )
