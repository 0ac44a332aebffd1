"""Applying a previewed import in one transaction: students created, updated or archived, usernames chosen, every
change written to the audit log field by field."""

import re
import unicodedata
from functools import reduce
from operator import or_
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.import_plan import (
    CREATE,
    EMAIL_KEPT,
    UPDATE,
    ImportAlreadyApplied,
    ImportResult,
    ImportScope,
    ImportStale,
    Leaving,
    PlannedRow,
    preview_student_import,
    record_of,
)
from accounts.import_rows import LIGATURES, RawRow, clean_candidate, clean_ine
from accounts.models import Cohort, Student, StudentRecord, User
from audit.models import AuditEntry
from audit.services import log_action
from lib import generations


def apply_student_import(
    *,
    cohort: Cohort,
    rows: list[RawRow],
    actor: User,
    file_name: str = "",
    import_id: str = "",
    columns: dict[str, str] | None = None,
    departures: dict[str, str] | None = None,
) -> ImportResult:
    """Create and update the students of ``rows`` in ``cohort``, all or nothing, with one audit entry.

    The entry lists every student created or updated with each field changed, old → new, the lines ignored
    (students outside ``actor``'s classes) and the address changes not made (a teacher's import).

    ``import_id`` (the preview's token) is recorded in the audit entry so that the same preview is never applied
    twice, even by two requests racing past the session. Raises ``ImportStale`` when the rows no longer validate
    (someone changed the data since the preview), ``ImportAlreadyApplied`` when ``import_id`` was already used.

    With ``departures`` (a SIECLE file, see ``preview_student_import``), the students who left are archived: their
    account is closed and marked, nothing of their work is deleted, and a later file naming them again restores it.
    """
    scope = ImportScope.of(actor, cohort)
    try:
        with transaction.atomic():
            # One import at a time per cohort: a racing double submission waits here, then sees the first one.
            Cohort.objects.select_for_update().only("pk").get(pk=cohort.pk)
            if import_id and _already_applied(cohort, import_id):
                raise ImportAlreadyApplied()
            preview = preview_student_import(
                cohort=cohort, rows=rows, actor=actor, lock=True, scope=scope, columns=columns, departures=departures
            )
            if not preview.is_valid:
                raise ImportStale(preview.errors)
            students = _create_students(cohort, [p for p in preview.rows if p.action == CREATE])
            students += [_update_student(cohort, p) for p in preview.rows if p.action == UPDATE]
            kept = [_kept_entry(p) for p in preview.rows if p.kept]
            archived = [_archive_student(leaving) for leaving in preview.leaving]
            result = ImportResult(
                preview.to_create, preview.to_update, preview.unchanged, len(preview.refused), len(kept), len(archived)
            )
            changes = {"file": file_name, "created": result.created, "updated": result.updated}
            changes |= {"unchanged": result.unchanged, "refused": result.refused, "import_id": import_id}
            changes |= {
                "students": students,
                "refused_lines": [{"line": e.line, "reason": e.message} for e in preview.refused],
                "not_applied": kept,
            }
            if departures is not None:
                changes |= {"archived": result.archived, "archived_students": archived}
            log_action("students.imported", actor=actor, obj=cohort, changes=changes)
    except IntegrityError:
        # A concurrent write (another import, an account created meanwhile) took an email or number first.
        raise ImportStale() from None
    return result


def _already_applied(cohort: Cohort, import_id: str) -> bool:
    return AuditEntry.objects.filter(
        action="students.imported",
        establishment_id=cohort.establishment_id,
        object_id=str(cohort.pk),
        changes__import_id=import_id,
    ).exists()


def _create_students(cohort: Cohort, planned: list[PlannedRow]) -> list[dict[str, Any]]:
    """Create the accounts; return their audit lines, every field from empty to its value."""
    if not planned:
        return []
    taken = _usernames_like([_username_base(p.row) for p in planned])
    users: list[User] = []
    for p in planned:
        user = User(
            username=_free_username(_username_base(p.row), taken),
            first_name=p.row.first_name,
            last_name=p.row.last_name,
            email=p.row.email.lower(),
        )
        user.set_unusable_password()  # they choose one through « Mot de passe oublié »
        users.append(user)
    User.objects.bulk_create(users)
    students = Student.objects.bulk_create(
        Student(user=u, cohort=cohort, route=p.route, candidate_number=clean_candidate(p.row.candidate_number))
        for u, p in zip(users, planned, strict=True)
    )
    StudentRecord.objects.bulk_create(
        StudentRecord(student=st, ine=clean_ine(p.row.ine), siecle_id=p.row.siecle_id, birth_name=p.row.birth_name)
        for st, p in zip(students, planned, strict=True)
        if p.row.ine or p.row.siecle_id or p.row.birth_name
    )
    generations.changed(Student)  # bulk_create sends no post_save
    entries = []
    for student, p in zip(students, planned, strict=True):
        user = student.user
        fields = {
            "last_name": ["", user.last_name],
            "first_name": ["", user.first_name],
            "email": ["", user.email],
            "candidate_number": ["", student.candidate_number],
            "route": ["", student.route],
            "cohort": ["", cohort.name],
            "ine": ["", clean_ine(p.row.ine)],
            "birth_name": ["", p.row.birth_name],
        }
        entries.append(_student_entry(student, "created", {k: v for k, v in fields.items() if v[1]}))
    return entries


def _update_student(cohort: Cohort, planned: PlannedRow) -> dict[str, Any]:
    """Apply the row to its student; return the audit line: each field changed, old → new."""
    student, row = planned.student, planned.row
    if student is None:
        raise ValueError("Une mise à jour porte toujours sur un étudiant existant.")
    user = student.user
    fields: dict[str, list[str]] = {}

    def put(obj: Any, name: str, new: Any, shown_old: str | None = None, shown_new: str | None = None) -> None:
        old = getattr(obj, name)
        if old != new:
            fields[name] = [shown_old if shown_old is not None else old, shown_new if shown_new is not None else new]
            setattr(obj, name, new)

    put(user, "last_name", row.last_name)
    put(user, "first_name", row.first_name)
    if row.email and planned.email_allowed and user.email.lower() != row.email.lower():
        put(user, "email", row.email.lower())
    record = record_of(student) or StudentRecord(student=student)
    if record.archived_at is not None:
        put(record, "archived_at", None, "archivé·e", "")
        record.left_on = None
        put(user, "is_active", True)
    user.save(update_fields=["last_name", "first_name", "email", "is_active"])
    if row.ine:
        put(record, "ine", clean_ine(row.ine))
    if row.siecle_id:
        put(record, "siecle_id", row.siecle_id)
    if row.birth_name:
        put(record, "birth_name", row.birth_name)
    if record.pk is not None or record.ine or record.siecle_id or record.birth_name:
        record.save()
    number = clean_candidate(row.candidate_number)
    if number:
        put(student, "candidate_number", number)
    put(student, "route", planned.route)
    put(student, "cohort_id", cohort.pk, student.cohort.name, cohort.name)
    student.cohort = cohort
    student.save(update_fields=["candidate_number", "route", "cohort"])
    return _student_entry(student, "updated", {("cohort" if k == "cohort_id" else k): v for k, v in fields.items()})


def _archive_student(leaving: Leaving) -> dict[str, Any]:
    """Archive a student who left: the account is closed and marked; the passeport, fiches, dossiers stay."""
    student = leaving.student
    record = student.record
    record.archived_at = timezone.now()
    record.save(update_fields=["archived_at"])
    student.user.is_active = False
    student.user.save(update_fields=["is_active"])
    return _student_entry(student, "archived", {"archived_at": ["", record.archived_at.isoformat()]}) | {
        "reason": leaving.reason
    }


def _student_entry(student: Student, action: str, fields: dict[str, list[str]]) -> dict[str, Any]:
    return {"student_id": student.pk, "student": student.user.display_name, "action": action, "fields": fields}


def _kept_entry(planned: PlannedRow) -> dict[str, Any]:
    student = planned.student
    return {
        "line": planned.row.line,
        "student_id": student.pk if student else None,
        "student": student.user.display_name if student else "",
        "field": "email",
        "old": student.user.email if student else "",
        "proposed": planned.row.email.lower(),
        "reason": EMAIL_KEPT,
    }


def _username_base(row: RawRow) -> str:
    def part(value: str) -> str:
        value = value.translate(LIGATURES)
        ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
        return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")

    base = ".".join(p for p in (part(row.first_name), part(row.last_name)) if p)
    return base[:60] or "etudiant"


def _usernames_like(bases: list[str]) -> set[str]:
    """Usernames already starting with one of ``bases``, queried in chunks to stay under SQL expression limits."""
    unique = sorted(set(bases))
    taken: set[str] = set()
    for start in range(0, len(unique), 200):
        query = reduce(or_, (Q(username__istartswith=b) for b in unique[start : start + 200]))
        taken.update(u.lower() for u in User.objects.filter(query).values_list("username", flat=True))
    return taken


def _free_username(base: str, taken: set[str]) -> str:
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}{n}"
    taken.add(candidate)
    return candidate
