"""Remove the private files the application deleted more than the grace period ago (``lib.storage``)."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from lib.storage import DEFAULT_GRACE, purge_deleted_files


class Command(BaseCommand):
    help = (
        "Supprime pour de bon les fichiers privés supprimés par l'application depuis plus que le délai de grâce "
        "(par défaut 48 h, plus long qu'une sauvegarde : une sauvegarde prise à tout moment a tous ses fichiers)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--grace-hours",
            type=float,
            default=DEFAULT_GRACE.total_seconds() / 3600,
            help="délai de grâce en heures (défaut : %(default)s) ; jamais moins que la durée d'une sauvegarde",
        )

    def handle(self, *args, grace_hours: float, verbosity: int, **options) -> None:
        if grace_hours < 1:
            raise CommandError("--grace-hours doit valoir au moins 1 : une sauvegarde en cours perdrait des fichiers.")
        result = purge_deleted_files(grace=timedelta(hours=grace_hours))
        if verbosity:
            self.stdout.write(str(result))
