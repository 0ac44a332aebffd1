# ruff: noqa: S603, S607 - launching local processes (manage.py, gunicorn, locust, pg_dump) is this module's job
"""The load benchmark's environment and database: production-like settings, a fresh SQLite file or PostgreSQL
database with the generated dataset (or its cached copy), and the counters read after the run."""

import hashlib
import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from load_common import BIN, CACHE, ROOT, WORK, log

# --- Environment ---------------------------------------------------------------------------------------------------


def server_env(args, run_dir: Path, db_url: str | None, sqlite_path: Path | None) -> dict:
    """Production-like settings, over plain HTTP on the loopback (the settings' own toggles, nothing patched)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH", "DJANGO_SETTINGS_MODULE")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "ndrc.settings",
            "DEBUG": "false",
            "DEMO_MODE": "true" if args.preset == "demo" else "false",
            "SECRET_KEY": args.secret_key,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            "STATIC_ROOT": str(WORK / "static"),
            "MEDIA_ROOT": str(run_dir / "media"),
            "OUTBOX_DELIVERY_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(run_dir / "mail"),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    if db_url:
        env["DATABASE_URL"] = db_url
    if sqlite_path:
        env["SQLITE_PATH"] = str(sqlite_path)
    return env


def manage(env: dict, *command: str, quiet: bool = False) -> None:
    cmd = [str(BIN / "python"), "manage.py", *command]
    log("$ " + " ".join(shlex.quote(c) for c in cmd[1:]))
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL if quiet else None)


def run_script(env: dict, script: str, *arguments: str) -> None:
    subprocess.run([str(BIN / "python"), script, *arguments], cwd=ROOT, env=env, check=True)


# --- Database ------------------------------------------------------------------------------------------------------


def dataset_key(args) -> str:
    """Preset, seed and a hash of the generator's code (dataset/); migrations run again after a restore."""
    digest = hashlib.sha1(usedforsecurity=False)
    files = sorted((ROOT / "dataset").rglob("*.py")) if args.preset != "demo" else [ROOT / "accounts" / "demo.py"]
    for path in files:
        if "tests" in path.parts:
            continue
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return f"{args.preset}-s{args.seed}-{digest.hexdigest()[:10]}"


def cached_dataset(args, suffix: str) -> Path | None:
    """With --reuse: the cache of this generator version, else the newest one of the same preset and seed."""
    exact = CACHE / f"{dataset_key(args)}{suffix}"
    if not args.reuse:
        return None
    if exact.exists():
        return exact
    others = sorted(CACHE.glob(f"{args.preset}-s{args.seed}-*{suffix}"), key=lambda p: p.stat().st_mtime)
    others = [p for p in others if ".building" not in p.name]
    if others:
        log(f"ATTENTION : pas de cache pour la version actuelle du générateur ; reprise de {others[-1].name}")
        return others[-1]
    return None


def generate(args, env: dict) -> None:
    manage(env, "migrate", "--noinput", quiet=True)
    started = time.monotonic()
    if args.preset == "demo":
        manage({**env, "DEMO_MODE": "true"}, "load_demo")
    else:
        manage(env, "generate_dataset", "--preset", args.preset, "--seed", str(args.seed), "--password", args.password)
    log(f"jeu de données « {args.preset} » généré en {time.monotonic() - started:.0f} s")


def prepare_sqlite(args, run_dir: Path) -> Path:
    target = run_dir / "db.sqlite3"
    cached = cached_dataset(args, ".sqlite3")
    if cached is None:
        cached = CACHE / f"{dataset_key(args)}.sqlite3"
        building = CACHE / f"{cached.stem}.building.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{building}{suffix}").unlink(missing_ok=True)
        generate(args, server_env(args, run_dir, None, building))
        with sqlite3.connect(building) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.execute("ANALYZE")
        building.rename(cached)
        for suffix in ("-wal", "-shm"):
            Path(f"{building}{suffix}").unlink(missing_ok=True)
    else:
        log(f"base SQLite reprise du cache : {cached.name}")
    shutil.copyfile(cached, target)
    args.dataset_file = cached.name
    manage(server_env(args, run_dir, None, target), "migrate", "--noinput", quiet=True)
    return target


def _pg_admin_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres"))


def _pg_execute(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)


def prepare_postgresql(args, run_dir: Path) -> str:
    url = args.pg_url
    name = urlsplit(url).path.lstrip("/")
    _pg_execute(_pg_admin_url(url), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    env = server_env(args, run_dir, url, None)
    cached = cached_dataset(args, ".pgdump")
    if cached is not None:
        log(f"base PostgreSQL restaurée du cache : {cached.name}")
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "-d", url, str(cached)], check=True)
        manage(env, "migrate", "--noinput", quiet=True)
    else:
        cached = CACHE / f"{dataset_key(args)}.pgdump"
        generate(args, env)
        subprocess.run(["pg_dump", "-Fc", "-f", f"{cached}.tmp", url], check=True)
        Path(f"{cached}.tmp").rename(cached)
    args.dataset_file = cached.name
    _pg_execute(url, "ANALYZE")
    return url


def task_counts(env: dict) -> dict:
    code = (
        "import json; from django.db.models import Count; from django_tasks_db.models import DBTaskResult; "
        "rows = DBTaskResult.objects.values('status').annotate(n=Count('pk')); "
        "print(json.dumps({r['status']: r['n'] for r in rows}))"
    )
    out = subprocess.run(
        [str(BIN / "python"), "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    try:
        return json.loads(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {}


TABLE_STATS = "SELECT relname, seq_scan, seq_tup_read, COALESCE(idx_scan, 0), n_live_tup FROM pg_stat_user_tables"


def pg_table_stats(db_url: str | None) -> dict:
    if not db_url:
        return {}
    import psycopg

    with psycopg.connect(db_url) as connection:
        return {row[0]: row[1:] for row in connection.execute(TABLE_STATS).fetchall()}


def seq_scans(before: dict, after: dict, limit: int = 8) -> list[dict]:
    """Tables read sequentially during the load, most rows read first: where an index may be missing."""
    rows = []
    for table, (seq, tup, idx, live) in after.items():
        seq0, tup0, idx0, _ = before.get(table, (0, 0, 0, 0))
        if seq - seq0 > 0:
            rows.append(
                {
                    "table": table,
                    "seq_scans": seq - seq0,
                    "rows_read": tup - tup0,
                    "idx_scans": idx - idx0,
                    "rows": live,
                }
            )
    return sorted(rows, key=lambda r: -r["rows_read"])[:limit]


def backend_version(args, db_url: str | None) -> str:
    if args.backend == "sqlite":
        return f"SQLite {sqlite3.sqlite_version} (WAL, BEGIN IMMEDIATE, busy_timeout 20 s)"
    import psycopg

    with psycopg.connect(db_url) as connection:
        version = connection.execute("SHOW server_version").fetchone()[0]
    return f"PostgreSQL {version}"
