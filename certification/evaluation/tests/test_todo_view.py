"""The « À faire » page, the home page's block and the navigation counter."""

import copy
import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certification.evaluation.context_processors import todo
from certification.evaluation.selectors.steps import blocking_steps
from certification.evaluation.selectors.todo import todo_for
from certification.models import MemberRole
from tests.factories_certification_commissions import add_member, make_commission
from tests.factories_certification_grids import fill_grid, seat
from tests.factories_certification_jury import make_subject_sheet, submitted_dossier
from tests.factories_certification_marks import add_students, make_result
from tests.factories_certification_sheets import make_sheet

pytestmark = pytest.mark.django_db

AFTER_A = datetime.datetime(2027, 5, 21, 9, tzinfo=datetime.UTC)
URL = reverse("certification:todo")


@pytest.fixture
def with_todo_counter(settings):
    """The settings line the report asks for: the navigation's counter comes from the context processor."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["context_processors"].append("certification.evaluation.context_processors.todo")
    settings.TEMPLATES = templates


@time_machine.travel(AFTER_A, tick=False)
def test_it_lists_the_items_by_kind(cast, login):
    commission = make_commission(cast)
    make_result(commission, cast.student, mark="13")
    make_sheet(commission, cast.student)
    submitted_dossier(cast.student2)
    page = login(cast.teacher).get(URL).content.decode()
    steps = len(blocking_steps(cast.teacher))  # the teacher is the commission's responsible
    assert steps > 0
    assert f"<h1>À faire ({steps + 4})</h1>" in page
    assert f"Étapes qui bloquent la suite ({steps})" in page
    assert "Grille à remplir (2)" in page
    assert "Signature demandée (1)" in page
    assert "Fiche sujet à rédiger (1)" in page
    assert reverse("certification:evaluation_sign", args=[commission.pk, cast.student.pk]) in page


@time_machine.travel(AFTER_A, tick=False)
def test_an_item_disappears_once_done(cast, login):
    commission = make_commission(cast)
    dossier = submitted_dossier(cast.student)
    client = login(cast.teacher)
    assert "Fiche sujet à rédiger : Emma ÉTUDIANTE" in client.get(URL).content.decode()
    make_subject_sheet(commission, cast.student, dossier)
    fill_grid(commission, cast.student, seat(commission, cast.teacher), ["S"] * 11)
    page = client.get(URL).content.decode()
    assert "Fiche sujet à rédiger : Emma ÉTUDIANTE" not in page
    assert "Grille à remplir : Emma ÉTUDIANTE" not in page
    assert "Grille à remplir : Lucas ÉTUDIANT" in page


def test_a_teacher_with_nothing_to_do_is_told_so(cast, login):
    page = login(cast.teacher2).get(URL).content.decode()
    assert "<h1>À faire (0)</h1>" in page
    assert "Rien pour l'instant." in page


@pytest.mark.parametrize("persona", ["student", "student2", "outsider", "professional"])
def test_students_outsiders_and_professionals_who_sit_nowhere_get_a_404(cast, login, persona):
    assert login(getattr(cast, persona)).get(URL).status_code == 404


@time_machine.travel(AFTER_A, tick=False)
def test_a_seated_professional_sees_their_grids(cast, login):
    commission = make_commission(cast)
    add_member(commission, cast.professional, MemberRole.PROFESSIONAL)
    response = login(cast.professional).get(URL)
    assert response.status_code == 200
    assert "Grille à remplir (2)" in response.content.decode()


@time_machine.travel(AFTER_A, tick=False)
def test_the_home_page_shows_the_first_five_items_and_links_the_page(cast, login):
    make_commission(cast)
    add_students(cast, 5)
    page = login(cast.teacher).get(reverse("home")).content.decode()
    assert 'id="h-todo">À faire</h2>' in page
    assert page.count("Grille à remplir : ") == 5
    steps = len(blocking_steps(cast.teacher))
    assert len(re.findall(r'class="tag tag-warn">\d+</span> <a', page)) == steps  # every blocking step, counted
    assert f'<a href="{URL}">Voir toute la liste ({steps + 7})</a>' in page


def test_the_home_page_of_a_teacher_with_nothing_to_do(cast, login):
    page = login(cast.teacher2).get(reverse("home")).content.decode()
    assert "Rien à faire pour l'instant" in page


def test_the_home_page_of_a_student_has_no_todo_block(cast, login):
    assert 'id="h-todo"' not in login(cast.student).get(reverse("home")).content.decode()


@time_machine.travel(AFTER_A, tick=False)
def test_the_navigation_counts_the_items(cast, login, with_todo_counter):
    make_commission(cast)
    page = login(cast.teacher).get(reverse("referentiel:detail")).content.decode()
    assert f'<a href="{URL}">À faire ({len(blocking_steps(cast.teacher)) + 2})</a>' in page


@time_machine.travel(AFTER_A, tick=False)
def test_a_seated_professional_gets_the_navigation_link_only_with_something_to_do(cast, login, with_todo_counter):
    commission = make_commission(cast)
    client = login(cast.professional)
    assert URL not in client.get(reverse("referentiel:detail")).content.decode()
    add_member(commission, cast.professional, MemberRole.PROFESSIONAL)
    # No cache: the very next page counts the new seat.
    assert f'<a href="{URL}">À faire (2)</a>' in client.get(reverse("referentiel:detail")).content.decode()


def test_the_counter_runs_no_query_until_a_page_shows_it(cast, rf):
    request = rf.get("/")
    request.user = cast.teacher
    with CaptureQueriesContext(connection) as queries:
        context = todo(request)
    assert len(queries) == 0
    assert int(str(context["todo_count"])) == 0


@time_machine.travel(AFTER_A, tick=False)
def test_the_home_page_and_the_navigation_share_one_computation(cast, login, with_todo_counter, monkeypatch):
    from certification.evaluation import context_processors

    make_commission(cast)
    calls = []

    def counting(user):
        calls.append(user)
        return todo_for(user)

    monkeypatch.setattr(context_processors, "todo_for", counting)
    page = login(cast.teacher).get(reverse("home")).content.decode()
    assert len(calls) == 1
    total = len(blocking_steps(cast.teacher)) + 2
    assert f'<a href="{URL}">À faire ({total})</a>' in page and f"Voir toute la liste ({total})" in page


def _build(cast, commission, students):
    member = seat(commission, cast.teacher)
    for student in students:
        fill_grid(commission, student, member, ["S"])
        make_result(commission, student, mark="10")
        make_sheet(commission, student)


@time_machine.travel(AFTER_A, tick=False)
def test_the_page_runs_as_many_queries_for_2_and_for_10_candidates(cast, login, django_assert_max_num_queries):
    commission = make_commission(cast)
    _build(cast, commission, [cast.student, cast.student2])
    client = login(cast.teacher)
    client.get(URL)
    with CaptureQueriesContext(connection) as two:
        client.get(URL)
    _build(cast, commission, add_students(cast, 8))
    with django_assert_max_num_queries(len(two)):
        page = client.get(URL).content.decode()
    assert "Grille à remplir (10)" in page
