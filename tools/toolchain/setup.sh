#!/usr/bin/env bash
# Idempotent set-up, run first by every make target. Quick (about a second) once done.
#   1. .venv with `pip install -e .[dev]` (re-run when pyproject.toml changes)
#   2. `npm ci` (re-run when package-lock.json changes): solc-js, anvil, OpenZeppelin
#   3. the offline compiler and the `bazaar-dev` anvil network (tools/toolchain/offline.py)
#   4. PostgreSQL's server binaries (Debian's package) for the index tests, when missing
#   5. Chromium (Debian's package) for the browser tests, when missing
# Touches only this folder, ~/.brownie, the py-solc-x folder (~/.solcx or $SOLCX_BINARY_PATH)
# and, as root where PostgreSQL or Chromium is missing, the system packages (steps 4 and 5).
set -euo pipefail
cd "$(dirname "$0")/../.."

PYTHON=${PYTHON:-python3}
need() { command -v "$1" >/dev/null 2>&1 || { echo "setup: '$1' not found on PATH; $2" >&2; exit 1; }; }
need "$PYTHON" "install Python 3.11 or newer (or set PYTHON=/path/to/python3)"
need node "install Node.js 20 or newer with npm"
need npm "install npm (it ships with Node.js)"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "setup: Python 3.11+ needed, found $("$PYTHON" --version 2>&1)" >&2; exit 1; }

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.bazaar-pyproject.sha256
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: pip install -e .[dev] (first run takes about a minute)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
  echo "$want" >"$stamp"
fi

# npm writes node_modules/.package-lock.json on every install; older than the lock = stale.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --no-update-notifier --loglevel=error
fi

.venv/bin/python -m tools.toolchain.offline setup

# 4. PostgreSQL's server binaries for the index tests, which start their own throwaway server
#    (tests/support/postgres.py): Debian's package, installed where missing when we may.
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && ! command -v initdb >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: apt-get install postgresql (for the index tests)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "setup: warning: no PostgreSQL server binaries; the index tests need them (sudo apt-get install postgresql)" >&2
  fi
fi

# 5. Chromium for the browser tests (tests/storefront/), which Playwright drives at
#    /usr/bin/chromium (tests/support/browser.py): Debian's package, installed where missing
#    when we may.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: apt-get install chromium (for the browser tests)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "setup: warning: no /usr/bin/chromium; the browser tests need it (sudo apt-get install chromium)" >&2
  fi
fi
