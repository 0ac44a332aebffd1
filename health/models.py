"""What the health checks need that no other table holds: the task workers' heartbeats."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """One row per task worker, touched every HEALTH_HEARTBEAT_SECONDS while its process lives.

    The row is in the database, not in a file, because the workers and the web servers may run on different hosts:
    /sante/ on host A must see a worker that runs on host B.
    """

    worker_id = models.CharField("travailleur", max_length=64, unique=True)
    hostname = models.CharField("hôte", max_length=255, blank=True, default="")
    pid = models.PositiveIntegerField("processus", null=True, blank=True)
    started_at = models.DateTimeField("démarré le")
    last_seen = models.DateTimeField("dernier signe de vie", db_index=True)

    class Meta:
        verbose_name = "signe de vie d'un travailleur"
        verbose_name_plural = "signes de vie des travailleurs"

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.last_seen:%Y-%m-%d %H:%M:%S})"
