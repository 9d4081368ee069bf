from datetime import date

import pytest

from cwd.osi import (
    KAT_MALE_MIASTO, KAT_NIEZNANY, KAT_OBA, KAT_POZA, KAT_ZTM,
    KWALIFIKUJE, NIE_KWALIFIKUJE, NIEUSTALONY,
    build_context, functional_area, gmina_statuses, partnership_verdict, seat_towns,
)
from cwd.settings import OBSZAR_POWIAT, OsiSettings

WYSOKIE_MAZ = ["2013", "2013011", "2013102", "2013023", "2013033", "2013042", "2013052",
               "2013062", "2013072", "2013082", "2013093"]
WIELE_GMIN = ["2006011", "2006032", "2006", "2006053", "2006042", "2006062", "2006022", "2007013"]
AROUND_BIALYSTOK = ["2002133", "2002013", "2002052", "2002093", "2002143", "2002032"]


def town(towns, name):
    return next(t for t in towns if t.miasto == name)


def test_default_small_towns_on_2019_figures(register):
    towns = seat_towns(register, OsiSettings())
    small = {t.miasto for t in towns if t.male}
    assert small == {"Sokółka", "Siemiatycze", "Kolno", "Mońki", "Wysokie Mazowieckie", "Sejny"}
    hajnowka = town(towns, "Hajnówka")
    assert hajnowka.ludnosc == 20580 and hajnowka.male is False
    assert hajnowka.ludnosc_data == date(2019, 6, 30)


def test_towns_in_urban_rural_gminas_judged_on_town_population(register):
    sokolka = town(seat_towns(register, OsiSettings()), "Sokółka")
    whole_gmina = int(register.gminy.at["2011083", "ludnosc_2018_12_31"])
    assert whole_gmina > 20_000  # the whole urban-rural gmina would be above the threshold
    assert sokolka.ludnosc == 18134 and sokolka.male is True
    assert sokolka.teryt_gminy == "2011083"


def test_reference_date_changes_hajnowka(register):
    later = seat_towns(register, OsiSettings(data_ludnosci=date(2023, 12, 31)))
    assert town(later, "Hajnówka").male is True
    assert town(later, "Hajnówka").ludnosc == 18976


def test_no_figure_before_reference_date_is_unknown_not_guessed(register):
    early = seat_towns(register, OsiSettings(data_ludnosci=date(2019, 1, 1)))
    # Sokółka's town population is known only from mid-2019 on.
    assert town(early, "Sokółka").male is None
    assert town(early, "Kolno").male is True


def test_threshold_setting(register):
    towns = seat_towns(register, OsiSettings(prog_ludnosci=10_000))
    assert {t.miasto for t in towns if t.male} == {"Mońki", "Wysokie Mazowieckie", "Sejny"}


def test_functional_area_default_adds_gminas_bordering_the_powiat(register, adjacency):
    kolno = town(seat_towns(register, OsiSettings()), "Kolno")
    area = functional_area(register, kolno, OsiSettings(), adjacency)
    powiat_only = functional_area(register, kolno, OsiSettings(obszar_funkcjonalny=OBSZAR_POWIAT), adjacency)
    assert powiat_only == frozenset(register.gminy_powiatu("2006"))
    assert powiat_only < area
    # Jedwabne (powiat łomżyński) borders powiat kolneński; Łomża city does not lie in it.
    assert "2007013" in area
    for g in area - powiat_only:
        assert adjacency[g] & powiat_only


def test_partnership_verdicts_of_the_real_pilot_partnerships(register, adjacency):
    ctx = build_context(register, OsiSettings(), adjacency, ztm=None)
    for members, town_name in [(WYSOKIE_MAZ, "Wysokie Mazowieckie"), (WIELE_GMIN, "Kolno")]:
        v = partnership_verdict(register, ctx, members)
        assert v.werdykt == KWALIFIKUJE
        assert any(town_name in r and "małe miasto" in r for r in v.trasy)
        assert v.gminy_w_osi == v.gminy_obszaru


def test_wiele_gmin_needs_the_neighbour_rule_for_jedwabne(register, adjacency):
    ctx = build_context(register, OsiSettings(obszar_funkcjonalny=OBSZAR_POWIAT), adjacency, ztm=None)
    v = partnership_verdict(register, ctx, WIELE_GMIN)
    assert v.werdykt == NIEUSTALONY
    assert v.nieustalone == ("2007013",)


def test_ztm_list_decides_gminas_outside_small_town_areas(register, adjacency):
    no_list = build_context(register, OsiSettings(), adjacency, ztm=None)
    v = partnership_verdict(register, no_list, AROUND_BIALYSTOK)
    assert v.werdykt == NIEUSTALONY and "listy OSI ZTM" in v.powody[0]

    full = build_context(register, OsiSettings(), adjacency, ztm=set(AROUND_BIALYSTOK))
    v = partnership_verdict(register, full, AROUND_BIALYSTOK)
    assert v.werdykt == KWALIFIKUJE and v.trasy[0].startswith("ZTM")

    missing_one = build_context(register, OsiSettings(), adjacency, ztm=set(AROUND_BIALYSTOK[1:]))
    v = partnership_verdict(register, missing_one, AROUND_BIALYSTOK)
    assert v.werdykt == NIE_KWALIFIKUJE
    assert v.poza == ("2002133",)
    assert "Wasilków" in v.powody[0]


def test_small_town_must_itself_be_a_member(register, adjacency):
    ctx = build_context(register, OsiSettings(), adjacency, ztm=frozenset())
    without_town = [m for m in WIELE_GMIN if m not in ("2006011",)]
    v = partnership_verdict(register, ctx, without_town)
    assert v.werdykt == NIE_KWALIFIKUJE
    assert set(v.poza) == set(register.area_gminas(without_town))


def test_powiat_member_is_covered_only_when_all_its_gminas_are(register, adjacency):
    # Powiat augustowski with Sokółka: the powiat's gminas far from Sokółka stay outside.
    ctx = build_context(register, OsiSettings(), adjacency, ztm=frozenset())
    v = partnership_verdict(register, ctx, ["2011083", "2011", "2001"])
    area = set(register.area_gminas(["2011083", "2011", "2001"]))
    assert set(register.gminy_powiatu("2001")) <= area
    assert v.werdykt == NIE_KWALIFIKUJE
    assert set(v.poza) <= set(register.gminy_powiatu("2001"))
    assert "2001011" in v.poza  # Augustów town does not border powiat sokólski


def test_mixed_routes_are_both_named(register, adjacency):
    members = ["2006011", "2006032", "2061011"]  # Kolno + Białystok (only via ZTM in this test)
    ctx = build_context(register, OsiSettings(), adjacency, ztm={"2061011"})
    v = partnership_verdict(register, ctx, members)
    assert v.werdykt == KWALIFIKUJE
    assert any(t.startswith("ZTM") for t in v.trasy) and any("Kolno" in t for t in v.trasy)


def test_member_from_another_voivodeship_is_undetermined(register, adjacency):
    ctx = build_context(register, OsiSettings(), adjacency, ztm=frozenset(register.gminy.index))
    v = partnership_verdict(register, ctx, ["2007043", "1461011"])
    assert v.werdykt == NIEUSTALONY
    assert v.nieustalone == ("1461011",)
    assert "spoza województwa" in " ".join(v.powody)


def test_gmina_categories(register, adjacency):
    ctx = build_context(register, OsiSettings(), adjacency, ztm={"2006011", "2061011"})
    st = gmina_statuses(register, ctx)
    assert st["2006011"].kategoria == KAT_OBA
    assert st["2061011"].kategoria == KAT_ZTM
    assert st["2006032"].kategoria == KAT_MALE_MIASTO
    assert st["2062011"].kategoria == KAT_POZA  # Łomża: neither route
    unknown = gmina_statuses(register, build_context(register, OsiSettings(), adjacency, ztm=None))
    assert unknown["2062011"].kategoria == KAT_NIEZNANY
    assert "nieznane" in unknown["2062011"].opis
    assert "Kolno" in st["2006032"].opis and "ZTM: nie" in st["2006032"].opis
    assert len(st) == 118


def test_no_adjacency_falls_back_to_powiat_and_says_so(register):
    ctx = build_context(register, OsiSettings(), None, ztm=None)
    v = partnership_verdict(register, ctx, WIELE_GMIN)
    assert v.werdykt == NIEUSTALONY
    assert any("Brak warstw granic" in r for r in v.powody)


@pytest.mark.parametrize("threshold,expected", [(9_000, NIEUSTALONY), (20_000, KWALIFIKUJE)])
def test_threshold_moves_the_verdict(register, adjacency, threshold, expected):
    ctx = build_context(register, OsiSettings(prog_ludnosci=threshold), adjacency, ztm=None)
    assert partnership_verdict(register, ctx, WYSOKIE_MAZ).werdykt == expected
