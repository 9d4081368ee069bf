"""Dane: upload forms and the ZTM list, the validation report, templates, sources of every table."""
import pandas as pd
import streamlit as st

from cwd.template import template_xlsx_bytes
from cwd.paths import DATA_DIR
from cwd.problems import as_records
from cwd.ui.chrome import example_notice, exit_presentation_link, page_title
from cwd.ui.state import SWITCH_TO_UPLOAD, UPLOAD_KEY, ZTM_UPLOAD_KEY, app_state
from cwd.ui.text import md

state = app_state()
exit_presentation_link(state)
page_title(state, "Dane")
example_notice(state)


def uploads() -> None:
    left, right = st.columns(2)
    with left:
        forms_upload()
    with right:
        ztm_upload()


def forms_upload() -> None:
    st.subheader("Formularze partnerstw")
    up = st.file_uploader("Wczytaj plik formularzy (CSV lub XLSX)", type=["csv", "xlsx"],
                          key=f"u_forms_{st.session_state.get('u_forms_n', 0)}")
    if up is not None and st.session_state.get(UPLOAD_KEY) != (up.name, up.getvalue()):
        st.session_state[UPLOAD_KEY] = (up.name, up.getvalue())
        st.session_state[SWITCH_TO_UPLOAD] = True
        st.rerun()
    st.write(f"Pokazywane: **{md(state.forms_label)}** – partnerstw gotowych do oceny: "
             f"**{len(state.forms.partnerships)}**.")
    c1, c2 = st.columns(2)
    c1.download_button("Szablon formularza (XLSX)", template_xlsx_bytes, on_click="ignore",
                       file_name="szablon_formularza_cwd.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    c1.download_button("Szablon formularza (CSV)", (DATA_DIR / "szablon_formularza.csv").read_bytes(),
                       file_name="szablon_formularza_cwd.csv", mime="text/csv")
    c2.download_button("Przykładowe formularze (CSV)", (DATA_DIR / "formularze_przyklad.csv").read_bytes(),
                       file_name="formularze_przyklad.csv", mime="text/csv")
    if UPLOAD_KEY in st.session_state and st.button("Usuń wczytany plik formularzy"):
        del st.session_state[UPLOAD_KEY]
        st.session_state["u_forms_n"] = st.session_state.get("u_forms_n", 0) + 1  # a fresh, empty uploader
        st.rerun()


def ztm_upload() -> None:
    st.subheader("Oficjalna lista gmin OSI ZTM")
    st.markdown("Plik CSV z kolumnami `teryt,nazwa,zrodlo` – lista gmin zagrożonych trwałą marginalizacją "
                "(KSRR 2030, delimitacja IGiPZ PAN). Aplikacja **nie zgaduje** tej listy.")
    up_ztm = st.file_uploader("Wczytaj listę OSI ZTM (CSV lub XLSX)", type=["csv", "xlsx"],
                              key=f"u_ztm_{st.session_state.get('u_ztm_n', 0)}")
    if up_ztm is not None and st.session_state.get(ZTM_UPLOAD_KEY) != (up_ztm.name, up_ztm.getvalue()):
        st.session_state[ZTM_UPLOAD_KEY] = (up_ztm.name, up_ztm.getvalue())
        st.rerun()
    if state.ztm is None and ZTM_UPLOAD_KEY not in st.session_state:
        st.info("Nie wczytano listy: przynależność gmin do OSI ZTM jest nieznana.")
    elif ZTM_UPLOAD_KEY in st.session_state and st.button("Usuń wczytaną listę OSI ZTM"):
        del st.session_state[ZTM_UPLOAD_KEY]
        st.session_state["u_ztm_n"] = st.session_state.get("u_ztm_n", 0) + 1
        st.rerun()


if not state.presentation:
    uploads()

st.subheader("Raport walidacji")
problems = list(state.forms.problems) + list(state.ztm_problems)
if problems:
    report = pd.DataFrame(as_records(problems))
    n_err = int((report["waga"] == "błąd").sum())
    st.write(f"Błędy: **{n_err}**, ostrzeżenia: **{len(report) - n_err}**. "
             "Partnerstwo z błędem nie jest oceniane; ostrzeżenia nie blokują oceny.")
    report = report[["waga", "plik", "wiersz", "kolumna", "id_partnerstwa", "komunikat"]].rename(columns={
        "waga": "Rodzaj", "plik": "Plik", "wiersz": "Wiersz", "kolumna": "Kolumna",
        "id_partnerstwa": "Partnerstwo", "komunikat": "Komunikat"})
    report["Wiersz"] = report["Wiersz"].map(lambda v: "" if pd.isna(v) else str(int(v)))
    report = report.fillna("")
    # st.table renders cells as Markdown, and messages quote the user's values: shown as text.
    report = report.map(md)
    # A static table wraps long messages; a very long report scrolls in a data grid instead.
    if len(report) <= 60:
        st.table(report.set_index("Rodzaj"))
    else:
        st.dataframe(report, hide_index=True, width="stretch")
else:
    st.success("Brak błędów i ostrzeżeń.")

st.subheader("Źródła danych")
sources = pd.read_csv(DATA_DIR / "zrodla.csv", dtype=str).fillna("").rename(columns={
    "plik": "Plik", "opis": "Zawartość", "zrodlo": "Źródło", "data_referencyjna": "Stan na", "uwagi": "Uwagi"})
st.table(sources.set_index("Plik"))
st.caption("Granice gmin i powiatów: GUGiK, Państwowy Rejestr Granic (PRG), stan z 2020 r., w wersji "
           "uogólnionej do mapy regionalnej (powierzchnie i ludność pochodzą z tabel GUS powyżej).")
if state.boundaries_error:
    st.error(state.boundaries_error)
