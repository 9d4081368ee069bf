"""Rules of the code base checked by reading it (cwd/, pages/, app.py): facts come from their one home
(dates from the register, the criteria count from cwd.criteria, colours from cwd.style), and the app
uses no private Streamlit API and no test doubles.

A violation this task may not fix (the file belongs to another part of the code) is listed in KNOWN
with its reason: the general test skips only that (rule, file) pair, and a strict xfail test checks the
file alone — it starts failing the day the file is fixed, so the entry must then be removed."""
from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

from cwd import style
from cwd.paths import ROOT

SOURCES = (".py", ".js", ".css", ".html")


def app_files() -> list[Path]:
    files = [ROOT / "app.py"]
    for folder in ("cwd", "pages"):
        files += [p for p in sorted((ROOT / folder).rglob("*")) if p.is_file() and p.suffix in SOURCES]
    return [p for p in files if "__pycache__" not in p.parts]


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def code_text(path: Path) -> list[tuple[int, str]]:
    """(line, text) of what the file states, without comments: string literals of Python files,
    the text of JS/CSS with their comments removed."""
    source = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        out = []
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.STRING:
                out.append((tok.start[0], tok.string))
        return out
    without_block = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group().count("\n"), source, flags=re.DOTALL)
    lines = without_block.splitlines()
    if path.suffix == ".js":
        lines = [re.sub(r"(?<![:'\"\\])//.*$", "", line) for line in lines]
    return list(enumerate(lines, 1))


def _hex(value: str) -> str:
    value = value.lower()
    return "#" + "".join(c * 2 for c in value[1:]) if len(value) == 4 else value


PALETTE = {_hex(c) for c in (*style.PARTNERSHIP_PALETTE, *style.OSI_COLORS.values(), *style.STATUS_COLORS.values())}
HEX = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b")


def palette_hex(path: Path) -> list[str]:
    if path == ROOT / "cwd" / "style.py":
        return []
    return [f"{path.name}:{n}: {m.group()}" for n, text in code_text(path) for m in HEX.finditer(text)
            if _hex(m.group()) in PALETTE]


def date_literal(path: Path) -> list[str]:
    """The population reference date comes from the register (Register.pop_now_date), never typed."""
    return [f"{path.name}:{n}" for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if "31.12.2023" in line]


def criteria_count(path: Path) -> list[str]:
    """"x/11": the criteria count comes from cwd.criteria.CRITERIA_COUNT."""
    return [f"{path.name}:{n}: {line.strip()}" for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if re.search(r"(?<![\d/])/11(?!\d)", line)]


def private_api(path: Path) -> list[str]:
    """No private Streamlit API, no patching of Streamlit's pages mode, no test doubles in the app."""
    text = path.read_text(encoding="utf-8")
    found = [f"{path.name}: {word}" for word in ("_component_func", "PagesManager") if word in text]
    if path.suffix == ".py":
        for node in ast.walk(ast.parse(text)):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            bad = [n for n in names if n.startswith(("streamlit.runtime", "unittest.mock"))]
            if bad:  # "from streamlit import runtime" too
                found.append(f"{path.name}:{node.lineno}: import {bad[0]}")
    return found


RULES = {"palette": palette_hex, "date": date_literal, "criteria_count": criteria_count, "private_api": private_api}

KNOWN: dict[tuple[str, str], str] = {}  # (rule, file): why a violation is still there (none now)


def test_the_scan_sees_the_app():
    names = {rel(p) for p in app_files()}
    assert {"app.py", "cwd/style.py", "pages/mapa.py", "cwd/map/static/cwd-map.js", "cwd/map/static/cwd-map.css",
            "cwd/export/pdf.py", "cwd/ui/mapview.py"} <= names


def test_the_checks_catch_what_they_look_for(tmp_path):
    """Each check finds a planted violation (the tests below can fail)."""
    planted = tmp_path / "planted.py"
    planted.write_text(
        'from streamlit.runtime.scriptrunner import get_script_run_ctx\n'
        'import unittest.mock\n'
        'from streamlit import runtime\n'
        f'COLOUR = "{style.PARTNERSHIP_PALETTE[1].lower()}"  # {style.OSI_COLORS["ztm"]} in a comment is fine\n'
        'LINE = f"ludność (31.12.2023): {n}/11"\n'
        'x = component._component_func\n', encoding="utf-8")
    css = tmp_path / "x.css"
    css.write_text("/* #000 */ .a { color: #000; }\n", encoding="utf-8")
    assert len(palette_hex(planted)) == 1 and len(palette_hex(css)) == 1
    assert date_literal(planted) and criteria_count(planted)
    assert len(private_api(planted)) == 4


@pytest.mark.parametrize("rule", list(RULES))
def test_rule_holds_in_the_app(rule):
    check = RULES[rule]
    found = [hit for path in app_files() if (rule, rel(path)) not in KNOWN for hit in check(path)]
    assert not found, "\n".join(found)
