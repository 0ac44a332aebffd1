from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from referentiel.loader import (
    DATA_DIR,
    LoadReport,
    ReferentielFileError,
    load_all,
    load_referentiel_file,
    load_sessions_file,
)


class Command(BaseCommand):
    help = (
        "Charge (ou met à jour) le référentiel et les sessions d’examen depuis les fichiers YAML de data/. "
        "Sans risque à relancer : ce qui est déjà à jour n’est pas modifié, rien n’est dupliqué ni supprimé."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--referentiel", type=Path, action="append", default=[], help="Fichier de version du référentiel"
        )
        parser.add_argument("--sessions", type=Path, action="append", default=[], help="Fichier de session")
        parser.add_argument(
            "--data-dir", type=Path, default=DATA_DIR, help="Dossier contenant referentiel/ et sessions/"
        )

    def handle(self, *args, **opts):
        try:
            report = self._load(opts)
        except (ReferentielFileError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        if report.changed:
            self.stdout.write(self.style.SUCCESS("Référentiel et sessions chargés."))
        else:
            self.stdout.write("Rien à changer : les données sont déjà à jour.")

    def _load(self, opts) -> LoadReport:
        if not opts["referentiel"] and not opts["sessions"]:
            return load_all(data_dir=opts["data_dir"])
        report = LoadReport()
        for path in opts["referentiel"]:
            report.merge(load_referentiel_file(path))
        for path in opts["sessions"]:
            report.merge(load_sessions_file(path))
        return report
