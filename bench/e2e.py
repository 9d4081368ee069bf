"""What a person feels, measured end to end in headless Chromium (offline), beside a naive peer.

    python bench/e2e.py [--runs 5] [--json] [--no-peer]

Five figures, each the median of --runs alternating runs (ours, peer, ours, …) so that a noisy
machine affects both alike:

1. start the server, open the app → gminas drawn (cold)
2. open the app again in a new tab of a warm server → gminas drawn (and the same in a browser with
   an empty cache: a new profile)
3. choose a status filter in the sidebar → map redrawn
4. Mapa → Kandydaci → page shown (ours only: the peer has one page)
5. click a gmina → details panel updated (ours only)

"Gminas drawn": the map frame holds an SVG path per gmina. "Map redrawn": our map counted a new
in-place update (window.cwdMap.stats.updates), or — the peer — a new map document was drawn. Every
non-local host is unresolvable in the browser (tests/browser_support.CHROMIUM_ARGS). The peer is
bench/naive_app.py (GeoDataFrame.explore() on every rerun, same rules and data).

Budgets (issue 10): filter → map ≤ 250 ms; click → details ≤ 300 ms; warm open ≤ 1.5 s; server
start → first map ≤ 3.0 s. Timed here, never in tests.
"""
from __future__ import annotations

import argparse
import json
import re
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import CHROMIUM, CHROMIUM_ARGS, LOGS, AppServer, free_port, wait_healthy  # noqa: E402

sys.path.insert(0, str(ROOT))
from cwd.style import status_label  # noqa: E402

BUDGETS = {"cold_open_s": 3.0, "warm_open_s": 1.5, "filter_s": 0.25, "page_switch_s": None, "click_s": 0.30}
N_GMINY = 118
TIMEOUT_MS = 120_000
STATUS_LABEL = "Status listy sprawdzającej"
FILTER_OPTIONS = ("nie spełnia", "spełnia", "niekompletna")
SETTLE_MS = 600

PATHS_JS = """() => document.querySelectorAll('path.leaflet-interactive').length"""
MARK_JS = """() => { window.__benchMark = 1; return (window.cwdMap && window.cwdMap.stats) ? window.cwdMap.stats.updates : -1; }"""


def start(script: Path, cwd: Path, name: str) -> AppServer:
    LOGS.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"cwd-e2e-{name}-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("CWD_")}
    env.update({"CWD_DATABASE_PATH": str(tmp / "cwd.sqlite"), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"})
    port = free_port()
    log_path = LOGS / f"streamlit-e2e-{name}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
             "--server.enableStaticServing", "true"],
            cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    return AppServer(name, port, process, log_path)


def peer_dir() -> Path:
    """The naive app in a folder of its own, with this project's static/ (offline Leaflet) beside it,
    and folium pointed at it (explore() would load Leaflet from a CDN: a blank map offline)."""
    folder = Path(tempfile.mkdtemp(prefix="cwd-naive-"))
    text = (ROOT / "bench" / "naive_app.py").read_text(encoding="utf-8")
    text = text.replace("ROOT = Path(__file__).resolve().parent.parent", f"ROOT = Path({str(ROOT)!r})")
    text = text.replace('st.set_page_config(', 'import folium\nfolium.Map.default_js = [("leaflet", '
                        '"/app/static/vendor/leaflet/leaflet.js")]\nfolium.Map.default_css = [("leaflet_css", '
                        '"/app/static/vendor/leaflet/leaflet.css")]\nst.set_page_config(', 1)
    (folder / "app.py").write_text(text, encoding="utf-8")
    os.symlink(ROOT / "static", folder / "static")
    return folder


def map_frame(page):
    handle = page.wait_for_selector("iframe[title*='streamlit_folium']", state="attached", timeout=TIMEOUT_MS)
    return handle.content_frame()


def wait_gminas(page) -> None:
    """Until the map frame (whichever document it now holds) has drawn every gmina."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        frame = map_frame(page)
        try:
            if frame is not None and frame.evaluate(PATHS_JS) >= N_GMINY:
                return
        except Exception:  # the frame navigated meanwhile
            pass
        time.sleep(0.01)
    raise TimeoutError("gminas not drawn")


def open_app(browser, url: str, context=None):
    """A new tab (in `context`: the same browser and its cache, or a fresh profile) → gminas drawn."""
    context = context or browser.new_context(viewport={"width": 1440, "height": 900}, locale="pl-PL")
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
    wait_gminas(page)
    return context, page, time.perf_counter() - t0


def wait_idle(page) -> None:
    """Until the app's script run has finished (a rerun would close an open dropdown)."""
    page.wait_for_function("""() => { const a = document.querySelector('[data-testid="stApp"]');
        return a && a.getAttribute('data-test-script-state') === 'notRunning'; }""", timeout=TIMEOUT_MS)


def status_button(page, option: str):
    """The sidebar's toggle button of a status (its text: symbol and name, as cwd.style.status_label)."""
    return page.locator('[data-testid="stSidebar"] button').filter(
        has_text=re.compile(f"^{re.escape(status_label(option))}$")).first


def choose_status(page, option: str) -> float:
    """Toggle a status in the sidebar filter; seconds from the click until the map shows the change."""
    wait_idle(page)
    frame = map_frame(page)
    before = frame.evaluate(MARK_JS)
    button = status_button(page, option)
    button.scroll_into_view_if_needed()
    button.hover()  # a person's pointer is on the button before the click
    t0 = time.perf_counter()
    button.click()
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        frame = map_frame(page)
        try:
            state = frame.evaluate("""(before) => ({
                fresh: window.__benchMark === undefined,
                updates: (window.cwdMap && window.cwdMap.stats) ? window.cwdMap.stats.updates : -1,
                paths: document.querySelectorAll('path.leaflet-interactive').length})""", before)
            if (state["updates"] > before >= 0) or (state["fresh"] and state["paths"] >= N_GMINY):
                return time.perf_counter() - t0
        except Exception:
            pass
        time.sleep(0.005)
    raise TimeoutError("map not redrawn after the filter change")


def page_switch(page) -> float:
    link = page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Kandydaci").first
    t0 = time.perf_counter()
    link.click()
    page.locator("h1").filter(has_text="Kandydaci").first.wait_for(state="visible", timeout=TIMEOUT_MS)
    page.wait_for_function("""() => document.querySelector('[data-testid="stApp"]')
        .getAttribute('data-test-script-state') === 'notRunning'""", timeout=TIMEOUT_MS)
    elapsed = time.perf_counter() - t0
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Mapa").first.click()
    wait_gminas(page)
    return elapsed


def click_gmina(page) -> float:
    """Click the middle of the map (a gmina); seconds until the details panel names a TERYT."""
    frame_el = page.wait_for_selector("iframe[title*='streamlit_folium']", timeout=TIMEOUT_MS)
    box = frame_el.bounding_box()
    details = page.get_by_text("TERYT", exact=False)
    before = details.count()
    t0 = time.perf_counter()
    page.mouse.click(box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.55)
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        if details.count() > before:
            return time.perf_counter() - t0
        time.sleep(0.005)
    raise TimeoutError("details panel not updated")


def measure(browser, server: AppServer, started: float, ours: bool) -> dict:
    wait_healthy(server, timeout=TIMEOUT_MS / 1000)
    context, first, _ = open_app(browser, server.url)
    out = {"cold_open_s": time.perf_counter() - started}
    # The same person opens the app again in a new tab of the same browser (its cache, a new session)…
    _, page, out["warm_open_s"] = open_app(browser, server.url, context)
    first.close()
    # …and someone opens it for the first time in their own browser (nothing cached).
    fresh, other, out["warm_open_fresh_browser_s"] = open_app(browser, server.url)
    other.close()
    fresh.close()
    # A person reads the map before filtering: each change starts from a settled page; six changes
    # (each status toggled on, then off again: all shown at the end), their median.
    filters = []
    for option in (*FILTER_OPTIONS, *FILTER_OPTIONS):
        wait_idle(page)
        page.wait_for_timeout(SETTLE_MS)
        filters.append(choose_status(page, option))
    out["filter_s"] = statistics.median(filters)
    if ours:
        wait_idle(page)
        out["page_switch_s"] = page_switch(page)
        out["click_s"] = click_gmina(page)
    context.close()
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--json", action="store_true")
    p.add_argument("--no-peer", action="store_true")
    args = p.parse_args()
    if not CHROMIUM.exists():
        print("bench/e2e.py needs Debian's chromium (apt-get install chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    apps = [("ours", ROOT / "app.py", ROOT, True)]
    peer = None if args.no_peer else peer_dir()
    if peer is not None:
        apps.append(("peer", peer / "app.py", peer, False))
    samples: dict[str, dict[str, list[float]]] = {name: {} for name, *_ in apps}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            for _ in range(args.runs):
                for name, script, cwd, ours in apps:
                    started = time.perf_counter()
                    server = start(script, cwd, name)
                    try:
                        for k, v in measure(browser, server, started, ours).items():
                            samples[name].setdefault(k, []).append(v)
                    finally:
                        server.stop()
            browser.close()
    finally:
        if peer is not None:
            shutil.rmtree(peer, ignore_errors=True)
    result = {name: {k: statistics.median(v) for k, v in s.items()} for name, s in samples.items()}
    result["runs"] = args.runs
    result["budgets"] = BUDGETS
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    labels = {
        "cold_open_s": "start serwera, otwarcie → gminy narysowane",
        "warm_open_s": "ponowne otwarcie (nowa karta) → gminy narysowane",
        "warm_open_fresh_browser_s": "to samo w przeglądarce bez pamięci podręcznej",
        "filter_s": "filtr statusu w panelu → mapa przerysowana",
        "page_switch_s": "Mapa → Kandydaci → strona pokazana",
        "click_s": "klik w gminę → panel szczegółów",
    }
    print(f"{'co robi użytkownik':<52} {'ten projekt':>12} {'naiwny':>10} {'stosunek':>9}  budżet")
    for key, label in labels.items():
        ours_v = result["ours"].get(key)
        peer_v = result.get("peer", {}).get(key)
        ratio = f"{ours_v / peer_v:.2f}".replace(".", ",") if ours_v and peer_v else "–"
        budget = BUDGETS.get(key)
        print(f"{label:<52} {_s(ours_v):>12} {_s(peer_v):>10} {ratio:>9}  {('≤ ' + _s(budget)) if budget else '–'}")
    print(f"(mediany z {args.runs} naprzemiennych przebiegów)")
    return 0


def _s(v) -> str:
    if v is None:
        return "–"
    return f"{v * 1000:.0f} ms" if v < 1 else f"{v:.2f} s".replace(".", ",")


if __name__ == "__main__":
    sys.exit(main())
