"""The CCF blanc through HTTP: creation, fiche sujet, grid, publication, the student's page, and bad input
(stale form, out-of-scope id, double submit) refused with a French message and nothing changed."""

import datetime

import pytest
from django.urls import reverse

from mock_exams.models import MockCandidate, MockExam, MockExamState, MockGridLine
from mock_exams.presenters import candidate_orders
from mock_exams.situations import grid_competencies, levels_of, situations_for
from passeport.models import FormativeAssessment
from tests.confidentiality import assert_no_certifying_content
from tests.factories_mock_exams import candidate_of, fiche_for, grade, make_mock_exam, published, subject_situation

pytestmark = pytest.mark.django_db


def _grid_post(candidate, version: int, codes=("S",), comment: str = "Bonne écoute active.") -> dict:
    criteria = [
        c
        for comp in grid_competencies(candidate.mock_exam.exam, candidate_orders(candidate))
        for c in comp.criteria.all()
    ]
    levels = {level.code: level.pk for level in levels_of(candidate.mock_exam.exam)}
    data: dict[str, str | int] = {"version": str(version), "comment": comment}
    data.update({f"critere_{c.pk}": levels[code] for c, code in zip(criteria, codes, strict=False)})
    return data


def test_a_teacher_of_the_class_creates_a_blanc_for_a_situation_of_the_data(cast, login):
    situation = subject_situation(cast)
    response = login(cast.teacher).post(
        reverse("mock_exams:create"),
        {"cohort": cast.cohort.pk, "situation": situation.key, "held_on": "2027-03-15"},
    )
    mock_exam = MockExam.objects.get()
    assert response.status_code == 302
    assert (mock_exam.exam, mock_exam.situation_code, mock_exam.created_by) == (
        situation.exam,
        situation.code,
        cast.teacher,
    )
    assert mock_exam.candidates.count() == 2


def test_a_double_submitted_creation_creates_one_blanc(cast, login):
    client = login(cast.teacher)
    data = {"cohort": cast.cohort.pk, "situation": subject_situation(cast).key, "held_on": "2027-03-15"}
    assert client.post(reverse("mock_exams:create"), data).status_code == 302
    response = client.post(reverse("mock_exams:create"), data)
    assert response.status_code == 400
    assert "déjà une épreuve blanche" in response.content.decode()
    assert MockExam.objects.count() == 1


def test_creating_for_a_class_one_does_not_teach_is_refused(cast, login):
    response = login(cast.teacher).post(
        reverse("mock_exams:create"),
        {"cohort": cast.first_year.pk, "situation": subject_situation(cast).key, "held_on": "2027-03-15"},
    )
    assert response.status_code == 400
    assert "Classe inconnue." in response.content.decode()
    assert not MockExam.objects.exists()


def test_an_unknown_situation_is_refused_in_french(cast, login):
    response = login(cast.teacher).post(
        reverse("mock_exams:create"), {"cohort": cast.cohort.pk, "situation": "999:Z", "held_on": "2027-03-15"}
    )
    assert response.status_code == 400
    assert "Situation inconnue." in response.content.decode()
    assert not MockExam.objects.exists()


def test_the_fiche_sujet_records_changed_parameters(cast, login):
    mock_exam = make_mock_exam(cast)
    candidate = candidate_of(mock_exam, cast.student)
    client = login(cast.teacher)
    url = reverse("mock_exams:subject", args=[mock_exam.pk, candidate.pk])
    client.post(url, {"version": "0", "fiche": fiche_for(cast).pk})
    candidate.refresh_from_db()
    data = {"version": str(candidate.version), "fiche": candidate.fiche_id}
    data.update({f"r_{code}": text for code, text in candidate.subject.items()})
    data["r_historique"] = "Le client a changé de fournisseur l'an dernier."
    response = client.post(url, data, follow=True)
    assert "Fiche sujet blanche enregistrée." in response.content.decode()
    assert "Paramètres modifiés" in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.subject["historique"] == "Le client a changé de fournisseur l'an dernier."
    assert candidate.originals["historique"] != candidate.subject["historique"]


def test_a_stale_grid_form_is_refused_and_changes_nothing(cast, login):
    mock_exam = make_mock_exam(cast)
    candidate = grade(cast, mock_exam, codes=("TS",))
    client = login(cast.teacher)
    stale = _grid_post(candidate, version=1, codes=("TI",))  # the version before the last save
    response = client.post(reverse("mock_exams:grid", args=[mock_exam.pk, candidate.pk]), stale)
    assert response.status_code == 409
    assert "modifiée entre-temps" in response.content.decode()
    assert list(MockGridLine.objects.filter(candidate=candidate).values_list("level__code", flat=True)) == ["TS"]


def test_a_double_submitted_grid_saves_once(cast, login):
    mock_exam = make_mock_exam(cast)
    candidate = candidate_of(mock_exam, cast.student)
    client = login(cast.teacher)
    url = reverse("mock_exams:grid", args=[mock_exam.pk, candidate.pk])
    data = _grid_post(candidate, version=0)
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 409
    assert MockCandidate.objects.get(pk=candidate.pk).version == 1


def test_an_empty_grid_is_refused(cast, login):
    mock_exam = make_mock_exam(cast)
    candidate = candidate_of(mock_exam, cast.student)
    response = login(cast.teacher).post(
        reverse("mock_exams:grid", args=[mock_exam.pk, candidate.pk]), {"version": "0", "comment": "x"}
    )
    assert response.status_code == 409
    assert "au moins un critère" in response.content.decode()
    assert MockCandidate.objects.get(pk=candidate.pk).graded_at is None


def test_a_candidate_of_another_blanc_is_out_of_scope(cast, login):
    first, second = make_mock_exam(cast), make_mock_exam(cast, held_on=datetime.date(2027, 4, 1))
    other = candidate_of(second, cast.student)
    client = login(cast.teacher)
    assert client.get(reverse("mock_exams:grid", args=[first.pk, other.pk])).status_code == 404
    response = client.post(reverse("mock_exams:grid", args=[first.pk, other.pk]), _grid_post(other, 0))
    assert response.status_code == 404
    assert not MockGridLine.objects.exists()


def test_a_level_that_does_not_exist_is_refused(cast, login):
    mock_exam = make_mock_exam(cast)
    candidate = candidate_of(mock_exam, cast.student)
    data = _grid_post(candidate, 0)
    key = next(k for k in data if k.startswith("critere_"))
    data[key] = "999999"
    response = login(cast.teacher).post(reverse("mock_exams:grid", args=[mock_exam.pk, candidate.pk]), data)
    assert response.status_code == 400
    assert "Niveau inconnu." in response.content.decode()
    assert not MockGridLine.objects.exists()


def test_a_bad_passage_time_is_refused_in_french(cast, login):
    mock_exam = make_mock_exam(cast)
    candidate = candidate_of(mock_exam, cast.student)
    response = login(cast.teacher).post(
        reverse("mock_exams:planning", args=[mock_exam.pk]), {f"passage_{candidate.pk}": "demain"}
    )
    assert response.status_code == 400
    assert "Date et heure invalides" in response.content.decode()
    assert MockCandidate.objects.get(pk=candidate.pk).starts_at is None


def test_planning_sets_the_passage_times(cast, login):
    mock_exam = make_mock_exam(cast)
    candidate = candidate_of(mock_exam, cast.student)
    login(cast.teacher).post(
        reverse("mock_exams:planning", args=[mock_exam.pk]), {f"passage_{candidate.pk}": "2027-03-15T09:30"}
    )
    starts_at = MockCandidate.objects.get(pk=candidate.pk).starts_at
    assert starts_at is not None and starts_at.strftime("%H:%M") == "08:30"  # stored in UTC, 9:30 in Paris


def test_publishing_twice_publishes_once(cast, login):
    mock_exam = make_mock_exam(cast)
    grade(cast, mock_exam)
    client = login(cast.teacher)
    url = reverse("mock_exams:publish", args=[mock_exam.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert "déjà publiée" in response.content.decode()
    assert FormativeAssessment.objects.filter(student=cast.student).count() == 1
    assert MockExam.objects.get().state == MockExamState.PUBLISHED


def test_the_student_sees_their_blanc_grid_and_the_jury_comment_but_no_certifying_grid(cast, login):
    candidate = published(cast)
    response = login(cast.student).get(reverse("mock_exams:my_result", args=[candidate.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "CCF blanc" in page and "Bien." in page
    assert 'data-blanc-level="S"' in page and 'data-blanc-level="TS"' in page
    assert_no_certifying_content(page)


def test_the_students_list_leads_to_their_published_blanc(cast, login):
    candidate = published(cast)
    page = login(cast.student).get(reverse("mock_exams:my_list")).content.decode()
    assert reverse("mock_exams:my_result", args=[candidate.pk]) in page


def test_a_classmate_never_sees_the_blanc(cast, login):
    candidate = published(cast)
    client = login(cast.student2)
    assert client.get(reverse("mock_exams:my_result", args=[candidate.pk])).status_code == 404


def test_the_passeport_shows_the_blanc_as_a_dated_ccf_blanc_formative_assessment(cast, login):
    published(cast)
    page = login(cast.student).get(reverse("passeport:my_passeport"), follow=True).content.decode()
    assert '<span class="assessment-label">CCF blanc</span> Le 15/03/2027' in page
    assert_no_certifying_content(page)


def test_the_formative_export_labels_the_blanc(cast, login):
    published(cast)
    response = login(cast.teacher).get(reverse("passeport:cohort_formative_export", args=[cast.cohort.pk, "csv"]))
    assert "CCF blanc – Fiche" in response.content.decode("utf-8-sig")


def test_a_situation_without_fiche_sujet_asks_only_for_the_fiche(cast, login):
    situation = next(choice for choice in situations_for(cast.cohort) if not choice.has_subject_sheet)
    mock_exam = make_mock_exam(cast, situation=situation)
    candidate = candidate_of(mock_exam, cast.student)
    client = login(cast.teacher)
    url = reverse("mock_exams:subject", args=[mock_exam.pk, candidate.pk])
    page = client.get(url).content.decode()
    assert "n'a pas de fiche sujet" in page
    assert "Historique de la relation" not in page
    client.post(url, {"version": "0", "fiche": fiche_for(cast, exam=situation.exam).pk})
    candidate.refresh_from_db()
    assert candidate.fiche.exam == situation.exam
    assert candidate.subject == {}
