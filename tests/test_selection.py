import pandas as pd
import pytest

from cwd.checklist import NIE_SPELNIA, NIEKOMPLETNA, SPELNIA
from cwd.selection import (
    Weights, check_selection, rank, sensitivity, suggested, threshold_grid, weight_samples,
)


def frame(rows):
    return pd.DataFrame(rows, columns=["id", "nazwa", "status", "spelnione", "ludnosc", "liczba_jst", "udzial_osi"])


CANDIDATES = frame([
    ("A", "Alfa", SPELNIA, 11, 10_000, 5, 1.0),
    ("B", "Beta", SPELNIA, 11, 40_000, 3, 1.0),
    ("C", "Gamma", NIEKOMPLETNA, 10, 90_000, 9, 0.5),
    ("D", "Delta", NIE_SPELNIA, 10, 200_000, 20, 0.2),
    ("E", "Epsilon", SPELNIA, 11, 20_000, 12, 1.0),
])


def test_status_comes_before_any_weight():
    ranked = rank(CANDIDATES, Weights(ludnosc=100, liczba_jst=100, udzial_osi=0))
    assert list(ranked["status"][:3]) == [SPELNIA] * 3
    assert list(ranked["id"][3:]) == ["C", "D"]
    assert list(ranked["miejsce"]) == [1, 2, 3, 4, 5]


def test_weights_change_the_order_within_a_status():
    by_population = rank(CANDIDATES, Weights(ludnosc=1, liczba_jst=0, udzial_osi=0))
    by_size = rank(CANDIDATES, Weights(ludnosc=0, liczba_jst=1, udzial_osi=0))
    assert list(by_population["id"][:3]) == ["B", "E", "A"]
    assert list(by_size["id"][:3]) == ["E", "A", "B"]
    # points are value / max among candidates × weight
    b = by_population.set_index("id").loc["B"]
    assert b["pkt_ludnosc"] == pytest.approx(40_000 / 200_000)


def test_equal_inputs_give_the_same_order_by_id():
    tied = frame([("Z", "z", SPELNIA, 11, 1, 1, 1.0), ("Y", "y", SPELNIA, 11, 1, 1, 1.0)])
    assert list(rank(tied, Weights())["id"]) == ["Y", "Z"]
    assert list(rank(tied.iloc[::-1], Weights())["id"]) == ["Y", "Z"]


def test_suggested_takes_at_most_three_that_meet_everything():
    ranked = rank(CANDIDATES, Weights())
    picks = suggested(ranked)
    assert len(picks) == 3 and set(picks) == {"A", "B", "E"}
    assert suggested(rank(CANDIDATES[CANDIDATES["status"] != SPELNIA], Weights())) == []


def test_check_selection_enforces_three_and_warns_on_status():
    statuses = dict(zip(CANDIDATES["id"], CANDIDATES["status"]))
    assert check_selection(["A", "B", "E"], statuses) == []
    too_many = check_selection(["A", "B", "E", "C"], statuses)
    assert any("najwyżej 3" in p for p in too_many)
    assert any("C" in p and NIEKOMPLETNA in p for p in too_many)


def test_weight_samples_stay_in_range_and_are_reproducible():
    ranges = {"ludnosc": (0.5, 2.0), "liczba_jst": (1.0, 1.0), "udzial_osi": (0.0, 3.0)}
    a, b = weight_samples(ranges, 50, seed=7), weight_samples(ranges, 50, seed=7)
    assert (a == b).all()
    assert a[:, 0].min() >= 0.5 and a[:, 0].max() <= 2.0
    assert (a[:, 1] == 1.0).all()


def test_sensitivity_counts_top_three_over_thresholds_and_weights():
    def at(threshold):
        f = CANDIDATES.copy()
        if threshold < 15_000:  # pretend a low threshold makes E's area ineligible
            f.loc[f["id"] == "E", "status"] = NIE_SPELNIA
        return f

    out = sensitivity(at, thresholds=[10_000, 20_000], ranges={"ludnosc": (0, 1), "liczba_jst": (0, 1)},
                      samples=40).set_index("id")
    assert out.loc["A", "w_top"] == pytest.approx(1.0)
    assert out.loc["B", "w_top"] == pytest.approx(1.0)
    assert out.loc["E", "w_top"] == pytest.approx(0.5)  # in the top 3 only at 20 000
    # C (niekompletna) is never eligible: it is not credited with E's place at 10 000 (issue 9)
    assert out.loc["C", "w_top"] == 0.0
    assert out.loc["D", "w_top"] == 0.0
    assert out["w_top"].sum() == pytest.approx(2.5)


def test_threshold_grid():
    assert threshold_grid(15_000, 25_000, 5) == [15_000, 17_500, 20_000, 22_500, 25_000]
    assert threshold_grid(25_000, 15_000, 2) == [15_000, 25_000]  # ends kept whatever the order
    assert threshold_grid(20_000, 20_000, 5) == [20_000]  # no repeats
