"""The user-supplied OSI ZTM gmina list: reading, errors and warnings."""
from __future__ import annotations

import io
import random

import pytest
from openpyxl import Workbook

from cwd.register import load_register
from cwd.ztm import ZtmListResult, read_ztm_list, read_ztm_path

SRC = "IGiPZ PAN, delimitacja OSI ZTM (KSRR 2030)"


@pytest.fixture(scope="module")
def register():
    return load_register()


def csv_bytes(rows: list[list[str]], header=("teryt", "nazwa", "zrodlo"), sep=";", encoding="utf-8") -> bytes:
    lines = [sep.join(header)] + [sep.join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def read(rows, register, **kwargs) -> ZtmListResult:
    return read_ztm_list(csv_bytes(rows, **kwargs), "ztm.csv", register)


def only(problems, **where):
    found = [p for p in problems if all(getattr(p, k) == v for k, v in where.items())]
    assert len(found) == 1, (where, problems)
    return found[0]


def test_reads_codes_and_sources(register):
    rows = [["2007072", "Śniadowo", SRC], ["2013052", "Kobylin-Borzymy", SRC], ["2007092", "Zbójna", "uchwała RM"]]
    result = read(rows, register)
    assert result.usable and not result.problems
    assert result.codes == frozenset({"2007072", "2013052", "2007092"})
    assert result.zrodlo == f"{SRC}; uchwała RM"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1250"])
@pytest.mark.parametrize("sep", [";", ","])
def test_encodings_and_separators_keep_names(register, encoding, sep):
    # A mismatch warning would appear if Polish letters were mangled on the way in.
    rows = [["2062011", "Łomża", "GUS"], ["2007072", "Śniadowo", "GUS"], ["2011013", "Dąbrowa Białostocka", "GUS"]]
    result = read(rows, register, sep=sep, encoding=encoding)
    assert result.usable and not result.problems, result.problems
    assert result.codes == {"2062011", "2007072", "2011013"}


def test_header_variants_and_only_teryt_required(register):
    data = csv_bytes([["2007072", "gmina Śniadowo", "Źródło A"]], header=(" TERYT ", "Nazwa gminy", "Źródło"))
    result = read_ztm_list(data, "ztm.csv", register)
    assert result.usable and not result.problems
    assert result.zrodlo == "Źródło A"
    bare = read_ztm_list(b"teryt\n2007072\n", "ztm.csv", register)
    assert bare.usable and bare.codes == {"2007072"}
    assert "źródła" in only(bare.warnings).komunikat


def test_xlsx_numbers_and_sheet(register):
    workbook = Workbook()
    workbook.active.title = "opis"
    workbook.active.append(["lista gmin ZTM"])
    sheet = workbook.create_sheet("ZTM")
    sheet.append(["teryt", "nazwa", "zrodlo"])
    sheet.append([2007072, "Śniadowo", SRC])
    sheet.append([2013052.0, "Kobylin-Borzymy", SRC])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_ztm_list(buffer.getvalue(), "ztm.xlsx", register)
    assert result.usable and not result.problems
    assert result.codes == {"2007072", "2013052"}


def test_missing_teryt_column(register):
    result = read_ztm_list(csv_bytes([["Śniadowo"]], header=("nazwa",)), "ztm.csv", register)
    assert not result.usable and result.codes == frozenset()
    error = only(result.errors)
    assert (error.wiersz, error.kolumna) == (1, "teryt") and "„teryt”" in error.komunikat


@pytest.mark.parametrize("rows", [[], [["", "", ""]]])
def test_empty_list_is_an_error(register, rows):
    result = read(rows, register)
    assert not result.usable
    assert "pusta" in only(result.errors).komunikat


@pytest.mark.parametrize("code, word", [
    ("20130", "niepoprawny format"), ("200707", "niepoprawny format"), ("2007074", "miasto"),
    ("Śniadowo", "niepoprawny format"), ("2007079", "ostatnia cyfra"),
])
def test_malformed_code(register, code, word):
    result = read([["2013052", "Kobylin-Borzymy", SRC], [code, "", SRC]], register)
    assert not result.usable
    error = only(result.errors)
    assert (error.wiersz, error.kolumna) == (3, "teryt")
    assert f"„{code}”" in error.komunikat and word in error.komunikat
    assert result.codes == {"2013052"}  # the rest is read, but the list as a whole is not to be used


def test_blank_code_in_a_filled_row(register):
    error = only(read([["", "Śniadowo", SRC]], register).errors)
    assert error.wiersz == 2 and "Brak kodu" in error.komunikat


@pytest.mark.parametrize("code", ["2006", "2062"])
def test_powiat_codes_rejected(register, code):
    assert register.is_powiat(code)
    result = read([[code, register.name(code), SRC]], register)
    error = only(result.errors)
    assert error.wiersz == 2 and "powiatu" in error.komunikat and "gmin" in error.komunikat
    assert code not in result.codes


def test_unknown_to_register_is_a_warning(register):
    assert not register.knows("2013112")
    result = read([["2013112", "?", SRC]], register)
    assert result.usable and result.codes == {"2013112"}
    warning = only(result.warnings)
    assert warning.wiersz == 2 and "„2013112”" in warning.komunikat and "rejestrze" in warning.komunikat


def test_other_voivodeship_summed_in_one_warning(register):
    rows = [["2007072", "Śniadowo", SRC]] + [[f"14{i:02d}012", "x", SRC] for i in range(1, 13)]
    result = read(rows, register)
    assert result.usable
    assert len(result.codes) == 13
    warning = only(result.warnings)
    assert warning.wiersz is None and "12 kodów" in warning.komunikat and "podlaskiego" in warning.komunikat
    one = read([["1401011", "Białobrzegi", SRC]], register)
    assert "1 kod gmin" in only(one.warnings).komunikat and "wiersz 2" in only(one.warnings).komunikat


def test_duplicates_warned_and_counted_once(register):
    result = read([["2007072", "Śniadowo", SRC], ["2013052", "", SRC], ["2007072", "Śniadowo", SRC]], register)
    assert result.usable and result.codes == {"2007072", "2013052"}
    warning = only(result.warnings)
    assert warning.wiersz == 4 and "wierszu 2" in warning.komunikat and "Śniadowo" in warning.komunikat


@pytest.mark.parametrize("given", ["Zbójna", "Sniadowo-Zbójna", "Łomża"])
def test_name_mismatch_warned(register, given):
    result = read([["2007072", given, SRC]], register)
    assert result.usable
    warning = only(result.warnings)
    assert (warning.wiersz, warning.kolumna) == (2, "nazwa")
    assert f"„{given}”" in warning.komunikat and register.label("2007072") in warning.komunikat


@pytest.mark.parametrize("given", ["Śniadowo", "ŚNIADOWO", "gmina Śniadowo", "Sniadowo", "Śniadowo (gmina wiejska)"])
def test_name_variants_accepted(register, given):
    assert not read([["2007072", given, SRC]], register).problems


def test_file_errors(register, tmp_path):
    for data, name, word in [
        (b"", "ztm.csv", "pusty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "ztm.csv", "binarne"),
        (b"teryt\n2007072\n", "ztm.docx", "rozszerzenie"),
        (b"PK\x03\x04broken", "ztm.xlsx", "uszkodzony"),
    ]:
        result = read_ztm_list(data, name, register)
        assert not result.usable and result.codes == frozenset()
        assert word in only(result.errors).komunikat
    missing = read_ztm_path(tmp_path / "brak.csv", register)
    assert "nie istnieje" in only(missing.errors).komunikat


def test_read_from_path(register, tmp_path):
    path = tmp_path / "ztm.csv"
    path.write_bytes(csv_bytes([["2007072", "Śniadowo", SRC]], encoding="cp1250"))
    result = read_ztm_path(path, register)
    assert result.usable and result.codes == {"2007072"} and result.plik == "ztm.csv"


def test_random_inputs_never_raise(register):
    rng = random.Random(13)
    valid = csv_bytes([["2007072", "Śniadowo", SRC], ["2013052", "Kobylin-Borzymy", SRC]])
    samples = [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300))) for _ in range(30)]
    for _ in range(20):
        data = bytearray(valid)
        for _ in range(rng.randrange(1, 10)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        samples.append(bytes(data))
    for data in samples:
        for name in ("ztm.csv", "ztm.xlsx"):
            result = read_ztm_list(data, name, register)
            assert isinstance(result, ZtmListResult)
            assert all(len(c) == 7 and c.isdigit() for c in result.codes)


# --- hostile lists ---------------------------------------------------------------------------------------
def test_header_findings_are_worded_as_for_forms(register):
    from cwd.forms import read_forms

    ztm = read_ztm_list(csv_bytes([["2007072", "x", SRC, "2007072"]], header=("teryt", "nazwa", "zrodlo", "Kod")),
                        "ztm.csv", register)
    forms = read_forms(b"id;nazwa;ID\nP1;x;P1\n", "f.csv", register)
    dup_ztm = only(ztm.errors)
    dup_forms = next(p for p in forms.errors if "więcej niż raz" in p.komunikat)
    assert dup_ztm.komunikat == "Kolumna „teryt” występuje w nagłówku więcej niż raz („teryt”, „Kod”) – zostaw jedną."
    assert dup_forms.komunikat == "Kolumna „id” występuje w nagłówku więcej niż raz („id”, „ID”) – zostaw jedną."
    unknown = read(["2007072 Śniadowo GUS y".split()], register, header=("teryt", "nazwa", "zrodlo", "uwagi"))
    assert only(unknown.warnings).komunikat == "Nieznane kolumny zostaną pominięte: „uwagi”."


def test_huge_code_is_quoted_cut(register):
    result = read([["9" * 90_000, "", SRC]], register)
    error = only(result.errors)
    assert error.wiersz == 2 and "niepoprawny format" in error.komunikat and len(error.komunikat) < 200


def test_more_rows_than_the_limit_is_one_error(register):
    from cwd.limits import MAX_DATA_ROWS

    result = read([["2007072", "Śniadowo", SRC]] * (MAX_DATA_ROWS + 1), register)
    assert not result.usable and result.codes == frozenset()
    error = only(result.problems)
    assert "ztm.csv" in error.komunikat and "5 000" in error.komunikat.replace("\xa0", " ")


def test_problems_are_capped(register):
    from cwd.limits import MAX_PROBLEMS

    result = read([[f"x{i}", "", SRC] for i in range(MAX_PROBLEMS + 50)], register)
    assert len(result.problems) == MAX_PROBLEMS and not result.usable
    summary = result.problems[-1]
    assert summary.is_error and "51" in summary.komunikat and summary.wiersz == MAX_PROBLEMS + 1


def test_sources_are_bounded(register):
    result = read([["2007072", "Śniadowo", f"źródło {i} " + "x" * 500] for i in range(30)], register)
    assert len(result.zrodlo) < 3000 and result.zrodlo.endswith("(i 20 innych)")


def test_formula_without_value_in_the_code_column(register):
    import zipfile

    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheet = (f'<worksheet {ns}><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>teryt</t></is></c></row>'
             '<row r="2"><c r="A2"><v>2007072</v></c></row>'
             '<row r="3"><c r="A3"><f>2013052</f></c></row></sheetData></worksheet>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.spreadsheetml.sheet.main+xml"/></Types>')
        z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   f'relationships"><Relationship Id="r1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
                   '</Relationships>')
        z.writestr("xl/workbook.xml", f'<workbook {ns} xmlns:r="{rel}"><sheets><sheet name="ztm" sheetId="1" '
                   'r:id="r1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
                   f'2006/relationships"><Relationship Id="r1" Type="{rel}/worksheet" '
                   'Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    result = read_ztm_list(buffer.getvalue(), "ztm.xlsx", register)
    assert not result.usable and result.codes == {"2007072"}  # the formula's gmina is unknown, not dropped quietly
    error = only(result.errors)
    assert (error.wiersz, error.kolumna) == (3, "teryt") and "Formuła bez wyliczonej wartości" in error.komunikat
