"""The dataset's académie (issue 16): every establishment in it, an inspector, and with --harmonisation the
deliberations, sent marks, a late change and a mark outside its range — the same for the same seed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Academie, Establishment
from certification.models import CandidateResult, Deliberation, Reopening
from dataset.academie import DATASET_CODE, INSPECTOR
from dataset.spec import DEFAULT_PASSWORD
from dataset.tests.helpers import generate
from harmonisation.models import MarksDispatch
from referentiel.models import Exam, ExamSession

pytestmark = pytest.mark.django_db


def _exam_url() -> str:
    academie = Academie.objects.get(code=DATASET_CODE)
    session = ExamSession.objects.get(year=2027)
    exam = Exam.objects.filter(pk__in=MarksDispatch.objects.values("exam_id")).order_by("pk").first()
    assert exam is not None, "the generated académie has sent marks"
    return reverse("harmonisation:exam", args=[academie.pk, session.pk, exam.pk])


def test_the_academie_spread_deliberations_and_sends_are_generated(client):
    generate("--preset", "tiny", "--establishments", "3", "--harmonisation")
    academie = Academie.objects.get(code=DATASET_CODE)
    assert Establishment.objects.filter(academie=academie).count() == 3
    # 1 and 3 deliberated and sent; 2 pending; 3 marks 3.5 points higher.
    assert sorted(Deliberation.objects.values_list("commission__cohort__establishment__uai", flat=True)) == [
        "0999001D",
        "0999003D",
    ]
    assert sorted(MarksDispatch.objects.values_list("establishment__uai", flat=True)) == ["0999001D", "0999003D"]
    assert client.login(username=INSPECTOR, password=DEFAULT_PASSWORD)
    page = client.get(_exam_url()).content.decode()
    assert "délibération en attente" in page and "hors de la plage" in page
    assert page.count("Notes transmises le") == 2


def test_a_late_change_is_generated_after_the_send():
    generate("--preset", "tiny", "--establishments", "9", "--students-per-cohort", "2", "--harmonisation")
    reopening = Reopening.objects.get()
    assert reopening.commission.cohort.establishment.uai == "0999009D"
    dispatch = MarksDispatch.objects.get(establishment__uai="0999009D")
    assert reopening.reopened_at > dispatch.sent_at


@pytest.mark.parametrize("size", [2, 6])
def test_the_harmonisation_page_runs_the_same_queries_whatever_the_size(client, size):
    generate("--preset", "tiny", "--establishments", str(size), "--harmonisation")
    assert client.login(username=INSPECTOR, password=DEFAULT_PASSWORD)
    url = _exam_url()
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    # The same count at 2 and at 6 establishments (6 has a late change, 2 has none: same count nonetheless).
    assert len(queries) == 16, [q["sql"] for q in queries.captured_queries]


def test_an_establishment_with_two_classes_sends_each_exam_once():
    # The académie preset has two classes per establishment, each with its commission of the same exam.
    generate("--preset", "tiny", "--establishments", "1", "--cohorts-per-establishment", "2", "--harmonisation")
    sends = list(MarksDispatch.objects.values_list("establishment__uai", "exam__code"))
    assert len(sends) == len(set(sends)) >= 1
    sent = MarksDispatch.objects.get()
    assert len(sent.marks) == CandidateResult.objects.filter(commission__cohort__establishment__uai="0999001D").count()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # deposits commit, so on_commit queues
def test_a_generated_dataset_leaves_no_backlog_of_pdf_storage_tasks(settings):
    from django_tasks_db.models import DBTaskResult

    from certification.dossiers.models import Dossier

    # The deployed backend: tasks wait in the database for the worker (the test settings run them at once).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    generate("--preset", "tiny", "--establishments", "1")
    assert Dossier.objects.exclude(submitted_at=None).exists()  # deposits were made, each queuing its PDF storage
    assert not DBTaskResult.objects.filter(task_path="passeport.deposited.store_deposited_pdfs").exists()
