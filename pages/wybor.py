"""Wybór: the suggested order, its sensitivity, the human choice of at most 3 and the export."""
from dataclasses import replace
from datetime import datetime, timezone

import pandas as pd
import streamlit as st

from cwd.charts import sensitivity_figure, timeline_figure
from cwd import bulk
from cwd.evaluation import results_frame
from cwd.fmt import fmt_date, fmt_date_long, fmt_int
from cwd.osi import build_context
from cwd.selection import TIE_BREAKERS, Weights, check_selection, rank, sensitivity, suggested
from cwd.settings import FORMS_DEADLINE, MAX_SELECTED, MFIPR_ANNOUNCEMENT, UM_DECISION, FUNCTIONAL_AREA_LABELS
from cwd.ui import loaders
from cwd.ui.chrome import example_notice
from cwd.ui.state import app_state
from cwd.ui.text import md

state = app_state()
st.title("Wybór partnerstw (najwyżej 3)")
example_notice(state)
if not state.results:
    st.info("Brak partnerstw – wczytaj formularze na stronie „Dane”.")
    st.stop()

frame = results_frame(state.results, state.register)
names = dict(zip(frame["id"], frame["nazwa"]))
statuses = dict(zip(frame["id"], frame["status"]))

# --- suggested order ---------------------------------------------------------------------------
st.subheader("Proponowana kolejność")
st.markdown("Kolejność: najpierw status (**spełnia** → niekompletna → nie spełnia), potem liczba kryteriów "
            "spełnionych, potem punkty za kryteria rozstrzygające (wartość ÷ największa wśród kandydatów × waga), "
            "na końcu identyfikator.")
defaults = Weights()
wcols = st.columns(len(TIE_BREAKERS))
weights = Weights(**{
    key: wcols[i].slider(f"Waga: {label}", 0, 10, int(getattr(defaults, key)), 1, key=f"w_waga_{key}")
    for i, (key, label) in enumerate(TIE_BREAKERS.items())
})
ranked = rank(frame, weights)
proposal = suggested(ranked)
ranked = ranked.round({"pkt_ludnosc": 2, "pkt_liczba_jst": 2, "pkt_udzial_osi": 2, "punkty": 2})
view = ranked[["miejsce", "id", "nazwa", "status", "spelnione", "ludnosc", "liczba_jst", "udzial_osi",
               "pkt_ludnosc", "pkt_liczba_jst", "pkt_udzial_osi", "punkty"]].assign(udzial_osi=ranked["udzial_osi"] * 100)
st.dataframe(view, hide_index=True, width="stretch", column_config={
    "miejsce": "Miejsce", "id": "Id", "nazwa": "Partnerstwo", "status": "Status",
    "spelnione": "Kryteria = 1", "ludnosc": st.column_config.NumberColumn("Ludność 31.12.2023", format="localized"),
    "liczba_jst": "JST", "udzial_osi": st.column_config.NumberColumn("Gminy w OSI [%]", format="%.0f"),
    "pkt_ludnosc": st.column_config.NumberColumn("pkt ludność", format="localized"),
    "pkt_liczba_jst": st.column_config.NumberColumn("pkt JST", format="localized"),
    "pkt_udzial_osi": st.column_config.NumberColumn("pkt OSI", format="localized"),
    "punkty": st.column_config.NumberColumn("Punkty razem", format="localized"),
})
if proposal:
    st.success("Propozycja (pierwsze partnerstwa o statusie „spełnia”): "
               + "; ".join(f"{md(i)} – {md(names[i])}" for i in proposal))
else:
    st.warning("Żadne partnerstwo nie ma statusu „spełnia” – brak propozycji. Sprawdź oceny i listę OSI ZTM.")

# --- sensitivity -------------------------------------------------------------------------------
with st.expander("Wrażliwość pierwszej trójki na wagi i próg ludności", expanded=False):
    c1, c2, c3 = st.columns(3)
    lo, hi = c1.slider("Próg ludności małego miasta – zakres", 10_000, 30_000,
                       (15_000, 25_000), 1_000, key="w_sens_prog")
    steps = c2.number_input("Liczba wartości progu", 2, 11, 5, key="w_sens_kroki")
    samples = c3.number_input("Losowań wag na próg", 10, 1000, 200, 10, key="w_sens_n")
    wr = st.columns(len(TIE_BREAKERS))
    ranges = {key: wr[i].slider(f"Zakres wagi: {label}", 0, 10, (0, 4), 1, key=f"w_sens_{key}")
              for i, (key, label) in enumerate(TIE_BREAKERS.items())}
    thresholds = sorted({int(round(lo + (hi - lo) * k / (steps - 1), -2)) for k in range(int(steps))})
    adjacency = loaders.adjacency(str(state.operator.shapes_dir) if state.operator.shapes_dir else None)
    verified = {r.id: {k.id: k.zweryfikowana for k in r.checklist.kryteria} for r in state.results}

    def frame_at(threshold: int) -> pd.DataFrame:
        ctx = build_context(state.register, replace(state.osi_settings, prog_ludnosci=threshold), adjacency, state.ctx.ztm)
        return bulk.check(state.forms.partnerships, state.register, ctx, verified)

    sens = sensitivity(frame_at, thresholds, ranges, samples=int(samples))
    st.plotly_chart(sensitivity_figure(sens), width="stretch", config={"displaylogo": False})
    st.caption(f"Progi: {', '.join(fmt_int(t) for t in thresholds)}; w każdym {fmt_int(samples)} losowań wag "
               "z zadanych zakresów. Słupek = odsetek scenariuszy, w których partnerstwo jest w pierwszej trójce.")

# --- the choice --------------------------------------------------------------------------------
st.subheader("Decyzja UM")
chosen = st.multiselect(f"Wybrane partnerstwa (najwyżej {MAX_SELECTED})", list(frame["id"]),
                        max_selections=MAX_SELECTED, format_func=lambda i: f"{i} – {names[i]} ({statuses[i]})",
                        key="w_wybrane", placeholder="wybierz partnerstwa…")
justifications = {}
for pid in chosen:
    justifications[pid] = st.text_area(f"Uzasadnienie wyboru: {pid} – {names[pid]}", key=f"w_uzas_{pid}",
                                       placeholder="Dlaczego to partnerstwo – pisemne uzasadnienie decyzji.")
problems = check_selection(chosen, statuses)
for p in problems:
    st.warning(p)
missing = [pid for pid in chosen if not justifications[pid].strip()]
if missing:
    st.info("Brak uzasadnienia dla: " + ", ".join(missing) + ".")

# --- timeline ----------------------------------------------------------------------------------
st.subheader("Harmonogram naboru (2020)")
milestones = [(FORMS_DEADLINE, "Formularze do UM"), (UM_DECISION, "Decyzja UM → MFiPR"),
              (MFIPR_ANNOUNCEMENT, "Ogłoszenie MFiPR (ok.)")]
subs = [(r.partnership.data_zgloszenia, f"{r.id} – {r.partnership.nazwa}", r.partnership.data_zgloszenia <= FORMS_DEADLINE)
        for r in state.results if r.partnership.data_zgloszenia is not None]
if subs:
    st.plotly_chart(timeline_figure(milestones, subs), width="stretch", config={"displaylogo": False})
no_date = [r.id for r in state.results if r.partnership.data_zgloszenia is None]
st.caption(f"Termin formularzy: {fmt_date_long(FORMS_DEADLINE)}; decyzja UM: {fmt_date_long(UM_DECISION)}; "
           f"ogłoszenie MFiPR: ok. {fmt_date_long(MFIPR_ANNOUNCEMENT)}. Czerwony krzyżyk: formularz po terminie."
           + (f" Bez daty zgłoszenia: {', '.join(no_date)}." if no_date else ""))

# --- export ------------------------------------------------------------------------------------
st.subheader("Pakiet dla MFiPR")
if not chosen:
    st.caption("Wybierz partnerstwa, aby przygotować pakiet.")
    st.stop()
if problems or missing:
    st.caption("Pakiet można pobrać, ale uwagi powyżej trafią do decyzji – popraw je przed wysłaniem.")

from cwd import export  # noqa: E402 - heavy (matplotlib), only when there is something to export

now = datetime.now(timezone.utc)
selected = [state.result(pid) for pid in chosen]
store = loaders.store()
assessments = store.get_all()
history = [h for h in store.history() if h.partnership_id in chosen]
settings_summary = (f"Próg małego miasta: {fmt_int(state.osi_settings.prog_ludnosci)} mieszk.; stan ludności na "
                    f"{fmt_date(state.osi_settings.data_ludnosci)}; obszar funkcjonalny: "
                    f"{FUNCTIONAL_AREA_LABELS[state.osi_settings.obszar_funkcjonalny]}; lista OSI ZTM: "
                    f"{state.ztm_label or 'nie wczytano'}; formularze: {state.forms_label}.")
c1, c2 = st.columns(2)
c1.download_button(
    "Pobierz XLSX", export.selection_xlsx(selected, state.register, assessments, history, justifications,
                                          generated=now, settings_summary=settings_summary),
    file_name=export.export_filename("wybor_partnerstw", now.date(), "xlsx"),
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", type="primary")
if c2.button("Przygotuj PDF z mapą"):
    from cwd.geo import dissolve_areas

    gminy, powiaty = loaders.display_layers(str(state.operator.shapes_dir) if state.operator.shapes_dir else None)
    areas = None if gminy is None else dissolve_areas(gminy, {r.id: r.gminy for r in selected})
    pdf = export.selection_pdf(selected, state.register, assessments, justifications, generated=now,
                               settings_summary=settings_summary, gminy_display=gminy,
                               powiaty_display=powiaty, areas=areas)
    c2.download_button("Pobierz PDF", pdf, file_name=export.export_filename("wybor_partnerstw", now.date(), "pdf"),
                       mime="application/pdf")
