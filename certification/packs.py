"""The « dossier d'évaluation » the school keeps for a year: one PDF per candidate, built in the background.

A pack merges, in this order: the dossier's fiches as deposited (the frozen FicheVersion text), the commission's
agreed grid, the evaluation sheet (verso) and a one-page summary of the candidate's formative assessments. The grid
is jury material: the pack is for the school's archive, never shown nor sent to the candidate.

Packs live in default storage under ``packs/<commission pk>/<student pk>.pdf``; ``packs/<commission pk>/status.json``
records the candidates queued by the last request. Progress is « which files exist »: no table.
"""

import copy
import io
import json
from dataclasses import dataclass
from functools import partial

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template import Context, Engine
from django.utils import timezone
from django.utils.text import slugify
from pypdf import PdfReader, PdfWriter

from accounts.models import Student
from audit.services import log_action
from certification import grid_pdf, sheet_pdf
from certification.models import Commission, Dossier, DossierFiche
from lib import pdf
from passeport.models import FicheVerso, FormativeAssessment
from passeport.pdf import render_fiche_pdf

SUMMARY_TEMPLATE = Engine(autoescape=True).from_string(
    """<!doctype html><html lang="fr"><head><meta charset="utf-8"><style>
body { font-family: sans-serif; font-size: 10pt; } h1 { font-size: 14pt; } h2 { font-size: 11pt; margin-top: 1em; }
table { border-collapse: collapse; width: 100%; } td, th { border: 1px solid #999; padding: 3pt; text-align: left; }
</style></head><body>
<h1>Évaluations formatives – {{ candidate.last_name }} {{ candidate.first_name }}</h1>
<p>{{ exam }} – session {{ year }}{% if number %} – candidat n° {{ number }}{% endif %}</p>
{% for item in assessments %}
<h2>{{ item.assessed_on|date:"d/m/Y" }} – {{ item.assessor.get_full_name|default:item.assessor.username }}
{% if item.fiche %} – fiche « {{ item.fiche.title }} »{% elif item.activity %} – {{ item.activity }}{% endif %}</h2>
<table><tr><th>Critère</th><th>Niveau</th></tr>
{% for position in item.positions.all %}<tr><td>{{ position.criterion }}</td><td>{{ position.level.code }}</td></tr>
{% endfor %}</table>{% if item.comment %}<p>{{ item.comment }}</p>{% endif %}
{% empty %}<p>Aucune évaluation formative enregistrée.</p>{% endfor %}
</body></html>"""
)


def pack_dir(commission_id: int) -> str:
    return f"packs/{commission_id}"


def pack_path(commission_id: int, student_id: int) -> str:
    return f"{pack_dir(commission_id)}/{student_id}.pdf"


def status_path(commission_id: int) -> str:
    return f"{pack_dir(commission_id)}/status.json"


def pack_exists(commission_id: int, student_id: int) -> bool:
    return default_storage.exists(pack_path(commission_id, student_id))


def candidates(commission: Commission):
    return (
        Student.objects.filter(cohort_id=commission.cohort_id)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def read_status(commission_id: int) -> dict:
    path = status_path(commission_id)
    if not default_storage.exists(path):
        return {"queued": []}
    with default_storage.open(path, "rb") as handle:
        try:
            return json.loads(handle.read().decode("utf-8"))
        except ValueError:
            return {"queued": []}


def write_status(commission_id: int, queued: list[int]) -> None:
    path = status_path(commission_id)
    payload = {"queued": sorted(set(queued)), "requested_at": timezone.now().isoformat()}
    if default_storage.exists(path):
        default_storage.delete(path)
    default_storage.save(path, ContentFile(json.dumps(payload).encode("utf-8")))


@dataclass(frozen=True)
class Progress:
    ready: int
    total: int
    pending: int
    built: set[int]

    @property
    def running(self) -> bool:
        return self.pending > 0


def pack_progress(commission: Commission) -> Progress:
    ids = list(candidates(commission).values_list("pk", flat=True))
    built = {pk for pk in ids if pack_exists(commission.pk, pk)}
    queued = set(read_status(commission.pk).get("queued", []))
    return Progress(ready=len(built), total=len(ids), pending=len((queued & set(ids)) - built), built=built)


def to_build(commission: Commission, *, redo: bool = False) -> list[int]:
    """Candidates whose pack must be (re)built: all when ``redo``; otherwise those neither built nor queued."""
    ids = list(candidates(commission).values_list("pk", flat=True))
    if redo:
        return ids
    progress = pack_progress(commission)
    queued = set(read_status(commission.pk).get("queued", []))
    return [pk for pk in ids if pk not in progress.built and pk not in queued]


def _frozen_fiche_pdf(item: DossierFiche) -> bytes:
    """The fiche as deposited: an unsaved copy carrying the FicheVersion's title, recto and verso."""
    fiche = item.fiche
    version = item.version
    if version is None:
        return render_fiche_pdf(fiche, item.verso)
    frozen = copy.copy(fiche)
    frozen.title = version.title
    frozen.recto = version.recto or {}
    verso = None
    versos = version.versos or []
    index = (item.verso.order - 1) if item.verso is not None else 0
    if versos and 0 <= index < len(versos):
        verso = FicheVerso(order=index + 1, content=versos[index] or {})
    return render_fiche_pdf(frozen, verso)


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
        FormativeAssessment.objects.filter(student=student)
        .select_related("assessor", "fiche", "activity")
        .prefetch_related("positions__criterion", "positions__level")
        .order_by("assessed_on", "pk")
    )
    html = SUMMARY_TEMPLATE.render(
        Context(
            {
                "candidate": student.user,
                "number": student.candidate_number,
                "exam": commission.exam.code,
                "year": commission.session.year,
                "assessments": assessments,
            }
        )
    )
    return pdf.render_pdf(html)


def merge(parts: list[bytes]) -> bytes:
    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def build_pack(commission: Commission, student: Student) -> bytes:
    parts = _dossier_pdfs(commission, student)
    parts.append(grid_pdf.render_grid_pdf(commission, student))
    parts.append(sheet_pdf.render_sheet_pdf(commission, student))
    parts.append(formative_summary_pdf(commission, student))
    return merge(parts)


def store_pack(commission: Commission, student: Student) -> str:
    """Build and (re)write the candidate's pack; returns its storage path."""
    path = pack_path(commission.pk, student.pk)
    content = build_pack(commission, student)
    if default_storage.exists(path):
        default_storage.delete(path)
    return default_storage.save(path, ContentFile(content))


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


def request_packs(commission: Commission, *, actor, redo: bool = False) -> int:
    """Queue one build task per candidate still to build (all with ``redo``), on commit; returns how many."""
    from certification.tasks import queue_evaluation_packs

    with transaction.atomic():
        ids = to_build(commission, redo=redo)
        if ids:
            queued = set(read_status(commission.pk).get("queued", [])) | set(ids)
            write_status(commission.pk, list(queued))
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


def enqueue_builds(task, commission_pk: int, student_ids: list[int], redo: bool) -> None:
    """Queue ``task`` for each candidate, in one write transaction (not one per candidate)."""
    with transaction.atomic():
        for student_id in student_ids:
            task.enqueue(commission_pk, student_id, redo)
