"""A bare checkout: the migration check runs without a secret key; serving commands still refuse to."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str) -> subprocess.CompletedProcess:
    unset = ("SECRET_KEY", "DEBUG", "DEMO_MODE", "DJANGO_SETTINGS_MODULE")
    env = {name: value for name, value in os.environ.items() if name not in unset}
    return subprocess.run(  # noqa: S603 - the project's own manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_makemigrations_check_needs_no_secret_key():
    result = _manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_other_commands_still_refuse_a_missing_key():
    result = _manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY manquante ou factice" in result.stderr


def test_a_short_or_guessable_key_is_refused_outside_demo():
    for key in ("x", "django-insecure-" + "a1b2c3d4e5" * 6, "k" * 60):
        result = subprocess.run(  # noqa: S603 - the project's own manage.py
            [sys.executable, "manage.py", "check"],
            cwd=ROOT,
            env={
                **{n: v for n, v in os.environ.items() if n not in ("DEBUG", "DEMO_MODE", "DJANGO_SETTINGS_MODULE")},
                "SECRET_KEY": key,
                "DEMO_MODE": "false",
            },
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode != 0, key
        assert "SECRET_KEY manquante ou factice" in result.stderr


def test_a_real_key_starts():
    import secrets

    env = {n: v for n, v in os.environ.items() if n not in ("DEBUG", "DEMO_MODE", "DJANGO_SETTINGS_MODULE")}
    env.update({"SECRET_KEY": secrets.token_urlsafe(50), "DEMO_MODE": "false", "ALLOWED_HOSTS": "ndrc.example.fr"})
    result = subprocess.run(  # noqa: S603 - the project's own manage.py
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr


def test_the_nginx_example_never_replays_a_request_that_reached_the_application():
    conf = (ROOT / "deploy" / "nginx" / "ndrc.conf").read_text(encoding="utf-8")
    retries = [line.split()[1:] for line in conf.splitlines() if line.strip().startswith("proxy_next_upstream ")]
    assert retries, "proxy_next_upstream must be set explicitly"
    for values in retries:
        assert values == ["error;"], values  # no « timeout », no http_5xx, no non_idempotent
