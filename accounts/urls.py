from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import forms, views, views_codes, views_import
from accounts.views_admin import admin_scoped
from audit import views as audit_views
from notifications import views as notifications_views

app_name = "accounts"

urlpatterns = [
    path(
        "connexion/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", authentication_form=forms.LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path(
        "mot-de-passe/oubli/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset_form.html",
            form_class=forms.OutboxPasswordResetForm,
            email_template_name="accounts/email/password_reset-body.txt",
            html_email_template_name="accounts/email/password_reset-body.html",
            subject_template_name="accounts/email/password_reset-subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path(
        "mot-de-passe/changer/",
        views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html", success_url=reverse_lazy("home")
        ),
        name="password_change",
    ),
    path("classes/", views.cohort_list, name="cohort_list"),
    path("classes/nouvelle/", views.cohort_create, name="cohort_create"),
    path("classes/<int:pk>/", views.cohort_detail, name="cohort_detail"),
    path("classes/<int:pk>/modifier/", views.cohort_edit, name="cohort_edit"),
    path("classes/<int:pk>/importer/", views_import.import_upload, name="student_import"),
    path("classes/<int:pk>/importer/<slug:token>/", views_import.import_preview, name="student_import_preview"),
    path(
        "classes/<int:pk>/importer/<slug:token>/confirmer/", views_import.import_confirm, name="student_import_confirm"
    ),
    path("classes/<int:pk>/codes/", views_codes.cohort_codes, name="cohort_codes"),
    path("premiere-connexion/", views_codes.first_access, name="first_access"),
    path("administration/personnel/<int:pk>/code/", views_codes.professional_code, name="professional_code"),
    path("etudiants/<int:pk>/", views.student_detail, name="student_detail"),
    path("professionnels/inviter/", views.invite_professional, name="invite_professional"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("administration/personnel/", views.staff_list, name="staff"),
    path("administration/journal/", admin_scoped(audit_views.audit_log), name="audit_log"),
    path("administration/courriels/", admin_scoped(notifications_views.outbox_list), name="outbox"),
    path(
        "administration/courriels/<int:pk>/reessayer/",
        admin_scoped(notifications_views.outbox_retry),
        name="outbox_retry",
    ),
]
