#!/usr/bin/env bash
# Create .venv and install the pinned Python dependencies (skipped when unchanged).
#   scripts/setup.sh         what the app runs on (requirements.txt)
#   scripts/setup.sh --dev   plus the test and lint tools (requirements-dev.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
requirements=requirements.txt
stamp=.venv/.requirements.sha
if [ "${1:-}" = --dev ]; then
  requirements=requirements-dev.txt
  stamp=.venv/.requirements-dev.sha
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
want=$(cat requirements.txt "$requirements" | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
  echo "$want" > "$stamp"
fi
