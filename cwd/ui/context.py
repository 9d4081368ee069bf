"""What every page reads: the run's inputs, the evaluation and the view, built once per run by the
router (app.py → run_page) and handed to the page (page_context).

Typed and split by what it is: `DataSources` (the nabór and what it holds), `Evaluation` (what the
rules say; cached by content and shared across sessions), `View` (filters and display flags of this
session and what they keep), `Selection` (the partnership, comparison and picks the pages share),
`Access` (who is signed in).
"""
from __future__ import annotations

import contextvars
import runpy
from dataclasses import dataclass
from functools import cached_property

import streamlit as st

from cwd import filters as flt
from cwd.evaluation import PartnershipResult
from cwd.nabor import DEMO_ID
from cwd.paths import ROOT
from cwd.pipeline import Evaluation, Inputs
from cwd.register import Register
from cwd.settings import OperatorSettings, OsiSettings
from cwd.ui import loaders, people, sidebar
from cwd.ui.selection import Selection
from cwd.ui.sources import DataSources, load as load_sources, load_demo

APP_SCRIPT = ROOT / "app.py"


@dataclass(frozen=True, eq=False)
class View:
    """This session's filters and display flags, and what they keep of the evaluation."""

    filters: flt.Filters
    presentation: bool
    basemap: bool
    visible: tuple[PartnershipResult, ...]
    visible_gminas: frozenset[str]


@dataclass(frozen=True, eq=False)
class PageContext:
    operator: OperatorSettings
    register: Register
    sources: DataSources
    evaluation: Evaluation
    view: View
    selection: Selection
    access: people.Access
    boundaries_note: str | None  # boundary layers missing: what that changes (every page says it)
    store_note: str | None  # the database could not be read: the demo and declared values only
    evaluation_key: tuple = ()  # what the evaluation was computed from (a cache key for what derives from it)

    @property
    def osi(self) -> OsiSettings:
        return self.evaluation.inputs.osi

    @property
    def nabor(self):
        return self.sources.nabor

    @property
    def identity(self):
        return self.access.identity

    def may(self, action) -> bool:
        """May the signed-in person do this here (never in the demo or an archived nabór)?"""
        return self.identity is not None and not self.sources.read_only and self.identity.may(action)

    @cached_property
    def visible_ids(self) -> list[str]:
        return [r.id for r in self.view.visible]


_CURRENT: contextvars.ContextVar[PageContext | None] = contextvars.ContextVar("cwd_page_context", default=None)


def _openable(access, store) -> tuple[list, str | None]:
    """(naborów the person may open, Polish note when the database cannot be read)."""
    from cwd.store import StoreError
    from cwd.store.nabory import demo_nabor

    demo = demo_nabor()
    if store is None or not access.signed_in:
        return [demo], None
    try:
        found = loaders.db(store.nabory)
    except StoreError as exc:
        return [demo], str(exc)
    active = [n for n in found if not n.archived and not n.demo]
    demos = [n for n in found if n.demo] or [demo]
    return active + demos + [n for n in found if n.archived and not n.demo], None


def _store():
    from cwd.store import StoreError

    try:
        return loaders.store(), None
    except StoreError as exc:
        return None, str(exc)


def build_context(store, access, nabory, store_note) -> PageContext:
    """Render the shared sidebar and compute what every page needs (cached by content)."""
    from cwd.store import StoreError

    operator = loaders.operator()
    register = loaders.register()
    nabor_id = sidebar.render_nabor(store_note, nabory, access)
    if sidebar.render_person(access):
        people.sign_out(access)
    try:
        data, errors = load_sources(nabor_id) if store is not None else load_demo()
    except StoreError as exc:  # the database stopped answering: the demo still works
        store_note = str(exc)
        st.sidebar.error(store_note)
        data, errors = load_demo()
    sidebar.render_source_notes(data, errors)
    osi, filters, presentation, basemap = sidebar.render_settings(register, data.nabor)
    adjacency, boundaries_note = loaders.adjacency()
    current = data.current_assessments()
    verified = {pid: dict(a.values) for pid, a in current.items()}
    comments = {pid: dict(a.comments) for pid, a in current.items()}
    inputs = Inputs(forms=data.forms, osi=osi, ztm=data.ztm_codes, adjacency=adjacency,
                    verified=verified, comments=comments)
    stamp = tuple(sorted((pid, a.version) for pid, a in current.items()))
    key = (data.forms_key, data.ztm_key if data.ztm_usable else None, osi, adjacency is not None, stamp)
    evaluation = loaders.evaluation(key, register, inputs)
    visible = tuple(flt.visible_partnerships(evaluation.results, filters))
    view = View(filters=filters, presentation=presentation, basemap=basemap, visible=visible,
                visible_gminas=frozenset(flt.visible_gminas(register, evaluation.gminas, filters)))
    return PageContext(operator=operator, register=register, sources=data, evaluation=evaluation, view=view,
                       selection=Selection(evaluation.ids), access=access, boundaries_note=boundaries_note,
                       store_note=store_note, evaluation_key=key)


def run_page(page) -> None:
    """The router's body: who is signed in, the nabór, the context; then the chosen page with it."""
    from cwd.ui.chrome import apply_chrome, base_chrome, guarded

    token = None
    try:
        with guarded():
            store, store_note = _store()
            access = people.current(store) if store is not None else people.Access(None, False, False)
            nabory, note = _openable(access, store)
            store_note = store_note or note
            wanted = st.query_params.get("nabor", DEMO_ID)
            if access.required and not access.signed_in and not (
                    loaders.operator().demo_public and wanted == DEMO_ID):
                base_chrome()  # lang="pl" and readable captions on the sign-in page too
                st.html("<style>section[data-testid='stSidebar']{display:none}</style>")
                people.sign_in_form(store, access)
                return
            ctx = build_context(store, access, nabory, store_note)
            ctx.selection.keep_in_url()
            apply_chrome(ctx)
            token = _CURRENT.set(ctx)
            page.run()
            loaders.warm_up()
    finally:
        if token is not None:
            _CURRENT.reset(token)


def page_context() -> PageContext:
    """The context of this run, for the page script that the router is running."""
    ctx = _CURRENT.get()
    if ctx is None:
        _run_router_instead()
    return ctx


def _run_router_instead() -> None:
    """Streamlit's legacy `pages/` mode ran a page file on its own, without app.py: it does so for
    the first request of a fresh server process when that request is for a sub-page (and in AppTest
    for every sub-page run), until some run calls st.navigation. Run the router here instead —
    its st.navigation (public API) ends that mode for the process and runs this same page with its
    context — and stop this outer run, so nothing renders twice."""
    runpy.run_path(str(APP_SCRIPT), run_name="__main__")
    st.stop()
