from django.urls import path

from harmonisation import views

app_name = "harmonisation"

urlpatterns = [
    path("harmonisation/", views.index, name="index"),
    path("harmonisation/<int:academie>/<int:session>/<int:exam>/", views.exam, name="exam"),
    path("harmonisation/<int:academie>/<int:session>/export/<str:fmt>/", views.export, name="export"),
    path("harmonisation/candidat/<int:pk>/", views.candidate, name="candidate"),
    path("harmonisation/candidat/<int:pk>/demande/", views.ask_candidate, name="ask_candidate"),
    path("harmonisation/commission/<int:pk>/demande/", views.ask_profile, name="ask_profile"),
    path("harmonisation/demandes/<int:pk>/repondre/", views.answer, name="answer"),
    path("harmonisation/<int:academie>/<int:session>/<int:exam>/pv-jury.pdf", views.jury_pv, name="jury_pv"),
    path("harmonisation/transmissions/", views.sends, name="sends"),
    path(
        "harmonisation/transmissions/<int:establishment>/<int:session>/<int:exam>/",
        views.send,
        name="send",
    ),
]
