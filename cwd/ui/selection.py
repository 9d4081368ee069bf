"""The selection the pages share: the current partnership, the comparison, the ≤ 3 picks.

One partnership selected anywhere (a map click, a table row, the search box, a link) is the
selected one on every page; the partnership and the comparison are in the URL (`?p=P01`,
`?porownaj=P01,P03`), so a copied link reproduces them. Only this module touches their keys.
"""
from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from cwd.selection import MAX_SELECTED
from cwd.ui import keys

MAX_COMPARED = 5


class Selection:
    """A view over this session's selection, restricted to the ids of the current call."""

    def __init__(self, ids: Sequence[str]):
        self.ids = list(ids)
        self._known = set(self.ids)

    # -- the current partnership --
    def partnership(self) -> str | None:
        wanted = st.query_params.get(keys.Q_PARTNERSHIP)
        if wanted in self._known:
            return wanted
        pid = st.session_state.get(keys.SELECTED)
        return pid if pid in self._known else None

    def keep_in_url(self) -> None:
        """Write the selected partnership back into the address: a switch through the sidebar's links
        starts the next page without the previous page's query, and a copied address must still open
        the same partnership."""
        pid = self.partnership()
        if pid is not None and st.query_params.get(keys.Q_PARTNERSHIP) != pid:
            st.query_params[keys.Q_PARTNERSHIP] = pid

    def set_partnership(self, pid: str | None) -> None:
        if pid is not None and pid not in self._known:
            return
        st.session_state[keys.SELECTED] = pid
        if pid is None:
            st.query_params.pop(keys.Q_PARTNERSHIP, None)
        elif st.query_params.get(keys.Q_PARTNERSHIP) != pid:
            st.query_params[keys.Q_PARTNERSHIP] = pid

    # -- the comparison (Kandydaci) --
    def comparison(self, default: Sequence[str] = ()) -> list[str]:
        raw = st.query_params.get(keys.Q_COMPARE)
        if raw is not None:
            wanted = [p.strip() for p in raw.split(",")]
        else:
            wanted = st.session_state.get(keys.kept(keys.COMPARISON), list(default))
        return list(dict.fromkeys(p for p in wanted if p in self._known))[:MAX_COMPARED]

    def set_comparison(self, ids: Sequence[str]) -> None:
        ids = [p for p in dict.fromkeys(ids) if p in self._known][:MAX_COMPARED]
        st.session_state[keys.kept(keys.COMPARISON)] = ids
        value = ",".join(ids)
        if st.query_params.get(keys.Q_COMPARE) != value:
            if value:
                st.query_params[keys.Q_COMPARE] = value
            else:
                st.query_params.pop(keys.Q_COMPARE, None)

    # -- the picks of the decision (Wybór) --
    def picks(self) -> list[str]:
        return [p for p in st.session_state.get(keys.kept(keys.PICKS), []) if p in self._known][:MAX_SELECTED]
