from django.urls import include, path

from ndrc import views

urlpatterns = [
    path("", views.home, name="home"),
    path("moi/", views.whoami, name="whoami"),
    path("", include("accounts.urls")),
    path("referentiel/", include("referentiel.urls")),
    path("", include("passeport.urls")),
    path("", include("certification.urls")),
    path("", include("harmonisation.urls")),
    path("", include("mock_exams.urls")),
    path("", include("health.urls")),
]
