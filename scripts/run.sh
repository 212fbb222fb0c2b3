#!/usr/bin/env bash
# Command 1: set everything up on SQLite with demo data and serve the app with gunicorn.
#   HOST (default 127.0.0.1; 0.0.0.0 serves the office network), PORT (default 5000), WORKERS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export FLASK_APP=app
# A random session-signing key, generated on first run and kept (config.py reads instance/secret_key).
if [ -z "${SECRET_KEY:-}" ] && [ ! -s instance/secret_key ]; then
  mkdir -p instance && (umask 077 && python3 -c 'import secrets; print(secrets.token_hex(32))' > instance/secret_key)
fi
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-5000}
WORKERS=${WORKERS:-2}
.venv/bin/flask db upgrade
.venv/bin/flask seed
.venv/bin/flask demo --if-empty
cat <<MSG

  泽州招商争资 CRM 已启动： http://${HOST}:${PORT}/
  演示账号（密码均为 Zezhou2025）：
    admin     系统管理员        zhuanban  专班办公室
    touzu     投资促进中心      caizheng  财政/发改
    bagong    乡镇账号（巴公镇）  lingdao   县级领导（只读）
  按 Ctrl+C 停止。

MSG
exec .venv/bin/gunicorn --workers "$WORKERS" --bind "$HOST:$PORT" --access-logfile - 'app:create_app()'
