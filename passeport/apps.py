from django.apps import AppConfig


class PasseportConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "passeport"

    def ready(self) -> None:
        from passeport import unsaved  # noqa: F401 - connects the login receiver that drops another's kept text
