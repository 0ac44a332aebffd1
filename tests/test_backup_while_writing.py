# ruff: noqa: S603, S607 - runs the project's own scripts and manage.py, and system tools found in PATH
"""A backup taken while evidence is added and deleted restores every evidence row's file, byte for byte.

Issue 18, fault 5: backup.sh dumps the database, then archives MEDIA_ROOT; a file deleted in between was missing
from the archive (8 of 31 evidence downloads answered 404 after a restore). Writers add and delete evidence through
the services in subprocesses while backup.sh runs, with a tar slowed down (a test-only wrapper in PATH) so that
deletions surely fall between the dump and the archive; the set is restored into a fresh database and folder, and
each evidence row's file must be there with the SHA-256 computed from the uploaded bytes. Same database kind as the
test run (SQLite, or PostgreSQL when DATABASE_URL is set).
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import backup_code
from tests.throwaway_install import REPO, Install, drop_database, on_postgres, other_database

WRITERS = 3
WRITER_SECONDS = 16
TAR_DELAY_SECONDS = 4


@pytest.fixture
def install():
    install = Install.create("bk_writes")
    yield install
    install.destroy()


@pytest.fixture
def restored(install):
    """Where the set is restored: a new database and an empty MEDIA_ROOT (variables for restore.sh and Django)."""
    variables = {"MEDIA_ROOT": str(install.root / "restored-media")}
    if on_postgres():
        name, url = other_database(install, "restored")
        variables["DATABASE_URL"] = url
    else:
        variables["SQLITE_PATH"] = str(install.folder("restored-db") / "ndrc.sqlite3")
    yield variables
    if on_postgres():
        drop_database(name)


def _slow_tar(folder: Path) -> str:
    """A PATH where tar waits before archiving: the window between the dump and the archive, made wide."""
    shim = folder / "tar"
    wait = f'case " $* " in *" --create "*) sleep {TAR_DELAY_SECONDS} ;; esac'
    shim.write_text(f'#!/bin/sh\n{wait}\nexec {shutil.which("tar")} "$@"\n')
    shim.chmod(0o755)
    return f"{folder}:{os.environ['PATH']}"


def _start_writers(install: Install, activities: list[int]) -> list[tuple[subprocess.Popen, Path]]:
    writers = []
    for pk in activities[:WRITERS]:
        log = install.root / f"writer-{pk}.jsonl"
        env = install.env(WRITER_ACTIVITY=str(pk), WRITER_SECONDS=str(WRITER_SECONDS), WRITER_LOG=str(log))
        command = [sys.executable, "manage.py", "shell", "-v", "0", "-c", backup_code.WRITER]
        writers.append((subprocess.Popen(command, cwd=REPO, env=env, stderr=subprocess.PIPE, text=True), log))
    return writers


def _wait_until_written(writers: list[tuple[subprocess.Popen, Path]]) -> None:
    """Django starts in a few seconds, more on a busy machine: wait for every writer's first pieces of evidence."""
    deadline = time.monotonic() + 90
    while not all(log.exists() and log.read_text().count("\n") >= 3 for _, log in writers):
        assert time.monotonic() < deadline, "les écrivains n'ont rien écrit en 90 s"
        assert all(writer.poll() is None for writer, _ in writers), "un écrivain s'est arrêté"
        time.sleep(0.2)


def _events(writers: list[tuple[subprocess.Popen, Path]]) -> list[dict]:
    events = []
    for writer, log in writers:
        _, err = writer.communicate(timeout=180)
        assert writer.returncode == 0, err
        events += [json.loads(line) for line in log.read_text().splitlines()]
    return events


def test_a_backup_taken_while_evidence_is_added_and_deleted_restores_every_file(install, restored, tmp_path):
    install.manage("migrate", "--noinput")
    writers = _start_writers(install, json.loads(install.python(backup_code.SEED)))
    _wait_until_written(writers)
    started = time.time()
    backup = install.script("backup.sh", env=install.env(PATH=_slow_tar(tmp_path)))
    finished = time.time()
    events = _events(writers)
    assert backup.returncode == 0, backup.stderr
    deleted_during_backup = {e["name"] for e in events if e["event"] == "deleted" and started < e["at"] < finished}
    assert deleted_during_backup, f"aucune suppression pendant la sauvegarde ({len(events)} événements)"

    [backup_set] = install.sets()
    restore = install.script("restore.sh", str(backup_set), env=install.env(**restored))
    assert restore.returncode == 0, restore.stderr

    check = json.loads(install.python(backup_code.CHECK, **restored))
    assert check["problems"] == []
    uploaded = {e["name"]: e["sha256"] for e in events if e["event"] == "added"}
    assert check["rows"], "la sauvegarde n'a aucune preuve"
    assert all(uploaded[name] == sha256 for name, sha256 in check["rows"].items())
    # Rows the dump holds whose evidence was deleted before tar reached it: their files are there thanks to the
    # tombstones (lib.storage), not by luck.
    assert set(check["rows"]) & deleted_during_backup


@pytest.mark.sqlite_only
def test_the_restored_sqlite_file_and_media_belong_to_the_application_account(install, restored):
    if install.account is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("CI=true : ce test doit tourner en root (il crée un compte système).")
        pytest.skip("hors CI et pas root : restore.sh laisse les fichiers au compte qui restaure")
    install.manage("migrate", "--noinput")
    install.python(backup_code.SEED)
    install.python(backup_code.ADD_ONE)
    assert install.script("backup.sh").returncode == 0
    [backup_set] = install.sets()
    restore = install.script("restore.sh", str(backup_set), env=install.env(**restored))
    assert restore.returncode == 0, restore.stderr

    account = install.account
    database = Path(restored["SQLITE_PATH"])
    restored_files = [database, *Path(restored["MEDIA_ROOT"]).rglob("*"), Path(restored["MEDIA_ROOT"])]
    assert len(restored_files) > 3
    assert {(path.owner(), path.group()) for path in restored_files} == {(account, account)}
    assert oct(database.stat().st_mode & 0o777) == oct(0o640)
    assert all(path.stat().st_mode & 0o007 == 0 for path in restored_files)
    # The account opens and writes the database (its -wal and -shm files appear beside it) with the system's Python.
    write = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('pragma journal_mode=wal'); "
        "c.execute('create table essai(x)'); c.commit(); "
        "print(c.execute('select count(*) from django_migrations').fetchone()[0])"
    )
    opened = subprocess.run(
        ["runuser", "-u", account, "--", "python3", "-c", write, str(database)], capture_output=True, text=True
    )
    assert opened.returncode == 0, opened.stderr
    assert int(opened.stdout) > 10


def test_restore_refuses_to_give_files_to_an_account_that_does_not_exist(install, restored):
    if install.account is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("CI=true : ce test doit tourner en root.")
        pytest.skip("hors CI et pas root")
    install.manage("migrate", "--noinput")
    assert install.script("backup.sh").returncode == 0
    [backup_set] = install.sets()
    restore = install.script("restore.sh", str(backup_set), env=install.env(APP_USER="personne-ici", **restored))
    assert restore.returncode == 1
    assert "compte « personne-ici » introuvable" in restore.stderr
    assert not Path(restored["MEDIA_ROOT"]).exists()
