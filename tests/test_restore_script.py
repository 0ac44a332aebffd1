# ruff: noqa: S603, S607 - runs the project's own scripts and system tools
"""scripts/restore.sh: a restore that fails leaves the target as it was."""

import json
import subprocess

import pytest

from tests import backup_code
from tests.throwaway_install import Install


@pytest.fixture
def install():
    install = Install.create("bk_restore")
    yield install
    install.destroy()


@pytest.mark.postgres_only
def test_a_dump_cut_short_leaves_the_database_unchanged_even_with_replace(install):
    install.manage("migrate", "--noinput")
    install.python(backup_code.SEED)
    assert install.script("backup.sh").returncode == 0
    [backup_set] = install.sets()
    dump = backup_set / "db.pgdump"
    content = dump.read_bytes()
    dump.write_bytes(content[: len(content) * 2 // 3])
    # Sums made again, as for a set damaged before its sums were written: only pg_restore can see it.
    subprocess.run("sha256sum db.pgdump media.tar.gz MANIFEST > SHA256SUMS", shell=True, cwd=backup_set, check=True)  # noqa: S602, S607
    name = json.loads(install.python(backup_code.ADD_ONE))

    restore = install.script("restore.sh", "--replace", str(backup_set))

    assert restore.returncode == 1
    assert "la base est inchangée" in restore.stderr
    check = json.loads(install.python(backup_code.CHECK))
    assert list(check["rows"]) == [name]
    assert check["problems"] == []
