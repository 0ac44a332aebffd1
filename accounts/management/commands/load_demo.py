from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Charge les données de démonstration (uniquement avec DEMO_MODE=true). Sans effet si elles existent."

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("Les données de démonstration ne se chargent qu'avec DEMO_MODE=true.")
        created = load_demo()
        if any(created.values()):
            self.stdout.write(f"Démo chargée : {created['users']} comptes et {created['students']} étudiants créés.")
        else:
            self.stdout.write("Démo déjà présente : rien à créer.")
