"""The PDF for MFiPR: text, map, diacritics, and it never fails on text."""
from __future__ import annotations

from dataclasses import replace
import re
from pathlib import Path

import pytest

from cwd import style
from cwd.criteria import CRITERIA_IDS
from cwd.export import NO_BOUNDARIES_NOTE, ExportError, selection_pdf
from cwd.fmt import UNKNOWN
from cwd.store import Assessment

from .conftest import (
    EVIL_NAME,
    GENERATED,
    JUSTIFICATIONS,
    SETTINGS,
    TIMELINE,
    body_text,
    flat,
    pdf_images,
    pdf_reader,
    pdf_text,
)


@pytest.fixture(scope="module")
def pdf_with_map(make_package, layers):
    return selection_pdf(make_package(map_layers=layers, illustrative=True))


@pytest.fixture(scope="module")
def pdf_without_map(make_package):
    return selection_pdf(make_package(), compress=False)


def test_text_parser_reads_uncompressed_and_compressed_output(pdf_without_map, make_package):
    compressed = selection_pdf(make_package())
    assert len(compressed) < len(pdf_without_map)
    assert pdf_text(compressed) == pdf_text(pdf_without_map)


def test_pdf_has_title_names_and_diacritics(pdf_with_map):
    assert pdf_reader(pdf_with_map).pages
    text = flat(pdf_text(pdf_with_map))
    assert "Partnerstwa JST wybrane do pilotażu CWD – województwo podlaskie" in text
    assert "29 września 2020" in text and "29.09.2020 12:30" in text
    assert "1. Ziemia Wysokomazowiecka" in text
    assert "2. " + EVIL_NAME in text  # written as text, not interpreted
    assert "3. Partnerstwo gmin – Dąbrowa Białostocka" in text
    assert "Łomża (gmina miejska) – lider" in text
    assert "Powiat wysokomazowiecki – lider" in text
    assert "ilustracyjne" in text


def test_pdf_sections_hold_osi_checklist_assessor_and_justification(pdf_with_map):
    text = flat(pdf_text(pdf_with_map))
    assert "Kwalifikowalność obszaru (OSI): kwalifikuje się" in text
    assert "Kwalifikowalność obszaru (OSI): nieustalony" in text
    assert "I.1 Obszar partnerstwa i zainicjowana" in text
    assert "II.3 Doświadczenie we współpracy JST" in text
    assert "Umowa partnerska z 2019 r. <img src=x>" in text
    assert "Brak uchwały o powołaniu rady" in text
    assert "Anna Nowak – ostatni zapis 29.09.2020 12:30" in text
    assert JUSTIFICATIONS["P01"] in text
    assert "@uzasadnienie z formuły" in text
    assert "— brak uzasadnienia —" in text  # P03 has none
    assert "Źródła danych i ustawienia" in text and SETTINGS in text
    assert style.SOURCE_LINE in text  # the one source line of every output (cwd.style)
    assert "Niewybrane" not in text


def test_pdf_dates_come_from_the_register(pdf_without_map, register):
    from cwd.fmt import fmt_date

    text = flat(pdf_text(pdf_without_map))
    latest = fmt_date(max(register.population_dates()))
    assert re.search(rf"Ludność \({re.escape(latest)} ?\)", text)  # pypdf may split a right-aligned header
    assert f"mieszkańców ({latest})" in text


def test_pdf_embeds_the_map_when_layers_are_given(pdf_with_map):
    [image] = pdf_images(pdf_with_map)
    assert image.image.width >= 1200
    assert NO_BOUNDARIES_NOTE not in pdf_text(pdf_with_map)


def test_pdf_without_layers_says_the_map_is_skipped(pdf_without_map):
    assert pdf_reader(pdf_without_map).pages
    assert pdf_images(pdf_without_map) == []
    text = pdf_text(pdf_without_map)
    assert NO_BOUNDARIES_NOTE in text
    assert "Ziemia Wysokomazowiecka" in text and "Dąbrowa Białostocka" in text


def test_pdf_handles_long_and_odd_text(make_package, selected):
    long_text = ("Bardzo długie uzasadnienie wyboru partnerstwa. " * 400
                 + "https://example.org/" + "x" * 500 + "\n\tdruga\r\nlinia\x00\x07 koniec")
    data = selection_pdf(make_package(selected=selected[:1], justifications={"P01": long_text}))
    short = selection_pdf(make_package(selected=selected[:1], justifications={"P01": "krótko"}))
    assert len(pdf_reader(data).pages) >= len(pdf_reader(short).pages) + 3
    text = pdf_text(data)
    assert "druga" in text and "linia koniec" in text


def test_pdf_with_nothing_selected(make_package):
    data = selection_pdf(make_package(selected=[], assessments={}, justifications={}))
    assert "Nie wybrano żadnego partnerstwa." in pdf_text(data)


# --- never fails on text ------------------------------------------------------------------------
def _named(result, name: str):
    return replace(result, partnership=replace(result.partnership, nazwa=name))


def test_pdf_succeeds_for_a_5000_character_comment_and_a_2000_character_name(make_package, selected, layers):
    comment = " ".join(f"Uwaga nr {i} oceniającego, z odwołaniem do uchwały i umowy partnerskiej."
                       for i in range(70))
    assert len(comment) >= 5000
    name = ("Partnerstwo Gmin Doliny Rzeki i Puszczy na rzecz Rozwoju Usług Publicznych " * 27)[:2000]
    unbroken = "x" * 3026  # no space to break at
    p03 = _named(selected[2], name)
    stored = Assessment("P03", values=dict.fromkeys(CRITERIA_IDS),
                        comments={**dict.fromkeys(CRITERIA_IDS, ""), "I.1": comment, "I.2": unbroken},
                        assessor="Anna Nowak", version=1, updated_at=GENERATED)
    data = selection_pdf(make_package(selected=[selected[0], p03], assessments={"P03": stored},
                                      map_layers=layers, justifications={"P03": comment}))
    text = body_text(data)
    assert "skrócono – pełny tekst pod tabelą" in text  # the table cell says where the rest is
    assert "Komentarze w pełnym brzmieniu" in text
    assert flat(comment) in text  # nothing is lost: the whole comment follows the table
    assert flat(name) in text  # the whole name (heading cut, "Pełna nazwa:" whole)
    assert "Pełna nazwa:" in text
    assert "x" * 200 in text.replace(" ", "")


@pytest.mark.parametrize("name", ["Koszt 5$ i 10$ na mieszkańca", "$\\frac{1}{0}$ gmin", "$$", "a $x^2$ b"])
def test_dollar_signs_in_names_are_text(make_package, selected, layers, name):
    data = selection_pdf(make_package(selected=[_named(selected[0], name)], map_layers=layers))
    assert name in flat(pdf_text(data))
    assert len(pdf_images(data)) == 1  # the map was drawn (matplotlib read no mathtext)


def test_glyphs_missing_from_the_font_are_replaced_not_dropped(make_package, selected):
    data = selection_pdf(make_package(selected=[_named(selected[0], "\uff1d suma 中")]))
    assert "= suma \ufffd" in flat(pdf_text(data))


def test_undetermined_osi_share_prints_nieustalone(make_package, undetermined):
    text = flat(pdf_text(selection_pdf(make_package(selected=[undetermined]))))
    assert f"Gminy obszaru w OSI: {UNKNOWN}" in text
    assert "0%" not in text and "0 %" not in text


def test_pdf_prints_the_call_decision_override_reasons_and_timeline(make_package):
    reason = "Zweryfikowano telefonicznie; pisemne potwierdzenie do 5 października."
    data = selection_pdf(make_package(
        call_name="Pilotaż CWD 2020 – woj. podlaskie", call_id="2020-20", forms_version="formularze.xlsx (v3)",
        ztm_version="nie wczytano", decided_by="Anna Nowak", decided_at=GENERATED, timeline=TIMELINE,
        override_reasons={"P01": reason}))
    text = flat(pdf_text(data))
    assert "Nabór: Pilotaż CWD 2020 – woj. podlaskie (id: 2020-20)" in text
    assert "Decyzja UM zapisana: 29.09.2020 12:30, zapisał(a): Anna Nowak." in text
    assert "Formularze: formularze.xlsx (v3)" in text and "Lista OSI ZTM: nie wczytano" in text
    assert "Harmonogram naboru" in text and "22.09.2020 Formularze do UM" in text
    assert "Wybór bez pełnej weryfikacji UM" in text and f"Powód: {reason}" in text
    assert "— brak pisemnego powodu —" in text  # P02 and P03 are not fully verified either


def test_working_copy_says_the_decision_is_not_recorded(pdf_without_map):
    assert "Decyzja UM nie została jeszcze zapisana – zestawienie robocze." in flat(pdf_text(pdf_without_map))


def test_illustrative_mark_on_every_page(pdf_with_map):
    pages = pdf_reader(pdf_with_map).pages
    assert len(pages) > 1
    assert all(style.ILLUSTRATIVE_MARK in (page.extract_text() or "") for page in pages)


def test_failures_surface_as_export_error_with_a_polish_message(make_package, monkeypatch):
    import cwd.export.pdf as pdf

    def broken(_doc):
        raise RuntimeError("fpdf2: coś nie tak")

    monkeypatch.setattr(pdf, "_overview", broken)
    with pytest.raises(ExportError, match="Nie udało się przygotować podsumowania PDF. Pobierz zestawienie XLSX"):
        selection_pdf(make_package())


def test_poppler_reads_the_same_text_when_available(pdf_with_map, tmp_path):
    """Cross-check of the light parser with pdftotext (poppler-utils), when it is installed."""
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    path = tmp_path / "wybor.pdf"
    path.write_bytes(pdf_with_map)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout.decode()
    for phrase in ("Ziemia Wysokomazowiecka", "Łomża (gmina miejska)", "Dąbrowa Białostocka", EVIL_NAME):
        assert phrase in flat(out)


def test_package_never_imports_streamlit():
    import subprocess
    import sys

    import cwd

    code = "import sys, cwd.export, cwd.charts; sys.exit('streamlit' in sys.modules)"
    root = Path(cwd.__file__).resolve().parents[1]
    assert subprocess.run([sys.executable, "-c", code], cwd=root).returncode == 0


def test_a_map_that_cannot_be_drawn_leaves_a_note_not_a_failed_pdf(make_package, layers, monkeypatch):
    import cwd.export.static_map as static_map

    def broken(_spec, dpi=200):
        raise ExportError("Nie udało się narysować mapy do druku.")

    monkeypatch.setattr(static_map, "static_map_png", broken)
    data = selection_pdf(make_package(map_layers=layers))
    assert pdf_images(data) == []
    assert "Mapa pominięta. Nie udało się narysować mapy do druku." in flat(pdf_text(data))
