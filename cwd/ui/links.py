"""Links between pages that carry the shared selection (`?p=…`, `?porownaj=…`) and the sidebar's
query parameters, so a link opens the same view on another page."""
from __future__ import annotations

import streamlit as st

from cwd.ui import keys

PAGE_FILES = {"mapa": "pages/mapa.py", "kandydaci": "pages/kandydaci.py", "ocena": "pages/ocena.py",
              "wybor": "pages/wybor.py", "dane": "pages/dane.py"}


def params(**changes: str | None) -> dict[str, str]:
    """The current query parameters with `changes` applied (None removes one)."""
    out = st.query_params.to_dict()
    for name, value in changes.items():
        if value is None:
            out.pop(name, None)
        else:
            out[name] = value
    return out


def selected_actions(ctx, pid: str) -> None:
    """"Pokaż na mapie · Oceń → · Porównaj →" for the selected partnership."""
    r = ctx.evaluation.result(pid)
    if r is None:
        return
    compared = ctx.selection.comparison()
    compare = ",".join(dict.fromkeys([*compared, pid])) if pid not in compared else ",".join(compared)
    st.markdown(f"**Wybrane partnerstwo:** {pid}")
    cols = st.columns(3)
    cols[0].page_link(PAGE_FILES["mapa"], label="Pokaż na mapie", icon=":material/map:",
                      query_params=params(**{keys.Q_PARTNERSHIP: pid}))
    cols[1].page_link(PAGE_FILES["ocena"], label="Oceń →", icon=":material/checklist:",
                      query_params=params(**{keys.Q_PARTNERSHIP: pid}))
    cols[2].page_link(PAGE_FILES["kandydaci"], label="Porównaj →", icon=":material/compare_arrows:",
                      query_params=params(**{keys.Q_PARTNERSHIP: pid, keys.Q_COMPARE: compare}))
