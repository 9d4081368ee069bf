"""Helpers for the real-browser tests (tests/browser/, tests/map/, bench/): the app server, its
database with a sign-in account and a nabór of hostile forms, Chromium, waiting, what a page shows.

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
# Partnership names a form may carry that would do something if a page interpreted them (HTML, Markdown,
# math, autolinks, a spreadsheet formula): each must be shown exactly as typed, and do nothing.
HOSTILE_NAMES = {
    "P01": XSS_NAME,
    "P02": "![p](http://evil.example/p.png)",
    "P03": "$x^2$",
    "P04": "[link](http://evil.example)",
    "P05": "http://evil.example/auto",
    "P06": "**gruby**",
    "P07": FORMULA_NAME,
}
# The "pomysł" (idea) of those partnerships: all of them in one text.
HOSTILE_IDEA = "Pomysł: " + " ".join(HOSTILE_NAMES[p] for p in ("P01", "P02", "P03", "P04", "P05", "P06"))
EVIL_HOST = "evil.example"
SIZES = [(1280, 720), (1440, 900), (1920, 1080)]


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
def hostile_forms_csv(source: Path, names: dict[str, str], ideas: dict[str, str] | None = None) -> str:
    """The example forms with `nazwa` (and `pomysl`, for the ids in `ideas`) of the given partnership
    ids replaced (CSV, ';', quoted as needed)."""
    text = source.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    header, body = rows[0], rows[1:]
    i_id, i_name, i_idea = header.index("id"), header.index("nazwa"), header.index("pomysl")
    ideas = ideas or {}
    missing = (set(names) | set(ideas)) - {r[i_id] for r in body}
    if missing:
        raise ValueError(f"no such partnerships in {source.name}: {sorted(missing)}")
    for r in body:
        if r and r[i_id] in names:
            r[i_name] = names[r[i_id]]
        if r and r[i_id] in ideas:
            r[i_idea] = ideas[r[i_id]]
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";", lineterminator="\n").writerows([header, *body])
    return out.getvalue()


@dataclass(frozen=True)
class Account:
    login: str
    password: str
    name: str


def cli(database: Path, *args: str, stdin: str | None = None) -> str:
    """`python -m cwd ARGS` on the SQLite database `database` (its output; raises when it fails)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CWD_")}
    env.update({"CWD_DATABASE_PATH": str(database), "PYTHONUNBUFFERED": "1"})
    done = subprocess.run([sys.executable, "-m", "cwd", *args], cwd=ROOT, env=env, input=stdin, text=True,
                          capture_output=True, timeout=180, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"python -m cwd {' '.join(args)} failed ({done.returncode}):\n"
                           f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def prepare_hostile_database(tmp: Path, nabor_id: str, nabor_name: str, account: Account,
                             forms_csv: str) -> Path:
    """A database in `tmp` (create it before the server starts) with one approver account and one
    nabór holding `forms_csv`, made with the operator's own commands (python -m cwd users/nabory)."""
    tmp.mkdir(parents=True, exist_ok=True)
    database = tmp / "cwd.sqlite"
    forms = tmp / "formularze_wrogie.csv"
    forms.write_text(forms_csv, encoding="utf-8")
    cli(database, "users", "add", account.login, "--name", account.name, "--rola", "zatwierdzajacy", "--admin",
        "--haslo-z-stdin", stdin=account.password + "\n")
    cli(database, "nabory", "create", nabor_name, "--id", nabor_id, "--termin-formularzy", "2020-09-22",
        "--decyzja-um", "2020-09-29", "--ogloszenie-mfipr", "2020-10-13")
    cli(database, "nabory", "forms", nabor_id, str(forms))
    return database


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


IDLE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-testid="stSkeleton"]');
}"""


def wait_for_app(page, title: str | None, timeout: float = 90_000, quiet_ms: int = 0) -> None:
    """Until the script has finished a run (and the page title, when given, is shown). With
    `quiet_ms`, until it has stayed idle that long: a run that ends in st.rerun() (sign-in, a new
    nabór) shows "not running" for a moment before the next run starts, and a click in that gap
    can land on an element the next run replaces."""
    app = page.locator('[data-testid="stApp"]')
    app.wait_for(state="attached", timeout=timeout)
    if title is not None:
        page.locator("h1").filter(has_text=title).first.wait_for(state="visible", timeout=timeout)
    page.wait_for_function(IDLE_JS, timeout=timeout)
    if quiet_ms:
        page.wait_for_timeout(quiet_ms)
        page.wait_for_function(IDLE_JS, timeout=timeout)


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


# --- the pages of the dashboard (tests/browser) --------------------------------------------------
N_GMINY = 118  # gminas of the Podlaskie voivodeship
APP_ERROR = "nieoczekiwany błąd"  # cwd.ui.chrome.guarded(): an exception caught by the app
PAGE_TIMEOUT = 90_000  # ms; the first map of a cold server is built on request
MAP_IFRAME = "iframe[title*='streamlit_folium']"


def page_name(path: str) -> str:
    return path.strip("/").split("?")[0] or "mapa"


def require_browser() -> None:
    """Call at the top of a browser test module: skip it when Chromium or Playwright is missing,
    unless CWD_REQUIRE_BROWSER=1 (CI), where that fails the run."""
    import importlib.util

    import pytest

    missing = [what for what, ok in (
        (str(CHROMIUM), CHROMIUM.exists()),
        ("the playwright Python package", importlib.util.find_spec("playwright") is not None),
    ) if not ok]
    if missing:
        if os.environ.get("CWD_REQUIRE_BROWSER") == "1":
            pytest.fail(f"CWD_REQUIRE_BROWSER=1 but {' and '.join(missing)} is missing", pytrace=False)
        pytest.skip(f"browser tests need {' and '.join(missing)}", allow_module_level=True)


def log_size(server: AppServer) -> int:
    try:
        return server.log_path.stat().st_size
    except OSError:
        return 0


def open_page(page, server: AppServer, path: str, title: str | None, query: str = "") -> None:
    """Load `path` + `query` (a new Streamlit session) and wait for the finished run."""
    page.goto(server.url + path + query)
    wait_until_shown(page, server, title)


def wait_until_shown(page, server: AppServer, title: str | None) -> None:
    try:
        wait_for_app(page, title, timeout=PAGE_TIMEOUT)
    except Exception as exc:
        if server.process.poll() is not None:  # say so when the server is gone, not just "timeout"
            raise AssertionError(f"the app server exited ({server.process.returncode}):\n"
                                 f"{server.log_tail()}") from exc
        raise


def sign_in(page, server: AppServer, account: Account, title: str | None) -> None:
    """Through the page's own "Logowanie" form (the page asked for opens afterwards)."""
    wait_until_shown(page, server, "Logowanie")
    page.get_by_label("Login", exact=True).fill(account.login)
    page.get_by_label("Hasło", exact=True).fill(account.password)
    page.get_by_role("button", name="Zaloguj się", exact=True).click()
    page.locator("h1").filter(has_text="Logowanie").wait_for(state="detached", timeout=PAGE_TIMEOUT)
    wait_until_shown(page, server, title)


def go_by_sidebar(page, server: AppServer, label: str, title: str) -> None:
    """Open another page through the router's sidebar link (the same Streamlit session)."""
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text=label).first.click()
    page.locator("h1").filter(has_text=title).first.wait_for(state="visible", timeout=PAGE_TIMEOUT)
    wait_until_shown(page, server, title)


def server_log_since(server: AppServer, start: int) -> str:
    try:
        with open(server.log_path, "rb") as f:
            f.seek(start)
            return f.read().decode("utf-8", errors="replace")
    except OSError:
        return ""


def assert_no_errors(page, server: AppServer, log_start: int, where: str = "") -> None:
    """No Streamlit exception box, no traceback text, no error caught by the app, nothing in the log."""
    assert page.locator('[data-testid="stException"]').count() == 0, f"{where}: Streamlit shows an exception"
    text = page.evaluate("() => document.body.innerText")
    assert "Traceback" not in text, f"{where}: traceback text on the page"
    assert APP_ERROR not in text.lower(), f"{where}: the app caught an unexpected error (see the server log)"
    new_log = server_log_since(server, log_start)
    assert "Traceback" not in new_log, f"{where}: {new_log[-3000:]}"


def full_screenshot(page, name: str) -> Path:
    """The whole page: Streamlit scrolls inside its main section, so the viewport is grown to the
    content first (and restored)."""
    size = page.viewport_size
    height = page.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMain"]');
        const side = document.querySelector('[data-testid="stSidebarContent"]');
        return Math.max(main ? main.scrollHeight : 0, side ? side.scrollHeight : 0, window.innerHeight);
    }""")
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 12_000)})
    try:
        page.wait_for_timeout(700)  # let the grown layout (charts, map iframe) repaint
        return screenshot(page, name)
    finally:
        page.set_viewport_size(size)


def view_screenshot(page, name: str) -> Path:
    """What the screen shows, as it is (no scrolling, no growing)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def live_frames(page) -> list:
    return [f for f in page.frames if not f.is_detached()]


# Runs in every frame: what a hostile text could have created. Relative URLs are resolved against the
# frame's own address (an `<img src=x>` resolves to the local server, so it is also reported by name).
SAFETY_JS = """(evil) => {
    const local = u => ['127.0.0.1', 'localhost'].includes(u.hostname);
    const out = {images: [], imgX: 0, links: [], katex: 0};
    for (const e of document.querySelectorAll('img, image, source, picture, video, audio, embed, object')) {
        const raw = e.getAttribute('src') ?? e.getAttribute('href') ?? e.getAttribute('xlink:href')
                 ?? e.getAttribute('data') ?? e.getAttribute('srcset') ?? '';
        if (raw === 'x') out.imgX += 1;
        if (!raw) continue;
        let url = null;
        try { url = new URL(raw, document.baseURI); } catch (err) { url = null; }
        if (!url || !(url.protocol === 'data:' || url.protocol === 'blob:' || local(url)))
            out.images.push(e.tagName + ' ' + raw.slice(0, 120));
    }
    for (const a of document.querySelectorAll('a, area')) {
        const href = a.getAttribute('href') || a.getAttribute('xlink:href') || '';
        if (href.includes(evil)) out.links.push(href.slice(0, 120));
    }
    out.katex = document.querySelectorAll('.katex, .katex-display, math').length;
    return out;
}"""


def assert_nothing_created(page, recorder: Recorder, where: str) -> None:
    """No image from outside, no link to the evil host, no math (the app renders none of its own), no
    dialog, no request leaving the machine — in the page and in every frame of it."""
    for frame in live_frames(page):
        found = frame.evaluate(SAFETY_JS, EVIL_HOST)
        label = f"{where} ({frame.url[:80]})"
        assert found["imgX"] == 0, f"{label}: an <img src=x> was created"
        assert found["images"] == [], f"{label}: images from outside: {found['images']}"
        assert found["links"] == [], f"{label}: links to {EVIL_HOST}: {found['links']}"
        assert found["katex"] == 0, f"{label}: {found['katex']} math element(s) rendered"
    assert recorder.dialogs == [], f"{where}: a dialog was opened: {recorder.dialogs}"
    assert recorder.external == [], f"{where}: requests to non-local hosts: {recorder.external}"


WORD_JOINER = "\u2060"  # cwd.ui.text.md puts this zero-width, invisible character into URLs and e-mails


def as_seen(text: str) -> str:
    """Rendered text as a reader sees it: without the invisible word joiners that keep Markdown from
    turning a URL in a name into a link (cwd.ui.text.md)."""
    return text.replace(WORD_JOINER, "")


def visible_text(locator) -> str:
    """innerText of the first matching element (what is rendered; hidden elements add nothing), as seen."""
    locator.first.wait_for(state="visible", timeout=PAGE_TIMEOUT)
    return as_seen(locator.first.inner_text())


def wait_map_settled(page, frame, polls: int = 3) -> None:
    """Until the map's view stops changing (it refits once its frame is sized, and after an update)."""
    frame.wait_for_function("() => window.cwdMap && window.cwdMap.stats.updates >= 1"
                            " && window.cwdMap.stats.lastDrawn >= window.cwdMap.stats.lastUpdate",
                            timeout=PAGE_TIMEOUT)
    last, same = None, 0
    for _ in range(60):
        view = frame.evaluate("() => JSON.stringify([window.map.getZoom(), window.map.getCenter(), "
                              "window.map.getSize(), [...document.querySelectorAll('.cwd-label-box')]"
                              ".map(e => e.getBoundingClientRect())])")
        same = same + 1 if view == last else 0
        if same >= polls:
            return
        last = view
        page.wait_for_timeout(200)


def hover_area(page, frame, pid: str, name: str) -> bool:
    """Move the real mouse along the outline of partnership `pid` (an area takes the mouse on its
    outline only; where another area's outline or a town is on top, the next vertex is tried)
    until the area's own tooltip opens; True when it did (the mouse stays there)."""
    iframe = page.locator(MAP_IFRAME).first
    iframe.scroll_into_view_if_needed()
    wait_map_settled(page, frame)
    box = iframe.bounding_box()
    n = frame.evaluate("""(pid) => {
        window.__cwdTestVertices = [];
        window.map.eachLayer(layer => {
            const p = layer.feature && layer.feature.properties;
            if (!p || p.partnerstwo_id !== pid || !layer.getLatLngs) return;
            const flat = (ll) => Array.isArray(ll) ? ll.flatMap(flat) : [ll];
            window.__cwdTestVertices.push(...flat(layer.getLatLngs()));
        });
        return window.__cwdTestVertices.length;
    }""", pid)
    viewport = page.viewport_size
    tooltip = frame.locator(".leaflet-tooltip")
    for i in range(0, n, max(1, n // 120)):
        x, y = frame.evaluate("""(i) => {
            const rect = window.map.getContainer().getBoundingClientRect();
            const c = window.map.latLngToContainerPoint(window.__cwdTestVertices[i]);
            return [rect.left + c.x, rect.top + c.y];
        }""", i)
        px, py = box["x"] + x, box["y"] + y
        if not (0 < px < viewport["width"] and 0 < py < viewport["height"]):
            continue
        page.mouse.move(px, py)
        page.wait_for_timeout(80)
        if tooltip.count() and name in tooltip.first.inner_text():
            return True
    return False


# Runs in the map frame: each partnership outline's stroke colour as drawn (the SVG path of the
# outline layer, found through its Leaflet feature: properties.partnerstwo_id).
OUTLINE_STROKES_JS = """() => {
    const out = {};
    window.map.eachLayer(layer => {
        const p = layer.feature && layer.feature.properties;
        if (!p || !p.partnerstwo_id || !layer._path || !document.contains(layer._path)) return;
        if (!layer._path.classList.contains('cwd-outline')) return;
        out[p.partnerstwo_id] = layer._path.getAttribute('stroke');
    });
    return out;
}"""
