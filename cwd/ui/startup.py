"""Server start: what the first visitor's map would otherwise wait for (imports, the register, the
database, the adjacency, the map's base asset, the demo forms) is prepared in a background thread
while their browser is still loading Streamlit's own code.

`streamlit run app.py` finds `app = st.App(...)` in app.py and serves it with this lifespan
(Streamlit's st.App; the same server as a plain script). The thread never blocks the server from
answering, and a failure here only means the first page prepares it itself.
"""
from __future__ import annotations

import logging
import threading
import time
from contextlib import asynccontextmanager

LOG = logging.getLogger("cwd")
THREAD = "cwd-startup"
WARM_UP_THREAD = "cwd-warm-up"  # cwd.ui.loaders.warm_up, after the first page
# Streamlit warns "missing ScriptRunContext" for each cached call made outside a script run; in the
# background threads that prepare caches (this one and loaders.warm_up's) that is expected.
BACKGROUND_THREADS = frozenset({THREAD, WARM_UP_THREAD})
STREAMLIT_CONTEXT_LOGGER = "streamlit.runtime.scriptrunner_utils.script_run_context"


class _ExpectedInBackground(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.threadName not in BACKGROUND_THREADS


def prepare() -> None:
    """The first Mapa run's shared, session-independent work, cached as that run would cache it.
    streamlit-folium is not imported here (cwd.ui.mapview.folium_component says why)."""
    started = time.perf_counter()
    try:
        import cwd.ui.context  # noqa: F401 — the router's modules (pandas, folium, the store)
        import cwd.ui.details  # noqa: F401
        import folium.plugins  # noqa: F401 — most of what importing streamlit-folium costs
        from cwd.ui import loaders, mapview, sources

        loaders.operator()
        loaders.register()
        loaders.adjacency()
        mapview.map_base()
        sources.load_demo()
        try:
            loaders.store()
        except Exception as exc:  # noqa: BLE001 — the first page explains a database that is down
            LOG.warning("Baza danych przy starcie: %s", exc)
    except Exception:  # noqa: BLE001 — never take the server down; the first page retries
        LOG.exception("Przygotowanie przy starcie nie powiodło się")
        return
    LOG.info("Przygotowano przy starcie w %.2f s", time.perf_counter() - started)


@asynccontextmanager
async def lifespan(_app):
    logging.getLogger(STREAMLIT_CONTEXT_LOGGER).addFilter(_ExpectedInBackground())
    threading.Thread(target=prepare, name=THREAD, daemon=True).start()
    yield
