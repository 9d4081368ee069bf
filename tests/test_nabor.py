"""cwd.nabor, pure: ids, stage dates, each partnership's stage, the timeline, the row hash."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cwd.criteria import CRITERIA_IDS
from cwd.model import Partnership
from cwd.nabor import (
    DEMO_ID,
    MAX_SLUG_CHARS,
    Phase,
    Stage,
    StageDates,
    check_slug,
    partnership_row_hash,
    partnership_stage,
    phase,
    row_hash,
    slugify,
    timeline,
)
from cwd.settings import FORMS_DEADLINE, MFIPR_ANNOUNCEMENT, UM_DECISION


@pytest.mark.parametrize("name,slug", [
    ("Pilotaż CWD 2020 – woj. podlaskie", "pilotaz-cwd-2020-woj-podlaskie"),
    ("Łomża, Suwałki i Białystok", "lomza-suwalki-i-bialystok"),
    ("  ŻÓŁĆ  ", "zolc"),
    ("!!!", "nabor"),
])
def test_slugs(name, slug):
    assert slugify(name) == slug
    assert check_slug(slug) == slug


@given(st.text(max_size=300))
def test_every_name_gives_a_valid_slug(name):
    slug = slugify(name)
    assert len(slug) <= MAX_SLUG_CHARS and check_slug(slug) == slug


@pytest.mark.parametrize("bad", ["", "Duże", "z spacją", "-na-poczatku", "na-koncu-", "x" * (MAX_SLUG_CHARS + 1), None])
def test_bad_slugs(bad):
    with pytest.raises(ValueError):
        check_slug(bad)


def test_demo_id_is_a_valid_slug():
    assert check_slug(DEMO_ID) == "demo"


def test_stage_dates_default_to_the_2020_call_and_must_be_in_order():
    assert StageDates() == StageDates(FORMS_DEADLINE, UM_DECISION, MFIPR_ANNOUNCEMENT)
    assert StageDates().check() == StageDates()
    wrong = StageDates(date(2020, 9, 29), date(2020, 9, 22), None)
    assert wrong.problems() == ["Data „decyzja UM” (22.09.2020) jest wcześniejsza niż „termin formularzy” (29.09.2020)."]
    with pytest.raises(ValueError, match="wcześniejsza"):
        wrong.check()
    assert StageDates(None, None, date(2020, 1, 1)).check().forms_deadline is None
    with pytest.raises(ValueError, match="Nieprawidłowa data"):
        StageDates("2020-09-22", None, None).check()


def test_phase_of_the_call():
    s = StageDates()
    assert phase(s, date(2020, 9, 1), decided=False) is Phase.FORMS
    assert phase(s, date(2020, 9, 22), decided=False) is Phase.FORMS  # the deadline day still counts
    assert phase(s, date(2020, 9, 25), decided=False) is Phase.ASSESSMENT
    assert phase(s, date(2020, 10, 1), decided=False) is Phase.DECISION_OVERDUE
    assert phase(s, date(2020, 9, 28), decided=True) is Phase.DECIDED
    assert phase(s, date(2020, 10, 20), decided=True) is Phase.ANNOUNCED
    assert phase(s, date(2020, 9, 1), decided=False, archived=True) is Phase.ARCHIVED


ALL = dict.fromkeys(CRITERIA_IDS, 1)


@pytest.mark.parametrize("kwargs,stage,verified", [
    ({"in_forms": True}, Stage.SUBMITTED, 0),
    ({"in_forms": True, "verified_values": {"I.1": 0}}, Stage.IN_ASSESSMENT, 1),
    ({"in_forms": True, "verified_values": ALL}, Stage.ASSESSED, len(CRITERIA_IDS)),
    ({"in_forms": True, "verified_values": ALL, "assessed_row_hash": "a", "current_row_hash": "b"}, Stage.OUTDATED,
     len(CRITERIA_IDS)),
    ({"in_forms": True, "verified_values": ALL, "assessed_row_hash": "a", "current_row_hash": "a"}, Stage.ASSESSED,
     len(CRITERIA_IDS)),
    ({"in_forms": False, "verified_values": ALL}, Stage.NOT_IN_FORMS, len(CRITERIA_IDS)),
    ({"in_forms": True, "verified_values": ALL, "decision_ids": ["P01"]}, Stage.SELECTED, len(CRITERIA_IDS)),
    ({"in_forms": True, "decision_ids": ["P02"]}, Stage.NOT_SELECTED, 0),
])
def test_partnership_stage_is_derived_from_what_was_recorded(kwargs, stage, verified):
    got = partnership_stage("P01", **kwargs)
    assert got.stage is stage and got.verified == verified and got.total == len(CRITERIA_IDS)


def test_stage_labels_say_what_is_missing():
    late = partnership_stage("P01", in_forms=True, submitted_on=date(2020, 9, 23), forms_deadline=FORMS_DEADLINE,
                             verified_values={"I.1": 1, "I.2": 0})
    assert late.late and late.label == "w ocenie UM (zweryfikowano 2/11; formularz po terminie)"
    chosen = partnership_stage("P01", in_forms=True, verified_values=ALL, assessed_row_hash="a",
                               current_row_hash="b", decision_ids=["P01"])
    assert chosen.outdated and chosen.label == "wybrane przez UM (ocena dotyczy wcześniejszej wersji formularza)"
    assert not partnership_stage("P01", in_forms=True, submitted_on=FORMS_DEADLINE,
                                 forms_deadline=FORMS_DEADLINE).late


def test_timeline_rows():
    rows = timeline(StageDates(), [("P01", "Ziemia", date(2020, 9, 20)), ("P02", "Kurpie", date(2020, 9, 23)),
                                   ("P03", "Bez daty", None)])
    assert [m.label for m in rows.milestones] == ["Formularze do UM", "Decyzja UM → MFiPR", "Ogłoszenie MFiPR (ok.)"]
    assert [(r.label, r.on_time) for r in rows.submissions] == [("P01 – Ziemia", True), ("P02 – Kurpie", False)]
    assert rows.undated == ["P03"]
    partial = timeline(StageDates(None, UM_DECISION, None), [("P01", "Ziemia", date(2030, 1, 1))])
    assert [m.day for m in partial.milestones] == [UM_DECISION] and partial.submissions[0].on_time


def test_row_hash_is_about_content_not_position():
    p = Partnership("P01", "Ziemia", "2011012", ("2011012", "2011022"), data_zgloszenia=date(2020, 9, 20),
                    deklarowane={"I.1": 1, "I.2": None}, wiersz=2, plik="a.csv")
    moved = Partnership("P01", "Ziemia", "2011012", ("2011012", "2011022"), data_zgloszenia=date(2020, 9, 20),
                        deklarowane={"I.2": None, "I.1": 1}, wiersz=9, plik="b.xlsx")
    changed = Partnership("P01", "Ziemia", "2011012", ("2011012",), data_zgloszenia=date(2020, 9, 20),
                          deklarowane={"I.1": 1, "I.2": None}, wiersz=2, plik="a.csv")
    assert partnership_row_hash(p) == partnership_row_hash(moved)
    assert partnership_row_hash(p) != partnership_row_hash(changed)
    assert len(partnership_row_hash(p)) == 64
    assert row_hash({"a": 1, "b": [1, 2]}) == row_hash({"b": (1, 2), "a": 1}) != row_hash({"a": 1, "b": [2, 1]})


def test_row_hash_takes_numpy_and_pandas_values():
    numpy = pytest.importorskip("numpy")
    assert row_hash({"x": numpy.int64(3)}) == row_hash({"x": 3})
