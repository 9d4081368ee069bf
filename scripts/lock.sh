#!/usr/bin/env bash
# Regenerate the locks (exact pins with hashes) from the human-edited ranges:
#     requirements.in      -> requirements.txt      (what `pip install -r requirements.txt` installs)
#     requirements-dev.in  -> requirements-dev.txt  (the same pins plus the test tools)
# Needs pip-tools (`pip install pip-tools`). Existing pins are kept unless a range excludes them;
# `scripts/lock.sh --upgrade` moves every pin to the newest release the ranges allow (run
# scripts/check_latest.sh first). Each lock records the SHA-256 of its inputs: .ci/run refuses a lock
# that is older than the .in files (scripts/check_lock.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export CUSTOM_COMPILE_COMMAND="scripts/lock.sh"
opts=(--quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links
      --no-emit-trusted-host --resolver=backtracking "$@")
pip-compile "${opts[@]}" --output-file requirements.txt requirements.in
pip-compile "${opts[@]}" --output-file requirements-dev.txt requirements-dev.in
for lock in requirements.txt requirements-dev.txt; do
  sum=$(bash scripts/check_lock.sh --print "$lock")
  sed -i '/^# inputs-sha256: /d' "$lock"
  printf '# inputs-sha256: %s\n' "$sum" >> "$lock"
done
bash scripts/check_lock.sh
