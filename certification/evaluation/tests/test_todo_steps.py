"""The to-do's blocking steps: what holds back each commission a person manages, with its count and its page."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from certification.evaluation.selectors.steps import blocking_steps
from certification.models import Readiness, ResultStatus
from tests.factories_certification_commissions import add_member, make_commission, make_convocation, step_of
from tests.factories_certification_jury import make_passage, submitted_dossier
from tests.factories_certification_marks import add_students
from tests.factories_certification_sheets import deliberate, make_result

pytestmark = pytest.mark.django_db

# The reading of every commission a person manages: a fixed number of queries, whatever the number of commissions
# and candidates (the person's commissions, then one query per kind of row of ``selectors.progress``).
STEP_QUERIES = 15
AFTER_A = datetime.datetime(2027, 5, 21, 9, tzinfo=datetime.UTC)
INFORM_A = "Candidat·e·s à informer officiellement de la date (situation A)"


def _steps(user) -> dict[str, tuple[int | None, str]]:
    return {item.label: (item.count, item.url) for item in blocking_steps(user)}


def test_the_responsible_is_asked_to_inform_every_candidate_not_yet_informed(cast):
    commission = make_commission(cast)
    make_convocation(step_of(commission, "A"), cast.student)
    count, url = _steps(cast.teacher)[INFORM_A]
    assert count == 1  # Lucas only
    assert url == reverse("certification:commission_detail", args=[commission.pk]) + "#situations"


def test_the_step_leaves_the_list_once_everyone_is_informed(cast):
    commission = make_commission(cast)
    for student in (cast.student, cast.student2):
        make_convocation(step_of(commission, "A"), student)
    assert INFORM_A not in _steps(cast.teacher)


def test_every_blocking_step_is_listed_with_its_count_and_page(cast):
    commission = make_commission(cast)
    submitted_dossier(cast.student)
    make_result(commission, cast.student, status=ResultStatus.RESERVED, mark=None)
    make_result(commission, cast.student2, mark="12")
    steps = _steps(cast.teacher)
    detail = reverse("certification:commission_detail", args=[commission.pk])
    assert steps["Aptitude à être évalué·e non enregistrée (situation A)"] == (2, detail + "#etudiants")
    assert steps["Dossier non déposé, sans NV enregistré"] == (1, detail + "#etudiants")
    assert steps["Note réservée : conformité ou authenticité du dossier à vérifier"][0] == 1
    assert steps["Fiche d'évaluation à signer par le jury"][0] == 1
    assert "Note ou statut à donner (note, NV ou absent)" not in steps


def test_marks_to_give_link_the_profiles_page(cast):
    commission = make_commission(cast)
    count, url = _steps(cast.teacher)["Note ou statut à donner (note, NV ou absent)"]
    assert (count, url) == (2, reverse("certification:profiles", args=[commission.pk]))


def _nothing_left(cast, commission) -> None:
    for student in (cast.student, cast.student2):
        submitted_dossier(student)
        make_result(commission, student, mark="12", locked_at=timezone.now())
        for situation in commission.situations.all():
            Readiness.objects.create(
                situation=situation,
                student=student,
                decided_on=datetime.date(2027, 5, 1),
                grounds="Prêt",
                recorded_by=cast.teacher,
            )


def test_the_administration_records_the_deliberation_once_nothing_remains(cast):
    commission = make_commission(cast, with_steps=False)  # no date: nobody to inform
    _nothing_left(cast, commission)
    [item] = blocking_steps(cast.admin)
    assert item.label == "Délibération du jury à enregistrer"
    assert item.url == reverse("certification:deliberation", args=[commission.pk])
    [item] = blocking_steps(cast.teacher)  # the responsible teacher is told who records it
    assert item.url.endswith("#etat") and "administration" in item.detail


def test_nothing_is_asked_once_the_jury_has_deliberated(cast):
    commission = make_commission(cast)
    deliberate(commission, cast.admin)
    assert _steps(cast.teacher) == {}


def test_a_member_who_does_not_manage_the_commission_has_no_step(cast):
    commission = make_commission(cast)
    add_member(commission, cast.teacher2)
    add_member(commission, cast.professional, "professional")
    assert blocking_steps(cast.teacher2) == []
    assert blocking_steps(cast.professional) == []


def test_the_administration_sees_the_steps_of_every_commission_of_its_establishment(cast):
    make_commission(cast)
    make_commission(cast, "E6", responsible=cast.teacher2)
    assert {item.commission.exam.code for item in blocking_steps(cast.admin)} == {"E4", "E6"}
    assert {item.commission.exam.code for item in blocking_steps(cast.teacher2)} == {"E6"}


def test_the_reading_runs_a_fixed_number_of_queries(cast, django_assert_num_queries):
    commission = make_commission(cast)
    make_convocation(step_of(commission, "A"), cast.student)
    submitted_dossier(cast.student)  # a dossier and a passage: every kind of row is read
    make_passage(commission, cast.student)
    blocking_steps(cast.admin)  # the administrator's rights are read once per request (memoised on the user)
    with django_assert_num_queries(STEP_QUERIES):
        few = blocking_steps(cast.admin)
    make_commission(cast, "E6", responsible=cast.teacher2)
    for student in add_students(cast, 8):
        make_convocation(step_of(commission, "A"), student)
        submitted_dossier(student)
        make_passage(commission, student, room=None)
    with django_assert_num_queries(STEP_QUERIES):
        many = blocking_steps(cast.admin)
    assert len(many) > len(few)


def test_the_teachers_home_page_lists_the_steps_with_their_counts(cast, login):
    commission = make_commission(cast)
    page = login(cast.teacher).get(reverse("home")).content.decode()
    assert "Étapes qui bloquent la suite" in page
    page_url = reverse("certification:commission_detail", args=[commission.pk])
    assert f'<span class="tag tag-warn">2</span> <a href="{page_url}#situations">{INFORM_A}</a>' in page
    assert "Rien à faire" not in page


@pytest.fixture
def demo(settings):
    settings.DEMO_MODE = True
    call_command("load_demo")


@time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC), tick=False)
def test_after_a_fresh_demo_load_the_teachers_todo_shows_the_candidates_to_inform(demo, client):
    client.force_login(User.objects.get(username="prof2"))  # sole assessor of the E6 commission, nobody informed yet
    home = client.get(reverse("home")).content.decode()
    assert "Rien à faire" not in home
    assert '<span class="tag tag-warn">24</span> <a href="' in home
    todo = client.get(reverse("certification:todo")).content.decode()
    assert INFORM_A in todo
    client.force_login(User.objects.get(username="prof"))  # responsible of E4: two candidates left to inform
    assert INFORM_A in client.get(reverse("certification:todo")).content.decode()
