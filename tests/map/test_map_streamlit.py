"""cwd.ui.mapview: the Streamlit side (AppTest; the browser test runs the real component).

Under AppTest st_folium is an unknown element, so the seam `mapview.folium_component` (called with
st_folium's keyword arguments) is replaced by a recorder that answers like streamlit-folium does.
"""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

import cwd.ui.mapview as mapview
from cwd.map import MapView
from cwd.ui.assets import MAP_DIR, VENDOR_DIR

SCRIPT = """
import streamlit as st
from scenarios import podlaskie_scenario
from cwd.map import MapView, build_update
from cwd.ui.mapview import MapSpec, show_legend, show_map_click

data = podlaskie_scenario()
base = data["base"]
visible = data["filters"][st.radio("Gminy", list(data["filters"]), key="f")]
spec = MapSpec(base, build_update(base, MapView(categories=data["categories"], visible=visible,
                                                partnerships=data["partnerships"])))
click = show_map_click(spec, height=500)
st.markdown(f"klik: {click.teryt if click else None} nowy: {click.new if click else None}")
show_legend(spec)
"""


class Component:
    def __init__(self):
        self.calls: list[dict] = []
        self.properties = None

    def __call__(self, args):
        self.calls.append(args)
        drawing = None if self.properties is None else {"type": "Feature", "properties": self.properties}
        return {"last_active_drawing": drawing}


@pytest.fixture
def component(monkeypatch):
    fake = Component()
    monkeypatch.setattr(mapview, "folium_component", fake)
    return fake


def test_show_map_sends_a_fresh_map_and_the_update_as_a_group(component):
    at = AppTest.from_string(SCRIPT, default_timeout=60)
    at.run()
    assert not at.exception
    (args,) = component.calls
    assert args["returned_objects"] == ["last_active_drawing"] and args["height"] == 500
    assert args["render"] is False and args["use_container_width"] is True and args["key"] == mapview.MAP_KEY
    group = args["feature_group_to_add"]
    assert len(group.cwd_update.payload["c"]) == 118 and [p["id"] for p in group.cwd_update.payload["p"]][:2] == ["P01", "P02"]
    m = args["fig"]
    assert [src.split("?")[0].rsplit("/", 1)[1] for _, src in m.default_js][0] == "leaflet.js"
    # the assets are on disk where /app/static/ serves them
    base_file = m.default_js[1][1].rsplit("/", 1)[1]
    assert (MAP_DIR / base_file).is_file() and (MAP_DIR / "cwd-map.js").is_file() and (VENDOR_DIR / "leaflet.js").is_file()
    assert any("cwd-legend" in h.proto.body for h in at.get("html"))

    at.radio(key="f").set_value("powiat białostocki").run()
    first, second = component.calls
    assert "." in second["feature_group_to_add"].cwd_update.payload["c"]  # the filter hid gminas
    assert first["fig"] is not second["fig"]  # a fresh map every rerun (st_folium adds the group to it)
    assert first["feature_group_to_add"] is not second["feature_group_to_add"]


def test_a_click_is_new_once(component):
    component.properties = {"teryt": "2006011"}
    at = AppTest.from_string(SCRIPT, default_timeout=60)
    at.run()
    assert "klik: 2006011 nowy: True" in [m.value for m in at.markdown]
    at.run()  # streamlit-folium keeps answering with the last click
    assert "klik: 2006011 nowy: False" in [m.value for m in at.markdown]
    component.properties = {"partnerstwo_id": "P06", "nazwa": "x", "status": "nie spełnia"}
    at.run()
    assert "klik: None nowy: True" in [m.value for m in at.markdown]


def test_view_from_state():
    status = SimpleNamespace
    statuses = {"2001011": status(kategoria="ztm", opis="na liście"), "2001022": status(kategoria="poza", opis="")}
    visible = [SimpleNamespace(id="P02", partnership=SimpleNamespace(nazwa="Drugie"),
                               checklist=SimpleNamespace(status="spełnia"), gminy=("2001011",))]
    results = [SimpleNamespace(id="P01"), SimpleNamespace(id="P02")]
    osi_ctx = SimpleNamespace(towns=[SimpleNamespace(teryt_gminy="2001011", male=True, ludnosc=30_000, ludnosc_data=None)])
    state = SimpleNamespace(  # shaped like cwd.ui.context.PageContext
        evaluation=SimpleNamespace(gminas=statuses, results=results, ctx=osi_ctx),
        view=SimpleNamespace(visible=visible, visible_gminas=frozenset({"2001011"}), basemap=True, presentation=True),
        osi=SimpleNamespace(prog_ludnosci=20_000),
    )
    v = mapview.view_from_state(state, selected="P02", gmina="2001011", show_mstfsg=True)
    assert isinstance(v, MapView)
    assert v.categories == {"2001011": "ztm", "2001022": "poza"} and v.reasons["2001011"] == "na liście"
    assert set(v.visible) == {"2001011"} and [p.id for p in v.partnerships] == ["P02"] and list(v.all_ids) == ["P01", "P02"]
    assert v.towns[0].male is True and v.threshold == 20_000 and v.basemap and v.large and v.show_mstfsg
    assert mapview.view_from_state(state, show_towns=False).towns is None
