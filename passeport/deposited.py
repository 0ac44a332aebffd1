"""The official PDF of each fiche as deposited, written once and read back by the evaluation packs.

A deposit freezes each fiche of the dossier into a ``FicheVersion``; that text never changes again, so neither does
its PDF. It is written at deposit (after the commit, in a background task) to default storage with the verified
atomic writes of ``lib.files``, and its size and digest are recorded (``DepositedFichePdf``). A reader (a pack build)
checks the file against them: a missing, truncated or altered file is written again from the frozen version, never
served. The text is the deposited one; the layout is today's stylesheet's, as it was before this store existed.
"""

import copy
import hashlib
import logging

from django.core.files.storage import default_storage
from django.db import transaction
from django_tasks import task

from lib import files
from passeport.models import DepositedFichePdf, Fiche, FicheVersion, FicheVerso
from passeport.pdf import render_fiche_pdf

logger = logging.getLogger(__name__)


def deposited_pdf_path(version: FicheVersion, verso_order: int) -> str:
    return f"fiches/deposees/{version.fiche_id}/v{version.pk}-{verso_order}.pdf"


def frozen_fiche(fiche: Fiche, version: FicheVersion, verso_order: int) -> tuple[Fiche, FicheVerso | None]:
    """An unsaved copy of ``fiche`` carrying the version's title and recto, and its verso of that order, if any."""
    frozen = copy.copy(fiche)
    frozen.title = version.title
    frozen.recto = version.recto or {}
    versos = version.versos or []
    index = max(verso_order, 1) - 1
    verso = FicheVerso(order=index + 1, content=versos[index] or {}) if 0 <= index < len(versos) else None
    return frozen, verso


def store_deposited_pdf(*, fiche: Fiche, version: FicheVersion, verso_order: int) -> tuple[bytes, DepositedFichePdf]:
    """Render the frozen fiche, write it whole and checked (``lib.files``), record its size and digest."""
    content = render_fiche_pdf(*frozen_fiche(fiche, version, verso_order))
    saved = files.save_file(
        default_storage,
        deposited_pdf_path(version, verso_order),
        content,
        check=files.pdf_check(),
        replace=True,
    )
    with transaction.atomic():
        row, _created = DepositedFichePdf.objects.update_or_create(
            version=version,
            verso_order=verso_order,
            defaults={"name": saved.name, "size": saved.size, "sha256": saved.sha256, "pages": saved.pages or 0},
        )
    return content, row


def _read_intact(row: DepositedFichePdf) -> bytes | None:
    """The stored bytes if they are still those checked at writing (size and SHA-256), else None."""
    try:
        with default_storage.open(row.name, "rb") as handle:
            content = handle.read()
    except OSError:
        return None
    if len(content) != row.size or hashlib.sha256(content).hexdigest() != row.sha256:
        return None
    return content


def deposited_fiche_pdf(*, fiche: Fiche, version: FicheVersion, verso_order: int) -> bytes:
    """The stored PDF of the deposited fiche; written (again) when it was never stored, or is missing or altered."""
    row = DepositedFichePdf.objects.filter(version=version, verso_order=verso_order).first()
    if row is not None:
        content = _read_intact(row)
        if content is not None:
            return content
        logger.warning("PDF de fiche déposée manquant ou altéré (%s) : réécrit depuis la version figée.", row.name)
    content, _row = store_deposited_pdf(fiche=fiche, version=version, verso_order=verso_order)
    return content


@task()
def store_deposited_pdfs(items: list[tuple[int, int]]) -> int:
    """Write the PDF of each ``(FicheVersion pk, verso order)`` not yet stored intact; safe to run again."""
    stored = 0
    for version_id, verso_order in items:
        version = (
            FicheVersion.objects.select_related(
                "fiche__exam", "fiche__student__user", "fiche__student__cohort__exam_session"
            )
            .filter(pk=version_id)
            .first()
        )
        if version is None:
            continue
        row = DepositedFichePdf.objects.filter(version=version, verso_order=verso_order).first()
        if row is not None and _read_intact(row) is not None:
            continue
        store_deposited_pdf(fiche=version.fiche, version=version, verso_order=verso_order)
        stored += 1
    return stored


def store_at_deposit(items: list[tuple[int, int]]) -> None:
    """Queue the writing of the deposited PDFs once the deposit commits (a rolled-back deposit writes nothing)."""
    if items:
        # robust: a failed enqueue must not turn a committed deposit into an error page; packs write the PDF anyway.
        transaction.on_commit(lambda: store_deposited_pdfs.enqueue(items), robust=True)
