"""cwd.drafts: the assessment form's draft — and, property-based, two sessions editing against one
store: no saved value changes without an explicit edit of that criterion, no edit is silently dropped."""
from __future__ import annotations

import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from cwd.criteria import CRITERIA_IDS
from cwd.drafts import Conflict, Draft
from cwd.store import Assessment, ConflictError

sys.path.insert(0, str(Path(__file__).resolve().parent / "store"))
from store_support import FAST_HASHER, add_people  # noqa: E402

N = "pilotaz"


def stored(values=None, comments=None, version=1, pid="P01", row_hash=None) -> Assessment:
    v = dict.fromkeys(CRITERIA_IDS)
    v.update(values or {})
    c = dict.fromkeys(CRITERIA_IDS, "")
    c.update(comments or {})
    return Assessment(pid, v, c, "Anna Nowak", version, None, N, "anna", row_hash)


# --- the draft itself ----------------------------------------------------------------------------------------
def test_a_fresh_draft_shows_the_stored_values_and_changes_nothing():
    d = Draft.from_stored(N, stored({"I.1": 1}, {"I.1": "Umowa."}, row_hash="w1"))
    assert d.value("I.1") == 1 and d.comment("I.1") == "Umowa." and d.value("I.2") is None
    assert (d.base_version, d.base_row_hash, d.nabor_id) == (1, "w1", N)
    assert d.changes() == {} and not d.dirty


def test_only_edited_criteria_are_sent():
    d = Draft.from_stored(N, stored({"I.1": 1, "I.2": 0}, {"I.2": "Brak rady."}))
    d = d.with_value("I.3", 1).with_comment("I.2", "Rada powołana 1.10.")
    # a comment-only edit sends the base value with it (the store's version check guards that base)
    assert d.changes() == {"I.2": (0, "Rada powołana 1.10."), "I.3": (1, "")}
    assert d.changed() == ("I.2", "I.3") and d.dirty
    # editing back to the stored value is no change
    assert d.with_value("I.3", None).changes() == {"I.2": (0, "Rada powołana 1.10.")}
    assert d.with_comment("I.2", " Brak rady. ").changes() == {"I.3": (1, "")}  # trimmed, like the store
    assert d.discard("I.2").changes() == {"I.3": (1, "")} and d.discard().changes() == {}


def test_a_submitted_form_counts_only_the_widgets_that_differ():
    base = stored({"I.1": 1}, {"I.1": "Umowa."})
    d = Draft.from_stored(N, base)
    shown = {c: base.values[c] for c in CRITERIA_IDS}
    notes = {c: base.comments[c] for c in CRITERIA_IDS}
    assert d.with_form(shown, notes).changes() == {}
    assert d.with_form({**shown, "I.4": 0}, {**notes, "I.4": "Brak koordynatora."}).changes() == {
        "I.4": (0, "Brak koordynatora.")}
    # a form that shows only some criteria (e.g. switched before the others loaded) sends no blanks
    assert d.with_form({"I.4": 1}, {}).changes() == {"I.4": (1, "")}


def test_rebase_keeps_unsaved_edits_and_reports_conflicts():
    mine = Draft.from_stored(N, stored({"I.1": 1}, version=1)).with_value("I.1", 0).with_comment("I.1", "Nieważna.")
    mine = mine.with_value("I.5", 1)
    fresh = stored({"I.1": 1, "I.2": 1, "I.5": 0}, {"I.1": "Jan: umowa ok."}, version=2)
    rebased = mine.rebase(fresh)
    d = rebased.draft
    assert d.base_version == 2
    assert d.value("I.2") == 1  # someone else's save shows
    assert (d.value("I.1"), d.comment("I.1"), d.value("I.5")) == (0, "Nieważna.", 1)  # mine stay
    assert rebased.conflicts == (
        Conflict("I.1", "comment", "Nieważna.", "Jan: umowa ok.", ""),
        Conflict("I.5", "value", 1, 0, None),
    )
    assert rebased.conflicting_criteria == ("I.1", "I.5")
    assert d.changes() == {"I.1": (0, "Nieważna."), "I.5": (1, "")}
    assert rebased.conflicts[1].message == (
        "I.5 (wartość): w międzyczasie zapisano „0”, Twoja niezapisana zmiana to „1” (wcześniej było „brak”).")


def test_rebase_drops_edits_that_are_now_stored_and_saved_clears_them():
    d = Draft.from_stored(N, stored(version=1)).with_value("I.1", 1).with_value("I.2", 0)
    rebased = d.rebase(stored({"I.1": 1}, version=2))
    assert rebased.conflicts == () and rebased.draft.changes() == {"I.2": (0, "")}
    after = rebased.draft.saved(stored({"I.1": 1, "I.2": 0}, version=3))
    assert after.changes() == {} and after.base_version == 3


def test_draft_refuses_nonsense():
    d = Draft.from_stored(N, stored())
    for bad in (2, True, "1"):
        with pytest.raises(ValueError, match="dozwolone wartości"):
            d.with_value("I.1", bad)
    with pytest.raises(ValueError, match="Nieznane kryterium"):
        d.with_value("I.9", 1)
    with pytest.raises(ValueError, match="tekstem"):
        d.with_comment("I.1", 5)
    with pytest.raises(ValueError, match="nie może przejść"):
        d.rebase(stored(pid="P02"))


# --- two sessions, one store (hypothesis, rule-based) ------------------------------------------------------
PIDS = ["P01", "P02"]
FEW = list(CRITERIA_IDS[:2])  # few criteria: edits and saves collide often
SESSIONS = ["anna", "jan"]


@dataclass
class Session:
    actor: object
    drafts: dict = field(default_factory=dict)
    current: str | None = None
    pending: dict = field(default_factory=dict)  # pid → {(criterion, "value"|"comment"): what the person typed}


def _shown(draft: Draft, criterion: str, what: str):
    return draft.value(criterion) if what == "value" else draft.comment(criterion)


def make_machine(store, people):
    class TwoSessions(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.nabor = store.create_nabor(f"Nabór {uuid.uuid4().hex[:8]}", actor=people.ewa).id
            self.sessions = {"anna": Session(people.anna), "jan": Session(people.jan)}
            # What the store must hold: changed only by accepted saves, by exactly what they sent.
            self.model = {pid: {c: (None, "") for c in CRITERIA_IDS} for pid in PIDS}
            self.changes_saved = 0

        # -- what a person does --
        @rule(who=st.sampled_from(SESSIONS), pid=st.sampled_from(PIDS))
        def switch_partnership(self, who, pid):
            s = self.sessions[who]
            fresh = store.assessment(self.nabor, pid)
            if pid in s.drafts:  # coming back: the draft moves onto what is stored now, edits kept
                self._rebase(s, pid, fresh)
            else:
                s.drafts[pid] = Draft.from_stored(self.nabor, fresh)
                s.pending.setdefault(pid, {})
            s.current = pid

        @rule(who=st.sampled_from(SESSIONS), criterion=st.sampled_from(FEW), value=st.sampled_from([None, 0, 1]))
        def edit_value(self, who, criterion, value):
            s = self.sessions[who]
            if s.current is None:
                return
            s.drafts[s.current] = s.drafts[s.current].with_value(criterion, value)
            s.pending[s.current][(criterion, "value")] = value

        @rule(who=st.sampled_from(SESSIONS), criterion=st.sampled_from(FEW),
              comment=st.sampled_from(["", "umowa", "brak uchwały", " umowa "]))
        def edit_comment(self, who, criterion, comment):
            s = self.sessions[who]
            if s.current is None:
                return
            s.drafts[s.current] = s.drafts[s.current].with_comment(criterion, comment)
            s.pending[s.current][(criterion, "comment")] = comment.strip()

        @rule(who=st.sampled_from(SESSIONS))
        def save(self, who):
            s = self.sessions[who]
            if s.current is None:
                return
            pid, draft = s.current, s.drafts[s.current]
            changes = draft.changes()
            # everything sent is an explicit edit of that person, as they typed it last
            for c, (value, comment) in changes.items():
                if value != draft.base_values[c]:
                    assert s.pending[pid].get((c, "value"), "∅") == value
                if comment != draft.base_comments[c]:
                    assert s.pending[pid].get((c, "comment"), "∅") == comment
            before = store.assessment(self.nabor, pid)
            try:
                saved = store.save(self.nabor, pid, changes, actor=s.actor, expected_version=draft.base_version,
                                   row_hash=None)
            except ConflictError as exc:
                assert exc.current == before == store.assessment(self.nabor, pid)  # nothing was written
                self._rebase(s, pid, exc.current)
                return
            if changes:
                assert saved.version == before.version + 1 and saved.assessor_login == s.actor.login
                self.changes_saved += sum(1 for c, pair in changes.items() if pair != self.model[pid][c])
                for c, pair in changes.items():
                    self.model[pid][c] = pair
            else:
                assert saved == before
            s.drafts[pid] = draft.saved(saved)
            s.pending[pid] = {}  # all of it is stored now

        def _rebase(self, s, pid, fresh):
            old = s.drafts[pid]
            rebased = old.rebase(fresh)
            # conflicts are exactly the pending edits that meet a different value saved meanwhile
            expected = set()
            for (c, what), mine in s.pending[pid].items():
                before = old.base_values[c] if what == "value" else old.base_comments[c]
                now = fresh.values[c] if what == "value" else fresh.comments[c]
                if now != before and now != mine:
                    expected.add((c, what))
            assert {(k.criterion, k.field) for k in rebased.conflicts} == expected
            s.drafts[pid] = rebased.draft
            # an edit equal to what is now stored is done (someone saved the same thing)
            edits = {"value": rebased.draft.value_edits, "comment": rebased.draft.comment_edits}
            s.pending[pid] = {key: mine for key, mine in s.pending[pid].items()
                              if key[0] in edits[key[1]] or _shown(rebased.draft, *key) != mine}

        # -- what must always hold --
        @invariant()
        def no_saved_value_changes_without_an_explicit_edit(self):
            for pid in PIDS:
                a = store.assessment(self.nabor, pid)
                assert {c: (a.values[c], a.comments[c]) for c in CRITERIA_IDS} == self.model[pid]

        @invariant()
        def no_edit_is_silently_dropped(self):
            for s in self.sessions.values():
                for pid, pending in s.pending.items():
                    for (c, what), mine in pending.items():
                        assert _shown(s.drafts[pid], c, what) == mine

        def teardown(self):
            # every change is in history, by the person whose save it was
            history = store.history(self.nabor)
            assert len(history) == self.changes_saved
            assert {e.assessor_login for e in history} <= set(SESSIONS)

    return TwoSessions


def test_two_sessions_never_lose_a_saved_value_or_an_edit(tmp_path):
    from cwd.store import open_store

    store = open_store(path=tmp_path / "cwd.sqlite", hasher=FAST_HASHER)
    try:
        people = add_people(store)
        run_state_machine_as_test(
            make_machine(store, people),
            settings=settings(max_examples=100, stateful_step_count=50, deadline=None,
                              suppress_health_check=[HealthCheck.too_slow]),
        )
    finally:
        store.dispose()
