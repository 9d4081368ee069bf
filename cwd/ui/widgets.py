"""Small shared widgets: partnership picker, value labels."""
from __future__ import annotations

import streamlit as st

from cwd.model import Value
from cwd.ui.state import AppState

VALUE_LABELS = {1: "1 – tak", 0: "0 – nie", None: "— brak"}
STATUS_ICONS = {"spełnia": "🟢", "niekompletna": "🟡", "nie spełnia": "🔴"}


def value_label(v: Value) -> str:
    return VALUE_LABELS[v]


def pick_partnership(state: AppState, label: str = "Partnerstwo", key: str = "w_partnerstwo") -> str | None:
    """A partnership picker that follows the `p` query parameter (shareable links)."""
    ids = [r.id for r in state.visible] or [r.id for r in state.results]
    if not ids:
        st.info("Brak partnerstw do pokazania – wczytaj formularze na stronie „Dane” albo zmień filtry.")
        return None
    wanted = st.query_params.get("p")
    if key not in st.session_state or st.session_state[key] not in ids:
        st.session_state[key] = wanted if wanted in ids else ids[0]
    names = {r.id: r.partnership.nazwa for r in state.results}
    pid = st.selectbox(label, ids, key=key,
                       format_func=lambda i: f"{i} – {names[i]} {STATUS_ICONS.get(state.result(i).checklist.status, '')}")
    if st.query_params.get("p") != pid:
        st.query_params["p"] = pid
    return pid
