from django.apps import AppConfig


class MockExamsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mock_exams"
    verbose_name = "Épreuves blanches (CCF blanc)"
