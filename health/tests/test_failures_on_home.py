"""Failed background tasks and failed emails reach the administrators' home page, with counts and links."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import OutboxState

from .conftest import make_message, make_task

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def test_the_admin_sees_failed_tasks_and_emails_with_links(cast, login):
    make_task(status="FAILED", minutes_ago=30)
    make_task(status="FAILED", minutes_ago=60)
    make_message(state=OutboxState.FAILED, establishment_id=cast.establishment.pk)
    response = login(cast.admin).get(HOME)
    content = response.content.decode()
    assert "Des envois ou des traitements ont échoué ces 7 derniers jours." in content
    assert "1 courriel en échec définitif" in content
    assert f"{reverse('accounts:outbox')}?etat=failed" in content
    assert "2 tâches de fond en échec" in content
    assert reverse("health:failed_tasks") in content


def test_no_alert_when_nothing_failed_recently(cast, login):
    make_task(status="FAILED", minutes_ago=60 * 24 * 8)
    make_task(status="SUCCESSFUL", minutes_ago=5)
    make_message(state=OutboxState.SENT, establishment_id=cast.establishment.pk)
    response = login(cast.admin).get(HOME)
    assert "ont échoué" not in response.content.decode()


def test_emails_of_another_establishment_are_not_counted(cast, login):
    make_message(state=OutboxState.FAILED, establishment_id=cast.other_establishment.pk)
    response = login(cast.admin).get(HOME)
    assert "courriel en échec" not in response.content.decode()


def test_teachers_do_not_see_the_alert(cast, login):
    make_task(status="FAILED", minutes_ago=30)
    response = login(cast.teacher).get(HOME)
    assert "ont échoué" not in response.content.decode()


def test_the_failed_tasks_page_names_the_task_and_the_error_without_the_traceback(cast, login):
    make_task(status="FAILED", minutes_ago=30)
    make_task(status="FAILED", minutes_ago=30, task_path="notifications.tasks.deliver_outbox_message")
    response = login(cast.admin).get(reverse("health:failed_tasks"))
    content = response.content.decode()
    assert "Construction d&#x27;un dossier d&#x27;évaluation" in content
    assert "Envoi d&#x27;un courriel" in content
    assert "OSError" in content
    assert "Dupont" not in content  # the traceback stays in the log


def test_the_number_of_failures_does_not_change_the_number_of_queries(cast, login, django_assert_max_num_queries):
    client = login(cast.admin)
    client.get(HOME)
    with CaptureQueriesContext(connection) as baseline:
        client.get(HOME)
    for _ in range(5):
        make_task(status="FAILED", minutes_ago=30)
        make_message(state=OutboxState.FAILED, establishment_id=cast.establishment.pk)
    with django_assert_max_num_queries(len(baseline)):
        assert "5 tâches de fond en échec" in client.get(HOME).content.decode()
