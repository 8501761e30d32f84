#!/usr/bin/env bash
# Sets up and runs bmtrack on the embedded default: SQLite under var/, kombu's filesystem broker,
# emails written to var/mail. Starts a Celery worker and beat in the background and the web
# server in the foreground; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-venv.sh

# Nothing set: the embedded default. (Unset what would switch to servers.)
unset DATABASE_URL REDIS_URL CELERY_BROKER_URL EMAIL_HOST
PORT="${PORT:-8000}"
PY=.venv/bin/python
VAR="${BMTRACK_VAR_DIR:-$PWD/var}"
export BMTRACK_VAR_DIR="$VAR"
mkdir -p "$VAR/log"

$PY manage.py migrate --noinput -v 0
$PY manage.py setup_periodic_tasks
if [ ! -f "$VAR/.demo-loaded" ]; then
    $PY manage.py load_demo_data --write-credentials "$VAR/demo-logins.txt"
    touch "$VAR/.demo-loaded"
else
    # Data from an earlier version: recompute GPA, RANO-BM and the plans under the current rules.
    $PY manage.py run_surveillance --replan-all >/dev/null
fi

.venv/bin/celery -A bmtrack worker --loglevel=INFO --concurrency=2 >"$VAR/log/worker.log" 2>&1 &
WORKER=$!
.venv/bin/celery -A bmtrack beat --loglevel=INFO --pidfile= >"$VAR/log/beat.log" 2>&1 &
BEAT=$!
WEB=""
stop_background() {
    trap - EXIT INT TERM
    kill $WEB $WORKER $BEAT 2>/dev/null || true
    for _ in $(seq 20); do
        kill -0 $WORKER 2>/dev/null || kill -0 $BEAT 2>/dev/null || kill -0 ${WEB:-$BEAT} 2>/dev/null || return 0
        sleep 0.5
    done
    kill -9 $WEB $WORKER $BEAT 2>/dev/null || true
}
trap stop_background EXIT INT TERM

echo
echo "bmtrack is running at http://127.0.0.1:${PORT}/"
echo "Demo logins (also in $VAR/demo-logins.txt):"
sed 's/^/  /' "$VAR/demo-logins.txt"
echo "Worker and beat logs: $VAR/log/. Emails: $VAR/mail/."
echo
# In the background with `wait`, so that Ctrl-C or a TERM to this script stops all three at once.
$PY manage.py runserver "127.0.0.1:${PORT}" --noreload &
WEB=$!
wait $WEB
