"""The UI when the database fails: a read-only SQLite file (stored values shown, saves refused with
the store's Polish message, the other pages unaffected) and an unreachable PostgreSQL server (every
page answers with the demo data and the unavailability message, no traceback, within seconds)."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time

import pytest

from cwd.paths import ROOT
from cwd.ui import keys

from .pages.test_ocena import row_hash
from .support import (
    PAGES,
    TITLES,
    assert_ok,
    comment_box,
    fill_assessment,
    frame_with,
    new_app,
    run,
    shown,
    sign_in,
    texts,
    title,
    value_box,
)

CHILD = "CWD_UI_TEST_WITHOUT_ROOT_POWERS"


def _permissions_apply(folder) -> bool:
    probe = folder / "uprawnienia.txt"
    probe.write_text("")
    probe.chmod(0o444)
    try:
        with open(probe, "a"):
            return False
    except PermissionError:
        return True
    finally:
        probe.chmod(0o644)
        probe.unlink()


def ran_without_root_powers(request, tmp_path) -> bool:
    """Root ignores file permissions: then run this test again in a child pytest without the
    capabilities that override them (util-linux setpriv), and report its result here. True when the
    child ran it (the caller returns); False when the test should run in this process."""
    if _permissions_apply(tmp_path):
        return False
    if os.environ.get(CHILD):
        pytest.fail("file permissions do not apply even without the override capabilities")
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("as root, util-linux setpriv is needed to make file permissions apply")
    done = subprocess.run(
        [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner", "--", sys.executable, "-m", "pytest",
         "-q", "-p", "no:cacheprovider", "--basetemp", str(tmp_path / "dziecko"), request.node.nodeid],
        cwd=ROOT, env={**os.environ, CHILD: "1"}, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout, done.stdout[-2000:]
    return True


def test_read_only_sqlite_shows_stored_values_and_refuses_saves(request, tmp_path, hermetic, store, people, nabor):
    if ran_without_root_powers(request, tmp_path):
        return
    store.save(nabor.id, "P01", {"I.1": (0, "brak umowy")}, actor=people.assessor, expected_version=0,
               row_hash=row_hash(store, nabor, "P01"))
    store.dispose()  # the last connection closes: the WAL is checkpointed into the file
    hermetic.chmod(0o444)
    try:
        at = run(sign_in(new_app(page="ocena", query={keys.Q_NABOR: nabor.id}), people.assessor))
        assert value_box(at, "P01", "I.1").value == "0"  # the stored values are shown
        assert comment_box(at, "P01", "I.1").value == "brak umowy"
        fill_assessment(at, "P01", {"I.2": "1"})
        assert any(e.startswith("Baza tylko do odczytu – zapisy wyłączone") and "nie została zapisana" in e
                   for e in shown(at, "error")), texts(at, "error")
        assert not [s for s in texts(at, "success") if s.startswith("Zapisano")]
        assert value_box(at, "P01", "I.2").value == "1"  # the input is kept

        for page in ("mapa", "kandydaci", "dane"):
            other = run(sign_in(new_app(page=page, query={keys.Q_NABOR: nabor.id}), people.viewer))
            assert title(other) == [TITLES[page]], page
        kandydaci = run(sign_in(new_app(page="kandydaci", query={keys.Q_NABOR: nabor.id}), people.viewer))
        assert frame_with(kandydaci, "status").set_index("id").loc["P01", "status"] == "✗ nie spełnia"
        dane = run(sign_in(new_app(page="dane", query={keys.Q_NABOR: nabor.id}), people.viewer))
        assert any(w.startswith("Baza tylko do odczytu – zapisy wyłączone") for w in shown(dane, "warning"))
    finally:
        hermetic.chmod(0o644)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once the socket is closed


@pytest.mark.parametrize("page", PAGES)
def test_unreachable_postgresql_every_page_answers_with_the_demo(monkeypatch, page):
    monkeypatch.setenv("CWD_DATABASE_URL", f"postgresql+psycopg://cwd:cwd@127.0.0.1:{closed_port()}/cwd")
    at = new_app(page=page)
    started = time.monotonic()
    run(at)  # no exception, no generic "unexpected error"
    assert time.monotonic() - started < 45  # generous: the store answers within its own timeouts

    assert title(at) == [TITLES[page]]
    assert at.sidebar.selectbox(key=keys.NABOR).value == "demo"
    errors = shown(at, "error")
    assert any(e.startswith("Baza danych jest niedostępna") for e in errors), errors
    assert not [e for e in errors if "Traceback" in e or "psycopg" in e or "OperationalError" in e]


def test_unreachable_postgresql_keeps_the_example_usable(monkeypatch):
    monkeypatch.setenv("CWD_DATABASE_URL", f"postgresql+psycopg://cwd:cwd@127.0.0.1:{closed_port()}/cwd")
    at = run(new_app(page="kandydaci"))
    assert len(frame_with(at, "status")) == 10  # the demo's partnerships are evaluated
    at.sidebar.pills(key=keys.STATUSES).set_value(["nie spełnia"]).run()
    assert_ok(at)
    assert frame_with(at, "status")["id"].tolist() == ["P06"]
    ocena = run(new_app(page="ocena"))
    assert "Zapisz ocenę" not in [b.label for b in ocena.button]
