from django.urls import path

from certification import views_commissions, views_conformity, views_dossiers

app_name = "certification"

urlpatterns = [
    # Dossiers (student side, and staff reading)
    path("etudiants/<int:student_pk>/dossiers/", views_dossiers.dossier_list, name="dossier_list"),
    path("etudiants/<int:student_pk>/dossiers/<str:exam_code>/", views_dossiers.dossier_edit, name="dossier_edit"),
    path("dossiers/<int:pk>/", views_dossiers.dossier_detail, name="dossier_detail"),
    path("dossiers/<int:pk>/deposer/", views_dossiers.dossier_submit, name="dossier_submit"),
    path("dossiers/<int:pk>/depot-tardif/", views_dossiers.dossier_late_deposit, name="dossier_late_deposit"),
    # Conformity
    path("dossiers/<int:pk>/conformite/", views_conformity.conformity_check, name="conformity_check"),
    path("conformite/<int:pk>/notification/", views_conformity.nv_notification, name="nv_notification"),
    # Commissions and official information
    path("commissions/", views_commissions.commission_list, name="commission_list"),
    path("commissions/nouvelle/", views_commissions.commission_create, name="commission_create"),
    path("commissions/<int:pk>/", views_commissions.commission_detail, name="commission_detail"),
    path("commissions/<int:pk>/membres/", views_commissions.commission_members, name="commission_members"),
    path("commissions/<int:pk>/etapes/", views_commissions.step_create, name="step_create"),
    path("etapes/<int:pk>/informer/", views_commissions.inform_students, name="inform_students"),
    path("etapes/<int:pk>/lettre/<int:student_pk>/", views_commissions.convocation_letter, name="convocation_letter"),
    path(
        "etapes/<int:pk>/sans-information/<int:student_pk>/",
        views_commissions.uninformed_reason,
        name="uninformed_reason",
    ),
    path("informations/<int:pk>/accuse/", views_commissions.convocation_ack, name="convocation_ack"),
]
