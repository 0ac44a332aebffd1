import email
import email.policy
import re

from django.urls import reverse

from accounts.models import Membership, Role, User
from audit.models import AuditEntry

NEW_PASSWORD = "Tuteur-Solide-2026!"


def _invite(client, cast, email="tuteur@entreprise.fr"):
    return client.post(
        reverse("accounts:invite_professional"),
        {"last_name": "Lemaire", "first_name": "Sophie", "email": email, "students": [cast.student.pk]},
    )


def _link_from_outbox() -> str:
    from notifications.models import OutboxMessage

    raw = bytes(OutboxMessage.objects.latest("pk").raw_message)
    text = email.message_from_bytes(raw, policy=email.policy.default).get_body(("plain",)).get_content()
    return re.search(r"/invitation/[\w-]+/", text).group(0)


def test_a_teacher_invites_a_professional_who_follows_the_chosen_students(cast, login):
    response = _invite(login(cast.teacher), cast)
    assert response.status_code == 302
    pro = User.objects.get(email="tuteur@entreprise.fr")
    assert not pro.has_usable_password()
    # Granted on acceptance only (issue 13, finding 7).
    assert not Membership.objects.filter(user=pro).exists() and not pro.followed_students.exists()
    from accounts.services import accept_invitation

    accept_invitation(invitation=pro.invitations.get(), password=NEW_PASSWORD)
    assert Membership.objects.filter(user=pro, role=Role.PROFESSIONAL, establishment=cast.establishment).exists()
    assert list(pro.followed_students.all()) == [cast.student]
    assert AuditEntry.objects.filter(action="professional.invited", object_id=str(pro.pk)).exists()


def test_the_professional_activates_the_account_and_sees_only_followed_students(cast, login, client):
    _invite(login(cast.teacher), cast)
    link = _link_from_outbox()
    client.logout()
    page = client.get(link)
    assert page.status_code == 200
    response = client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    home = client.get(reverse("home")).content.decode()
    assert str(cast.student) in home
    assert client.get(reverse("accounts:student_detail", args=[cast.student2.pk])).status_code == 404


def test_an_invitation_link_works_only_once(cast, login, client):
    _invite(login(cast.teacher), cast)
    link = _link_from_outbox()
    client.logout()
    client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.logout()
    assert client.get(link).status_code == 404


def test_a_weak_password_is_refused_with_the_rule(cast, login, client):
    _invite(login(cast.teacher), cast)
    link = _link_from_outbox()
    client.logout()
    response = client.post(link, {"password1": "tuteur", "password2": "tuteur"})
    assert response.status_code == 200
    assert "12 caractères" in response.content.decode()


def test_a_teacher_cannot_attach_a_student_of_another_establishment(cast, login):
    response = login(cast.teacher).post(
        reverse("accounts:invite_professional"),
        {"last_name": "X", "first_name": "Y", "email": "x@y.fr", "students": [cast.other_student.pk]},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="x@y.fr").exists()
