"""Helpers for the real-browser tests (tests/test_browser.py): the app server, Chromium, waiting.

Chromium is Debian's (/usr/bin/chromium) driven by Playwright's Python client; Playwright's own
browser download is not reachable. Every non-local host name fails to resolve in the browser
(--host-resolver-rules), so the tests prove the dashboard works with no internet. Requests are not
intercepted with page.route(): with interception Streamlit's lazily loaded widget chunks never render.
"""
from __future__ import annotations

import csv
import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
LOGS = ROOT / "artifacts" / "browser-logs"  # the servers' output, kept for a failed CI run
LOCAL_HOSTS = {"127.0.0.1", "localhost"}

CHROMIUM_ARGS = [
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# (url path, Polish title shown in normal mode)
PAGES = [
    ("/", "Mapa OSI i partnerstw"),
    ("/kandydaci", "Kandydaci"),
    ("/ocena", "Ocena – lista sprawdzająca"),
    ("/wybor", "Wybór partnerstw"),
    ("/dane", "Dane"),
]

XSS_NAME = "<img src=x onerror=alert(1)>"
FORMULA_NAME = '=HYPERLINK("http://x";"klik")'


# --- the app server ----------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class AppServer:
    name: str
    port: int
    process: subprocess.Popen
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)  # its own process group (start_new_session)
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass


def start_server(name: str, tmp: Path, extra_env: dict[str, str] | None = None,
                 script: str | Path = "app.py") -> AppServer:
    """Start `streamlit run app.py` (or another `script`) on a free local port (does not wait for
    it); its database is in `tmp`, its output in artifacts/browser-logs/streamlit-<name>.log."""
    tmp.mkdir(parents=True, exist_ok=True)
    LOGS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CWD_")}
    env.update({
        "CWD_DATABASE_PATH": str(tmp / "cwd.sqlite"),
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra_env or {})
    log_path = LOGS / f"streamlit-{name}.log"
    log = open(log_path, "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    log.close()
    return AppServer(name, port, process, log_path)


def wait_healthy(server: AppServer, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"Streamlit ({server.name}) exited with {server.process.returncode}:\n"
                               f"{server.log_tail()}")
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as r:
                if r.status == 200 and r.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"Streamlit ({server.name}) did not answer in {timeout:.0f} s:\n{server.log_tail()}")


# --- forms with hostile partnership names ------------------------------------------------------
def hostile_forms_csv(source: Path, names: dict[str, str]) -> str:
    """The example forms with `nazwa` of the given partnership ids replaced (CSV, ';', quoted as needed)."""
    text = source.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    header, body = rows[0], rows[1:]
    i_id, i_name = header.index("id"), header.index("nazwa")
    missing = set(names) - {r[i_id] for r in body}
    if missing:
        raise ValueError(f"no such partnerships in {source.name}: {sorted(missing)}")
    for r in body:
        if r and r[i_id] in names:
            r[i_name] = names[r[i_id]]
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";", lineterminator="\n").writerows([header, *body])
    return out.getvalue()


# --- the browser -------------------------------------------------------------------------------
def is_external(url: str) -> bool:
    """A request that leaves the machine (data:, blob:, about: never do)."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https", "ws", "wss"):
        return False
    return parsed.hostname not in LOCAL_HOSTS


@dataclass
class Recorder:
    """Every request (and websocket) made by the pages of a browser context, and any dialogs."""
    urls: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def attach(self, context) -> None:
        context.on("request", lambda req: self.urls.append(req.url))
        context.on("page", self.attach_page)

    def attach_page(self, page) -> None:
        page.on("request", lambda req: self.urls.append(req.url))
        page.on("websocket", lambda ws: self.urls.append(ws.url))

        def on_dialog(dialog):
            self.dialogs.append(f"{dialog.type}: {dialog.message}")
            try:
                dialog.dismiss()
            except Exception:  # the page may be gone already
                pass

        page.on("dialog", on_dialog)

    @property
    def external(self) -> list[str]:
        return sorted({u for u in self.urls if is_external(u)})


def wait_for_app(page, title: str | None, timeout: float = 90_000) -> None:
    """Until the script has finished a run (and the page title, when given, is shown)."""
    app = page.locator('[data-testid="stApp"]')
    app.wait_for(state="attached", timeout=timeout)
    if title is not None:
        page.locator("h1").filter(has_text=title).first.wait_for(state="visible", timeout=timeout)
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.getAttribute('data-test-script-state') === 'notRunning'
                && !document.querySelector('[data-testid="stSkeleton"]');
        }""",
        timeout=timeout,
    )


def map_frame(page, timeout: float = 90_000):
    """The streamlit-folium iframe's Frame once Leaflet has drawn its vector paths."""
    handle = page.wait_for_selector("iframe[title*='streamlit_folium']", state="attached", timeout=timeout)
    frame = handle.content_frame()
    assert frame is not None, "the map iframe has no content frame"
    frame.wait_for_selector("path.leaflet-interactive", state="attached", timeout=timeout)
    return frame


# Runs inside the map iframe: what Leaflet has actually drawn (layers on window.map, streamlit-folium's
# L.Map), counted by feature properties; a feature counts only if its SVG path is in the document.
MAP_SUMMARY_JS = """() => {
    const out = {leaflet: typeof window.L !== 'undefined', leafletVersion: window.L ? L.version : null,
                 hasMap: !!(window.map && window.L && window.map instanceof L.Map),
                 gminy: [], partnerstwa: [], areaNames: []};
    if (!out.hasMap) return out;
    const gminy = new Set(), areas = new Set();
    window.map.eachLayer(layer => {
        const f = layer.feature;
        if (!f || !f.properties || !f.geometry) return;
        const drawn = !!(layer._path && document.contains(layer._path));
        const polygon = /Polygon$/.test(f.geometry.type);
        const p = f.properties;
        if (polygon && drawn && /^[0-9]{7}$/.test(String(p.teryt ?? ''))) gminy.add(String(p.teryt));
        if (polygon && drawn && p.partnerstwo_id) {
            areas.add(String(p.partnerstwo_id));
            out.areaNames.push(String(p.nazwa));
        }
    });
    out.gminy = [...gminy].sort();
    out.partnerstwa = [...areas].sort();
    return out;
}"""


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
