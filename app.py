"""Router only: the page list, then the shared sidebar and the chosen page (cwd.ui.context). No rule
is decided here."""
import streamlit as st

from cwd.ui.context import run_page

st.set_page_config(page_title="CWD – wybór partnerstw JST (woj. podlaskie)", page_icon="🗺️", layout="wide")

pages = [
    st.Page("pages/mapa.py", title="Mapa", url_path="mapa", icon=":material/map:", default=True),
    st.Page("pages/kandydaci.py", title="Kandydaci", url_path="kandydaci", icon=":material/groups:"),
    st.Page("pages/ocena.py", title="Ocena", url_path="ocena", icon=":material/checklist:"),
    st.Page("pages/wybor.py", title="Wybór", url_path="wybor", icon=":material/how_to_vote:"),
    st.Page("pages/dane.py", title="Dane", url_path="dane", icon=":material/database:"),
]
run_page(st.navigation(pages))
