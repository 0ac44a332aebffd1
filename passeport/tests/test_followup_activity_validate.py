"""A teacher marks an activity « validée en formation », or withdraws that validation."""

import time_machine
from django.urls import reverse

from audit.models import AuditEntry
from tests.factories import make_activity


def _url(activity):
    return reverse("passeport:activity_validate", args=[activity.pk])


def _detail(activity):
    return reverse("passeport:activity_detail", args=[activity.pk])


@time_machine.travel("2026-03-02 10:00 +0100", tick=False)
def test_it_validates_the_activity_and_goes_back_to_it(cast, login):
    activity = make_activity(cast.student)
    response = login(cast.teacher).post(_url(activity))
    assert response.status_code == 302
    assert response.url == _detail(activity)
    activity.refresh_from_db()
    assert activity.validated_by == cast.teacher
    assert activity.validated_at.isoformat() == "2026-03-02T09:00:00+00:00"


def test_it_says_so_in_french(cast, login):
    activity = make_activity(cast.student)
    response = login(cast.teacher).post(_url(activity), follow=True)
    assert "Activité validée en formation." in response.content.decode()


def test_it_writes_one_audit_entry(cast, login):
    activity = make_activity(cast.student)
    login(cast.teacher).post(_url(activity))
    entry = AuditEntry.objects.get(action="activity.validated")
    assert (entry.actor, entry.object_id, entry.establishment_id) == (
        cast.teacher,
        str(activity.pk),
        cast.establishment.pk,
    )


def test_a_second_click_changes_nothing_and_says_so(cast, login):
    activity = make_activity(cast.student)
    login(cast.teacher).post(_url(activity))
    first = type(activity).objects.get(pk=activity.pk).validated_at
    response = login(cast.admin).post(_url(activity), follow=True)
    activity.refresh_from_db()
    assert activity.validated_at == first
    assert activity.validated_by == cast.teacher
    assert AuditEntry.objects.filter(action="activity.validated").count() == 1
    assert "déjà validée en formation" in response.content.decode()


def test_the_validation_can_be_withdrawn(cast, login):
    activity = make_activity(cast.student)
    client = login(cast.teacher)
    client.post(_url(activity))
    response = client.post(_url(activity), {"action": "unvalidate"}, follow=True)
    activity.refresh_from_db()
    assert activity.validated_at is None
    assert activity.validated_by is None
    assert AuditEntry.objects.filter(action="activity.unvalidated").count() == 1
    assert "La validation en formation de cette activité a été retirée." in response.content.decode()


def test_withdrawing_from_an_activity_not_validated_is_a_no_op(cast, login):
    activity = make_activity(cast.student)
    response = login(cast.teacher).post(_url(activity), {"action": "unvalidate"}, follow=True)
    assert not AuditEntry.objects.filter(action="activity.unvalidated").exists()
    assert "n&#x27;était pas validée" in response.content.decode()


def test_the_student_cannot_validate_their_own_activity(cast, login):
    activity = make_activity(cast.student)
    assert login(cast.student).post(_url(activity)).status_code == 403
    activity.refresh_from_db()
    assert activity.validated_at is None


def test_the_professional_who_follows_the_student_cannot_validate(cast, login):
    activity = make_activity(cast.student)
    assert login(cast.professional).post(_url(activity)).status_code == 403


def test_a_teacher_of_another_establishment_gets_a_404(cast, login):
    activity = make_activity(cast.student)
    assert login(cast.other_teacher).post(_url(activity)).status_code == 404
