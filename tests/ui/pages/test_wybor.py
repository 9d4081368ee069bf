"""Wybór: the suggested order, the sensitivity of the first three, the UM decision (approver only,
justified, verified or overridden in writing, refused against a stale decision number), the call's
timeline and the prepare-then-download package."""
from __future__ import annotations

from dataclasses import replace

from cwd.criteria import CRITERIA_IDS
from cwd.forms import read_forms_path
from cwd.pipeline import Inputs, evaluate
from cwd.selection import threshold_grid
from cwd.settings import OsiSettings
from cwd.ui import keys

from ..support import (
    EXAMPLE_FORMS,
    EXAMPLE_IDS,
    TITLES,
    annotation_texts,
    assert_ok,
    button,
    example_with,
    frame_with,
    goto,
    labels,
    new_app,
    plain,
    plotly_figures,
    plotly_values,
    run,
    shown,
    sign_in,
    start,
    texts,
    title,
)
from .test_ocena import row_hash


def wybor(nabor, who, **query):
    return run(sign_in(new_app(page="wybor", query={keys.Q_NABOR: nabor.id, **query}), who))


def verify_all(store, nabor, who, pid, value=1):
    """UM's full verification of one partnership (all 11 criteria recorded)."""
    current = store.assessment(nabor.id, pid)
    store.save(nabor.id, pid, {c: (value, "sprawdzono") for c in CRITERIA_IDS}, actor=who,
               expected_version=current.version, row_hash=row_hash(store, nabor, pid))


def choose(at, picks, justifications=None, overrides=None):
    at.multiselect(key=keys.PICKS).set_value(picks).run()
    assert_ok(at)
    for pid, text in (justifications or {}).items():
        at.text_area(key=keys.justification(pid)).input(text)
    for pid, text in (overrides or {}).items():
        at.text_area(key=keys.override(pid)).input(text)
    at.run()
    assert_ok(at)
    return at


def save_button(at):
    return button(at, "Zapisz decyzję")


def test_wybor_ranks_proposes_and_shows_the_timeline():
    at = goto(start(new_app()), "wybor")

    assert title(at) == [TITLES["wybor"]]
    ranking = frame_with(at, "miejsce")
    assert ranking["miejsce"].tolist() == list(range(1, 11))
    assert sorted(ranking["id"]) == EXAMPLE_IDS
    assert ranking["id"].iloc[-1] == "P06"  # the only "nie spełnia" is last
    [proposal] = texts(at, "success")
    assert "P01 – Ziemia Wysokomazowiecka" in proposal
    assert "Harmonogram naboru" in texts(at, "subheader")
    timeline = plotly_figures(at)[-1]
    milestones = [t.split("<br>")[0] for t in annotation_texts(timeline)]
    assert {"Formularze do UM", "Decyzja UM → MFiPR"} <= set(milestones)
    assert "P09 – Nadnarwiańskie Kurpie (przykład)" in timeline["data"][0]["y"]
    assert any("Bez daty zgłoszenia: P04." in c for c in texts(at, "caption"))
    assert "Wybierz partnerstwa, aby przygotować pakiet." in texts(at, "caption")


def test_sensitivity_credits_only_partnerships_eligible_in_each_scenario(register, adjacency):
    at = run(new_app(page="wybor"))
    lo, hi = at.slider(key=keys.sensitivity("prog")).value
    steps = at.number_input(key=keys.sensitivity("kroki")).value
    forms = read_forms_path(EXAMPLE_FORMS, register)
    eligible_somewhere = set()
    for t in threshold_grid(lo, hi, steps):  # the scenarios' thresholds, evaluated on their own
        ev = evaluate(register, Inputs(forms=forms, osi=replace(OsiSettings(), prog_ludnosci=t), adjacency=adjacency))
        eligible_somewhere |= {r.id for r in ev.results if r.checklist.status == "spełnia"}

    [chart] = [f for f in plotly_figures(at) if f["data"][0].get("orientation") == "h"]
    bar = chart["data"][0]
    shares = {label.split(" – ")[0]: share for label, share in zip(bar["y"], plotly_values(bar["x"]))}
    assert set(shares) == set(EXAMPLE_IDS)
    credited = {pid for pid, share in shares.items() if share > 0}
    assert credited <= eligible_somewhere, credited - eligible_somewhere
    assert {"P01", "P02"} <= credited  # eligible in every scenario: always among the first three
    assert shares["P01"] == shares["P02"] == 1.0


def test_wybor_choice_warns_and_prepares_the_package():
    at = goto(start(new_app()), "wybor")
    choose(at, ["P01", "P06"])
    assert "Partnerstwo P06 ma status „nie spełnia”, a nie „spełnia”." in texts(at, "warning")
    assert "Brak uzasadnienia dla: P01, P06." in texts(at, "info")

    choose(at, ["P01", "P06"], {"P01": "Najlepiej przygotowane.", "P06": "Decyzja Zarządu."})
    assert not [v for v in texts(at, "info") if v.startswith("Brak uzasadnienia")]
    # prepare, then download (changed by design: the file is built on request)
    assert not at.get("download_button")
    button(at, "Przygotuj zestawienie XLSX").click().run()
    assert_ok(at)
    [download] = at.get("download_button")
    assert download.proto.label == "Pobierz przygotowany plik XLSX"
    # the demo nabór records no decision
    assert "Zapisz decyzję" not in labels(at)


def test_approver_records_a_verified_or_overridden_decision_durably(nabor, people, store):
    verify_all(store, nabor, people.assessor, "P01")
    at = wybor(nabor, people.approver)
    choose(at, ["P01", "P02"])
    assert "P02 nie ma pełnej weryfikacji UM (brak oceny UM)." in texts(at, "warning")
    assert not [w for w in texts(at, "warning") if w.startswith("P01 nie ma")]
    assert keys.override("P02") in [t.key for t in at.text_area] and keys.override("P01") not in [
        t.key for t in at.text_area]
    assert save_button(at).disabled  # no justifications yet

    choose(at, ["P01", "P02"], {"P01": "Najlepiej przygotowane.", "P02": "Silne powiązania funkcjonalne."})
    assert save_button(at).disabled  # P02 is not verified and no override reason is written yet
    choose(at, ["P01", "P02"], overrides={"P02": "Weryfikacja w toku; termin MFiPR."})
    assert not save_button(at).disabled
    save_button(at).click().run()
    assert_ok(at)
    assert any(v.startswith("Zapisano decyzję nr 1") for v in texts(at, "success"))

    decision = store.latest_decision(nabor.id)
    assert decision.ids == ["P01", "P02"] and decision.decided_by == "Ewa Zatwierdzająca"
    assert decision.override("P02") == "Weryfikacja w toku; termin MFiPR."  # the override reason is stored
    assert decision.override("P01") == "" and decision.justification("P02") == "Silne powiązania funkcjonalne."

    # A new session (another person, or after a restart) starts from the recorded decision.
    again = wybor(nabor, people.approver)
    assert again.multiselect(key=keys.PICKS).value == ["P01", "P02"]
    assert again.text_area(key=keys.justification("P02")).value == "Silne powiązania funkcjonalne."
    assert again.text_area(key=keys.override("P02")).value == "Weryfikacja w toku; termin MFiPR."
    assert any("zapisał(a) Ewa Zatwierdzająca" in plain(c) for c in texts(again, "caption"))


def test_assessor_sees_no_save_button(nabor, people):
    at = wybor(nabor, people.assessor)
    choose(at, ["P01"], {"P01": "Uzasadnienie."})
    assert "Zapisz decyzję" not in labels(at)
    assert "Decyzję UM zapisuje osoba z rolą „zatwierdzający”." in texts(at, "info")


def test_second_decision_against_an_old_number_is_refused_with_the_first_shown(nabor, people, store):
    for pid in ("P01", "P02"):
        verify_all(store, nabor, people.assessor, pid)
    a = wybor(nabor, people.approver)
    b = wybor(nabor, people.approver)  # both saw no decision
    choose(a, ["P01"], {"P01": "Pierwsza decyzja."})
    save_button(a).click().run()
    assert any(v.startswith("Zapisano decyzję nr 1") for v in texts(a, "success"))

    choose(b, ["P02"], {"P02": "Druga decyzja."})
    save_button(b).click().run()
    assert_ok(b)
    [error] = [e for e in texts(b, "error") if "W międzyczasie decyzję nr 1" in e]
    assert "P01" in error and "Twój wybór nie został zapisany" in error
    assert not [v for v in texts(b, "success") if v.startswith("Zapisano decyzję")]
    assert any(c.startswith("Zapisana decyzja nr 1: P01 – zapisał(a) Ewa Zatwierdzająca") for c in shown(b, "caption"))
    assert [d.ids for d in store.decisions(nabor.id)] == [["P01"]]


def test_decision_on_older_forms_is_not_preloaded(nabor, people, store):
    verify_all(store, nabor, people.assessor, "P01")
    store.save_decision(nabor.id, [("P01", "Ziemia Wysokomazowiecka", "Uzasadnienie.")], actor=people.approver,
                        expected_decision=0, forms_version=1, ztm_version=None)
    store.add_forms(nabor.id, example_with(P05={"koordynator": "Ktoś Nowy"}), "v2.csv", actor=people.assessor)
    at = wybor(nabor, people.approver)
    assert at.multiselect(key=keys.PICKS).value == []
    assert any("dotyczy innych danych niż bieżące" in w for w in texts(at, "warning"))


def test_presentation_has_no_widgets_and_lists_the_picks(nabor, people, store):
    verify_all(store, nabor, people.assessor, "P01")
    store.save_decision(nabor.id, [("P01", "Ziemia Wysokomazowiecka", "Najlepiej przygotowane.")],
                        actor=people.approver, expected_decision=0, forms_version=1, ztm_version=None)
    at = wybor(nabor, people.viewer, prezentacja="1")
    assert not at.main.multiselect and not at.main.slider and not at.main.text_area
    assert "Zapisz decyzję" not in labels(at)
    assert any(v.startswith("**P01 – Ziemia Wysokomazowiecka** :green-badge[✓ spełnia]") and
               "Najlepiej przygotowane" in v for v in texts(at, "markdown"))
