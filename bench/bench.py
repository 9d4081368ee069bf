"""Python-side benchmark: map payload, map-page runs (AppTest), the 10,000-partnership check, and
5,000 partnerships validated, evaluated and tabulated.

    python bench/bench.py [--json] [--repeat N]

Budgets (../shared/DESIGN.md §5, issue 11): the whole Podlaskie map (base asset + largest update)
≤ 150 KB; warm map-page run ≤ 1.0 s; rerun after a filter change ≤ 150 ms median; 10,000
partnerships checked and ordered ≤ 50 ms; 5,000 partnerships end to end ≤ 2 s and ≤ 300 MB.
What a person feels in the browser: bench/e2e.py; thirty people at once: bench/load.py; hostile
files: bench/bad_files.py; the map alone and the national layer: bench/map_update.py.
Timed here, never in tests: the figures depend on the machine.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUDGETS = {
    "map_bytes": 150_000,
    "map_page_warm_s": 1.0,
    "filter_rerun_median_s": 0.150,
    "check_10000_s": 0.050,
    "evaluate_5000_s": 2.0,
    "evaluate_5000_extra_mb": 300,
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
    """The Podlaskie web map as served: the base asset (geometry, once per browser) and the largest
    per-rerun update (cwd.map; bench/map_update.py has the national layer and browser figures)."""
    sys.path[:0] = [str(ROOT / "tests" / "map"), str(ROOT / "bench")]
    from map_update import python_costs, sizes
    from scenarios import podlaskie_scenario

    data = podlaskie_scenario()
    base, update = sizes(data)["base_bytes"], python_costs(data, 8)["update_bytes_max"]
    return {"map_bytes": base + update, "map_base_bytes": base, "map_update_bytes": update}


def evaluate_5000() -> dict:
    """5,000 partnerships (a CSV within the limits) validated, evaluated and tabulated, in a fresh
    process: wall time and the memory it added (issue 11: ≤ 2 s, ≤ 300 MB)."""
    code = r"""
import csv, io, random, sys, time
sys.path.insert(0, %r)
from cwd.criteria import CRITERIA_IDS
from cwd.forms import read_forms
from cwd.pipeline import Inputs, evaluate, load_adjacency
from cwd.register import load_register
from cwd.settings import OperatorSettings, OsiSettings
operator = OperatorSettings.from_env()
register = load_register(wojewodztwo=operator.wojewodztwo)
adjacency, _ = load_adjacency(operator)
rng = random.Random(5)
gminas = list(register.gminy.index)
out = io.StringIO()
w = csv.writer(out, delimiter=";")
w.writerow(["id", "nazwa", "lider", "czlonkowie", "koordynator", "data_zgloszenia", *CRITERIA_IDS])
for i in range(5000):
    members = rng.sample(gminas, rng.randint(2, 10))
    w.writerow([f"S{i:04d}", f"Partnerstwo {i}", members[0], ";".join(members), "Koordynator", "2020-09-15",
                *[rng.choice(["1", "1", "1", "0", ""]) for _ in CRITERIA_IDS]])
data = out.getvalue().encode()
def rss(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1])
open("/proc/self/clear_refs", "w").write("5")  # reset the peak (VmHWM) to the current size
before = rss("VmRSS:")
t0 = time.perf_counter()
forms = read_forms(data, "5000.csv", register)
ev = evaluate(register, Inputs(forms=forms, osi=OsiSettings(), adjacency=adjacency))
frame = ev.frame
took = time.perf_counter() - t0
after = rss("VmHWM:")
assert len(frame) == 5000, len(frame)
print(took, (after - before) / 1024, len(data))
""" % str(ROOT)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return {"evaluate_5000_s": float(out[0]), "evaluate_5000_extra_mb": float(out[1])}


def app_runs(repeat: int) -> dict:
    """AppTest runs of the map page: warm run, and reruns after a sidebar filter change."""
    os.environ.setdefault("CWD_DATABASE_PATH", str(Path(tempfile.mkdtemp()) / "bench.sqlite"))
    from streamlit.testing.v1 import AppTest

    from cwd.ui import keys

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
        at.sidebar.pills(key=keys.STATUSES).set_value(choices[i % len(choices)])
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    figures = {}
    figures.update(map_payload())
    figures.update(check_10000(args.repeat))
    figures.update(evaluate_5000())
    figures.update(app_runs(args.repeat))
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
            shown = (f"{value:,.0f} B" if key.endswith("bytes") else f"{value:,.0f} MB" if key.endswith("_mb")
                     else f"{value * 1000:,.1f} ms")
            mark = "" if budget is None else (" ✓" if value <= budget else " ✗ PONAD BUDŻET")
            limit = "" if budget is None else (f" (budżet {budget:,} B)" if key.endswith("bytes") else
                                               f" (budżet {budget:,} MB)" if key.endswith("_mb") else
                                               f" (budżet {budget * 1000:,.0f} ms)")
            print(f"{key:32s} {shown:>14s}{limit}{mark}")
    return 0 if all(verdicts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
