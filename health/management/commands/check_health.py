"""`manage.py check_health`: the checks of /sante/ in French for a person or cron; exit code 0 if all is well, 1
otherwise; an email to HEALTH_ALERT_EMAILS when the state changes (health.alerts)."""

import sys

from django.core.management.base import BaseCommand

from health.alerts import alert_if_needed
from health.checks import run_checks
from health.selectors import FAILURE_WINDOW, failure_totals


class Command(BaseCommand):
    help = "Vérifie la base, l'espace disque, le travailleur des tâches et la file des courriels (code de sortie 0/1)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--sans-alerte", action="store_true", help="Ne pas envoyer d'alerte par courriel.")

    def handle(self, *args, sans_alerte: bool = False, **options) -> None:
        report = run_checks()
        for check in report.checks:
            self.stdout.write(("[ok] " if check.ok else "[ERREUR] ") + check.message)
        extra_lines = self._failure_lines() if report.get("base").ok else []
        for line in extra_lines:
            self.stdout.write(line)
        if report.ok:
            self.stdout.write("État : ok.")
        else:
            self.stdout.write(f"État : erreur ({', '.join(report.failing)}).")
        if not sans_alerte:
            try:
                self.stdout.write(alert_if_needed(report, extra_lines=extra_lines))
            except Exception as exc:
                # Reported, and the exit code says something is wrong: an alert nobody can send is a failure too.
                self.stderr.write(f"Alerte par courriel : envoi impossible ({type(exc).__name__} : {exc}).")
                sys.exit(1)
        if not report.ok:
            sys.exit(1)

    def _failure_lines(self) -> list[str]:
        """Failures of the last days, for information: they do not change the exit code (see the home page)."""
        try:
            totals = failure_totals()
        except Exception as exc:
            return [f"Échecs récents : lecture impossible ({type(exc).__name__})."]
        days = FAILURE_WINDOW.days
        return [
            f"Tâches de fond en échec ({days} derniers jours) : {totals.failed_tasks}.",
            f"Courriels en échec définitif ({days} derniers jours) : {totals.failed_emails}.",
        ]
