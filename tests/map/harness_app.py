"""A small Streamlit app around cwd.map for the browser tests and bench/map_update.py.

The real Podlaskie boundaries (../shared/geo, read in place), the example forms evaluated by the
real rules (no ZTM list), a sidebar filter, the optional layers as toggles, the map and its legend
beside it, and the last click written out. Started by `tests/map/harness.py: start_harness`.

`?wrogie=1` gives P01/P02 hostile names; the environment variable CWD_MAP_HARNESS_NATIONAL=1 draws
the national layer (2,477 gminas) with synthetic partnerships instead.
"""
from __future__ import annotations

import json
import os

import streamlit as st

from scenarios import national_scenario, podlaskie_scenario  # tests/map/ is on PYTHONPATH

from cwd.checklist import STATUSES
from cwd.map import MapView, build_update
from cwd.ui.mapview import MapSpec, show_legend, show_map_click

st.set_page_config(page_title="Mapa – stanowisko testowe", layout="wide")


@st.cache_resource(show_spinner=False)
def podlaskie(hostile: bool):
    return podlaskie_scenario(hostile)


@st.cache_resource(show_spinner=False)
def national():
    return national_scenario()


hostile = st.query_params.get("wrogie") == "1"
data = national() if os.environ.get("CWD_MAP_HARNESS_NATIONAL") == "1" else podlaskie(hostile)
base = data["base"]

sb = st.sidebar
sb.markdown("### Filtry")
gminy_filter = sb.radio("Gminy", list(data["filters"]), key="f_gminy")
status_filter = sb.radio("Status partnerstwa", ["wszystkie", *STATUSES], key="f_status")
sb.markdown("### Warstwy")
show_towns = sb.toggle("Miasta powiatowe", value=True, key="f_miasta")
show_mstfsg = sb.toggle("Miasta średnie tracące funkcje (MSTFSG)", value=False, key="f_mstfsg")
show_overlaps = sb.toggle("Gminy w kilku partnerstwach", value=True, key="f_kilka")
large = sb.toggle("Duże napisy", value=False, key="f_duze")
ids = [p.id for p in data["partnerships"]]
selected = sb.selectbox("Zaznacz partnerstwo", [None, *ids], key="f_wybrane",
                        format_func=lambda v: "—" if v is None else v)

visible = data["filters"][gminy_filter]
shown = [p for p in data["partnerships"] if status_filter == "wszystkie" or p.status == status_filter]
if visible is not None:  # a partnership is shown when one of its gminas passes the filter
    shown = [p for p in shown if any(g in visible for g in p.gminy)]

clicked_key = "_harness_gmina"
view = MapView(
    categories=data["categories"], reasons=data["reasons"], visible=visible, partnerships=shown,
    all_ids=ids, selected=selected, gmina=st.session_state.get(clicked_key),
    towns=data["towns"] if show_towns else None, threshold=20_000, show_mstfsg=show_mstfsg,
    show_overlaps=show_overlaps, large=large,
)
spec = MapSpec(base, build_update(base, view))

st.title("Mapa – stanowisko testowe")
map_col, legend_col = st.columns([3, 1])
with map_col:
    click = show_map_click(spec, height=560)
    if click is not None and click.new and click.teryt and click.teryt != st.session_state.get(clicked_key):
        st.session_state[clicked_key] = click.teryt
        st.rerun()  # draw the highlight of the gmina just clicked
    st.markdown(f"Kliknięto: `{json.dumps(click.properties if click else None, ensure_ascii=False)}`")
    if spec.update.omitted:
        st.caption(f"Nie narysowano {spec.update.omitted} partnerstw (limit obrysów na mapie).")
with legend_col:
    show_legend(spec)
