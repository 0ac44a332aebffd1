"""Issue 18, faults 1 and 6 on the evaluation packs: a full disk, a dead worker.

1. With the media folder full, packs were empty or truncated yet counted « prêts », and downloaded as a 200 PDF of
   0 bytes. Now a pack is ready only once its file is written whole and checked.
6. A build whose worker died stayed « en cours » for ever and « manquants » would not rebuild it. Now its silent
   heartbeat makes it « interrompu », and « manquants » rebuilds it (see also test_packs_worker_killed.py).
"""

import datetime

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from certification.evaluation.services import packs
from certification.evaluation.tasks import build_evaluation_pack
from certification.models import EvaluationPack, PackState
from lib import files
from tests.disk_full import DiskFull, files_under
from tests.factories_certification_commissions import make_commission

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def commission(cast):
    return make_commission(cast)


def _page(client, commission) -> str:
    return client.get(reverse("certification:evaluation_packs", args=[commission.pk])).content.decode()


def _post(client, commission, django_capture_on_commit_callbacks, query=""):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("certification:evaluation_packs", args=[commission.pk]) + query, follow=True)


def _download(client, commission, student):
    return client.get(reverse("certification:evaluation_pack_download", args=[commission.pk, student.pk]), follow=True)


@pytest.mark.parametrize("fail_at", [1, 2])
def test_fault_1_disk_full_while_building_packs_leaves_them_failed_never_ready(
    cast, login, commission, media, monkeypatch, django_capture_on_commit_callbacks, fail_at
):
    client = login(cast.teacher)
    total = packs.candidates(commission).count()
    DiskFull(media, fail_at=fail_at).install(monkeypatch)

    _post(client, commission, django_capture_on_commit_callbacks)

    states = list(EvaluationPack.objects.filter(commission=commission).values_list("state", flat=True))
    assert PackState.FAILED in states and len(states) == total
    # Every file is whole: the packs written before the disk filled are readable, the others absent.
    for path in files_under(media):
        assert path.endswith(".pdf") and not path.startswith("packs/.")
        pack = EvaluationPack.objects.get(student_id=int(path.rsplit("/", 1)[1].removesuffix(".pdf")))
        assert pack.state == PackState.READY and (media / path).stat().st_size == pack.size > 0
    ready = states.count(PackState.READY)
    page = _page(client, commission)
    assert f"{ready} / {total} dossiers prêts" in page
    assert f"{total - ready} en échec" in page
    assert "Échec de la construction – Espace disque insuffisant sur le serveur" in page
    failed = EvaluationPack.objects.filter(commission=commission, state=PackState.FAILED).first()
    response = _download(client, commission, failed.student)
    assert response.redirect_chain and response.redirect_chain[0][1] == 302
    assert response["Content-Type"].startswith("text/html")
    assert "n&#x27;est pas prêt" in response.content.decode()
    assert AuditEntry.objects.filter(action="evaluation_pack.failed").count() == total - ready


def test_after_a_full_disk_manquants_rebuilds_the_failed_packs(
    cast, login, commission, media, monkeypatch, django_capture_on_commit_callbacks
):
    client = login(cast.teacher)
    total = packs.candidates(commission).count()
    with monkeypatch.context() as patch:
        DiskFull(media, fail_at=1).install(patch)
        _post(client, commission, django_capture_on_commit_callbacks)
    assert f"0 / {total} dossiers prêts" in _page(client, commission)

    response = _post(client, commission, django_capture_on_commit_callbacks)

    assert f"Construction lancée pour {total} dossier(s) d&#x27;évaluation." in response.content.decode()
    assert f"{total} / {total} dossiers prêts" in _page(client, commission)
    download = _download(client, commission, cast.student)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_an_emptied_file_is_no_longer_ready_and_never_downloaded_empty(cast, login, commission, media):
    build_evaluation_pack.call(commission.pk, cast.student.pk)
    client = login(cast.teacher)
    total = packs.candidates(commission).count()
    assert f"1 / {total} dossiers prêts" in _page(client, commission)

    (media / packs.pack_path(commission.pk, cast.student.pk)).write_bytes(b"")

    page = _page(client, commission)
    assert f"0 / {total} dossiers prêts" in page and "Fichier manquant ou altéré" in page
    response = _download(client, commission, cast.student)
    assert response["Content-Type"].startswith("text/html") and "n&#x27;est pas prêt" in response.content.decode()
    assert cast.student.pk in packs.to_build(commission)


def test_a_pdf_that_does_not_parse_is_recorded_failed(cast, commission, media, monkeypatch):
    monkeypatch.setattr(packs, "merge", lambda parts: (b"%PDF-1.7\n tronque", 3))
    with pytest.raises(files.FileNotSaved):
        packs.store_pack(commission, cast.student)
    pack = EvaluationPack.objects.get(student=cast.student)
    assert pack.state == PackState.FAILED and "incomplet" in pack.error
    assert not default_storage.exists(packs.pack_path(commission.pk, cast.student.pk))
    assert files_under(media) == []


def test_a_renderer_crash_is_recorded_failed_in_french(cast, commission, monkeypatch):
    def crash(*_args):
        raise RuntimeError("boom")

    monkeypatch.setattr(packs, "formative_summary_pdf", crash)
    result = build_evaluation_pack.enqueue(commission.pk, cast.student.pk)
    assert result.status == "FAILED"
    pack = EvaluationPack.objects.get(student=cast.student)
    assert pack.state == PackState.FAILED
    assert pack.error == "Erreur pendant la construction du PDF (RuntimeError)."


def test_fault_6_a_build_whose_heartbeat_stopped_is_interrupted_and_manquants_rebuilds_it(
    cast, login, commission, django_capture_on_commit_callbacks
):
    start = timezone.now()
    others = [pk for pk in packs.candidates(commission).values_list("pk", flat=True) if pk != cast.student.pk]
    for pk in others:
        build_evaluation_pack.call(commission.pk, pk)
    EvaluationPack.objects.create(
        commission=commission, student=cast.student, state=PackState.BUILDING, requested_at=start, heartbeat_at=start
    )
    client = login(cast.teacher)
    total = len(others) + 1
    page = _page(client, commission)
    assert "1 en cours de construction" in page and "interrompu" not in page.lower()
    assert packs.to_build(commission) == []

    with time_machine.travel(start + packs.BUILD_SILENCE + datetime.timedelta(seconds=1)):
        page = _page(client, commission)
        assert f"{total - 1} / {total} dossiers prêts" in page
        assert "1 interrompu" in page and "Interrompu (la construction s&#x27;est arrêtée avant la fin)" in page
        assert "en cours de construction" not in page
        response = _post(client, commission, django_capture_on_commit_callbacks)
        assert "Construction lancée pour 1 dossier(s)" in response.content.decode()
        assert f"{total} / {total} dossiers prêts" in _page(client, commission)
    assert EvaluationPack.objects.get(student=cast.student).state == PackState.READY


def test_a_build_that_still_beats_is_left_to_its_worker(cast, commission):
    start = timezone.now()
    EvaluationPack.objects.create(
        commission=commission, student=cast.student, state=PackState.BUILDING, requested_at=start, heartbeat_at=start
    )
    with time_machine.travel(start + packs.BUILD_SILENCE - datetime.timedelta(seconds=5)):
        assert cast.student.pk not in packs.to_build(commission)


def test_a_queued_build_nothing_ran_for_hours_is_interrupted(cast, commission):
    start = timezone.now()
    packs._mark_queued(commission, [cast.student.pk])
    assert cast.student.pk not in packs.to_build(commission)
    with time_machine.travel(start + packs.QUEUE_SILENCE + datetime.timedelta(seconds=1)):
        assert cast.student.pk in packs.to_build(commission)
        (status,) = [s for s in packs.pack_statuses(commission) if s.student == cast.student]
        assert status.state == packs.INTERRUPTED


def test_the_builder_beats_between_its_steps(cast, commission, monkeypatch):
    beats: list[int] = []
    real = packs._heartbeat

    def beat(pk: int) -> None:
        beats.append(pk)
        real(pk)

    monkeypatch.setattr(packs, "_heartbeat", beat)
    packs.store_pack(commission, cast.student)
    assert len(beats) >= 4
