# ruff: noqa: S603, S607 - launching local processes (manage.py, gunicorn, locust, pg_dump) is this module's job
"""What every part of the load benchmark shares: its folders, the default PostgreSQL URL and the log line."""

import datetime
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
WORK = ROOT / "var" / "bench-load"
CACHE = WORK / "cache"
DEFAULT_PG_URL = "postgresql://ndrc:ndrc-ci-local-only@127.0.0.1:5432/ndrc_load"


def log(message: str) -> None:
    print(f"[{datetime.datetime.now().astimezone():%H:%M:%S}] {message}", flush=True)
