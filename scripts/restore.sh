#!/usr/bin/env bash
# Restores a set made by scripts/backup.sh into the database and MEDIA_ROOT of the current environment.
# Refuses a non-empty target unless --replace. DEPLOYMENT.md (« Restauration ») explains when and how.
# Run as root, it gives the SQLite file and MEDIA_ROOT to the application's account (APP_USER, default ndrc: the
# User= of deploy/systemd), which must be able to open them. A PostgreSQL target is emptied by the database owner
# (schema public dropped and recreated) in the transaction that restores it: a backup from an older version restores
# over an upgraded database, whose newer tables pg_restore --clean would not know, then `manage.py migrate`.
set -euo pipefail
umask 027

usage() {
  cat <<'EOF'
Usage : scripts/restore.sh [--env-file FICHIER] [--replace] [--no-media] JEU

Restaure le jeu de sauvegarde JEU (un dossier BACKUP_DIR/ndrc-AAAAMMJJ-HHMMSS) dans la base désignée par
DATABASE_URL (ou SQLITE_PATH) et dans MEDIA_ROOT. Arrêter d'abord les services qui écrivent dans la cible.

  --env-file FICHIER   lire les variables dans ce fichier (ex. /etc/ndrc/ndrc.env)
  --replace            accepter une cible non vide : base PostgreSQL vidée (schéma public supprimé et recréé par
                       le propriétaire de la base, dans la transaction de la restauration), fichier SQLite et
                       contenu de MEDIA_ROOT mis de côté (suffixe .avant-restauration-DATE)
  --no-media           restaurer la base seulement

Sans --replace, une base qui a déjà des tables ou un MEDIA_ROOT non vide sont refusés et rien n'est modifié.
Lancé en root, donne la base SQLite et MEDIA_ROOT au compte de l'application : APP_USER (défaut ndrc, celui des
unités systemd), fichiers en 0640 et dossiers en 0750.
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
OWNER=$(restored_files_owner "${APP_USER:-}")

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
elif [ -n "$OWNER" ] && [ -d "$(dirname "$SQLITE_PATH")" ] &&
  ! runuser -u "${OWNER%%:*}" -- test -w "$(dirname "$SQLITE_PATH")"; then
  # SQLite writes its -wal and -shm files beside the database: the folder must be the account's too.
  die "le compte ${OWNER%%:*} ne peut pas écrire dans $(dirname "$SQLITE_PATH") (journal WAL de SQLite) : \
chown ${OWNER} $(dirname "$SQLITE_PATH"), puis relancez."
fi
if [ "$MEDIA" = true ] && [ -d "$MEDIA_ROOT" ] && [ -n "$(ls -A "$MEDIA_ROOT")" ] && [ "$REPLACE" != true ]; then
  die "$MEDIA_ROOT n'est pas vide : ajoutez --replace pour mettre son contenu de côté, ou --no-media."
fi

# 3. The database.
if [ -n "$DATABASE_URL" ]; then
  say "Restauration de la base PostgreSQL « $PGDATABASE »…"
  pg_restore_replacing "$SET_DIR/db.pgdump" "$REPLACE" || die "échec de la restauration : la base est inchangée."
  # Fresh statistics for the planner (pg_restore leaves none); the catalogs that need a superuser are skipped quietly.
  PGOPTIONS="-c client_min_messages=error" psql -X -q -c "ANALYZE" >/dev/null
else
  say "Restauration de la base SQLite « $SQLITE_PATH »…"
  if [ -e "$SQLITE_PATH" ]; then
    for suffix in "" -wal -shm; do
      [ ! -e "$SQLITE_PATH$suffix" ] || mv "$SQLITE_PATH$suffix" "$SQLITE_PATH.avant-restauration-$STAMP$suffix"
    done
    say "Ancienne base mise de côté : $SQLITE_PATH.avant-restauration-$STAMP"
  fi
  created_folder=false
  [ -d "$(dirname "$SQLITE_PATH")" ] || created_folder=true
  mkdir -p "$(dirname "$SQLITE_PATH")"
  gunzip --stdout "$SET_DIR/db.sqlite3.gz" >"$SQLITE_PATH.restauration"
  chmod 0640 "$SQLITE_PATH.restauration"
  [ -z "$OWNER" ] || chown "$OWNER" "$SQLITE_PATH.restauration"
  mv "$SQLITE_PATH.restauration" "$SQLITE_PATH"
  if [ -n "$OWNER" ]; then
    for suffix in -wal -shm; do
      [ ! -e "$SQLITE_PATH$suffix" ] || chown "$OWNER" "$SQLITE_PATH$suffix"
    done
    [ "$created_folder" != true ] || chown "$OWNER" "$(dirname "$SQLITE_PATH")"
    say "Base SQLite donnée à $OWNER."
  fi
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
  tar --extract --gzip --no-same-owner --file="$SET_DIR/media.tar.gz" --directory="$MEDIA_ROOT"
  # Private files: the account reads and writes them, its group reads them, nobody else (DEPLOYMENT.md § 11).
  chmod -R u+rwX,g+rX,g-w,o-rwx "$MEDIA_ROOT"
  if [ -n "$OWNER" ]; then
    chown -R "$OWNER" "$MEDIA_ROOT"
    say "Fichiers donnés à $OWNER."
  fi
fi

say "Restauration terminée depuis $(basename "$SET_DIR") ($(grep '^date=' "$SET_DIR/MANIFEST" | cut -d= -f2))."
say "Ensuite : manage.py migrate (si le jeu vient d'une version plus ancienne), puis redémarrer les services."
