"""A professional without an email address (a jury member) gets a one-time code from the administration."""

import io
import re

from django.urls import reverse
from pypdf import PdfReader

from accounts.models import AccessCode, Membership, Role
from audit.models import AuditEntry

NEW_PASSWORD = "Tuteur-sans-courriel-7!"


def _print(client, user):
    return client.post(reverse("accounts:professional_code", args=[user.pk]))


def _no_email_professional(cast):
    pro = cast.professional
    pro.email = ""
    pro.set_unusable_password()
    pro.save(update_fields=["email", "password"])
    return pro


def test_the_administration_prints_a_code_and_the_professional_sets_a_password(client, cast, login):
    pro = _no_email_professional(cast)
    login(cast.admin)
    page = client.get(reverse("accounts:professional_code", args=[pro.pk])).content.decode()
    assert "n'a pas d'adresse électronique" in page

    response = _print(client, pro)

    assert response.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert pro.username in text
    code = re.search(r"Code\s*([A-Z2-9]{5}-[A-Z2-9]{5})", text).group(1)
    client.logout()
    data = {"username": pro.username, "code": code, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert client.post(reverse("accounts:first_access"), data).status_code == 302
    pro.refresh_from_db()
    assert pro.check_password(NEW_PASSWORD)
    issued = AuditEntry.objects.get(action="access_code.issued")
    assert (issued.actor_id, issued.establishment_id, issued.changes["for"]) == (
        cast.admin.pk,
        cast.establishment.pk,
        "professionnel",
    )
    assert AuditEntry.objects.filter(action="access_code.used", object_id=str(pro.pk)).exists()


def test_the_staff_list_links_to_the_code_of_each_professional(client, cast, login):
    login(cast.admin)
    html = client.get(reverse("accounts:staff")).content.decode()
    assert reverse("accounts:professional_code", args=[cast.professional.pk]) in html
    assert reverse("accounts:professional_code", args=[cast.teacher.pk]) not in html


def test_a_teacher_cannot_print_a_professional_code(client, cast, login):
    login(cast.teacher)
    assert _print(client, cast.professional).status_code == 404
    assert not AccessCode.objects.exists()


def test_an_administrator_of_another_establishment_gets_a_404(client, cast, login):
    Membership.objects.create(user=cast.other_teacher, establishment=cast.other_establishment, role=Role.ADMIN)
    login(cast.other_teacher)
    assert _print(client, cast.professional).status_code == 404


def test_a_teacher_account_is_not_taken_through_a_professional_code(client, cast, login):
    login(cast.admin)
    assert _print(client, cast.teacher).status_code == 404
    Membership.objects.create(user=cast.teacher, establishment=cast.establishment, role=Role.PROFESSIONAL)
    assert _print(client, cast.teacher).status_code == 403
    assert not AccessCode.objects.exists()
