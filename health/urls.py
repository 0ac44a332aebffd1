from django.urls import path

from health import views

app_name = "health"

urlpatterns = [
    path("sante/", views.sante, name="sante"),
    path("administration/taches/", views.failed_tasks, name="failed_tasks"),
]
