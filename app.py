"""Router only: the page list, then the shared sidebar and the chosen page (cwd.ui.context). No rule
is decided here.

The file has two roles. Streamlit runs it as the app's script on every rerun (`__name__` is
"__main__" then). `streamlit run app.py` first imports it as the server's entry point and finds
`app` below: an st.App whose start-up prepares the first page's caches in the background
(cwd.ui.startup), so the first visitor does not wait for them.
"""
import streamlit as st

if __name__ == "__main__":
    from cwd.ui.context import run_page

    st.set_page_config(page_title="CWD – wybór partnerstw JST (woj. podlaskie)", page_icon="🗺️",
                       layout="wide")
    pages = [
        st.Page("pages/mapa.py", title="Mapa", url_path="mapa", icon=":material/map:", default=True),
        st.Page("pages/kandydaci.py", title="Kandydaci", url_path="kandydaci", icon=":material/groups:"),
        st.Page("pages/ocena.py", title="Ocena", url_path="ocena", icon=":material/checklist:"),
        st.Page("pages/wybor.py", title="Wybór", url_path="wybor", icon=":material/how_to_vote:"),
        st.Page("pages/dane.py", title="Dane", url_path="dane", icon=":material/database:"),
    ]
    run_page(st.navigation(pages))
else:
    from cwd.ui.startup import lifespan

    app = st.App(__file__, lifespan=lifespan)
