"""The main menu: each person sees the entries their rights open, and only those."""

import re

import pytest
from django.urls import reverse

from certification.models import MemberRole
from tests.factories_certification_commissions import add_member, make_commission
from tests.factories_certification_dossiers import complete_dossier
from tests.factories_harmonisation import make_inspector

pytestmark = pytest.mark.django_db


def _menu(client) -> list[str]:
    page = client.get(reverse("referentiel:detail")).content.decode()
    nav = re.search(r'<nav aria-label="Navigation principale".*?</nav>', page, re.S).group(0)
    return [re.sub(r" \(\d+\)$", "", label) for label in re.findall(r"<a [^>]*>([^<]+)</a>", nav)]


def test_a_student_reaches_passeport_dossiers_dates_and_results(cast, login):
    assert _menu(login(cast.student)) == [
        "Accueil",
        "Mon passeport",
        "Mes dossiers",
        "Mes dates",
        "Mes résultats",
        "Mes épreuves blanches",
        "Référentiel",
    ]


def test_a_teacher_reaches_classes_commissions_and_the_todo(cast, login):
    assert _menu(login(cast.teacher)) == [
        "Accueil",
        "Classes",
        "Commissions",
        "Épreuves blanches",
        "À faire",
        "Référentiel",
    ]


def test_an_administrator_also_reaches_staff_log_mails_and_the_marks_sending(cast, login):
    assert _menu(login(cast.admin)) == [
        "Accueil",
        "Classes",
        "Commissions",
        "Épreuves blanches",
        "À faire",
        "Référentiel",
        "Personnel",
        "Journal",
        "Courriels",
        "Transmission des notes",
    ]


def test_a_professional_on_a_jury_reaches_their_commissions(cast, login):
    client = login(cast.professional)
    assert _menu(client) == ["Accueil", "Référentiel"]
    add_member(make_commission(cast), cast.professional, MemberRole.PROFESSIONAL)
    assert _menu(client) == ["Accueil", "Mes commissions", "À faire", "Référentiel"]


def test_the_professionals_commissions_lead_to_their_grid(cast, login):
    commission = make_commission(cast)
    add_member(commission, cast.professional, MemberRole.PROFESSIONAL)
    client = login(cast.professional)
    home = client.get(reverse("home")).content.decode()
    detail = reverse("certification:commission_detail", args=[commission.pk])
    assert f'href="{detail}#etudiants"' in home
    assert detail in client.get(reverse("certification:commission_list")).content.decode()
    grid = reverse("certification:grid_member", args=[commission.pk, cast.student.pk])
    assert f'href="{grid}">Ma grille' in client.get(detail).content.decode()
    assert client.get(grid).status_code == 200


def test_an_outsider_sees_only_home_and_referentiel(cast, login):
    assert _menu(login(cast.outsider)) == ["Accueil", "Référentiel"]


def test_the_current_page_is_marked(cast, login):
    page = login(cast.teacher).get(reverse("accounts:cohort_list")).content.decode()
    assert f'<a href="{reverse("accounts:cohort_list")}" aria-current="page">Classes</a>' in page


def test_a_students_home_lists_the_dossier_to_deposit(cast, login):
    dossier = complete_dossier(cast.student)
    page = login(cast.student).get(reverse("home")).content.decode()
    edit = reverse("certification:dossier_edit", args=[cast.student.pk, dossier.exam.code])
    assert f'<a href="{edit}">Compléter et déposer mon dossier {dossier.exam.code}</a>' in page


def test_an_inspector_reaches_the_harmonisation(cast, login):
    assert _menu(login(make_inspector(cast))) == ["Accueil", "Harmonisation", "Référentiel"]
