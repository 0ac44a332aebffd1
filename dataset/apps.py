from django.apps import AppConfig


class DatasetConfig(AppConfig):
    """Seeded, reproducible datasets for benchmarks (never loaded in production)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "dataset"
    verbose_name = "jeux de données de mesure"
