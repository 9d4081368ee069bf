"""Every st.session_state key and query parameter of the app, in one place.

Widget keys of the shared sidebar live in the entrypoint run, so they survive page switches; page
widgets that must survive a switch are "kept" (mirrored under `kept(key)`, see widgets.kept).
A page reads another page's choice only through cwd.ui.selection, never through these keys.
"""
from __future__ import annotations

# --- sidebar (app.py's run) ---------------------------------------------------------------------
NABOR = "w_nabor"
SOURCE = "w_zrodlo"
THRESHOLD = "w_prog"
REF_DATE = "w_data"
AREA_MODE = "w_obszar"
ROUTE = "w_trasa"
POWIATS = "w_powiaty"
STATUSES = "w_statusy"
PRESENTATION = "w_prezentacja"
BASEMAP = "w_podklad"
SEEDED = "_seeded"  # the shared link's parameters were taken into the widgets (once per session)

# Query parameters mirrored from the sidebar (widget key → parameter).
SIDEBAR_QUERY = {
    THRESHOLD: "prog", REF_DATE: "data", AREA_MODE: "obszar", ROUTE: "trasa", POWIATS: "powiat",
    STATUSES: "status", PRESENTATION: "prezentacja", BASEMAP: "podklad",
}
Q_NABOR = "nabor"
Q_PARTNERSHIP = "p"
Q_COMPARE = "porownaj"
Q_PRESENTATION = "prezentacja"

# --- uploads of the current session (Dane) ------------------------------------------------------
FORMS_UPLOAD = "forms_upload"  # (file name, bytes, sha256)
ZTM_UPLOAD = "ztm_upload"
SWITCH_TO_UPLOAD = "_switch_to_upload"  # set by Dane: show the uploaded forms from the next run on
FORMS_UPLOADER_GENERATION = "u_forms_n"  # bumped to give a fresh, empty uploader
ZTM_UPLOADER_GENERATION = "u_ztm_n"

# --- selection shared by the pages (cwd.ui.selection) ---------------------------------------------
PARTNERSHIP = "w_partnerstwo"  # the picker widget on Ocena
SELECTED = "_partnerstwo"  # the selected partnership of every page (cwd.ui.selection)
COMPARISON = "w_porownanie"
PICKS = "w_wybrane"
SIGNED_IN = "_identity"  # cwd.auth.Identity of the signed-in person (local accounts)

# --- page widgets ---------------------------------------------------------------------------------
MSTFSG = "w_mstfsg"
MAP = "mapa_glowna"
SEARCH = "w_szukaj"


def kept(key: str) -> str:
    """Where a page widget's value is mirrored so that it survives page switches."""
    return f"_kept_{key}"


def weight(tie_breaker: str) -> str:
    return f"w_waga_{tie_breaker}"


def sensitivity(name: str) -> str:
    return f"w_sens_{name}"


def justification(pid: str) -> str:
    return f"w_uzas_{pid}"


def override(pid: str) -> str:
    return f"w_nadpis_{pid}"


def assessment(pid: str, criterion: str, part: str) -> str:
    """A widget of the assessment form: part "v" (verified value) or "k" (comment)."""
    return f"oc_{pid}_{criterion}_{part}"


def assessment_state(pid: str, what: str) -> str:
    """Per-partnership state of the assessment form (base version, flash message, reload flag)."""
    return f"oc_{what}_{pid}"


def mini_map(pid: str) -> str:
    return f"mini_{pid}"
