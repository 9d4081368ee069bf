"""Showing text from forms as text: Streamlit renders Markdown, so form text is escaped first."""
from __future__ import annotations

import re

# Every character Markdown (CommonMark + GFM) may treat as syntax, plus < and > for raw HTML.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&$:])")


def md(text: object) -> str:
    """Escape user text for st.markdown / st.write / labels: it is shown, never interpreted."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", "  \n")
