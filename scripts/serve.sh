#!/usr/bin/env bash
# Serves the app with gunicorn and runs the background-task worker beside it; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT="${PORT:-8000}"

"$BIN/python" manage.py db_worker --queue-name default --interval 1 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM

echo "NDRC CCF : http://127.0.0.1:${PORT}/ (Ctrl-C pour arrêter)"
"$BIN/gunicorn" ndrc.wsgi:application --bind "127.0.0.1:${PORT}" --workers 2 --threads 4 \
  --access-logfile - --graceful-timeout 5
