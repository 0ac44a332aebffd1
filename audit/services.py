"""The audit log's one writer.

An entry is scoped to an establishment so each administrator reads only their own. Audited models say which one
through an ``audit_establishment_id`` property (``Commission`` → its cohort's establishment, ``Evidence`` → its
activity's student's, …): ``log_action`` reads it from ``obj``, so the path lives once, beside the model. An explicit
``establishment_id`` is for objects without a single establishment (a user, an académie).
"""

from typing import Any, Protocol, runtime_checkable

from django.db import models

from audit.models import AuditEntry


@runtime_checkable
class EstablishmentScoped(Protocol):
    """A model whose audit entries belong to one establishment."""

    @property
    def audit_establishment_id(self) -> int | None: ...


def log_action(
    action: str,
    *,
    actor: Any = None,
    obj: models.Model | None = None,
    establishment_id: int | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record one action. Call it inside the transaction of the change it describes.

    Without ``establishment_id``, the entry takes the scope of ``obj`` when its model exposes one.
    """
    if establishment_id is None and isinstance(obj, EstablishmentScoped):
        establishment_id = obj.audit_establishment_id
    actor = actor if getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry(
        actor=actor,
        actor_repr=(getattr(actor, "display_name", "") or str(actor)) if actor else "système",
        establishment_id=establishment_id,
        action=action,
        changes=changes or {},
    )
    if obj is not None:
        entry.object_type = obj._meta.label_lower
        entry.object_id = str(obj.pk)
        entry.object_repr = str(obj)[:300]
    entry.save()
    return entry


def changed_fields(instance: models.Model, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Compare ``data`` to ``instance`` and return ``{field: [old, new]}`` for what differs."""
    diff: dict[str, list[Any]] = {}
    for name, new in data.items():
        old = getattr(instance, name)
        if old != new:
            diff[name] = [str(old), str(new)]
    return diff
