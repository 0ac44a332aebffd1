"""The « À faire (N) » counter of the navigation, computed only when a page shows it."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from certification.selectors.todo import TodoItem, todo_for


def todo_items(request: HttpRequest) -> list[TodoItem]:
    """The user's to-do list, computed once per request (the navigation and the page share it)."""
    items = getattr(request, "_todo_items", None)
    if items is None:
        items = todo_for(request.user)
        request._todo_items = items
    return items


def todo(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: a page that does not show the navigation (PDF, JSON, e-mail) runs no query for it.
    return {"todo_count": SimpleLazyObject(lambda: len(todo_items(request)))}
