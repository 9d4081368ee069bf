#!/usr/bin/env bash
# Fail when a lock does not match its .in files (someone edited ranges without scripts/lock.sh).
#     scripts/check_lock.sh               check both locks
#     scripts/check_lock.sh --print LOCK  print the inputs' SHA-256 for LOCK (used by lock.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

inputs_of() {  # the .in files a lock is generated from (dev includes the runtime ranges)
  case "$1" in
    requirements.txt) echo requirements.in ;;
    requirements-dev.txt) echo requirements-dev.in requirements.in ;;
    *) echo "check_lock.sh: unknown lock $1" >&2; exit 2 ;;
  esac
}
digest() {  # $1 = lock; over the inputs' content, comments and blank lines included
  local files; files=$(inputs_of "$1")
  # shellcheck disable=SC2086
  cat $files | sha256sum | cut -c1-64
}

if [ "${1:-}" = "--print" ]; then digest "$2"; exit 0; fi

status=0
for lock in requirements.txt requirements-dev.txt; do
  want=$(digest "$lock")
  have=$(sed -n 's/^# inputs-sha256: //p' "$lock" 2>/dev/null | tail -n 1)
  if [ "$want" != "$have" ]; then
    echo "check_lock.sh: $lock is out of date with $(inputs_of "$lock") – run scripts/lock.sh" >&2
    status=1
  fi
done
exit $status
