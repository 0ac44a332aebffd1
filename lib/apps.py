from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "lib"
    verbose_name = "Outils communs"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from lib import sessions  # noqa: F401 - connects the login signal receiver
        from lib.collation import register_sqlite_collation

        connection_created.connect(register_sqlite_collation, dispatch_uid="lib.collation.sqlite")
