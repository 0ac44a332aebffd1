import pytest
from django.core.management import CommandError, call_command

from accounts.demo import DEMO_PASSWORD, load_demo
from accounts.models import Cohort, Student, User

DEMO_USERS = ["admin", "prof", "prof2", "pro", "etudiant", "etudiant2", "inspecteur"]


@pytest.mark.django_db
def test_it_refuses_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError):
        call_command("load_demo")
    assert not User.objects.filter(username="prof").exists()


@pytest.mark.django_db
def test_it_creates_the_demo_cast_once(settings, client):
    settings.DEMO_MODE = True
    call_command("load_demo")
    call_command("load_demo")
    cohort = Cohort.objects.get()
    assert cohort.year == 2
    assert Student.objects.filter(cohort=cohort).count() == 24
    assert User.objects.count() == 24 + 4 + 1  # the 4 staff and the académie's inspecteur
    assert set(Student.objects.filter(user__username__in=DEMO_USERNAMES_STUDENTS).values_list("cohort", flat=True)) == {
        cohort.pk
    }
    for username in DEMO_USERS:
        assert client.login(username=username, password=DEMO_PASSWORD), username
        client.logout()


DEMO_USERNAMES_STUDENTS = ["etudiant", "etudiant2"]


def test_two_demo_students_have_no_email_like_a_siecle_import(db):
    load_demo()

    assert set(User.objects.filter(is_demo=True, email="").values_list("username", flat=True)) == {
        "etudiant22",
        "etudiant23",
    }
