"""Kandydaci: all partnerships with their indicators; compare 2–5 side by side."""
import streamlit as st

from cwd.charts import indicators_figure, outline_figure
from cwd.evaluation import results_frame
from cwd.maps import partnership_colors
from cwd.ui import loaders
from cwd.ui.chrome import example_notice, exit_presentation_link, page_title
from cwd.ui.state import app_state
from cwd.ui.text import md
from cwd.ui.widgets import criteria_matrix, kept, status_badge, table

state = app_state()
exit_presentation_link(state)
page_title(state, "Kandydaci")
example_notice(state)
if state.filters.active:
    st.caption(f"Filtry panelu bocznego: pokazano {len(state.visible)} z {len(state.results)} partnerstw.")

frame = results_frame(state.visible, state.register)
if frame.empty:
    st.info("Brak partnerstw spełniających filtry.")
    st.stop()

# Rounded here, shown with the reader's locale ("localized": 53 406, -6,7 in a Polish browser).
shown = frame.assign(
    zmiana_ludnosci=(frame["zmiana_ludnosci"] * 100).round(1),
    udzial_osi=(frame["udzial_osi"] * 100).round(0),
    powierzchnia_km2=frame["powierzchnia_km2"].round(0),
)
table(
    shown[["id", "nazwa", "liczba_jst", "ludnosc", "zmiana_ludnosci", "powierzchnia_km2", "osi", "osi_trasy",
           "udzial_osi", "status", "spelnione", "wspolne_z"]],
    presentation=state.presentation,
    column_config={
        "id": "Id", "nazwa": st.column_config.TextColumn("Partnerstwo", width="medium"),
        "liczba_jst": st.column_config.NumberColumn("JST", help="liczba JST (gminy i powiaty)"),
        "ludnosc": st.column_config.NumberColumn("Ludność 31.12.2023", format="localized"),
        "zmiana_ludnosci": st.column_config.NumberColumn("Zmiana ludności 2018→2023 [%]", format="localized"),
        "powierzchnia_km2": st.column_config.NumberColumn("Powierzchnia [km²]", format="localized"),
        "osi": "Obszar (OSI)", "osi_trasy": "Trasa OSI",
        "udzial_osi": st.column_config.NumberColumn("Gminy w OSI [%]", format="localized"),
        "status": "Status", "spelnione": st.column_config.NumberColumn("Kryteria = 1", help="z 11"),
        "wspolne_z": "Wspólne gminy z",
    },
)
st.caption("Ludność i powierzchnia: GUS, stan 31.12.2023 (zmiana względem 31.12.2018). "
           "Ludność obszaru = suma gmin obszaru (gminy członkowskie i gminy powiatów członkowskich).")

st.subheader("Porównanie")
ids = list(frame["id"])
names = dict(zip(frame["id"], frame["nazwa"]))
previous = [i for i in st.session_state.get("_kept_w_porownanie", ids[:3]) if i in ids]
st.session_state["_kept_w_porownanie"] = previous
if st.session_state.get("w_porownanie") is not None and set(st.session_state["w_porownanie"]) - set(ids):
    st.session_state.pop("w_porownanie")  # the filters hid some of the chosen partnerships
chosen = kept(st.multiselect, "w_porownanie", previous, "Wybierz 2–5 partnerstw", ids, max_selections=5,
              format_func=lambda i: f"{i} – {names[i]}", placeholder="wybierz partnerstwa…",
              hidden=state.presentation)
if len(chosen) < 2:
    st.info("Wybierz co najmniej dwa partnerstwa, aby je porównać.")
    st.stop()

picked = [state.result(i) for i in chosen]
colors = partnership_colors(r.id for r in state.results)

st.markdown("**Kryteria** – wartość przyjęta (weryfikacja UM wygrywa z deklaracją): "
            "zielone 1, czerwone 0, szare – brak odpowiedzi.")
if state.presentation:
    st.table(criteria_matrix(picked))
else:
    st.dataframe(criteria_matrix(picked), width="stretch", height=35 * 12 + 3)
st.markdown("**Status:** " + " · ".join(f"{md(r.id)} {status_badge(r.checklist.status)}" for r in picked))

rows = frame.set_index("id").loc[chosen].reset_index().to_dict("records")
st.plotly_chart(indicators_figure(rows, colors), width="stretch", config={
    "displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 3, "filename": "cwd_porownanie"}})
if not state.presentation:
    st.caption("Wykres do druku: ikona aparatu nad wykresem zapisuje PNG w trzykrotnej rozdzielczości ekranu.")

gminy, _ = loaders.display_layers(str(state.operator.shapes_dir) if state.operator.shapes_dir else None)
if gminy is not None:
    cols = st.columns(len(picked))
    for col, r in zip(cols, picked):
        with col:
            # The map first, the name under it: long names wrap without misaligning the maps.
            st.plotly_chart(outline_figure(gminy, r.gminy, colors[r.id]), width="stretch",
                            config={"displayModeBar": False, "staticPlot": True}, key=f"mini_{r.id}")
            st.caption(f"**{md(r.id)}** – {md(r.partnership.nazwa)}")
