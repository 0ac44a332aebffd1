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
