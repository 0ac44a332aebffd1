"""Two members saving the agreed grid at the same time: one gets a clear conflict, no update is lost.

Real threads, each with its own database connection, on SQLite (IMMEDIATE transactions: the second waits for the
first to commit, then reads the new version) and on PostgreSQL (the second waits on the grid row's lock, then
finds the version changed). The first save is held open inside its transaction until the second has started.

On SQLite the threads work on a file database, as in production: the in-memory test database is shared-cache, where
a second writer is refused at once (« database table is locked ») instead of waiting its busy timeout. The test
database is copied to a file before the race and back after it (SQLite's backup API), as the pack-worker test does.
"""

import sqlite3
import threading
import time
from contextlib import contextmanager

import pytest
from django.db import connection, connections

from certification.evaluation.services import grids as grid_services
from certification.evaluation.services.grids import GridConflict
from certification.models import Grid
from tests.factories_certification_grids import criteria_of, fill_grid, level, seat, with_professional

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@contextmanager
def _file_database(tmp_path):
    """SQLite: the threads open their connections on a file copy of the test database, copied back at the end."""
    if connection.vendor != "sqlite":
        yield
        return
    settings = connections.settings["default"]
    memory_name, database_file = settings["NAME"], tmp_path / "race.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(database_file) as copy:
        connection.connection.backup(copy)
    settings["NAME"] = str(database_file)
    try:
        yield
    finally:
        settings["NAME"] = memory_name
        with sqlite3.connect(database_file) as copy:
            copy.backup(connection.connection)


def _levels(commission, code):
    return {criterion.pk: level(commission, code) for criterion in criteria_of(commission)}


def _race(commission, student, users, codes, base_version, monkeypatch, tmp_path):
    """Run two saves with the same base; the first is held inside its transaction while the second starts."""
    inside, release = threading.Event(), threading.Event()
    original = grid_services._write_lines

    databases: set[str] = set()

    def held_write_lines(grid, *args):
        original(grid, *args)
        databases.add(str(connection.settings_dict["NAME"]))
        if threading.current_thread().name == "first":
            inside.set()
            release.wait(10)

    monkeypatch.setattr(grid_services, "_write_lines", held_write_lines)
    outcomes: dict[str, object] = {}

    def save(name, user, code):
        try:
            grid, _ = grid_services.save_agreed_grid(
                commission=commission,
                student=student,
                levels=_levels(commission, code),
                comments={},
                base_version=base_version,
                actor=user,
            )
            outcomes[name] = grid.version
        except GridConflict as conflict:
            outcomes[name] = conflict
        except Exception as error:  # noqa: BLE001 - reported by the test, never swallowed
            outcomes[name] = error
        finally:
            connection.close()

    first = threading.Thread(target=save, args=("first", users[0], codes[0]), name="first")
    second = threading.Thread(target=save, args=("second", users[1], codes[1]), name="second")
    with _file_database(tmp_path):
        first.start()
        assert inside.wait(10), "the first save never reached its write"
        second.start()
        time.sleep(0.5)  # let the second save reach the lock it must wait on
        release.set()
        first.join(20)
        second.join(20)
    if connection.vendor == "sqlite":  # the race ran on the file, not on the shared-cache memory database
        assert databases == {str(tmp_path / "race.sqlite3")}, databases
    return outcomes


def _agreed(commission, student):
    return Grid.objects.get(commission=commission, student=student, member__isnull=True)


def test_of_two_saves_on_the_same_version_one_wins_and_the_other_gets_a_conflict(cast, monkeypatch, tmp_path):
    commission = with_professional(cast)
    fill_grid(commission, cast.student, None, ["I"] * 11, version=3)

    outcomes = _race(commission, cast.student, [cast.teacher, cast.professional], ["S", "TS"], 3, monkeypatch, tmp_path)

    assert outcomes["first"] == 4, outcomes
    assert isinstance(outcomes["second"], GridConflict), outcomes
    assert outcomes["second"].current_version == 4
    assert "Conflit : Bob PROF a enregistré cette grille" in outcomes["second"].message
    grid = _agreed(commission, cast.student)
    assert grid.version == 4 and grid.updated_by == cast.teacher
    assert {line.level.code for line in grid.lines.select_related("level")} == {"S"}


def test_two_first_saves_of_a_new_agreed_grid_create_it_once(cast, monkeypatch, tmp_path):
    commission = with_professional(cast)
    assert seat(commission, cast.professional)

    outcomes = _race(
        commission, cast.student, [cast.professional, cast.teacher], ["TS", "TI"], 0, monkeypatch, tmp_path
    )

    assert outcomes["first"] == 1, outcomes
    assert isinstance(outcomes["second"], GridConflict), outcomes
    grid = _agreed(commission, cast.student)
    assert grid.updated_by == cast.professional
    assert {line.level.code for line in grid.lines.select_related("level")} == {"TS"}
