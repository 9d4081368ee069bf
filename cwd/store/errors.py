"""The store's exceptions: a small set the UI can tell apart, each with a Polish message that says
what was not saved and that nothing saved earlier was lost.

Driver errors (sqlite3, psycopg, SQLAlchemy's pool) never leave the store raw: `engine.translate`
turns them into one of these. Every class derives from StoreError; the ones about input also from
ValueError, the permission one (cwd.auth.PermissionDenied) from PermissionError.
"""
from __future__ import annotations

NOTHING_LOST = "Dane zapisane wcześniej są nienaruszone."
NOTHING_CHANGED = "Nic nie zostało zmienione."


class StoreError(Exception):
    """Base class. `not_saved` is the sentence naming what was not written (None for a read)."""

    def __init__(self, message: str, *, not_saved: str | None = None):
        self.not_saved = not_saved
        super().__init__(message)

    @property
    def message(self) -> str:
        return str(self)


def _tail(not_saved: str | None, advice: str = "") -> str:
    """"Ocena … nie została zapisana. Dane zapisane wcześniej są nienaruszone. <advice>" (write) or
    "Nie udało się odczytać danych. Nic nie zostało zmienione." (read)."""
    parts = [f"{not_saved}." if not_saved else "Nie udało się odczytać danych.",
             NOTHING_LOST if not_saved else NOTHING_CHANGED]
    if advice:
        parts.append(advice)
    return " ".join(parts)


class ReadOnlyError(StoreError):
    """The database (file, folder, server or transaction) accepts no writes; reads still work."""

    def __init__(self, not_saved: str | None = None, detail: str = ""):
        head = "Baza tylko do odczytu – zapisy wyłączone" + (f" ({detail})" if detail else "") + "."
        super().__init__(f"{head} {_tail(not_saved, 'Zapisane dane można nadal przeglądać.')}",
                         not_saved=not_saved)


class DiskFullError(StoreError):
    def __init__(self, not_saved: str | None = None):
        super().__init__(
            "Brak miejsca na dysku bazy danych. "
            + _tail(not_saved, "Po zwolnieniu miejsca zapisz ponownie."), not_saved=not_saved)


class UnavailableError(StoreError):
    """The database cannot be reached, or did not answer within the timeout."""

    def __init__(self, not_saved: str | None = None, detail: str = ""):
        head = "Baza danych jest niedostępna" + (f" ({detail})" if detail else "") + "."
        super().__init__(f"{head} {_tail(not_saved, 'Spróbuj ponownie, gdy baza będzie dostępna.')}",
                         not_saved=not_saved)


class LockedError(StoreError):
    """Another write held the lock past the busy/lock timeout ("database is locked")."""

    def __init__(self, not_saved: str | None = None, seconds: float | None = None):
        waited = f" (czekano {seconds:g} s)" if seconds else ""
        super().__init__(
            f"Baza danych jest zajęta innym zapisem{waited}. " + _tail(not_saved, "Spróbuj ponownie za chwilę."),
            not_saved=not_saved)


class InvalidValueError(StoreError, ValueError):
    """Input the store refuses: too long, malformed, unknown criterion… Raised before the database
    is touched when the store can tell, or translated from the database's own refusal."""

    def __init__(self, message: str, *, not_saved: str | None = None):
        super().__init__(message, not_saved=not_saved)


class NotFoundError(StoreError, LookupError):
    pass


class NaborClosedError(StoreError):
    """The nabór takes no writes: archived, or the read-only example."""

    def __init__(self, message: str, *, not_saved: str | None = None):
        super().__init__(f"{message} {_tail(not_saved)}" if not_saved else message, not_saved=not_saved)


class ConflictError(StoreError):
    """Someone else saved the assessment after the caller read it; nothing was written.
    `current` is the fresh stored assessment (to show, and to rebase the draft on)."""

    def __init__(self, current):
        self.current = current
        super().__init__(conflict_message(current), not_saved="Twoje zmiany nie zostały zapisane")


class DecisionConflictError(StoreError):
    """A decision was recorded after the one the caller saw; the new one was not recorded.
    `current` is the latest recorded decision."""

    def __init__(self, current):
        self.current = current
        if current is None:
            text = "Zapis decyzji zakładał inną wersję rejestru decyzji."
        else:
            text = (f"W międzyczasie decyzję nr {current.number} zapisał(a) {current.decided_by} "
                    f"({_display_time(current.decided_at)}): {', '.join(current.ids)}.")
        super().__init__(f"{text} Twoja decyzja nie została zapisana — sprawdź zapisaną decyzję i zapisz ponownie.",
                         not_saved="Twoja decyzja nie została zapisana")


class OutdatedDataError(StoreError):
    """The decision was prepared on a forms / ZTM list version that is no longer the nabór's current one."""

    def __init__(self, message: str):
        super().__init__(f"{message} Decyzja nie została zapisana — odśwież dane i zapisz ponownie.",
                         not_saved="Decyzja nie została zapisana")


class UnverifiedPicksError(StoreError, ValueError):
    """A pick lacks UM verification and has no written override reason. `missing` maps the
    partnership id to the reasons (criteria not verified, assessment on an earlier form row)."""

    def __init__(self, missing: dict[str, tuple[str, ...]]):
        self.missing = missing
        detail = "; ".join(f"{pid}: {', '.join(reasons)}" for pid, reasons in missing.items())
        super().__init__(
            "Wybrane partnerstwa nie mają pełnej weryfikacji UM: " + detail
            + ". Uzupełnij ocenę albo podaj pisemny powód odstępstwa. Decyzja nie została zapisana.",
            not_saved="Decyzja nie została zapisana")


def _display_time(moment) -> str:
    from cwd.fmt import fmt_datetime

    return fmt_datetime(moment)  # Warsaw time


def conflict_message(current) -> str:
    retry = "Twoje zmiany nie zostały zapisane — sprawdź aktualne wartości i zapisz ponownie."
    if not current.saved or current.updated_at is None:
        return f"Oceny tego partnerstwa nie ma jeszcze w bazie, a zapis zakładał inną wersję. {retry}"
    return (
        f"Tę ocenę w międzyczasie zapisał(a) {current.assessor} "
        f"({_display_time(current.updated_at)}). {retry}"
    )
