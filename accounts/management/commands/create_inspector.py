"""Create an académie (or find it by its code), attach establishments to it, and give one person the « inspection /
examens » role there (issue 16). A platform administrator's command, as ``create_establishment`` is: the role is
never granted from a page of an establishment."""

from django.contrib.auth.tokens import default_token_generator
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Academie, AcademieMembership, Establishment, User
from audit.services import log_action


class Command(BaseCommand):
    help = (
        "Crée une académie (ou la retrouve par son code), y rattache des établissements (--uai, répétable) et donne "
        "à une personne le rôle « inspection / examens » de cette académie. Affiche le lien pour choisir son mot de "
        "passe quand le compte est nouveau."
    )

    def add_arguments(self, parser):
        parser.add_argument("--academie-code", required=True)
        parser.add_argument("--academie-name", required=True, help="Nom de l'académie, ex. Lyon")
        parser.add_argument("--uai", action="append", default=[], help="UAI d'un établissement à rattacher")
        parser.add_argument("--email", required=True)
        parser.add_argument("--first-name", required=True)
        parser.add_argument("--last-name", required=True)
        parser.add_argument("--base-url", required=True, help="Adresse publique, ex. https://ndrc.mon-academie.fr")

    def handle(self, *args, **opts):
        email = opts["email"].strip().lower()
        uais = [uai.strip().upper() for uai in opts["uai"]]
        establishments = list(Establishment.objects.filter(uai__in=uais))
        unknown = sorted(set(uais) - {e.uai for e in establishments})
        if unknown:
            raise CommandError(f"Établissement inconnu : {', '.join(unknown)}.")
        if not email or "@" not in email:
            raise CommandError("Adresse électronique invalide.")
        with transaction.atomic():
            academie, _ = Academie.objects.get_or_create(
                code=opts["academie_code"].strip(), defaults={"name": opts["academie_name"].strip()}
            )
            for establishment in establishments:
                establishment.academie = academie
                establishment.save(update_fields=["academie"])
            user, created = _user(email, opts["first_name"], opts["last_name"])
            AcademieMembership.objects.get_or_create(user=user, academie=academie)
            log_action(
                "academie.inspector_granted",
                obj=academie,
                changes={"user_id": user.pk, "email": email, "establishments": [e.uai for e in establishments]},
            )
        self.stdout.write(f"{academie} : {user.email} a le rôle « inspection / examens ».")
        if created:
            uid = urlsafe_base64_encode(force_bytes(user.pk))
            token = default_token_generator.make_token(user)
            path = reverse("accounts:password_reset_confirm", args=[uid, token])
            self.stdout.write(f"Lien pour choisir le mot de passe : {opts['base_url'].rstrip('/')}{path}")


def _user(email: str, first_name: str, last_name: str) -> tuple[User, bool]:
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user, False
    user = User(username=email, email=email, first_name=first_name.strip(), last_name=last_name.strip())
    user.set_unusable_password()
    user.save()
    return user, True
