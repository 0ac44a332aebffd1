"""Writes on internship periods (« stages », apprenticeship, work experience) and their attestation files."""

from typing import Any

from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from accounts.models import Student, User
from audit.services import changed_fields, log_action
from lib.storage import discard_file
from passeport.models import InternshipPeriod
from passeport.services.evidence import (
    ATTESTATION_TYPES,
    ATTESTATION_TYPES_TEXT,
    InspectedUpload,
    inspect_upload,
    store_upload,
)

FIELDS = ("kind", "organisation", "start_date", "end_date", "weeks", "tutor_name")
# Set by the tutor's signature of the official attestation (passeport.services.attestations): not the student's.
SIGNED_FIELDS = ("kind", "start_date", "end_date", "weeks")


class InternshipLocked(Exception):
    """The change would contradict the attestation signed by the tutor; ``message`` is French."""

    message = (
        "Cette période a une attestation de stage signée par le tuteur : sa nature, ses dates et sa durée ne se "
        "modifient plus."
    )


def create_internship(
    *, student: Student, actor: User, data: dict[str, Any], attestation: UploadedFile | None = None
) -> InternshipPeriod:
    """Record a period; the attestation, if any, is checked first (``EvidenceRefused``: nothing stored)."""
    checked = _inspect(attestation)
    period = InternshipPeriod(student=student, **{name: data.get(name) for name in FIELDS})
    _attach(period, attestation, checked)
    try:
        with transaction.atomic():
            period.save()
            log_action(
                "internship.created",
                actor=actor,
                obj=period,
                establishment_id=student.cohort.establishment_id,
                changes={
                    "organisation": period.organisation,
                    "weeks": str(period.weeks),
                    "attestation": checked.sha256 if checked else "",
                },
            )
    except BaseException:
        discard_file(period.attestation.storage, period.attestation.name)
        raise
    return period


def update_internship(
    *, period: InternshipPeriod, actor: User, data: dict[str, Any], attestation: UploadedFile | None = None
) -> InternshipPeriod:
    """Change a period; a new attestation replaces the old one, whose file is deleted with the change."""
    checked = _inspect(attestation)
    new_values = {name: data.get(name) for name in FIELDS}
    changes: dict[str, Any] = changed_fields(period, new_values)
    if not changes and checked is None:
        return period
    if period.signed_attestation is not None and any(name in changes for name in SIGNED_FIELDS):
        raise InternshipLocked(InternshipLocked.message)
    storage, old_name = period.attestation.storage, period.attestation.name
    for name, value in new_values.items():
        setattr(period, name, value)
    _attach(period, attestation, checked)
    if checked is not None:
        changes["attestation"] = ["remplacée" if old_name else "", checked.sha256]
    try:
        with transaction.atomic():
            period.save(update_fields=[*FIELDS, "attestation", "attestation_name", "attestation_content_type"])
            log_action(
                "internship.updated",
                actor=actor,
                obj=period,
                changes=changes,
            )
            if checked is not None and old_name:
                # Recorded with the change; the file goes after the grace period (lib.storage).
                _delete_file(storage, old_name)
    except BaseException:
        if checked is not None:
            discard_file(period.attestation.storage, period.attestation.name)
        raise
    return period


def _inspect(attestation: UploadedFile | None) -> InspectedUpload | None:
    if attestation is None:
        return None
    return inspect_upload(attestation, allowed=ATTESTATION_TYPES, allowed_text=ATTESTATION_TYPES_TEXT)


def _attach(period: InternshipPeriod, attestation: UploadedFile | None, checked: InspectedUpload | None) -> None:
    if attestation is None or checked is None:
        return
    period.attestation_name = checked.original_name
    period.attestation_content_type = checked.content_type
    store_upload(period.attestation, f"attestation{checked.extension}", attestation, checked)


def _delete_file(storage: Storage, name: str) -> None:
    if name:
        storage.delete(name)
