"""Small shared widgets: partnership picker, status badges, the criteria matrix, kept widgets, tables."""
from __future__ import annotations

import streamlit as st

from cwd.model import Value
from cwd.style import STATUS_BADGE, STATUS_SYMBOLS, VALUE_COLORS, VALUE_LABELS, VALUE_SHORT
from cwd.ui import keys
from cwd.ui.text import md


def status_badge(status: str) -> str:
    """Streamlit's coloured badge with the status symbol (no emoji: screenshots must not depend on an
    emoji font; not colour alone)."""
    return f":{STATUS_BADGE.get(status, 'gray')}-badge[{STATUS_SYMBOLS.get(status, '')} {status}]"


def reasons(items) -> None:
    """Polish reasons (they quote form text) as an escaped bullet list."""
    for reason in items:
        st.markdown(f"- {md(reason)}")


def value_label(v: Value) -> str:
    return VALUE_LABELS[v]


def pick_partnership(ctx, label: str = "Partnerstwo", hidden: bool = False) -> str | None:
    """A partnership picker bound to the shared selection (`?p=` in the URL)."""
    ids = ctx.visible_ids or ctx.evaluation.ids
    if not ids:
        st.info("Brak partnerstw do pokazania – wczytaj formularze na stronie „Dane” albo zmień filtry.")
        return None
    current = ctx.selection.partnership()
    if current not in ids:
        current = ids[0]
    if hidden:
        return current
    if st.session_state.get(keys.PARTNERSHIP) not in ids or st.session_state.get(keys.PARTNERSHIP) != current:
        st.session_state[keys.PARTNERSHIP] = current
    names = {r.id: r.partnership.nazwa for r in ctx.evaluation.results}
    status = {r.id: r.checklist.status for r in ctx.evaluation.results}
    pid = st.selectbox(label, ids, key=keys.PARTNERSHIP, format_func=lambda i: f"{i} – {names[i]} ({status[i]})",
                       # the person's pick becomes the shared selection before the rerun reads it back
                       on_change=lambda: ctx.selection.set_partnership(st.session_state[keys.PARTNERSHIP]))
    ctx.selection.set_partnership(pid)
    return pid


def criteria_matrix(results):
    """Criteria × partnerships, coloured so 1, 0 and missing differ at a glance (a pandas Styler).

    Each cell: the value that counts, then the declared one and, when recorded, UM's verified one."""
    import pandas as pd

    cells, values = {}, {}
    for r in results:
        col = f"{r.id} – {r.partnership.nazwa}"
        cells[col], values[col] = {}, {}
        for k in r.checklist.kryteria:
            row = f"{k.id} {k.nazwa}"
            text = f"{VALUE_SHORT[k.wartosc]}   (deklaracja: {VALUE_SHORT[k.deklarowana]}"
            text += f"; UM: {VALUE_SHORT[k.zweryfikowana]})" if k.zweryfikowana is not None else ")"
            cells[col][row], values[col][row] = text, k.wartosc
    frame, raw = pd.DataFrame(cells), pd.DataFrame(values)
    return frame.style.apply(
        lambda column: [f"background-color: {VALUE_COLORS[None if pd.isna(v) else int(v)]}" for v in raw[column.name]],
        axis=0,
    )


def kept(widget, key: str, default, *args, hidden: bool = False, **kwargs):
    """A page widget whose value survives page switches (Streamlit drops the state of widgets that
    a run does not draw): the value is mirrored under keys.kept(key) and restored from it.
    `hidden` (presentation mode): not drawn, the kept value is used."""
    store = keys.kept(key)
    if hidden:
        return st.session_state.get(store, default)
    if key not in st.session_state:
        st.session_state[key] = st.session_state.get(store, default)
    value = widget(*args, key=key, **kwargs)
    st.session_state[store] = value
    return value


def table(frame, column_config: dict, presentation: bool = False, **kwargs):
    """A data grid normally; in presentation mode a static HTML table (it scales with the large
    presentation font; the grid draws on a canvas) with Polish number formats. Returns the grid's
    selection event when `on_select` is given."""
    if not presentation:
        return st.dataframe(frame, hide_index=True, width="stretch", column_config=column_config, **kwargs)
    labels = {c: (cfg if isinstance(cfg, str) else cfg.get("label") or c) for c, cfg in column_config.items()}
    shown = frame[[c for c in frame.columns if c in labels]].rename(columns=labels)
    st.table(shown.style.hide(axis="index").format(_pl_number))
    return None


def _pl_number(value) -> str:
    from numbers import Number

    from cwd.fmt import UNKNOWN, fmt_num

    if value is None or (isinstance(value, float) and value != value):
        return UNKNOWN
    if isinstance(value, Number) and not isinstance(value, bool):
        return fmt_num(value, 0) if float(value).is_integer() else fmt_num(value, 1)
    return md(value)  # st.table renders Markdown: user text stays text
