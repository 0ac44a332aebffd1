"""The fiches of a cohort and their version history, as the editor produces them: created empty (version 1), filled
in (version 2), then revised once or twice — each step a ``FicheVersion`` snapshot and an audit entry.

Two writers give the same rows (``dataset/tests/test_fiche_writers.py`` compares them, version history included):

- ``write_through_services`` calls ``passeport.services.fiches.create_fiche`` then ``save_fiche`` for each step:
  about 30 queries a fiche. The default for the small presets.
- ``write_in_bulk`` writes the same fiches, versos, snapshots and audit entries with one ``bulk_create`` each per
  cohort. For the académie preset (9,600 fiches, 33,500 versions) the services would add about 140 s on SQLite and
  400 s on PostgreSQL (57 and 170 ms a student, measured on the small preset on this loaded 2-core machine), which
  breaks the 10-minute budget on PostgreSQL; the rows they would write are plain training traces with no workflow
  rule on them (the optimistic-locking check of ``save_fiche`` cannot fail on a fiche nobody else edits).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from accounts.models import Student
from audit.models import AuditEntry
from dataset import texts
from dataset.spec import FICHE_KINDS, Reference, Spec, rng_for
from passeport.models import Activity, Fiche, FicheVersion, FicheVerso
from passeport.rubrics import fiche_definition
from passeport.services.fiches import create_fiche, save_fiche
from referentiel.exams import fiche_rules
from referentiel.models import FicheKind


@dataclass
class FichePlan:
    """One fiche to write: on which activity, which kind, and its content after each save (oldest first)."""

    student: Student
    activity: Activity
    kind: FicheKind
    title: str
    real_lived: bool | None
    saves: list[tuple[dict[str, str], list[dict[str, str]]]] = field(default_factory=list)


def _content(ref: Reference, rng: random.Random, exam_code: str, org: str) -> tuple[dict, list[dict]]:
    form = fiche_definition(ref.session.forms_session, exam_code)
    recto = {r.code: texts.rubric_text(rng, r.code, org) for r in form.part("recto")}
    versos = [{r.code: texts.rubric_text(rng, r.code, org) for r in form.part("verso")}] if form.has_verso else []
    return recto, versos


def _revised(rng: random.Random, part: dict) -> dict:
    codes = rng.sample(sorted(part), k=min(len(part), rng.randint(2, 4)))
    return {code: texts.revise(rng, text) if code in codes else text for code, text in part.items()}


def plan_fiches(ref: Reference, spec: Spec, seed: int, student: Student, activities: list[Activity]) -> list[FichePlan]:
    rng = rng_for(seed, "fiches", student.user.username)
    plans = []
    first_e6 = True
    for index in range(spec.fiches):
        kind = ref.kinds[FICHE_KINDS[index % len(FICHE_KINDS)]]
        real_lived = None
        if fiche_rules(kind.exam).real_lived:
            # E6 asks for at least one « réelle vécue » experience: the first such fiche is one.
            real_lived, first_e6 = (True if first_e6 else rng.random() < 0.5), False
        activity = activities[index]
        plan = FichePlan(student, activity, kind, activity.title.strip(), real_lived)
        recto, versos = _content(ref, rng, kind.exam.code, activity.organisation)
        plan.saves.append((recto, versos))
        for _ in range(rng.randint(1, 2)):
            recto = _revised(rng, recto)
            versos = [_revised(rng, verso) for verso in versos]
            plan.saves.append((recto, versos))
        plans.append(plan)
    return plans


def write_through_services(plans: list[FichePlan]) -> dict[int, list[Fiche]]:
    by_student: dict[int, list[Fiche]] = {}
    for plan in plans:
        author = plan.student.user
        fiche = create_fiche(
            activity=plan.activity, author=author, kind=plan.kind, title=plan.title, real_lived=plan.real_lived
        )
        for recto, versos in plan.saves:
            fiche = save_fiche(
                fiche=fiche, author=author, base_version=fiche.version, title=plan.title, recto=recto, versos=versos
            ).fiche
        by_student.setdefault(plan.student.pk, []).append(fiche)
    return by_student


def _changed(old: tuple[dict, list[dict]], new: tuple[dict, list[dict]]) -> list[str]:
    """The rubrics ``save_fiche`` lists in its audit entry: recto codes, then « verso N : code »."""
    changed = [code for code, text in new[0].items() if text != old[0].get(code, "")]
    for order, (old_verso, new_verso) in enumerate(zip(old[1], new[1], strict=False), start=1):
        changed += [f"verso {order} : {code}" for code, text in new_verso.items() if text != old_verso.get(code, "")]
    return changed


def write_in_bulk(ref: Reference, plans: list[FichePlan], establishment_id: int) -> dict[int, list[Fiche]]:
    """The rows ``write_through_services`` would write, in a handful of queries."""
    numbers: dict[tuple[int, str], int] = {}
    fiches = []
    for plan in plans:
        exam = plan.kind.exam
        key = (plan.student.pk, exam.code)
        numbers[key] = numbers.get(key, 0) + 1
        recto, _ = plan.saves[-1]
        fiches.append(
            Fiche(
                student=plan.student,
                activity=plan.activity,
                exam=exam,
                kind=plan.kind,
                forms_session=ref.session.forms_session,
                number=numbers[key],
                title=plan.title,
                real_lived=plan.real_lived if fiche_rules(exam).real_lived else None,
                recto=recto,
                version=1 + len(plan.saves),
            )
        )
    Fiche.objects.bulk_create(fiches)
    versos, versions, audit = [], [], []
    for fiche, plan in zip(fiches, plans, strict=True):
        form = fiche_definition(fiche.forms_session, fiche.exam.code)
        empty = (
            {r.code: "" for r in form.part("recto")},
            [{r.code: "" for r in form.part("verso")}] if form.has_verso else [],
        )
        versos += [
            FicheVerso(fiche=fiche, order=order, content=c) for order, c in enumerate(plan.saves[-1][1], start=1)
        ]
        author = plan.student.user
        entry = _entry_maker(fiche, author, establishment_id)
        versions.append(
            FicheVersion(fiche=fiche, number=1, title=fiche.title, recto=empty[0], versos=empty[1], author=author)
        )
        audit.append(
            entry(
                "fiche.created",
                {
                    "exam": fiche.exam.code,
                    "kind": plan.kind.label,
                    "number": fiche.number,
                    "activity": plan.activity.pk,
                },
            )
        )
        previous = empty
        for number, content in enumerate(plan.saves, start=2):
            versions.append(
                FicheVersion(
                    fiche=fiche, number=number, title=fiche.title, recto=content[0], versos=content[1], author=author
                )
            )
            audit.append(
                entry("fiche.saved", {"version": [number - 1, number], "rubriques": _changed(previous, content)})
            )
            previous = content
    FicheVerso.objects.bulk_create(versos)
    FicheVersion.objects.bulk_create(versions)
    AuditEntry.objects.bulk_create(audit)
    by_student: dict[int, list[Fiche]] = {}
    for fiche in fiches:
        by_student.setdefault(fiche.student_id, []).append(fiche)
    return by_student


def _entry_maker(fiche: Fiche, author, establishment_id: int):
    def entry(action: str, changes: dict) -> AuditEntry:
        return AuditEntry(
            actor=author,
            actor_repr=author.display_name,
            establishment_id=establishment_id,
            action=action,
            object_type=fiche._meta.label_lower,
            object_id=str(fiche.pk),
            object_repr=str(fiche)[:300],
            changes=changes,
        )

    return entry
