"""Kandydaci: the candidates table, the selected partnership, the comparison (criteria matrix,
indicators chart), unknown values shown as unknown."""
from __future__ import annotations

import math

import pytest

from cwd.criteria import CRITERIA_IDS
from cwd.fmt import UNKNOWN, fmt_date
from cwd.ui import keys

from ..support import (
    EXAMPLE_IDS,
    TITLES,
    annotation_texts,
    assert_ok,
    click_map,
    frame_with,
    goto,
    joined,
    new_app,
    plotly_figures,
    run,
    start,
    texts,
    title,
)


def candidates(at):
    return frame_with(at, "status")


def matrix(at):
    """The criteria matrix: rows "P01 – name", columns the criterion ids (transposed by design)."""
    return frame_with(at, "Partnerstwo")


def test_kandydaci_lists_the_ten_example_partnerships_and_compares(register):
    at = goto(start(new_app()), "kandydaci")

    assert title(at) == [TITLES["kandydaci"]]
    table = candidates(at)
    assert table["id"].tolist() == EXAMPLE_IDS
    assert table.set_index("id").loc["P01", "nazwa"] == "Ziemia Wysokomazowiecka"
    assert table.set_index("id").loc["P06", "status"] == "✗ nie spełnia"  # the symbol too (changed by design)

    assert "Porównanie" in texts(at, "subheader")
    assert at.multiselect(key=keys.COMPARISON).value == ["P01", "P02", "P03"]
    m = matrix(at)
    assert m.shape == (3, 11)
    assert list(m.index) == ["P01 – Ziemia Wysokomazowiecka", "P02 – Wiele gmin – jeden cel",
                             "P03 – Augustowsko-Biebrzański Park Turystyczny"]
    assert list(m.columns) == list(CRITERIA_IDS)
    indicators = plotly_figures(at)[0]
    assert f"Ludność obszaru<br>({fmt_date(register.pop_now_date)})" in annotation_texts(indicators)  # a panel title
    assert indicators["data"][0]["x"] == ["P01", "P02", "P03"]
    assert "**Status:** P01 :green-badge[✓ spełnia] · P02 :green-badge[✓ spełnia] · " \
           "P03 :orange-badge[? niekompletna]" in texts(at, "markdown")  # badges with symbols (changed by design)

    at.multiselect(key=keys.COMPARISON).set_value(["P01", "P06"]).run()
    assert_ok(at)
    assert list(matrix(at).index) == ["P01 – Ziemia Wysokomazowiecka", "P06 – Dolina Narwi i Biebrzy (przykład)"]
    assert "**Status:** P01 :green-badge[✓ spełnia] · P06 :red-badge[✗ nie spełnia]" in texts(at, "markdown")

    at.multiselect(key=keys.COMPARISON).set_value(["P01"]).run()
    assert_ok(at)
    assert "Wybierz co najmniej dwa partnerstwa, aby je porównać." in texts(at, "info")
    assert len(at.dataframe) == 1


def test_matrix_cells_are_the_values_that_count():
    at = run(new_app(page="kandydaci", query={keys.Q_COMPARE: "P01,P06"}))
    m = matrix(at)
    assert set(m.loc["P01 – Ziemia Wysokomazowiecka"]) == {"1"}
    assert "0" in set(m.loc["P06 – Dolina Narwi i Biebrzy (przykład)"])  # P06 declares a 0


def test_shared_link_sets_the_comparison():
    at = run(new_app(page="kandydaci", query={keys.Q_COMPARE: "P01,P03"}))
    assert at.multiselect(key=keys.COMPARISON).value == ["P01", "P03"]
    assert list(matrix(at).index) == ["P01 – Ziemia Wysokomazowiecka",
                                      "P03 – Augustowsko-Biebrzański Park Turystyczny"]
    assert at.query_params[keys.Q_COMPARE] == "P01,P03"

    at.multiselect(key=keys.COMPARISON).set_value(["P02", "P05"]).run()
    assert_ok(at)
    assert at.query_params[keys.Q_COMPARE] == "P02,P05"  # the link follows the choice


def test_shared_link_ignores_unknown_ids_in_the_comparison():
    at = run(new_app(page="kandydaci", query={keys.Q_COMPARE: "P02,X99,<b>,P04"}))
    assert at.multiselect(key=keys.COMPARISON).value == ["P02", "P04"]


def test_the_map_selection_is_the_selected_partnership_on_every_page():
    at = start(click_map(new_app(), partnerstwo_id="P03"))
    goto(at, "kandydaci")
    assert "**Wybrane partnerstwo:** P03" in texts(at, "markdown")
    goto(at, "ocena")
    assert at.selectbox(key=keys.PARTNERSHIP).value == "P03"
    goto(at, "wybor")
    assert "**Wybrane partnerstwo:** P03" in texts(at, "markdown")
    goto(at, "mapa")
    assert "##### P03 – Augustowsko\\-Biebrzański Park Turystyczny" in joined(at, "markdown")


def test_shared_link_selects_the_partnership():
    at = run(new_app(page="kandydaci", query={keys.Q_PARTNERSHIP: "P07"}))
    assert "**Wybrane partnerstwo:** P07" in texts(at, "markdown")
    links = {link.proto.label: link.proto for link in at.get("page_link")}
    assert links["Oceń →"].page == "ocena" and "p=P07" in links["Oceń →"].query_string


def test_unknown_osi_share_is_nan_never_zero():
    """Without a ZTM list the share of OSI gminas of most partnerships cannot be known."""
    at = run(new_app(page="kandydaci"))
    table = candidates(at).set_index("id")
    undetermined = table.index[table["osi"] == "nieustalony"].tolist()
    assert undetermined  # the example has such partnerships without a ZTM list
    for pid in undetermined:
        assert math.isnan(table.loc[pid, "udzial_osi"]), pid
    for pid in table.index.difference(undetermined):
        assert table.loc[pid, "udzial_osi"] > 0, pid  # the qualifying ones have their share


def test_unknown_osi_share_reads_nieustalone_in_the_chart():
    at = run(new_app(page="kandydaci", query={keys.Q_COMPARE: "P01,P03,P05"}))
    undetermined = [pid for pid, v in candidates(at).set_index("id")["udzial_osi"].items()
                    if pid in ("P01", "P03", "P05") and math.isnan(v)]
    assert undetermined == ["P03", "P05"]
    fig = plotly_figures(at)[0]
    marked = {a.get("x") for a in fig["layout"]["annotations"] if a.get("text") == UNKNOWN}
    assert marked == set(undetermined)
    for trace in fig["data"]:  # no bar of an unknown value is labelled with a number
        if trace.get("type") == "bar" and trace.get("text"):
            for pid, text in zip(trace["x"], trace["text"]):
                if pid in undetermined and text:
                    assert not text.startswith("0"), (pid, text)
    assert "„nieustalone”" in " ".join(texts(at, "caption"))


def test_status_filter_caption_and_empty_result():
    at = run(new_app(page="kandydaci", query={"status": "nie spełnia"}))
    assert candidates(at)["id"].tolist() == ["P06"]
    assert "Filtry panelu bocznego: pokazano 1 z 10 partnerstw." in texts(at, "caption")


def test_presentation_shows_static_tables():
    at = run(new_app(page="kandydaci", query={"prezentacja": "1", keys.Q_COMPARE: "P01,P06"}))
    assert not at.main.multiselect  # no widgets on the page
    assert len(at.main.table) == 2  # the candidates and the matrix as static tables (they scale with the font)
    assert not at.main.dataframe
    assert "**Status:** P01 :green-badge[✓ spełnia] · P06 :red-badge[✗ nie spełnia]" in texts(at, "markdown")


def test_comparing_only_partnerships_with_an_unknown_osi_share():
    at = run(new_app(page="kandydaci", query={keys.Q_COMPARE: "P03,P05"}))
    fig = plotly_figures(at)[0]
    marked = {a.get("x") for a in fig["layout"]["annotations"] if a.get("text") == UNKNOWN}
    assert marked == {"P03", "P05"}
