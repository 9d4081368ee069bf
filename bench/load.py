"""Thirty people at once: protocol-level WebSocket sessions against one app server (127.0.0.1 only).

    python bench/load.py [--sessions 30] [--rounds 3] [--processes 1] [--json] [--url http://127.0.0.1:PORT]

Each session speaks Streamlit's own protocol (BackMsg/ForwardMsg protobufs from the installed
streamlit package) the way a browser tab does: open the app (first load), switch to Kandydaci and
back (page switches), change the status filter in the sidebar (filter changes). Every action waits
for the server's `script_finished`. A bounded loop: --rounds per session, then the report:

- server CPU per page-switch run (one session alone, median; /proc of the server process),
- with N sessions at once: p50/p95 of the first load, a page switch and a filter change,
- errors, and the server's resident memory per session.

Budgets (issue 10): ≤ 60 ms server CPU per page-switch run; with 30 sessions p95 ≤ 2 s for a page
switch and a filter change. Timed here, never in tests.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

BUDGETS = {"cpu_per_page_switch_ms": 60.0, "page_switch_p95_s": 2.0, "filter_p95_s": 2.0}
STATUS_LABEL = "Status listy sprawdzającej"
STATUS_CHOICES = [["spełnia"], ["niekompletna"], [], ["nie spełnia"]]
TIMEOUT_S = 120


def status_label(status: str) -> str:
    from cwd.style import status_label as label  # ROOT is on sys.path (above)

    return label(status)


def _protos():
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    return BackMsg, ForwardMsg


def _page_hash(url_path: str) -> str:
    from streamlit.util import calc_hash

    return calc_hash(url_path)


class Session:
    """One browser tab, as the server sees it."""

    def __init__(self, url: str):
        self.ws_url = url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self.origin = url.rstrip("/")
        self.ws = None
        self.widgets: dict[str, object] = {}  # widget id -> WidgetState we send with every rerun
        self.status_widget: str | None = None
        self.page = ""

    async def connect(self) -> None:
        import websockets

        self.ws = await websockets.connect(self.ws_url, subprotocols=["streamlit"], max_size=None,
                                           additional_headers={"Origin": self.origin}, open_timeout=TIMEOUT_S)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def rerun(self, page: str | None = None) -> float:
        """Ask for a run (page switch when `page` differs), wait for script_finished; seconds taken."""
        BackMsg, ForwardMsg = _protos()
        if page is not None:
            self.page = page
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = ""
        state.page_name = self.page
        state.page_script_hash = _page_hash(self.page) if self.page else ""
        for ws in self.widgets.values():
            state.widget_states.widgets.append(ws)
        t0 = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), TIMEOUT_S)
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                element = fwd.delta.new_element
                if element.WhichOneof("type") == "button_group" and element.button_group.label == STATUS_LABEL:
                    self.status_widget = element.button_group.id
            elif kind == "script_finished":
                # FINISHED_EARLY_FOR_RERUN (2): the script called st.rerun — another run follows.
                if fwd.script_finished == 1:
                    raise RuntimeError("the app failed to compile")
                if fwd.script_finished in (0, 3):
                    return time.perf_counter() - t0

    async def set_status_filter(self, values: list[str]) -> float:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        if self.status_widget is None:
            raise RuntimeError("the status filter was not found in the sidebar")
        ws = WidgetState(id=self.status_widget)
        ws.string_array_value.data.extend(status_label(v) for v in values)  # the buttons' texts travel
        self.widgets[self.status_widget] = ws
        return await self.rerun()


async def _session_run(url: str, rounds: int, offset: int, out: dict) -> None:
    s = Session(url)
    try:
        await s.connect()
        out["first_load"].append(await s.rerun(page=""))
        for i in range(rounds):
            out["page_switch"].append(await s.rerun(page="kandydaci"))
            out["page_switch"].append(await s.rerun(page="mapa"))
            out["filter"].append(await s.set_status_filter(STATUS_CHOICES[(i + offset) % len(STATUS_CHOICES)]))
    except Exception as exc:  # noqa: BLE001 — counted and reported
        out["errors"].append(f"{type(exc).__name__}: {exc}")
    finally:
        await s.close()


def _proc_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf(os.sysconf_names["SC_CLK_TCK"])
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


def _proc_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def cpu_per_run(url: str, pid: int, runs: int = 20) -> dict:
    """Server CPU of one page-switch run, one session alone (median of `runs`)."""
    s = Session(url)
    await s.connect()
    await s.rerun(page="")
    await s.rerun(page="kandydaci")  # warm both pages
    await s.rerun(page="mapa")
    samples = []
    for i in range(runs):
        before = _proc_cpu_s(pid)
        await s.rerun(page="kandydaci" if i % 2 == 0 else "mapa")
        await asyncio.sleep(0.05)  # let the run's tail (message queue) finish
        samples.append(_proc_cpu_s(pid) - before)
    await s.close()
    return {"cpu_per_page_switch_ms": statistics.median(samples) * 1000, "cpu_samples": len(samples)}


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def load(urls: list[str], pids: list[int], sessions: int, rounds: int) -> dict:
    """`sessions` at once; with several servers, session i talks to server i mod N (as a sticky
    proxy in front of them would keep each browser on one process)."""
    out = {"first_load": [], "page_switch": [], "filter": [], "errors": []}
    rss_before = sum(_proc_rss_mb(pid) for pid in pids)
    t0 = time.perf_counter()
    await asyncio.gather(*(_session_run(urls[i % len(urls)], rounds, i, out) for i in range(sessions)))
    wall = time.perf_counter() - t0
    rss_after = sum(_proc_rss_mb(pid) for pid in pids)
    return {
        "sessions": sessions, "processes": len(urls), "rounds": rounds, "wall_s": wall, "errors": len(out["errors"]),
        "error_samples": out["errors"][:3],
        "first_load_p50_s": _pct(out["first_load"], 0.5), "first_load_p95_s": _pct(out["first_load"], 0.95),
        "page_switch_p50_s": _pct(out["page_switch"], 0.5), "page_switch_p95_s": _pct(out["page_switch"], 0.95),
        "filter_p50_s": _pct(out["filter"], 0.5), "filter_p95_s": _pct(out["filter"], 0.95),
        "rss_per_session_mb": (rss_after - rss_before) / sessions,
    }


def start(app_dir: Path):
    """A server for `app_dir`'s app.py on a free local port, with its own empty database."""
    import subprocess
    import tempfile

    from browser_support import AppServer, LOGS, free_port, wait_healthy

    tmp = Path(tempfile.mkdtemp(prefix="cwd-load-"))
    LOGS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CWD_")}
    env.update({"CWD_DATABASE_PATH": str(tmp / "cwd.sqlite"), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"})
    log_path = LOGS / f"streamlit-load-{app_dir.name}-{port}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--server.fileWatcherType", "none"],
            cwd=app_dir, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
    server = AppServer("load", port, process, log_path)
    wait_healthy(server)
    return server


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sessions", type=int, default=30)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--json", action="store_true")
    p.add_argument("--processes", type=int, default=1,
                   help="app server processes (sessions spread over them; see docs/deployment.md)")
    p.add_argument("--url", help="an already running server (its pid via --pid); default: start one")
    p.add_argument("--pid", type=int)
    p.add_argument("--app-dir", type=Path, default=ROOT, help="the checkout whose app.py is served (default: this one)")
    args = p.parse_args()

    servers = []
    try:
        if args.url:
            urls, pids = [args.url], [args.pid]
        else:
            servers = [start(args.app_dir) for _ in range(max(1, args.processes))]
            urls, pids = [s.url for s in servers], [s.process.pid for s in servers]
        result = asyncio.run(cpu_per_run(urls[0], pids[0]))
        result.update(asyncio.run(load(urls, pids, args.sessions, args.rounds)))
    finally:
        for server in servers:
            server.stop()
    result["budgets"] = BUDGETS
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        rows = [
            ("serwer: CPU na przebieg przełączenia strony (1 sesja, mediana)", f"{result['cpu_per_page_switch_ms']:.0f} ms", "≤ 60 ms"),
            ("procesy serwera", str(result["processes"]), "–"),
            (f"{args.sessions} sesji: pierwsze otwarcie p50 / p95", f"{result['first_load_p50_s']:.2f} / {result['first_load_p95_s']:.2f} s", "–"),
            (f"{args.sessions} sesji: przełączenie strony p50 / p95", f"{result['page_switch_p50_s']:.2f} / {result['page_switch_p95_s']:.2f} s", "p95 ≤ 2 s"),
            (f"{args.sessions} sesji: zmiana filtra p50 / p95", f"{result['filter_p50_s']:.2f} / {result['filter_p95_s']:.2f} s", "p95 ≤ 2 s"),
            ("błędy", str(result["errors"]), "0"),
            ("pamięć serwera na sesję", f"{result['rss_per_session_mb']:.1f} MB", "–"),
        ]
        for what, value, budget in rows:
            print(f"{what:<62} {value.replace('.', ','):>16}   {budget}")  # Polish decimal comma
        for e in result["error_samples"]:
            print("  błąd:", e)
    return 0


if __name__ == "__main__":
    sys.exit(main())
