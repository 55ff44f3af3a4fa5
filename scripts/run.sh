#!/bin/sh
# make run: migrate, load the demo data, serve with gunicorn like production (DEBUG off,
# static files from WhiteNoise) on http://127.0.0.1:${PORT:-8000}/, with a background-task worker.
set -eu
cd "$(dirname "$0")/.."

PY=.venv/bin/python
export PORT="${PORT:-8000}"
export DEBUG=0
export TSUNAGARI_DEMO="${TSUNAGARI_DEMO:-1}"
# Keep database connections between requests: with SQLite, closing the last connection after
# every request checkpoints the WAL each time (measured in bench/bench_line_webhook.py).
export DB_CONN_MAX_AGE="${DB_CONN_MAX_AGE:-60}"
export SITE_URL="${SITE_URL:-http://127.0.0.1:$PORT}"

if "$PY" -c 'import socket, sys; s = socket.socket(); sys.exit(s.connect_ex(("127.0.0.1", int(sys.argv[1]))) != 0)' "$PORT"; then
    echo "run: port $PORT is already in use; choose another with: make run PORT=8001" >&2
    exit 1
fi

"$PY" manage.py migrate --noinput -v 1
"$PY" manage.py createcachetable
if "$PY" manage.py help load_demo >/dev/null 2>&1; then
    "$PY" manage.py load_demo
else
    echo "run: no load_demo command yet; create a platform with: $PY manage.py create_platform --help"
fi

# Mail: unless EMAIL_HOST is set, a local catcher on loopback receives every mail the demo sends
# and keeps it as a file in var/mail/ (the staff page 送信メール shows the same mails).
if [ -z "${EMAIL_HOST:-}" ]; then
    MAIL_PORT="${MAIL_PORT:-$((PORT + 25))}"
    export EMAIL_HOST=127.0.0.1 EMAIL_PORT="$MAIL_PORT" EMAIL_USE_TLS=0 EMAIL_HOST_USER= EMAIL_HOST_PASSWORD=
    "$PY" manage.py mail_catcher --port "$MAIL_PORT" --dir var/mail &
    CATCHER=$!
else
    CATCHER=
fi

# Started again 2 s after it exits, as systemd's Restart=always does in production
# (deploy/systemd/): db_worker exits when its database connection is lost, and LINE events
# would otherwise wait unprocessed until the next `make run`.
supervise() {
    while :; do
        "$@" || true
        echo "run: '$*' exited; starting it again in 2 s" >&2
        sleep 2
    done
}
# Stops a supervise loop and what it runs (the loop first, so that it starts nothing again).
stop_supervised() {
    for loop in "$@"; do
        children=$(pgrep -P "$loop" 2>/dev/null || true)
        kill "$loop" $children 2>/dev/null || true
    done
}

# Background tasks (django-tasks, database backend): one worker for LINE webhook events,
# message delivery and mail, and one for imports (a long import never delays a LINE answer).
# They stop when the server stops.
supervise "$PY" manage.py db_worker --queue-name default,consultations,mail --no-reload &
WORKER=$!
supervise "$PY" manage.py db_worker --queue-name imports --no-reload &
WORKER="$WORKER $!"
# The periodic jobs of operations/schedule.py (retention, referral chasers, retries, ...).
supervise "$PY" manage.py run_scheduler &
SCHEDULER=$!
trap 'stop_supervised $WORKER "$SCHEDULER"; kill $CATCHER 2>/dev/null || true' EXIT INT TERM

.venv/bin/gunicorn -c scripts/gunicorn.conf.py tsunagari.wsgi:application
