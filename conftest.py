import os

import pytest

from tests.personas import PASSWORD, Cast, build_cast


@pytest.fixture(autouse=True)
def _emails_go_through_the_outbox(settings):
    """Django's test setup swaps EMAIL_BACKEND for locmem; the product always writes to the outbox."""
    settings.EMAIL_BACKEND = "notifications.backends.OutboxEmailBackend"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """What a test keeps in the process cache must not leak into the next (lib.generations keeps its values in the
    "shared" database cache, whose keys carry numbers that start again from a random value after each flush)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cast(db) -> Cast:
    return build_cast()


@pytest.fixture
def login(client):
    """``login(user)`` logs the test client in as ``user`` (a User or a Student)."""

    def _login(who):
        user = getattr(who, "user", who)
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return _login


def pytest_collection_modifyitems(config, items):
    """Tests meant for one database only are deselected on the other run, never skipped."""
    on_postgres = bool(os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")))
    unwanted = "sqlite_only" if on_postgres else "postgres_only"
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        (dropped if item.get_closest_marker(unwanted) else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes") and terminalreporter.stats.get("skipped"):
        terminalreporter.write_line(
            "CI=true : des tests ont été ignorés (skipped), ce qui est interdit en CI.", red=True
        )


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None and reporter.stats.get("skipped") and session.exitstatus == 0:
            session.exitstatus = 1
