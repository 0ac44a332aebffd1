"""Cut the official Word forms out of the circulaire's annex file and write them as docxtpl templates.

A developer's step, run once per circulaire; its output (data/forms/word/*.docx) is committed:
``manage.py build_word_forms /path/to/annexes-circulaire-nationale-2025.docx --session 2025``.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from referentiel.word_forms import build_templates


class Command(BaseCommand):
    help = "Construit les modèles Word officiels (fiches, grilles) à partir du fichier des annexes de la circulaire."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path)
        parser.add_argument("--session", type=int, default=2025)

    def handle(self, *args, source: Path, session: int, **options):
        if not source.is_file():
            raise CommandError(f"Fichier introuvable : {source}")
        for path in build_templates(source, session):
            self.stdout.write(f"{path}")
