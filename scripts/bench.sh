#!/usr/bin/env bash
# make bench: generate synthetic cohorts in a dedicated database (bmtrack_bench) and print the
# benchmark figures (docs/benchmarks.md). Not a test: it prints numbers and never fails on them.
#   BENCH_SIZES="10000 100000"  cohort sizes, each in a freshly created database
#   BENCH_SEED=1  BENCH_REPEAT=100  BENCH_WRK_DURATION=10s  BENCH_GUNICORN_WORKERS=2
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES="${BENCH_SIZES:-10000 100000}"
SEED="${BENCH_SEED:-1}"
DB="${BENCH_DB:-bmtrack_bench}"
ADMIN_URL="postgres://bmtrack:bmtrack@127.0.0.1:5432/postgres"

apt_install() {
    [ -n "${APT_UPDATED:-}" ] || { apt-get update -qq; APT_UPDATED=1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# --- PostgreSQL and Redis, as scripts/test.sh starts them; wrk for the throughput figure ---
command -v pg_ctlcluster >/dev/null || apt_install postgresql
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
    for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -c \
  "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='bmtrack') THEN
     CREATE ROLE bmtrack LOGIN CREATEDB PASSWORD 'bmtrack'; END IF; END\$\$;" >/dev/null
command -v redis-server >/dev/null || apt_install redis-server
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no
    for _ in $(seq 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.5; done
fi
command -v wrk >/dev/null || apt_install wrk
scripts/setup-venv.sh

settle() {
    for _ in $(seq 24); do
        awk '{exit !($1 < 1.0)}' /proc/loadavg && return
        sleep 5
    done
}

export DATABASE_URL="postgres://bmtrack:bmtrack@127.0.0.1:5432/$DB"
# Redis database 8 is the benchmarks' own (the outbox may queue a sender task while generating).
export REDIS_URL="redis://127.0.0.1:6379/8" CELERY_BROKER_URL="redis://127.0.0.1:6379/8"
export BMTRACK_VAR_DIR="$PWD/var/bench" LOG_LEVEL=WARNING DEBUG=0 PYTHONPATH="$PWD"
PY=.venv/bin/python

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM," \
     "$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1); $(psql "$ADMIN_URL" -Atc 'SELECT version()' | cut -d, -f1)"
echo "== $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"

for N in $SIZES; do
    echo
    echo "== cohort of $N patients (seed $SEED), database $DB"
    psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" 2>/dev/null
    redis-cli -n 8 flushdb >/dev/null
    $PY manage.py migrate -v0
    /usr/bin/time -f "generate_cohort: %e s wall, peak RSS of the parent %M KiB" \
        $PY manage.py generate_cohort --patients "$N" --seed "$SEED" --workers 2 --vacuum
    # Measure a settled database, as a hospital's would be: the bulk load vacuumed (above), its dirty
    # pages written out now rather than by a checkpoint in the middle of a timing, and the machine's
    # load from generating allowed to fall back (up to 2 minutes).
    runuser -u postgres -- psql -q -d "$DB" -c CHECKPOINT
    settle
    psql -At "$DATABASE_URL" -c "SELECT 'database size: ' || pg_size_pretty(pg_database_size(current_database()))"
    echo "-- pages and API (in-process, full middleware)"
    $PY -m benchmarks.pages
    echo "-- re-planning one patient after a write"
    $PY -m benchmarks.replan
    echo "-- throughput under gunicorn (wrk, loopback)"
    $PY -m benchmarks.throughput
    if [ -f benchmarks/sweep_and_digest.py ]; then
        echo "-- surveillance sweep and daily digests"
        $PY benchmarks/sweep_and_digest.py
    else
        echo "-- surveillance sweep and daily digests: benchmarks/sweep_and_digest.py not there yet"
    fi
done
redis-cli -n 8 flushdb >/dev/null
