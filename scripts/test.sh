#!/usr/bin/env bash
# Sets up and runs the whole test suite on real PostgreSQL and Redis, starting them (and
# installing them from Debian's packages) when they are not running. CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
    [ -n "${APT_UPDATED:-}" ] || { apt-get update -qq; APT_UPDATED=1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# --- PostgreSQL ---
command -v pg_ctlcluster >/dev/null || apt_install postgresql
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
    for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
# A role with a password works under both trust (this machine) and Debian's default scram auth.
runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -c \
  "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='bmtrack') THEN
     CREATE ROLE bmtrack LOGIN CREATEDB PASSWORD 'bmtrack'; END IF; END\$\$;" >/dev/null
runuser -u postgres -- psql -q -tc "SELECT 1 FROM pg_database WHERE datname='bmtrack'" | grep -q 1 ||
    runuser -u postgres -- createdb -O bmtrack bmtrack

# --- Redis ---
command -v redis-server >/dev/null || apt_install redis-server
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no
    for _ in $(seq 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.5; done
fi

# --- Orthanc with its DICOMweb plugin: the PACS of the bmtrack.pacs tests (started by the tests) ---
command -v Orthanc >/dev/null || apt_install orthanc
dpkg -s orthanc-dicomweb >/dev/null 2>&1 || apt_install orthanc-dicomweb

# --- Browser and PDF tools for the end-to-end and packet tests ---
command -v chromium >/dev/null || apt_install chromium
command -v pdftoppm >/dev/null || apt_install poppler-utils

scripts/setup-venv.sh dev

export DATABASE_URL="postgres://bmtrack:bmtrack@127.0.0.1:5432/bmtrack"
export REDIS_URL="redis://127.0.0.1:6379/0"
export CELERY_BROKER_URL="redis://127.0.0.1:6379/1"
export BMTRACK_VAR_DIR="${BMTRACK_VAR_DIR:-$PWD/var/test}"
PY=.venv/bin/python

$PY manage.py check --fail-level WARNING
$PY manage.py makemigrations --check --dry-run >/dev/null || {
    echo "Model changes without a migration:"; $PY manage.py makemigrations --check --dry-run; exit 1; }
.venv/bin/ruff check .
# The layers of docs/architecture.md (contract in pyproject.toml).
.venv/bin/lint-imports --no-cache

# pytest's exit code 5 (no tests collected) must fail, as any other non-zero code does.
set +e
.venv/bin/pytest -p no:cacheprovider "$@"
status=$?
set -e
if [ $status -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi
exit $status
