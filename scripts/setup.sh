#!/bin/sh
# make setup: Debian packages (as root, only the missing ones), .venv, Python packages,
# compiled messages and collected static files. Every step is skipped when nothing it
# depends on changed, so a second run takes well under a second.
set -eu
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv
VAR=${TSUNAGARI_VAR_DIR:-var}

say() { echo "setup: $*"; }
sha() { sha256sum | cut -c1-16; }

# --- 1. Debian packages ------------------------------------------------------------------
DEB_PACKAGES="postgresql chromium clamav fonts-noto-cjk gettext libpango-1.0-0 libpangoft2-1.0-0 poppler-utils procps r-cran-survey"
# Debian's python3 needs python3-venv for `python3 -m venv` (pyenv builds have ensurepip).
if ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    DEB_PACKAGES="python3-venv $DEB_PACKAGES"
fi
if command -v dpkg-query >/dev/null 2>&1; then
    missing=""
    for pkg in $DEB_PACKAGES; do
        status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
        [ "$status" = installed ] || missing="$missing $pkg"
    done
    if [ -n "$missing" ]; then
        if [ "$(id -u)" = 0 ]; then
            say "installing Debian packages:$missing"
            export DEBIAN_FRONTEND=noninteractive
            apt-get update -qq
            # shellcheck disable=SC2086
            apt-get install -y -qq $missing >/dev/null
        else
            say "WARNING: missing Debian packages:$missing" >&2
            say "         install them with: sudo apt-get install$missing" >&2
        fi
    fi
else
    say "WARNING: not a Debian system; install PostgreSQL 15, Chromium, Noto CJK fonts and gettext yourself" >&2
fi

# --- 2. Virtual environment --------------------------------------------------------------
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || { echo "setup: $PYTHON is $("$PYTHON" -V 2>&1); tsunagari needs Python 3.11 or newer" >&2; exit 1; }
if ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    [ -d "$VENV" ] && say "recreating broken $VENV"
    rm -rf "$VENV"
    say "creating $VENV with $("$PYTHON" -V 2>&1)"
    "$PYTHON" -m venv "$VENV"
fi

# --- 3. Python packages (stamp keyed on the requirements files and the interpreter) -------
pip_key=$( (cat requirements.txt requirements-dev.txt; "$VENV/bin/python" -VV) | sha)
if [ ! -f "$VENV/.stamp-pip-$pip_key" ]; then
    say "installing requirements-dev.txt"
    "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -q -r requirements-dev.txt
    rm -f "$VENV"/.stamp-pip-*
    touch "$VENV/.stamp-pip-$pip_key"
fi

# --- 4. Translations: compile when a .po file is newer than its .mo ------------------------
if [ -d locale ]; then
    stale=$(find . \( -path ./.venv -o -path ./var -o -path ./.git -o -path ./node_modules \) -prune \
        -o -name '*.po' -path '*/locale/*' -print | while read -r po; do
            mo=${po%.po}.mo
            if [ ! -f "$mo" ] || [ "$po" -nt "$mo" ]; then echo "$po"; fi
        done)
    if [ -n "$stale" ]; then
        say "compiling messages"
        "$VENV/bin/python" manage.py compilemessages -v 0 --ignore=.venv --ignore=var --ignore=node_modules
    fi
fi

# --- 5. Static files (stamp keyed on every static source file and the packages) -----------
static_key=$( (echo "$VAR" "$pip_key"; find . \( -path ./.venv -o -path ./var -o -path ./.git \) -prune \
    -o -path '*/static/*' -type f -printf '%p %s %T@\n' | sort) | sha)
if [ ! -f "$VENV/.stamp-static-$static_key" ] || [ ! -f "$VAR/static/staticfiles.json" ]; then
    say "collecting static files"
    "$VENV/bin/python" manage.py collectstatic --noinput --clear -v 0
    rm -f "$VENV"/.stamp-static-*
    touch "$VENV/.stamp-static-$static_key"
fi
say "ready"
