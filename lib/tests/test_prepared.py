"""lib.prepared: a queryset compiled once, run again with other values, must answer exactly like the queryset."""

import datetime

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from lib.prepared import PreparedQuery

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
SENTINELS = {"floor": 2_000_000_011, "joined": datetime.datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC)}


def _users(floor, joined):
    # An Exists() subquery and a datetime, as in the to-do counter's queries.
    others = User.objects.filter(pk__lt=OuterRef("pk"), date_joined__lte=joined)
    return (
        User.objects.filter(pk__gte=floor, date_joined__lte=joined)
        .filter(Exists(others))
        .order_by("pk")
        .values_list("pk", "date_joined")
    )


@pytest.fixture
def users():
    made = []
    for day in range(1, 6):
        made.append(
            User.objects.create_user(
                username=f"u{day}", password="x", date_joined=datetime.datetime(2026, 9, day, 8, tzinfo=UTC)
            )
        )
    return made


def test_it_returns_what_the_queryset_returns_for_every_value(users):
    calls = []

    def build(floor, joined):
        calls.append(floor)
        return _users(floor, joined)

    prepared = PreparedQuery(User, build, **SENTINELS)
    for floor in (users[0].pk, users[2].pk, users[4].pk + 1):
        for day in (1, 3, 5, 30):
            joined = datetime.datetime(2026, 9, day, 9, tzinfo=UTC)
            expected = [list(row) for row in _users(floor, joined)]
            assert prepared.rows(floor=floor, joined=joined) == expected
            assert prepared.count(floor=floor, joined=joined) == len(expected)
    # Rows are converted like the ORM's: aware datetimes, whatever the backend returns.
    rows = prepared.rows(floor=0, joined=datetime.datetime(2026, 10, 1, tzinfo=UTC))
    assert [row[1] for row in rows] == [user.date_joined for user in users[1:]]
    assert len(calls) == 1  # compiled once, then only the parameters change


def test_a_run_is_one_query(users):
    prepared = PreparedQuery(User, _users, **SENTINELS)
    prepared.count(floor=0, joined=datetime.datetime(2026, 10, 1, tzinfo=UTC))
    with CaptureQueriesContext(connection) as queries:
        assert prepared.count(floor=0, joined=datetime.datetime(2026, 10, 1, tzinfo=UTC)) == 4
    assert len(queries) == 1


def test_a_sentinel_missing_from_the_sql_is_refused():
    prepared = PreparedQuery(User, lambda floor, joined: User.objects.filter(pk__gte=floor), **SENTINELS)
    with pytest.raises(ValueError, match="joined"):
        prepared.count(floor=1, joined=datetime.datetime(2026, 1, 1, tzinfo=UTC))


def test_arguments_must_be_the_sentinels_names():
    prepared = PreparedQuery(User, _users, **SENTINELS)
    with pytest.raises(TypeError):
        prepared.count(floor=1)


def test_several_counts_in_one_query(users):
    from lib.prepared import count_each

    first = PreparedQuery(User, _users, **SENTINELS)
    second = PreparedQuery(User, lambda floor: User.objects.filter(pk__lt=floor), floor=SENTINELS["floor"])
    joined = datetime.datetime(2026, 9, 3, 9, tzinfo=UTC)
    first.count(floor=0, joined=joined)  # compiled beforehand: the next call is only the counting query
    second.count(floor=users[3].pk)
    with CaptureQueriesContext(connection) as queries:
        counts = count_each((first, {"floor": 0, "joined": joined}), (second, {"floor": users[3].pk}))
    assert counts == [_users(0, joined).count(), User.objects.filter(pk__lt=users[3].pk).count()] == [2, 3]
    assert len(queries) == 1
