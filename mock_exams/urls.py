from django.urls import path

from mock_exams import views

app_name = "mock_exams"

urlpatterns = [
    path("epreuves-blanches/", views.mock_exam_list, name="list"),
    path("epreuves-blanches/nouvelle/", views.mock_exam_create, name="create"),
    path("epreuves-blanches/<int:pk>/", views.mock_exam_detail, name="detail"),
    path("epreuves-blanches/<int:pk>/planning/", views.mock_exam_planning, name="planning"),
    path("epreuves-blanches/<int:pk>/publier/", views.mock_exam_publish, name="publish"),
    path("epreuves-blanches/<int:pk>/candidats/<int:candidate_pk>/fiche-sujet/", views.mock_subject, name="subject"),
    path("epreuves-blanches/<int:pk>/candidats/<int:candidate_pk>/grille/", views.mock_grid, name="grid"),
    path("mes-epreuves-blanches/", views.my_mock_exams, name="my_list"),
    path("mes-epreuves-blanches/<int:pk>/", views.my_mock_result, name="my_result"),
]
