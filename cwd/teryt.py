"""TERYT code rules, in one place: the shape of a code, how it is typed, and which JST it names.

A gmina code has 7 digits (voivodeship 2 + powiat 2 + gmina 2 + type 1), a powiat code 4. A city with
powiat rights (Białystok, Łomża, Suwałki) is one JST with two codes: the powiat 2062 and the gmina 2062011.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from cwd.readers import quote

if TYPE_CHECKING:  # the register is only passed in; importing it here would load the data tables
    from cwd.register import Register

VOIVODESHIPS = {
    "02": "dolnośląskie", "04": "kujawsko-pomorskie", "06": "lubelskie", "08": "lubuskie",
    "10": "łódzkie", "12": "małopolskie", "14": "mazowieckie", "16": "opolskie",
    "18": "podkarpackie", "20": "podlaskie", "22": "pomorskie", "24": "śląskie",
    "26": "świętokrzyskie", "28": "warmińsko-mazurskie", "30": "wielkopolskie", "32": "zachodniopomorskie",
}
FORMAT_HINT = "oczekiwano 7 cyfr (gmina) lub 4 cyfr (powiat)"
GMINA_FORMAT_HINT = "oczekiwano 7 cyfr (kod gminy)"
_SEPARATORS = re.compile(r"[;,\s]+")


def voivodeship_of(code: str) -> str:
    """'województwa podlaskiego' — every voivodeship's name is an adjective ending in -ie."""
    name = VOIVODESHIPS.get(code[:2])
    return f"województwa {name[:-1]}ego" if name else f"województwa o kodzie {code[:2]}"


def normalize_code(token: str) -> str:
    """A code as typed: trimmed, with a spreadsheet's trailing '.0' removed (2013011.0 -> 2013011)."""
    token = str(token).strip()
    m = re.fullmatch(r"(\d+)[.,]0+", token)
    return m[1] if m else token


def code_format_error(code: str, *, gminas_only: bool = False) -> str | None:
    """Why `code` is not a well-formed TERYT code of a gmina (7 digits) or powiat (4 digits); None if it is."""
    expected = GMINA_FORMAT_HINT if gminas_only else FORMAT_HINT
    if not re.fullmatch(r"\d+", code) or len(code) not in ((7,) if gminas_only else (4, 7)):
        if gminas_only and re.fullmatch(r"\d{4}", code):
            return f"Kod „{code}” to kod powiatu, a lista obejmuje gminy – wpisz 7-cyfrowe kody gmin."
        message = f"Kod TERYT {quote(code)} ma niepoprawny format: {expected}."
        if re.fullmatch(r"\d{3}|\d{6}", code) and code_format_error("0" + code, gminas_only=gminas_only) is None:
            message += " Jeśli kod zaczyna się od zera, Excel mógł je usunąć – wpisz kod jako tekst."
        return message
    if code[:2] not in VOIVODESHIPS:
        return f"Kod TERYT „{code}” jest niepoprawny: „{code[:2]}” nie jest kodem województwa."
    if code[2:4] == "00":
        return f"Kod TERYT „{code}” jest niepoprawny: „00” nie jest kodem powiatu."
    if len(code) == 7:
        if code[4:6] == "00":
            return f"Kod TERYT „{code}” jest niepoprawny: „00” nie jest kodem gminy."
        kind = code[6]
        if kind in "45":
            part = "miasto" if kind == "4" else "obszar wiejski"
            return (f"Kod TERYT „{code}” oznacza {part} w gminie miejsko-wiejskiej, a nie gminę – "
                    f"podaj kod całej gminy „{code[:6]}3”.")
        if kind not in "123":
            return (f"Kod TERYT „{code}” jest niepoprawny: ostatnia cyfra kodu gminy (rodzaj) musi być "
                    "1 (gmina miejska), 2 (gmina wiejska) lub 3 (gmina miejsko-wiejska).")
    return None


def split_codes(text: str) -> tuple[list[str], list[str]]:
    """(codes, words): tokens separated by `;`, `,` or whitespace; words are tokens with letters (names)."""
    tokens = [normalize_code(t) for t in _SEPARATORS.split(text) if t.strip()]
    codes: list[str] = []
    words: list[str] = []
    for token in tokens:
        (words if re.search(r"[^\W\d_]", token) else codes).append(token)
    return codes, words


def unit_label(register: Register, code: str) -> str:
    """How a message names the JST of a well-formed code, whether or not the register knows it."""
    if register.knows(code):
        return register.label(code)
    if not register.in_voivodeship(code):
        return f"JST o kodzie {code} ({voivodeship_of(code)})"
    return f"kod {code}"


def jst_identity(register: Register, code: str) -> str:
    """The JST a code stands for: a city with powiat rights is one JST with two codes (2062 and 2062011
    Łomża), so its gmina code maps to the powiat code; every other code is its own JST."""
    if len(code) == 7 and register.is_gmina(code):
        powiat = code[:4]
        if register.is_powiat(powiat) and register.gminy_powiatu(powiat) == [code] and code[6] == "1":
            return powiat
    return code
