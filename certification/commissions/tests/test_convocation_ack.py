"""convocation_ack: the student confirms they took note of the date, once."""

from django.template.loader import render_to_string
from django.urls import reverse

from audit.models import AuditEntry
from tests.factories_certification_commissions import make_commission, make_convocation, step_of


def url(convocation):
    return reverse("certification:convocation_ack", args=[convocation.pk])


def test_the_student_acknowledges_and_goes_home(cast, login):
    convocation = make_convocation(step_of(make_commission(cast)), cast.student)

    response = login(cast.student).post(url(convocation))

    assert response.status_code == 302
    assert response.url == reverse("home")
    convocation.refresh_from_db()
    assert convocation.acknowledged_at is not None
    assert AuditEntry.objects.filter(action="convocation.acknowledged").count() == 1


def test_a_second_acknowledgement_changes_nothing(cast, login):
    convocation = make_convocation(step_of(make_commission(cast)), cast.student)
    client = login(cast.student)
    client.post(url(convocation))
    convocation.refresh_from_db()
    first = convocation.acknowledged_at

    client.post(url(convocation))

    convocation.refresh_from_db()
    assert convocation.acknowledged_at == first
    assert AuditEntry.objects.filter(action="convocation.acknowledged").count() == 1


def test_nobody_else_acknowledges_for_the_student(cast, login):
    convocation = make_convocation(step_of(make_commission(cast)), cast.student)

    assert login(cast.teacher).post(url(convocation)).status_code == 404
    convocation.refresh_from_db()
    assert convocation.acknowledged_at is None


def test_the_home_include_lists_the_students_convocations(cast):
    convocation = make_convocation(step_of(make_commission(cast)), cast.student)

    html = render_to_string("certification/commissions/includes/student_convocations.html", {"student": cast.student})

    assert "jeudi 20 mai 2027" in html
    assert reverse("certification:convocation_ack", args=[convocation.pk]) in html
    assert reverse("certification:convocation_letter", args=[convocation.step_id, cast.student.pk]) in html
