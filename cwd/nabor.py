"""Rules about a call (nabór), pure: its id, its stage dates, each partnership's stage derived from
what was recorded, the timeline rows, and the content hash of a form row.

No database and no Streamlit here: the store keeps naborów, this module says what they mean.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import NamedTuple

from cwd.criteria import CRITERIA_COUNT, CRITERIA_IDS
from cwd.limits import MAX_ID_CHARS
from cwd.settings import FORMS_DEADLINE, MFIPR_ANNOUNCEMENT, UM_DECISION

# The example data: a read-only nabór whose forms come from data/, never from the database.
DEMO_ID = "demo"
DEMO_NAME = "Przykład – dane ilustracyjne (tylko do odczytu)"
RESERVED_IDS = frozenset({DEMO_ID, "nowy", "new"})
MAX_SLUG_CHARS = MAX_ID_CHARS
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")


# --- the id used in URLs (?nabor=…) ------------------------------------------------------------------
def slugify(name: str) -> str:
    """"Pilotaż CWD 2020 – woj. podlaskie" → "pilotaz-cwd-2020-woj-podlaskie" (≤ MAX_SLUG_CHARS)."""
    text = (name or "").replace("ł", "l").replace("Ł", "L")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) > MAX_SLUG_CHARS:
        slug = slug[:MAX_SLUG_CHARS].rstrip("-")
    return slug or "nabor"


def check_slug(slug: object) -> str:
    if not isinstance(slug, str) or not slug:
        raise ValueError("Brak identyfikatora naboru.")
    if len(slug) > MAX_SLUG_CHARS:
        raise ValueError(f"Identyfikator naboru jest za długi (najwyżej {MAX_SLUG_CHARS} znaków).")
    if not _SLUG.match(slug):
        raise ValueError(f"Identyfikator naboru „{slug}” może zawierać tylko małe litery łacińskie, cyfry "
                         "i łączniki (bez łącznika na początku i końcu).")
    return slug


# --- stage dates --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StageDates:
    """The call's process dates (DESIGN §1); each may be unknown yet."""

    forms_deadline: date | None = FORMS_DEADLINE  # forms to UM
    um_decision: date | None = UM_DECISION  # UM's choice forwarded to MFiPR
    mfipr_announcement: date | None = MFIPR_ANNOUNCEMENT  # MFiPR announces (approximate)

    def problems(self) -> list[str]:
        order = [(self.forms_deadline, "termin formularzy"), (self.um_decision, "decyzja UM"),
                 (self.mfipr_announcement, "ogłoszenie MFiPR")]
        known = [(d, label) for d, label in order if d is not None]
        return [f"Data „{b_label}” ({b:%d.%m.%Y}) jest wcześniejsza niż „{a_label}” ({a:%d.%m.%Y})."
                for (a, a_label), (b, b_label) in zip(known, known[1:]) if b < a]

    def check(self) -> "StageDates":
        for value in (self.forms_deadline, self.um_decision, self.mfipr_announcement):
            if value is not None and not isinstance(value, date):
                raise ValueError(f"Nieprawidłowa data etapu naboru: „{value}”.")
        if problems := self.problems():
            raise ValueError(" ".join(problems))
        return self


class Phase(str, Enum):
    """Where a nabór is on a given day."""

    FORMS = "przyjmowanie formularzy"
    ASSESSMENT = "ocena formularzy"
    DECISION_OVERDUE = "ocena formularzy – termin decyzji UM minął"
    DECIDED = "decyzja UM zapisana"
    ANNOUNCED = "po ogłoszeniu MFiPR"
    ARCHIVED = "zarchiwizowany"


def phase(stages: StageDates, today: date, *, decided: bool, archived: bool = False) -> Phase:
    if archived:
        return Phase.ARCHIVED
    if decided:
        if stages.mfipr_announcement is not None and today > stages.mfipr_announcement:
            return Phase.ANNOUNCED
        return Phase.DECIDED
    if stages.forms_deadline is not None and today <= stages.forms_deadline:
        return Phase.FORMS
    if stages.um_decision is not None and today > stages.um_decision:
        return Phase.DECISION_OVERDUE
    return Phase.ASSESSMENT


# --- a partnership's stage, derived from what was recorded ---------------------------------------------
class Stage(str, Enum):
    SUBMITTED = "formularz złożony"  # in the forms, nothing verified by UM yet
    IN_ASSESSMENT = "w ocenie UM"  # some criteria verified
    ASSESSED = "zweryfikowane przez UM"  # all criteria verified
    OUTDATED = "ocena do potwierdzenia"  # verified on an earlier version of its form row
    SELECTED = "wybrane przez UM"
    NOT_SELECTED = "niewybrane"
    NOT_IN_FORMS = "brak w bieżącej wersji formularzy"  # assessed, but the current forms have no such id


@dataclass(frozen=True)
class PartnershipStage:
    partnership_id: str
    stage: Stage
    verified: int  # criteria verified by UM (0 or 1, not missing)
    total: int = CRITERIA_COUNT
    late: bool = False  # submitted after the forms deadline
    outdated: bool = False  # the assessment is based on another version of the form row

    @property
    def label(self) -> str:
        extra = []
        if self.stage in (Stage.IN_ASSESSMENT, Stage.OUTDATED):
            extra.append(f"zweryfikowano {self.verified}/{self.total}")
        if self.outdated and self.stage is not Stage.OUTDATED:
            extra.append("ocena dotyczy wcześniejszej wersji formularza")
        if self.late:
            extra.append("formularz po terminie")
        return self.stage.value + (f" ({'; '.join(extra)})" if extra else "")


def partnership_stage(
    partnership_id: str,
    *,
    in_forms: bool,
    submitted_on: date | None = None,
    forms_deadline: date | None = None,
    verified_values: Mapping[str, int | None] | None = None,
    assessed_row_hash: str | None = None,
    current_row_hash: str | None = None,
    decision_ids: Iterable[str] | None = None,
) -> PartnershipStage:
    """The stage of one partnership in its nabór.

    `verified_values`: the stored UM values (None = never assessed); `decision_ids`: the latest
    recorded decision's picks (None = no decision yet). A decision outranks the assessment state;
    an assessment made on another row of the form needs confirming before it counts as done.
    """
    values = verified_values or {}
    verified = sum(1 for c in CRITERIA_IDS if values.get(c) is not None)
    late = bool(submitted_on and forms_deadline and submitted_on > forms_deadline)
    saved = verified_values is not None
    outdated = bool(saved and in_forms and current_row_hash is not None and assessed_row_hash != current_row_hash)
    if decision_ids is not None:
        chosen = set(decision_ids)
        stage = Stage.SELECTED if partnership_id in chosen else Stage.NOT_SELECTED
    elif not in_forms:
        stage = Stage.NOT_IN_FORMS
    elif outdated:
        stage = Stage.OUTDATED
    elif verified == CRITERIA_COUNT:
        stage = Stage.ASSESSED
    elif verified:
        stage = Stage.IN_ASSESSMENT
    else:
        stage = Stage.SUBMITTED
    return PartnershipStage(partnership_id, stage, verified, CRITERIA_COUNT, late, outdated)


# --- the timeline -----------------------------------------------------------------------------------------
class Milestone(NamedTuple):
    day: date
    label: str


class SubmissionRow(NamedTuple):
    day: date
    label: str  # "P01 – Ziemia Wysokomazowiecka"
    on_time: bool


@dataclass(frozen=True)
class Timeline:
    milestones: list[Milestone]
    submissions: list[SubmissionRow]
    undated: list[str]  # ids of partnerships without a submission date


def timeline(stages: StageDates, submissions: Iterable[tuple[str, str, date | None]]) -> Timeline:
    """Rows for the call's timeline chart: the stage dates that are known, and one row per form
    (id, name, submission date) marked on time or late."""
    milestones = [Milestone(d, label) for d, label in (
        (stages.forms_deadline, "Formularze do UM"),
        (stages.um_decision, "Decyzja UM → MFiPR"),
        (stages.mfipr_announcement, "Ogłoszenie MFiPR (ok.)"),
    ) if d is not None]
    rows, undated = [], []
    for pid, name, day in submissions:
        if day is None:
            undated.append(pid)
            continue
        on_time = stages.forms_deadline is None or day <= stages.forms_deadline
        rows.append(SubmissionRow(day, f"{pid} – {name}", on_time))
    return Timeline(milestones, rows, undated)


# --- the content of a form row -------------------------------------------------------------------------
# Where a row sits in its file is not its content: moving rows or renaming the file changes nothing.
_NOT_CONTENT = frozenset({"wiersz", "plik"})


def row_hash(fields: Mapping[str, object]) -> str:
    """An opaque, stable hash of a form row's content (SHA-256 of canonical JSON)."""
    canonical = json.dumps({str(k): _plain(v) for k, v in fields.items() if k not in _NOT_CONTENT},
                           sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def partnership_row_hash(partnership) -> str:
    """row_hash of a `cwd.model.Partnership` (or any dataclass of its shape)."""
    return row_hash(dataclasses.asdict(partnership))


def _plain(value: object) -> object:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if value is not None and not isinstance(value, (str, int, float, bool)):
        try:  # numpy / pandas scalars
            return _plain(value.item())
        except (AttributeError, ValueError):
            return str(value)
    return value
