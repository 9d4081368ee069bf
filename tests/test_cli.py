"""The command line as analysts and acceptance tests use it: exit codes, output, no tracebacks."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "formularze_przyklad.csv"
AROUND_BIALYSTOK = ["2002133", "2002013", "2002052", "2002093", "2002143", "2002032"]


def cwd(*args, cwd_dir=ROOT):
    return subprocess.run([sys.executable, "-m", "cwd", *map(str, args)], cwd=cwd_dir, capture_output=True,
                          text=True, timeout=120)


def ztm_list(tmp_path, codes, name="ztm.csv"):
    path = tmp_path / name
    path.write_text("teryt,nazwa,zrodlo\n" + "".join(f"{c},,test\n" for c in codes), encoding="utf-8")
    return path


def by_name(items):
    return {i["nazwa"]: i for i in items}


@pytest.fixture(scope="module")
def scored_without_list():
    out = cwd("score", EXAMPLE, "--json")
    assert out.returncode == 0, out.stderr
    return by_name(json.loads(out.stdout))


def test_validate_example_is_usable_with_warnings():
    out = cwd("validate", EXAMPLE)
    assert out.returncode == 0
    assert "Partnerstwa gotowe do oceny: 10; błędy: 0; ostrzeżenia: 4." in out.stdout
    assert "wiersz 10" in out.stdout and "po terminie" in out.stdout


def test_validate_broken_file_exits_1_without_traceback(tmp_path):
    bad = tmp_path / "zly.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    out = cwd("validate", bad)
    assert out.returncode == 1
    assert "Traceback" not in out.stdout + out.stderr
    assert "zly.csv" in out.stdout


def test_validate_missing_file(tmp_path):
    out = cwd("validate", tmp_path / "nie_ma.csv")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "nie_ma.csv" in out.stdout


@pytest.mark.parametrize("args", [[], ["score"], ["nieznane"], ["score", EXAMPLE, "--prog", "abc"],
                                  ["score", EXAMPLE, "--data-ludnosci", "30.06.2019"], ["shapes"]])
def test_wrong_usage_exits_2_with_usage_line(args):
    out = cwd(*args)
    assert out.returncode == 2
    assert "usage:" in out.stderr.lower() and "Traceback" not in out.stderr


def test_json_has_the_contract_fields(scored_without_list):
    for item in scored_without_list.values():
        assert {"id", "nazwa", "status", "osi", "powody"} <= set(item)
        assert item["status"] in {"spełnia", "nie spełnia", "niekompletna"}
        assert {"werdykt", "trasy"} <= set(item["osi"])


def test_pilot_partnerships_qualify_by_the_small_town_route(scored_without_list):
    for name, town in [("Ziemia Wysokomazowiecka", "Wysokie Mazowieckie"), ("Wiele gmin – jeden cel", "Kolno")]:
        osi = scored_without_list[name]["osi"]
        assert osi["werdykt"] == "kwalifikuje się"
        assert any("małe miasto" in t and town in t for t in osi["trasy"])


def test_bialystok_partnership_depends_on_the_ztm_list(tmp_path, scored_without_list):
    name = "Gminy wokół Białegostoku (przykład)"
    assert scored_without_list[name]["osi"]["werdykt"] == "nieustalony"
    assert scored_without_list[name]["status"] == "niekompletna"

    full = by_name(json.loads(cwd("score", EXAMPLE, "--osi-ztm", ztm_list(tmp_path, AROUND_BIALYSTOK), "--json").stdout))
    assert full[name]["osi"]["werdykt"] == "kwalifikuje się"
    assert any(t.startswith("ZTM") for t in full[name]["osi"]["trasy"])
    assert full[name]["status"] == "spełnia"

    short = by_name(json.loads(cwd("score", EXAMPLE, "--osi-ztm", ztm_list(tmp_path, AROUND_BIALYSTOK[1:], "z.csv"),
                                   "--json").stdout))
    assert short[name]["osi"]["werdykt"] == "nie kwalifikuje się"
    assert short[name]["osi"]["gminy_poza_osi"] == ["2002133"]
    assert short[name]["status"] == "nie spełnia"


def test_example_shows_every_case(scored_without_list):
    s = scored_without_list
    assert s["Ziemia Wysokomazowiecka"]["status"] == "spełnia"
    assert s["Dolina Narwi i Biebrzy (przykład)"]["status"] == "nie spełnia"  # one criterion 0
    assert s["Pogranicze Sejneńskie (przykład)"]["status"] == "niekompletna"  # one unanswered
    assert s["Pogranicze Sejneńskie (przykład)"]["kryteria"]["I.7"]["wartosc"] is None
    assert "1461011" in s["Nadnarwiańskie Kurpie (przykład)"]["osi"]["nieustalone"]  # other voivodeship
    jedwabne = [n for n, i in s.items() if "2007013" in i["gminy"]]
    assert len(jedwabne) == 2  # a gmina claimed by two partnerships


def test_threshold_and_reference_date_options():
    out = by_name(json.loads(cwd("score", EXAMPLE, "--json", "--data-ludnosci", "2023-12-31").stdout))
    hajnowka = out["Puszcza Białowieska – Hajnówka (przykład)"]["osi"]
    assert any("Hajnówka" in t for t in hajnowka["trasy"])  # 18 976 ≤ 20 000 at the end of 2023
    low = by_name(json.loads(cwd("score", EXAMPLE, "--json", "--prog", "9000").stdout))
    assert low["Wiele gmin – jeden cel"]["osi"]["werdykt"] == "nieustalony"


def test_text_output_is_polish_and_says_values_are_illustrative():
    out = cwd("score", EXAMPLE)
    assert out.returncode == 0
    assert "ilustracyjne" in out.stdout and "nie wczytano listy OSI ZTM" in out.stdout
    assert "53 406" in out.stdout.replace("\xa0", " ")


def test_ztm_list_with_errors_exits_1(tmp_path):
    bad = tmp_path / "ztm.csv"
    bad.write_text("teryt,nazwa,zrodlo\n20xx,Foo,x\n", encoding="utf-8")
    out = cwd("score", EXAMPLE, "--osi-ztm", bad)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "ztm.csv" in out.stderr


def test_shapes_import_from_shared_layers(tmp_path):
    out = cwd("shapes", "import", ROOT.parent / "shared" / "geo", "--do", tmp_path / "shapes")
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "shapes" / "gminy.gpkg").exists() and (tmp_path / "shapes" / "powiaty.gpkg").exists()


def test_shapes_import_of_nonsense_is_a_polish_error(tmp_path):
    (tmp_path / "x.txt").write_text("nic", encoding="utf-8")
    out = cwd("shapes", "import", tmp_path, "--do", tmp_path / "out")
    assert out.returncode == 1 and "Traceback" not in out.stderr and out.stderr.strip()
