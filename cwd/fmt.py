"""Polish number and date formats (Babel), for the UI, the command line and the exports."""
from __future__ import annotations

from datetime import date, datetime, timezone

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

LOCALE = "pl_PL"


def fmt_int(value: int | float | None) -> str:
    if value is None or value != value:
        return "—"
    return format_decimal(round(value), locale=LOCALE)


def fmt_num(value: float | None, digits: int = 1) -> str:
    if value is None or value != value:
        return "—"
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(value, format=pattern, locale=LOCALE)


def fmt_pct(share: float | None, digits: int = 0) -> str:
    """A share (0.25) as a Polish percentage ("25%")."""
    if share is None or share != share:
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return format_percent(share, format=pattern, locale=LOCALE)


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
