"""Ocena: the checklist of one partnership – declared vs verified values, comments, history."""
import pandas as pd
import streamlit as st

from cwd.fmt import fmt_date, fmt_datetime
from cwd.criteria import CRITERIA_IDS
from cwd.store import ConflictError
from cwd.ui import loaders
from cwd.ui.chrome import example_notice, exit_presentation_link, page_title
from cwd.ui.state import app_state
from cwd.ui.text import md
from cwd.ui.widgets import criteria_matrix, pick_partnership, reasons, status_badge, value_label

state = app_state()
exit_presentation_link(state)
page_title(state, "Ocena – lista sprawdzająca")
example_notice(state)

pid = pick_partnership(state, hidden=state.presentation)
if pid is None:
    st.stop()
result = state.result(pid)
p = result.partnership
store = loaders.store()
saved = store.get(pid)

# Selectbox options are strings: a None value would show as an empty (unselected) box.
TO_OPTION = {None: "brak", 1: "1", 0: "0"}
FROM_OPTION = {v: k for k, v in TO_OPTION.items()}
OPTION_LABELS = {"brak": "—", "1": "1 – tak", "0": "0 – nie"}

# The version the user started editing from: a save against it is refused if someone saved since.
base_key = f"oc_base_{pid}"
if base_key not in st.session_state or st.session_state.pop(f"oc_reload_{pid}", False):
    st.session_state[base_key] = saved.version
    for c in CRITERIA_IDS:
        st.session_state[f"oc_{pid}_{c}_v"] = TO_OPTION[saved.values.get(c)]
        st.session_state[f"oc_{pid}_{c}_k"] = saved.comments.get(c, "")
    st.session_state[f"oc_{pid}_who"] = saved.assessor or st.session_state.get("oc_last_assessor", "")

c = result.checklist
st.markdown(f"### {md(p.nazwa)} {status_badge(c.status)}")
st.caption(f"Lider: {md(state.register.label(p.lider))} · JST: {len(p.czlonkowie)} · "
           f"data zgłoszenia: {fmt_date(p.data_zgloszenia)} · koordynator: {md(p.koordynator or '—')}")
reasons(c.powody)

if state.presentation:  # read-only: the checklist as a table, no form
    st.table(criteria_matrix([result]))
    st.stop()

if msg := st.session_state.pop(f"oc_flash_{pid}", None):
    kind, text = msg
    getattr(st, kind)(text)

CONTEXT = {
    "I.1": ("Kwalifikowalność obszaru (OSI)", f"**{result.osi.werdykt}**  \n" + "  \n".join(md(x) for x in result.osi.powody)),
    "II.1": ("Pomysł na współpracę (z formularza)", md(p.pomysl or "—")),
    "II.2": ("Powiązania funkcjonalne (z formularza)", md(p.powiazania or "—")),
    "II.3": ("Doświadczenie we współpracy (z formularza)", md(p.doswiadczenie or "—")),
}

with st.form(f"ocena_{pid}"):
    head = st.columns([4, 1.3, 1.6, 3])
    for col, text in zip(head, ["Kryterium", "Deklaracja", "Weryfikacja UM", "Komentarz"]):
        col.markdown(f"**{text}**")
    for k in c.kryteria:
        row = st.columns([4, 1.3, 1.6, 3])
        row[0].markdown(f"**{k.id}** {k.nazwa}")
        row[1].markdown(value_label(k.deklarowana))
        row[2].selectbox(f"Weryfikacja {k.id}", list(OPTION_LABELS), key=f"oc_{pid}_{k.id}_v",
                         label_visibility="collapsed", format_func=OPTION_LABELS.get)
        row[3].text_input(f"Komentarz {k.id}", key=f"oc_{pid}_{k.id}_k", label_visibility="collapsed",
                          placeholder="uzasadnienie, np. numer uchwały")
        if k.id in CONTEXT:
            title, body = CONTEXT[k.id]
            with row[0].expander(title):
                st.markdown(body)
    who = st.text_input("Oceniający (imię i nazwisko)", key=f"oc_{pid}_who")
    submitted = st.form_submit_button("Zapisz ocenę", type="primary")

if submitted:
    values = {k: FROM_OPTION[st.session_state[f"oc_{pid}_{k}_v"]] for k in CRITERIA_IDS}
    comments = {k: st.session_state[f"oc_{pid}_{k}_k"].strip() for k in CRITERIA_IDS}
    try:
        new = store.save(pid, values, comments, who.strip(), expected_version=st.session_state[base_key])
    except ConflictError as exc:
        st.session_state[f"oc_reload_{pid}"] = True
        st.session_state[f"oc_flash_{pid}"] = ("error", str(exc) + " Poniżej są aktualne, zapisane wartości.")
        st.rerun()
    except ValueError as exc:
        st.error(str(exc))
    else:
        st.session_state["oc_last_assessor"] = new.assessor
        st.session_state[f"oc_reload_{pid}"] = True
        st.session_state[f"oc_flash_{pid}"] = ("success", f"Zapisano ocenę (wersja {new.version}, {fmt_datetime(new.updated_at)}).")
        st.rerun()

st.subheader("Historia zmian")
history = store.history(pid)
if not history:
    st.caption("Ta ocena nie była jeszcze zapisywana.")
else:
    st.dataframe(pd.DataFrame([{
        "Kiedy": fmt_datetime(h.changed_at),
        "Kto": h.assessor,
        "Kryterium": h.criterion,
        "Było": value_label(h.old_value),
        "Jest": value_label(h.new_value),
        "Komentarz": h.comment,
    } for h in history]), hide_index=True, width="stretch")
