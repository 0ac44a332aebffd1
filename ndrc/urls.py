from django.urls import include, path

from accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("", include("accounts.urls")),
    path("referentiel/", include("referentiel.urls")),
    path("", include("passeport.urls")),
]
