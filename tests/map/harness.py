"""Starting the map harness app (tests/map/harness_app.py) under Streamlit, for the browser test and
bench/map_update.py.

Streamlit serves `static/` beside the main script, and the map's assets are written to the app's
static/ (cwd/ui/assets.py), so the harness runs from a temporary folder holding a two-line launcher
and a `static` link to the project's static/ folder; the project's .streamlit/config.toml applies
(the server runs in the project folder).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import AppServer, start_server  # noqa: E402

HARNESS = HERE / "harness_app.py"


def start_harness(name: str, tmp: Path, extra_env: dict[str, str] | None = None) -> AppServer:
    folder = tmp / f"harness-{name}"
    folder.mkdir(parents=True, exist_ok=True)
    (ROOT / "static").mkdir(exist_ok=True)
    link = folder / "static"
    if not link.exists():
        link.symlink_to(ROOT / "static", target_is_directory=True)
    launcher = folder / "harness.py"
    launcher.write_text(f"import runpy\nrunpy.run_path({str(HARNESS)!r}, run_name='__main__')\n", encoding="utf-8")
    env = {"PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE)])}
    env.update(extra_env or {})
    return start_server(f"map-{name}", folder, env, script=launcher)
