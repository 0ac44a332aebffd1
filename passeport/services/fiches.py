"""Writes on fiches: creation, saving with optimistic locking, versos, restoring a version.

Nothing a student types is ever thrown away: a save based on a stale version (another tab, another device, a
double submit) does not overwrite the fiche, it is stored as a conflict copy in the version history.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Student, User
from audit.services import log_action
from passeport.models import Activity, Fiche, FicheVersion, FicheVerso
from passeport.rubrics import fiche_definition
from referentiel.exams import fiche_rules
from referentiel.models import FicheKind

# Autosaves of one author within this window update one snapshot instead of adding one per keystroke batch.
AUTOSAVE_COALESCE = datetime.timedelta(minutes=2)

SAVED = "saved"
UNCHANGED = "unchanged"
CONFLICT = "conflict"


@dataclass(frozen=True)
class SaveResult:
    status: str  # SAVED, UNCHANGED (already saved: nothing to write) or CONFLICT
    fiche: Fiche
    snapshot: FicheVersion | None = None  # the version written, or the conflict copy

    @property
    def is_conflict(self) -> bool:
        return self.status == CONFLICT

    @property
    def version(self) -> int:
        return self.fiche.version


def normalise_text(value: object) -> str:
    # Browsers submit textareas with CRLF line endings; compare and store one form only.
    return str(value or "").replace("\r\n", "\n").replace("\r", "\n")


def _clean_part(fiche: Fiche, part: str, content: Mapping[str, object] | None) -> dict[str, str]:
    """Every rubric of the part, in the official order; unknown codes are dropped."""
    form = fiche_definition(fiche.forms_session, fiche.exam.code)
    content = content or {}
    return {r.code: normalise_text(content.get(r.code, "")) for r in form.part(part)}


def _lock(fiche: Fiche) -> Fiche:
    return Fiche.objects.select_for_update(of=("self",)).select_related("exam", "student__cohort").get(pk=fiche.pk)


def _versos_of(fiche: Fiche) -> list[FicheVerso]:
    return list(FicheVerso.objects.filter(fiche=fiche).order_by("order"))


def _snapshot_versos(fiche: Fiche, versos: Sequence[FicheVerso]) -> list[dict[str, str]]:
    return [_clean_part(fiche, "verso", v.content) for v in versos]


def _same_content(
    fiche: Fiche, versos: Sequence[FicheVerso], title: str, recto: dict[str, str], new_versos: list[dict[str, str]]
) -> bool:
    if title != fiche.title or recto != _clean_part(fiche, "recto", fiche.recto):
        return False
    current = _snapshot_versos(fiche, versos)
    return all(new == old for new, old in zip(new_versos, current, strict=False))


def _same_header(fiche: Fiche, kind: FicheKind | None, real_lived: bool | None) -> bool:
    kind_same = kind is None or kind.pk == fiche.kind_id
    lived_same = real_lived is None or not fiche_rules(fiche.exam).real_lived or real_lived == fiche.real_lived
    return kind_same and lived_same


def _audit(action: str, fiche: Fiche, author: User, changes: dict[str, Any]) -> None:
    log_action(action, actor=author, obj=fiche, changes=changes)


@transaction.atomic
def create_fiche(
    *, activity: Activity, author: User, kind: FicheKind, title: str, real_lived: bool | None = None
) -> Fiche:
    """A new fiche on the student's activity, numbered after the student's other fiches of the same exam."""
    student = (
        Student.objects.select_for_update(of=("self",))
        .select_related("cohort__exam_session")
        .get(pk=activity.student_id)
    )
    exam = kind.exam
    last = Fiche.objects.filter(student=student, exam=exam).aggregate(last=Max("number"))["last"] or 0
    form = fiche_definition(student.cohort.exam_session.forms_session, exam.code)
    fiche = Fiche.objects.create(
        student=student,
        activity=activity,
        exam=exam,
        kind=kind,
        forms_session=student.cohort.exam_session.forms_session,
        number=last + 1,
        title=title.strip(),
        real_lived=real_lived if fiche_rules(exam).real_lived else None,
        recto={r.code: "" for r in form.part("recto")},
    )
    if form.has_verso:
        FicheVerso.objects.create(fiche=fiche, order=1, content={r.code: "" for r in form.part("verso")})
    _new_snapshot(fiche, author, autosave=False)
    _audit(
        "fiche.created",
        fiche,
        author,
        {"exam": exam.code, "kind": kind.label, "number": fiche.number, "activity": activity.pk},
    )
    return fiche


def _new_snapshot(fiche: Fiche, author: User, *, autosave: bool) -> FicheVersion:
    return FicheVersion.objects.create(
        fiche=fiche,
        number=fiche.version,
        title=fiche.title,
        recto=_clean_part(fiche, "recto", fiche.recto),
        versos=_snapshot_versos(fiche, _versos_of(fiche)),
        author=author,
        is_autosave=autosave,
    )


def _autosave_snapshot(fiche: Fiche, author: User) -> FicheVersion:
    """Update the author's recent autosave snapshot when it is still the newest row; else add one."""
    latest = FicheVersion.objects.filter(fiche=fiche).order_by("-created_at", "-pk").first()
    recent = latest is not None and timezone.now() - latest.created_at < AUTOSAVE_COALESCE
    if (
        latest is not None
        and recent
        and latest.is_autosave
        and not latest.is_conflict
        and latest.author_id == author.pk
    ):
        latest.number = fiche.version
        latest.title = fiche.title
        latest.recto = _clean_part(fiche, "recto", fiche.recto)
        latest.versos = _snapshot_versos(fiche, _versos_of(fiche))
        latest.save(update_fields=["number", "title", "recto", "versos"])
        return latest
    return _new_snapshot(fiche, author, autosave=True)


def _keep_conflict_copy(
    fiche: Fiche, author: User, base_version: int, title: str, recto: dict[str, str], versos: list[dict[str, str]]
) -> FicheVersion:
    copy = FicheVersion.objects.create(
        fiche=fiche,
        number=base_version,
        title=title[:200],
        recto=recto,
        versos=versos,
        author=author,
        is_conflict=True,
    )
    _audit("fiche.conflict", fiche, author, {"base_version": base_version, "current_version": fiche.version})
    return copy


def _write(
    fiche: Fiche,
    versos: list[FicheVerso],
    title: str,
    recto: dict[str, str],
    new_versos: list[dict[str, str]],
    header: dict[str, Any],
) -> list[str]:
    """Apply the submitted content; returns the codes of the rubrics that changed (for the audit log)."""
    changed = [code for code, text in recto.items() if text != normalise_text(fiche.recto.get(code, ""))]
    for verso, content in zip(versos, new_versos, strict=False):
        old = _clean_part(fiche, "verso", verso.content)
        if content != old:
            changed += [f"verso {verso.order} : {code}" for code, text in content.items() if text != old[code]]
            verso.content = content
            verso.save(update_fields=["content"])
    if title != fiche.title:
        changed.append("titre")
    fiche.title = title
    fiche.recto = recto
    fields = ["title", "recto", "version", "updated_at"]
    if header.get("kind") is not None and header["kind"].pk != fiche.kind_id:
        fiche.kind = header["kind"]
        fields.append("kind")
        changed.append("nature")
    lived = header.get("real_lived")
    if fiche_rules(fiche.exam).real_lived and lived is not None and lived != fiche.real_lived:
        fiche.real_lived = header["real_lived"]
        fields.append("real_lived")
        changed.append("activité réelle vécue")
    fiche.version += 1
    fiche.save(update_fields=fields)
    return changed


@transaction.atomic
def save_fiche(
    *,
    fiche: Fiche,
    author: User,
    base_version: int,
    title: str,
    recto: Mapping[str, object],
    versos: Sequence[Mapping[str, object]],
    autosave: bool = False,
    kind: FicheKind | None = None,
    real_lived: bool | None = None,
) -> SaveResult:
    """Save the editor's content if it was based on the current version; never block on the page fit.

    (The fit check is advice. The rubric length limit, far above any printable text, is the editor form's:
    passeport.forms_fiches.MaxRubricLength; a restored version is stored text, saved as it is.)

    ``versos`` follow the fiche's versos in order; a shorter list leaves the remaining versos as they are.
    A stale ``base_version`` never overwrites: the content is kept as a conflict copy, unless it is exactly what is
    already saved (a double submit), which counts as saved.
    """
    locked = _lock(fiche)
    current_versos = _versos_of(locked)
    title = normalise_text(title).strip() or locked.title
    clean_recto = _clean_part(locked, "recto", recto)
    clean_versos = [_clean_part(locked, "verso", v) for v in versos][: len(current_versos)]
    same = _same_content(locked, current_versos, title, clean_recto, clean_versos)
    same = same and _same_header(locked, kind, real_lived)
    if base_version != locked.version:
        if same:
            return SaveResult(UNCHANGED, locked)
        submitted_versos = [_clean_part(locked, "verso", v) for v in versos]
        copy = _keep_conflict_copy(locked, author, base_version, title, clean_recto, submitted_versos)
        return SaveResult(CONFLICT, locked, copy)
    if same and autosave:
        return SaveResult(UNCHANGED, locked)
    old_version = locked.version
    changed = _write(locked, current_versos, title, clean_recto, clean_versos, {"kind": kind, "real_lived": real_lived})
    if autosave:
        return SaveResult(SAVED, locked, _autosave_snapshot(locked, author))
    snapshot = _new_snapshot(locked, author, autosave=False)
    _audit("fiche.saved", locked, author, {"version": [old_version, locked.version], "rubriques": changed})
    return SaveResult(SAVED, locked, snapshot)


@transaction.atomic
def add_verso(*, fiche: Fiche, author: User) -> FicheVerso:
    """A new, empty verso: a second verso is a different conceptualisation, so nothing is copied."""
    locked = _lock(fiche)
    if not fiche_definition(locked.forms_session, locked.exam.code).has_verso:
        raise ValueError("Seules les fiches E4 ont un verso.")
    last = FicheVerso.objects.filter(fiche=locked).aggregate(last=Max("order"))["last"] or 0
    form = fiche_definition(locked.forms_session, locked.exam.code)
    verso = FicheVerso.objects.create(fiche=locked, order=last + 1, content={r.code: "" for r in form.part("verso")})
    # The structure changed: an editor opened before must not save over it without noticing.
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    _new_snapshot(locked, author, autosave=False)
    _audit("fiche.verso_added", locked, author, {"verso": verso.order, "version": locked.version})
    return verso


@transaction.atomic
def restore_fiche_version(*, fiche: Fiche, version: FicheVersion, author: User, base_version: int) -> SaveResult:
    """Make an earlier version (or a conflict copy) the current text, as a new version."""
    locked = _lock(fiche)
    if base_version != locked.version:
        # The text to restore is already stored in the history: no need for another conflict copy.
        return SaveResult(CONFLICT, locked, version)
    result = save_fiche(
        fiche=locked,
        author=author,
        base_version=base_version,
        title=version.title,
        recto=version.recto,
        versos=version.versos,
    )
    _audit("fiche.restored", result.fiche, author, {"from_version": version.number, "version": result.version})
    return result
