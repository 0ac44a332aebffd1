from django.urls import path

from certification.commissions.views import commissions as views_commissions
from certification.commissions.views import convocations as views_convocations
from certification.commissions.views import inform as views_inform
from certification.commissions.views import planning as views_planning
from certification.commissions.views import questions as views_questions
from certification.commissions.views import subjects as views_subjects
from certification.dossiers import views as views_dossiers
from certification.evaluation.views import exports as views_exports
from certification.evaluation.views import grids as views_grids
from certification.evaluation.views import jury as views_jury
from certification.evaluation.views import lifecycle as views_lifecycle
from certification.evaluation.views import marks as views_marks
from certification.evaluation.views import progress as views_progress
from certification.evaluation.views import sheets as views_sheets

app_name = "certification"

urlpatterns = [
    # Dossiers (student side, and staff reading)
    path("etudiants/<int:student_pk>/dossiers/", views_dossiers.dossier_list, name="dossier_list"),
    path("etudiants/<int:student_pk>/dossiers/<str:exam_code>/", views_dossiers.dossier_edit, name="dossier_edit"),
    path("dossiers/<int:pk>/", views_dossiers.dossier_detail, name="dossier_detail"),
    path("dossiers/<int:pk>/deposer/", views_dossiers.dossier_submit, name="dossier_submit"),
    path("dossiers/<int:pk>/depot-tardif/", views_dossiers.dossier_late_deposit, name="dossier_late_deposit"),
    # Conformity
    path("dossiers/<int:pk>/conformite/", views_dossiers.conformity_check, name="conformity_check"),
    path("conformite/<int:pk>/notification/", views_dossiers.nv_notification, name="nv_notification"),
    # Commissions and official information
    path("commissions/", views_commissions.commission_list, name="commission_list"),
    path("commissions/nouvelle/", views_commissions.commission_create, name="commission_create"),
    path("commissions/<int:pk>/", views_commissions.commission_detail, name="commission_detail"),
    path("commissions/<int:pk>/membres/", views_commissions.commission_members, name="commission_members"),
    path("commissions/<int:pk>/etapes/", views_commissions.step_create, name="step_create"),
    path("commissions/<int:pk>/avancement/", views_progress.commission_progress, name="commission_progress"),
    path("etapes/<int:pk>/informer/", views_inform.inform_students, name="inform_students"),
    path("etapes/<int:pk>/informer/confirmer/", views_inform.inform_confirm, name="inform_confirm"),
    path("etapes/<int:pk>/lettre/<int:student_pk>/", views_commissions.convocation_letter, name="convocation_letter"),
    path(
        "etapes/<int:pk>/sans-information/<int:student_pk>/",
        views_commissions.uninformed_reason,
        name="uninformed_reason",
    ),
    path("informations/<int:pk>/accuse/", views_commissions.convocation_ack, name="convocation_ack"),
    path("informations/<int:pk>/renvoyer/", views_convocations.convocation_resend, name="convocation_resend"),
    path(
        "informations/<int:pk>/lettre-remise/",
        views_convocations.convocation_letter_handed,
        name="convocation_letter_handed",
    ),
]

urlpatterns += [
    # Grids (jury only)
    path("commissions/<int:pk>/candidats/<int:student_pk>/grille/", views_grids.grid_member, name="grid_member"),
    path(
        "commissions/<int:pk>/candidats/<int:student_pk>/grille-commune/", views_grids.grid_agreed, name="grid_agreed"
    ),
    path(
        "commissions/<int:pk>/candidats/<int:student_pk>/preuves/<int:competency_pk>/",
        views_grids.grid_evidence,
        name="grid_evidence",
    ),
    path("commissions/<int:pk>/candidats/<int:student_pk>/grille/pdf/", views_grids.grid_pdf, name="grid_pdf"),
    path(
        "commissions/<int:pk>/candidats/<int:student_pk>/grille/word/",
        views_grids.grid_docx_download,
        name="grid_docx",
    ),
    # Profiles and marks
    path("commissions/<int:pk>/profils/", views_marks.profiles, name="profiles"),
    path("commissions/<int:pk>/candidats/<int:student_pk>/resultat/", views_marks.result_edit, name="result_edit"),
    path("commissions/<int:pk>/candidats/<int:student_pk>/rouvrir/", views_marks.result_reopen, name="result_reopen"),
    # Evaluation sheet, signatures, deliberation, release
    path(
        "commissions/<int:pk>/candidats/<int:student_pk>/fiche-evaluation/",
        views_sheets.evaluation_sheet,
        name="evaluation_sheet",
    ),
    path(
        "commissions/<int:pk>/candidats/<int:student_pk>/fiche-evaluation/pdf/",
        views_sheets.evaluation_sheet_pdf,
        name="evaluation_sheet_pdf",
    ),
    path(
        "commissions/<int:pk>/candidats/<int:student_pk>/signer/", views_sheets.evaluation_sign, name="evaluation_sign"
    ),
    path("commissions/<int:pk>/deliberation/", views_sheets.deliberation, name="deliberation"),
    path(
        "commissions/<int:pk>/candidats/<int:student_pk>/communication-grille/",
        views_sheets.grid_disclosure,
        name="grid_disclosure",
    ),
    path("etudiants/<int:student_pk>/resultats/", views_sheets.student_results, name="student_results"),
]

urlpatterns += [
    # Exports
    path("commissions/<int:pk>/export/<str:fmt>/", views_exports.commission_export, name="commission_export"),
    path("commissions/<int:pk>/dossiers-evaluation/", views_exports.evaluation_packs, name="evaluation_packs"),
    path(
        "commissions/<int:pk>/dossiers-evaluation/<int:student_pk>/",
        views_exports.evaluation_pack_download,
        name="evaluation_pack_download",
    ),
]

urlpatterns += [
    # E4 situation B: fiche sujet (jury), prepared questions and the establishment's question bank
    path("commissions/<int:pk>/sujets/", views_subjects.subject_list, name="subject_list"),
    path("commissions/<int:pk>/candidats/<int:student_pk>/sujet/", views_subjects.subject_edit, name="subject_edit"),
    path("sujets/<int:pk>/pdf/<str:part>/", views_subjects.subject_pdf, name="subject_pdf"),
    path("sujets/<int:pk>/questions/", views_questions.subject_questions, name="subject_questions"),
    path("etablissements/<int:pk>/questions/", views_questions.question_bank, name="question_bank"),
    path("questions/<int:pk>/retirer/", views_questions.question_archive, name="question_archive"),
    # The candidate's side: their passage's candidate part, from its release time only
    path("mes-passages/<int:pk>/sujet/", views_subjects.candidate_subject, name="candidate_subject"),
    path("mes-passages/<int:pk>/sujet/pdf/", views_subjects.candidate_subject_pdf, name="candidate_subject_pdf"),
]

urlpatterns += [
    # Planning of the passages, rooms, convocations and their proofs
    path("etablissements/<int:pk>/salles/", views_planning.rooms, name="rooms"),
    path("commissions/<int:pk>/planning/", views_planning.planning, name="planning"),
    path("commissions/<int:pk>/planning/<str:day>/", views_planning.day_schedule, name="day_schedule"),
    path("passages/<int:pk>/modifier/", views_planning.passage_edit, name="passage_edit"),
    path("passages/<int:pk>/convocation/", views_planning.passage_letter, name="passage_letter"),
    path("commissions/<int:pk>/convocations/", views_planning.convocation_proofs, name="convocation_proofs"),
    path("etudiants/<int:student_pk>/convocations/", views_planning.student_convocations, name="student_convocations"),
]

urlpatterns += [
    # The jury on the day, and the teachers' to-do list
    path("passages/<int:pk>/jury/", views_jury.jury_view, name="jury_view"),
    path("passages/<int:pk>/notes/", views_jury.jury_notes, name="jury_notes"),
    path("a-faire/", views_jury.todo, name="todo"),
]

urlpatterns += [
    # The candidate's lifecycle: readiness, absences, « absence de dépôt »
    path(
        "commissions/<int:pk>/candidats/<int:student_pk>/parcours/",
        views_lifecycle.candidate_lifecycle,
        name="candidate_lifecycle",
    ),
    path(
        "commissions/<int:pk>/candidats/<int:student_pk>/aptitude/",
        views_lifecycle.readiness_record,
        name="readiness_record",
    ),
    path(
        "commissions/<int:pk>/candidats/<int:student_pk>/absence/",
        views_lifecycle.absence_record,
        name="absence_record",
    ),
    path("absences/<int:pk>/justificatif/", views_lifecycle.absence_document, name="absence_document"),
    path(
        "commissions/<int:pk>/candidats/<int:student_pk>/absence-de-depot/",
        views_lifecycle.no_deposit,
        name="no_deposit",
    ),
]
