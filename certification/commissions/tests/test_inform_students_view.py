"""inform_students: the responsible informs the cohort (or the ticked students) of a step's date.

The information runs as a background task queued on commit; the test backend runs it inline, so each POST goes
through ``django_capture_on_commit_callbacks(execute=True)``.
"""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from certification.models import Convocation, InformationMethod
from notifications.models import OutboxMessage
from tests.factories_certification_commissions import add_member, confirm_information, make_commission, step_of


def url(step):
    return reverse("certification:inform_students", args=[step.pk])


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """``post(client, step, data)``: the confirmation page, its confirmed POST, then the queued task as a worker would
    run it."""

    def _post(client, step, data):
        with django_capture_on_commit_callbacks(execute=True):
            return confirm_information(client, step, data)

    return _post


def test_it_informs_every_student_in_the_background_and_says_so(cast, login, post):
    step = step_of(make_commission(cast))

    response = post(login(cast.teacher), step, {"scope": "all"})

    assert response.status_code == 302
    assert response.url.endswith(f"#etape-{step.pk}")
    assert Convocation.objects.filter(step=step).count() == 2
    assert OutboxMessage.objects.filter(kind="convocation").count() == 2
    assert _messages(response) == [
        "Information en cours : 2 étudiant·e(s) à informer de la date du 20/05/2027, par courriel avec la lettre "
        "officielle en PDF. L'avancement s'affiche sur cette page."
    ]


def test_the_task_is_queued_only_after_the_commit(cast, login, django_capture_on_commit_callbacks):
    step = step_of(make_commission(cast))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        confirm_information(login(cast.teacher), step, {"scope": "all"})

    assert len(callbacks) == 1
    assert not Convocation.objects.exists()


def test_the_commission_page_shows_the_progress(cast, login, post, settings):
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    step = step_of(make_commission(cast))
    client = login(cast.teacher)
    post(client, step, {"scope": "selected", "students": [cast.student.pk]})

    response = client.get(reverse("certification:commission_detail", args=[step.situation.commission_id]))

    assert "1/2 informé·e(s)" in response.content.decode()


def test_an_email_not_yet_accepted_by_the_server_is_not_counted_as_informed(cast, login, post):
    step = step_of(make_commission(cast))  # the test SMTP server is down: the email stays queued
    client = login(cast.teacher)
    post(client, step, {"scope": "selected", "students": [cast.student.pk]})

    page = client.get(reverse("certification:commission_detail", args=[step.situation.commission_id])).text

    assert "0/2 informé·e(s)" in page
    assert "envoi en cours" in page


def test_it_lists_the_students_who_get_the_printed_letter(cast, login, post):
    cast.student2.user.email = ""
    cast.student2.user.save(update_fields=["email"])
    step = step_of(make_commission(cast))

    response = post(login(cast.teacher), step, {"scope": "all"})

    assert Convocation.objects.get(student=cast.student2).method == InformationMethod.LETTER
    assert any("lettre imprimée" in m and "Lucas ÉTUDIANT" in m for m in _messages(response))


def test_it_informs_only_the_ticked_students(cast, login, post):
    step = step_of(make_commission(cast))

    post(login(cast.teacher), step, {"scope": "selected", "students": [cast.student2.pk]})

    assert list(Convocation.objects.values_list("student", flat=True)) == [cast.student2.pk]


def test_selected_with_nobody_ticked_informs_nobody(cast, login, post):
    step = step_of(make_commission(cast))

    response = post(login(cast.teacher), step, {"scope": "selected"})

    assert not Convocation.objects.exists()
    assert _messages(response) == ["Cochez au moins un·e étudiant·e à informer."]


def test_a_student_of_another_cohort_cannot_be_ticked(cast, login, post):
    step = step_of(make_commission(cast))

    post(login(cast.teacher), step, {"scope": "selected", "students": [cast.other_student.pk]})

    assert not Convocation.objects.exists()


def test_informing_twice_counts_those_already_informed(cast, login, post, settings):
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    step = step_of(make_commission(cast))
    client = login(cast.teacher)
    post(client, step, {"scope": "all"})

    response = post(client, step, {"scope": "all"})

    assert Convocation.objects.count() == 2
    assert _messages(response)[-1] == "2 étudiant·e(s) déjà informé·e(s) de cette date : inchangé."


def test_informing_again_while_the_emails_wait_for_the_server_sends_nothing_more_and_says_why(cast, login, post):
    step = step_of(make_commission(cast))  # the test SMTP server is down: the emails stay queued
    client = login(cast.teacher)
    post(client, step, {"scope": "all"})

    response = post(client, step, {"scope": "all"})

    assert OutboxMessage.objects.count() == 2
    assert _messages(response)[-1].startswith(
        "2 convocation(s) déjà envoyée(s), sans confirmation du serveur de messagerie (envoi en cours ou remise "
        "incertaine) : non renvoyée(s)."
    )


def test_a_member_who_does_not_manage_gets_a_403(cast, login):
    commission = make_commission(cast, responsible=cast.teacher2)
    add_member(commission, cast.teacher)

    assert login(cast.teacher).post(url(step_of(commission)), {"scope": "all"}).status_code == 403
    assert not Convocation.objects.exists()
