from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "lib"
    verbose_name = "Outils communs"

    def ready(self) -> None:
        from lib import sessions  # noqa: F401 - connects the login signal receiver
