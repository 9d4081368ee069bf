"""Finding a gmina or a partnership by name as people type it: case- and diacritic-insensitive
("lomza" finds "Łomża"), results in Polish alphabetical order (pure)."""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Polish alphabetical order; letters outside it sort after, by code point.
_ALPHABET = "aąbcćdeęfghijklłmnńoóprsśtuvwxyzźż"
_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}
MAX_HITS = 8


def fold(text: str) -> str:
    """Lower case without diacritics (ł has no Unicode decomposition: mapped by hand)."""
    text = str(text).replace("ł", "l").replace("Ł", "L")
    text = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(ch for ch in text if not unicodedata.combining(ch)).split())


def polish_key(text: str) -> tuple:
    """Sort key in Polish alphabetical order ("Łomża" after "Lipsk", "Śniadowo" after "Szepietowo")."""
    low = str(text).casefold()
    return tuple((_RANK.get(ch, len(_ALPHABET) + ord(ch)), ch) for ch in low), str(text)


@dataclass(frozen=True)
class Hit:
    kind: str  # "partnerstwo" or "gmina"
    code: str  # partnership id or gmina TERYT
    label: str  # what the list shows


def search(query: str, entries: Iterable[Hit], limit: int = MAX_HITS) -> list[Hit]:
    """Entries whose label contains every word of the query (folded); words at a label's word start
    first, then Polish alphabetical order."""
    words = fold(query).split()
    if not words:
        return []
    found = []
    for hit in entries:
        folded = fold(hit.label)
        if all(w in folded for w in words):
            starts = all(folded.startswith(w) or f" {w}" in folded for w in words)
            found.append((not starts, polish_key(hit.label), hit))
    found.sort(key=lambda t: (t[0], t[1]))
    return [hit for *_k, hit in found[:limit]]
