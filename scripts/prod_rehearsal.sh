#!/bin/sh
# make prod-rehearsal: production on loopback, from Debian packages and this repository alone.
#
# Starts PostgreSQL (a throwaway cluster, scripts/pgtest.sh), two gunicorn web processes, the
# task worker, the imports worker, the scheduler, a fake LINE platform and nginx as the TLS-terminating reverse
# proxy (deploy/nginx/tsunagari.conf with a self-signed certificate), all with production
# settings (DEBUG off, secure cookies, HSTS, SSL redirect, client address from the trusted proxy
# only, keys from the environment); runs scripts/smoke.py through nginx; stops everything.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=$ROOT/.venv/bin/python
R=$ROOT/var/rehearsal
rm -rf "$R"
mkdir -p "$R/var" "$R/nginx/logs" "$R/logs"

say() { echo "rehearsal: $*"; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    if [ "$(id -u)" = 0 ]; then
        say "installing Debian's nginx"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null 2>&1 \
            || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
    else
        echo "rehearsal: nginx is missing: sudo apt-get install nginx-light" >&2
        exit 1
    fi
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

PIDS=""
cleanup() {
    status=$?
    say "stopping"
    [ -f "$R/nginx/nginx.pid" ] && "$NGINX" -p "$R/nginx" -c "$R/nginx/nginx.conf" -s stop 2>/dev/null || true
    for pid in $PIDS; do kill "$pid" 2>/dev/null || true; done
    sleep 1
    for pid in $PIDS; do kill -9 "$pid" 2>/dev/null || true; done
    PGTEST_DIR="$R/pg" sh scripts/pgtest.sh stop >/dev/null 2>&1 || true
    if [ "$status" -ne 0 ]; then
        say "FAILED; the processes' logs:"
        for log in "$R"/logs/*.log "$R"/nginx/logs/error.log; do
            [ -s "$log" ] && { echo "--- $log"; tail -n 30 "$log"; }
        done
    fi
    exit "$status"
}
trap cleanup EXIT INT TERM

HTTP_PORT=$(free_port); HTTPS_PORT=$(free_port); WEB1=$(free_port); WEB2=$(free_port); LINE_PORT=$(free_port)

say "PostgreSQL"
PGTEST_DIR="$R/pg" sh scripts/pgtest.sh start >/dev/null
DATABASE_URL=$(PGTEST_DIR="$R/pg" sh scripts/pgtest.sh url)

# Production settings, keys from the environment (never generated into var/).
export DATABASE_URL DEBUG=0 TSUNAGARI_DEMO=0 TSUNAGARI_VAR_DIR="$R/var"
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(64))')
CONSULTATION_KEYS=$("$PY" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')
CONSULTATION_INDEX_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(32))')
export SECRET_KEY CONSULTATION_KEYS CONSULTATION_INDEX_KEY
export ALLOWED_HOSTS=127.0.0.1,localhost SITE_URL="https://127.0.0.1:$HTTPS_PORT"
export CSRF_TRUSTED_ORIGINS="https://127.0.0.1:$HTTPS_PORT"
export BEHIND_TLS_PROXY=1 TRUSTED_PROXIES=127.0.0.1 SECURE_COOKIES=1 SECURE_SSL_REDIRECT=1 SECURE_HSTS_SECONDS=3600
export LINE_API_BASE="http://127.0.0.1:$LINE_PORT" LINE_API_DATA_BASE="http://127.0.0.1:$LINE_PORT"
export DB_CONN_MAX_AGE=60 LOG_FORMAT=json WEB_CONCURRENCY=2 STATIC_MANIFEST=1
export EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend EMAIL_FILE_PATH="$R/mail"

say "migrate, demo data, static files"
"$PY" manage.py check --deploy --fail-level ERROR >"$R/logs/check.log" 2>&1 || { cat "$R/logs/check.log"; exit 1; }
"$PY" manage.py migrate --noinput >"$R/logs/migrate.log" 2>&1
"$PY" manage.py createcachetable >>"$R/logs/migrate.log" 2>&1
"$PY" manage.py load_demo >"$R/logs/demo.log" 2>&1
"$PY" manage.py collectstatic --noinput >"$R/logs/static.log" 2>&1
"$PY" manage.py check --deploy --database default --fail-level ERROR >>"$R/logs/check.log" 2>&1

say "certificate"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$R/nginx/key.pem" -out "$R/nginx/cert.pem" >/dev/null 2>&1

say "fake LINE platform, task worker, imports worker, scheduler, two web processes"
"$PY" manage.py line_fake_server --port "$LINE_PORT" >"$R/logs/line.log" 2>&1 & PIDS="$PIDS $!"
"$PY" manage.py db_worker --queue-name default,consultations,mail --no-reload >"$R/logs/worker.log" 2>&1 & PIDS="$PIDS $!"
"$PY" manage.py db_worker --queue-name imports --no-reload >"$R/logs/imports.log" 2>&1 & PIDS="$PIDS $!"
"$PY" manage.py run_scheduler --interval 5 >"$R/logs/scheduler.log" 2>&1 & PIDS="$PIDS $!"
PORT=$WEB1 .venv/bin/gunicorn -c scripts/gunicorn.conf.py --pid "$R/web1.pid" tsunagari.wsgi:application >"$R/logs/web1.log" 2>&1 & PIDS="$PIDS $!"
PORT=$WEB2 .venv/bin/gunicorn -c scripts/gunicorn.conf.py --pid "$R/web2.pid" tsunagari.wsgi:application >"$R/logs/web2.log" 2>&1 & PIDS="$PIDS $!"

wait_for() {  # URL: until it answers 200 (at most 180 s)
    "$PY" - "$1" <<'WAIT'
import sys, time, urllib.request
deadline = time.monotonic() + 180
while True:
    try:
        with urllib.request.urlopen(sys.argv[1], timeout=5) as response:
            if response.status == 200:
                break
    except OSError:
        pass
    if time.monotonic() > deadline:
        sys.exit(f"rehearsal: {sys.argv[1]} did not answer in 180 s")
    time.sleep(0.5)
WAIT
}
wait_for "http://127.0.0.1:$WEB1/healthz"
wait_for "http://127.0.0.1:$WEB2/healthz"

say "nginx"
sed -e "s|@@WEB1_PORT@@|$WEB1|; s|@@WEB2_PORT@@|$WEB2|; s|@@HTTP_LISTEN@@|127.0.0.1:$HTTP_PORT|" \
    -e "s|@@HTTPS_LISTEN@@|127.0.0.1:$HTTPS_PORT|; s|@@HTTPS_PORT@@|$HTTPS_PORT|" \
    -e "s|@@SERVER_NAME@@|127.0.0.1 localhost|g; s|@@CERT@@|$R/nginx/cert.pem|; s|@@KEY@@|$R/nginx/key.pem|" \
    deploy/nginx/tsunagari.conf >"$R/nginx/site.conf"
cat >"$R/nginx/nginx.conf" <<CONF
worker_processes 2;
pid $R/nginx/nginx.pid;
error_log $R/nginx/logs/error.log warn;
events { worker_connections 512; }
http {
    access_log $R/nginx/logs/access.log;
    client_body_temp_path $R/nginx/tmp_body;
    proxy_temp_path $R/nginx/tmp_proxy;
    fastcgi_temp_path $R/nginx/tmp_fastcgi;
    uwsgi_temp_path $R/nginx/tmp_uwsgi;
    scgi_temp_path $R/nginx/tmp_scgi;
    include $R/nginx/site.conf;
}
CONF
"$NGINX" -p "$R/nginx" -c "$R/nginx/nginx.conf" -t >"$R/logs/nginx-test.log" 2>&1 || { cat "$R/logs/nginx-test.log"; exit 1; }
"$NGINX" -p "$R/nginx" -c "$R/nginx/nginx.conf"

say "smoke test through nginx (https://127.0.0.1:$HTTPS_PORT/)"
SSL_CERT_FILE="$R/nginx/cert.pem" "$PY" scripts/smoke.py \
    --https "https://127.0.0.1:$HTTPS_PORT" --http "http://127.0.0.1:$HTTP_PORT" \
    --line "http://127.0.0.1:$LINE_PORT" --web "http://127.0.0.1:$WEB1" --cafile "$R/nginx/cert.pem"
say "passed"
