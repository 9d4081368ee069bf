"""Benchmark: map payload, map-page run times, the 10,000-partnership check, browser cold start.

    python bench/bench.py [--json] [--no-browser] [--repeat N]

Budgets (../shared/DESIGN.md §5): map HTML ≤ 150 KB; warm map-page run ≤ 1.0 s; rerun after a
filter change ≤ 150 ms median; 10,000 partnerships checked and ordered ≤ 50 ms. The browser
figure (cold start → first drawn map) has no budget; it is reported for the README.
Timed here, never in tests: the figures depend on the machine.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUDGETS = {
    "map_html_bytes": 150_000,
    "map_page_warm_s": 1.0,
    "filter_rerun_median_s": 0.150,
    "check_10000_s": 0.050,
}


def _example_state():
    from cwd.forms import read_forms_path
    from cwd.pipeline import Inputs, evaluate, load_adjacency
    from cwd.register import load_register
    from cwd.settings import OperatorSettings, OsiSettings

    operator = OperatorSettings.from_env()
    register = load_register(wojewodztwo=operator.wojewodztwo)
    adjacency, _ = load_adjacency(operator)
    forms = read_forms_path(ROOT / "data" / "formularze_przyklad.csv", register)
    ev = evaluate(register, Inputs(forms=forms, osi=OsiSettings(), adjacency=adjacency))
    return register, ev.ctx, list(ev.results), ev.gminas


def map_payload() -> dict:
    """The full Podlaskie map (all layers, MSTFSG shown) as served: standalone HTML and the
    component's payload (script + header + html strings that streamlit-folium sends)."""
    import streamlit_folium as sf

    from cwd import mapdata
    from cwd.geo import display_layers, dissolve_areas, load_boundaries
    from cwd.maps import build_map, map_html_size

    register, ctx, results, statuses = _example_state()
    gminy, powiaty = display_layers(load_boundaries())

    def build():
        return build_map(
            gminy, powiaty, mapdata.gmina_info(register, statuses, results, set(register.gminy.index)),
            dissolve_areas(gminy, {r.id: r.gminy for r in results}), mapdata.partnership_info(results),
            mapdata.towns_frame(register, ctx), mapdata.mstfsg_frame(register),
            show_mstfsg=True, title="Podlaskie", asset_base_url="/app/static/vendor/leaflet",
        )

    html_bytes = map_html_size(build())
    m = build()
    m.render()
    component = sum(len(s.encode()) for s in (sf._get_map_string(m), sf._get_header(m), sf._get_html(m)))
    return {"map_html_bytes": html_bytes, "map_component_bytes": component}


def app_runs(repeat: int) -> dict:
    """AppTest runs of the map page: warm run, and reruns after a sidebar filter change."""
    os.environ.setdefault("CWD_DATABASE_PATH", str(Path(tempfile.mkdtemp()) / "bench.sqlite"))
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    t0 = time.perf_counter()
    at.run()
    cold = time.perf_counter() - t0
    if at.exception:
        raise SystemExit(f"app raised: {at.exception}")
    warm = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - t0)
    reruns = []
    choices = [["spełnia"], [], ["niekompletna"], []]
    for i in range(max(repeat, 8)):
        at.sidebar.multiselect(key="w_statusy").set_value(choices[i % len(choices)])
        t0 = time.perf_counter()
        at.run()
        reruns.append(time.perf_counter() - t0)
    return {
        "map_page_cold_s": cold,
        "map_page_warm_s": statistics.median(warm),
        "filter_rerun_median_s": statistics.median(reruns),
        "filter_rerun_max_s": max(reruns),
    }


def check_10000(repeat: int) -> dict:
    from cwd import bulk
    from cwd.model import Partnership
    from cwd.osi import build_context
    from cwd.criteria import CRITERIA_IDS
    from cwd.pipeline import load_adjacency
    from cwd.register import load_register
    from cwd.selection import Weights, rank
    from cwd.settings import OperatorSettings, OsiSettings

    operator = OperatorSettings.from_env()
    register = load_register(wojewodztwo=operator.wojewodztwo)
    adjacency, _ = load_adjacency(operator)
    ctx = build_context(register, OsiSettings(), adjacency, frozenset(list(register.gminy.index)[::2]))
    rng = random.Random(2020)
    gminas, powiats = list(register.gminy.index), list(register.powiaty.index)
    partnerships = []
    for i in range(10_000):
        members = rng.sample(gminas, rng.randint(2, 12)) + ([rng.choice(powiats)] if rng.random() < 0.2 else [])
        partnerships.append(Partnership(
            id=f"S{i:05d}", nazwa=f"Partnerstwo syntetyczne {i}", lider=members[0], czlonkowie=tuple(members),
            deklarowane={c: rng.choice([1, 1, 1, 1, 0, None]) for c in CRITERIA_IDS},
        ))
    times, with_loading = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        columns = bulk.batch(partnerships)  # forms → columns: part of loading, reported apart
        t1 = time.perf_counter()
        rank(bulk.check_batch(columns, register, ctx), Weights())
        t2 = time.perf_counter()
        times.append(t2 - t1)
        with_loading.append(t2 - t0)
    return {"check_10000_s": statistics.median(times), "check_10000_with_columns_s": statistics.median(with_loading)}


def browser_cold_start() -> dict:
    """From `streamlit run` to 118 gminas drawn in headless Chromium with non-local hosts blocked."""
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, CWD_DATABASE_PATH=str(Path(tempfile.mkdtemp()) / "bench.sqlite"))
    t0 = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"])
            page = browser.new_page(locale="pl-PL")
            deadline = time.time() + 120
            while True:
                try:
                    page.goto(f"http://127.0.0.1:{port}/", timeout=5000)
                    break
                except Exception:
                    if time.time() > deadline:
                        raise
                    time.sleep(0.2)
            while time.time() < deadline:
                for frame in page.frames:
                    try:
                        if frame.evaluate(_COUNT_GMINAS) >= 118:
                            return {"browser_cold_start_to_map_s": time.perf_counter() - t0}
                    except Exception:
                        pass
                time.sleep(0.1)
            raise SystemExit("the map did not draw 118 gminas within 120 s")
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=20)


_COUNT_GMINAS = """() => {
  if (typeof L === 'undefined') return 0;
  let n = 0;
  for (const k of Object.keys(window)) {
    const v = window[k];
    if (v instanceof L.Map) v.eachLayer(l => { if (l.feature && l.feature.properties && /^\\d{7}$/.test(l.feature.properties.teryt || '')) n++; });
  }
  return n;
}"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    figures = {}
    figures.update(map_payload())
    figures.update(check_10000(args.repeat))
    figures.update(app_runs(args.repeat))
    if not args.no_browser:
        figures.update(browser_cold_start())
    machine = {"python": platform.python_version(), "cpus": os.cpu_count(), "machine": platform.machine(),
               "system": platform.platform(terse=True)}
    verdicts = {k: figures[k] <= v for k, v in BUDGETS.items() if k in figures}
    if args.json:
        print(json.dumps({"figures": figures, "budgets": BUDGETS, "within_budget": verdicts, "machine": machine},
                         indent=2))
    else:
        print(f"Maszyna: {machine}")
        for key, value in figures.items():
            budget = BUDGETS.get(key)
            shown = f"{value:,.0f} B" if key.endswith("bytes") else f"{value * 1000:,.1f} ms"
            mark = "" if budget is None else (" ✓" if value <= budget else " ✗ PONAD BUDŻET")
            limit = "" if budget is None else (f" (budżet {budget:,} B)" if key.endswith("bytes") else f" (budżet {budget * 1000:,.0f} ms)")
            print(f"{key:32s} {shown:>14s}{limit}{mark}")
    return 0 if all(verdicts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
