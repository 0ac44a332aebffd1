"""A current result's save time read in bulk as the database's text (the harmonisation page) reads as the datetime
the ORM would give, on both databases' spellings."""

import datetime

from harmonisation.dispatches import Current

UTC = datetime.UTC


def _current(updated_at: datetime.datetime | str | None) -> Current:
    return Current(1, 2, 3, "D0001", "mark", None, updated_at)


def test_sqlite_text_without_offset_is_read_as_utc():
    assert _current("2027-06-20 08:15:30.123456").saved_at == datetime.datetime(2027, 6, 20, 8, 15, 30, 123456, UTC)


def test_postgresql_text_with_its_offset_is_read_as_that_instant():
    assert _current("2027-06-20 10:15:30+02").saved_at == datetime.datetime(2027, 6, 20, 8, 15, 30, tzinfo=UTC)


def test_a_datetime_or_nothing_is_kept_as_is():
    moment = datetime.datetime(2027, 6, 20, 8, 15, tzinfo=UTC)
    assert _current(moment).saved_at is moment
    assert _current(None).saved_at is None
