"""Dane: the nabór (call) and its file versions, new versions of the forms and of the OSI ZTM list,
the validation report, templates, the sources of every table, the database's status."""
from datetime import date

import pandas as pd
import streamlit as st

from cwd.auth import Action
from cwd.fmt import fmt_date, fmt_datetime
from cwd.nabor import StageDates, phase
from cwd.paths import DATA_DIR
from cwd.store import FORMS, ZTM, StoreError
from cwd.template import template_xlsx_bytes
from cwd.ui import keys, loaders
from cwd.ui.chrome import page_title
from cwd.ui.context import page_context
from cwd.ui.tables import problems_table, versions_table
from cwd.ui.text import md

ctx = page_context()
nabor, data = ctx.nabor, ctx.sources
page_title(ctx, "Dane")


def store_call(method: str, *args, **kwargs):
    """A call of the store; a refusal or a database failure becomes its Polish message (a write
    then wrote nothing: the store's writes are whole transactions)."""
    try:
        return getattr(loaders.store(), method)(*args, **kwargs), None
    except (StoreError, PermissionError, ValueError) as exc:
        return None, str(exc)


# --- the nabór ---------------------------------------------------------------------------------------
st.subheader("Nabór")
stages = nabor.stages
decided = data.snapshot.latest_decision is not None
st.markdown(
    f"**{md(nabor.name)}** (`{md(nabor.id)}`) · etap: **{phase(stages, date.today(), decided=decided, archived=nabor.archived).value}**  \n"
    f"Formularze do: {fmt_date(stages.forms_deadline)} · decyzja UM: {fmt_date(stages.um_decision)} · "
    f"ogłoszenie MFiPR (ok.): {fmt_date(stages.mfipr_announcement)}"
    + (f"  \nUtworzył(a): {md(nabor.created_by)}, {fmt_datetime(nabor.created_at)}" if nabor.created_at else "")
    + (f"  \nZarchiwizował(a): {md(nabor.archived_by)}, {fmt_datetime(nabor.archived_at)}" if nabor.archived else ""))
if nabor.demo:
    if ctx.identity is not None:
        st.info("To przykładowy nabór – tylko do odczytu. Utwórz nowy nabór, aby wczytać własne formularze.")
    elif ctx.access.required:
        st.info("To przykładowy nabór – tylko do odczytu. Zaloguj się jako oceniający, aby pracować na własnych "
                "naborach; poniżej możesz sprawdzić plik bez zapisywania.")
    else:
        st.info("To przykładowy nabór – tylko do odczytu; poniżej możesz sprawdzić plik bez zapisywania. Aby pracować "
                "na własnych danych, administrator zakłada pierwsze konto poleceniem "
                "`python -m cwd users add LOGIN --name \"Imię Nazwisko\" --rola zatwierdzajacy --admin`.")


def stage_inputs(prefix: str, current: StageDates) -> StageDates:
    c1, c2, c3 = st.columns(3)
    return StageDates(
        forms_deadline=c1.date_input("Termin formularzy", current.forms_deadline, key=f"{prefix}_f", format="DD.MM.YYYY"),
        um_decision=c2.date_input("Decyzja UM", current.um_decision, key=f"{prefix}_d", format="DD.MM.YYYY"),
        mfipr_announcement=c3.date_input("Ogłoszenie MFiPR (ok.)", current.mfipr_announcement, key=f"{prefix}_m",
                                         format="DD.MM.YYYY"),
    )


if not ctx.view.presentation and ctx.identity is not None and ctx.identity.may(Action.CREATE_NABOR):
    with st.expander("Nowy nabór"):
        with st.form("nowy_nabor"):
            name = st.text_input("Nazwa naboru", placeholder="np. Pilotaż CWD 2020 – woj. podlaskie")
            new_stages = stage_inputs("nn", StageDates())
            st.caption("Ustawienia OSI nowego naboru: te z panelu bocznego (można je później zmienić).")
            if st.form_submit_button("Utwórz nabór", type="primary"):
                created, error = store_call("create_nabor", name, actor=ctx.identity,
                                            stages=new_stages, settings=ctx.osi)
                if error:
                    st.error(md(error))
                else:
                    st.query_params[keys.Q_NABOR] = created.id
                    st.session_state.pop(keys.NABOR, None)
                    st.session_state["_nabor_seeded"] = False
                    st.rerun()
    if ctx.may(Action.CREATE_NABOR):
        with st.expander("Zmień daty i ustawienia tego naboru"):
            with st.form("zmiana_naboru"):
                changed = stage_inputs("zn", stages)
                take = st.checkbox("Zapisz ustawienia OSI z panelu bocznego jako ustawienia naboru",
                                   value=ctx.osi != nabor.settings)
                if st.form_submit_button("Zapisz zmiany naboru"):
                    _, error = store_call("update_nabor", nabor.id, actor=ctx.identity, stages=changed,
                                          settings=ctx.osi if take else None)
                    st.error(md(error)) if error else st.rerun()
    if ctx.may(Action.ARCHIVE_NABOR):
        with st.expander("Archiwizuj nabór"):
            st.caption("Zarchiwizowany nabór zostaje w bazie do wglądu (nic nie jest usuwane), ale nie można w nim "
                       "już nic zapisać.")
            sure = st.checkbox(f"Tak, archiwizuj „{nabor.name}”", key="_archiwizuj")
            if st.button("Archiwizuj", disabled=not sure):
                _, error = store_call("archive_nabor", nabor.id, actor=ctx.identity)
                st.error(md(error)) if error else st.rerun()


# --- files ---------------------------------------------------------------------------------------------
def upload(kind: str, label: str) -> None:
    """Read a file, show its report, and store it as a new version when the person may."""
    from cwd.forms import read_forms
    from cwd.ztm import read_ztm_list

    up = st.file_uploader(label, type=["csv", "xlsx"], key=f"u_{kind}_{st.session_state.get(f'u_{kind}_n', 0)}")
    if up is None:
        return
    content = up.getvalue()
    result = (read_forms if kind == FORMS else read_ztm_list)(content, up.name, ctx.register)
    problems_table(result.problems)
    storable = not result.file_errors if kind == FORMS else not result.errors
    if not ctx.may(Action.UPLOAD):
        why = ("przykładowy nabór jest tylko do odczytu" if nabor.demo else
               "nabór jest zarchiwizowany" if nabor.archived else "zapis wymaga roli „oceniający”")
        st.caption(f"Podgląd bez zapisu – {why}.")
        return
    if not storable:
        st.error("Tego pliku nie można zapisać jako wersji naboru – popraw błędy powyżej i wczytaj go ponownie.")
        return
    if st.button(f"Zapisz „{up.name}” jako nową wersję", type="primary", key=f"zapisz_{kind}"):
        version, error = store_call("add_forms" if kind == FORMS else "add_ztm", nabor.id, content, up.name,
                                    actor=ctx.identity)
        if error:
            st.error(md(error))
            return
        st.session_state[f"u_{kind}_n"] = st.session_state.get(f"u_{kind}_n", 0) + 1  # a fresh, empty uploader
        st.session_state["_flash_dane"] = f"Zapisano wersję {version.version} pliku „{version.file_name}”."
        st.rerun()


if msg := st.session_state.pop("_flash_dane", None):
    st.success(msg)

if not ctx.view.presentation:
    left, right = st.columns(2)
    with left:
        st.subheader("Formularze partnerstw")
        st.write(f"Bieżące: **{md(data.forms_label)}** – partnerstw gotowych do oceny: **{len(data.forms.partnerships)}**.")
        if not nabor.demo:
            versions, error = store_call("file_versions", nabor.id, FORMS)
            st.error(md(error)) if error else versions_table(versions)
        upload(FORMS, "Wczytaj plik formularzy (CSV lub XLSX)")
        c1, c2 = st.columns(2)
        c1.download_button("Szablon formularza (XLSX)", template_xlsx_bytes, on_click="ignore",
                           file_name="szablon_formularza_cwd.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        c1.download_button("Szablon formularza (CSV)", (DATA_DIR / "szablon_formularza.csv").read_bytes(),
                           file_name="szablon_formularza_cwd.csv", mime="text/csv", on_click="ignore")
        c2.download_button("Przykładowe formularze (CSV)", (DATA_DIR / "formularze_przyklad.csv").read_bytes(),
                           file_name="formularze_przyklad.csv", mime="text/csv", on_click="ignore")
    with right:
        st.subheader("Oficjalna lista gmin OSI ZTM")
        st.markdown("Plik CSV z kolumnami `teryt,nazwa,zrodlo` – lista gmin zagrożonych trwałą marginalizacją "
                    "(KSRR 2030, delimitacja IGiPZ PAN). Aplikacja **nie zgaduje** tej listy.")
        if data.ztm is None:
            st.info("Nie wczytano listy: przynależność gmin do OSI ZTM jest nieznana.")
        else:
            st.write(f"Bieżąca: **{md(data.ztm_label)}**.")
        if not nabor.demo:
            versions, error = store_call("file_versions", nabor.id, ZTM)
            st.error(md(error)) if error else versions_table(versions)
        upload(ZTM, "Wczytaj listę OSI ZTM (CSV lub XLSX)")

outdated = data.outdated()
if outdated:
    st.subheader("Oceny do potwierdzenia")
    st.warning("Te oceny zapisano dla wcześniejszej wersji formularza partnerstwa: są zachowane, ale nie liczą się, "
               "dopóki oceniający ich nie potwierdzi na stronie „Ocena”: "
               + ", ".join(md(pid) for pid in sorted(outdated)) + ".")

st.subheader("Raport walidacji bieżących plików")
problems_table(list(data.forms.problems) + data.ztm_problems)

st.subheader("Źródła danych")
sources = pd.read_csv(DATA_DIR / "zrodla.csv", dtype=str).fillna("").rename(columns={
    "plik": "Plik", "opis": "Zawartość", "zrodlo": "Źródło", "data_referencyjna": "Stan na", "uwagi": "Uwagi"})
st.table(sources.set_index("Plik"))
st.caption("Granice gmin i powiatów: GUGiK, Państwowy Rejestr Granic (PRG), stan z 2020 r., w wersji "
           "uogólnionej do mapy regionalnej (powierzchnie i ludność pochodzą z tabel GUS powyżej).")
if ctx.boundaries_note:
    st.error(md(ctx.boundaries_note))

st.subheader("Baza danych")
try:
    health = loaders.store().health()
    (st.success if health.ok and health.writable else st.warning if health.ok else st.error)(health.message)
except StoreError as exc:
    st.error(md(str(exc)))
