#!/usr/bin/env bash
# Before/after on this noisy VM: alternate `python -m benchmarks.pages` at BASE (a git worktree) and at
# the working tree, against the bench database that `make bench` left (docs/benchmarks.md, "Reading the
# figures"). Absolute times drift by a quarter within an hour here; alternated pairs do not.
#   scripts/bench-ab.sh BASE_COMMIT [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
BASE="${1:?usage: scripts/bench-ab.sh BASE_COMMIT [ROUNDS]}"
ROUNDS="${2:-3}"
export DATABASE_URL="${DATABASE_URL:-postgres://bmtrack:bmtrack@127.0.0.1:5432/bmtrack_bench}"
export REDIS_URL="redis://127.0.0.1:6379/8" CELERY_BROKER_URL="redis://127.0.0.1:6379/8"
export BMTRACK_VAR_DIR="$PWD/var/bench" LOG_LEVEL=WARNING DEBUG=0
TREE="$(mktemp -d)/base"
git worktree add -q --detach "$TREE" "$BASE"
trap 'git worktree remove --force "$TREE"' EXIT
for round in $(seq "$ROUNDS"); do
    for side in base main; do
        dir="$PWD"; [ "$side" = base ] && dir="$TREE"
        (cd "$dir" && PYTHONPATH="$dir" "$OLDPWD/.venv/bin/python" -m benchmarks.pages 2>&1 | grep " page" |
            sed "s/^/round $round $side: /")
    done
done
