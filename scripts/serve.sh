#!/usr/bin/env bash
# Serves the app with gunicorn, runs the background-task worker, the outbox sweep and the dossier reminders beside
# it; Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT="${PORT:-8000}"
# HOST=0.0.0.0 shows the demo to the other computers of a room; the default keeps it on this machine.
HOST="${HOST:-127.0.0.1}"
if [ "$HOST" != "127.0.0.1" ] && [ "$HOST" != "localhost" ]; then
  # Django answers only the names it is told: add this machine's addresses unless ALLOWED_HOSTS is set.
  if [ -z "${ALLOWED_HOSTS:-}" ]; then
    addresses=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -v ':' | grep -v '^$' | paste -sd, - || true)
    export ALLOWED_HOSTS="127.0.0.1,localhost,$(hostname)${addresses:+,$addresses}"
  fi
  echo "ATTENTION : le serveur écoute sur ${HOST} ; toute machine du réseau peut l'ouvrir." >&2
  echo "  En démo, les comptes ont un mot de passe public (demo-ndrc) et le site est en HTTP simple :" >&2
  echo "  réseau de la salle seulement, jamais de données réelles. Noms acceptés : ${ALLOWED_HOSTS}" >&2
fi

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

echo "NDRC CCF : http://${HOST}:${PORT}/ (Ctrl-C pour arrêter)"
"$BIN/gunicorn" ndrc.wsgi:application --bind "${HOST}:${PORT}" --workers 2 --threads 4 \
  --access-logfile - --graceful-timeout 5
