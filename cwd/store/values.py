"""What the store returns: immutable values, no database handles."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from cwd.auth import Role
from cwd.criteria import CRITERIA_IDS
from cwd.nabor import StageDates
from cwd.settings import OsiSettings

Value = int | None  # 1, 0 or None (not verified — never the same as 0)

FORMS = "formularze"
ZTM = "ztm"
FILE_KINDS = (FORMS, ZTM)
FILE_KIND_LABELS = {FORMS: "formularze", ZTM: "lista OSI ZTM"}

# History kinds
CHANGE = "zmiana"
CONFIRMATION = "potwierdzenie"  # the assessment was confirmed against a new version of its form row


@dataclass(frozen=True)
class Nabor:
    id: str  # slug, used in URLs (?nabor=…)
    name: str
    stages: StageDates
    settings: OsiSettings
    created_by: str = ""  # display name
    created_by_login: str = ""
    created_at: datetime | None = None
    archived: bool = False
    archived_by: str = ""
    archived_at: datetime | None = None
    updated_by: str = ""
    updated_at: datetime | None = None
    stamp: int = 0
    demo: bool = False

    @property
    def writable(self) -> bool:
        return not (self.archived or self.demo)


@dataclass(frozen=True)
class FileVersion:
    """One uploaded version of a nabór's forms file or OSI ZTM list."""

    nabor_id: str
    kind: str  # FORMS or ZTM
    version: int  # 1, 2, … per nabór and kind
    file_name: str
    sha256: str
    size: int
    uploaded_by: str
    uploaded_by_login: str
    uploaded_at: datetime | None
    content: bytes | None = field(default=None, repr=False)  # None in listings


@dataclass(frozen=True)
class Assessment:
    """The verified values of one partnership in one nabór; version 0 means it was never saved.

    The first six fields keep their old order (exports and their tests build these directly)."""

    partnership_id: str
    values: dict[str, Value] = field(default_factory=lambda: dict.fromkeys(CRITERIA_IDS))
    comments: dict[str, str] = field(default_factory=lambda: dict.fromkeys(CRITERIA_IDS, ""))
    assessor: str = ""  # display name of whoever saved last
    version: int = 0
    updated_at: datetime | None = None
    nabor_id: str = ""
    assessor_login: str = ""
    row_hash: str | None = None  # content hash of the form row the assessment was based on

    @property
    def saved(self) -> bool:
        return self.version > 0

    @property
    def unverified(self) -> tuple[str, ...]:
        """Criteria without a UM value (checklist order)."""
        return tuple(c for c in CRITERIA_IDS if self.values.get(c) is None)


@dataclass(frozen=True)
class HistoryEntry:
    """One changed criterion of one save (or one confirmation against a new form row)."""

    id: int
    partnership_id: str
    version: int
    criterion: str  # "" for a confirmation
    old_value: Value
    new_value: Value
    old_comment: str
    comment: str
    assessor: str  # display name
    changed_at: datetime
    nabor_id: str = ""
    assessor_login: str = ""
    kind: str = CHANGE
    row_hash: str | None = None  # the form row the save/confirmation was based on
    old_row_hash: str | None = None


class Pick(NamedTuple):
    """One chosen partnership. `override` is the written reason for choosing it although UM has not
    verified all its criteria (empty when it is fully verified); `unverified` says what was missing."""

    partnership_id: str
    name: str
    justification: str
    override: str = ""
    unverified: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    """A recorded UM choice of at most MAX_SELECTED partnerships, each with a justification."""

    id: int
    picks: tuple[Pick, ...]
    decided_by: str
    decided_at: datetime
    nabor_id: str = ""
    number: int = 0  # 1, 2, … within the nabór: the version a new decision must state it saw
    decided_by_login: str = ""
    forms_version: int | None = None
    ztm_version: int | None = None
    settings: OsiSettings | None = None  # None only for decisions from before naborów
    summary: str = ""  # the settings in one Polish sentence, as shown when it was made

    @property
    def ids(self) -> list[str]:
        return [p.partnership_id for p in self.picks]

    def justification(self, pid: str) -> str:
        return next((p.justification for p in self.picks if p.partnership_id == pid), "")

    def override(self, pid: str) -> str:
        return next((p.override for p in self.picks if p.partnership_id == pid), "")

    @property
    def overridden(self) -> list[str]:
        return [p.partnership_id for p in self.picks if p.override]


@dataclass(frozen=True)
class Account:
    """A local account (never its password hash)."""

    login: str
    name: str
    role: Role
    admin: bool
    active: bool
    created_at: datetime | None = None
    created_by: str = ""
    source: str = "local"


@dataclass(frozen=True)
class OidcMapping:
    """The role given to an OIDC identity with this e-mail."""

    email: str
    role: Role
    admin: bool
    active: bool
    name: str = ""
    created_at: datetime | None = None
    created_by: str = ""


@dataclass(frozen=True)
class Health:
    ok: bool  # the database answered
    writable: bool
    message: str  # short Polish status
    backend: str = ""
    elapsed_ms: float | None = None
