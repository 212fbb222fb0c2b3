#!/usr/bin/env bash
# Command 2: set up and run the whole suite — lint, SQLite, PostgreSQL, browser tests.
#   scripts/test.sh              everything (PostgreSQL when reachable; required under CI)
#   scripts/test.sh --sqlite     SQLite only
#   scripts/test.sh --cov        with a coverage report (pytest-cov) of the SQLite run
#   scripts/test.sh -- ARGS      extra pytest arguments
set -euo pipefail
cd "$(dirname "$0")/.."
mode=all
pytest_args=()
cov_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sqlite) mode=sqlite ;;
    --pg) mode=pg ;;
    --cov) cov_args=(--cov=app --cov-report=term:skip-covered) ;;
    --) shift; pytest_args=("$@"); break ;;
    *) pytest_args+=("$1") ;;
  esac
  shift
done

if [ "$(id -u)" = 0 ] || command -v sudo >/dev/null 2>&1; then
  scripts/install_system_packages.sh
else
  echo "note: cannot install Debian packages (not root); browser tests skip without Chromium" >&2
fi
scripts/setup.sh --dev

echo "== ruff =="
.venv/bin/ruff check app tests scripts config.py
.venv/bin/ruff format --check app tests scripts config.py

PG_URL=${PG_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}
pg_ready() { .venv/bin/python - "$PG_URL" <<'PY' 2>/dev/null
import sys, sqlalchemy as sa
sa.create_engine(sys.argv[1]).connect().close()
PY
}

status=0
if [ "$mode" != pg ]; then
  echo "== pytest on SQLite =="
  env -u TEST_DATABASE_URL .venv/bin/pytest "${cov_args[@]}" "${pytest_args[@]}" || status=$?
fi
if [ "$mode" != sqlite ]; then
  if ! pg_ready && command -v pg_ctlcluster >/dev/null 2>&1; then
    version=$(ls /etc/postgresql 2>/dev/null | head -1)
    [ -n "$version" ] && pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
    sleep 2
  fi
  if pg_ready; then
    echo "== pytest on PostgreSQL =="
    TEST_DATABASE_URL="$PG_URL" .venv/bin/pytest "${pytest_args[@]}" || status=$?
  elif [ -n "${CI:-}" ] || [ "$mode" = pg ]; then
    echo "PostgreSQL is not reachable at $PG_URL" >&2
    status=1
  else
    echo "note: PostgreSQL not reachable at $PG_URL — skipped the PostgreSQL run" >&2
  fi
fi
exit $status
