from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Charge les données de démonstration (uniquement avec DEMO_MODE=true). Sans effet si elles existent."

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("Les données de démonstration ne se chargent qu'avec DEMO_MODE=true.")
        # Each app adds its own part of the demo, in dependency order (settings.DEMO_LOADERS).
        for path in settings.DEMO_LOADERS:
            created = import_string(path)()
            summary = ", ".join(f"{count} {what}" for what, count in created.items() if count)
            self.stdout.write(f"{path} : {summary or 'déjà présent, rien à créer'}.")
