import datetime

from django.urls import reverse

from audit.models import AuditEntry
from certification.models import Deliberation, Reopening
from harmonisation.models import AnswerKind, HarmonisationRequest
from tests.factories_harmonisation import key_of, make_request, make_world
from tests.personas import PASSWORD


def _login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)


def test_the_inspector_asks_a_review_of_a_candidate_and_the_responsible_sees_it(client, cast):
    world = make_world(cast)
    result = world.commission.results.get(student=cast.student)
    _login(client, world.inspector)
    url = reverse("harmonisation:ask_candidate", args=[result.pk])
    assert client.post(url, {"reason": "S-S-S noté 3 points sous la médiane."}).status_code == 302
    request = HarmonisationRequest.objects.get()
    assert (request.commission, request.student, request.asked_by) == (world.commission, cast.student, world.inspector)
    assert AuditEntry.objects.filter(action="harmonisation.review_requested").count() == 1
    _login(client, cast.teacher)
    todo = client.get(reverse("certification:todo")).content.decode()
    assert "Demande d&#x27;harmonisation : revoir un candidat" in todo
    assert reverse("harmonisation:answer", args=[request.pk]) in todo


def test_a_request_without_reason_changes_nothing(client, cast):
    world = make_world(cast)
    _login(client, world.inspector)
    url = reverse("harmonisation:ask_candidate", args=[world.commission.results.first().pk])
    response = client.post(url, {"reason": "  "}, follow=True)
    assert "Indiquez le motif" in response.content.decode()
    assert not HarmonisationRequest.objects.exists()


def test_the_inspector_asks_a_review_of_a_profile(client, cast):
    world = make_world(cast)
    _login(client, world.inspector)
    url = reverse("harmonisation:ask_profile", args=[world.high_commission.pk])
    key = key_of(world.high_commission)
    assert client.get(url, {"profil": key}).status_code == 200
    assert client.post(f"{url}?profil={key}", {"reason": "Plus haut que l'académie."}).status_code == 302
    request = HarmonisationRequest.objects.get()
    assert (request.student, request.profile_key) == (None, key)


def test_the_responsible_answers_with_a_justification(client, cast):
    request = make_request(cast)
    _login(client, cast.teacher)
    url = reverse("harmonisation:answer", args=[request.pk])
    response = client.post(url, {"kind": AnswerKind.JUSTIFIED, "text": "Dossier solide, note maintenue."})
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.answer_kind, request.answered_by) == (AnswerKind.JUSTIFIED, cast.teacher)
    assert AuditEntry.objects.filter(action="harmonisation.review_answered").count() == 1
    assert "revoir un candidat" not in client.get(reverse("certification:todo")).content.decode()


def test_a_reopening_before_the_deliberation_is_refused_and_changes_nothing(client, cast):
    request = make_request(cast)
    _login(client, cast.teacher)
    url = reverse("harmonisation:answer", args=[request.pk])
    response = client.post(url, {"kind": AnswerKind.REOPENED, "text": "Nous revoyons."}, follow=True)
    assert "pas encore délibéré" in response.content.decode()
    request.refresh_from_db()
    assert request.is_open


def test_a_reopening_after_the_deliberation_goes_through_the_lifecycle(client, cast):
    request = make_request(cast)
    Deliberation.objects.create(
        commission=request.commission, deliberated_on=datetime.date(2027, 6, 20), recorded_by=cast.teacher
    )
    _login(client, cast.teacher)
    url = reverse("harmonisation:answer", args=[request.pk])
    assert client.post(url, {"kind": AnswerKind.REOPENED, "text": "Écart confirmé, nous revoyons."}).status_code == 302
    assert Reopening.objects.filter(commission=request.commission, student=cast.student).exists()
    request.refresh_from_db()
    assert request.answer_kind == AnswerKind.REOPENED


def test_another_teacher_of_the_establishment_cannot_answer(client, cast):
    request = make_request(cast)
    _login(client, cast.teacher2)
    url = reverse("harmonisation:answer", args=[request.pk])
    assert client.post(url, {"kind": AnswerKind.JUSTIFIED, "text": "Non."}).status_code == 403
    request.refresh_from_db()
    assert request.is_open


def test_a_teacher_never_sees_the_harmonisation_pages(client, cast):
    world = make_world(cast)
    _login(client, cast.teacher)
    assert client.get(reverse("harmonisation:index")).status_code == 404
    url = reverse("harmonisation:exam", args=[world.academie.pk, cast.session.pk, world.commission.exam_id])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("harmonisation:candidate", args=[world.high_commission.results.first().pk])).status_code
        == 404
    )
