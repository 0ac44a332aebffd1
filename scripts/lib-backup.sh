# Shared by scripts/backup.sh and scripts/restore.sh (sourced, not run).
# shellcheck shell=bash

say() { printf '%s\n' "$*"; }
warn() { printf 'Attention : %s\n' "$*" >&2; }
die() {
  printf 'Erreur : %s\n' "$*" >&2
  exit 1
}

# Load NAME=value lines (the systemd EnvironmentFile of deploy/ndrc.env.example) into the environment.
load_env_file() {
  local file=$1
  [ -r "$file" ] || die "fichier d'environnement illisible : $file"
  set -a
  # shellcheck disable=SC1090
  . "$file"
  set +a
}

# Export libpq's PG* variables from DATABASE_URL, so that no password appears on a command line (ps shows those).
pg_env_from_url() {
  local exports
  exports=$(
    python3 - "$1" <<'PY'
import shlex
import sys
from urllib.parse import parse_qs, unquote, urlsplit

url = urlsplit(sys.argv[1])
if url.scheme not in {"postgres", "postgresql", "pgsql"}:
    sys.exit(f"DATABASE_URL ne désigne pas une base PostgreSQL (schéma « {url.scheme} »).")
values = {
    "PGHOST": unquote(url.hostname or ""),
    "PGPORT": str(url.port or ""),
    "PGUSER": unquote(url.username or ""),
    "PGPASSWORD": unquote(url.password or ""),
    "PGDATABASE": unquote(url.path.lstrip("/")),
}
options = parse_qs(url.query)
for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"), ("sslcert", "PGSSLCERT"),
                         ("sslkey", "PGSSLKEY")):
    if option in options:
        values[variable] = options[option][-1]
if not values["PGDATABASE"]:
    sys.exit("DATABASE_URL ne donne pas de nom de base.")
for name, value in values.items():
    if value:
        print(f"export {name}={shlex.quote(value)}")
PY
  ) || die "DATABASE_URL illisible."
  eval "$exports"
}

# The owner (user:group) to give restored files to, empty when they stay with whoever runs the restore. Root gives
# them to the application's account, APP_USER (default ndrc, the User= of deploy/systemd): a SQLite file left to
# root cannot be opened by the application. Another account can only restore for itself.
restored_files_owner() {
  local user=$1
  if [ "$(id -u)" -ne 0 ]; then
    if [ -n "$user" ] && [ "$user" != "$(id -un)" ]; then
      die "seul root peut donner les fichiers restaurés au compte « $user » (APP_USER) : relancez en root ou sous ce compte."
    fi
    return 0
  fi
  user=${user:-ndrc}
  id -u "$user" >/dev/null 2>&1 ||
    die "compte « $user » introuvable : créez-le (DEPLOYMENT.md, section 3) ou nommez le compte de l'application dans APP_USER."
  printf '%s:%s\n' "$user" "$(id -gn "$user")"
}

# Restore a pg_dump -Fc file into PGDATABASE in one transaction: on any error, nothing changes. With "true" as
# second argument, the schema public is first dropped and recreated, as the database owner may (PostgreSQL 15 gives
# it to pg_database_owner), so that tables a newer version of the application added, which the older dump does not
# know, go too: `pg_restore --clean` only drops what the dump contains and stopped on their foreign keys. We chose
# this over restoring into a new database and swapping names, which would need CREATEDB and no open connection.
# COMMIT is sent only once pg_restore has produced the whole script: a dump that cannot be read leaves psql at the
# end of its input inside the transaction, which PostgreSQL then rolls back.
pg_restore_replacing() {
  local dump=$1 replace=$2
  {
    echo "BEGIN;"
    if [ "$replace" = true ]; then
      echo "DROP SCHEMA IF EXISTS public CASCADE;"
      echo "CREATE SCHEMA public AUTHORIZATION pg_database_owner;"
      echo "GRANT USAGE ON SCHEMA public TO PUBLIC;"
    fi
    # Objects belong to the role of DATABASE_URL; the audit log's trigger comes with its table.
    pg_restore --no-owner --no-privileges --file=- "$dump" || exit 1
    echo "COMMIT;"
  } | psql -X -q -v ON_ERROR_STOP=1 -o /dev/null
}
