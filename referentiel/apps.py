from django.apps import AppConfig


class ReferentielConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "referentiel"
