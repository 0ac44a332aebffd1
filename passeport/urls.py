from django.urls import path

from passeport import (
    views_activities,
    views_attestations,
    views_authorship,
    views_exports,
    views_fiches,
    views_followup,
    views_internships,
    views_passeport,
    views_pdf,
)

app_name = "passeport"

urlpatterns = [
    # Passeport and cohort views
    path("mon-passeport/", views_passeport.my_passeport, name="my_passeport"),
    path("etudiants/<int:student_pk>/passeport/", views_passeport.passeport, name="passeport"),
    path("classes/<int:cohort_pk>/suivi/", views_passeport.cohort_overview, name="cohort_overview"),
    # Spreadsheets (fmt: xlsx or csv)
    path(
        "classes/<int:cohort_pk>/suivi.<str:fmt>", views_exports.cohort_followup_export, name="cohort_followup_export"
    ),
    path(
        "classes/<int:cohort_pk>/evaluations-formatives.<str:fmt>",
        views_exports.cohort_formative_export,
        name="cohort_formative_export",
    ),
    path("etudiants/<int:student_pk>/passeport.<str:fmt>", views_exports.passeport_export, name="passeport_export"),
    path(
        "etudiants/<int:student_pk>/evaluations-formatives.<str:fmt>",
        views_exports.student_formative_export,
        name="student_formative_export",
    ),
    # Activities and evidence
    path("etudiants/<int:student_pk>/activites/nouvelle/", views_activities.activity_create, name="activity_create"),
    path("activites/<int:pk>/", views_activities.activity_detail, name="activity_detail"),
    path("activites/<int:pk>/modifier/", views_activities.activity_edit, name="activity_edit"),
    path("activites/<int:pk>/preuves/", views_activities.evidence_upload, name="evidence_upload"),
    path("preuves/<int:pk>/", views_activities.evidence_download, name="evidence_download"),
    path("preuves/<int:pk>/supprimer/", views_activities.evidence_delete, name="evidence_delete"),
    # Internship periods
    path("etudiants/<int:student_pk>/stages/nouveau/", views_internships.internship_create, name="internship_create"),
    path("stages/<int:pk>/modifier/", views_internships.internship_edit, name="internship_edit"),
    path("stages/<int:pk>/attestation/", views_internships.internship_attestation, name="internship_attestation"),
    path("stages/<int:pk>/attestation-de-stage/", views_attestations.attestation_edit, name="attestation_edit"),
    path("stages/<int:pk>/attestation-de-stage.pdf", views_attestations.attestation_pdf, name="attestation_pdf"),
    path("attestations/<int:pk>/signer/", views_attestations.attestation_sign, name="attestation_sign"),
    path("attestation-de-stage/<str:token>/", views_attestations.attestation_link, name="attestation_link"),
    # Fiches
    path("activites/<int:pk>/fiches/nouvelle/", views_fiches.fiche_create, name="fiche_create"),
    path("fiches/<int:pk>/", views_fiches.fiche_edit, name="fiche_edit"),
    path("fiches/<int:pk>/enregistrement-auto/", views_fiches.fiche_autosave, name="fiche_autosave"),
    path("fiches/<int:pk>/versos/ajouter/", views_fiches.fiche_add_verso, name="fiche_add_verso"),
    path("fiches/<int:pk>/versions/", views_fiches.fiche_versions, name="fiche_versions"),
    path("fiches/<int:pk>/versions/<int:version_pk>/", views_fiches.fiche_version_diff, name="fiche_version_diff"),
    path("fiches/<int:pk>/pdf/", views_pdf.fiche_pdf, name="fiche_pdf"),
    path("fiches/<int:pk>/word/", views_pdf.fiche_docx, name="fiche_docx"),
    path("fiches/<int:pk>/mise-en-page/", views_pdf.fiche_fit, name="fiche_fit"),
    # Teacher follow-up
    path("fiches/<int:pk>/commentaires/", views_followup.fiche_comment, name="fiche_comment"),
    path("activites/<int:pk>/valider/", views_followup.activity_validate, name="activity_validate"),
    path("etudiants/<int:student_pk>/evaluations/nouvelle/", views_followup.formative_create, name="formative_create"),
    # Personal authorship
    path("classes/<int:cohort_pk>/similitudes/", views_authorship.cohort_authorship, name="cohort_authorship"),
    path("fiches/<int:pk>/similitudes/<int:other_pk>/", views_authorship.fiche_compare, name="fiche_compare"),
]
