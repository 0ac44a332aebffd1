"""Rows that belong to no domain: the files the application deleted, kept until their grace period ends."""

from django.db import models
from django.utils import timezone


class PendingFileDeletion(models.Model):
    """A file of the default storage the application deleted; ``purge_deleted_files`` removes it after the grace
    period (``lib.storage``). The row is written in the transaction of the deletion, so a database backup and its
    restore always agree with the files: a backup that still names the file has no row for it."""

    name = models.CharField("fichier", max_length=300, unique=True)
    requested_at = models.DateTimeField("supprimé le", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "fichier supprimé en attente de purge"
        verbose_name_plural = "fichiers supprimés en attente de purge"

    def __str__(self) -> str:
        return self.name


class Generation(models.Model):
    """A number per kind of derived data, raised after every commit that wrote one of the models it is computed
    from (``lib.generations``): what a page computed is kept under the numbers it read, and read again while they
    stand."""

    name = models.CharField("nom", max_length=50, primary_key=True)
    value = models.PositiveBigIntegerField("valeur", default=0)

    class Meta:
        verbose_name = "génération"
        verbose_name_plural = "générations"

    def __str__(self) -> str:
        return f"{self.name} {self.value}"
