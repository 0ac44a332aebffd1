"""The « À faire (N) » counter of the navigation, computed only when a page shows it.

The full list costs a few tens of milliseconds (names, links, details); the navigation needs only its length, which
``todo_count`` asks the database for with precompiled queries (about a millisecond), the lifecycle steps kept until a
commission writes again (``lib.generations``), so the counter is exact on every page. The home page and the to-do page
compute the list anyway and count it.
"""

from typing import cast

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.http import AuthenticatedHttpRequest
from certification.evaluation.selectors.todo import TodoItem, todo_count, todo_for


def todo_items(request: AuthenticatedHttpRequest) -> list[TodoItem]:
    """The user's to-do list, computed once per request (the navigation and the page share it)."""
    items = getattr(request, "_todo_items", None)
    if items is None:
        items = todo_for(request.user)
        request._todo_items = items  # type: ignore[attr-defined]  # memo for the rest of the request
    return items


def _count(request: AuthenticatedHttpRequest) -> int:
    items = getattr(request, "_todo_items", None)
    if items is not None:
        return len(items)
    return todo_count(request.user)


def todo(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: a page that does not show the navigation (PDF, JSON, e-mail) runs no query for it.
    signed_in = cast(AuthenticatedHttpRequest, request)  # checked just above
    return {"todo_count": SimpleLazyObject(lambda: _count(signed_in))}
