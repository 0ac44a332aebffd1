#!/usr/bin/env bash
# Serves the app with gunicorn, runs the background-task worker, the outbox sweep and the dossier reminders beside
# it; Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT="${PORT:-8000}"

# The worker sends each email as soon as it is committed, and its deferred retries; its heartbeat feeds /sante/.
"$BIN/python" manage.py run_worker --queue-name default --interval 1 &
worker=$!
# The sweep is the safety net: it sends what a lost task left queued and requeues what a killed worker left
# "sending". It does not depend on the task queue, so nothing it rescues can be lost the same way twice.
"$BIN/python" manage.py send_outbox --loop --interval 30 &
sweep=$!
# Reminders before the dossier deposit deadline (J-14, J-3…): checked every hour, each sent once.
"$BIN/python" manage.py send_dossier_reminders --loop --interval 3600 &
reminders=$!
trap 'kill "$worker" "$sweep" "$reminders" 2>/dev/null || true; wait "$worker" "$sweep" "$reminders" 2>/dev/null || true' EXIT INT TERM

echo "NDRC CCF : http://127.0.0.1:${PORT}/ (Ctrl-C pour arrêter)"
"$BIN/gunicorn" ndrc.wsgi:application --bind "127.0.0.1:${PORT}" --workers 2 --threads 4 \
  --access-logfile - --graceful-timeout 5
