from django.urls import reverse

from accounts.models import Cohort, Membership, Role, User
from audit.models import AuditEntry


def _data(cast, **overrides):
    data = {
        "establishment": cast.establishment.pk,
        "name": "NDRC 1 apprentis",
        "route": "apprenti",
        "year": 1,
        "exam_session": cast.session.pk,
        "teachers": [cast.teacher.pk],
    }
    data.update(overrides)
    return data


def test_an_admin_creates_a_cohort_with_its_teachers(cast, login):
    response = login(cast.admin).post(reverse("accounts:cohort_create"), _data(cast))
    cohort = Cohort.objects.get(name="NDRC 1 apprentis")
    assert response.status_code == 302
    assert list(cohort.teachers.all()) == [cast.teacher]
    assert AuditEntry.objects.filter(action="cohort.created", object_id=str(cohort.pk)).exists()


def test_a_teacher_of_another_establishment_cannot_be_attached(cast, login):
    response = login(cast.admin).post(reverse("accounts:cohort_create"), _data(cast, teachers=[cast.other_teacher.pk]))
    assert response.status_code == 200
    assert not Cohort.objects.filter(name="NDRC 1 apprentis").exists()


def test_a_cohort_cannot_be_created_in_another_establishment(cast, login):
    response = login(cast.admin).post(
        reverse("accounts:cohort_create"), _data(cast, establishment=cast.other_establishment.pk, teachers=[])
    )
    assert response.status_code == 200
    assert not Cohort.objects.filter(name="NDRC 1 apprentis").exists()


def test_editing_a_cohort_logs_the_changed_fields(cast, login):
    login(cast.admin).post(
        reverse("accounts:cohort_edit", args=[cast.cohort.pk]),
        _data(cast, name="NDRC 2 A", route="scolaire", year=2, teachers=[cast.teacher.pk, cast.teacher2.pk]),
    )
    cast.cohort.refresh_from_db()
    assert cast.cohort.name == "NDRC 2 A"
    entry = AuditEntry.objects.get(action="cohort.updated")
    assert entry.changes["name"] == ["NDRC 2", "NDRC 2 A"]
    assert "route" not in entry.changes


def test_a_duplicate_cohort_name_gets_a_message(cast, login):
    response = login(cast.admin).post(
        reverse("accounts:cohort_create"), _data(cast, name=cast.cohort.name, year=2, route="scolaire")
    )
    assert response.status_code == 200
    assert Cohort.objects.filter(name=cast.cohort.name).count() == 1


def test_an_admin_invites_a_teacher(cast, login):
    response = login(cast.admin).post(
        reverse("accounts:staff"),
        {"last_name": "Nouveau", "first_name": "Nina", "email": "nina@lycee.fr", "role": "teacher"},
    )
    assert response.status_code == 302
    nina = User.objects.get(email="nina@lycee.fr")
    # The role is granted when Nina accepts, not before (issue 13, finding 7); the page lists the invitation.
    assert not Membership.objects.filter(user=nina).exists()
    assert "Invitations en attente" in login(cast.admin).get(reverse("accounts:staff")).content.decode()
    from accounts.services import accept_invitation

    accept_invitation(invitation=nina.invitations.get(), password="Un-mot-de-passe-solide-2027")
    assert Membership.objects.filter(user=nina, role=Role.TEACHER, establishment=cast.establishment).exists()


def test_inviting_another_establishments_staff_reveals_nothing_and_grants_nothing(cast, login):
    """The address of a teacher of another establishment: the page shows what was typed, never the real name nor
    « actif », and the person gets no role here until they accept."""
    response = login(cast.admin).post(
        reverse("accounts:staff"),
        {"last_name": "Inconnu", "first_name": "Xavier", "email": cast.other_teacher.email, "role": "teacher"},
        follow=True,
    )
    html = response.content.decode()
    assert cast.other_teacher.last_name not in html and cast.other_teacher.first_name not in html
    assert "Xavier INCONNU" in html
    assert not Membership.objects.filter(user=cast.other_teacher, establishment=cast.establishment).exists()


def test_inviting_an_existing_teacher_as_admin_keeps_their_password(cast, login, client):
    login(cast.admin).post(
        reverse("accounts:staff"),
        {"last_name": "Prof", "first_name": "Bob", "email": cast.teacher.email, "role": "admin"},
    )
    cast.teacher.refresh_from_db()
    assert cast.teacher.has_usable_password()
    assert not Membership.objects.filter(user=cast.teacher, role=Role.ADMIN).exists()  # not before accepting
    from accounts.services import accept_invitation

    accept_invitation(invitation=cast.teacher.invitations.get(), password=None)
    cast.teacher.refresh_from_db()
    assert cast.teacher.has_usable_password()
    assert Membership.objects.filter(user=cast.teacher, role=Role.ADMIN).exists()
