"""The « À faire (N) » counter of the navigation, computed only when a page shows it.

The full list costs a few tens of milliseconds (four queries over the user's commissions); every staff page shows
the counter, so between two computations the count is kept for a minute in the cache. The home page and the to-do
page always compute the list afresh, and refresh the kept count.
"""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from certification.selectors.todo import TodoItem, todo_for


def _count_key(user_pk: int) -> str:
    return f"todo-count:{user_pk}"


def todo_items(request: HttpRequest) -> list[TodoItem]:
    """The user's to-do list, computed once per request (the navigation and the page share it)."""
    items = getattr(request, "_todo_items", None)
    if items is None:
        items = todo_for(request.user)
        request._todo_items = items
        if settings.TODO_COUNT_SECONDS:
            cache.set(_count_key(request.user.pk), len(items), settings.TODO_COUNT_SECONDS)
    return items


def _count(request: HttpRequest) -> int:
    items = getattr(request, "_todo_items", None)
    if items is not None:
        return len(items)
    kept = cache.get(_count_key(request.user.pk)) if settings.TODO_COUNT_SECONDS else None
    return kept if kept is not None else len(todo_items(request))


def todo(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: a page that does not show the navigation (PDF, JSON, e-mail) runs no query for it.
    return {"todo_count": SimpleLazyObject(lambda: _count(request))}
