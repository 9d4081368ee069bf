"""Kandydaci: all partnerships with their indicators; select one; compare 2–5 side by side."""
import streamlit as st

from cwd.criteria import CRITERIA_COUNT
from cwd.fmt import fmt_date
from cwd.ui import figures, keys, loaders
from cwd.ui.context import page_context
from cwd.ui.links import selected_actions
from cwd.ui.tables import candidates_table, comparison_matrix
from cwd.ui.chrome import page_title
from cwd.ui.text import md
from cwd.ui.widgets import kept, status_badge

ctx = page_context()
ev, view = ctx.evaluation, ctx.view
page_title(ctx, "Kandydaci")
if view.filters.active:
    st.caption(f"Filtry panelu bocznego: pokazano {len(view.visible)} z {len(ev.results)} partnerstw.")
if not view.visible:
    st.info("Brak partnerstw spełniających filtry.")
    st.stop()

# The table: a click on a row selects the partnership on every page.
selected = candidates_table(ctx, view.visible, key="t_kandydaci")
if selected:
    ctx.selection.set_partnership(selected)
if not view.presentation and (pid := ctx.selection.partnership()) in ctx.visible_ids:
    selected_actions(ctx, pid)
st.caption(f"Ludność i powierzchnia: GUS, stan {fmt_date(ctx.register.pop_now_date)} (zmiana względem "
           f"{fmt_date(ctx.register.pop_before_date)}). Ludność obszaru = suma gmin obszaru (gminy członkowskie "
           "i gminy powiatów członkowskich). „nieustalone”: bez listy OSI ZTM udziału gmin w OSI nie da się ustalić.")

st.subheader("Porównanie")
ids = ctx.visible_ids
names = {r.id: r.partnership.nazwa for r in view.visible}
default = ctx.selection.comparison(default=ids[:3])
default = [i for i in default if i in ids] or ids[:3]
if st.session_state.get(keys.COMPARISON) is not None and set(st.session_state[keys.COMPARISON]) - set(ids):
    st.session_state.pop(keys.COMPARISON)  # the filters hid some of the chosen partnerships
if st.session_state.get(keys.kept(keys.COMPARISON)) != default:
    st.session_state[keys.kept(keys.COMPARISON)] = default
    st.session_state.pop(keys.COMPARISON, None)
chosen = kept(st.multiselect, keys.COMPARISON, default, "Wybierz 2–5 partnerstw", ids, max_selections=5,
              format_func=lambda i: f"{i} – {names[i]}", placeholder="wybierz partnerstwa…", select_all=False,
              hidden=view.presentation)
ctx.selection.set_comparison(chosen)
if len(chosen) < 2:
    st.info("Wybierz co najmniej dwa partnerstwa, aby je porównać.")
    st.stop()

picked = [ev.result(i) for i in chosen]
st.markdown(f"**Kryteria** ({CRITERIA_COUNT}) – wartość przyjęta (weryfikacja UM wygrywa z deklaracją): "
            "1 – spełnione, 0 – niespełnione, brak – brak odpowiedzi; „UM” – wartość zweryfikowana.")
comparison_matrix(picked, presentation=view.presentation)
st.markdown("**Status:** " + " · ".join(f"{md(r.id)} {status_badge(r.checklist.status)}" for r in picked))

rows = ev.frame.set_index("id").loc[chosen].reset_index().to_dict("records")
st.plotly_chart(
    figures.indicators(rows, ev.colors, ctx.register.population_dates(), view.presentation),
    width="stretch",
    config={"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 3, "filename": "cwd_porownanie"}},
)
if not view.presentation:
    st.caption("Wykres do druku: ikona aparatu nad wykresem zapisuje PNG w trzykrotnej rozdzielczości ekranu.")

gminy, _ = loaders.display_layers()
if gminy is not None:
    cols = st.columns(len(picked))
    for col, r in zip(cols, picked):
        with col:
            # The map first, the name under it: long names wrap without misaligning the maps.
            st.image(figures.mini_map(tuple(r.gminy), ev.colors[r.id], f"{r.id} – {r.partnership.nazwa}"),
                     width="stretch", alt=f"Obszar partnerstwa {r.id} – {r.partnership.nazwa} na mapie województwa")
            st.caption(f"**{md(r.id)}** – {md(r.partnership.nazwa)}")
