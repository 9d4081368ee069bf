"""Input checks, done before anything reaches the database (limits from cwd.limits)."""
from __future__ import annotations

import numbers
from collections.abc import Mapping

from cwd.criteria import CRITERIA_IDS
from cwd.limits import (
    MAX_COMMENT_CHARS,
    MAX_FILENAME_CHARS,
    MAX_ID_CHARS,
    MAX_JUSTIFICATION_CHARS,
    MAX_NAME_CHARS,
)
from cwd.nabor import DEMO_ID, check_slug
from cwd.store.errors import InvalidValueError
from cwd.store.schema import ROW_HASH_CHARS
from cwd.store.values import Value


def _no_controls(text: str) -> bool:
    return not any(ord(ch) < 32 for ch in text)


def partnership_id(pid: object) -> str:
    if not isinstance(pid, str) or not pid.strip():
        raise InvalidValueError("Brak identyfikatora partnerstwa.")
    if len(pid) > MAX_ID_CHARS:
        raise InvalidValueError(f"Identyfikator partnerstwa jest za długi (najwyżej {MAX_ID_CHARS} znaków).")
    if not _no_controls(pid):
        raise InvalidValueError("Identyfikator partnerstwa zawiera niedozwolone znaki sterujące.")
    return pid


def nabor_id(value: object) -> str:
    try:
        return check_slug(value) if value != DEMO_ID else DEMO_ID
    except ValueError as exc:
        raise InvalidValueError(str(exc)) from None


def nabor_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidValueError("Podaj nazwę naboru.")
    name = " ".join(name.split())
    if len(name) > MAX_NAME_CHARS:
        raise InvalidValueError(f"Nazwa naboru jest za długa (najwyżej {MAX_NAME_CHARS} znaków).")
    return name


def value(criterion: str, given: object) -> Value:
    if given is None:
        return None
    # bool is an int in Python, but True/False in a 0/1 checklist is a caller's mistake.
    if isinstance(given, numbers.Integral) and not isinstance(given, bool) and int(given) in (0, 1):
        return int(given)
    raise InvalidValueError(
        f"Kryterium {criterion}: dozwolone wartości to 1, 0 albo brak oceny, a podano „{given}”."
    )


def comment(criterion: str, given: object) -> str:
    if given is None:
        return ""
    if not isinstance(given, str):
        raise InvalidValueError(f"Komentarz do kryterium {criterion} musi być tekstem.")
    given = given.strip()
    if len(given) > MAX_COMMENT_CHARS:
        raise InvalidValueError(f"Komentarz do kryterium {criterion} jest za długi "
                                f"(najwyżej {MAX_COMMENT_CHARS} znaków, podano {len(given)}).")
    return given


def criteria(keys) -> None:
    unknown = [str(k) for k in keys if k not in CRITERIA_IDS]
    if unknown:
        raise InvalidValueError(
            "Nieznane kryterium: " + ", ".join(f"„{k}”" for k in unknown)
            + f". Dozwolone: {', '.join(CRITERIA_IDS)}."
        )


def changes(given: object) -> dict[str, tuple[Value, str]]:
    """criterion → (value, comment), in checklist order; only the criteria given."""
    if not isinstance(given, Mapping):
        raise InvalidValueError("Zmiany oceny muszą być słownikiem: kryterium → (wartość, komentarz).")
    criteria(given)
    clean = {}
    for c in CRITERIA_IDS:
        if c not in given:
            continue
        pair = given[c]
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise InvalidValueError(f"Kryterium {c}: podaj parę (wartość, komentarz).")
        clean[c] = (value(c, pair[0]), comment(c, pair[1]))
    return clean


def version(expected: object, what: str = "oceny") -> int:
    if isinstance(expected, bool) or not isinstance(expected, numbers.Integral) or expected < 0:
        raise InvalidValueError(f"Nieprawidłowa wersja {what}: „{expected}” (oczekiwano liczby całkowitej ≥ 0).")
    return int(expected)


def row_hash(given: object) -> str | None:
    if given is None:
        return None
    if not isinstance(given, str) or not given or len(given) > ROW_HASH_CHARS or not _no_controls(given):
        raise InvalidValueError(f"Nieprawidłowy skrót wiersza formularza (tekst, najwyżej {ROW_HASH_CHARS} znaków).")
    return given


def file_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidValueError("Brak nazwy pliku.")
    name = name.strip().replace("\\", "/").rsplit("/", 1)[-1]  # the name, never a path
    if len(name) > MAX_FILENAME_CHARS:
        raise InvalidValueError(f"Nazwa pliku jest za długa (najwyżej {MAX_FILENAME_CHARS} znaków).")
    if not name or not _no_controls(name):
        raise InvalidValueError("Nazwa pliku zawiera niedozwolone znaki.")
    return name


def justification(pid: str, text: object, what: str = "uzasadnienie wyboru") -> str:
    if text is None:
        return ""
    if not isinstance(text, str):
        raise InvalidValueError(f"{what.capitalize()} dla {pid} musi być tekstem.")
    text = text.strip()
    if len(text) > MAX_JUSTIFICATION_CHARS:
        raise InvalidValueError(f"{what.capitalize()} dla {pid} jest za długie "
                                f"(najwyżej {MAX_JUSTIFICATION_CHARS} znaków, podano {len(text)}).")
    return text


def short_text(text: object, limit: int, what: str) -> str:
    if text is None:
        return ""
    if not isinstance(text, str):
        raise InvalidValueError(f"{what} musi być tekstem.")
    text = " ".join(text.split())
    if len(text) > limit:
        raise InvalidValueError(f"{what} jest za długi (najwyżej {limit} znaków).")
    return text
