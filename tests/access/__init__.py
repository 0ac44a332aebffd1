"""Rows of the access matrix, one module per area: ``ROWS = {url_name: [Row, ...]}``.

Add a module here (or a row to an existing one) with every new view; ``tests/test_access_matrix.py`` gathers them
all and fails for any URL without a row.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.personas import Cast

PERSONAS = ["admin", "teacher", "other_teacher", "professional", "student", "student2", "anonymous"]


def user_of(cast: Cast, persona: str):
    if persona == "anonymous":
        return None
    who = getattr(cast, persona)
    return getattr(who, "user", who)


@dataclass
class Row:
    """Expected statuses for one URL, by persona. ``args`` builds the URL arguments from the cast."""

    expected: dict[str, int]
    args: Callable[[Cast], list] = field(default=lambda cast: [])
    method: str = "get"
    data: dict | Callable[[Cast], dict] = field(default_factory=dict)


def everyone(status: int, **overrides: int) -> dict[str, int]:
    return {persona: overrides.get(persona, status) for persona in PERSONAS}


def logged_in(status: int, **overrides: int) -> dict[str, int]:
    """A page behind login: anonymous visitors are sent to the login page."""
    return everyone(status, anonymous=302, **overrides)


STAFF_ONLY = logged_in(200, professional=404, student=404, student2=404)
ADMIN_ONLY = logged_in(404, admin=200)
