"""The assessment form's draft, pure: what the person sees, what they changed, what a save sends.

A draft is built from the stored assessment (its *base*) and holds the person's edits — the value
and the comment of a criterion separately, so that editing only a comment never sends back a value
someone else changed meanwhile. Only edited criteria are sent (`changes()`), and the store writes
only those. When a save is refused because someone saved in between, `rebase()` moves the draft
onto the fresh stored assessment: criteria the person did not touch take the fresh values, the
person's edits stay, and the edits that now meet a different stored value are reported as conflicts
(the UI shows both and lets the person choose). Nothing the person typed is dropped silently.

Drafts are immutable: every operation returns a new draft (cheap; a checklist has 11 criteria).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Literal, Protocol

from cwd.criteria import CRITERIA_IDS

Value = int | None
FieldName = Literal["value", "comment"]
FIELD_LABELS = {"value": "wartość", "comment": "komentarz"}


class StoredAssessment(Protocol):
    """What a draft needs from the store's Assessment."""

    partnership_id: str
    values: Mapping[str, Value]
    comments: Mapping[str, str]
    version: int
    row_hash: str | None


def _frozen(mapping: Mapping) -> Mapping:
    return MappingProxyType(dict(mapping))


def _clean_comment(text: str | None) -> str:
    return (text or "").strip()


def _check_criterion(criterion: str) -> None:
    if criterion not in CRITERIA_IDS:
        raise ValueError(f"Nieznane kryterium: „{criterion}”. Dozwolone: {', '.join(CRITERIA_IDS)}.")


@dataclass(frozen=True)
class Conflict:
    """An unsaved edit that meets a stored value someone else saved after the draft's base was read."""

    criterion: str
    field: FieldName
    mine: Value | str  # the person's unsaved edit (kept in the draft)
    stored: Value | str  # what is stored now
    before: Value | str  # what the person saw when they started editing

    @property
    def message(self) -> str:
        return (f"{self.criterion} ({FIELD_LABELS[self.field]}): w międzyczasie zapisano „{_show(self.stored)}”, "
                f"Twoja niezapisana zmiana to „{_show(self.mine)}” (wcześniej było „{_show(self.before)}”).")


def _show(value: Value | str) -> str:
    return "brak" if value is None or value == "" else str(value)


@dataclass(frozen=True)
class Draft:
    nabor_id: str
    partnership_id: str
    base_values: Mapping[str, Value]
    base_comments: Mapping[str, str]
    base_version: int = 0
    base_row_hash: str | None = None
    value_edits: Mapping[str, Value] = field(default_factory=lambda: _frozen({}))
    comment_edits: Mapping[str, str] = field(default_factory=lambda: _frozen({}))

    # -- building --
    @classmethod
    def from_stored(cls, nabor_id: str, stored: StoredAssessment) -> "Draft":
        return cls(
            nabor_id=nabor_id,
            partnership_id=stored.partnership_id,
            base_values=_frozen({c: stored.values.get(c) for c in CRITERIA_IDS}),
            base_comments=_frozen({c: _clean_comment(stored.comments.get(c)) for c in CRITERIA_IDS}),
            base_version=stored.version,
            base_row_hash=getattr(stored, "row_hash", None),
        )

    def with_value(self, criterion: str, value: Value) -> "Draft":
        _check_criterion(criterion)
        if value not in (None, 0, 1) or isinstance(value, bool):
            raise ValueError(f"Kryterium {criterion}: dozwolone wartości to 1, 0 albo brak oceny, a podano „{value}”.")
        return replace(self, value_edits=_frozen({**self.value_edits, criterion: value}))

    def with_comment(self, criterion: str, comment: str) -> "Draft":
        _check_criterion(criterion)
        if not isinstance(comment, str):
            raise ValueError(f"Komentarz do kryterium {criterion} musi być tekstem.")
        return replace(self, comment_edits=_frozen({**self.comment_edits, criterion: comment}))

    def with_form(self, values: Mapping[str, Value], comments: Mapping[str, str]) -> "Draft":
        """Take what a submitted form shows: a criterion counts as edited only where the widget's
        value differs from the base, so untouched widgets never become edits."""
        draft = self
        for c in CRITERIA_IDS:
            if c in values and values[c] != self.value(c):
                draft = draft.with_value(c, values[c])
            if c in comments and _clean_comment(comments[c]) != self.comment(c):
                draft = draft.with_comment(c, comments[c])
        return draft

    def discard(self, criterion: str | None = None) -> "Draft":
        """Drop the edits of one criterion (or all): the base shows again."""
        if criterion is None:
            return replace(self, value_edits=_frozen({}), comment_edits=_frozen({}))
        return replace(
            self,
            value_edits=_frozen({c: v for c, v in self.value_edits.items() if c != criterion}),
            comment_edits=_frozen({c: v for c, v in self.comment_edits.items() if c != criterion}),
        )

    # -- what the form shows --
    def value(self, criterion: str) -> Value:
        return self.value_edits.get(criterion, self.base_values.get(criterion))

    def comment(self, criterion: str) -> str:
        if criterion in self.comment_edits:
            return _clean_comment(self.comment_edits[criterion])
        return self.base_comments.get(criterion, "")

    def shown(self) -> dict[str, tuple[Value, str]]:
        return {c: (self.value(c), self.comment(c)) for c in CRITERIA_IDS}

    # -- what a save sends --
    def changed(self) -> tuple[str, ...]:
        """Criteria (checklist order) whose shown value or comment differs from the base."""
        return tuple(c for c in CRITERIA_IDS
                     if self.value(c) != self.base_values.get(c) or self.comment(c) != self.base_comments.get(c, ""))

    @property
    def dirty(self) -> bool:
        return bool(self.changed())

    def changes(self) -> dict[str, tuple[Value, str]]:
        """criterion → (value, comment) for the changed criteria only: the `changes` of Store.save.
        The half of a pair the person did not edit is the base's, which the store's version check
        guarantees is still what is stored."""
        return {c: (self.value(c), self.comment(c)) for c in self.changed()}

    # -- after the store answered --
    def saved(self, stored: StoredAssessment) -> "Draft":
        """The save went through: `stored` is the new base; edits it now holds are done."""
        return self._onto(stored)[0]

    def rebase(self, fresh: StoredAssessment) -> "Rebased":
        """The save was refused (or the person came back to this partnership): move onto the fresh
        stored assessment, keeping every unsaved edit; report the edits that now conflict."""
        draft, conflicts = self._onto(fresh)
        return Rebased(draft, tuple(conflicts))

    def _onto(self, fresh: StoredAssessment) -> tuple["Draft", list[Conflict]]:
        if fresh.partnership_id != self.partnership_id:
            raise ValueError(f"Szkic oceny {self.partnership_id} nie może przejść na ocenę {fresh.partnership_id}.")
        new = Draft.from_stored(self.nabor_id, fresh)
        conflicts: list[Conflict] = []
        values, comments = {}, {}
        for c in CRITERIA_IDS:
            if c in self.value_edits:
                mine, before, now = self.value_edits[c], self.base_values.get(c), new.base_values[c]
                if mine != now:  # an edit equal to the stored value is done, not pending
                    values[c] = mine
                    if now != before:
                        conflicts.append(Conflict(c, "value", mine, now, before))
            if c in self.comment_edits:
                mine = _clean_comment(self.comment_edits[c])
                before, now = self.base_comments.get(c, ""), new.base_comments[c]
                if mine != now:
                    comments[c] = self.comment_edits[c]
                    if now != before:
                        conflicts.append(Conflict(c, "comment", mine, now, before))
        return replace(new, value_edits=_frozen(values), comment_edits=_frozen(comments)), conflicts


@dataclass(frozen=True)
class Rebased:
    draft: Draft
    conflicts: tuple[Conflict, ...] = ()

    @property
    def conflicting_criteria(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.criterion for c in self.conflicts))
