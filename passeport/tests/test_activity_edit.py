"""The author changes their activity; the form starts from what is recorded."""

from django.urls import reverse

from audit.models import AuditEntry
from tests.factories import criteria, make_activity


def test_the_form_shows_the_recorded_values(cast, login):
    activity = make_activity(cast.student)
    chosen = criteria(cast.student, "E6")[0]
    activity.criteria.add(chosen)
    page = login(cast.student).get(reverse("passeport:activity_edit", args=[activity.pk])).content.decode()
    assert 'value="2026-05-11"' in page
    assert f'value="{chosen.pk}" id="id_criteria_{chosen.pk}" checked' in page


def test_the_author_changes_the_activity(cast, login):
    activity = make_activity(cast.student)
    response = login(cast.student).post(
        reverse("passeport:activity_edit", args=[activity.pk]),
        {
            "title": "Négociation avec un syndic",
            "setting": "stage",
            "organisation": activity.organisation,
            "start_date": "2026-05-11",
            "end_date": "2026-05-12",
            "nature": "reelle",
            "description": activity.description,
        },
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "Négociation avec un syndic"
    assert AuditEntry.objects.get(action="activity.updated").changes["title"][1] == "Négociation avec un syndic"


def test_nobody_else_may_change_it(cast, login):
    activity = make_activity(cast.student)
    assert login(cast.teacher).get(reverse("passeport:activity_edit", args=[activity.pk])).status_code == 403
