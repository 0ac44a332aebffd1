"""Deliver every due outbox message now; with --loop, keep sweeping (scripts/serve.sh runs it that way)."""

import signal
import threading

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from notifications import services


class Command(BaseCommand):
    help = (
        "Envoie les courriels en attente dont l'heure est venue et remet en file ceux restés « en cours d'envoi » "
        "après l'arrêt d'un travailleur. Avec --loop, recommence toutes les --interval secondes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="tourner sans fin (arrêt par Ctrl-C ou SIGTERM)")
        parser.add_argument("--interval", type=float, default=30.0, help="secondes entre deux passages (30)")
        parser.add_argument("--limit", type=int, default=200, help="courriels au plus par passage (200)")

    def handle(self, *args, loop: bool, interval: float, limit: int, **options) -> None:
        if not loop:
            self._sweep(limit, quiet_when_idle=False)
            return
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            # Finish the current message rather than die mid-SMTP and leave it "sending" for ten minutes.
            signal.signal(signum, lambda *_: stop.set())
        while not stop.is_set():
            close_old_connections()
            self._sweep(limit, quiet_when_idle=True)
            close_old_connections()
            stop.wait(interval)

    def _sweep(self, limit: int, *, quiet_when_idle: bool) -> None:
        counts = services.deliver_due_messages(limit=limit)
        if quiet_when_idle and not any(counts.values()):
            return
        self.stdout.write(
            f"Courriels : {counts['sent']} envoyé(s), {counts['queued']} à réessayer, "
            f"{counts['failed']} en échec définitif, {counts['refused']} non remis (refusés), "
            f"{counts['uncertain']} incertain(s), {counts['requeued']} remis en file."
        )
