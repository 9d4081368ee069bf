"""Polish number and date formats (Babel), for the UI, the command line and the exports."""
from __future__ import annotations

from datetime import date, datetime, timezone
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

# Parsed once: Babel would parse a locale name on every call (≈ 0.5 ms each, thousands per page).
LOCALE = Locale.parse("pl_PL")
UNKNOWN = "nieustalone"  # a value that cannot be determined (never shown as 0)
MINUS = "\u2212"  # Polish typography: the minus sign, not a hyphen


def plural(n: int, forms: tuple[str, str, str]) -> str:
    """Polish plural form for n: forms = (1, 2–4, 5+), e.g. ("gmina", "gminy", "gmin").

    12–14 take the third form ("12 gmin"), 22–24 the second ("22 gminy")."""
    n = abs(int(n))
    if n == 1:
        return forms[0]
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return forms[1]
    return forms[2]


def count(n: int, forms: tuple[str, str, str]) -> str:
    """"44 gminy", "5 gmin", "1 gmina" (the number in Polish format)."""
    return f"{fmt_int(n)} {plural(n, forms)}"


GMINY = ("gmina", "gminy", "gmin")
PARTNERSTWA = ("partnerstwo", "partnerstwa", "partnerstw")
KRYTERIA = ("kryterium", "kryteria", "kryteriów")
JST = ("JST", "JST", "JST")
MIESZKANCY = ("mieszkaniec", "mieszkańcy", "mieszkańców")


def _minus(text: str) -> str:
    return MINUS + text[1:] if text.startswith("-") else text


def fmt_int(value: int | float | None, unknown: str = "—") -> str:
    """53 406 (non-breaking space thousands), −6 with the minus sign; `unknown` when None/NaN."""
    if value is None or value != value:
        return unknown
    return _int_text(round(value))


@lru_cache(maxsize=8192)
def _int_text(value: int) -> str:
    return _minus(format_decimal(value, locale=LOCALE))


def fmt_num(value: float | None, digits: int = 1, unknown: str = "—") -> str:
    if value is None or value != value:
        return unknown
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return _minus(format_decimal(value, format=pattern, locale=LOCALE))


def fmt_pct(share: float | None, digits: int = 0, unknown: str = "—") -> str:
    """A share (0.25) as a Polish percentage ("25%"); `unknown` when it cannot be determined."""
    if share is None or share != share:
        return unknown
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return _minus(format_percent(share, format=pattern, locale=LOCALE))


def fmt_date(value: date | None) -> str:
    """DD.MM.YYYY, the form used in Polish administration."""
    if value is None:
        return "—"
    return value.strftime("%d.%m.%Y")


def fmt_date_long(value: date) -> str:
    """e.g. "22 września 2020"."""
    return format_date(value, format="d MMMM y", locale=LOCALE)


def to_local(value: datetime) -> tuple[datetime, str]:
    """A time-zone-aware moment (the store keeps UTC) in Warsaw time; naive = already local.
    The suffix names the zone when no time zone database is available (then UTC)."""
    if value.tzinfo is None:
        return value, ""
    try:
        from zoneinfo import ZoneInfo

        return value.astimezone(ZoneInfo("Europe/Warsaw")), ""
    except Exception:
        return value.astimezone(timezone.utc), " UTC"


def fmt_datetime(value: datetime | None) -> str:
    """dd.mm.yyyy hh:mm in Warsaw time."""
    if value is None:
        return "—"
    local, suffix = to_local(value)
    return local.strftime("%d.%m.%Y %H:%M") + suffix
