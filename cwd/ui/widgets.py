"""Small shared widgets: partnership picker, value labels."""
from __future__ import annotations

import streamlit as st

from cwd.model import Value
from cwd.ui.state import AppState

VALUE_LABELS = {1: "1 – tak", 0: "0 – nie", None: "— brak"}
# Streamlit's coloured badges (no emoji: screenshots must not depend on an emoji font).
STATUS_COLORS = {"spełnia": "green", "niekompletna": "orange", "nie spełnia": "red"}
VALUE_COLORS = {1: "#d8f0dc", 0: "#f9d6d5", None: "#ececec"}  # cell backgrounds: 1, 0, missing


def status_badge(status: str) -> str:
    return f":{STATUS_COLORS.get(status, 'gray')}-badge[{status}]"


def reasons(items) -> None:
    """Polish reasons (they quote form text) as an escaped bullet list."""
    from cwd.ui.text import md

    for reason in items:
        st.markdown(f"- {md(reason)}")


def value_label(v: Value) -> str:
    return VALUE_LABELS[v]


def pick_partnership(state: AppState, label: str = "Partnerstwo", key: str = "w_partnerstwo",
                     hidden: bool = False) -> str | None:
    """A partnership picker that follows the `p` query parameter (shareable links)."""
    ids = [r.id for r in state.visible] or [r.id for r in state.results]
    if not ids:
        st.info("Brak partnerstw do pokazania – wczytaj formularze na stronie „Dane” albo zmień filtry.")
        return None
    wanted = st.query_params.get("p")
    if hidden:
        return wanted if wanted in ids else st.session_state.get(key) if st.session_state.get(key) in ids else ids[0]
    if key not in st.session_state or st.session_state[key] not in ids:
        st.session_state[key] = wanted if wanted in ids else ids[0]
    names = {r.id: r.partnership.nazwa for r in state.results}
    pid = st.selectbox(label, ids, key=key,
                       format_func=lambda i: f"{i} – {names[i]} ({state.result(i).checklist.status})")
    if st.query_params.get("p") != pid:
        st.query_params["p"] = pid
    return pid


def criteria_matrix(results):
    """Criteria × partnerships, coloured so 1, 0 and missing differ at a glance (a pandas Styler).

    Each cell: the value that counts, then the declared one and, when recorded, UM's verified one."""
    import pandas as pd

    short = {1: "1", 0: "0", None: "brak"}
    cells, values = {}, {}
    for r in results:
        col = f"{r.id} – {r.partnership.nazwa}"
        cells[col], values[col] = {}, {}
        for k in r.checklist.kryteria:
            row = f"{k.id} {k.nazwa}"
            text = f"{short[k.wartosc]}   (deklaracja: {short[k.deklarowana]}"
            text += f"; UM: {short[k.zweryfikowana]})" if k.zweryfikowana is not None else ")"
            cells[col][row], values[col][row] = text, k.wartosc
    frame, raw = pd.DataFrame(cells), pd.DataFrame(values)
    return frame.style.apply(
        lambda column: [f"background-color: {VALUE_COLORS[None if pd.isna(v) else int(v)]}" for v in raw[column.name]],
        axis=0,
    )


def kept(widget, key: str, default, *args, hidden: bool = False, **kwargs):
    """A page widget whose value survives page switches (Streamlit drops the state of widgets that
    a run does not draw): the value is mirrored in a plain session key and restored from it.
    `hidden` (presentation mode): not drawn, the kept value is used."""
    store = f"_kept_{key}"
    if hidden:
        return st.session_state.get(store, default)
    if key not in st.session_state:
        st.session_state[key] = st.session_state.get(store, default)
    value = widget(*args, key=key, **kwargs)
    st.session_state[store] = value
    return value


def table(frame, column_config: dict, presentation: bool = False, **kwargs) -> None:
    """A data grid normally; in presentation mode a static HTML table (it scales with the large
    presentation font; the grid draws on a canvas) with Polish number formats."""
    if not presentation:
        st.dataframe(frame, hide_index=True, width="stretch", column_config=column_config, **kwargs)
        return
    labels = {c: (cfg if isinstance(cfg, str) else cfg.get("label") or c) for c, cfg in column_config.items()}
    shown = frame[[c for c in frame.columns if c in labels]].rename(columns=labels)
    st.table(shown.style.hide(axis="index").format(_pl_number))


def _pl_number(value) -> str:
    from numbers import Number

    from babel.numbers import format_decimal

    if value is None or (isinstance(value, float) and value != value):
        return "—"
    if isinstance(value, Number) and not isinstance(value, bool):
        return format_decimal(value, locale="pl_PL")  # "53 406", "-6,7", "0,35"
    return str(value)
