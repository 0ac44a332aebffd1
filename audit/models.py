"""Append-only audit log: who did what, when, to which object, with which fields changed."""

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_repr = models.CharField("auteur", max_length=200, blank=True)
    # A plain id, not a foreign key: the audit app sits below the people app and must outlive its rows.
    establishment_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField("action", max_length=100, db_index=True)
    object_type = models.CharField("type d'objet", max_length=100, blank=True)
    object_id = models.CharField("identifiant", max_length=64, blank=True)
    object_repr = models.CharField("objet", max_length=300, blank=True)
    changes = models.JSONField("modifications", default=dict, blank=True)

    class Meta:
        verbose_name = "entrée du journal"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["establishment_id", "-at"], name="audit_estab_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_repr} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("Le journal d'audit est en ajout seul : une entrée ne se modifie pas.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Le journal d'audit est en ajout seul : une entrée ne se supprime pas.")
