from django.apps import AppConfig


class HarmonisationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "harmonisation"
    verbose_name = "Harmonisation académique"

    def ready(self) -> None:
        # The jury's « À faire » lives in certification, below this app: this app registers its items there.
        from harmonisation import selectors, todo
        from lib import generations

        todo.register()
        generations.watch(selectors.GENERATION, *selectors.READ_MODELS)
