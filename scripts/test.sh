#!/bin/sh
# make test: lint, type check, deploy check, migrations check, then the whole pytest suite on
# SQLite and again on a throwaway PostgreSQL 15 server. Every step runs even when an earlier
# one failed, so one run shows everything that is wrong; the exit code is non-zero if any
# fatal step failed. A summary with the time of each step is printed at the end.
#
#   scripts/test.sh [all|lint|mypy|deploy|migrations|audit|sqlite|pg]   (default: all)
#
# Environment: PYTEST_WORKERS (default 2; 0 = no xdist), PYTEST_ARGS (extra pytest arguments),
# MYPY_FATAL (default 1; 0 reports mypy errors without failing the run).
set -u
cd "$(dirname "$0")/.." || exit 2

BIN=.venv/bin
PY=$BIN/python
WORKERS=${PYTEST_WORKERS:-2}
MYPY_FATAL=${MYPY_FATAL:-1}
# Deploy-check warnings accepted on purpose (see README, "Checks in make test").
DEPLOY_ALLOWED_WARNINGS="security.W005 security.W021"

summary=""
rc=0

step() {  # step NAME FATAL COMMAND...
    name=$1 fatal=$2
    shift 2
    printf '\n=== %s\n' "$name"
    t0=$(date +%s)
    "$@"
    code=$?
    if [ "$code" = 0 ]; then
        status=ok
    elif [ "$code" = 3 ]; then
        status="NOT RUN (see log)"
    elif [ "$fatal" = 1 ]; then
        status=FAILED
        rc=1
    else
        status="FAILED (non-fatal)"
    fi
    summary="$summary$(printf '\n  %-28s %-20s %4ss' "$name" "$status" $(($(date +%s) - t0)))"
}

pytest_cmd() {
    if [ "$WORKERS" -gt 0 ] 2>/dev/null; then
        set -- -n "$WORKERS" --dist loadscope "$@"
    fi
    # shellcheck disable=SC2086
    "$BIN/pytest" -q -r fE --durations=10 "$@" ${PYTEST_ARGS:-}
}

lint() {
    ok=0
    "$BIN/ruff" check . || ok=1
    "$BIN/ruff" format --check . || ok=1
    return "$ok"
}

types() {
    "$BIN/mypy" --cache-dir var/cache/mypy .
}

deploy_check() {
    # A production start: every secret given (tsunagari.E001 otherwise), the demo off (E002).
    out=$(env -u TSUNAGARI_DEMO SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(64))')" \
        CONSULTATION_KEYS="$("$PY" -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())')" \
        CONSULTATION_INDEX_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(32))')" \
        DEBUG=0 ALLOWED_HOSTS=tsunagari.example.jp CSRF_TRUSTED_ORIGINS=https://tsunagari.example.jp \
        SECURE_COOKIES=1 SECURE_SSL_REDIRECT=1 SECURE_HSTS_SECONDS=31536000 BEHIND_TLS_PROXY=1 TRUSTED_PROXIES=127.0.0.1 \
        "$PY" manage.py check --deploy --fail-level ERROR 2>&1)
    status=$?
    echo "$out"
    [ "$status" = 0 ] || return 1
    unexpected=""
    for id in $(echo "$out" | grep -oE '\([a-z_.]+\.W[0-9]+\)' | tr -d '()' | sort -u); do
        case " $DEPLOY_ALLOWED_WARNINGS " in
            *" $id "*) ;;
            *) unexpected="$unexpected $id" ;;
        esac
    done
    if [ -n "$unexpected" ]; then
        echo "check --deploy: unexpected warnings:$unexpected"
        return 1
    fi
    echo "check --deploy: no errors; accepted warnings: $DEPLOY_ALLOWED_WARNINGS"
}

dependency_audit() {
    # pip-audit of the pinned requirements (issue 16), asking PyPI's JSON API about each pinned
    # version (pip-audit has no offline database). pip-audit reports "No known vulnerabilities"
    # and exits 0 even when PyPI could not be asked about any package (a registry mirror without
    # the per-version API, no network): its JSON report is read instead, and the step answers
    #   0  every package audited, no known vulnerability
    #   1  a known vulnerability (fatal), or pip-audit itself failed
    #   3  not every package could be audited (NOT RUN in the summary, not fatal; the log says which)
    report=var/pip-audit.json
    mkdir -p var
    "$BIN/pip-audit" --progress-spinner off --timeout 5 --no-deps --disable-pip -r requirements.txt -r requirements-dev.txt \
        --format json --output "$report" 2>&1 | grep -v "hash\|pip-compile" || true
    [ -s "$report" ] || { echo "pip-audit wrote no report"; return 1; }
    "$PY" scripts/audit_report.py "$report"
}

migrations_check() {
    "$PY" manage.py makemigrations --check --dry-run
}

suite_sqlite() {
    pytest_cmd
}

PG_STARTED=0
stop_pg() {
    if [ "$PG_STARTED" = 1 ]; then
        sh scripts/pgtest.sh stop
        PG_STARTED=0
    fi
}

suite_pg() {
    if ! sh scripts/pgtest.sh status; then
        sh scripts/pgtest.sh start || return 1
        PG_STARTED=1
    fi
    DATABASE_URL=$(sh scripts/pgtest.sh url) pytest_cmd
    status=$?
    stop_pg
    return "$status"
}

trap 'stop_pg' EXIT
trap 'stop_pg; exit 130' INT TERM

what=${1:-all}
# only NAME LABEL FATAL COMMAND: the step, when the argument is "all" or NAME.
only() {
    case "$what" in
        all | "$1")
            shift
            step "$@"
            ;;
    esac
}

only lint "ruff check + format" 1 lint
only mypy "mypy (django-stubs)" "$MYPY_FATAL" types
only deploy "check --deploy" 1 deploy_check
only migrations "makemigrations --check" 1 migrations_check
only audit "pip-audit (requirements)" 1 dependency_audit
only sqlite "pytest on SQLite" 1 suite_sqlite
only pg "pytest on PostgreSQL 15" 1 suite_pg
case "$what" in
    all | lint | mypy | deploy | migrations | audit | sqlite | pg) ;;
    *)
        echo "usage: $0 [all|lint|mypy|deploy|migrations|audit|sqlite|pg]" >&2
        exit 2
        ;;
esac

printf '\n=== summary%s\n' "$summary"
if [ $rc = 0 ]; then echo "test ($what): passed"; else echo "test ($what): FAILED"; fi
exit $rc
