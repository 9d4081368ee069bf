"""The forms contract: reading CSV/XLSX forms, every error and warning, the template."""
from __future__ import annotations

import csv
import io
import random
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from cwd.forms import (
    FORM_COLUMNS,
    TEMPLATE_EXAMPLE_ID,
    FormsResult,
    parse_criterion,
    parse_date,
    read_forms,
    read_forms_path,
)
from cwd.limits import MAX_FILE_BYTES as MAX_BYTES
from cwd.limits import MAX_ID_CHARS, MAX_NAME_CHARS, MAX_PERSON_CHARS, MAX_TEXT_CHARS
from cwd.readers import decode_text, read_table
from cwd.criteria import CRITERIA_IDS
from cwd.register import load_register
from cwd.settings import FORMS_DEADLINE
from cwd.template import COLUMNS, TEMPLATE_CSV, template_csv_bytes, template_xlsx_bytes

HEADER = ["id", "nazwa", "lider", "czlonkowie", "koordynator", "data_zgloszenia", *CRITERIA_IDS]
# Real Podlaskie codes (data/gminy.csv, data/powiaty.csv).
POWIAT_WYSOKOMAZ = "2013"
WYSOKIE_MIASTO = "2013011"
WYSOKIE_WIEJSKA = "2013102"
KOBYLIN = "2013052"
POWIAT_KOLNO = "2006"
LOMZA_POWIAT, LOMZA_GMINA = "2062", "2062011"
MAZOWIECKIE = "1401011"


@pytest.fixture(scope="module")
def register():
    return load_register()


def row(**values) -> dict[str, str]:
    base = {
        "id": "P1",
        "nazwa": "Ziemia Wysokomazowiecka",
        "lider": POWIAT_WYSOKOMAZ,
        "czlonkowie": f"{POWIAT_WYSOKOMAZ};{WYSOKIE_MIASTO};{WYSOKIE_WIEJSKA}",
        "koordynator": "Anna Nowak",
        "data_zgloszenia": "2020-09-15",
        **{c: "1" for c in CRITERIA_IDS},
    }
    base.update(values)
    return base


def csv_bytes(rows: list[dict], header: list[str] = HEADER, sep: str = ";", encoding: str = "utf-8",
              keys: list[str] | None = None) -> bytes:
    """`keys`: the row() key written under each header cell (default: the header itself)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    writer.writerow(header)
    for r in rows:
        writer.writerow([r.get(k, "") for k in (keys or header)])
    return buffer.getvalue().encode(encoding)


def read(rows: list[dict], register, **kwargs) -> FormsResult:
    return read_forms(csv_bytes(rows, **kwargs), "formularze.csv", register)


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for r in rows:
            sheet.append(r)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def only(problems, **where):
    found = [p for p in problems if all(getattr(p, k) == v for k, v in where.items())]
    assert len(found) == 1, (where, problems)
    return found[0]


# --- reading: encodings, separators, formats -----------------------------------------------------
def test_utf8_comma_separated(register):
    result = read([row(nazwa="Dąbrowa i Śniadowo")], register, sep=",")
    assert result.usable and not result.errors
    p = result.partnerships[0]
    assert p.nazwa == "Dąbrowa i Śniadowo"
    assert p.czlonkowie == (POWIAT_WYSOKOMAZ, WYSOKIE_MIASTO, WYSOKIE_WIEJSKA)
    assert p.lider == POWIAT_WYSOKOMAZ and p.wiersz == 2 and p.plik == "formularze.csv"
    assert p.data_zgloszenia == date(2020, 9, 15)
    assert all(p.declared(c) == 1 for c in CRITERIA_IDS)


def test_utf8_bom_semicolon(register):
    data = csv_bytes([row(koordynator="Łucja Żółkiewska")], encoding="utf-8-sig")
    assert data.startswith(b"\xef\xbb\xbf")
    result = read_forms(data, "f.csv", register)
    assert result.usable and not result.problems
    assert result.partnerships[0].id == "P1"  # the BOM must not stick to the first header
    assert result.partnerships[0].koordynator == "Łucja Żółkiewska"


def test_cp1250_polish_names_survive(register):
    header = ["ID", "Nazwa", "Lider", "Członkowie", "Koordynator", "Data zgłoszenia", *CRITERIA_IDS, "Pomysł"]
    names = ["Partnerstwo Łomża – Śniadowo", "Kobylin-Borzymy i Wysokomazowiecka", "Dąbrowa Białostocka"]
    rows = [row(id=f"P{i}", nazwa=n, koordynator="Józef Łęcki", pomysl=f"Współpraca: {n}")
            for i, n in enumerate(names, start=1)]
    data = csv_bytes(rows, header=header, encoding="cp1250", keys=[*HEADER, "pomysl"])
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really a Windows-1250 file
    result = read_forms(data, "z_excela.csv", register)
    assert result.usable and not result.errors
    assert [p.nazwa for p in result.partnerships] == names
    assert {p.koordynator for p in result.partnerships} == {"Józef Łęcki"}
    assert [p.pomysl for p in result.partnerships] == [f"Współpraca: {n}" for n in names]


def test_latin2_is_told_from_cp1250():
    text = "nazwa\nŚniadowo, Łomża, Dąbrowa, Źródła\n"
    decoded, encoding = decode_text(text.encode("iso-8859-2"))
    assert encoding == "iso-8859-2" and decoded == text
    decoded, encoding = decode_text(text.encode("cp1250"))
    assert encoding == "cp1250" and decoded == text


def test_excel_unicode_text_utf16_tab_separated(register):
    data = csv_bytes([row(nazwa="Śniadowo – Łomża")], sep="\t", encoding="utf-16")
    result = read_forms(data, "formularze.txt", register)
    assert result.usable and not result.problems
    assert result.partnerships[0].nazwa == "Śniadowo – Łomża"


def test_excel_sep_line_and_quoted_separator(register):
    data = b"sep=,\r\n" + csv_bytes([row(nazwa="Gminy: Sokoły, Klukowo; Czyżew")], sep=",")
    result = read_forms(data, "f.csv", register)
    assert result.usable and not result.errors
    assert result.partnerships[0].nazwa == "Gminy: Sokoły, Klukowo; Czyżew"
    assert result.partnerships[0].wiersz == 3  # the sep= line is row 1, the header row 2


def test_blank_rows_skipped_and_row_numbers_kept(register):
    data = csv_bytes([row(id="P1"), {k: "" for k in HEADER}, row(id="P2")])
    result = read_forms(data, "f.csv", register)
    assert [p.wiersz for p in result.partnerships] == [2, 4]
    bad = read_forms(csv_bytes([row(id="P1"), {k: "" for k in HEADER}, row(id="P2", nazwa="")]), "f.csv", register)
    assert only(bad.errors, kolumna="nazwa").wiersz == 4


def test_xlsx_numbers_typed_as_numbers(register):
    header = HEADER
    values = [
        "P-X", "Wiele gmin", 2006, 2006011.0, "Jan", datetime(2020, 9, 20),
        *[1.0] * 6, 0.0, True, 1, 0, None,
    ]
    data = xlsx_bytes({"Partnerstwa": [header, values]})
    result = read_forms(data, "formularz.xlsx", register)
    assert result.usable and not result.errors, result.problems
    p = result.partnerships[0]
    assert p.lider == POWIAT_KOLNO
    assert p.czlonkowie == (POWIAT_KOLNO, "2006011")  # leader added first (with a warning)
    assert p.data_zgloszenia == date(2020, 9, 20)
    expected = dict(zip(CRITERIA_IDS, [1] * 6 + [0, 1, 1, 0, None]))
    assert p.deklarowane == expected


def test_xlsx_sheet_partnerstwa_chosen_case_insensitive(register):
    data = xlsx_bytes({
        "Instrukcja": [["to nie są dane"], ["bla"]],
        "PARTNERSTWA": [HEADER, list(row().values())],
    })
    result = read_forms(data, "f.xlsx", register)
    assert result.usable and not result.problems


def test_xlsx_first_sheet_when_no_partnerstwa_sheet(register):
    data = xlsx_bytes({"Arkusz1": [HEADER, [], list(row().values())], "Arkusz2": [["x"]]})
    result = read_forms(data, "f.xlsx", register)
    assert result.usable
    assert result.partnerships[0].wiersz == 3  # the sheet's own row, blank row 2 skipped
    warning = only(result.warnings)
    assert "partnerstwa" in warning.komunikat and "Arkusz1" in warning.komunikat


def test_xlsx_row_error_points_at_sheet_row(register):
    data = xlsx_bytes({"partnerstwa": [[], HEADER, list(row(id="A").values()), list(row(id="B", lider="x").values())]})
    result = read_forms(data, "f.xlsx", register)
    assert result.naglowek == 2
    assert [p.id for p in result.partnerships] == ["A"]
    assert only(result.errors).wiersz == 4


# --- file-level errors -----------------------------------------------------------------------
def file_error(result: FormsResult):
    assert not result.usable and result.partnerships == []
    error = only(result.errors)
    assert error.wiersz is None and error.kolumna is None
    return error


def test_binary_file_renamed_csv(register):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    error = file_error(read_forms(png, "zdjecie.csv", register))
    assert "zdjecie.csv" in error.komunikat and "binarne" in error.komunikat and "PNG" in error.komunikat


def test_random_bytes_renamed_csv(register):
    rng = random.Random(7)
    data = bytes(rng.randrange(256) for _ in range(2000))
    error = file_error(read_forms(data, "dane.csv", register))
    assert "dane.csv" in error.komunikat


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", b"\xef\xbb\xbf"])
def test_empty_file(register, data):
    error = file_error(read_forms(data, "pusty.csv", register))
    assert "pusty" in error.komunikat and "pusty.csv" in error.komunikat


def test_oversized_file_rejected_before_parsing(register):
    data = csv_bytes([row()]) + b"x" * (MAX_BYTES + 1)
    error = file_error(read_forms(data, "duzy.csv", register))
    assert "za duży" in error.komunikat and "duzy.csv" in error.komunikat and "5,0 MB" in error.komunikat


def test_oversized_file_on_disk(register, tmp_path):
    path = tmp_path / "duzy.xlsx"
    with path.open("wb") as f:
        f.truncate(MAX_BYTES + 10)  # sparse: the reader must refuse it from its size alone
    error = file_error(read_forms_path(path, register))
    assert "za duży" in error.komunikat


@pytest.mark.parametrize("name, word", [
    ("formularz.png", "„.png”"), ("formularz.pdf", "„.pdf”"), ("formularz", "nie ma rozszerzenia"),
    ("formularz.xls", "97–2003"),
])
def test_wrong_extension(register, name, word):
    error = file_error(read_forms(csv_bytes([row()]), name, register))
    assert word in error.komunikat and name in error.komunikat


@pytest.mark.parametrize("data, word", [
    (b"PK\x03\x04" + b"\x00garbage" * 50, "uszkodzony"),
    (xlsx_bytes({"partnerstwa": [HEADER]})[:400], "uszkodzony"),
    ("id;nazwa\nP1;Łomża\n".encode(), "CSV"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "hasłem"),
])
def test_corrupt_xlsx(register, data, word):
    error = file_error(read_forms(data, "formularz.xlsx", register))
    assert "formularz.xlsx" in error.komunikat and "skoroszytem" in error.komunikat and word in error.komunikat


def test_xlsx_renamed_csv_gets_a_hint(register):
    data = xlsx_bytes({"partnerstwa": [HEADER, list(row().values())]})
    error = file_error(read_forms(data, "formularz.csv", register))
    assert ".xlsx" in error.komunikat


def test_missing_file(register, tmp_path):
    error = file_error(read_forms_path(tmp_path / "brak.csv", register))
    assert "nie istnieje" in error.komunikat
    error = file_error(read_forms_path(tmp_path, register))
    assert "katalogiem" in error.komunikat


def test_no_partnership_rows(register):
    result = read([], register)
    assert not result.usable
    error = only(result.errors)
    assert error.wiersz is None and "żadnego partnerstwa" in error.komunikat


@pytest.mark.parametrize("missing", [c.name for c in FORM_COLUMNS if c.required])
def test_missing_required_column(register, missing):
    header = [h for h in HEADER if h != missing]
    result = read([row()], register, header=header)
    assert not result.usable and result.partnerships == []
    error = only(result.errors)
    assert (error.wiersz, error.kolumna) == (1, missing)
    assert error.komunikat == f"Brak wymaganej kolumny „{missing}”."


def test_all_missing_columns_are_named(register):
    result = read_forms(b"id;nazwa\nP1;X\n", "f.csv", register)
    missing = {p.kolumna for p in result.errors}
    assert missing == {c.name for c in FORM_COLUMNS if c.required} - {"id", "nazwa"}


def test_duplicated_column_is_an_error(register):
    header = [*HEADER, "ID"]
    result = read([row()], register, header=header)
    assert not result.usable
    error = only(result.errors)
    assert error.kolumna == "ID" and "więcej niż raz" in error.komunikat and "„id”" in error.komunikat


def test_header_variants(register):
    header = [" ID ", "Nazwa", "LIDER", "Członkowie", "Koordynator", "Data zgłoszenia",
              "i.1", "I_2", "I 3", "I.4", " I.5", "i.6 ", "I.7", "I.8", "ii.1", "II_2", " II.3 ",
              "Pomysł", "Powiązania", "Doświadczenie"]
    r = row(pomysl="Wspólny transport", powiazania="Dojazdy", doswiadczenie="Od 2015", **{"I.3": "0"})
    data = csv_bytes([r], header=header, keys=[*HEADER, "pomysl", "powiazania", "doswiadczenie"])
    result = read_forms(data, "f.csv", register)
    assert result.usable and not result.problems, result.problems
    p = result.partnerships[0]
    assert p.declared("I.3") == 0 and p.declared("I.2") == 1
    assert (p.pomysl, p.powiazania, p.doswiadczenie) == ("Wspólny transport", "Dojazdy", "Od 2015")


# --- row errors --------------------------------------------------------------------------------
def row_error(result: FormsResult, kolumna: str, pid: str | None = "P1"):
    assert result.partnerships == []
    error = only(result.errors, kolumna=kolumna)
    assert error.wiersz == 2 and error.plik == "formularze.csv" and error.id_partnerstwa == pid
    return error


def test_missing_id(register):
    error = row_error(read([row(id="")], register), "id", pid=None)
    assert "Brak identyfikatora" in error.komunikat


def test_missing_nazwa(register):
    error = row_error(read([row(nazwa="")], register), "nazwa")
    assert "Brak nazwy" in error.komunikat


def test_duplicate_id_second_occurrence_is_an_error(register):
    result = read([row(id="P7"), row(id="P8"), row(id="p7", nazwa="Inna"), row(id="P7")], register)
    assert [p.id for p in result.partnerships] == ["P7", "P8"]
    errors = result.errors
    assert [(e.wiersz, e.kolumna) for e in errors] == [(4, "id"), (5, "id")]
    assert all("wierszu 2" in e.komunikat and "powtarza się" in e.komunikat for e in errors)


@pytest.mark.parametrize("code, words", [
    ("20130", ["Kod TERYT „20130” ma niepoprawny format: oczekiwano 7 cyfr (gmina) lub 4 cyfr (powiat)."]),
    ("201301", ["„201301”", "7 cyfr"]),
    ("2013016", ["„2013016”", "ostatnia cyfra", "1 (gmina miejska)", "2 (gmina wiejska)", "3 (gmina miejsko"]),
    ("2011044", ["„2011044”", "miasto", "„2011043”"]),
    ("2013005", ["„00”", "gminy"]),
    ("2100", ["„21”", "województwa"]),
    ("201x011", ["„201x011”"]),
])
def test_malformed_member_code(register, code, words):
    error = row_error(read([row(czlonkowie=f"{WYSOKIE_MIASTO};{code};{WYSOKIE_WIEJSKA}")], register), "czlonkowie")
    for word in words:
        assert word in error.komunikat


def test_six_digit_code_gets_leading_zero_hint(register):
    error = row_error(read([row(czlonkowie=f"{WYSOKIE_MIASTO};201011")], register), "czlonkowie")
    assert "zera" in error.komunikat


def test_names_instead_of_codes(register):
    error = row_error(read([row(czlonkowie=f"{WYSOKIE_MIASTO}; Kobylin-Borzymy")], register), "czlonkowie")
    assert "„Kobylin-Borzymy”" in error.komunikat and "kody" in error.komunikat


@pytest.mark.parametrize("code", ["2013112", "2015", "2064011"])
def test_code_in_voivodeship_unknown_to_register(register, code):
    assert not register.knows(code)
    error = row_error(read([row(czlonkowie=f"{POWIAT_WYSOKOMAZ};{code}")], register), "czlonkowie")
    assert f"„{code}”" in error.komunikat and "rejestrze" in error.komunikat and "podlaskiego" in error.komunikat


@pytest.mark.parametrize("value", ["może", "2", "x", "tak/nie", "-1", "0.5"])
def test_criterion_value_not_allowed(register, value):
    error = row_error(read([row(**{"I.3": value})], register), "I.3")
    assert error.komunikat == (
        f"Wartość „{value}” w kryterium I.3 jest niedozwolona: wpisz 1/0, tak/nie, t/n lub true/false; "
        "puste pole oznacza brak odpowiedzi."
    )


@pytest.mark.parametrize("value, expected", [
    ("1", 1), ("0", 0), ("tak", 1), ("NIE", 0), ("T", 1), ("n", 0), ("True", 1), ("FALSE", 0),
    (" 1.0 ", 1), ("0.0", 0), ("1,0", 1), ("PRAWDA", 1), ("FAŁSZ", 0), ("", None), ("  ", None),
])
def test_criterion_values_accepted(register, value, expected):
    assert parse_criterion(value) == (expected, True)
    result = read([row(**{"II.2": value})], register)
    assert result.usable and not result.errors
    assert result.partnerships[0].declared("II.2") == expected
    assert result.frame()["II.2"].isna().iloc[0] == (expected is None)


@pytest.mark.parametrize("value, word", [
    ("31.02.2020", "nie istnieje"), ("2020-13-01", "nie istnieje"), ("wczoraj", "RRRR-MM-DD"),
    ("2020/09/15", "DD.MM.RRRR"), ("44089", "niepoprawna"),
])
def test_impossible_date(register, value, word):
    error = row_error(read([row(data_zgloszenia=value)], register), "data_zgloszenia")
    assert f"„{value}”" in error.komunikat and word in error.komunikat


@pytest.mark.parametrize("value, expected", [
    ("2020-09-15", date(2020, 9, 15)), ("15.09.2020", date(2020, 9, 15)), ("5.9.2020", date(2020, 9, 5)),
    ("15/09/2020", date(2020, 9, 15)), ("2020-09-15 00:00:00", date(2020, 9, 15)), ("", None),
])
def test_dates_accepted(register, value, expected):
    assert parse_date(value) == (expected, None)
    result = read([row(data_zgloszenia=value)], register)
    assert result.usable and result.partnerships[0].data_zgloszenia == expected


@pytest.mark.parametrize("lider, czlonkowie, given", [
    (WYSOKIE_MIASTO, WYSOKIE_MIASTO, "podano 1"),
    (WYSOKIE_MIASTO, "", "podano 1"),
    (WYSOKIE_MIASTO, f"{WYSOKIE_MIASTO};{WYSOKIE_MIASTO}", "podano 1"),
    ("", "", "nie podano"),
])
def test_fewer_than_two_members(register, lider, czlonkowie, given):
    result = read([row(lider=lider, czlonkowie=czlonkowie)], register)
    error = row_error(result, "czlonkowie")
    assert "co najmniej 2 JST" in error.komunikat and given in error.komunikat
    if lider:
        assert register.label(lider) in error.komunikat


def test_lider_blank(register):
    error = row_error(read([row(lider="")], register), "lider")
    assert "Brak lidera" in error.komunikat


@pytest.mark.parametrize("lider, word", [
    ("20130", "niepoprawny format"), ("2013;2006", "jeden kod"), ("Wysokie Mazowieckie", "nie nazwę"),
])
def test_lider_malformed(register, lider, word):
    error = row_error(read([row(lider=lider)], register), "lider")
    assert word in error.komunikat


def test_row_with_extra_fields_is_excluded(register):
    data = csv_bytes([row(id="P1"), row(id="P2")], sep=",").replace(b"Ziemia Wysokomazowiecka", b"Ziemia, nowa", 1)
    result = read_forms(data, "f.csv", register)
    assert [p.id for p in result.partnerships] == ["P2"]
    error = only(result.errors)
    assert error.wiersz == 2 and "cudzysłów" in error.komunikat


def test_nothing_half_read(register):
    bad = row(id="ZLY", lider="", **{"I.1": "może", "data_zgloszenia": "31.02.2020"})
    result = read([row(id="A"), bad, row(id="B")], register)
    assert [p.id for p in result.partnerships] == ["A", "B"]
    assert result.usable
    problems = [p for p in result.problems if p.id_partnerstwa == "ZLY"]
    assert {p.kolumna for p in problems if p.is_error} == {"lider", "I.1", "data_zgloszenia"}
    assert all(p.wiersz == 3 for p in problems)
    assert list(result.frame()["id"]) == ["A", "B"]


# --- value limits ---------------------------------------------------------------------------------
def located(error, column: str, row: int = 2, plik: str = "formularze.csv") -> str:
    """The finding names file, row and column (as the Problem and as the line the user reads)."""
    assert (error.plik, error.wiersz, error.kolumna) == (plik, row, column)
    assert str(error).startswith(f"{plik}, wiersz {row}, kolumna „{column}”: [błąd]")
    return error.komunikat.replace("\xa0", " ")


def test_id_longer_than_the_limit_is_an_error_not_a_broken_page(register):
    long_id = "P" * 201  # the store allows 200; the form allows MAX_ID_CHARS
    result = read([row(id=long_id), row(id="P2")], register)
    assert [p.id for p in result.partnerships] == ["P2"]
    error = only(result.errors)
    message = located(error, "id")
    assert f"najwyżej {MAX_ID_CHARS}" in message and "201 znaków" in message and long_id not in message
    assert error.id_partnerstwa is None  # a broken id is not repeated as the partnership's id


def test_id_of_exactly_the_limit_is_accepted(register):
    result = read([row(id="P" * MAX_ID_CHARS)], register)
    assert result.usable and not result.errors


@pytest.mark.parametrize("char", ["\x0b", "\u200b", "\u202e", "\x7f"])
def test_control_characters_in_an_id(register, char):
    result = read([row(id=f"P{char}1")], register)
    message = located(only(result.errors), "id")
    assert f"U+{ord(char):04X}" in message and "znak sterujący" in message


@pytest.mark.parametrize("column, limit, word", [
    ("nazwa", MAX_NAME_CHARS, "Nazwa partnerstwa"),
    ("koordynator", MAX_PERSON_CHARS, "koordynatora"),
    ("pomysl", MAX_TEXT_CHARS, "pomysłu"),
    ("powiazania", MAX_TEXT_CHARS, "powiązań"),
    ("doswiadczenie", MAX_TEXT_CHARS, "doświadczenia"),
])
def test_text_limits(register, column, limit, word):
    header = [*HEADER, "pomysl", "powiazania", "doswiadczenie"]
    at_limit = read([row(**{column: "a" * limit})], register, header=header)
    assert at_limit.usable and not at_limit.errors
    over = read([row(**{column: "ą" * (limit + 1)})], register, header=header)
    assert over.partnerships == []
    message = located(only(over.errors), column)
    assert word in message and f"{limit + 1:,}".replace(",", " ") in message
    assert f"najwyżej {limit:,}".replace(",", " ") in message and len(message) < 300


def test_huge_values_are_quoted_cut(register):
    huge = "x" * 50_000
    result = read([row(lider=huge, czlonkowie=f"{WYSOKIE_MIASTO};{huge}", data_zgloszenia=huge, **{"I.1": huge})],
                  register)
    assert result.errors and all(len(p.komunikat) < 400 for p in result.problems)
    assert all(huge not in p.komunikat for p in result.problems)


def test_many_bad_codes_in_one_cell_are_summed_up(register):
    codes = ";".join(f"2013{i:02d}9" for i in range(1, 100))  # 99 malformed codes (gmina type 9)
    result = read([row(czlonkowie=codes)], register)
    errors = [p for p in result.errors if p.kolumna == "czlonkowie"]
    assert len(errors) == 6  # five named, the rest summed up in one
    assert "94 kodów" in errors[-1].komunikat.replace("\xa0", " ") and "i 89 innych" in errors[-1].komunikat


# --- warnings (partnership still usable) ------------------------------------------------------------
def usable_warning(result: FormsResult, kolumna: str):
    assert result.usable and not result.errors and len(result.partnerships) == 1
    warning = only(result.warnings, kolumna=kolumna)
    assert warning.wiersz == 2 and warning.id_partnerstwa == "P1"
    return warning


def test_leader_not_among_members_is_added_first(register):
    result = read([row(lider=POWIAT_WYSOKOMAZ, czlonkowie=f"{WYSOKIE_MIASTO} {WYSOKIE_WIEJSKA}")], register)
    warning = usable_warning(result, "lider")
    assert register.label(POWIAT_WYSOKOMAZ) in warning.komunikat and "dopisano" in warning.komunikat
    assert result.partnerships[0].czlonkowie == (POWIAT_WYSOKOMAZ, WYSOKIE_MIASTO, WYSOKIE_WIEJSKA)
    assert result.frame()["liczba_jst"].iloc[0] == 3


def test_member_listed_twice_is_deduplicated(register):
    result = read([row(czlonkowie=f"{POWIAT_WYSOKOMAZ}, {KOBYLIN}, {WYSOKIE_MIASTO}, {KOBYLIN}")], register)
    warning = usable_warning(result, "czlonkowie")
    assert register.label(KOBYLIN) in warning.komunikat and "więcej niż raz" in warning.komunikat
    assert result.partnerships[0].czlonkowie == (POWIAT_WYSOKOMAZ, KOBYLIN, WYSOKIE_MIASTO)


def test_city_with_powiat_rights_counted_once(register):
    result = read([row(lider=LOMZA_POWIAT, czlonkowie=f"{LOMZA_GMINA};{LOMZA_POWIAT};2007072")], register)
    warning = usable_warning(result, "czlonkowie")
    assert "ten sam samorząd" in warning.komunikat
    assert result.partnerships[0].czlonkowie == (LOMZA_POWIAT, "2007072")


def test_leader_under_the_other_code_of_a_city_counted_once(register):
    result = read([row(lider=LOMZA_POWIAT, czlonkowie=f"{LOMZA_GMINA};2007072")], register)
    warning = usable_warning(result, "lider")
    assert "ten sam samorząd" in warning.komunikat and register.label(LOMZA_GMINA) in warning.komunikat
    assert result.partnerships[0].czlonkowie == (LOMZA_POWIAT, "2007072")
    alone = read([row(lider=LOMZA_POWIAT, czlonkowie=LOMZA_GMINA)], register)
    assert "co najmniej 2 JST" in only(alone.errors).komunikat


def test_member_from_another_voivodeship_is_kept(register):
    result = read([row(czlonkowie=f"{POWIAT_WYSOKOMAZ};{MAZOWIECKIE}")], register)
    warning = usable_warning(result, "czlonkowie")
    assert f"„{MAZOWIECKIE}”" in warning.komunikat and "mazowieckiego" in warning.komunikat
    assert "podlaskiego" in warning.komunikat
    assert MAZOWIECKIE in result.partnerships[0].czlonkowie


def test_form_after_deadline(register):
    late = FORMS_DEADLINE.replace(day=FORMS_DEADLINE.day + 1)
    result = read([row(data_zgloszenia=late.isoformat())], register)
    warning = usable_warning(result, "data_zgloszenia")
    assert late.strftime("%d.%m.%Y") in warning.komunikat and FORMS_DEADLINE.strftime("%d.%m.%Y") in warning.komunikat
    on_time = read([row(data_zgloszenia=FORMS_DEADLINE.strftime("%d.%m.%Y"))], register)
    assert not on_time.problems


def test_blank_date_warns_that_the_deadline_cannot_be_checked(register):
    result = read([row(data_zgloszenia="")], register)
    warning = usable_warning(result, "data_zgloszenia")
    assert "Nie podano daty" in warning.komunikat and result.partnerships[0].data_zgloszenia is None


def test_unknown_extra_columns_named(register):
    header = [*HEADER, "uwagi", "Telefon"]
    result = read([row(uwagi="x", Telefon="123")], register, header=header)
    assert result.usable and not result.errors
    warning = only(result.warnings)
    assert warning.wiersz == 1 and "„uwagi”" in warning.komunikat and "„Telefon”" in warning.komunikat


def test_blank_koordynator(register):
    warning = usable_warning(read([row(koordynator="")], register), "koordynator")
    assert "koordynatora" in warning.komunikat


def test_problem_columns_are_as_written_in_file(register):
    header = [h.upper() if h == "koordynator" else h for h in HEADER]
    result = read([row(koordynator="")], register, header=header)
    assert only(result.warnings).kolumna == "KOORDYNATOR"


# --- template -------------------------------------------------------------------------------
def test_template_csv_file_matches_generator_and_passes(register):
    assert TEMPLATE_CSV.read_bytes() == template_csv_bytes()
    data = TEMPLATE_CSV.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.split(b"\r\n")[0].count(b";") == len(COLUMNS) - 1
    result = read_forms_path(TEMPLATE_CSV, register)
    assert result.usable and not result.errors
    assert [p.id for p in result.partnerships] == [TEMPLATE_EXAMPLE_ID]
    warning = only(result.warnings)
    assert "przykładowy" in warning.komunikat and warning.kolumna == "id"


def test_template_xlsx(register):
    data = template_xlsx_bytes()
    result = read_forms(data, "szablon.xlsx", register)
    assert result.usable and not result.errors
    assert result.frame().drop(columns=[]).equals(read_forms_path(TEMPLATE_CSV, register).frame())
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["partnerstwa", "instrukcja"]
    sheet = workbook["partnerstwa"]
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    for name in ("lider", "czlonkowie"):
        column = COLUMNS.index(name) + 1
        assert sheet.cell(2, column).number_format == "@" and sheet.cell(50, column).number_format == "@"
    explained = [r[0] for r in workbook["instrukcja"].iter_rows(min_row=5, values_only=True)]
    assert explained == list(COLUMNS)


def test_empty_template_row_added_by_user_in_xlsx(register):
    # A user types codes into the text-formatted cells of the template: they come back as written.
    workbook = load_workbook(io.BytesIO(template_xlsx_bytes()))
    sheet = workbook["partnerstwa"]
    sheet.delete_rows(2)
    values = row(id="P-01", lider=WYSOKIE_MIASTO, czlonkowie=f"{WYSOKIE_MIASTO};{KOBYLIN}")
    for i, name in enumerate(COLUMNS, start=1):
        sheet.cell(2, i).value = values.get(name, "")
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_forms(buffer.getvalue(), "moj.xlsx", register)
    assert result.usable and not result.problems
    assert result.partnerships[0].czlonkowie == (WYSOKIE_MIASTO, KOBYLIN)


# --- robustness -----------------------------------------------------------------------------
def test_random_inputs_never_raise(register):
    rng = random.Random(2020)
    valid_csv = csv_bytes([row(id="P1"), row(id="P2", czlonkowie="2006;2006011")])
    valid_xlsx = xlsx_bytes({"partnerstwa": [HEADER, list(row().values())]})
    samples = [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400))) for _ in range(30)]
    for base in (valid_csv, valid_xlsx):
        for _ in range(15):
            data = bytearray(base)
            for _ in range(rng.randrange(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            samples.append(bytes(data))
    samples += [valid_csv[: rng.randrange(len(valid_csv))] for _ in range(5)]
    samples += [valid_xlsx[: rng.randrange(len(valid_xlsx))] for _ in range(5)]
    for data in samples:
        for name in ("f.csv", "f.xlsx"):
            result = read_forms(data, name, register)
            assert isinstance(result, FormsResult)
            assert all(p.plik == name for p in result.problems)
            # whatever was accepted has no error of its own
            bad_rows = {p.wiersz for p in result.errors}
            assert all(p.wiersz not in bad_rows for p in result.partnerships)
            table = read_table(data, name)
            assert all(dtype == "str" for dtype in table.frame.dtypes)
