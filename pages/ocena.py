"""Ocena: the checklist of one partnership – declared vs verified values, comments, history.

The form always starts from what is stored for (nabór, partnership); the person's edits live in a
draft (cwd.drafts) that survives page and partnership switches; a save sends only the criteria the
person changed, under the signed-in identity; a save refused because someone saved meanwhile keeps
the person's input on screen beside the fresh stored values.
"""
import pandas as pd
import streamlit as st

from cwd.auth import Action
from cwd.criteria import CRITERIA_COUNT
from cwd.drafts import Draft
from cwd.fmt import fmt_date, fmt_datetime
from cwd.nabor import partnership_stage
from cwd.store import CONFIRMATION, ConflictError, StoreError
from cwd.style import VALUE_LABELS, VALUE_SHORT
from cwd.ui import keys, loaders
from cwd.ui.chrome import page_title
from cwd.ui.context import page_context
from cwd.ui.tables import checklist_table
from cwd.ui.text import md
from cwd.ui.widgets import pick_partnership, reasons, status_badge, value_label

ctx = page_context()
ev, data, nabor = ctx.evaluation, ctx.sources, ctx.nabor
page_title(ctx, "Ocena – lista sprawdzająca")

pid = pick_partnership(ctx, hidden=ctx.view.presentation)
if pid is None:
    st.stop()
result = ev.result(pid)
p, c = result.partnership, result.checklist
row_hash = data.row_hashes.get(pid)
stored = data.snapshot.assessments.get(pid)
store = None
try:
    store = loaders.store()
    stored = loaders.db(store.assessment, nabor.id, pid)  # the freshest, not the cached snapshot
except StoreError as exc:
    st.error(md(str(exc)))
outdated = bool(stored is not None and stored.saved and stored.row_hash != row_hash)
stage = partnership_stage(pid, in_forms=True, submitted_on=p.data_zgloszenia, forms_deadline=nabor.stages.forms_deadline,
                          verified_values=stored.values if stored is not None and stored.saved else None,
                          assessed_row_hash=stored.row_hash if stored is not None else None, current_row_hash=row_hash)

st.markdown(f"### {md(p.nazwa)} {status_badge(c.status)}")
st.caption(f"Lider: {md(ctx.register.label(p.lider))} · JST: {len(p.czlonkowie)} · data zgłoszenia: "
           f"{fmt_date(p.data_zgloszenia)} · koordynator: {md(p.koordynator or '—')} · etap: {md(stage.label)}")
reasons(c.powody)

may_assess = ctx.may(Action.ASSESS) and store is not None
if outdated:
    st.warning(f"Ta ocena została zapisana dla wcześniejszej wersji formularza partnerstwa ({md(stored.assessor)}, "
               f"{fmt_datetime(stored.updated_at)}). Jest zachowana, ale nie liczy się do statusu, dopóki oceniający "
               "nie potwierdzi jej dla bieżącej wersji formularza (albo nie zmieni wartości i nie zapisze oceny).")
    if may_assess and st.button("Potwierdź ocenę dla bieżącej wersji formularza", key=f"_potwierdz_{pid}"):
        try:
            store.confirm_row(nabor.id, pid, actor=ctx.identity, expected_version=stored.version, row_hash=row_hash)
        except ConflictError as exc:
            st.error(md(str(exc)))  # names the person who saved meanwhile: text, not Markdown
        except (StoreError, PermissionError, ValueError) as exc:
            st.error(md(str(exc)))
        else:
            st.session_state[keys.assessment_state(pid, "flash")] = ("success", "Potwierdzono ocenę dla bieżącej wersji formularza.")
            st.rerun()

if msg := st.session_state.pop(keys.assessment_state(pid, "flash"), None):
    kind, text = msg
    getattr(st, kind)(text)

if ctx.view.presentation or not may_assess:  # read-only: the checklist as a table, no form
    checklist_table(result, stored, presentation=ctx.view.presentation)
    if not ctx.view.presentation:
        why = ("Przykładowy nabór jest tylko do odczytu." if nabor.demo else
               "Nabór jest zarchiwizowany – nic nie można w nim zapisać." if nabor.archived else
               "Zaloguj się jako oceniający, aby zapisywać oceny." if ctx.identity is None else
               f"Twoja rola ({ctx.identity.role.label}) nie pozwala zapisywać ocen." if store is not None else
               "Baza danych jest niedostępna – oceny nie można teraz zapisać.")
        st.info(why)
else:
    # The draft of this (nabór, partnership): from the stored assessment, or the person's unsaved edits
    # moved onto what is stored now (someone else may have saved since they started).
    drafts = st.session_state.setdefault("_drafts", {})
    draft = drafts.get((nabor.id, pid))
    conflicts = ()
    # A save clicked on a page drawn before someone else saved: the input is in the widgets of the old
    # base, so that form is handled as drawn and the store refuses it (ConflictError below keeps the input).
    # Rebasing first would draw fresh widgets and drop what the person typed without a word.
    save_key = keys.assessment_state(pid, "zapisz")
    stale_save = bool(st.session_state.get(save_key)) and draft is not None
    if draft is None:
        draft = Draft.from_stored(nabor.id, stored)
    elif draft.base_version != stored.version and not stale_save:
        rebased = draft.rebase(stored)
        draft, conflicts = rebased.draft, rebased.conflicts
    drafts[(nabor.id, pid)] = draft
    if conflicts:
        st.error("W międzyczasie ktoś zapisał tę ocenę. Twoje niezapisane zmiany są zachowane w formularzu; "
                 "sprawdź, czy nadal są właściwe, i zapisz ponownie:\n\n" + "\n".join(f"- {md(x.message)}" for x in conflicts))

    # Widget keys carry the base version: a new base shows the draft afresh, never a stale widget value.
    def wkey(criterion: str, part: str) -> str:
        return keys.assessment(pid, criterion, f"{part}{draft.base_version}")

    # Options are strings: a None option would show as an empty (unselected) box.
    TO_OPTION = {None: "brak", 1: "1", 0: "0"}
    FROM_OPTION = {v: k for k, v in TO_OPTION.items()}
    context_texts = {
        "I.1": ("Kwalifikowalność obszaru (OSI)", f"**{result.osi.werdykt}**  \n" + "  \n".join(md(x) for x in result.osi.powody)),
        "II.1": ("Pomysł na współpracę (z formularza)", md(p.pomysl or "—")),
        "II.2": ("Powiązania funkcjonalne (z formularza)", md(p.powiazania or "—")),
        "II.3": ("Doświadczenie we współpracy (z formularza)", md(p.doswiadczenie or "—")),
    }
    for k in c.kryteria:
        st.session_state.setdefault(wkey(k.id, "v"), TO_OPTION[draft.value(k.id)])
        st.session_state.setdefault(wkey(k.id, "k"), draft.comment(k.id))
    with st.form(f"ocena_{nabor.id}_{pid}"):
        widths = [3.3, 1.35, 1.55, 1.1, 2.7]
        head = st.columns(widths)
        for col, text in zip(head, ["Kryterium", "Deklaracja", "Weryfikacja UM", "Zapisane", "Komentarz"]):
            col.markdown(f"**{text}**")
        for k in c.kryteria:
            row = st.columns(widths)
            row[0].markdown(f"**{k.id}** {k.nazwa}")
            row[1].markdown(value_label(k.deklarowana))
            row[2].selectbox(f"Weryfikacja {k.id}", list(FROM_OPTION), key=wkey(k.id, "v"),
                             label_visibility="collapsed",
                             format_func=lambda o: "—" if o == "brak" else VALUE_LABELS[FROM_OPTION[o]])
            saved_value = stored.values.get(k.id)
            row[3].caption(VALUE_SHORT[saved_value] if stored.saved else "—")
            row[4].text_input(f"Komentarz {k.id}", key=wkey(k.id, "k"), label_visibility="collapsed",
                              placeholder="uzasadnienie, np. numer uchwały")
            if k.id in context_texts:
                title, body = context_texts[k.id]
                with row[0].expander(title):
                    st.markdown(body)
        st.caption(f"Zapisujesz jako: **{md(ctx.identity.label)}**. Zapis obejmuje tylko zmienione kryteria "
                   f"(z {CRITERIA_COUNT}); kolumna „Zapisane” pokazuje stan w bazie.")
        submitted = st.form_submit_button("Zapisz ocenę", type="primary", key=save_key)

    if submitted:
        values = {k.id: FROM_OPTION[st.session_state[wkey(k.id, "v")]] for k in c.kryteria}
        comments = {k.id: st.session_state[wkey(k.id, "k")] for k in c.kryteria}
        edited = draft.with_form(values, comments)
        drafts[(nabor.id, pid)] = edited
        if not edited.dirty:
            st.info("Nic nie zmieniono – nie ma czego zapisać.")
        else:
            try:
                new = store.save(nabor.id, pid, edited.changes(), actor=ctx.identity,
                                 expected_version=edited.base_version, row_hash=row_hash)
            except ConflictError as exc:
                rebased = edited.rebase(exc.current)
                drafts[(nabor.id, pid)] = rebased.draft
                st.session_state[keys.assessment_state(pid, "flash")] = (
                    "error", f"{md(str(exc))} Twoje zmiany są nadal w formularzu obok aktualnych, zapisanych wartości.")
                st.rerun()
            except (StoreError, PermissionError, ValueError) as exc:
                st.error(md(str(exc)))  # nothing was written; the draft keeps the person's input
            else:
                drafts[(nabor.id, pid)] = edited.saved(new)
                st.session_state[keys.assessment_state(pid, "flash")] = (
                    "success", f"Zapisano ocenę (wersja {new.version}, {fmt_datetime(new.updated_at)}, "
                               f"{md(new.assessor)}).")
                st.rerun()

st.subheader("Historia zmian")
history = []
if store is not None:
    try:
        history = loaders.db(store.history, nabor.id, pid)
    except StoreError as exc:
        st.error(md(str(exc)))
if not history:
    st.caption("Ta ocena nie była jeszcze zapisywana.")
else:
    st.dataframe(pd.DataFrame([{
        "Kiedy": fmt_datetime(h.changed_at),
        "Kto": h.assessor,
        "Kryterium": h.criterion if h.kind != CONFIRMATION else "potwierdzenie dla nowej wersji formularza",
        "Było": value_label(h.old_value) if h.kind != CONFIRMATION else "",
        "Jest": value_label(h.new_value) if h.kind != CONFIRMATION else "",
        "Komentarz": h.comment,
    } for h in history]), hide_index=True, width="stretch")
