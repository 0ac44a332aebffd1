"""Evaluation packs: one merged PDF per candidate, built by a background task, downloadable by the jury."""

import datetime
import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from pypdf import PdfReader

from certification.evaluation.services import packs
from certification.models import DossierFiche
from passeport.models import FicheVersion, FormativeAssessment, FormativePosition
from referentiel.models import Criterion, Level
from tests.factories_certification_commissions import make_commission
from tests.factories_certification_dossiers import complete_dossier
from tests.factories_certification_marks import agree_grid
from tests.factories_certification_sheets import make_result, make_sheet

pytestmark = pytest.mark.django_db

FROZEN_TITLE = "Titre tel que déposé le jour J"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Packs are files: each test gets its own storage folder."""
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def commission(cast):
    commission = make_commission(cast)
    student = cast.student
    dossier = complete_dossier(student)
    first = DossierFiche.objects.filter(dossier=dossier).order_by("order").first()
    first.version = FicheVersion.objects.create(
        fiche=first.fiche, number=99, title=FROZEN_TITLE, recto=first.fiche.recto, versos=[], author=student.user
    )
    first.save(update_fields=["version"])
    agree_grid(commission, student, "S-TS-NE-S")
    make_result(commission, student, "12.5")
    make_sheet(commission, student)
    assessment = FormativeAssessment.objects.create(
        student=student, assessor=cast.teacher, fiche=first.fiche, assessed_on=datetime.date(2027, 3, 2)
    )
    criterion = Criterion.objects.filter(competency__block_id=commission.exam.block_id).first()
    level = Level.objects.filter(version_id=commission.session.version_id).first()
    assert criterion is not None and level is not None
    FormativePosition.objects.create(assessment=assessment, criterion=criterion, level=level)
    return commission


def _text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), "\n".join(page.extract_text() or "" for page in reader.pages)


def _packs_url(commission, query=""):
    return reverse("certification:evaluation_packs", args=[commission.pk]) + query


@pytest.fixture
def build(django_capture_on_commit_callbacks):
    """POST to the packs page, running the on-commit enqueues (the ImmediateBackend builds inline)."""

    def _build(client, commission, query=""):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(_packs_url(commission, query))

    return _build


def _download_url(commission, student):
    return reverse("certification:evaluation_pack_download", args=[commission.pk, student.pk])


def test_post_builds_the_pack_of_each_candidate(cast, login, commission, build):
    client = login(cast.teacher)
    response = build(client, commission)
    assert response.status_code == 302
    assert default_storage.exists(packs.pack_path(commission.pk, cast.student.pk))
    pages, text = _text(client.get(_download_url(commission, cast.student)).getvalue())
    assert pages > 3
    assert cast.student.user.last_name.upper() in text.upper()
    assert "FICHE D’ÉVALUATION" in text or "FICHE D'ÉVALUATION" in text
    assert "Évaluations formatives" in text


def test_pack_uses_the_frozen_fiche_text(cast, commission):
    _pages, text = _text(packs.build_pack(commission, cast.student))
    assert FROZEN_TITLE in text.replace("\n", " ")


def test_download_is_404_before_build(cast, login, commission):
    assert login(cast.teacher).get(_download_url(commission, cast.student)).status_code == 404


def test_download_is_a_pdf_attachment(cast, login, commission, build):
    client = login(cast.teacher)
    build(client, commission)
    response = client.get(_download_url(commission, cast.student))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert "dossier-evaluation-E4-" in response["Content-Disposition"]


def test_progress_page_counts_ready_packs(cast, login, commission):
    client = login(cast.teacher)
    total = packs.candidates(commission).count()
    assert f"0 / {total} dossiers prêts" in client.get(_packs_url(commission)).content.decode()
    from certification.evaluation.tasks import build_evaluation_pack

    build_evaluation_pack.call(commission.pk, cast.student.pk)
    assert f"1 / {total} dossiers prêts" in client.get(_packs_url(commission)).content.decode()


def test_second_request_skips_built_packs_unless_refaire(cast, login, commission, build, monkeypatch):
    client = login(cast.teacher)
    build(client, commission)
    built = []
    monkeypatch.setattr(packs, "store_pack", lambda c, s: built.append(s.pk))
    build(client, commission)
    assert built == []
    build(client, commission, "?refaire=1")
    assert cast.student.pk in built


def test_queued_candidates_are_not_queued_twice(cast, commission):
    packs._mark_queued(commission, [cast.student.pk])
    assert cast.student.pk not in packs.to_build(commission)
    assert cast.student.pk in packs.to_build(commission, redo=True)


def test_pack_page_never_reaches_a_student(cast, login, commission, build):
    client = login(cast.teacher)
    build(client, commission)
    student_client = login(cast.student)
    assert student_client.get(_download_url(commission, cast.student)).status_code == 404
    assert student_client.get(_packs_url(commission)).status_code == 404
