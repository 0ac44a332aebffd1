"""planning: members read the passages by day; the responsible (or an administrator) schedules."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Student
from certification.evaluation.tests.test_todo_steps import STEP_QUERIES
from certification.models import Convocation, Passage, SimulationKind
from tests.factories_certification_commissions import add_member, make_commission
from tests.factories_certification_planning import at, make_passage, make_room, responsible_seat, schedule
from tests.personas import make_student


def url(commission):
    return reverse("certification:planning", args=[commission.pk])


def _form(commission, student, hour="14:00", **overrides):
    data = {
        "student": student.pk,
        "situation": commission.situations.get(code="B").pk,
        "date": "2027-06-03",
        "time": hour,
        "room": make_room(commission.cohort.establishment).pk,
        "members": [responsible_seat(commission).pk],
        "simulation_kind": SimulationKind.EVOCATIVE,
    }
    return data | overrides


def test_the_responsible_schedules_and_the_student_is_convoked(cast, login):
    commission = make_commission(cast)

    response = login(cast.teacher).post(url(commission), _form(commission, cast.student))

    passage = Passage.objects.get()
    assert response.status_code == 302
    assert response.url.endswith(f"#passage-{passage.pk}")
    assert passage.starts_at == at(14)
    assert Convocation.objects.filter(passage=passage).exists()


def test_a_refusal_shows_the_form_again_with_the_reason(cast, login):
    commission = make_commission(cast)
    schedule(commission, cast.student, at(14))

    response = login(cast.teacher).post(url(commission), _form(commission, cast.student2, "14:05"))

    assert response.status_code == 200
    assert "La salle B12 est déjà occupée de 14 h 00 à 14 h 15" in response.content.decode()
    assert Passage.objects.count() == 1


def test_the_form_offers_only_the_cohort_and_the_situations_with_the_candidate(cast, login):
    commission = make_commission(cast)

    form = login(cast.teacher).get(url(commission)).context["form"]

    assert set(form.fields["student"].queryset) == {cast.student, cast.student2}
    assert [s.code for s in form.fields["situation"].queryset] == ["B"]


def test_situation_a_cannot_be_posted(cast, login):
    commission = make_commission(cast)

    response = login(cast.teacher).post(
        url(commission), _form(commission, cast.student, situation=commission.situations.get(code="A").pk)
    )

    assert response.status_code == 200
    assert not Passage.objects.exists()


def test_a_member_reads_but_cannot_schedule(cast, login):
    commission = make_commission(cast)
    add_member(commission, cast.teacher2)
    make_passage(commission, cast.student, at(14))
    client = login(cast.teacher2)

    page = client.get(url(commission))
    refused = client.post(url(commission), _form(commission, cast.student2, "15:00"))

    assert page.status_code == 200
    assert page.context["form"] is None
    assert "Emma ÉTUDIANTE" in page.content.decode()
    assert refused.status_code == 403
    assert Passage.objects.count() == 1


def _passages(commission, cast, start: int, stop: int) -> None:
    """Passages number ``start`` to ``stop - 1``: E6 situations A and B of successive candidates, 20 min apart."""
    for index in range(start, stop):
        student = Student.objects.filter(user__username=f"cand{index // 2}").first() or make_student(
            f"cand{index // 2}", "Candidat", f"N{index // 2}", cast.cohort
        )
        make_passage(commission, student, at(8) + index * (at(8, 20) - at(8)), code="AB"[index % 2])


def test_the_page_costs_the_same_queries_for_5_or_20_passages(cast, login, django_assert_max_num_queries):
    commission = make_commission(cast, "E6")
    client = login(cast.teacher)
    _passages(commission, cast, 0, 5)
    client.get(url(commission))  # warm the session and the caches

    with CaptureQueriesContext(connection) as five:
        response = client.get(url(commission))
    assert response.content.decode().count('id="passage-') == 5
    _passages(commission, cast, 5, 20)
    with django_assert_max_num_queries(len(five)):
        response = client.get(url(commission))

    assert response.content.decode().count('id="passage-') == 20
    # including the navigation's « À faire (N) » counter (4 queries + the blocking steps' reading)
    assert len(five) <= 25 + STEP_QUERIES
