"""Wybór: the suggested order, its sensitivity, the human choice of at most 3 and the export."""
from dataclasses import replace
from datetime import datetime, timezone

import streamlit as st

from cwd import bulk
from cwd.charts import sensitivity_figure, timeline_figure
from cwd.evaluation import results_frame
from cwd.fmt import fmt_date_long, fmt_datetime, fmt_int
from cwd.osi import build_context
from cwd.selection import TIE_BREAKERS, Weights, check_selection, rank, sensitivity, suggested
from cwd.settings import FORMS_DEADLINE, MAX_SELECTED, MFIPR_ANNOUNCEMENT, UM_DECISION, settings_summary
from cwd.ui import loaders
from cwd.ui.chrome import example_notice, exit_presentation_link, page_title
from cwd.ui.state import app_state
from cwd.ui.text import md
from cwd.ui.widgets import kept, status_badge, table



state = app_state()
hide = state.presentation
exit_presentation_link(state)
page_title(state, "Wybór partnerstw (najwyżej 3)")
example_notice(state)
if not state.results:
    st.info("Brak partnerstw – wczytaj formularze na stronie „Dane”.")
    st.stop()

frame = results_frame(state.results, state.register)
names = dict(zip(frame["id"], frame["nazwa"]))
statuses = dict(zip(frame["id"], frame["status"]))

# --- suggested order ---------------------------------------------------------------------------
st.subheader("Proponowana kolejność")
st.markdown("Najpierw status (**spełnia** → niekompletna → nie spełnia), potem liczba kryteriów spełnionych, "
            "potem punkty za kryteria rozstrzygające (wartość ÷ największa wśród kandydatów × waga), "
            "na końcu identyfikator.")
defaults = Weights()
wcols = st.columns(len(TIE_BREAKERS))
weights = Weights(**{
    key: kept(wcols[i].slider, f"w_waga_{key}", int(getattr(defaults, key)), f"Waga: {label}", 0, 10, step=1,
              hidden=hide)
    for i, (key, label) in enumerate(TIE_BREAKERS.items())
})
if hide:
    st.caption("Wagi: " + "; ".join(f"{label} × {fmt_int(getattr(weights, key))}" for key, label in TIE_BREAKERS.items()))
ranked = rank(frame, weights)
proposal = suggested(ranked)
ranked = ranked.round({"pkt_ludnosc": 2, "pkt_liczba_jst": 2, "pkt_udzial_osi": 2, "punkty": 2})
view = ranked[["miejsce", "id", "nazwa", "status", "spelnione", "ludnosc", "liczba_jst", "udzial_osi",
               "pkt_ludnosc", "pkt_liczba_jst", "pkt_udzial_osi", "punkty"]].assign(
    udzial_osi=(ranked["udzial_osi"] * 100).round(0))
table(view, presentation=hide, column_config={
    "miejsce": st.column_config.NumberColumn("Miejsce", width="small"), "id": st.column_config.TextColumn("Id", width="small"),
    "nazwa": st.column_config.TextColumn("Partnerstwo", width="medium"), "status": "Status",
    "spelnione": st.column_config.NumberColumn("Kryt. = 1", width="small"),
    "ludnosc": st.column_config.NumberColumn("Ludność 31.12.2023", format="localized", width="small"),
    "liczba_jst": st.column_config.NumberColumn("JST", width="small"),
    "udzial_osi": st.column_config.NumberColumn("Gminy w OSI [%]", format="localized", width="small"),
    "pkt_ludnosc": st.column_config.NumberColumn("pkt ludność", format="localized", width="small"),
    "pkt_liczba_jst": st.column_config.NumberColumn("pkt JST", format="localized", width="small"),
    "pkt_udzial_osi": st.column_config.NumberColumn("pkt OSI", format="localized", width="small"),
    "punkty": st.column_config.NumberColumn("Punkty razem", format="localized", width="small"),
})
if proposal:
    st.success("Propozycja (pierwsze partnerstwa o statusie „spełnia”): "
               + "; ".join(f"{md(i)} – {md(names[i])}" for i in proposal))
else:
    st.warning("Żadne partnerstwo nie ma statusu „spełnia” – brak propozycji. Sprawdź oceny i listę OSI ZTM.")

# --- sensitivity -------------------------------------------------------------------------------
with st.expander("Wrażliwość pierwszej trójki na wagi i próg ludności", expanded=hide):
    c1, c2, c3 = st.columns(3)
    lo, hi = kept(c1.slider, "w_sens_prog", (15_000, 25_000), "Próg ludności małego miasta – zakres",
                  10_000, 30_000, step=1_000, hidden=hide)
    steps = kept(c2.number_input, "w_sens_kroki", 5, "Liczba wartości progu", 2, 11, hidden=hide)
    samples = kept(c3.number_input, "w_sens_n", 200, "Losowań wag na próg", 10, 1000, step=10, hidden=hide)
    wr = st.columns(len(TIE_BREAKERS))
    ranges = {key: kept(wr[i].slider, f"w_sens_{key}", (0, 4), f"Zakres wagi: {label}", 0, 10, step=1, hidden=hide)
              for i, (key, label) in enumerate(TIE_BREAKERS.items())}
    thresholds = sorted({int(round(lo + (hi - lo) * k / (steps - 1), -2)) for k in range(int(steps))})
    adjacency = loaders.adjacency(str(state.operator.shapes_dir) if state.operator.shapes_dir else None)
    verified = {r.id: {k.id: k.zweryfikowana for k in r.checklist.kryteria} for r in state.results}
    columns = bulk.batch(state.forms.partnerships)

    def frame_at(threshold: int):
        ctx = build_context(state.register, replace(state.osi_settings, prog_ludnosci=threshold), adjacency,
                            state.ctx.ztm)
        return bulk.check_batch(columns, state.register, ctx, verified)

    sens = sensitivity(frame_at, thresholds, ranges, samples=int(samples))
    st.plotly_chart(sensitivity_figure(sens), width="stretch",
                    config={"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 3,
                                                                           "filename": "cwd_wrazliwosc"}})
    st.caption(f"Progi: {', '.join(fmt_int(t) for t in thresholds)} mieszk.; przy każdym {fmt_int(samples)} losowań "
               "wag z zadanych zakresów. Słupek: odsetek scenariuszy, w których partnerstwo jest w pierwszej trójce.")

# --- the choice --------------------------------------------------------------------------------
st.subheader("Decyzja UM")
store = loaders.store()
recorded = store.latest_decision()
if recorded is not None and "_kept_w_wybrane" not in st.session_state:
    # A new session starts from the recorded decision.
    st.session_state["_kept_w_wybrane"] = [pid for pid in recorded.ids if pid in names]
    for pid in recorded.ids:
        st.session_state.setdefault(f"_kept_w_uzas_{pid}", recorded.justification(pid))
if recorded is not None:
    st.caption(f"Zapisana decyzja: {', '.join(md(pid) for pid in recorded.ids)} – zapisał(a) {md(recorded.decided_by)}, "
               f"{fmt_datetime(recorded.decided_at)}.")
if [i for i in st.session_state.get("_kept_w_wybrane", []) if i not in names]:  # the forms changed
    st.session_state["_kept_w_wybrane"] = [i for i in st.session_state["_kept_w_wybrane"] if i in names]
    st.session_state.pop("w_wybrane", None)
chosen = kept(st.multiselect, "w_wybrane", [], f"Wybrane partnerstwa (najwyżej {MAX_SELECTED})", list(frame["id"]),
              max_selections=MAX_SELECTED, format_func=lambda i: f"{i} – {names[i]} ({statuses[i]})",  # options are plain text
              placeholder="wybierz partnerstwa…", hidden=hide)
justifications = {}
for pid in chosen:
    justifications[pid] = kept(st.text_area, f"w_uzas_{pid}", "", f"Uzasadnienie wyboru: {md(pid)} – {md(names[pid])}",
                               placeholder="Dlaczego to partnerstwo – pisemne uzasadnienie decyzji.", hidden=hide)
    if hide:
        st.markdown(f"**{md(pid)} – {md(names[pid])}** {status_badge(statuses[pid])}  \n"
                    + md(justifications[pid] or "— brak uzasadnienia —"))
if hide and not chosen:
    st.caption("Nie wybrano jeszcze partnerstw.")
problems = check_selection(chosen, statuses)
for p in problems:
    st.warning(p)
missing = [pid for pid in chosen if not justifications[pid].strip()]
if missing and not hide:
    st.info("Brak uzasadnienia dla: " + ", ".join(missing) + ".")
if chosen and not hide:
    who_col, save_col = st.columns([3, 1], vertical_alignment="bottom")
    who = kept(who_col.text_input, "w_decyzja_kto", "", "Decyzję zapisuje (imię i nazwisko)")
    if save_col.button("Zapisz decyzję", type="primary", disabled=bool(problems or missing)):
        try:
            saved = store.save_decision([(pid, names[pid], justifications[pid]) for pid in chosen], who,
                                        settings=settings_summary(state.osi_settings, state.ztm_label, state.forms_label))
        except ValueError as exc:
            st.error(str(exc))
        else:
            st.success(f"Zapisano decyzję ({fmt_datetime(saved.decided_at)}). Poprzednie decyzje pozostają w rejestrze.")
    if problems or missing:
        st.caption("Decyzję można zapisać, gdy wybrane partnerstwa mają status „spełnia” i uzasadnienia.")

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
if hide:
    st.stop()
st.subheader("Pakiet dla MFiPR")
if not chosen:
    st.caption("Wybierz partnerstwa, aby przygotować pakiet.")
    st.stop()
if problems or missing:
    st.caption("Pakiet można pobrać, ale uwagi powyżej trafią do decyzji – popraw je przed wysłaniem.")

from cwd import export  # noqa: E402 - heavy (matplotlib), only when there is something to export

now = datetime.now(timezone.utc)
selected = [state.result(pid) for pid in chosen]
summary = settings_summary(state.osi_settings, state.ztm_label, state.forms_label)
shapes_dir = str(state.operator.shapes_dir) if state.operator.shapes_dir else None
register, illustrative, chosen_ids = state.register, state.forms_is_example, list(chosen)
justifications = dict(justifications)


# Built only when clicked (callables run outside the script: everything they need is captured here).
def xlsx() -> bytes:
    history = [h for h in store.history() if h.partnership_id in chosen_ids]
    return export.selection_xlsx(selected, register, store.get_all(), history, justifications, generated=now,
                                 settings_summary=summary, illustrative=illustrative)


gminy, powiaty = loaders.display_layers(shapes_dir)


def pdf() -> bytes:
    from cwd.geo import dissolve_areas

    areas = None if gminy is None else dissolve_areas(gminy, {r.id: r.gminy for r in selected})
    return export.selection_pdf(selected, register, store.get_all(), justifications, generated=now,
                                settings_summary=summary, gminy_display=gminy, powiaty_display=powiaty,
                                areas=areas, illustrative=illustrative)


c1, c2 = st.columns(2)
c1.download_button("Pobierz zestawienie XLSX", xlsx, file_name=export.export_filename(export.KIND_SELECTION, now.date(), "xlsx"),
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", type="primary",
                   on_click="ignore")
c2.download_button("Pobierz podsumowanie PDF z mapą", pdf,
                   file_name=export.export_filename(export.KIND_SELECTION, now.date(), "pdf"),
                   mime="application/pdf", on_click="ignore")
