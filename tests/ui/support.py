"""Helpers of the page tests (imported by the test modules; the fixtures are in conftest.py).

Facts these helpers rely on (checked while writing them, Streamlit 1.67):
- AppTest runs the scripts in this process, so monkeypatching `cwd.ui.mapview.folium_component`
  replaces the map component the pages call (under AppTest the real one is an unknown element).
- AppTest resets Streamlit's legacy pages/ mode before every run, so every run of a sub-page starts
  with the page file alone; the app's own page_context() then runs the router (app.py). Nothing in
  these tests patches Streamlit for that.
- `guarded()` turns any page exception into a generic Polish st.error, so "no exception" is checked
  as: no at.exception AND no "nieoczekiwany błąd" message (`assert_ok`).
- Markdown is rendered in text elements, alerts, widget labels, radio options, button and page link
  labels and st.table cells; st.dataframe cells and selectbox/multiselect options are plain text.
"""
from __future__ import annotations

import csv
import io
import json
import re

from streamlit.testing.v1 import AppTest

from cwd.paths import DATA_DIR, ROOT
from cwd.ui import keys

APP = ROOT / "app.py"
EXAMPLE_FORMS = DATA_DIR / "formularze_przyklad.csv"
EXAMPLE_IDS = [f"P{i:02d}" for i in range(1, 11)]
PAGES = ("mapa", "kandydaci", "ocena", "wybor", "dane")
TITLES = {"mapa": "Mapa OSI i partnerstw", "kandydaci": "Kandydaci", "ocena": "Ocena – lista sprawdzająca",
          "wybor": "Wybór partnerstw (najwyżej 3)", "dane": "Dane"}
SIGN_IN_TITLE = "Logowanie"
UNEXPECTED = "nieoczekiwany błąd"
TIMEOUT_S = 60  # pages with the map (and this 2-core machine shared with others)
TEXT_KINDS = ("title", "header", "subheader", "markdown", "caption", "success", "info", "warning", "error")
# Markup that must never reach a Markdown body unescaped (md() puts a backslash before each).
RAW_MARKUP = re.compile(r"(?<!\\)<img|(?<!\\)!\[|(?<!\\)\]\(")


# --- running the app ----------------------------------------------------------------------------------
def new_app(query: dict | None = None, session: dict | None = None, page: str | None = None) -> AppTest:
    """A fresh session (not run yet). `page`: the first request goes to that page (as a bookmark or F5)."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    for k, v in (session or {}).items():
        at.session_state[k] = v
    if page is not None and page != "mapa":
        at.switch_page(f"pages/{page}.py")
    return at


def assert_ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not [e.value for e in at.error if UNEXPECTED in e.value]


def run(at: AppTest) -> AppTest:
    at.run()
    assert_ok(at)
    return at


def start(at: AppTest) -> AppTest:
    return run(at)


def goto(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"pages/{page}.py").run()
    assert_ok(at)
    return at


def sign_in(at: AppTest, identity) -> AppTest:
    """Signed in as `identity` (what the sign-in form stores after store.authenticate)."""
    at.session_state[keys.SIGNED_IN] = identity
    return at


def click_map(at: AppTest, **properties) -> AppTest:
    """What streamlit-folium reports after a click: the page reads it before drawing the map."""
    at.session_state[keys.MAP] = {"last_active_drawing": {"type": "Feature", "properties": properties,
                                                          "geometry": None}}
    return at


def title(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def nabor_line(at: AppTest) -> str:
    """The page's "Nabór: …" caption under the title (the nabór shown)."""
    found = [c for c in texts(at, "caption") if c.startswith("Nabór: ")]
    assert len(found) == 1, texts(at, "caption")
    return found[0]


def shows_nabor(at: AppTest, name: str) -> bool:
    from cwd.ui.text import md

    return nabor_line(at).startswith(f"Nabór: **{md(name)}**")


# --- what a page shows --------------------------------------------------------------------------------
def plain(markdown: str) -> str:
    """Markdown escapes removed: the text a reader sees."""
    return re.sub(r"\\(.)", r"\1", markdown)


def texts(at, *kinds: str) -> list[str]:
    return [e.value for kind in (kinds or TEXT_KINDS) for e in getattr(at, kind)]


def shown(at, *kinds: str) -> list[str]:
    return [plain(v) for v in texts(at, *kinds)]


def joined(at, *kinds: str) -> str:
    return "\n".join(texts(at, *kinds))


def button(at: AppTest, label: str):
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r}: {[b.label for b in at.button]}"
    return found[0]


def labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


def frame_with(at: AppTest, column: str):
    """The first st.dataframe of the page that has this column."""
    for df in at.dataframe:
        if column in df.value.columns or column == df.value.index.name:
            return df.value
    raise AssertionError(f"no table with a column {column!r}")


def plotly_figures(at: AppTest) -> list[dict]:
    """The page's plotly charts as figure dicts (parsed: never search the serialised text, whose
    escaping depends on whether plotly found orjson)."""
    return [json.loads(e.proto.spec) for e in at.get("plotly_chart")]


def figure_texts(fig) -> list[str]:
    """Every string anywhere in a figure dict (labels, titles, hover texts, annotations)."""
    if isinstance(fig, str):
        return [fig]
    if isinstance(fig, dict):
        return [t for v in fig.values() for t in figure_texts(v)]
    if isinstance(fig, list):
        return [t for v in fig for t in figure_texts(v)]
    return []


def annotation_texts(fig: dict) -> list[str]:
    return [a.get("text", "") for a in fig.get("layout", {}).get("annotations", [])]


def html_bodies(at: AppTest) -> list[str]:
    """st.html bodies (the legend, the status chips…)."""
    return [e.proto.body for e in at.get("html")]


def table_shown(table):
    """What a static table (st.table) shows: the display values of a pandas Styler (its formatters
    ran on the server) or, without a Styler, the data itself."""
    from streamlit import dataframe_util

    styler = table.proto.arrow_data.styler
    if styler.display_values:
        return dataframe_util.convert_arrow_bytes_to_pandas_df(styler.display_values)
    return table.value


def validation_report(at: AppTest):
    """(report frame, rendered_as_markdown) of the Dane page's validation report: a short report is
    an st.table (its cells render Markdown), a long one an st.dataframe (plain text)."""
    for table in at.table:
        frame = table.value.reset_index()
        if "Komunikat" in frame.columns:
            return frame, True
    for df in at.dataframe:
        if "Komunikat" in df.value.columns:
            return df.value, False
    raise AssertionError("no validation report on the page")


def readable(frame, markdown: bool):
    """The frame's text as the reader sees it (Markdown escapes removed from Markdown cells)."""
    return frame.map(lambda v: plain(v) if isinstance(v, str) else v) if markdown else frame


# --- forms files --------------------------------------------------------------------------------------
def example_rows() -> list[list[str]]:
    with open(EXAMPLE_FORMS, encoding="utf-8", newline="") as f:
        return list(csv.reader(f, delimiter=";"))


def forms_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def example_with(**changes: dict[str, str]) -> bytes:
    """The example forms with some cells replaced: example_with(P01={"nazwa": "…"})."""
    rows = example_rows()
    header = rows[0]
    for row in rows[1:]:
        for column, value in changes.get(row[0], {}).items():
            row[header.index(column)] = value
    return forms_csv(rows)


# --- the assessment form (Ocena) ----------------------------------------------------------------------
def base_version(at: AppTest, pid: str) -> int:
    """The base version the form's widget keys carry (oc_{pid}_{criterion}_v{base})."""
    found = {int(m.group(1)) for box in at.selectbox
             if (m := re.fullmatch(rf"oc_{re.escape(pid)}_I\.1_v(\d+)", box.key or ""))}
    assert len(found) == 1, f"assessment form of {pid}: {found}"
    return found.pop()


def value_box(at: AppTest, pid: str, criterion: str):
    return at.selectbox(key=keys.assessment(pid, criterion, f"v{base_version(at, pid)}"))


def comment_box(at: AppTest, pid: str, criterion: str):
    return at.text_input(key=keys.assessment(pid, criterion, f"k{base_version(at, pid)}"))


def fill_assessment(at: AppTest, pid: str, values: dict, comments: dict | None = None) -> AppTest:
    """Set some criteria ("1", "0", "brak") and comments of the form, then "Zapisz ocenę"."""
    for c, v in values.items():
        value_box(at, pid, c).set_value(v)
    for c, text in (comments or {}).items():
        comment_box(at, pid, c).input(text)
    button(at, "Zapisz ocenę").click().run()
    assert_ok(at)
    return at


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def assessment_form(at: AppTest):
    """The st.form block of the assessment form (None when the page shows no form)."""
    from streamlit.testing.v1.element_tree import Block

    found = [b for b in _walk(at.main) if isinstance(b, Block) and b.type == "form"]
    return found[0] if found else None


def stored_column(at: AppTest) -> dict[str, str]:
    """The form's "Zapisane" column (what the database holds) by criterion."""
    from cwd.criteria import CRITERIA_IDS

    form = assessment_form(at)
    assert form is not None, "no assessment form on the page"
    cells = [c.value for c in form.caption][:len(CRITERIA_IDS)]
    return dict(zip(CRITERIA_IDS, cells))


def plotly_values(value) -> list:
    """A plotly array as a list: figures may carry typed arrays ({"dtype": "f8", "bdata": base64})."""
    import base64

    import numpy as np

    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"])).tolist()
    return list(value)
