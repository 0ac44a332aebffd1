"""Permission helpers with the checks taken out, for scripts/mutate_access_checks.py only.

Each function has the name and signature of a real helper and returns the object whatever the user: the
mutation script swaps one call in one view for its twin here, and the access matrix must then fail.
"""

from django.shortcuts import get_object_or_404

from accounts.models import Cohort, Student
from passeport.models import Activity, Evidence, Fiche, FicheVersion, InternshipPeriod


def get_cohort_for_user(user, pk, **flags):
    return get_object_or_404(Cohort, pk=pk)


get_cohort_for_admin = get_cohort_for_user


def get_student_for_user(user, pk, **flags):
    return get_object_or_404(Student, pk=pk)


get_passeport_student_for_user = get_student_for_user


def get_activity_for_user(user, pk, **flags):
    return get_object_or_404(Activity, pk=pk)


def get_evidence_for_user(user, pk, **flags):
    return get_object_or_404(Evidence, pk=pk)


def get_internship_for_user(user, pk, **flags):
    return get_object_or_404(InternshipPeriod, pk=pk)


def get_fiche_for_user(user, pk, **flags):
    return get_object_or_404(Fiche, pk=pk)


def get_fiche_version_for_user(user, fiche_pk, version_pk, **flags):
    return get_object_or_404(FicheVersion, fiche_id=fiche_pk, pk=version_pk)


def get_commission_for_user(user, pk, **flags):
    from certification.models import Commission

    return get_object_or_404(Commission, pk=pk)


def get_commission_student(user, pk, student_pk, **flags):
    commission = get_commission_for_user(user, pk)
    return commission, get_object_or_404(Student, pk=student_pk)


def get_own_student(user, student_pk, **flags):
    return get_object_or_404(Student, pk=student_pk)


def get_dossier_for_user(user, pk, **flags):
    from certification.models import Dossier

    return get_object_or_404(Dossier, pk=pk)


def get_step_for_user(user, pk, **flags):
    from certification.models import SituationStep

    return get_object_or_404(SituationStep, pk=pk)


def get_convocation_for_user(user, pk, **flags):
    from certification.models import Convocation

    return get_object_or_404(Convocation, pk=pk)


def require_member(user, commission):
    from certification.models import CommissionMember

    return CommissionMember.objects.filter(commission=commission).first()


def get_subject_sheet_for_user(user, pk, **flags):
    from certification.models import SubjectSheet

    return get_object_or_404(SubjectSheet.objects.select_related("commission", "student__user"), pk=pk)


def get_passage_for_user(user, pk, **flags):
    from certification.models import Passage

    return get_object_or_404(Passage.objects.select_related("situation__commission", "student__user", "room"), pk=pk)


get_own_passage = get_passage_for_user


def get_staff_establishment(user, pk, **flags):
    from accounts.models import Establishment

    return get_object_or_404(Establishment, pk=pk)


def get_question_for_user(user, pk, **flags):
    from certification.models import Question

    return get_object_or_404(Question, pk=pk)


def get_professional_for_admin(user, pk, **flags):
    from accounts.models import User

    return get_object_or_404(User, pk=pk)


def get_mock_exam_for_user(user, pk, **flags):
    from mock_exams.models import MockExam

    return get_object_or_404(MockExam.objects.select_related("cohort__exam_session", "exam"), pk=pk)


def get_candidate_for_user(user, pk, candidate_pk, **flags):
    from mock_exams.models import MockCandidate

    return get_object_or_404(
        MockCandidate.objects.select_related("mock_exam__cohort__exam_session", "student__user", "fiche__kind"),
        pk=candidate_pk,
    )


def get_own_candidacy(user, pk, **flags):
    from mock_exams.models import MockCandidate

    return get_object_or_404(MockCandidate.objects.select_related("mock_exam__exam", "fiche__kind"), pk=pk)
