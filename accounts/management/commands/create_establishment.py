from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import services
from accounts.models import Establishment, Role


class Command(BaseCommand):
    help = (
        "Crée un établissement (ou le retrouve par son UAI) et invite son premier administrateur : "
        "le lien d’activation part par courriel (voir la page Courriels ou var/mail en démo)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--uai", required=True)
        parser.add_argument("--name", required=True, help="Nom de l'établissement")
        parser.add_argument("--city", default="")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-first-name", required=True)
        parser.add_argument("--admin-last-name", required=True)
        parser.add_argument("--base-url", required=True, help="Adresse publique, ex. https://ndrc.mon-lycee.fr")

    def handle(self, *args, **opts):
        uai = opts["uai"].strip().upper()
        establishment = Establishment(uai=uai, name=opts["name"], city=opts["city"])
        try:
            establishment.full_clean(validate_unique=False)
        except Exception as exc:
            raise CommandError(f"Établissement invalide : {exc}") from exc
        with transaction.atomic():
            establishment, _ = Establishment.objects.get_or_create(
                uai=uai, defaults={"name": opts["name"], "city": opts["city"]}
            )
            invitation = services.invite_person(
                establishment=establishment,
                invited_by=None,
                role=Role.ADMIN,
                email=opts["admin_email"],
                first_name=opts["admin_first_name"],
                last_name=opts["admin_last_name"],
                base_url=opts["base_url"].rstrip("/"),
            )
        self.stdout.write(f"{establishment} : invitation envoyée à {invitation.user.email}.")
