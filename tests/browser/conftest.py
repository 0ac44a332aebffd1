"""Playwright fixtures: one headless Debian Chromium per session, one fresh browser context per test.

Browser tests drive ``live_server``, so they run on a transactional database that is flushed after
each test. ``django_db_serialized_rollback`` puts back what the migrations loaded (the référentiel,
exam sessions), otherwise only the first browser test would find the 2027 session.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
# Short enough that a missing label fails in seconds, long enough for a cold live_server on a slow runner.
ACTION_TIMEOUT_MS = 10_000


def _on_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        reason = (
            f"Chromium introuvable ({CHROMIUM}) : installez-le avec "
            "`apt-get install chromium` pour lancer les tests navigateur."
        )
        if _on_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)

    from django.db import connections
    from playwright.sync_api import sync_playwright

    # The sync API keeps an asyncio loop running in this thread, and Django refuses ORM calls
    # while a loop runs; the test code is still plainly synchronous, so the guard is lifted.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    thread_connections = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    try:
        _share_connections_with_the_loop(connections, thread_connections)
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        for alias in thread_connections:
            del connections[alias]  # drops only the loop-side entries set above
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _share_connections_with_the_loop(connections, thread_connections: dict) -> None:
    """Make the test thread keep its own database connections while Playwright's loop runs.

    Django stores connections in an asgiref Local that switches to per-context storage as soon as
    a loop is running, so the test thread would silently get fresh connections: they lack the
    serialized migration data (the second browser test would find no exam session), and on
    SQLite they are not the in-memory connection shared with live_server.
    """
    for alias, connection in thread_connections.items():
        connections[alias] = connection


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator:
    """pytest-django's ``live_server``, minus Django's media handler.

    MEDIA_URL is None because uploads are private and only served by views that check access;
    Django's LiveServerThread always wraps the site in a media handler that then fails on every
    request (``startswith`` of bytes). Unwrapping it also keeps private files off any URL here.
    """
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from pytest_django.live_server_helper import LiveServer

    addr = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    server = LiveServer(addr, start=False)
    server.thread.static_handler = lambda media_handler: StaticFilesHandler(media_handler.application)  # type: ignore[assignment]  # any handler factory works
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _browser_test_setup(request: pytest.FixtureRequest, django_db_serialized_rollback: None) -> None:
    # Unmarked browser tests would escape `-m "not browser"`; refuse them rather than trust memory.
    if request.node.get_closest_marker("browser") is None:
        pytest.fail(f"{request.node.nodeid} : marquez les tests de tests/browser/ avec pytest.mark.browser.")


@pytest.fixture
def page(browser) -> Iterator:
    # bypass_csp: pages forbid inline and injected scripts (script-src 'self'), and axe must be injected.
    context = browser.new_context(bypass_csp=True, locale="fr-FR", timezone_id="Europe/Paris")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page_at(browser) -> Iterator:
    """A page in a window of the given size (a phone: ``page_at(375, 740, phone=True)``), closed after the test."""
    contexts = []

    def open_page(width: int, height: int, *, phone: bool = False):
        extra = {"device_scale_factor": 2, "is_mobile": True, "has_touch": True} if phone else {}
        context = browser.new_context(
            bypass_csp=True,
            locale="fr-FR",
            timezone_id="Europe/Paris",
            viewport={"width": width, "height": height},
            **extra,
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
