"""Router only: page list, the shared sidebar, then the chosen page. No rule is decided here."""
import streamlit as st

from cwd.ui.chrome import apply_chrome, guarded
from cwd.ui.state import build_state, forget_state

st.set_page_config(page_title="CWD – wybór partnerstw JST (woj. podlaskie)", page_icon="🗺️", layout="wide")

pages = [
    st.Page("pages/mapa.py", title="Mapa", url_path="mapa", icon=":material/map:", default=True),
    st.Page("pages/kandydaci.py", title="Kandydaci", url_path="kandydaci", icon=":material/groups:"),
    st.Page("pages/ocena.py", title="Ocena", url_path="ocena", icon=":material/checklist:"),
    st.Page("pages/wybor.py", title="Wybór", url_path="wybor", icon=":material/how_to_vote:"),
    st.Page("pages/dane.py", title="Dane", url_path="dane", icon=":material/database:"),
]
page = st.navigation(pages)
try:
    with guarded():
        apply_chrome(build_state())
        page.run()
finally:
    # The state lives for one routed run only: a page that runs without the router (Streamlit's
    # legacy pages/ mode, see cwd.ui.state.app_state) must not find a stale one.
    forget_state()
