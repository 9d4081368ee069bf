"""Text from forms, file names and assessors is shown as text (cwd.ui.text.md): never interpreted as
Markdown, LaTeX, HTML or a link by any page, in normal and presentation mode. Data grids keep the
raw text; static tables (presentation) escape it."""
from __future__ import annotations

import re

import pytest

from cwd.criteria import CRITERIA_IDS
from cwd.ui import keys
from cwd.ui.text import WORD_JOINER, md

from .conftest import make_nabor
from .pages.test_ocena import row_hash
from .support import (
    PAGES,
    RAW_MARKUP,
    assert_ok,
    example_with,
    figure_texts,
    frame_with,
    goto,
    html_bodies,
    new_app,
    plain,
    plotly_figures,
    run,
    sign_in,
    table_shown,
    texts,
)

# --- cwd.ui.text.md, pure ---------------------------------------------------------------------------------
HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "[klik](javascript:alert(1))",
    "![x](http://example.invalid/a.png)",
    "**pogrubienie** _kursywa_ `kod` # nagłówek",
    '=HYPERLINK("http://x";"klik")',
    "a & b &lt; c",
    "$x^2$ :red[czerwony] http://evil.example/x",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_every_markdown_special_character_is_escaped(text):
    out = md(text)
    # no special character stands without a backslash before it
    assert not re.search(r"(?<!\\)[<>\[\]!*_`#&()$:]", out)
    # removing the escapes (and the invisible word joiners that keep URLs from becoming links) gives
    # the original text back
    assert re.sub(r"\\(.)", r"\1", out).replace(WORD_JOINER, "") == text
    if "http" in text:
        assert WORD_JOINER in out  # GFM would autolink the URL otherwise


def test_plain_polish_text_is_unchanged():
    assert md("Wiele gmin – jeden cel Łomża") == "Wiele gmin – jeden cel Łomża"


def test_new_lines_stay_line_breaks():
    assert md("pierwsza\ndruga") == "pierwsza  \ndruga"


# --- every page --------------------------------------------------------------------------------------------
PAYLOADS = {
    "P01": "![p](http://evil.example/p.png)",
    "P02": "$x^2$",
    "P03": "<img src=x onerror=alert(1)>",
    "P04": "**gruby**",
    "P05": "http://evil.example/x",
    "P06": ":red[czerwony]",
    "P07": '=HYPERLINK("http://x";"klik")',
}
IDS = list(PAYLOADS)
WIDGETS = ("button", "checkbox", "color_picker", "date_input", "multiselect", "number_input", "radio",
           "select_slider", "selectbox", "slider", "text_area", "text_input", "time_input", "toggle")


def rotated(k: int) -> dict[str, str]:
    """Another payload for each partnership (ideas, links, experience, coordinator)."""
    return {pid: PAYLOADS[IDS[(i + k) % len(IDS)]] for i, pid in enumerate(IDS)}


def hostile_forms() -> bytes:
    ideas, links, experience, coordinators = rotated(1), rotated(2), rotated(3), rotated(4)
    return example_with(**{pid: {"nazwa": name, "pomysl": ideas[pid], "powiazania": links[pid],
                                 "doswiadczenie": experience[pid], "koordynator": coordinators[pid]}
                           for pid, name in PAYLOADS.items()})


def markdown_bodies(at) -> list[str]:
    """Everything the page renders as Markdown: text elements and alerts, widget labels and help,
    radio options, expander, tab, link and download labels, static table cells."""
    bodies = list(texts(at))
    for kind in WIDGETS:
        for w in getattr(at, kind):
            bodies += [getattr(w, "label", "") or "", getattr(w, "help", "") or ""]
            if kind == "radio":
                bodies += [str(o) for o in w.options]
    bodies += [e.label for e in at.expander] + [t.label for t in at.tabs]
    bodies += [e.proto.label for e in at.get("page_link")] + [e.proto.label for e in at.get("download_button")]
    for table in at.table:
        frame = table_shown(table)
        bodies += [str(v) for v in frame.to_numpy().ravel()] + [str(i) for i in frame.index]
        bodies += [str(c) for c in frame.columns]
    return bodies


def assert_no_raw_markup(at, where: str) -> None:
    raw = [(pid, body[:160]) for body in markdown_bodies(at) for pid, payload in PAYLOADS.items() if payload in body]
    assert not raw, f"{where}: {raw}"
    marked = [body[:160] for body in markdown_bodies(at) if RAW_MARKUP.search(body)]
    assert not marked, f"{where}: {marked}"
    # st.html renders HTML, not Markdown: there the names must be HTML-escaped
    raw_html = [body[:160] for body in html_bodies(at) if PAYLOADS["P03"] in body]
    assert not raw_html, f"{where} (st.html): {raw_html}"
    raw_charts = [t for fig in plotly_figures(at) for t in figure_texts(fig) if "<img" in t]
    assert not raw_charts, where


@pytest.fixture
def hostile(store, people):
    """A nabór whose forms carry the payloads as names and texts, an assessment whose comments are
    payloads, and a recorded decision whose justification and override reason are payloads."""
    n = make_nabor(store, people, "Nabór z wrogimi tekstami", forms=hostile_forms(), file_name="wrogie.csv")
    comments = dict(zip(CRITERIA_IDS, PAYLOADS.values()))
    store.save(n.id, "P01", {c: (1, comments.get(c, "")) for c in CRITERIA_IDS}, actor=people.assessor,
               expected_version=0, row_hash=row_hash(store, n, "P01"))
    store.save_decision(n.id, [("P01", PAYLOADS["P01"], PAYLOADS["P03"]), ("P02", PAYLOADS["P02"], PAYLOADS["P04"],
                                                                             PAYLOADS["P05"])],
                        actor=people.approver, expected_decision=0, forms_version=1, ztm_version=None)
    return n


@pytest.mark.parametrize("presentation", [False, True], ids=["normal", "presentation"])
@pytest.mark.parametrize("page", PAGES)
def test_hostile_texts_never_reach_markdown_unescaped(hostile, people, page, presentation):
    query = {keys.Q_NABOR: hostile.id, keys.Q_PARTNERSHIP: "P01", keys.Q_COMPARE: ",".join(IDS[:5])}
    if presentation:
        query["prezentacja"] = "1"
    at = run(sign_in(new_app(page=page, query=query), people.approver))
    assert not [n for n in texts(at, "warning", "error") if "błąd" in n.lower() and "formularz" in n.lower()]
    assert_no_raw_markup(at, page)

    if page == "mapa" and not presentation:  # the search box's hits are labels too
        at.text_input(key=keys.SEARCH).input("P0").run()
        assert_ok(at)
        assert [b for b in at.button if (b.key or "").startswith("_hit_partnerstwo_")]
        assert_no_raw_markup(at, "mapa: search hits")
    if page == "wybor" and not presentation:  # justification and override labels name the picks
        at.multiselect(key=keys.PICKS).set_value(["P03", "P05", "P06"]).run()
        assert_ok(at)
        assert len(at.text_area) >= 3
        assert_no_raw_markup(at, "wybor: picks")
    if page == "ocena" and not presentation:  # the form's expanders quote the ideas; another partnership
        at.selectbox(key=keys.PARTNERSHIP).set_value("P03").run()
        assert_ok(at)
        assert_no_raw_markup(at, "ocena: P03")


def test_hostile_texts_are_shown_not_dropped(hostile, people):
    query = {keys.Q_NABOR: hostile.id, keys.Q_PARTNERSHIP: "P01"}
    at = run(sign_in(new_app(page="ocena", query=query), people.approver))
    assert any(v.startswith(f"### {md(PAYLOADS['P01'])}") for v in texts(at, "markdown"))
    history = frame_with(at, "Kryterium").set_index("Kryterium")
    assert history.loc["I.1", "Komentarz"] == PAYLOADS["P01"]  # data grid: the raw text

    goto(at, "kandydaci")
    names = frame_with(at, "status").set_index("id")["nazwa"]
    assert {pid: names[pid] for pid in IDS} == PAYLOADS  # data grid cells keep the raw text
    for pid in IDS[:3]:  # the mini maps' captions: escaped, not dropped
        assert f"**{pid}** – {md(PAYLOADS[pid])}" in texts(at, "caption")

    goto(at, "mapa")  # the details beside the map
    assert f"##### P01 – {md(PAYLOADS['P01'])}" in texts(at, "markdown")

    goto(at, "wybor")
    assert any(f"P01 – {md(PAYLOADS['P01'])}" in v and f"P02 – {md(PAYLOADS['P02'])}" in v
               for v in texts(at, "success"))


def test_presentation_tables_escape(hostile, people):
    query = {keys.Q_NABOR: hostile.id, keys.Q_COMPARE: "P01,P03", "prezentacja": "1"}
    at = run(sign_in(new_app(page="kandydaci", query=query), people.approver))
    candidates = next(table_shown(t) for t in at.table if "Partnerstwo" in t.value.columns)
    assert {md(PAYLOADS[pid]) for pid in IDS} <= set(candidates["Partnerstwo"])
    matrix = next(t.value for t in at.table if "I.1" in t.value.columns)
    assert list(matrix.index) == [f"P01 – {md(PAYLOADS['P01'])}", f"P03 – {md(PAYLOADS['P03'])}"]

    ocena = run(sign_in(new_app(page="ocena", query={**query, keys.Q_PARTNERSHIP: "P01"}), people.approver))
    [checklist] = [table_shown(t) for t in ocena.table]
    comments = set(checklist["Komentarz"])
    assert {md(PAYLOADS[pid]) for pid in IDS} <= comments and not {PAYLOADS[pid] for pid in IDS} & comments


def test_hostile_file_name_is_shown_as_text(store, people, nabor):
    name = "![x](evil.example) **plik**.csv"  # the store keeps the part after the last "/"
    store.add_forms(nabor.id, example_with(P01={"nazwa": "Ziemia Testowa"}), name, actor=people.assessor)
    at = run(sign_in(new_app(page="dane", query={keys.Q_NABOR: nabor.id}), people.assessor))
    bodies = markdown_bodies(at) + [str(o) for o in at.sidebar.selectbox(key=keys.NABOR).options]
    assert any("evil.example" in plain(v) for v in bodies)  # the name is shown somewhere…
    assert not [v for v in bodies if RAW_MARKUP.search(v) or "**plik**" in v]  # …but never as markup
    assert frame_with(at, "Wersja")["Plik"].tolist()[0] == name  # the versions grid keeps it as typed


def test_hostile_nabor_name_is_shown_as_text(store, people):
    n = make_nabor(store, people, "**Nabór** ![n](http://evil.example/n.png)")
    for page in PAGES:
        at = run(sign_in(new_app(page=page, query={keys.Q_NABOR: n.id}), people.assessor))
        marked = [b for b in markdown_bodies(at) if RAW_MARKUP.search(b) or "**Nabór**" in b]
        assert not marked, (page, marked)


def test_a_person_with_a_markup_name_is_shown_as_text(store, people, nabor):
    from cwd.auth import CONSOLE

    from .conftest import PASSWORD
    from .support import fill_assessment

    store.add_user("zly", "**Zły** ![z](http://evil.example/z.png)", "zatwierdzajacy", password=PASSWORD,
                   actor=CONSOLE)
    zly = store.authenticate("zly", PASSWORD)
    at = run(sign_in(new_app(page="ocena", query={keys.Q_NABOR: nabor.id}), zly))
    fill_assessment(at, "P01", {"I.1": "1"})  # the success message names the person
    assert any(v.startswith("Zapisano ocenę") for v in texts(at, "success"))
    marked = [b for b in markdown_bodies(at) if RAW_MARKUP.search(b) or "**Zły**" in b]
    assert not marked, marked

    other = run(sign_in(new_app(page="ocena", query={keys.Q_NABOR: nabor.id}), people.assessor))
    stale = run(sign_in(new_app(page="ocena", query={keys.Q_NABOR: nabor.id}), people.approver))
    fill_assessment(other, "P01", {"I.2": "1"})
    fill_assessment(stale, "P01", {"I.3": "1"})  # refused: the message names who saved in between
    assert texts(stale, "error")
    fill_assessment(at, "P01", {"I.4": "1"})  # refused too, and names Anna; then Zły's own name elsewhere
    marked = [b for b in markdown_bodies(stale) + markdown_bodies(at) if RAW_MARKUP.search(b) or "**Zły**" in b]
    assert not marked, marked
