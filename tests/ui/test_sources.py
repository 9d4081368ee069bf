"""What a page reads comes from its nabór (cwd.ui.sources): two naborów with the same partnership ids
never share an assessment or a decision, and one session switching between them sees each as stored."""
from __future__ import annotations

from cwd.criteria import CRITERIA_IDS
from cwd.ui import keys

from .conftest import make_nabor
from .pages.test_ocena import row_hash
from .support import (
    assert_ok,
    fill_assessment,
    frame_with,
    goto,
    new_app,
    run,
    sign_in,
    texts,
    value_box,
)


def open_page(nabor, who, page, **query):
    return run(sign_in(new_app(page=page, query={keys.Q_NABOR: nabor.id, **query}), who))


def test_assessments_and_decisions_stay_in_their_nabor(store, people):
    a = make_nabor(store, people, "Nabór A")
    b = make_nabor(store, people, "Nabór B")  # the same example forms: the same ids P01…P10
    at = open_page(a, people.assessor, "ocena")
    fill_assessment(at, "P01", {c: "1" for c in CRITERIA_IDS if c != "I.7"} | {"I.7": "0"}, {"I.7": "brak uchwały"})
    store.save(a.id, "P02", {c: (1, "") for c in CRITERIA_IDS}, actor=people.assessor, expected_version=0,
               row_hash=row_hash(store, a, "P02"))
    store.save_decision(a.id, [("P02", "Wiele gmin – jeden cel", "Jedyne w pełni zweryfikowane.")],
                        actor=people.approver, expected_decision=0, forms_version=1, ztm_version=None)

    # in A: the values count, the decision is preloaded
    kandydaci_a = open_page(a, people.viewer, "kandydaci", porownaj="P01,P02")
    assert frame_with(kandydaci_a, "status").set_index("id").loc["P01", "status"] == "✗ nie spełnia"
    assert frame_with(kandydaci_a, "Partnerstwo").loc["P01 – Ziemia Wysokomazowiecka", "I.7"] == "0 UM"
    assert open_page(a, people.approver, "wybor").multiselect(key=keys.PICKS).value == ["P02"]

    # in B: nothing of it
    ocena_b = open_page(b, people.assessor, "ocena")
    assert value_box(ocena_b, "P01", "I.7").value == "brak"
    assert "Ta ocena nie była jeszcze zapisywana." in texts(ocena_b, "caption")
    assert not [d for d in ocena_b.dataframe if "Kto" in d.value.columns]  # no history table
    kandydaci_b = open_page(b, people.viewer, "kandydaci", porownaj="P01,P02")
    assert frame_with(kandydaci_b, "status").set_index("id").loc["P01", "status"] == "✓ spełnia"
    matrix_b = frame_with(kandydaci_b, "Partnerstwo")
    assert not matrix_b.map(lambda v: "UM" in v).to_numpy().any()  # no verified value
    wybor_b = open_page(b, people.approver, "wybor")
    assert wybor_b.multiselect(key=keys.PICKS).value == []
    assert not [c for c in texts(wybor_b, "caption") if c.startswith("Zapisana decyzja")]

    # one session switching naborów in the sidebar sees each as stored
    at.sidebar.selectbox(key=keys.NABOR).set_value(b.id).run()
    assert_ok(at)
    assert value_box(at, "P01", "I.7").value == "brak"
    at.sidebar.selectbox(key=keys.NABOR).set_value(a.id).run()
    assert_ok(at)
    assert value_box(at, "P01", "I.7").value == "0"
    goto(at, "wybor")
    assert at.multiselect(key=keys.PICKS).value == ["P02"]


def test_switching_nabor_on_wybor_does_not_carry_the_decision_over(store, people):
    a = make_nabor(store, people, "Nabór A")
    b = make_nabor(store, people, "Nabór B")
    store.save(a.id, "P02", {c: (1, "") for c in CRITERIA_IDS}, actor=people.assessor, expected_version=0,
               row_hash=row_hash(store, a, "P02"))
    store.save_decision(a.id, [("P02", "Wiele gmin – jeden cel", "Jedyne w pełni zweryfikowane.")],
                        actor=people.approver, expected_decision=0, forms_version=1, ztm_version=None)
    at = open_page(a, people.approver, "wybor")
    assert at.multiselect(key=keys.PICKS).value == ["P02"]
    at.sidebar.selectbox(key=keys.NABOR).set_value(b.id).run()
    assert_ok(at)
    assert at.multiselect(key=keys.PICKS).value == []  # B has no decision
    assert keys.justification("P02") not in [t.key for t in at.text_area]
