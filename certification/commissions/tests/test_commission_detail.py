"""commission_detail: members, situations and their dates, and who was informed of each date."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certification.models import Dossier, MemberRole, SituationStep, UninformedAssessment
from tests.factories import exam
from tests.factories_certification_commissions import add_member, make_commission, make_convocation, step_of
from tests.personas import make_student


def url(commission):
    return reverse("certification:commission_detail", args=[commission.pk])


def test_it_shows_members_and_who_does_not_carry_the_responsibility(cast, login):
    commission = make_commission(cast)
    add_member(commission, cast.professional, MemberRole.PROFESSIONAL)

    page = login(cast.teacher).get(url(commission)).content.decode()

    assert "Paul TUTEUR" in page
    assert "ne porte pas la responsabilité formelle de l'évaluation" in page
    assert "responsable" in page


def test_it_shows_who_was_informed_and_links_the_dossier_and_the_letter(cast, login):
    commission = make_commission(cast)
    step = step_of(commission)
    convocation = make_convocation(step, cast.student)
    convocation.acknowledged_at = timezone.now()
    convocation.save(update_fields=["acknowledged_at"])
    dossier = Dossier.objects.create(student=cast.student, exam=exam("E4", cast.student), session=cast.session)

    response = login(cast.teacher).get(url(commission))

    page = response.content.decode()
    rows = {row.student: row for row in response.context["rows"]}
    assert rows[cast.student].cells[0].convocation == convocation
    assert rows[cast.student2].cells[0].convocation is None
    assert reverse("certification:dossier_detail", args=[dossier.pk]) in page
    assert reverse("certification:convocation_letter", args=[step.pk, cast.student.pk]) in page
    assert "réception confirmée" in page
    assert "1 à informer" in page


def test_an_uninformed_student_with_a_reason_is_marked(cast, login):
    commission = make_commission(cast)
    step = step_of(commission)
    UninformedAssessment.objects.create(
        step=step, student=cast.student2, reason="Arrivé en cours d'année", recorded_by=cast.teacher
    )

    response = login(cast.teacher).get(url(commission))

    assert "motif d'évaluation enregistré" in response.content.decode()


def test_a_member_who_does_not_manage_sees_no_forms(cast, login):
    commission = make_commission(cast, responsible=cast.teacher2)
    add_member(commission, cast.teacher)

    response = login(cast.teacher).get(url(commission))

    assert response.context["can_manage"] is False
    assert reverse("certification:inform_students", args=[step_of(commission).pk]) not in response.content.decode()
    assert reverse("certification:inform_confirm", args=[step_of(commission).pk]) not in response.content.decode()


def test_e6_says_single_assessor_and_offers_no_member_form(cast, login):
    commission = make_commission(cast, "E6")

    page = login(cast.teacher).get(url(commission)).content.decode()

    assert "un seul évaluateur" in page
    assert 'value="add"' not in page


def _fill_cohort(cast, prefix: str, count: int) -> list:
    return [
        make_student(f"{prefix}{index}", "Élève", f"{prefix.title()}{index:02d}", cast.cohort) for index in range(count)
    ]


def _query_count(client, commission) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(commission)).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_students(cast, login):
    commission = make_commission(cast)
    step = step_of(commission)
    SituationStep.objects.create(situation=step.situation, date=datetime.date(2027, 1, 10))
    client = login(cast.teacher)
    _fill_cohort(cast, "petit", 3)  # 5 students with the cast's two
    Dossier.objects.create(student=cast.student, exam=exam("E4", cast.student), session=cast.session)
    make_convocation(step, cast.student)
    five = _query_count(client, commission)

    for student in _fill_cohort(cast, "grand", 25):  # 30 students
        make_convocation(step, student)
        Dossier.objects.create(student=student, exam=exam("E4", student), session=cast.session)
    thirty = _query_count(client, commission)

    assert len(client.get(url(commission)).context["rows"]) == 30
    assert five == thirty
