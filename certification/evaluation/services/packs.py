"""The « dossier d'évaluation » the school keeps for a year: one PDF per candidate, built in the background.

A pack merges, in this order: the dossier's fiches as deposited (the frozen FicheVersion text), the commission's
agreed grid, the evaluation sheet (verso) and a one-page summary of the candidate's formative assessments. The grid
is jury material: the pack is for the school's archive, never shown nor sent to the candidate.

Packs live in default storage under ``packs/<commission pk>/<student pk>.pdf``, written whole or not at all
(``lib.files``). Their state is an ``EvaluationPack`` row, never « a file exists »: a full disk once left empty files
that were counted as ready. A pack is ready only when its file was checked after writing (it parses, has the pages
the build produced) and still has the size recorded then. A build refreshes ``heartbeat_at`` between its steps; a
build whose heartbeat stopped (its worker was killed) is « interrompu », and « manquants » builds it again, as it
does a failed one.
"""

import datetime
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django_tasks.base import Task
from pypdf import PdfReader, PdfWriter

from accounts.models import Student, User
from audit.services import log_action
from certification.commissions.models import Commission
from certification.dossiers.models import Dossier, DossierFiche
from certification.evaluation.models import EvaluationPack, PackState
from certification.evaluation.pdf import grid as grid_pdf
from certification.evaluation.pdf import sheet as sheet_pdf
from lib import files, pdf
from passeport.deposited import deposited_fiche_pdf
from passeport.models import FormativeAssessment
from passeport.pdf import render_fiche_pdf

logger = logging.getLogger(__name__)

# A build beats between steps (a few seconds each, under a minute for the longest fiche): silent this long, its
# worker is gone. A queued build waits for a free worker; silent this long, nothing will run it.
BUILD_SILENCE = timedelta(minutes=5)
QUEUE_SILENCE = timedelta(hours=2)

MISSING = "missing"
INTERRUPTED = "interrupted"
DAMAGED = "damaged"
LABELS = {
    MISSING: "Pas encore construit",
    PackState.QUEUED: "En attente de construction",
    PackState.BUILDING: "En cours de construction",
    INTERRUPTED: "Interrompu (la construction s'est arrêtée avant la fin)",
    PackState.FAILED: "Échec de la construction",
    DAMAGED: "Fichier manquant ou altéré depuis sa construction",
    PackState.READY: "Prêt",
}
# What « Construire les dossiers manquants » builds again.
TO_BUILD = frozenset({MISSING, INTERRUPTED, PackState.FAILED, DAMAGED})


def pack_dir(commission_id: int) -> str:
    return f"packs/{commission_id}"


def pack_path(commission_id: int, student_id: int) -> str:
    return f"{pack_dir(commission_id)}/{student_id}.pdf"


def candidates(commission: Commission) -> QuerySet[Student]:
    return (
        Student.objects.filter(cohort_id=commission.cohort_id)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def _silence(name: str, default: timedelta) -> timedelta:
    seconds = getattr(settings, name, None)
    return default if seconds is None else timedelta(seconds=seconds)


@dataclass(frozen=True)
class PackStatus:
    """What the page says of one candidate's pack; ``state`` is a ``PackState`` or one of the derived states."""

    student: Student
    state: str
    error: str = ""

    @property
    def label(self) -> str:
        return LABELS[self.state]

    @property
    def ready(self) -> bool:
        return self.state == PackState.READY


def pack_state(pack: EvaluationPack | None, *, now: datetime.datetime | None = None) -> str:
    """The state shown: a silent build or queue is interrupted; a ready file must still be the one checked."""
    if pack is None:
        return MISSING
    now = now or timezone.now()
    if pack.state == PackState.BUILDING and now - pack.heartbeat_at > _silence("PACK_BUILD_SILENCE", BUILD_SILENCE):
        return INTERRUPTED
    if pack.state == PackState.QUEUED and now - pack.heartbeat_at > _silence("PACK_QUEUE_SILENCE", QUEUE_SILENCE):
        return INTERRUPTED
    if pack.state == PackState.READY and not file_is_intact(pack):
        return DAMAGED
    return pack.state


def file_is_intact(pack: EvaluationPack) -> bool:
    """The file recorded as checked is still there, with the size it had (a stat, not a new parse)."""
    path = pack_path(pack.commission_id, pack.student_id)
    try:
        return pack.size > 0 and default_storage.size(path) == pack.size
    except OSError:
        return False


def pack_statuses(commission: Commission) -> list[PackStatus]:
    rows = {pack.student_id: pack for pack in EvaluationPack.objects.filter(commission=commission)}
    now = timezone.now()
    statuses = []
    for student in candidates(commission):
        pack = rows.get(student.pk)
        state = pack_state(pack, now=now)
        statuses.append(PackStatus(student, state, pack.error if pack and state == PackState.FAILED else ""))
    return statuses


@dataclass(frozen=True)
class Progress:
    ready: int
    total: int
    pending: int
    interrupted: int
    failed: int

    @property
    def running(self) -> bool:
        return self.pending > 0


def pack_progress(statuses: list[PackStatus]) -> Progress:
    def count(*states: str) -> int:
        return sum(1 for status in statuses if status.state in states)

    return Progress(
        ready=count(PackState.READY),
        total=len(statuses),
        pending=count(PackState.QUEUED, PackState.BUILDING),
        interrupted=count(INTERRUPTED),
        failed=count(PackState.FAILED, DAMAGED),
    )


def to_build(commission: Commission, *, redo: bool = False) -> list[int]:
    """Candidates whose pack must be (re)built: all when ``redo``; otherwise those not ready nor under way."""
    statuses = pack_statuses(commission)
    return [status.student.pk for status in statuses if redo or status.state in TO_BUILD]


def _frozen_fiche_pdf(item: DossierFiche) -> bytes:
    """The fiche as deposited: its PDF stored at deposit (checked, written again if missing or altered)."""
    if item.version is None:
        return render_fiche_pdf(item.fiche, item.verso)
    verso_order = item.verso.order if item.verso is not None else 0
    return deposited_fiche_pdf(fiche=item.fiche, version=item.version, verso_order=verso_order)


def _dossier_pdfs(commission: Commission, student: Student) -> list[bytes]:
    dossier = (
        Dossier.objects.filter(student=student, exam_id=commission.exam_id, session_id=commission.session_id)
        .order_by("-pk")
        .first()
    )
    if dossier is None:
        return []
    items = (
        DossierFiche.objects.filter(dossier=dossier)
        .select_related("fiche__exam", "fiche__student__cohort__exam_session", "verso", "version")
        .order_by("order", "pk")
    )
    return [_frozen_fiche_pdf(item) for item in items]


def formative_summary_pdf(commission: Commission, student: Student) -> bytes:
    assessments = (
        # A labelled assessment comes from training (« CCF blanc »): never part of the certifying pack.
        FormativeAssessment.objects.filter(student=student, label="")
        .select_related("assessor", "fiche", "activity")
        .prefetch_related("positions__criterion", "positions__level")
        .order_by("assessed_on", "pk")
    )
    html = render_to_string(
        "certification/evaluation/pdf/formative_summary.html",
        {
            "candidate": student.user,
            "number": student.candidate_number,
            "exam": commission.exam.code,
            "year": commission.session.year,
            "assessments": assessments,
        },
    )
    return pdf.render_pdf(html, cached=True)


def merge(parts: list[bytes]) -> tuple[bytes, int]:
    """The parts in one PDF, and its number of pages (what the written file is checked against)."""
    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue(), len(writer.pages)


def _build(commission: Commission, student: Student, beat: Callable[[], None]) -> tuple[bytes, int]:
    beat()
    parts = _dossier_pdfs(commission, student)
    for render in (grid_pdf.render_grid_pdf, sheet_pdf.render_sheet_pdf, formative_summary_pdf):
        beat()
        parts.append(render(commission, student))
    beat()
    return merge(parts)


def build_pack(commission: Commission, student: Student) -> bytes:
    content, _pages = _build(commission, student, lambda: None)
    return content


def _heartbeat(pack_id: int) -> None:
    EvaluationPack.objects.filter(pk=pack_id, state=PackState.BUILDING).update(heartbeat_at=timezone.now())


def _start(commission: Commission, student: Student) -> EvaluationPack:
    now = timezone.now()
    pack, _created = EvaluationPack.objects.update_or_create(
        commission=commission,
        student=student,
        defaults={"state": PackState.BUILDING, "heartbeat_at": now, "error": "", "finished_at": None},
        create_defaults={"state": PackState.BUILDING, "heartbeat_at": now, "requested_at": now},
    )
    return pack


def _finish(
    pack: EvaluationPack, commission: Commission, *, error: str = "", saved: files.SavedFile | None = None
) -> None:
    """Record the outcome with its audit entry; a failure keeps no size, so it can never pass for ready."""
    fields = {"finished_at": timezone.now(), "heartbeat_at": timezone.now(), "error": error[:500]}
    if saved is None:
        fields.update(state=PackState.FAILED, size=0, pages=0, sha256="")
    else:
        fields.update(state=PackState.READY, size=saved.size, pages=saved.pages, sha256=saved.sha256)
    with transaction.atomic():
        EvaluationPack.objects.filter(pk=pack.pk).update(**fields)
        log_action(
            "evaluation_pack.built" if saved else "evaluation_pack.failed",
            obj=commission,
            establishment_id=commission.cohort.establishment_id,
            changes={"student_id": pack.student_id, **({"pages": saved.pages} if saved else {"error": error[:500]})},
        )


def store_pack(commission: Commission, student: Student) -> str:
    """Build and write the candidate's pack, whole and checked, and record it ready; returns its storage path.

    Any failure (disk full, a PDF that does not parse, a crash of a renderer) records the pack as failed with a
    French reason, keeps no partial file, and is raised again for the worker's log and task table.
    """
    pack = _start(commission, student)
    path = pack_path(commission.pk, student.pk)
    silence = _silence("PACK_BUILD_SILENCE", BUILD_SILENCE).total_seconds()
    files.remove_leftovers(default_storage, path, older_than=silence)
    try:
        content, pages = _build(commission, student, partial(_heartbeat, pack.pk))
        saved = files.save_file(
            default_storage, path, content, check=files.pdf_check(expected_pages=pages), replace=True
        )
    except files.FileNotSaved as failure:
        _finish(pack, commission, error=failure.message)
        raise
    except Exception as error:
        _finish(pack, commission, error=f"Erreur pendant la construction du PDF ({type(error).__name__}).")
        raise
    _finish(pack, commission, saved=saved)
    return saved.name


def pack_filename(commission: Commission, student: Student) -> str:
    """``dossier-evaluation-E4-nom-prenom.pdf``, ASCII only."""
    user = student.user
    parts = [
        "dossier-evaluation",
        slugify(commission.exam.code).upper(),
        slugify(user.last_name),
        slugify(user.first_name),
    ]
    return "-".join(part for part in parts if part) + ".pdf"


def _mark_queued(commission: Commission, student_ids: list[int]) -> None:
    now = timezone.now()
    EvaluationPack.objects.bulk_create(
        [
            EvaluationPack(commission=commission, student_id=pk, requested_at=now, heartbeat_at=now)
            for pk in student_ids
        ],
        ignore_conflicts=True,
    )
    EvaluationPack.objects.filter(commission=commission, student_id__in=student_ids).update(
        state=PackState.QUEUED, requested_at=now, heartbeat_at=now, finished_at=None, error=""
    )


def request_packs(commission: Commission, *, actor: User, redo: bool = False) -> int:
    """Queue one build task per candidate still to build (all with ``redo``), on commit; returns how many."""
    from certification.evaluation.tasks import queue_evaluation_packs

    with transaction.atomic():
        ids = to_build(commission, redo=redo)
        if ids:
            _mark_queued(commission, ids)
        log_action(
            "commission.packs_requested",
            actor=actor,
            obj=commission,
            establishment_id=commission.cohort.establishment_id,
            changes={"candidates": len(ids), "redo": redo},
        )
        if ids:
            # One task that queues the builds: the request inserts one row, not one per candidate.
            transaction.on_commit(partial(queue_evaluation_packs.enqueue, commission.pk, ids, redo))
    return len(ids)


def enqueue_builds(task: Task[[int, int, bool], str], commission_pk: int, student_ids: list[int], redo: bool) -> None:
    """Queue ``task`` for each candidate, in one write transaction (not one per candidate)."""
    with transaction.atomic():
        for student_id in student_ids:
            task.enqueue(commission_pk, student_id, redo)


def ready_pack(commission: Commission, student: Student) -> EvaluationPack | None:
    """The candidate's pack if it is ready and its file intact, else None."""
    pack = EvaluationPack.objects.filter(commission=commission, student=student).first()
    return pack if pack_state(pack) == PackState.READY else None


def has_pack(commission: Commission, student: Student) -> bool:
    return EvaluationPack.objects.filter(commission=commission, student=student).exists()
