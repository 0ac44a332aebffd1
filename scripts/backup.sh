#!/usr/bin/env bash
# Dated backup of NDRC CCF: the database first (PostgreSQL: pg_dump -Fc; SQLite: sqlite3's online backup API,
# consistent under WAL while the app keeps running), then a tar of MEDIA_ROOT, with SHA-256 sums, in
# BACKUP_DIR/ndrc-YYYYMMDD-HHMMSS/; then retention. The set appears under its final name only once complete.
# DEPLOYMENT.md (« Sauvegardes ») explains it; scripts/restore.sh restores a set.
set -euo pipefail
umask 077

usage() {
  cat <<'EOF'
Usage : scripts/backup.sh [--env-file FICHIER]

Sauvegarde datée : la base (PostgreSQL par pg_dump -Fc, ou copie en ligne de SQLite), puis une archive de
MEDIA_ROOT, dans BACKUP_DIR/ndrc-AAAAMMJJ-HHMMSS/ avec leurs sommes SHA-256 ; puis supprime les jeux trop anciens.

  --env-file FICHIER   lire les variables dans ce fichier (ex. /etc/ndrc/ndrc.env)

Variables : DATABASE_URL (PostgreSQL ; sinon SQLite dans SQLITE_PATH, défaut var/db.sqlite3),
MEDIA_ROOT (défaut var/media), BACKUP_DIR (défaut /var/backups/ndrc),
BACKUP_KEEP_DAILY_DAYS (défaut 35), BACKUP_KEEP_MONTHLY_DAYS (défaut 400 : le premier jeu de chaque mois).
EOF
}

APP_DIR=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
# shellcheck source=scripts/lib-backup.sh
. "$APP_DIR/scripts/lib-backup.sh"

while [ $# -gt 0 ]; do
  case "$1" in
    --env-file)
      [ $# -ge 2 ] || die "--env-file attend un chemin de fichier."
      load_env_file "$2"
      shift 2
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      usage >&2
      die "argument inconnu : $1"
      ;;
  esac
done

DATABASE_URL=${DATABASE_URL:-}
SQLITE_PATH=${SQLITE_PATH:-$APP_DIR/var/db.sqlite3}
MEDIA_ROOT=${MEDIA_ROOT:-$APP_DIR/var/media}
BACKUP_DIR=${BACKUP_DIR:-/var/backups/ndrc}
KEEP_DAILY=${BACKUP_KEEP_DAILY_DAYS:-35}
KEEP_MONTHLY=${BACKUP_KEEP_MONTHLY_DAYS:-400}
case "$KEEP_DAILY$KEEP_MONTHLY" in
  *[!0-9]*) die "BACKUP_KEEP_DAILY_DAYS et BACKUP_KEEP_MONTHLY_DAYS doivent être des nombres de jours." ;;
esac

mkdir -p "$BACKUP_DIR"
chmod 700 "$BACKUP_DIR"
STAMP=$(date +%Y%m%d-%H%M%S)
STARTED=$(date +%s)
NAME="ndrc-$STAMP"
WORK="$BACKUP_DIR/.$NAME.partial"
[ ! -e "$BACKUP_DIR/$NAME" ] || die "le jeu $BACKUP_DIR/$NAME existe déjà."
mkdir "$WORK"
trap 'rm -rf "$WORK"' EXIT

# 1. The database. Taken before the files, so every file the database names is in the archive: a file added in
#    between is only an unused extra, and a file the application deletes in between stays at its path for the grace
#    period of lib/storage.py (48 h, purged by ndrc-purge-files.timer), far longer than this run.
if [ -n "$DATABASE_URL" ]; then
  pg_env_from_url "$DATABASE_URL"
  command -v pg_dump >/dev/null || die "pg_dump introuvable (paquet postgresql-client, même version que le serveur)."
  say "Base PostgreSQL « $PGDATABASE » → db.pgdump"
  pg_dump --format=custom --compress=6 --file="$WORK/db.pgdump" || die "échec de pg_dump (message ci-dessus)."
  pg_restore --list "$WORK/db.pgdump" >/dev/null || die "le fichier produit par pg_dump est illisible."
  DB_KIND=postgresql
  DB_NAME=$PGDATABASE
else
  [ -f "$SQLITE_PATH" ] || die "base SQLite introuvable : $SQLITE_PATH"
  say "Base SQLite « $SQLITE_PATH » → db.sqlite3.gz"
  python3 - "$SQLITE_PATH" "$WORK/db.sqlite3" <<'PY'
import sqlite3
import sys

source = sqlite3.connect(sys.argv[1], timeout=60)
target = sqlite3.connect(sys.argv[2])
with target:
    source.backup(target)  # one consistent snapshot, WAL included; writers are not blocked
source.close()
result = target.execute("PRAGMA integrity_check").fetchone()[0]
target.close()
if result != "ok":
    sys.exit(f"Copie SQLite incohérente : {result}")
PY
  gzip -6 "$WORK/db.sqlite3"
  DB_KIND=sqlite
  DB_NAME=$SQLITE_PATH
fi

# 2. The private files.
if [ -d "$MEDIA_ROOT" ]; then
  say "Fichiers « $MEDIA_ROOT » → media.tar.gz"
  status=0
  tar --create --gzip --file="$WORK/media.tar.gz" --directory="$MEDIA_ROOT" . || status=$?
  # 1 = a file changed while being read (an upload in progress): the archive is usable, the next set has it whole.
  if [ "$status" -eq 1 ]; then
    warn "des fichiers ont changé pendant l'archivage ; l'archive reste utilisable."
  elif [ "$status" -ne 0 ]; then
    die "échec de tar (code $status)."
  fi
else
  warn "MEDIA_ROOT n'existe pas ($MEDIA_ROOT) : archive des fichiers vide."
  tar --create --gzip --file="$WORK/media.tar.gz" --files-from=/dev/null
fi

# 3. What the set is, and its checksums.
revision=$(git -C "$APP_DIR" rev-parse HEAD 2>/dev/null || echo inconnue)
{
  echo "date=$(date --iso-8601=seconds)"
  echo "host=$(hostname)"
  echo "database=$DB_KIND"
  echo "database_name=$DB_NAME"
  echo "media_root=$MEDIA_ROOT"
  echo "app_revision=$revision"
} >"$WORK/MANIFEST"
# The first set of each month is kept longer.
month=${STAMP:0:6}
if ! compgen -G "$BACKUP_DIR/ndrc-$month*/MONTHLY" >/dev/null; then
  touch "$WORK/MONTHLY"
fi
(cd "$WORK" && sha256sum db.* media.tar.gz MANIFEST >SHA256SUMS)
mv "$WORK" "$BACKUP_DIR/$NAME"
trap - EXIT
say "Jeu de sauvegarde : $BACKUP_DIR/$NAME ($(du -sh "$BACKUP_DIR/$NAME" | cut -f1))"
# The archive holds every file the dump names only if the run is shorter than the purge's grace period (48 h).
if [ $(($(date +%s) - STARTED)) -gt 43200 ]; then
  warn "la sauvegarde a duré plus de 12 h : vérifiez qu'elle reste bien plus courte que le délai de grâce de la purge (48 h)."
fi

# 4. Retention, by the date in each set's name: daily sets after KEEP_DAILY days, monthly ones after KEEP_MONTHLY.
now=$(date +%s)
for set_dir in "$BACKUP_DIR"/ndrc-????????-??????; do
  [ -d "$set_dir" ] || continue
  [ "$set_dir" != "$BACKUP_DIR/$NAME" ] || continue
  day=$(basename "$set_dir" | cut -c6-13)
  taken=$(date -d "$day" +%s 2>/dev/null) || continue
  age=$(((now - taken) / 86400))
  limit=$KEEP_DAILY
  [ ! -e "$set_dir/MONTHLY" ] || limit=$KEEP_MONTHLY
  if [ "$age" -gt "$limit" ]; then
    say "Rétention : suppression de $(basename "$set_dir") ($age jours)"
    rm -rf "$set_dir"
  fi
done
# Leftovers of an interrupted run.
find "$BACKUP_DIR" -maxdepth 1 -name '.ndrc-*.partial' -mtime +1 -exec rm -rf {} +
