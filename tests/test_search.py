from cwd.search import Hit, fold, polish_key, search


def test_fold_ignores_case_and_diacritics():
    assert fold("Łomża") == fold("LOMZA") == "lomza"
    assert fold("  Wysokie   Mazowieckie ") == "wysokie mazowieckie"


def test_polish_order():
    names = ["Śniadowo", "Szepietowo", "Łomża", "Lipsk", "Zambrów", "Żółtki", "Ciechanowiec", "Czyżew"]
    assert sorted(names, key=polish_key) == [
        "Ciechanowiec", "Czyżew", "Lipsk", "Łomża", "Szepietowo", "Śniadowo", "Zambrów", "Żółtki"]


def test_search_finds_without_diacritics_and_orders():
    entries = [Hit("gmina", "2062011", "Łomża (gmina miejska)"), Hit("gmina", "2007052", "Łomża (gmina wiejska)"),
               Hit("gmina", "2004022", "Dąbrowa Białostocka"), Hit("partnerstwo", "P01", "P01 – Ziemia Łomżyńska")]
    hits = search("lomz", entries)
    assert [h.code for h in hits] == ["2062011", "2007052", "P01"]  # word starts first, Polish order
    assert [h.code for h in search("biało dąbr", entries)] == ["2004022"]  # every word, any order
    assert search("   ", entries) == [] and search("xyz", entries) == []
    assert len(search("a", entries * 5, limit=3)) == 3
