import pytest

from cwd.checklist import NIE_SPELNIA, NIEKOMPLETNA, SPELNIA, evaluate
from cwd.model import Partnership
from cwd.osi import KWALIFIKUJE, NIE_KWALIFIKUJE, NIEUSTALONY, OsiVerdict
from cwd.criteria import CRITERIA_IDS


def verdict(werdykt, poza=()):
    trasy = ("małe miasto powiatowe: Kolno (2 z 2 gmin)",) if werdykt == KWALIFIKUJE else ()
    return OsiVerdict(werdykt, trasy, tuple(poza), (), 2, 2, (f"powód: {werdykt}",))


def partnership(**values):
    declared = {c: 1 for c in CRITERIA_IDS}
    declared.update({k.replace("_", "."): v for k, v in values.items()})
    return Partnership(id="P1", nazwa="Test", lider="2006011", czlonkowie=("2006011", "2006032"),
                       deklarowane=declared)


def test_all_ones_and_osi_qualifies_is_spelnia():
    r = evaluate(partnership(), verdict(KWALIFIKUJE))
    assert r.status == SPELNIA
    assert r.spelnione == 11
    assert any("Żadne kryterium nie zostało jeszcze zweryfikowane" in p for p in r.powody)


def test_a_zero_is_nie_spelnia_and_named():
    r = evaluate(partnership(II_3=0), verdict(KWALIFIKUJE))
    assert r.status == NIE_SPELNIA
    assert r.zera == ("II.3",)
    assert "II.3 Doświadczenie we współpracy" in r.powody[0]


def test_missing_is_not_zero():
    r = evaluate(partnership(I_7=None), verdict(KWALIFIKUJE))
    assert r.status == NIEKOMPLETNA
    assert r.braki == ("I.7",) and r.zera == ()
    assert any("Brak odpowiedzi: I.7" in p for p in r.powody)


def test_osi_not_qualifying_fails_even_with_all_ones():
    r = evaluate(partnership(), verdict(NIE_KWALIFIKUJE, poza=("2006032",)))
    assert r.status == NIE_SPELNIA
    assert any("poza OSI" in p for p in r.powody)


def test_undetermined_osi_is_incomplete():
    assert evaluate(partnership(), verdict(NIEUSTALONY)).status == NIEKOMPLETNA


def test_zero_beats_missing_and_undetermined():
    assert evaluate(partnership(I_1=0, I_2=None), verdict(NIEUSTALONY)).status == NIE_SPELNIA


@pytest.mark.parametrize("declared,verified,effective", [
    (1, 0, 0), (0, 1, 1), (None, 1, 1), (1, None, 1), (None, None, None),
])
def test_verified_wins_over_declared(declared, verified, effective):
    r = evaluate(partnership(I_4=declared), verdict(KWALIFIKUJE), verified={"I.4": verified},
                 comments={"I.4": "sprawdzono uchwałę"})
    c = next(k for k in r.kryteria if k.id == "I.4")
    assert (c.deklarowana, c.zweryfikowana, c.wartosc) == (declared, verified, effective)
    assert c.komentarz == "sprawdzono uchwałę"


def test_verified_zero_turns_a_declared_one_into_nie_spelnia():
    r = evaluate(partnership(), verdict(KWALIFIKUJE), verified={"I.2": 0})
    assert r.status == NIE_SPELNIA
    assert any("Niezweryfikowane przez UM (10)" in p for p in r.powody)


def test_fully_verified_has_no_unverified_note():
    r = evaluate(partnership(), verdict(KWALIFIKUJE), verified={c: 1 for c in CRITERIA_IDS})
    assert r.status == SPELNIA and r.niezweryfikowane == ()
    assert not any("zweryfikowan" in p.lower() for p in r.powody)
