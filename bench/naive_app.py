"""The naive peer of the end-to-end benchmark (bench/e2e.py): the same job the way a typical
Streamlit geo app does it — same rules, data and sidebar filter, but GeoDataFrame.explore() rebuilt
on every rerun and handed to st_folium. Not part of the product; run from the project root:

    streamlit run bench/naive_app.py
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402
import streamlit as st  # noqa: E402
from streamlit_folium import st_folium  # noqa: E402

from cwd.checklist import STATUSES  # noqa: E402
from cwd.filters import Filters, visible_partnerships  # noqa: E402
from cwd.forms import read_forms_path  # noqa: E402
from cwd.geo import dissolve_areas, load_boundaries  # noqa: E402
from cwd.pipeline import Inputs, evaluate, load_adjacency  # noqa: E402
from cwd.register import load_register  # noqa: E402
from cwd.settings import OperatorSettings, OsiSettings  # noqa: E402
from cwd.style import status_label  # noqa: E402

st.set_page_config(page_title="Naiwna mapa", layout="wide")
operator = OperatorSettings.from_env()
register = load_register()
boundaries = load_boundaries(operator.wojewodztwo, operator.shapes_dir)
adjacency, _ = load_adjacency(operator)
forms = read_forms_path(ROOT / "data" / "formularze_przyklad.csv", register)
ev = evaluate(register, Inputs(forms=forms, osi=OsiSettings(), adjacency=adjacency))

statusy = st.sidebar.pills("Status listy sprawdzającej", list(STATUSES), selection_mode="multi",
                         format_func=status_label) or []  # the same widget as the product
visible = visible_partnerships(ev.results, Filters(statusy=tuple(statusy)))

st.title("Mapa OSI i partnerstw")
gminy = boundaries.gminy.to_crs("EPSG:4326")
gminy["kategoria"] = [ev.gminas[t].kategoria for t in gminy["teryt"]]
m = gminy.explore(column="kategoria", tooltip=["nazwa", "teryt", "kategoria"], name="Gminy")
areas = dissolve_areas(gminy, {r.id: r.gminy for r in visible})
if len(areas):
    areas = areas.merge(gpd.GeoDataFrame({"id": [r.id for r in visible],
                                          "status": [r.checklist.status for r in visible]}), on="id")
    areas.explore(m=m, column="status", style_kwds={"fillOpacity": 0.1, "weight": 4}, name="Partnerstwa")
left, right = st.columns([3, 1])
with left:
    out = st_folium(m, height=640, use_container_width=True, returned_objects=["last_active_drawing"])
with right:
    st.markdown("#### Szczegóły")
    props = ((out or {}).get("last_active_drawing") or {}).get("properties") or {}
    if props.get("teryt"):
        st.markdown(f"**{register.label(props['teryt'])}**")
    else:
        st.caption("Kliknij gminę na mapie.")
