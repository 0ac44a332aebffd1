"""`db_worker` with a heartbeat: the command the ndrc-worker@ units run (see health.heartbeat)."""

from django_tasks_db.management.commands import db_worker

from health.heartbeat import HeartbeatThread


class Command(db_worker.Command):
    help = "Travailleur des tâches de fond (db_worker) qui enregistre un signe de vie pour /sante/ et check_health."

    def handle(self, *, worker_id: str, **options) -> None:
        heartbeat = HeartbeatThread(worker_id)
        heartbeat.beat_once()
        heartbeat.start()
        try:
            super().handle(worker_id=worker_id, **options)
        finally:
            heartbeat.stop()
