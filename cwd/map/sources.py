"""The map's inputs from the domain objects: register facts for the base asset, evaluated
partnerships and seat towns for the view (pure; `cwd.ui.mapview.view_from_state` wires them)."""
from __future__ import annotations

from collections.abc import Iterable

from cwd.fmt import fmt_date, fmt_int
from cwd.map.base import BaseTown
from cwd.map.view import MapPartnership, MapTown, MapView


def gmina_facts(register) -> dict[str, tuple[str, ...]]:
    """Static tooltip lines per gmina: its type and powiat, its population at the latest date."""
    dates = register.population_dates()
    when, column = max(dates.items()) if dates else (None, None)
    g = register.gminy
    out = {}
    for code, rodzaj, powiat in zip(g.index, g["rodzaj_opis"], g["powiat_teryt"]):
        lines = [f"{rodzaj} · {register.label(powiat)}"]
        if column is not None:
            value = g.at[code, column]
            lines.append(f"Ludność ({fmt_date(when)}): {fmt_int(value, unknown='brak danych')}")
        out[str(code)] = tuple(lines)
    return out


def seat_towns(register) -> tuple[BaseTown, ...]:
    return tuple(BaseTown(str(t), str(m)) for m, t in zip(register.miasta["miasto"], register.miasta["teryt_gminy"]))


def mstfsg_towns(register) -> tuple[BaseTown, ...]:
    return tuple(BaseTown(str(t), str(m)) for m, t in zip(register.mstfsg["miasto"], register.mstfsg["teryt_gminy"]))


def map_partnerships(results: Iterable) -> list[MapPartnership]:
    """`cwd.evaluation.PartnershipResult`s → what the map outlines."""
    return [MapPartnership(r.id, r.partnership.nazwa, r.checklist.status, tuple(r.gminy)) for r in results]


def map_towns(towns: Iterable) -> list[MapTown]:
    """`cwd.osi.SeatTown`s (OsiContext.towns) → the towns layer under the current settings."""
    return [MapTown(t.teryt_gminy, t.male, t.ludnosc, t.ludnosc_data) for t in towns]


def map_view(
    statuses,
    visible_gminas,
    results: Iterable,
    all_ids: Iterable[str],
    towns: Iterable | None,
    threshold: int | None,
    **options,
) -> MapView:
    """The view of an evaluation: gminas by OSI category (`statuses`: TERYT → cwd.osi.GminaOsi),
    those passing the filter, the shown partnerships (`results`), colours by every id of the call,
    seat towns (`OsiContext.towns`, None: layer off). `options`: MapView's selected, gmina,
    show_mstfsg, show_overlaps, basemap, large."""
    return MapView(
        categories={t: g.kategoria for t, g in statuses.items()},
        reasons={t: g.opis for t, g in statuses.items()},
        visible=visible_gminas,
        partnerships=map_partnerships(results),
        all_ids=list(all_ids),
        towns=None if towns is None else map_towns(towns),
        threshold=threshold,
        **options,
    )
