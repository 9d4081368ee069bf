"""TERYT code rules (cwd/teryt.py): the shape of a code, how it is typed, which JST it names."""
from __future__ import annotations

import pytest

from cwd.teryt import (
    FORMAT_HINT,
    VOIVODESHIPS,
    code_format_error,
    jst_identity,
    normalize_code,
    split_codes,
    unit_label,
    voivodeship_of,
)

LOMZA_POWIAT, LOMZA_GMINA = "2062", "2062011"


def test_sixteen_voivodeships_and_their_genitive():
    assert len(VOIVODESHIPS) == 16 and sorted(VOIVODESHIPS) == [f"{i:02d}" for i in range(2, 33, 2)]
    assert voivodeship_of("2013011") == "województwa podlaskiego"
    assert voivodeship_of("1401011") == "województwa mazowieckiego"
    assert voivodeship_of("2801") == "województwa warmińsko-mazurskiego"
    assert voivodeship_of("9901011") == "województwa o kodzie 99"


@pytest.mark.parametrize("typed, code", [
    (" 2013011 ", "2013011"), ("2013011.0", "2013011"), ("2006,00", "2006"), ("2013", "2013"), ("20a", "20a"),
])
def test_normalize_code(typed, code):
    assert normalize_code(typed) == code


@pytest.mark.parametrize("code", ["2013011", "2013102", "2013023", "2006", "2062", "1401011"])
def test_well_formed_codes(code):
    assert code_format_error(code) is None


@pytest.mark.parametrize("code, words", [
    ("20130", ["Kod TERYT „20130” ma niepoprawny format: oczekiwano 7 cyfr (gmina) lub 4 cyfr (powiat)."]),
    ("201301", ["„201301”", "7 cyfr"]),
    ("2013016", ["„2013016”", "ostatnia cyfra", "1 (gmina miejska)", "2 (gmina wiejska)", "3 (gmina miejsko"]),
    ("2011044", ["„2011044”", "miasto", "„2011043”"]),
    ("2011045", ["obszar wiejski", "„2011043”"]),
    ("2013005", ["„00”", "gminy"]),
    ("2000", ["„00”", "powiatu"]),
    ("2100", ["„21”", "województwa"]),
    ("201x011", ["„201x011”"]),
])
def test_malformed_codes(code, words):
    error = code_format_error(code)
    for word in words:
        assert word in error


def test_format_hint_is_the_one_the_messages_use():
    assert FORMAT_HINT in code_format_error("123")


def test_dropped_leading_zero_hint():
    assert "zera" in code_format_error("201011")  # 0201011: dolnośląskie, Excel dropped the zero
    assert "zera" not in code_format_error("20130")


def test_gminas_only():
    assert "kod powiatu" in code_format_error("2006", gminas_only=True)
    assert "oczekiwano 7 cyfr (kod gminy)" in code_format_error("200707", gminas_only=True)
    assert code_format_error("2007072", gminas_only=True) is None


def test_a_huge_token_is_quoted_cut():
    error = code_format_error("1" * 100_000)
    assert len(error) < 200 and "…”" in error


def test_split_codes_separators_and_words():
    assert split_codes("2013; 2013011,2013102  2006\n2006011.0") == (
        ["2013", "2013011", "2013102", "2006", "2006011"], [])
    assert split_codes("2013011; Kobylin-Borzymy, Łomża") == (["2013011"], ["Kobylin-Borzymy", "Łomża"])
    assert split_codes("") == ([], [])


def test_unit_label(register):
    assert unit_label(register, "2013011") == register.label("2013011")
    assert unit_label(register, "1401011") == "JST o kodzie 1401011 (województwa mazowieckiego)"
    assert unit_label(register, "2013112") == "kod 2013112"


def test_city_with_powiat_rights_is_one_jst(register):
    assert jst_identity(register, LOMZA_GMINA) == LOMZA_POWIAT
    assert jst_identity(register, LOMZA_POWIAT) == LOMZA_POWIAT
    assert jst_identity(register, "2061011") == "2061" and jst_identity(register, "2063011") == "2063"
    # An ordinary urban gmina is not its powiat, nor is a code the register does not know.
    assert jst_identity(register, "2013011") == "2013011"
    assert jst_identity(register, "2064011") == "2064011"
