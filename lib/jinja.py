"""The Jinja2 environment of the few hot partials rendered by Jinja2 (Django's own Jinja2 backend).

Every page is a Django template; a partial whose loops the Django engine renders too slowly for the performance
target (the class page's table and heatmap, the passeport's matrices and profile charts: measured in BENCHMARKS.md)
is written for Jinja2 and included with ``{% jinja "…" name=value %}`` (lib/templatetags/jinja.py). Autoescaping
is on, as in Django templates. The helpers below are the few Django tags and filters those partials need.
"""

import datetime
from typing import Any

from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.timezone import is_aware, localtime
from jinja2 import Environment


def url(name: str, *args: object) -> str:
    """``{% url name arg… %}``."""
    return reverse(name, args=args)


def date(value: datetime.date | datetime.datetime | None, pattern: str) -> str:
    """``|date:pattern``: "" for None; an aware datetime in the current time zone, as Django templates show it."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = localtime(value) if is_aware(value) else value
    return date_format(value, pattern)


def plural(count: int, suffix: str = "s") -> str:
    """``|pluralize``: the suffix unless the count is 1."""
    return "" if count == 1 else suffix


def environment(**options: Any) -> Environment:
    env = Environment(**options)  # noqa: S701 - Django's backend passes autoescape=True
    env.globals["url"] = url
    env.filters["date"] = date
    env.filters["pluralize"] = plural
    return env
