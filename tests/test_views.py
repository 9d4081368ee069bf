"""Pure pieces behind the pages: filters, map tables, indicators, Polish formats (charts: test_charts.py)."""
from datetime import date, datetime, timezone

import pytest

from cwd.evaluation import evaluate_all, results_frame
from cwd.filters import Filters, parse_list, visible_gminas, visible_partnerships
from cwd.fmt import fmt_date, fmt_datetime, fmt_int, fmt_pct
from cwd.forms import read_forms_path
from cwd.osi import build_context, gmina_statuses
from cwd.paths import DATA_DIR
from cwd.settings import OsiSettings


@pytest.fixture(scope="module")
def example(register, adjacency):
    ctx = build_context(register, OsiSettings(), adjacency, None)
    forms = read_forms_path(DATA_DIR / "formularze_przyklad.csv", register)
    results = evaluate_all(forms.partnerships, register, ctx)
    return ctx, results, gmina_statuses(register, ctx)


def shared(results, pid, other):
    """Gminas both partnerships claim (cwd.pipeline.Evaluation.shared_gminas without the pipeline)."""
    areas = {r.id: set(r.gminy) for r in results}
    return tuple(g for g in next(r for r in results if r.id == pid).gminy if g in areas[other])


def ids(results):
    return [r.id for r in results]


def test_status_filter(example):
    _ctx, results, _ = example
    assert ids(visible_partnerships(results, Filters(statusy=("nie spełnia",)))) == ["P06"]
    assert ids(visible_partnerships(results, Filters())) == ids(results)


def test_route_filter(example):
    _ctx, results, _ = example
    small = ids(visible_partnerships(results, Filters(trasa="male_miasto")))
    assert small == ["P01", "P02", "P07"]
    assert ids(visible_partnerships(results, Filters(trasa="ztm"))) == []  # no list loaded
    assert set(ids(visible_partnerships(results, Filters(trasa="nieustalone")))) == set(ids(results)) - set(small)


def test_powiat_filter_keeps_partnerships_touching_the_powiat(example, register):
    _ctx, results, statuses = example
    kept = ids(visible_partnerships(results, Filters(powiaty=("2007",))))  # łomżyński
    assert set(kept) == {"P02", "P06", "P09"}  # Jedwabne is in P02; P06 and P09 lie in the powiat
    gminas = visible_gminas(register, statuses, Filters(powiaty=("2007",)))
    assert gminas == set(register.gminy_powiatu("2007"))


def test_gmina_route_filter(example, register):
    _ctx, _results, statuses = example
    unknown = visible_gminas(register, statuses, Filters(trasa="nieustalone"))
    small = visible_gminas(register, statuses, Filters(trasa="male_miasto"))
    assert unknown and small and not unknown & small
    assert unknown | small == set(register.gminy.index)  # no list: every gmina is one or the other


def test_parse_list_keeps_only_known_values():
    assert parse_list("2006, 9999,2001", ["2001", "2006"]) == ("2001", "2006")
    assert parse_list("", ["a"]) == () and parse_list(None, ["a"]) == ()


def test_overlaps_and_population(example, register):
    _ctx, results, _ = example
    by_id = {r.id: r for r in results}
    assert "P06" in by_id["P02"].wspolne_z and shared(results, "P02", "P06") == ("2007013",)
    p01 = by_id["P01"]
    expected = sum(int(register.gminy.loc[g, "ludnosc_2023_12_31"]) for g in register.gminy_powiatu("2013"))
    assert p01.ludnosc == expected == 53_406
    frame = results_frame(results, register)
    assert frame.set_index("id").loc["P02", "wspolne_z"].count("(przykład)") == 2


def test_map_inputs_from_the_evaluation(example, register):
    """What the map is given (cwd.map.sources): gminas claimed by several partnerships, the towns
    with the population figure used under the settings."""
    from cwd.evaluation import claims_index
    from cwd.map.sources import map_towns

    ctx, results, statuses = example
    claims = claims_index({r.id: r.gminy for r in results})
    assert len(statuses) == 118 and len(claims["2007013"]) == 2
    assert "P02" in claims["2007013"]
    towns = {register.miasta.set_index("teryt_gminy").loc[t.teryt_gminy, "miasto"]: t for t in map_towns(ctx.towns)}
    assert towns["Hajnówka"].male is False
    assert towns["Sejny"].ludnosc_data == date(2019, 6, 30)


def test_polish_formats():
    assert fmt_int(20580) == "20\xa0580"
    assert fmt_pct(0.256) == "26%" and fmt_pct(-0.067, 1) == "\u22126,7%"  # the minus sign (issue 9)
    assert fmt_date(date(2020, 9, 22)) == "22.09.2020"
    # the store keeps UTC; people read Warsaw time (CEST = UTC+2 in September)
    assert fmt_datetime(datetime(2020, 9, 29, 10, 0, tzinfo=timezone.utc)) == "29.09.2020 12:00"
