#!/usr/bin/env bash
# Does the project still work with the newest releases its ranges allow? Run before refreshing the
# lock (scripts/lock.sh --upgrade). Builds a throw-away venv from the .in ranges (not the lock),
# runs the whole suite there and prints which versions differ from the lock and what broke.
#     scripts/check_latest.sh [pytest arguments]
set -uo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
# shellcheck disable=SC1091
. "$work/venv/bin/activate"
# The dev ranges without their "-c requirements.txt" line, which would pin everything to the lock.
grep -v '^-c ' requirements-dev.in > "$work/ranges.in"
cp requirements.in "$work/requirements.in"
pip install -q --upgrade -r "$work/ranges.in" || { echo "check_latest: the ranges cannot be installed" >&2; exit 2; }

echo "Versions that differ from requirements-dev.txt (lock → newest allowed):"
pip freeze --exclude-editable > "$work/latest.txt"
python - requirements-dev.txt "$work/latest.txt" <<'PY'
import re, sys
def pins(path):
    out = {}
    for line in open(path, encoding="utf-8"):
        m = re.match(r"([A-Za-z0-9_.-]+)==([^\s;\\]+)", line)
        if m:
            out[re.sub(r"[-_.]+", "-", m[1]).lower()] = m[2]
    return out
locked, latest = pins(sys.argv[1]), pins(sys.argv[2])
diff = [f"  {n} {locked.get(n, '–')} → {latest.get(n, '–')}" for n in sorted(set(locked) | set(latest))
        if locked.get(n) != latest.get(n)]
print("\n".join(diff) or "  (none)")
PY

python -m pytest -q -p no:cacheprovider "$@" 2>&1 | tee "$work/pytest.log" | tail -n 30
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
  echo; echo "check_latest: FAILED with the newest versions – fix the code (or narrow a range) before refreshing the lock:"
  grep -E "^(FAILED|ERROR)" "$work/pytest.log" || true
else
  echo; echo "check_latest: the suite passes with the newest versions; scripts/lock.sh --upgrade may move the lock."
fi
exit "$status"
