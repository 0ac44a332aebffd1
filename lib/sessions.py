"""Idle expiry of sessions without a database write at every request.

The session lasts SESSION_COOKIE_AGE from the last request (idle expiry). Django's SESSION_SAVE_EVERY_REQUEST gives
that by writing the session row at every request, so every page — even one that only reads — becomes a write
transaction: on SQLite every request then queues for the single write lock. This middleware refreshes the expiry at
most once every SESSION_REFRESH_SECONDS instead (60 s by default), so a session still ends after SESSION_COOKIE_AGE
of inactivity, give or take that minute, and most requests write nothing.

It sits right after django.contrib.sessions' SessionMiddleware, which saves what it marks as modified.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

REFRESHED_AT = "_refreshed_at"


class IdleSessionRefreshMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a session this request already read (no extra query) and that belongs to a logged-in user: an anonymous
        # visitor or a session just flushed by logging out must not get a row back.
        if session is None or not session.accessed or SESSION_KEY not in session:
            return response
        now = int(time.time())
        if now - int(session.get(REFRESHED_AT, 0)) >= getattr(settings, "SESSION_REFRESH_SECONDS", 60):
            session[REFRESHED_AT] = now  # marks it modified: SessionMiddleware saves it with a new expiry
        return response


@receiver(user_logged_in, dispatch_uid="lib.sessions.stamp_login")
def _stamp_login(sender, request, user, **kwargs) -> None:
    """Logging in saves the session anyway: the pages of the next minute need not."""
    session = getattr(request, "session", None)
    if session is not None:
        session[REFRESHED_AT] = int(time.time())
