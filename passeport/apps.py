from django.apps import AppConfig


class PasseportConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "passeport"
