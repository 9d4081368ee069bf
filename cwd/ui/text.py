"""Showing text from forms as text: Streamlit renders Markdown, so form text is escaped first."""
from __future__ import annotations

import re

# Every character Markdown (CommonMark + GFM) may treat as syntax, plus < and > for raw HTML.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&$:])")

# GFM turns bare URLs and e-mail addresses into links ("autolink literals"), and Streamlit's renderer
# finds them in the text *after* the escapes are resolved, so escaping alone keeps
# "http://evil.example" a clickable link. A WORD JOINER (U+2060: zero width, invisible, no line
# break) inside "http:", "www." and before "@" keeps GFM from seeing one; the text looks as typed.
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(https?|mailto|xmpp)(?=:)|(www)(?=\.)|(?=@)")


def md(text: object) -> str:
    """Escape user text for st.markdown / st.write / labels: it is shown, never interpreted (nor
    linked)."""
    text = _AUTOLINK.sub(lambda m: (m.group(1) or m.group(2) or "") + WORD_JOINER, str(text))
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")
