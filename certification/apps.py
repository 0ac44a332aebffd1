from django.apps import AppConfig


class CertificationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "certification"

    def ready(self) -> None:
        from certification.evaluation.selectors import steps
        from lib import generations

        generations.watch(steps.GENERATION, *steps.READ_MODELS)
