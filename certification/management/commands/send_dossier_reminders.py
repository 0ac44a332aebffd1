"""Remind the students whose dossier is not submitted before the deposit deadline; with --loop, keep checking
(scripts/serve.sh runs it hourly). Idempotent: a reminder is sent once per student, exam and threshold."""

import signal
import threading

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from certification.commissions.services.reminders import send_dossier_reminders


class Command(BaseCommand):
    help = (
        "Envoie les relances de dépôt de dossier dues aujourd'hui (seuils de la session, ex. J-14 et J-3) aux "
        "étudiants dont le dossier n'est pas déposé. Avec --loop, recommence toutes les --interval secondes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="tourner sans fin (arrêt par Ctrl-C ou SIGTERM)")
        parser.add_argument("--interval", type=float, default=3600.0, help="secondes entre deux passages (3600)")

    def handle(self, *args, loop: bool, interval: float, **options) -> None:
        if not loop:
            self._run(quiet_when_idle=False)
            return
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        while not stop.is_set():
            close_old_connections()
            self._run(quiet_when_idle=True)
            close_old_connections()
            stop.wait(interval)

    def _run(self, *, quiet_when_idle: bool) -> None:
        sent = send_dossier_reminders()
        if sent or not quiet_when_idle:
            self.stdout.write(f"Relances de dépôt de dossier : {sent} courriel(s) mis en file d'attente.")
