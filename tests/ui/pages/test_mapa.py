"""Mapa: the status counts, the map component's arguments and content, a click, the search box,
the details panel, the legend beside the map, presentation mode."""
from __future__ import annotations

import html as html_lib
from urllib.parse import parse_qs

import pytest

from cwd.fmt import fmt_date
from cwd.forms import read_forms_path
from cwd.map.view import HIDDEN
from cwd.nabor import DEMO_NAME
from cwd.pipeline import Inputs, evaluate
from cwd.settings import OsiSettings
from cwd.ui import keys, mapview

from ..support import (
    EXAMPLE_FORMS,
    EXAMPLE_IDS,
    TITLES,
    assert_ok,
    click_map,
    html_bodies,
    joined,
    new_app,
    plain,
    shown,
    start,
    texts,
    title,
)


def drawn_ids(fake_map) -> list[str]:
    return [p["id"] for p in fake_map.payload["p"]]


def chips(at) -> str:
    """The status count chips above the map, as text."""
    import re

    [body] = [b for b in html_bodies(at) if "na mapie" in b]
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", body))


def test_app_starts_on_the_map_with_sidebar_and_example_notice(fake_map, register):
    at = start(new_app())

    assert title(at) == [TITLES["mapa"]]
    assert any("nie wczytano" in v for v in texts(at.sidebar, "info"))
    assert any("wartości kryteriów są ilustracyjne" in v for v in texts(at, "caption"))
    assert at.sidebar.selectbox(key=keys.NABOR).value == "demo"  # the example is the read-only demo nabór
    counts = chips(at)  # was a metric "10"; now counts by status (changed by design)
    for chip in ("✓ 2 spełniają", "? 7 niekompletnych", "✗ 1 nie spełnia", "10 partnerstw na mapie"):
        assert chip in " ".join(counts.split()).replace("\xa0", " "), (chip, counts)

    # the patched component got st_folium's arguments for the real map
    assert len(fake_map.calls) == 1
    args = fake_map.calls[0]
    assert args["returned_objects"] == ["last_active_drawing"] and args["height"] == 640
    assert args["key"] == keys.MAP
    base = mapview.map_base()
    codes = set(register.gminy.index)
    assert len(codes) == 118
    assert set(base.codes) == codes  # every gmina of the register is on the map …
    category_chars = fake_map.payload["c"]
    assert len(category_chars) == len(base.codes) and HIDDEN not in category_chars  # … and none filtered out
    assert drawn_ids(fake_map) == EXAMPLE_IDS


def test_map_click_on_a_gmina_shows_its_partnership(fake_map):
    at = start(click_map(new_app(), teryt="2006011"))

    body = joined(at, "markdown")
    assert "**Kolno \\(gmina miejska\\)** · TERYT 2006011" in body
    assert "##### P02 – Wiele gmin – jeden cel" in body
    assert ":green-badge[✓ spełnia] · kryteria = 1: 11 z 11" in body  # badge with its symbol (changed by design)
    assert [e.label for e in at.expander] == ["Warstwy mapy", "Uzasadnienie statusu", "Członkowie (8)"]
    members = at.expander[2].markdown[0].value
    assert "**Kolno \\(gmina miejska\\) – lider** (2006011)" in members
    for code in ("2006032", "2006", "2006053", "2006042", "2006062", "2006022", "2007013"):
        assert f"({code})" in members
    # the same run's map already shows the click: the gmina and its only partnership selected
    assert fake_map.payload["sel"] == "P02"
    assert fake_map.payload["g"] == list(mapview.map_base().codes).index("2006011")


def test_map_click_on_a_partnership_area_shows_it(fake_map):
    at = start(click_map(new_app(), partnerstwo_id="P06"))

    body = joined(at, "markdown")
    assert "##### P06 – Dolina Narwi i Biebrzy \\(przykład\\)" in body
    assert ":red-badge[✗ nie spełnia]" in body
    assert "TERYT" not in body  # an area, not a gmina
    assert [e.label for e in at.expander][-1] == "Członkowie (4)"
    assert "2007052" in at.expander[-1].markdown[0].value
    assert fake_map.payload["sel"] == "P06" and fake_map.payload["g"] is None


def test_map_click_on_a_gmina_outside_every_partnership(register):
    forms = read_forms_path(EXAMPLE_FORMS, register)
    claimed = evaluate(register, Inputs(forms=forms, osi=OsiSettings())).claims
    outside = min(set(register.gminy.index) - set(claimed))

    at = start(click_map(new_app(), teryt=outside))
    assert f"TERYT {outside}" in joined(at, "markdown")
    assert "Gmina nie należy do żadnego partnerstwa." in texts(at, "caption")
    assert not [e for e in at.expander if e.label.startswith("Członkowie")]


def test_the_list_beside_the_map_selects_like_a_click(fake_map):
    at = start(new_app())
    at.selectbox(key="w_lista_mapy").set_value("P03").run()
    assert_ok(at)
    assert "##### P03 – Augustowsko\\-Biebrzański Park Turystyczny" in joined(at, "markdown")
    assert fake_map.payload["sel"] == "P03"
    assert at.query_params[keys.Q_PARTNERSHIP] == "P03"


@pytest.mark.parametrize("query, found", [
    ("lomza", {"Łomża (gmina miejska)", "Łomża (gmina wiejska)"}),
    ("kurpie", {"P09 – Nadnarwiańskie Kurpie (przykład)"}),
])
def test_search_box_finds_without_diacritics(query, found):
    at = start(new_app())
    at.text_input(key=keys.SEARCH).input(query).run()
    assert_ok(at)
    hits = {plain(b.label) for b in at.button if (b.key or "").startswith("_hit_")}
    assert hits == found


def test_search_hit_selects_the_partnership(fake_map):
    at = start(new_app())
    at.text_input(key=keys.SEARCH).input("kurpie").run()
    next(b for b in at.button if (b.key or "") == "_hit_partnerstwo_P09").click().run()
    assert_ok(at)
    assert "##### P09 – Nadnarwiańskie Kurpie \\(przykład\\)" in joined(at, "markdown")
    assert fake_map.payload["sel"] == "P09"


def test_search_without_hits_says_so():
    at = start(new_app())
    at.text_input(key=keys.SEARCH).input("xyzzy").run()
    assert "Nic nie znaleziono." in texts(at, "caption")


def test_legend_is_beside_the_map_not_in_it(fake_map):
    at = start(new_app())
    [legend] = [b for b in html_bodies(at) if "cwd-legend" in b and "Legenda" in b]
    for pid in EXAMPLE_IDS:  # the drawn partnerships are listed
        assert pid in legend
    assert "Legenda" not in fake_map.calls[-1]["fig"].get_root().render()  # the map itself carries none


def test_filtered_map_shows_only_the_visible_partnerships(fake_map):
    at = start(new_app())
    assert drawn_ids(fake_map) == EXAMPLE_IDS
    at.sidebar.pills(key=keys.STATUSES).set_value(["nie spełnia"]).run()
    assert_ok(at)
    assert "1 partnerstwo na mapie (z 10; filtry w panelu bocznym)" in " ".join(chips(at).split()).replace("\xa0", " ")
    assert drawn_ids(fake_map) == ["P06"]


def test_presentation_link_shows_the_reference_date(fake_map, register):
    at = start(new_app(query={"prezentacja": "1"}))

    assert at.sidebar.toggle(key=keys.PRESENTATION).value is True
    assert title(at) == [TITLES["mapa"]]
    # the line under the title names the nabór and the data's dates (changed by design: "Nabór: …" first)
    [line] = [c for c in shown(at, "caption") if c.startswith("Nabór: ")]
    assert line.startswith(f"Nabór: {DEMO_NAME} · województwo podlaskie")
    assert "stan na 30.06.2019" in line
    assert "#### Szczegóły" not in texts(at, "markdown")  # no side panel
    assert not [w for w in at.text_input]  # no search box either
    assert any('section[data-testid="stSidebar"]' in v for v in texts(at, "markdown"))
    assert any("Zakończ tryb prezentacji" in v for v in texts(at, "markdown"))
    assert any("cwd-legend" in b and "Legenda" in b for b in html_bodies(at))  # the legend stays
    assert fake_map.payload["big"] == 1  # larger labels on the map
    assert at.query_params["prezentacja"] == "1"


def test_presentation_caption_keeps_its_punctuation(register):
    at = start(new_app(query={"prezentacja": "1"}))
    [line] = [c for c in shown(at, "caption") if c.startswith("Nabór: ")]
    assert f"ludność gmin: GUS, {fmt_date(register.pop_now_date)}" in line
    assert "stan na 30.06.2019, próg 20\xa0000 mieszk." in line
    assert "formularze: przykładowe formularze (wartości ilustracyjne)" in line


def test_presentation_of_the_example_carries_the_watermark():
    from cwd.style import ILLUSTRATIVE_MARK

    at = start(new_app(query={"prezentacja": "1"}))
    assert any(ILLUSTRATIVE_MARK in v for v in texts(at, "markdown"))


def test_map_png_buttons_are_offered():
    at = start(new_app())
    names = [b.label for b in at.get("download_button")]
    assert "Mapa do druku (PNG): pokazane partnerstwa (10)" in names
    assert any(n.startswith("Mapa do druku (PNG): wybrane") for n in names)


def test_details_links_carry_the_selection():
    at = start(click_map(new_app(), partnerstwo_id="P03"))
    links = {link.proto.label: link.proto for link in at.get("page_link")}
    assess, compare = links["Oceń →"], links["Porównaj →"]
    assert assess.page == "ocena" and parse_qs(assess.query_string) == {"nabor": ["demo"], "p": ["P03"]}
    assert compare.page == "kandydaci"
    assert parse_qs(compare.query_string) == {"nabor": ["demo"], "p": ["P03"], "porownaj": ["P03"]}
