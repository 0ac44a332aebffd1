#!/usr/bin/env bash
# Restores a set made by scripts/backup.sh into the database and MEDIA_ROOT of the current environment.
# Refuses a non-empty target unless --replace. DEPLOYMENT.md (« Restauration ») explains when and how.
set -euo pipefail
umask 027

usage() {
  cat <<'EOF'
Usage : scripts/restore.sh [--env-file FICHIER] [--replace] [--no-media] JEU

Restaure le jeu de sauvegarde JEU (un dossier BACKUP_DIR/ndrc-AAAAMMJJ-HHMMSS) dans la base désignée par
DATABASE_URL (ou SQLITE_PATH) et dans MEDIA_ROOT. Arrêter d'abord les services qui écrivent dans la cible.

  --env-file FICHIER   lire les variables dans ce fichier (ex. /etc/ndrc/ndrc.env)
  --replace            accepter une cible non vide : base PostgreSQL remplacée (pg_restore --clean), fichier
                       SQLite et contenu de MEDIA_ROOT mis de côté (suffixe .avant-restauration-DATE)
  --no-media           restaurer la base seulement

Sans --replace, une base qui a déjà des tables ou un MEDIA_ROOT non vide sont refusés et rien n'est modifié.
EOF
}

APP_DIR=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
# shellcheck source=scripts/lib-backup.sh
. "$APP_DIR/scripts/lib-backup.sh"

REPLACE=false
MEDIA=true
SET_DIR=""
while [ $# -gt 0 ]; do
  case "$1" in
    --env-file)
      [ $# -ge 2 ] || die "--env-file attend un chemin de fichier."
      load_env_file "$2"
      shift 2
      ;;
    --replace)
      REPLACE=true
      shift
      ;;
    --no-media)
      MEDIA=false
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    -*)
      usage >&2
      die "option inconnue : $1"
      ;;
    *)
      [ -z "$SET_DIR" ] || die "un seul jeu de sauvegarde à la fois."
      SET_DIR=$1
      shift
      ;;
  esac
done
[ -n "$SET_DIR" ] || {
  usage >&2
  die "indiquez le dossier du jeu de sauvegarde."
}
[ -d "$SET_DIR" ] || die "jeu de sauvegarde introuvable : $SET_DIR"
SET_DIR=$(cd "$SET_DIR" && pwd)

DATABASE_URL=${DATABASE_URL:-}
SQLITE_PATH=${SQLITE_PATH:-$APP_DIR/var/db.sqlite3}
MEDIA_ROOT=${MEDIA_ROOT:-$APP_DIR/var/media}
STAMP=$(date +%Y%m%d-%H%M%S)

# 1. Is the set whole and intact, and does it fit the target?
[ -f "$SET_DIR/SHA256SUMS" ] || die "$SET_DIR n'a pas de SHA256SUMS : ce n'est pas un jeu complet de backup.sh."
(cd "$SET_DIR" && sha256sum --check --quiet SHA256SUMS) || die "sommes de contrôle fausses : jeu abîmé, rien n'est restauré."
say "Jeu $(basename "$SET_DIR") intact."
if [ -n "$DATABASE_URL" ]; then
  [ -f "$SET_DIR/db.pgdump" ] || die "ce jeu vient d'une base SQLite : videz DATABASE_URL pour restaurer dans SQLITE_PATH."
else
  [ -f "$SET_DIR/db.sqlite3.gz" ] || die "ce jeu vient de PostgreSQL : définissez DATABASE_URL (base cible)."
fi

# 2. Check every target before touching any of them.
if [ -n "$DATABASE_URL" ]; then
  pg_env_from_url "$DATABASE_URL"
  command -v pg_restore >/dev/null || die "pg_restore introuvable (paquet postgresql-client)."
  tables=$(psql -X -qtA -c "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')") ||
    die "connexion impossible à la base « $PGDATABASE »."
  if [ "$tables" -gt 0 ] && [ "$REPLACE" != true ]; then
    die "la base « $PGDATABASE » a déjà $tables table(s) : ajoutez --replace pour la remplacer."
  fi
elif [ -e "$SQLITE_PATH" ] && [ "$REPLACE" != true ]; then
  die "$SQLITE_PATH existe déjà : ajoutez --replace pour le mettre de côté et le remplacer."
fi
if [ "$MEDIA" = true ] && [ -d "$MEDIA_ROOT" ] && [ -n "$(ls -A "$MEDIA_ROOT")" ] && [ "$REPLACE" != true ]; then
  die "$MEDIA_ROOT n'est pas vide : ajoutez --replace pour mettre son contenu de côté, ou --no-media."
fi

# 3. The database.
if [ -n "$DATABASE_URL" ]; then
  say "Restauration de la base PostgreSQL « $PGDATABASE »…"
  clean=()
  [ "$REPLACE" != true ] || clean=(--clean --if-exists)
  # One transaction: on any error nothing is left half-restored. Objects belong to the role of DATABASE_URL.
  pg_restore --no-owner --no-privileges --exit-on-error --single-transaction "${clean[@]}" \
    --dbname="$PGDATABASE" "$SET_DIR/db.pgdump" || die "échec de pg_restore : la base est inchangée."
  # Fresh statistics for the planner (pg_restore leaves none); the catalogs that need a superuser are skipped quietly.
  PGOPTIONS="-c client_min_messages=error" psql -X -q -c "ANALYZE" >/dev/null
else
  say "Restauration de la base SQLite « $SQLITE_PATH »…"
  mkdir -p "$(dirname "$SQLITE_PATH")"
  if [ -e "$SQLITE_PATH" ]; then
    for suffix in "" -wal -shm; do
      [ ! -e "$SQLITE_PATH$suffix" ] || mv "$SQLITE_PATH$suffix" "$SQLITE_PATH.avant-restauration-$STAMP$suffix"
    done
    say "Ancienne base mise de côté : $SQLITE_PATH.avant-restauration-$STAMP"
  fi
  gunzip --stdout "$SET_DIR/db.sqlite3.gz" >"$SQLITE_PATH.restauration"
  mv "$SQLITE_PATH.restauration" "$SQLITE_PATH"
fi

# 4. The private files.
if [ "$MEDIA" = true ]; then
  say "Restauration des fichiers dans « $MEDIA_ROOT »…"
  mkdir -p "$MEDIA_ROOT"
  if [ -n "$(ls -A "$MEDIA_ROOT")" ]; then
    # Contents only: MEDIA_ROOT may be a mount point, which cannot be renamed.
    aside="${MEDIA_ROOT%/}.avant-restauration-$STAMP"
    mkdir "$aside"
    find "$MEDIA_ROOT" -mindepth 1 -maxdepth 1 -exec mv -t "$aside" {} +
    say "Anciens fichiers mis de côté : $aside"
  fi
  tar --extract --gzip --file="$SET_DIR/media.tar.gz" --directory="$MEDIA_ROOT"
fi

say "Restauration terminée depuis $(basename "$SET_DIR") ($(grep '^date=' "$SET_DIR/MANIFEST" | cut -d= -f2))."
say "Ensuite : propriétaire des fichiers (chown -R ndrc:ndrc), manage.py migrate, puis redémarrer les services."
