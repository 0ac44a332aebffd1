"""Reads on the outbox."""

from collections.abc import Iterable

from django.db.models import QuerySet

from notifications.models import OutboxMessage


def outbox_for_establishments(establishment_ids: Iterable[int], *, state: str = "") -> QuerySet[OutboxMessage]:
    """Messages filed under these establishments, newest first; the MIME body is left in the database."""
    messages = OutboxMessage.objects.filter(establishment_id__in=list(establishment_ids)).defer("raw_message")
    if state:
        messages = messages.filter(state=state)
    return messages.order_by("-created_at", "-id")
