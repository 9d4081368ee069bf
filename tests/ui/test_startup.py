"""Server start (cwd.ui.startup): `streamlit run app.py` serves app.py's st.App, whose start-up thread
prepares the first page's shared work without importing streamlit-folium (a component imported
outside a script run is never registered: its frame would answer 404)."""
import subprocess
import sys
from pathlib import Path

from streamlit.web.server.app_discovery import discover_asgi_app

ROOT = Path(__file__).resolve().parents[2]


def test_streamlit_run_finds_the_app_with_its_start_up():
    found = discover_asgi_app(ROOT / "app.py")
    assert found.is_asgi_app
    assert found.app_name == "app"


def test_start_up_prepares_the_first_page_without_the_map_component(tmp_path):
    script = (
        "import sys\n"
        "from cwd.ui import startup, loaders, mapview\n"
        "startup.prepare()\n"
        "assert 'streamlit_folium' not in sys.modules, 'streamlit_folium imported at start-up'\n"
        "assert mapview.map_base() is not None\n"
        "print('ok', len(loaders.register().gminy))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "CWD_DATABASE_PATH": str(tmp_path / "cwd.sqlite"), "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.startswith("ok ")
    assert "nie powiodło się" not in out.stderr
