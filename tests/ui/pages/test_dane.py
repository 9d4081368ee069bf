"""Dane: the nabór and its file versions in the database (uploads are versions, not session state),
the validation report, the sources, the database's health, naborów management."""
from __future__ import annotations

from cwd.store import FORMS, ZTM
from cwd.ui import keys

from ..support import (
    TITLES,
    assert_ok,
    button,
    example_rows,
    example_with,
    forms_csv,
    frame_with,
    goto,
    labels,
    new_app,
    readable,
    run,
    shown,
    sign_in,
    start,
    texts,
    title,
    validation_report,
)

ZTM_LIST = "teryt,nazwa,zrodlo\n2009011,Giby,test\n2009022,Krasnopol,test\n2009032,Puńsk,test\n".encode()


def dane(nabor, who, **query):
    return run(sign_in(new_app(page="dane", query={keys.Q_NABOR: nabor.id, **query}), who))


def uploader(at, kind):
    [found] = [u for u in at.get("file_uploader") if u.key.startswith(f"u_{kind}_")]
    return found


def test_dane_shows_the_validation_report_and_sources():
    at = goto(start(new_app()), "dane")

    assert title(at) == [TITLES["dane"]]
    assert "Błędy: **0**, ostrzeżenia: **4**. Partnerstwo z błędem nie jest oceniane; " \
           "ostrzeżenia nie blokują oceny." in texts(at, "markdown")
    report = readable(*validation_report(at))
    assert (report["Rodzaj"] == "ostrzeżenie").all()
    found = sorted(zip(report["Partnerstwo"], report["Kolumna"]))
    assert found == [("P04", "data_zgloszenia"), ("P09", "czlonkowie"), ("P09", "data_zgloszenia"),
                     ("P09", "lider")]
    messages = dict(zip(zip(report["Partnerstwo"], report["Kolumna"]), report["Komunikat"]))
    assert "Nie podano daty zgłoszenia" in messages[("P04", "data_zgloszenia")]
    assert "nie figuruje wśród członków" in messages[("P09", "lider")]
    assert "1461011" in messages[("P09", "czlonkowie")] and "mazowieckiego" in messages[("P09", "czlonkowie")]
    assert "po terminie naboru" in messages[("P09", "data_zgloszenia")]

    sources = at.table[-1].value
    assert {"formularze_przyklad.csv", "gminy.csv", "miasta_powiatowe.csv"} <= set(sources.index)
    assert "Źródło" in sources.columns
    assert "Nie wczytano listy: przynależność gmin do OSI ZTM jest nieznana." in texts(at, "info")
    assert any(s.startswith("Baza danych działa") for s in texts(at, "success"))


def test_demo_upload_is_a_preview_without_saving():
    at = goto(start(new_app()), "dane")
    uploader(at, FORMS).upload("moje.csv", example_with(P01={"nazwa": "Ziemia Testowa"}), "text/csv").run()
    assert_ok(at)
    assert "Podgląd bez zapisu – przykładowy nabór jest tylko do odczytu." in texts(at, "caption")
    assert not [b for b in labels(at) if b.startswith("Zapisz „")]
    goto(at, "kandydaci")  # nothing changed: the demo still shows the example
    assert frame_with(at, "status").set_index("id").loc["P01", "nazwa"] == "Ziemia Wysokomazowiecka"


def test_uploading_forms_stores_a_new_version_of_the_nabor(nabor, people, store):
    at = dane(nabor, people.assessor)
    assert frame_with(at, "Wersja")["Wersja"].tolist() == [1]
    uploader(at, FORMS).upload("moje.csv", example_with(P01={"nazwa": "Ziemia Testowa"}), "text/csv").run()
    assert_ok(at)
    button(at, "Zapisz „moje.csv” jako nową wersję").click().run()
    assert_ok(at)

    assert "Zapisano wersję 2 pliku „moje.csv”." in texts(at, "success")
    assert "Bieżące: **„moje.csv”, wersja 2** – partnerstw gotowych do oceny: **10**." in \
        [v.replace("\\.", ".") for v in texts(at, "markdown")]
    versions = frame_with(at, "Wersja")
    assert versions["Wersja"].tolist() == [2, 1] and versions["Wczytał(a)"].tolist()[0] == "Anna Oceniająca"
    assert [v.version for v in store.file_versions(nabor.id, FORMS)] == [2, 1]  # in the database
    assert uploader(at, FORMS).key == f"u_{FORMS}_1"  # a fresh, empty uploader

    goto(at, "kandydaci")
    assert frame_with(at, "status").set_index("id").loc["P01", "nazwa"] == "Ziemia Testowa"
    # another session (another person, F5) sees the same version
    other = run(sign_in(new_app(page="kandydaci", query={keys.Q_NABOR: nabor.id}), people.viewer))
    assert frame_with(other, "status").set_index("id").loc["P01", "nazwa"] == "Ziemia Testowa"


def test_viewer_cannot_store_a_version(nabor, people, store):
    at = dane(nabor, people.viewer)
    uploader(at, FORMS).upload("moje.csv", example_with(P01={"nazwa": "Ziemia Testowa"}), "text/csv").run()
    assert_ok(at)
    assert "Podgląd bez zapisu – zapis wymaga roli „oceniający”." in texts(at, "caption")
    assert not [b for b in labels(at) if b.startswith("Zapisz „")]
    assert [v.version for v in store.file_versions(nabor.id, FORMS)] == [1]
    assert "Nowy nabór" not in [e.label for e in at.expander]


def test_uploading_the_ztm_list_stores_it_and_every_page_uses_it(nabor, people, store):
    at = dane(nabor, people.assessor)
    uploader(at, ZTM).upload("ztm.csv", ZTM_LIST, "text/csv").run()
    button(at, "Zapisz „ztm.csv” jako nową wersję").click().run()
    assert_ok(at)
    assert shown(at.sidebar, "success") == ["Lista OSI ZTM: „ztm.csv”, wersja 1, 3 gminy."]
    assert not any("nie wczytano" in v for v in texts(at.sidebar, "info"))
    assert [v.version for v in store.file_versions(nabor.id, ZTM)] == [1]
    goto(at, "mapa")
    assert any(c.startswith("Lista OSI ZTM: „ztm.csv”, wersja 1.") for c in shown(at, "caption"))


def test_broken_upload_is_reported_not_raised_and_not_stored(nabor, people, store):
    at = dane(nabor, people.assessor)
    uploader(at, FORMS).upload("zepsuty.csv", bytes(range(256)) * 4, "text/csv").run()
    assert_ok(at)
    assert any(m.startswith("Błędy: **1**, ostrzeżenia: **0**.") for m in texts(at, "markdown"))
    report, markdown = validation_report(at)
    report = readable(report, markdown)
    assert report["Rodzaj"].tolist() == ["błąd"]
    assert "nie jest plikiem tekstowym CSV" in report["Komunikat"][0]
    assert "Tego pliku nie można zapisać jako wersji naboru – popraw błędy powyżej i wczytaj go ponownie." in \
        texts(at, "error")
    assert not [b for b in labels(at) if b.startswith("Zapisz „")]
    assert [v.version for v in store.file_versions(nabor.id, FORMS)] == [1]


def test_a_nabor_without_forms_is_empty_on_every_page(store, people):
    from cwd.nabor import StageDates
    from cwd.settings import OsiSettings

    empty = store.create_nabor("Nabór bez formularzy", actor=people.assessor, stages=StageDates(),
                               settings=OsiSettings())
    at = dane(empty, people.assessor)
    assert "Bieżące: **brak wczytanych formularzy** – partnerstw gotowych do oceny: **0**." in texts(at, "markdown")
    goto(at, "kandydaci")
    assert "Brak partnerstw spełniających filtry." in texts(at, "info")
    goto(at, "ocena")
    assert any(i.startswith("Brak partnerstw do pokazania") for i in texts(at, "info"))
    goto(at, "wybor")
    assert "Brak partnerstw – wczytaj formularze na stronie „Dane”." in texts(at, "info")
    goto(at, "mapa")
    assert "0 partnerstw na mapie" in " ".join(b for b in (e.proto.body for e in at.get("html")) if "na mapie" in b)


def test_validation_report_of_an_upload_shows_cells_as_text(nabor, people):
    from ..support import RAW_MARKUP, plain

    data = example_with(P05={"data_zgloszenia": "![d](http://evil.example/d.png)"})
    at = dane(nabor, people.assessor)
    uploader(at, FORMS).upload("formularze.csv", data, "text/csv").run()
    assert_ok(at)
    report, markdown = validation_report(at)
    [message] = report.loc[report["Partnerstwo"] == "P05", "Komunikat"]
    assert "evil.example" in (plain(message) if markdown else message)
    if markdown:
        assert not RAW_MARKUP.search(message), message


def test_new_nabor_form_creates_and_opens_it(nabor, people, store):
    at = dane(nabor, people.assessor)
    [name] = [t for t in at.text_input if t.label == "Nazwa naboru"]
    name.input("Nabór jesienny 2021")
    button(at, "Utwórz nabór").click().run()
    assert_ok(at)
    created = [n for n in store.nabory(demo=False) if n.name == "Nabór jesienny 2021"]
    assert len(created) == 1 and created[0].created_by == "Anna Oceniająca"
    assert at.query_params[keys.Q_NABOR] == created[0].id
    assert at.sidebar.selectbox(key=keys.NABOR).value == created[0].id


def test_approver_archives_the_nabor(nabor, people, store):
    at = dane(nabor, people.approver)
    at.checkbox(key="_archiwizuj").check().run()
    button(at, "Archiwizuj").click().run()
    assert_ok(at)
    assert store.nabor(nabor.id).archived
    assert any("Zarchiwizował(a): Ewa Zatwierdzająca" in m for m in texts(at, "markdown"))
    assert "Archiwizuj nabór" not in [e.label for e in at.expander]


def test_assessor_may_not_archive(nabor, people):
    at = dane(nabor, people.assessor)
    assert "Archiwizuj nabór" not in [e.label for e in at.expander]


def test_outdated_assessments_are_listed(nabor, people, store):
    from .test_ocena import row_hash

    store.save(nabor.id, "P03", {"I.1": (1, "")}, actor=people.assessor, expected_version=0,
               row_hash=row_hash(store, nabor, "P03"))
    store.add_forms(nabor.id, forms_csv([r if r[0] != "P03" else [*r[:4], "Nowa Osoba", *r[5:]]
                                         for r in example_rows()]), "v2.csv", actor=people.assessor)
    at = dane(nabor, people.assessor)
    assert "Oceny do potwierdzenia" in texts(at, "subheader")
    assert any(w.endswith("P03.") for w in texts(at, "warning"))
