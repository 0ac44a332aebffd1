"""The request type of views that require a signed-in user (``login_required`` or a role check before them)."""

from django.http import HttpRequest

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """An ``HttpRequest`` whose ``user`` is a signed-in ``User``, never ``AnonymousUser`` (for the type checker)."""

    user: User
