"""Wybór: the suggested order, its sensitivity, the UM decision (≤ 3, justified, on verified data or a
recorded override), the call's timeline and the package for MFiPR."""
from datetime import date, datetime, timezone

import pandas as pd
import streamlit as st

from cwd.auth import Action
from cwd.criteria import CRITERIA_COUNT
from cwd.fmt import fmt_date, fmt_date_long, fmt_datetime, fmt_int
from cwd.nabor import partnership_stage, timeline
from cwd.selection import MAX_SELECTED, TIE_BREAKERS, Weights, check_selection, rank, suggested, threshold_grid
from cwd.settings import settings_summary
from cwd.store import DecisionConflictError, OutdatedDataError, StoreError, UnverifiedPicksError
from cwd.ui import figures, keys, loaders
from cwd.ui.chrome import page_title
from cwd.ui.context import page_context
from cwd.ui.links import selected_actions
from cwd.ui.tables import ranking_table
from cwd.ui.text import md
from cwd.ui.widgets import kept, status_badge, table

ctx = page_context()
ev, data, nabor = ctx.evaluation, ctx.sources, ctx.nabor
hide = ctx.view.presentation
page_title(ctx, "Wybór partnerstw (najwyżej 3)")
if not ev.results:
    st.info("Brak partnerstw – wczytaj formularze na stronie „Dane”.")
    st.stop()

frame = ev.frame
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
    key: kept(wcols[i].slider, keys.weight(key), int(getattr(defaults, key)), f"Waga: {label}", 0, 10, step=1,
              hidden=hide)
    for i, (key, label) in enumerate(TIE_BREAKERS.items())
})
if hide:
    st.caption("Wagi: " + "; ".join(f"{label} × {fmt_int(getattr(weights, key))}" for key, label in TIE_BREAKERS.items()))
ranked = rank(frame, weights)
proposal = suggested(ranked)
clicked = ranking_table(ctx, ranked, key="t_ranking")
if clicked:
    ctx.selection.set_partnership(clicked)
if not hide and (pid := ctx.selection.partnership()) in names:
    selected_actions(ctx, pid)  # the partnership selected on any page is the selected one here too
if proposal:
    st.success("Propozycja (pierwsze partnerstwa o statusie „spełnia”): "
               + "; ".join(f"{md(i)} – {md(names[i])}" for i in proposal))
else:
    st.warning("Żadne partnerstwo nie ma statusu „spełnia” – brak propozycji. Sprawdź oceny i listę OSI ZTM.")

# --- sensitivity -------------------------------------------------------------------------------
with st.expander("Wrażliwość pierwszej trójki na wagi i próg ludności", expanded=hide):
    c1, c2, c3 = st.columns(3)
    lo, hi = kept(c1.slider, keys.sensitivity("prog"), (15_000, 25_000), "Próg ludności małego miasta – zakres",
                  10_000, 30_000, step=1_000, hidden=hide)
    steps = kept(c2.number_input, keys.sensitivity("kroki"), 5, "Liczba wartości progu", 2, 11, hidden=hide)
    samples = kept(c3.number_input, keys.sensitivity("n"), 200, "Losowań wag na próg", 10, 1000, step=10, hidden=hide)
    wr = st.columns(len(TIE_BREAKERS))
    ranges = {key: kept(wr[i].slider, keys.sensitivity(key), (0, 4), f"Zakres wagi: {label}", 0, 10, step=1, hidden=hide)
              for i, (key, label) in enumerate(TIE_BREAKERS.items())}
    thresholds = threshold_grid(lo, hi, steps)
    note = (f"Progi: {', '.join(fmt_int(t) for t in thresholds)} mieszk.; {fmt_int(samples)} losowań wag na próg; "
            f"liczą się tylko partnerstwa o statusie „spełnia” w danym scenariuszu; ludność gmin: stan na "
            f"{fmt_date(ctx.register.pop_now_date)}")
    _sens, sens_figure = figures.sensitivity(ctx.evaluation_key, tuple(thresholds), tuple(sorted(ranges.items())),
                                             int(samples), hide, ctx, note)
    st.plotly_chart(sens_figure, width="stretch",
                    config={"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 3,
                                                                           "filename": "cwd_wrazliwosc"}})
    st.caption("Słupek: odsetek scenariuszy, w których partnerstwo jest wśród pierwszych trzech kwalifikujących się.")

# --- the UM decision -----------------------------------------------------------------------------
st.subheader("Decyzja UM")
recorded = data.snapshot.latest_decision
store = None
try:
    store = loaders.store()
    recorded = loaders.db(store.latest_decision, nabor.id)
except StoreError as exc:
    st.error(md(str(exc)))
forms_v = data.snapshot.forms_version.version if data.snapshot.forms_version else None
ztm_v = data.snapshot.ztm_version.version if data.snapshot.ztm_version else None
seen_key = f"_decyzja_widziana_{nabor.id}"
if seen_key not in st.session_state:  # the decision this person saw when they started deciding
    st.session_state[seen_key] = recorded.number if recorded else 0
current_basis = recorded is not None and recorded.forms_version == forms_v and recorded.ztm_version == ztm_v
if recorded is not None:
    basis = f"formularze w wersji {recorded.forms_version or '–'}, lista OSI ZTM: " + (
        f"wersja {recorded.ztm_version}" if recorded.ztm_version else "brak")
    st.caption(f"Zapisana decyzja nr {recorded.number}: {', '.join(md(p.partnership_id) for p in recorded.picks)} – "
               f"zapisał(a) {md(recorded.decided_by)}, {fmt_datetime(recorded.decided_at)} ({basis}).")
    if not current_basis:
        st.warning("Zapisana decyzja dotyczy innych danych niż bieżące (inna wersja formularzy lub listy OSI ZTM) – "
                   "nie jest wczytywana do wyboru poniżej.")
picks_kept = keys.kept(keys.PICKS)
if st.session_state.get("_wybor_nabor") != nabor.id:  # another nabór: never the picks and texts of the last one
    st.session_state["_wybor_nabor"] = nabor.id
    own = (keys.PICKS, keys.justification(""), keys.override(""))
    for key in [k for k in st.session_state if k.startswith(own + tuple(keys.kept(o) for o in own))]:
        del st.session_state[key]
if picks_kept not in st.session_state and recorded is not None and current_basis:
    # A new session starts from the recorded decision, when it was made on these data.
    st.session_state[picks_kept] = [p.partnership_id for p in recorded.picks if p.partnership_id in names]
    for p in recorded.picks:
        st.session_state.setdefault(keys.kept(keys.justification(p.partnership_id)), p.justification)
        st.session_state.setdefault(keys.kept(keys.override(p.partnership_id)), p.override)
if [i for i in st.session_state.get(picks_kept, []) if i not in names]:  # the forms changed
    st.session_state[picks_kept] = [i for i in st.session_state[picks_kept] if i in names]
    st.session_state.pop(keys.PICKS, None)
chosen = kept(st.multiselect, keys.PICKS, [], f"Wybrane partnerstwa (najwyżej {MAX_SELECTED})", list(frame["id"]),
              max_selections=MAX_SELECTED, format_func=lambda i: f"{i} – {names[i]} ({statuses[i]})",
              placeholder="wybierz partnerstwa…", select_all=False, hidden=hide)
gaps = {}
if store is not None and chosen:
    try:
        gaps = loaders.db(store.unverified, nabor.id, chosen, data.row_hashes)
    except StoreError as exc:
        st.error(md(str(exc)))
justifications, overrides = {}, {}
for pid in chosen:
    justifications[pid] = kept(st.text_area, keys.justification(pid), "", f"Uzasadnienie wyboru: {md(pid)} – {md(names[pid])}",
                               placeholder="Dlaczego to partnerstwo – pisemne uzasadnienie decyzji.", hidden=hide)
    if pid in gaps:
        st.warning(f"{md(pid)} nie ma pełnej weryfikacji UM ({md('; '.join(gaps[pid]))}).")
        overrides[pid] = kept(st.text_area, keys.override(pid), "",
                              f"Powód wyboru bez pełnej weryfikacji UM: {md(pid)}",
                              placeholder="Powód odstępstwa – zostanie zapisany i wydrukowany w pakiecie dla MFiPR.",
                              hidden=hide)
    if hide:
        st.markdown(f"**{md(pid)} – {md(names[pid])}** {status_badge(statuses[pid])}  \n"
                    + md(justifications[pid] or "— brak uzasadnienia —"))
if hide and not chosen:
    st.caption("Nie wybrano jeszcze partnerstw.")
problems = check_selection(chosen, statuses)
for p in problems:
    st.warning(p)
missing = [pid for pid in chosen if not justifications[pid].strip()]
no_reason = [pid for pid in gaps if not (overrides.get(pid) or "").strip()]
if missing and not hide:
    st.info("Brak uzasadnienia dla: " + ", ".join(missing) + ".")
if chosen and not hide:
    if not ctx.may(Action.DECIDE):
        st.info("Decyzję UM zapisuje osoba z rolą „zatwierdzający”." if not nabor.demo and not nabor.archived
                else "W tym naborze nie można zapisać decyzji (tylko do odczytu).")
    else:
        st.caption(f"Zapisujesz jako: **{md(ctx.identity.label)}**.")
        if st.button("Zapisz decyzję", type="primary", disabled=bool(missing or no_reason)):
            picks = [(pid, names[pid], justifications[pid], overrides.get(pid, "")) for pid in chosen]
            try:
                saved = store.save_decision(
                    nabor.id, picks, actor=ctx.identity, expected_decision=st.session_state[seen_key],
                    forms_version=forms_v, ztm_version=ztm_v, settings=ctx.osi,
                    summary=settings_summary(ctx.osi, data.ztm_label, data.forms_label), row_hashes=data.row_hashes)
            except DecisionConflictError as exc:
                current = exc.current
                st.session_state[seen_key] = current.number if current else 0
                st.error(f"{md(str(exc))} Twój wybór nie został zapisany. Obejrzyj zapisaną decyzję (powyżej po odświeżeniu) "
                         "i zdecyduj ponownie – kolejny zapis zastąpi ją jako najnowszą, obie zostaną w rejestrze.")
            except (UnverifiedPicksError, OutdatedDataError, StoreError, PermissionError, ValueError) as exc:
                st.error(md(str(exc)))
            else:
                st.session_state[seen_key] = saved.number
                st.success(f"Zapisano decyzję nr {saved.number} ({fmt_datetime(saved.decided_at)}). "
                           "Poprzednie decyzje pozostają w rejestrze.")
        if missing or no_reason:
            st.caption("Decyzję można zapisać, gdy każde wybrane partnerstwo ma uzasadnienie, a wybrane bez pełnej "
                       "weryfikacji UM – także zapisany powód.")

# --- the call's timeline and each partnership's stage ---------------------------------------------
st.subheader("Harmonogram naboru")
plan = timeline(nabor.stages, [(r.id, r.partnership.nazwa, r.partnership.data_zgloszenia) for r in ev.results])
if plan.submissions:
    st.plotly_chart(figures.timeline(tuple((m.day, m.label) for m in plan.milestones),
                                     tuple((s.day, s.label, s.on_time) for s in plan.submissions), hide),
                    width="stretch", config={"displaylogo": False})
stages = nabor.stages
st.caption(f"Termin formularzy: {fmt_date_long(stages.forms_deadline) if stages.forms_deadline else '—'}; decyzja UM: "
           f"{fmt_date_long(stages.um_decision) if stages.um_decision else '—'}; ogłoszenie MFiPR: ok. "
           f"{fmt_date_long(stages.mfipr_announcement) if stages.mfipr_announcement else '—'}. Czerwony krzyżyk: "
           "formularz po terminie." + (f" Bez daty zgłoszenia: {', '.join(plan.undated)}." if plan.undated else ""))
decided_ids = [p.partnership_id for p in recorded.picks] if recorded is not None and current_basis else None
with st.expander("Etap każdego partnerstwa", expanded=hide):
    rows = []
    for r in ev.results:
        a = data.snapshot.assessments.get(r.id)
        s = partnership_stage(r.id, in_forms=True, submitted_on=r.partnership.data_zgloszenia,
                              forms_deadline=stages.forms_deadline,
                              verified_values=a.values if a is not None and a.saved else None,
                              assessed_row_hash=a.row_hash if a is not None else None,
                              current_row_hash=data.row_hashes.get(r.id), decision_ids=decided_ids)
        rows.append({"Id": r.id, "Partnerstwo": r.partnership.nazwa, "Etap": s.label,
                     f"Zweryfikowane (z {CRITERIA_COUNT})": s.verified})
    # Presentation: a static table like every other (a data grid draws on a canvas, in small type).
    stage_frame = pd.DataFrame(rows)
    table(stage_frame, column_config={c: c for c in stage_frame.columns}, presentation=hide)

# --- the package for MFiPR -----------------------------------------------------------------------
if hide:
    st.stop()
st.subheader("Pakiet dla MFiPR")
if not chosen:
    st.caption("Wybierz partnerstwa, aby przygotować pakiet.")
    st.stop()
if problems or missing or no_reason:
    st.caption("Pakiet można przygotować, ale uwagi powyżej trafią do decyzji – popraw je przed wysłaniem.")

same = recorded is not None and current_basis and [p.partnership_id for p in recorded.picks] == list(chosen)
left, right = st.columns(2)
want = None
if left.button("Przygotuj zestawienie XLSX", type="primary"):
    want = "xlsx"
if right.button("Przygotuj podsumowanie PDF z mapą"):
    want = "pdf"
if want:
    from cwd import export

    with st.spinner("Przygotowanie pakietu…"):
        try:
            assessments = loaders.db(store.assessments, nabor.id) if store is not None else {}
            history = loaders.db(store.history, nabor.id) if store is not None else []
            selected = [ev.result(pid) for pid in chosen]
            layers = (export.map_layers(ctx.register, ev.ctx, loaders.display_layers(), selected, ev.ids)
                      if want == "pdf" else None)
            package = export.MfiprPackage(
                selected=selected, register=ctx.register, generated=datetime.now(timezone.utc),
                assessments=assessments, history=history, justifications=justifications, override_reasons=overrides,
                call_name=nabor.name, call_id=nabor.id, forms_version=data.forms_label,
                ztm_version=data.ztm_label or "nie wczytano",
                settings=settings_summary(ctx.osi, data.ztm_label, data.forms_label),
                decided_by=recorded.decided_by if same else None, decided_at=recorded.decided_at if same else None,
                illustrative=data.is_example, map_layers=layers,
                timeline=[(m.day, m.label) for m in plan.milestones])
            content = export.selection_xlsx(package) if want == "xlsx" else export.selection_pdf(package)
        except export.ExportError as exc:
            st.error(md(f"{exc} Pakietu nie przygotowano; zmień wskazane dane i spróbuj ponownie."))
        except StoreError as exc:
            st.error(md(f"{exc} Pakietu nie przygotowano."))
        else:
            st.session_state["_pakiet"] = (nabor.id, tuple(chosen), want, content)
ready = st.session_state.get("_pakiet")
if ready is not None and ready[:2] == (nabor.id, tuple(chosen)):  # only for the choice it was made for
    from cwd.export import KIND_SELECTION, export_filename

    _nabor, _chosen, kind, content = ready
    mime = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if kind == "xlsx" else "application/pdf")
    st.download_button(f"Pobierz przygotowany plik {kind.upper()}", content,
                       file_name=export_filename(KIND_SELECTION, date.today(), kind), mime=mime, on_click="ignore")
    if not same:
        st.caption("To zestawienie robocze: wybór różni się od zapisanej decyzji UM (albo jej jeszcze nie zapisano).")
