# ruff: noqa: S603, S607 - runs the project's own scripts and manage.py, and system tools found in PATH
"""A throwaway installation for the tests of scripts/backup.sh, scripts/restore.sh and DEPLOYMENT.md's procedures.

It has its own env file (the /etc/ndrc/ndrc.env of the guide), database (a SQLite file, or a new PostgreSQL database
on the server of the test run's DATABASE_URL: the same database kind as the run), MEDIA_ROOT and BACKUP_DIR, in a
folder of /tmp that other accounts may traverse; manage.py runs against it in a subprocess with production settings.
As root, restored files go to a system account created for the tests (APP_USER), as they go to ndrc in production.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
TEST_ACCOUNT = "ndrc-essai-restauration"
# What the installation's environment replaces from the test run's own environment.
OWN_VARIABLES = (
    "DATABASE_URL",
    "SQLITE_PATH",
    "MEDIA_ROOT",
    "STATIC_ROOT",
    "BACKUP_DIR",
    "APP_USER",
    "DJANGO_SETTINGS_MODULE",
)


def on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def running_as_root() -> bool:
    return os.geteuid() == 0


def app_account() -> str | None:
    """As root, the account restored files must belong to (created once, like ndrc in DEPLOYMENT.md § 3)."""
    if not running_as_root():
        return None
    try:
        pwd.getpwnam(TEST_ACCOUNT)
    except KeyError:
        pass
    else:
        return TEST_ACCOUNT
    created = subprocess.run(
        ["useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", TEST_ACCOUNT],
        check=False,
        capture_output=True,
        text=True,
    )
    # 9: another pytest-xdist worker created it between our look-up and useradd; the account is shared.
    if created.returncode not in (0, 9):
        raise subprocess.CalledProcessError(created.returncode, created.args, created.stdout, created.stderr)
    return TEST_ACCOUNT


def _server_url(database: str) -> str:
    url = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(url._replace(path=f"/{database}"))


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(_server_url("postgres"), autocommit=True) as connection:
        connection.execute(sql)


@dataclass
class Install:
    root: Path
    label: str
    account: str | None = field(default_factory=app_account)
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(50))

    @classmethod
    def create(cls, label: str) -> Install:
        root = Path(tempfile.mkdtemp(prefix=f"ndrc-{label}-"))
        root.chmod(0o755)
        install = cls(root=root, label=label)
        for folder in ("db", "media"):
            install.folder(folder)
        if on_postgres():
            _admin(f'DROP DATABASE IF EXISTS "{install.database}" WITH (FORCE)')
            _admin(f"CREATE DATABASE \"{install.database}\" ENCODING 'UTF8' TEMPLATE template0")
        install.env_file.write_text(install.env_text())
        return install

    def folder(self, name: str) -> Path:
        """A folder of the installation, the application account's as DEPLOYMENT.md § 3 and § 18 make them."""
        path = self.root / name
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(0o750)
        if self.account:
            shutil.chown(path, self.account, self.account)
        return path

    @property
    def database(self) -> str:
        # Under pytest-xdist each worker (gw0, gw1, …) runs the same labels at once: each gets its own database.
        base = urlsplit(os.environ.get("DATABASE_URL", "")).path.lstrip("/") or "ndrc"
        worker = os.environ.get("PYTEST_XDIST_WORKER", "")
        return "_".join(filter(None, (base, self.label, worker))).replace("-", "_")

    @property
    def database_url(self) -> str:
        return _server_url(self.database) if on_postgres() else ""

    @property
    def env_file(self) -> Path:
        return self.root / "ndrc.env"

    @property
    def sqlite_path(self) -> Path:
        return self.root / "db" / "ndrc.sqlite3"

    @property
    def media(self) -> Path:
        return self.root / "media"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    def env_text(self) -> str:
        lines = [
            f"SECRET_KEY={self.secret_key}",
            "DEBUG=false",
            "DEMO_MODE=false",
            "ALLOWED_HOSTS=localhost",
            f"DATABASE_URL={self.database_url}" if on_postgres() else f"SQLITE_PATH={self.sqlite_path}",
            f"MEDIA_ROOT={self.media}",
            f"STATIC_ROOT={self.root / 'static'}",
            f"BACKUP_DIR={self.backups}",
        ]
        if self.account:
            lines.append(f"APP_USER={self.account}")
        return "\n".join(lines) + "\n"

    def env(self, **overrides: str) -> dict[str, str]:
        """The test run's environment with the installation's variables instead of its own."""
        env = {name: value for name, value in os.environ.items() if name not in OWN_VARIABLES}
        for line in self.env_file.read_text().splitlines():
            name, _, value = line.partition("=")
            env[name] = value
        env.update(overrides)
        return env

    def manage(self, *args: str, **overrides: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.env(**overrides),
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def python(self, code: str, **overrides: str) -> str:
        """Run ``code`` in the installation's Django (manage.py shell), return what it printed."""
        return self.manage("shell", "-v", "0", "-c", code, **overrides)

    def script(self, name: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        """scripts/<name> with the installation's environment (no --env-file unless given in args)."""
        return subprocess.run(
            ["bash", str(REPO / "scripts" / name), *args],
            cwd=self.root,
            env=env or self.env(),
            capture_output=True,
            text=True,
            timeout=600,
        )

    def sets(self) -> list[Path]:
        return sorted(self.backups.glob("ndrc-*"))

    def destroy(self) -> None:
        if on_postgres():
            _admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        shutil.rmtree(self.root, ignore_errors=True)


def other_database(install: Install, suffix: str) -> tuple[str, str]:
    """A second, empty PostgreSQL database beside the installation's: (name, url)."""
    name = f"{install.database}_{suffix}"
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    return name, _server_url(name)


def drop_database(name: str) -> None:
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
