"""Mapa: OSI areas and candidate partnerships on Podlaskie; click a gmina or an area for details."""
import streamlit as st

from cwd.fmt import fmt_date, fmt_int
from cwd.ui.chrome import example_notice, exit_presentation_link, page_title
from cwd.ui.mapview import map_spec, show_map
from cwd.ui.state import app_state
from cwd.ui.text import md
from cwd.ui.widgets import reasons, status_badge

state = app_state()
ref = fmt_date(state.osi_settings.data_ludnosci)
title = f"OSI i partnerstwa JST – województwo podlaskie (ludność miast: stan na {ref})"
exit_presentation_link(state)
page_title(state, "Mapa OSI i partnerstw")
example_notice(state)
if state.boundaries_error:
    st.error(state.boundaries_error)
    st.stop()

ztm_note = ("Lista OSI ZTM nie jest wczytana – gminy poza obszarami małych miast mają status „nieustalone”."
            if state.ztm is None else f"Lista OSI ZTM: {md(state.ztm_label)}.")
if state.basemap:
    st.caption("Podkład OpenStreetMap wymaga połączenia z internetem; bez niego mapa pokazuje same granice.")

show_mstfsg = False
if not state.presentation:
    show_mstfsg = st.toggle("Pokaż miasta średnie tracące funkcje (MSTFSG, kontekst)", key="w_mstfsg")

spec = map_spec(state, title=title if state.presentation else None, show_mstfsg=show_mstfsg)
map_col, panel = st.columns([3, 1]) if not state.presentation else (st.container(), None)
with map_col:
    clicked = show_map(spec, height=760 if state.presentation else 640)
    st.caption(f"{ztm_note} Małe miasta powiatowe: ≤ {fmt_int(state.osi_settings.prog_ludnosci)} mieszk. "
               f"(stan na {ref}). Źródło: GUGiK PRG; GUS; formularze partnerstw.")

if panel is not None:
    with panel:
        st.markdown("#### Szczegóły")
        if not clicked:
            st.caption("Kliknij gminę albo obszar partnerstwa na mapie.")
            st.metric("Partnerstwa na mapie", fmt_int(len(state.visible)))
        else:
            pids = []
            if clicked.get("partnerstwo_id"):
                pids = [str(clicked["partnerstwo_id"])]
            elif clicked.get("teryt"):
                teryt = str(clicked["teryt"])
                g = state.statuses.get(teryt)
                st.markdown(f"**{md(state.register.label(teryt))}** · TERYT {teryt}")
                if g is not None:
                    st.caption(md(g.opis))
                pids = [r.id for r in state.visible if teryt in r.gminy]
                if not pids:
                    st.caption("Gmina nie należy do żadnego pokazanego partnerstwa.")
            for pid in pids:
                r = state.result(pid)
                if r is None:
                    continue
                c = r.checklist
                st.markdown(f"##### {md(r.partnership.nazwa)}")
                st.markdown(f"{status_badge(c.status)} · kryteria = 1: {c.spelnione}/11  \n"
                            f"OSI: {md(r.osi.summary())}  \nLudność (31.12.2023): {fmt_int(r.ludnosc)}")
                reasons(c.powody)
                with st.expander(f"Członkowie ({len(r.partnership.czlonkowie)})"):
                    st.markdown("  \n".join(
                        f"{'**' if m == r.partnership.lider else ''}{md(state.register.label(m))}"
                        f"{' – lider**' if m == r.partnership.lider else ''} ({m})"
                        for m in r.partnership.czlonkowie))

if not state.presentation:
    from cwd.ui.images import map_png_buttons

    map_png_buttons(state)
