#!/bin/sh
# A throwaway PostgreSQL server for the test suite, independent of Debian's default cluster.
#
#   scripts/pgtest.sh start   initdb + start a cluster in var/pgtest (free port on 127.0.0.1),
#                             create role "tsunagari" (LOGIN CREATEDB, password) and its database
#   scripts/pgtest.sh url     print DATABASE_URL for it (postgres://tsunagari:...@127.0.0.1:PORT/tsunagari)
#   scripts/pgtest.sh stop    stop the server and delete the cluster
#   scripts/pgtest.sh status  exit 0 if it is running
#
# PostgreSQL refuses to run as root: as root the cluster belongs to the "postgres" system user
# (created by Debian's postgresql package) and every server command runs through runuser.
# Otherwise it runs as the current user. Tuned for tests (fsync off): never keep data in it.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PGVERSION=${PGTEST_VERSION:-15}
PGBIN=${PGTEST_BIN:-/usr/lib/postgresql/$PGVERSION/bin}
DBUSER=tsunagari
DBNAME=tsunagari

die() { echo "pgtest: $*" >&2; exit 1; }

[ -x "$PGBIN/initdb" ] || die "$PGBIN/initdb not found: run 'make setup' as root (installs postgresql-$PGVERSION)"

if [ "$(id -u)" = 0 ]; then
    OWNER=postgres
    id "$OWNER" >/dev/null 2>&1 || die "user 'postgres' is missing (it comes with Debian's postgresql package)"
    as_owner() { (cd / && runuser -u "$OWNER" -- "$@"); }
else
    OWNER=$(id -un)
    as_owner() { "$@"; }
fi

# var/pgtest, unless the server's owner cannot reach it (a checkout under a closed directory
# such as /root) or the path is too long for a Unix socket: then a directory in /tmp named
# after the checkout.
mkdir -p "$ROOT/var"
DIR=${PGTEST_DIR:-$ROOT/var/pgtest}
if [ -z "${PGTEST_DIR:-}" ]; then
    if [ ${#DIR} -gt 80 ] || { [ "$OWNER" = postgres ] && ! as_owner test -x "$ROOT/var" 2>/dev/null; }; then
        DIR=/tmp/tsunagari-pgtest-$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)
    fi
fi
STATE=$DIR/state

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

is_running() {
    [ -f "$STATE" ] || return 1
    # shellcheck disable=SC1090
    . "$STATE"
    as_owner "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

load_state() {
    [ -f "$STATE" ] || die "not started (run: scripts/pgtest.sh start)"
    # shellcheck disable=SC1090
    . "$STATE"
}

url() {
    load_state
    echo "postgres://$DBUSER:$PASSWORD@127.0.0.1:$PORT/$DBNAME"
}

stop() {
    if [ -f "$STATE" ]; then
        # shellcheck disable=SC1090
        . "$STATE"
        as_owner "$PGBIN/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$DIR/data" "$DIR/run" "$DIR/state" "$DIR/superpw" "$DIR/initdb.log" "$DIR/server.log"
    rmdir "$DIR" 2>/dev/null || true
}

start() {
    if is_running; then
        echo "pgtest: already running on 127.0.0.1:$PORT" >&2
        return 0
    fi
    stop  # leftovers of a run that was killed
    mkdir -p "$DIR"
    DATA=$DIR/data
    SOCKETS=$DIR/run
    mkdir -p "$DATA" "$SOCKETS"
    chmod 700 "$DATA"
    if [ "$OWNER" = postgres ]; then
        chown -R postgres:postgres "$DIR"
        as_owner test -w "$DATA" || die "user postgres cannot write $DATA; set PGTEST_DIR to a directory it can reach"
    fi
    PORT=$(free_port)
    PASSWORD=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
    printf '%s\n' "$PASSWORD" >"$DIR/superpw"
    chmod 600 "$DIR/superpw"
    [ "$OWNER" = postgres ] && chown postgres "$DIR/superpw"

    as_owner "$PGBIN/initdb" -D "$DATA" -U postgres --pwfile="$DIR/superpw" -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >"$DIR/initdb.log" 2>&1 \
        || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
    rm -f "$DIR/superpw"
    cat >>"$DATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$SOCKETS'
max_connections = 50
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 128MB
log_min_messages = warning
EOF
    as_owner "$PGBIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 60 start >/dev/null \
        || { cat "$DIR/server.log" >&2; die "server did not start"; }
    cat >"$STATE" <<EOF
DATA='$DATA'
SOCKETS='$SOCKETS'
PORT='$PORT'
PASSWORD='$PASSWORD'
EOF
    chmod 600 "$STATE"
    as_owner "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKETS" -p "$PORT" -U postgres -d postgres \
        -c "CREATE ROLE $DBUSER LOGIN CREATEDB PASSWORD '$PASSWORD'" \
        -c "CREATE DATABASE $DBNAME OWNER $DBUSER" >/dev/null
    echo "pgtest: PostgreSQL $PGVERSION running on 127.0.0.1:$PORT (cluster in $DIR)" >&2
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    url) url ;;
    status) is_running ;;
    *) die "usage: $0 start|stop|url|status" ;;
esac
