"""Template helpers for the messages of a redirect after a POST: the ones that belong under one field.

A view that refuses a field's input and redirects (post/redirect/get) tags its message with ``extra_tags``; the
field's template shows those messages under the field, with ``aria-invalid`` and ``aria-describedby`` naming them, as
a form's error would be (RGAA 11.10). The page-level message region still lists them.
"""

from django import template

register = template.Library()


@register.filter
def tagged(messages, tag: str) -> list:
    """The messages carrying ``tag`` among their extra tags (the storage may be iterated again in the request)."""
    return [message for message in messages or () if tag in (message.extra_tags or "").split()]
