"""DEPLOYMENT.md's backup and restore sections, run word for word (tests/deployment_doc.py) on a throwaway install.

The story of an upgrade gone wrong (sections 13, 14 and 15): the installation runs an older version (certification
migrated back to 0003, before the tables of absences, readiness and reopenings, which point at older tables), is
backed up, upgraded, changed; then the older set is restored with --replace over the upgraded database — the
PostgreSQL restore once stopped there on a dependent constraint — and migrated. Every evidence row of the backup
must come back with its file. Then the quarterly restore test of the guide runs against a fresh backup. Same
database kind as the test run.
"""

import json
import os

import pytest

from tests import backup_code, deployment_doc
from tests.throwaway_install import Install, on_postgres, running_as_root

OLDER_VERSION = ("certification", "0003_exam_days")


@pytest.fixture
def install():
    if not running_as_root() and os.environ.get("CI", "").lower() not in ("1", "true", "yes"):
        pytest.skip("le guide se lance en root (su postgres, comptes) : hors CI, lancer ce test en root")
    install = Install.create("bk_doc")
    yield install
    install.destroy()


def test_every_backup_and_restore_block_of_the_guide_is_run_by_this_test():
    names = {name for name, _ in deployment_doc.blocks()}
    assert names == {"sauvegarde", "restauration", "essai-postgresql", "essai-sqlite"}


def test_the_marker_finds_only_the_block_right_after_it():
    text = "<!-- essai: a -->\n```sh\necho un\n```\n\n```sh\necho deux\n```\n"
    assert deployment_doc.blocks(text=text) == [("a", "echo un\n")]


def test_the_guide_restores_an_older_backup_over_an_upgraded_database(install):
    install.manage("migrate", "--noinput")
    install.manage("migrate", "--noinput", *OLDER_VERSION)
    install.python(backup_code.SEED)
    for _ in range(3):
        install.python(backup_code.ADD_ONE)
    before = json.loads(install.python(backup_code.CHECK))
    assert len(before["rows"]) == 3

    deployment_doc.run("sauvegarde", install)
    assert len(install.sets()) == 1
    install.manage("migrate", "--noinput")  # the upgrade
    deleted = install.python(backup_code.DELETE_ONE).strip()
    added = json.loads(install.python(backup_code.ADD_ONE))

    output = deployment_doc.run("restauration", install)

    assert "Restauration terminée" in output
    after = json.loads(install.python(backup_code.CHECK))
    assert after == {"rows": before["rows"], "problems": []}
    assert deleted in after["rows"] and added not in after["rows"]
    assert "[ ]" not in install.manage("showmigrations")  # migrated back to the code's version
    assert "stop ndrc-web" in (install.root / "systemctl.log").read_text()
    if install.account:
        owned = [install.media, *install.media.rglob("*")]
        if not on_postgres():
            owned.append(install.sqlite_path)
        assert {(path.owner(), path.group()) for path in owned} == {(install.account, install.account)}


def test_the_guides_quarterly_restore_test_finds_the_same_rows(install):
    install.manage("migrate", "--noinput")
    install.python(backup_code.SEED)
    install.python(backup_code.ADD_ONE)
    deployment_doc.run("sauvegarde", install)

    output = deployment_doc.run("essai-postgresql" if on_postgres() else "essai-sqlite", install)

    assert "mêmes nombres de lignes" in output
    assert ".pdf" in output  # ls -R of the trial media folder
    assert not (install.root / "essai").exists()  # the guide cleans up after itself
    counts = (install.root / "comptes-production.txt").read_text()
    assert "passeport_evidence 1" in counts
