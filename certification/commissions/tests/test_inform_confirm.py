"""« Informer officiellement » goes through a confirmation page (who, how many, which date, by which means) and a
confirmed, idempotent request; the commission page then shows « envoi en cours » with its progress, not the button."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from audit.models import AuditEntry
from certification.models import Convocation
from notifications.models import OutboxMessage
from tests.factories_certification_commissions import add_member, make_commission, make_convocation, step_of


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _confirm_page(client, step, data=None):
    return client.get(reverse("certification:inform_confirm", args=[step.pk]), data or {"scope": "all"})


def _fields(page) -> dict[str, list[str]]:
    posted: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page.text):
        if name != "csrfmiddlewaretoken":
            posted.setdefault(name, []).append(value)
    return posted


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def _send(client, step, fields):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("certification:inform_students", args=[step.pk]), fields)

    return _send


def test_the_confirmation_page_says_who_how_many_which_date_and_how_and_sends_nothing(cast, login):
    cast.student2.user.email = ""
    cast.student2.user.save(update_fields=["email"])
    step = step_of(make_commission(cast))

    page = _confirm_page(login(cast.teacher), step)

    text = page.text
    assert page.status_code == 200
    assert "2 étudiant·e(s) à informer" in text
    assert "20 mai 2027" in text
    assert "Par courriel, avec la lettre en PDF (1)" in text and str(cast.student) in text
    assert "Par lettre imprimée à remettre en main propre (1)" in text and str(cast.student2) in text
    assert "Confirmer l&#x27;envoi à 2 étudiant·e(s)" in text or "Confirmer l'envoi à 2 étudiant·e(s)" in text
    assert not Convocation.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_the_commission_page_button_leads_to_the_confirmation_not_to_a_sending(cast, login):
    step = step_of(make_commission(cast))

    page = login(cast.teacher).get(reverse("certification:commission_detail", args=[step.situation.commission_id]))

    assert f'<form method="get" action="{reverse("certification:inform_confirm", args=[step.pk])}"' in page.text
    assert f'method="post" action="{reverse("certification:inform_students", args=[step.pk])}"' not in page.text


def test_a_double_click_on_confirm_sends_once_and_says_so(cast, login, send):
    step = step_of(make_commission(cast))
    client = login(cast.teacher)
    fields = _fields(_confirm_page(client, step))

    send(client, step, fields)
    again = send(client, step, fields)

    assert Convocation.objects.filter(step=step).count() == 2
    assert OutboxMessage.objects.count() == 2
    assert AuditEntry.objects.filter(action="convocation.inform_requested").count() == 1
    assert _messages(again)[-1] == (
        "Cet envoi a déjà été demandé (double clic ou page renvoyée) : rien n'a été renvoyé."
    )


def test_a_double_click_before_the_worker_ran_queues_nothing_more(cast, login, django_capture_on_commit_callbacks):
    step = step_of(make_commission(cast))
    client = login(cast.teacher)
    fields = _fields(_confirm_page(client, step))
    url = reverse("certification:inform_students", args=[step.pk])

    with django_capture_on_commit_callbacks(execute=False) as first:
        client.post(url, fields)
    with django_capture_on_commit_callbacks(execute=False) as second:
        response = client.post(url, fields)

    assert len(first) == 1
    assert second == []
    assert "rien n'a été renvoyé" in _messages(response)[-1]


def test_a_stale_confirmation_sends_nothing_and_asks_to_confirm_the_new_list(cast, login, send):
    step = step_of(make_commission(cast))
    client = login(cast.teacher)
    fields = _fields(_confirm_page(client, step))  # both students
    make_convocation(step, cast.student, cast.teacher2)  # informed meanwhile by a colleague

    response = send(client, step, fields)

    assert response.status_code == 302
    assert response.url.startswith(reverse("certification:inform_confirm", args=[step.pk]))
    assert Convocation.objects.filter(step=step).count() == 1
    assert not OutboxMessage.objects.exists()
    assert _messages(response) == [
        "La liste des étudiant·e·s à informer a changé depuis votre confirmation : rien n'a été envoyé. Vérifiez la "
        "nouvelle liste puis confirmez."
    ]


@pytest.mark.parametrize("token", ["", "forged"])
def test_a_post_without_a_valid_confirmation_sends_nothing(cast, login, send, token):
    step = step_of(make_commission(cast))

    response = send(login(cast.teacher), step, {"scope": "all", "confirmation": token})

    assert response.url.startswith(reverse("certification:inform_confirm", args=[step.pk]))
    assert not Convocation.objects.exists()
    assert "rien n'a été envoyé" in _messages(response)[0]


def test_a_confirmation_of_another_step_sends_nothing(cast, login, send):
    commission = make_commission(cast)
    step_a, step_b = step_of(commission, "A"), step_of(commission, "B")
    client = login(cast.teacher)

    send(client, step_b, _fields(_confirm_page(client, step_a)))

    assert not Convocation.objects.exists()


def test_after_confirming_the_page_shows_the_sending_progress_instead_of_the_button(cast, login, send):
    step = step_of(make_commission(cast))  # the test SMTP server is down: the emails stay queued
    client = login(cast.teacher)
    send(client, step, _fields(_confirm_page(client, step)))

    page = client.get(reverse("certification:commission_detail", args=[step.situation.commission_id])).text

    section = page[page.index(f'id="etape-{step.pk}"') :]
    section = section[: section.index("</li>")]
    assert "Envoi en cours</strong> : 0 informé·e(s) sur 2 envoi(s) demandé(s)" in section
    assert "Informer officiellement" not in section


def test_once_every_email_is_accepted_the_progress_gives_way_to_all_informed(cast, login, send, settings):
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    step = step_of(make_commission(cast))
    client = login(cast.teacher)
    send(client, step, _fields(_confirm_page(client, step)))

    page = client.get(reverse("certification:commission_detail", args=[step.situation.commission_id])).text

    assert "2/2 informé·e(s)" in page
    assert "Envoi en cours</strong>" not in page


def test_a_member_who_does_not_manage_cannot_see_the_confirmation(cast, login):
    commission = make_commission(cast, responsible=cast.teacher2)
    add_member(commission, cast.teacher)

    assert _confirm_page(login(cast.teacher), step_of(commission)).status_code == 403
