import re

import pytest

from cwd.ui.text import md

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "[klik](javascript:alert(1))",
    "![x](http://example.invalid/a.png)",
    "**pogrubienie** _kursywa_ `kod` # nagłówek",
    '=HYPERLINK("http://x";"klik")',
    "a & b &lt; c",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_every_markdown_special_character_is_escaped(text):
    out = md(text)
    # no special character stands without a backslash before it
    assert not re.search(r"(?<!\\)[<>\[\]!*_`#&()]", out)
    # removing the escapes gives the original text back
    assert re.sub(r"\\(.)", r"\1", out) == text


def test_plain_polish_text_is_unchanged():
    assert md("Wiele gmin – jeden cel Łomża") == "Wiele gmin – jeden cel Łomża"
