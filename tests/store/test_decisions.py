"""The UM decision: verified picks or a written override, the data it was made on, and no silent
replacement of a decision someone else recorded."""
from __future__ import annotations

import threading
from datetime import date

import pytest

from cwd.criteria import CRITERIA_IDS
from cwd.settings import OsiSettings
from cwd.store import (
    DecisionConflictError,
    OutdatedDataError,
    Pick,
    UnverifiedPicksError,
)


def _verify(store, nabor, who, pid, skip=(), row_hash=None):
    current = store.assessment(nabor, pid)
    return store.save(nabor, pid, {c: (1, "") for c in CRITERIA_IDS if c not in skip}, actor=who,
                      expected_version=current.version, row_hash=row_hash)


def _decide(store, nabor, who, picks, expected=0, **kwargs):
    kwargs.setdefault("forms_version", 1)
    kwargs.setdefault("ztm_version", None)
    return store.save_decision(nabor, picks, actor=who, expected_decision=expected, **kwargs)


def test_picks_must_be_verified_by_um(store, people, nabor):
    _verify(store, nabor, people.anna, "P01")
    _verify(store, nabor, people.anna, "P02", skip=("I.7", "II.3"))
    with pytest.raises(UnverifiedPicksError) as caught:
        _decide(store, nabor, people.ewa, [("P01", "Ziemia", "Najlepsze."), ("P02", "Wiele gmin", "Dobre."),
                                           ("P03", "Bez oceny", "Też.")])
    assert caught.value.missing == {"P02": ("niezweryfikowane: I.7, II.3",), "P03": ("brak oceny UM",)}
    message = str(caught.value)
    assert "P02: niezweryfikowane: I.7, II.3" in message and "P03: brak oceny UM" in message
    assert "powód odstępstwa" in message and "Decyzja nie została zapisana" in message
    assert store.decisions(nabor) == []


def test_an_override_with_a_written_reason_is_recorded_and_returned(backend, store, people, nabor):
    _verify(store, nabor, people.anna, "P01")
    _verify(store, nabor, people.anna, "P02", skip=("I.7",))
    saved = _decide(store, nabor, people.ewa, [
        ("P01", "Ziemia", "Najlepsze."),
        Pick("P02", "Wiele gmin", "Dobre.", "Uchwała rady w drodze; decyzja pilna ze względu na termin MFiPR."),
    ])
    assert saved.overridden == ["P02"]
    assert saved.override("P02").startswith("Uchwała rady w drodze")
    assert saved.picks[1].unverified == ("niezweryfikowane: I.7",) and saved.picks[0].unverified == ()
    store.dispose()
    again = backend.open()
    try:
        assert again.latest_decision(nabor) == saved  # the override survives a restart
    finally:
        again.dispose()


def test_an_assessment_of_an_earlier_form_row_needs_confirming_or_an_override(store, people, nabor):
    _verify(store, nabor, people.anna, "P01", row_hash="wiersz-v1")
    current = {"P01": "wiersz-v2"}
    with pytest.raises(UnverifiedPicksError, match="wcześniejszej wersji formularza"):
        _decide(store, nabor, people.ewa, [("P01", "Ziemia", "Najlepsze.")], row_hashes=current)
    store.confirm_row(nabor, "P01", actor=people.anna, expected_version=1, row_hash="wiersz-v2")
    assert _decide(store, nabor, people.ewa, [("P01", "Ziemia", "Najlepsze.")], row_hashes=current).number == 1


def test_the_record_names_the_data_and_settings_it_was_made_on(store, people, nabor):
    _verify(store, nabor, people.anna, "P01")
    store.add_ztm(nabor, b"teryt,nazwa,zrodlo\n2011012,,x\n", "osi_ztm.csv", actor=people.anna)
    settings = OsiSettings(18_000, date(2023, 12, 31), "powiat")
    saved = _decide(store, nabor, people.ewa, [("P01", "Ziemia", "Najlepsze.")], ztm_version=1, settings=settings)
    assert (saved.nabor_id, saved.forms_version, saved.ztm_version, saved.settings) == (nabor, 1, 1, settings)
    assert "18" in saved.summary and "osi_ztm.csv (wersja 1)" in saved.summary
    assert "formularze.csv (wersja 1)" in saved.summary
    assert store.latest_decision(nabor) == saved
    # without settings given, the nabór's own are recorded
    again = _decide(store, nabor, people.ewa, [("P01", "Ziemia", "Nadal.")], expected=1, ztm_version=1)
    assert again.settings == store.nabor(nabor).settings


def test_a_decision_on_data_that_is_no_longer_current_is_refused(store, people, nabor):
    _verify(store, nabor, people.anna, "P01")
    store.add_forms(nabor, b"id,nazwa\nP01,Ziemia\nP02,Nowe\n", "v2.csv", actor=people.jan)  # meanwhile
    with pytest.raises(OutdatedDataError, match="Bieżąca wersja formularzy naboru to 2"):
        _decide(store, nabor, people.ewa, [("P01", "Ziemia", "Najlepsze.")], forms_version=1)
    store.add_ztm(nabor, b"teryt,nazwa,zrodlo\n2011012,,x\n", "ztm.csv", actor=people.jan)
    with pytest.raises(OutdatedDataError, match="listy OSI ZTM"):
        _decide(store, nabor, people.ewa, [("P01", "Ziemia", "Najlepsze.")], forms_version=2, ztm_version=None)
    assert store.decisions(nabor) == []
    assert _decide(store, nabor, people.ewa, [("P01", "Ziemia", "Najlepsze.")], forms_version=2,
                   ztm_version=1).forms_version == 2


def test_a_nabor_without_forms_cannot_be_decided(store, people):
    n = store.create_nabor("Pusty nabór", actor=people.anna)
    with pytest.raises(ValueError, match="nie ma jeszcze wczytanych formularzy"):
        _decide(store, n.id, people.ewa, [("P01", "x", "y", "z")], forms_version=None)


def test_a_decision_recorded_meanwhile_is_never_silently_replaced(backend, store, people, nabor):
    _verify(store, nabor, people.anna, "P01")
    _verify(store, nabor, people.anna, "P02")
    ewa_page, other_page = backend.open(), backend.open()  # two app processes
    try:
        seen = (ewa_page.latest_decision(nabor), other_page.latest_decision(nabor))
        assert seen == (None, None)
        first = _decide(other_page, nabor, people.ewa, [("P02", "Wiele gmin", "Powiązania.")])
        with pytest.raises(DecisionConflictError) as caught:
            _decide(ewa_page, nabor, people.ewa, [("P01", "Ziemia", "Najlepsze.")], expected=0)
        assert caught.value.current == first
        message = str(caught.value)
        assert "W międzyczasie decyzję nr 1 zapisał(a) Ewa Wiśniewska" in message and "P02" in message
        assert "Twoja decyzja nie została zapisana" in message
        assert [d.ids for d in store.decisions(nabor)] == [["P02"]]
        # having seen decision 1, the next one is accepted and 1 stays in the record
        second = _decide(ewa_page, nabor, people.ewa, [("P01", "Ziemia", "Najlepsze.")], expected=first.number)
        assert [d.number for d in store.decisions(nabor)] == [2, 1] and second.ids == ["P01"]
        with pytest.raises(DecisionConflictError):
            _decide(ewa_page, nabor, people.ewa, [("P01", "Ziemia", "x")], expected=5)  # from the future
    finally:
        ewa_page.dispose()
        other_page.dispose()


def test_simultaneous_decisions_one_wins(backend, store, people, nabor):
    _verify(store, nabor, people.anna, "P01")
    pages = [backend.open() for _ in range(4)]
    barrier = threading.Barrier(len(pages))
    outcomes = []

    def decide(page, n):
        barrier.wait()
        try:
            outcomes.append(_decide(page, nabor, people.ewa, [("P01", "Ziemia", f"wersja {n}")]).number)
        except DecisionConflictError as exc:
            outcomes.append(("odrzucona", exc.current.number))

    threads = [threading.Thread(target=decide, args=(page, n)) for n, page in enumerate(pages)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    finally:
        for page in pages:
            page.dispose()
    assert sorted(outcomes, key=str) == sorted([1, ("odrzucona", 1), ("odrzucona", 1), ("odrzucona", 1)], key=str)
    assert len(store.decisions(nabor)) == 1
