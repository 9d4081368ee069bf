"""Benchmark of the web map (cwd.map): asset sizes, the per-rerun Python cost, and in Chromium the time
from a sidebar filter change to the redrawn map, for Podlaskie and for the national layer.

    python bench/map_update.py              # everything (starts two harness servers, ~1 min)
    python bench/map_update.py --no-browser # sizes and Python costs only
    python bench/map_update.py --json

"Filter → redrawn" is measured in the browser from the click on the sidebar radio (a capture
listener in the page) to two animation frames after cwdMap.update has restyled the map (so the
frame has been painted): the Streamlit rerun, the websocket round trip, streamlit-folium's in-place
eval and the restyle, end to end; "update in browser" is the cwdMap.update call alone. Not a test:
figures depend on the machine and its load (the load average is printed with them).
"""
from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "map")]

from scenarios import national_scenario, podlaskie_scenario  # noqa: E402

from cwd.map import AssetUrls, MapView, build_map, build_update, update_layer  # noqa: E402
from cwd.map.builder import static_files  # noqa: E402

FILTERS = {"podlaskie": ("wszystkie gminy", "powiat białostocki"), "national": ("wszystkie gminy", "woj. mazowieckie")}


def _views(data: dict) -> list[MapView]:
    """Views a session goes through: every filter, each with and without a selection."""
    out = []
    for visible in data["filters"].values():
        shown = [p for p in data["partnerships"] if visible is None or any(g in visible for g in p.gminy)]
        for selected in (None, shown[0].id if shown else None):
            out.append(MapView(categories=data["categories"], reasons=data["reasons"], visible=visible,
                               partnerships=shown, all_ids=[p.id for p in data["partnerships"]], selected=selected,
                               towns=data["towns"], threshold=20_000))
    return out


def python_costs(data: dict, repeat: int) -> dict:
    """build_update alone (warm: label points cached), and the whole Python side of a rerun: the update,
    a fresh map, its group and streamlit-folium's st_folium call (bare mode: no server)."""
    import logging

    from streamlit_folium import st_folium

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    base = data["base"]
    views = _views(data)
    urls = AssetUrls.under("/app/static/vendor/leaflet", "/app/static/vendor/cwd-map", base)
    t0 = time.perf_counter()
    for v in views:
        build_update(base, v)
    cold = (time.perf_counter() - t0) / len(views)
    update_times, rerun_times, sizes = [], [], []
    for i in range(repeat):
        v = views[i % len(views)]
        t0 = time.perf_counter()
        u = build_update(base, v)
        t1 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            st_folium(build_map(base, urls), key="mapa", height=640, use_container_width=True,
                      returned_objects=["last_active_drawing"], feature_group_to_add=update_layer(u), render=False)
        t2 = time.perf_counter()
        update_times.append(t1 - t0)
        rerun_times.append(t2 - t0)
        sizes.append(len(u.json.encode()))
    return {
        "update_cold_ms": cold * 1000,
        "update_ms": statistics.median(update_times) * 1000,
        "rerun_python_ms": statistics.median(rerun_times) * 1000,
        "update_bytes_max": max(sizes),
    }


def sizes(data: dict) -> dict:
    js = data["base"].js.encode()
    return {"gminy": len(data["base"].codes), "base_bytes": len(js), "base_gzip_bytes": len(gzip.compress(js, 9)),
            "partnerships": len(data["partnerships"])}


def browser(name: str, runs: int) -> dict:
    from harness import start_harness
    from playwright.sync_api import sync_playwright

    from browser_support import CHROMIUM, CHROMIUM_ARGS, Recorder, map_frame, wait_for_app, wait_healthy

    env = {"CWD_MAP_HARNESS_NATIONAL": "1"} if name == "national" else {}
    with tempfile.TemporaryDirectory(prefix="cwd-map-bench-") as tmp:
        server = start_harness(f"bench-{name}", Path(tmp), env)
        try:
            wait_healthy(server)
            with sync_playwright() as p:
                b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                context = b.new_context(viewport={"width": 1440, "height": 900})
                recorder = Recorder()
                recorder.attach(context)
                page = context.new_page()
                recorder.attach_page(page)
                first = {}
                for attempt in ("cold", "warm"):
                    t0 = time.perf_counter()
                    page.goto(server.url)
                    wait_for_app(page, None, timeout=180_000)
                    frame = map_frame(page, timeout=180_000)
                    frame.wait_for_function("() => window.cwdMap && window.cwdMap.stats.lastDrawn > 0", timeout=180_000)
                    first[attempt] = time.perf_counter() - t0
                page.wait_for_timeout(1000)
                page.evaluate("() => document.addEventListener('click', () => { window.__cwdT0 = Date.now(); }, true)")
                frame.evaluate("() => { window.__cwdProbe = 1; }")
                sidebar = page.locator('[data-testid="stSidebar"]')
                redraw, applied, apply_js = [], [], []
                for i in range(runs):
                    label = FILTERS[name][(i + 1) % 2]
                    n = frame.evaluate("() => window.cwdMap.stats.updates")
                    sidebar.get_by_text(label, exact=True).click()
                    frame.wait_for_function(f"() => window.cwdMap.stats.updates > {n} && "
                                            "window.cwdMap.stats.lastDrawn >= window.cwdMap.stats.lastUpdate",
                                            timeout=60_000)
                    t_click = page.evaluate("() => window.__cwdT0")
                    stats = frame.evaluate("() => window.cwdMap.stats")
                    redraw.append(stats["lastDrawn"] - t_click)
                    applied.append(stats["lastUpdate"] - t_click)
                    apply_js.append(stats["applyMs"])
                    wait_for_app(page, None)
                    page.wait_for_timeout(300)
                same = frame.evaluate("() => [window.__cwdProbe, window.cwdMap.stats.inits]") == [1, 1]
                b.close()
        finally:
            server.stop()
    return {
        "open_cold_s": first["cold"], "open_warm_s": first["warm"],
        "filter_to_redrawn_median_ms": statistics.median(redraw), "filter_to_redrawn_max_ms": max(redraw),
        "filter_to_update_applied_median_ms": statistics.median(applied),
        "update_in_browser_median_ms": statistics.median(apply_js), "runs": runs,
        "same_map_throughout": same, "external_requests": recorder.external,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--repeat", type=int, default=60)
    args = parser.parse_args(argv)

    import os

    out = {"cwd_map_js_bytes": static_files()["cwd-map.js"].stat().st_size, "load_average_before": os.getloadavg()[0]}
    for name, make in (("podlaskie", podlaskie_scenario), ("national", national_scenario)):
        t0 = time.perf_counter()
        data = make()
        out[name] = {"prepare_s": time.perf_counter() - t0, **sizes(data), **python_costs(data, args.repeat)}
        if not args.no_browser:
            out[name].update(browser(name, args.runs))
    out["load_average_after"] = os.getloadavg()[0]
    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        print(f"cwd-map.js: {out['cwd_map_js_bytes']:,} B; load average {out['load_average_before']:.1f} → "
              f"{out['load_average_after']:.1f} (2 cores)")
        for name in ("podlaskie", "national"):
            print(f"\n{name}:")
            for k, v in out[name].items():
                print(f"  {k:36s} {v:,.1f}" if isinstance(v, float) else f"  {k:36s} {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
