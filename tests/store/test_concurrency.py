"""Several server processes, one database: two OS processes with 10 sessions (threads) each save in
a bounded loop; conflicts are rebased and retried as the page does. Nothing is lost: every accepted
save is one version step, one history entry and — unless a later save of the same criterion
replaced it — the stored value."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from cwd.auth import CONSOLE, Role
from cwd.criteria import CRITERIA_IDS
from cwd.paths import ROOT

PROCESSES, SESSIONS, ROUNDS = 2, 10, 6
PIDS = ["P01", "P02", "P03"]  # few partnerships: sessions collide often

_WORKER = textwrap.dedent(
    """
    import json, random, sys, threading
    from cwd.auth import Identity, Role
    from cwd.criteria import CRITERIA_IDS
    from cwd.drafts import Draft
    from cwd.store import ConflictError, LockedError, UnavailableError, open_store

    url, nabor, proc, sessions, rounds, pids = (sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]),
                                                int(sys.argv[5]), sys.argv[6].split(","))
    store = open_store(url)  # one store per process, shared by its sessions (as Streamlit does)
    store.assessments(nabor)
    print("ready", flush=True)
    sys.stdin.readline()
    accepted, refused, retried = [], [], [0]
    lock = threading.Lock()

    def session(k):
        me = Identity(f"osoba-{proc}-{k}", f"Osoba {proc}-{k}", Role.ASSESSOR)
        rnd = random.Random(f"{proc}-{k}")
        for i in range(rounds):
            pid, criterion = rnd.choice(pids), rnd.choice(CRITERIA_IDS)
            token = f"{proc}-{k}-{i}"
            draft = Draft.from_stored(nabor, store.assessment(nabor, pid))
            draft = draft.with_value(criterion, rnd.choice([0, 1])).with_comment(criterion, token)
            for attempt in range(50):
                try:
                    saved = store.save(nabor, pid, draft.changes(), actor=me, expected_version=draft.base_version,
                                       row_hash=None)
                except ConflictError as exc:
                    draft = draft.rebase(exc.current).draft  # the edit stays; retry on the fresh base
                    with lock:
                        retried[0] += 1
                    continue
                except (LockedError, UnavailableError):
                    continue  # busy: the edit is still in the draft, try again
                with lock:
                    accepted.append([pid, saved.version, criterion, token, me.login])
                break
            else:
                with lock:
                    refused.append(token)

    threads = [threading.Thread(target=session, args=(k,)) for k in range(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store.dispose()
    print(json.dumps({"accepted": accepted, "refused": refused, "retried": retried[0]}), flush=True)
    """
)


def test_twenty_sessions_in_two_processes_lose_nothing(backend, store, people, nabor):
    for p in range(PROCESSES):
        for k in range(SESSIONS):
            store.add_user(f"osoba-{p}-{k}", f"Osoba {p}-{k}", Role.ASSESSOR, password="x" * 12, actor=CONSOLE)
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    workers = [
        subprocess.Popen([sys.executable, "-c", _WORKER, backend.url, nabor, str(p), str(SESSIONS), str(ROUNDS),
                          ",".join(PIDS)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, cwd=ROOT, env=env)
        for p in range(PROCESSES)
    ]
    results = []
    try:
        for w in workers:
            line = w.stdout.readline()
            assert line.strip() == "ready", f"worker did not start: {line!r} {w.stderr.read()}"
        for w in workers:  # release them together
            w.stdin.write("go\n")
            w.stdin.flush()
        for w in workers:
            out, err = w.communicate(timeout=600)  # a hang guard only
            assert w.returncode == 0, err
            results.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
                w.wait()

    accepted = [tuple(a) for r in results for a in r["accepted"]]
    assert [t for r in results for t in r["refused"]] == []  # every edit got in, retried if need be
    assert len(accepted) == PROCESSES * SESSIONS * ROUNDS

    stored = store.assessments(nabor)
    history = store.history(nabor)
    # one accepted save = one version step of its partnership
    assert sum(a.version for a in stored.values()) == len(accepted)
    for pid in {a[0] for a in accepted}:
        assert sorted(a[1] for a in accepted if a[0] == pid) == list(range(1, stored[pid].version + 1))
    # … and one history entry, by the person who saved, with the comment they wrote
    by_token = {e.comment: e for e in history}
    assert len(history) == len(accepted) == len(by_token)
    for pid, version, criterion, token, login in accepted:
        entry = by_token[token]
        assert (entry.partnership_id, entry.version, entry.criterion, entry.assessor_login) == (
            pid, version, criterion, login)
    # the stored comment of each criterion is the one of its latest accepted save
    for pid, a in stored.items():
        for c in CRITERIA_IDS:
            saves = sorted((v, tok) for p, v, crit, tok, _ in accepted if p == pid and crit == c)
            assert a.comments[c] == (saves[-1][1] if saves else "")
