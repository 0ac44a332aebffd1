"""Composition defects of a dossier: flagged to the student and the commission, never blocking.

A missing fiche, two fiches of the same kind, a fiche outside the exam… are not non-conformity (domain §5): the
candidate is assessed and the commission takes the defects into account in the grid. Nothing here refuses a save
or a deposit; the commission pages call ``composition_defects`` too, so keep its name, place and shape stable.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from certification.dossiers.models import Dossier
from passeport.models import Fiche, InternshipPeriod
from referentiel.models import Exam, ExamRule, FicheKind

NOT_BLOCKING = "Défauts de composition : ils ne bloquent pas le dépôt, la commission en tiendra compte dans la grille."

MISSING_FICHE = "missing_fiche"
MISSING_KIND = "missing_kind"
DUPLICATE_KIND = "duplicate_kind"
TOO_MANY_FICHES = "too_many_fiches"
REAL_LIVED_MISSING = "real_lived_missing"
FICHE_OUTSIDE_EXAM = "fiche_outside_exam"
NO_ATTESTATION = "no_attestation"
ATTESTATION_FILE_MISSING = "attestation_file_missing"


@dataclass(frozen=True)
class Defect:
    code: str  # one of the constants above
    message: str  # French, shown as is


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def selection_defects(
    *, exam: Exam, rule: ExamRule | None, fiches: Sequence[Fiche], internships: Sequence[InternshipPeriod]
) -> list[Defect]:
    """The defects of a selection: ``fiches`` has one entry per fiche of the dossier (an E4 fiche chosen with two
    of its versos appears twice), ``internships`` the periods whose attestations are joined.

    Pure: no query beyond the exam's kinds (prefetch ``exam.fiche_kinds`` to avoid even that).
    """
    defects = [_outside(exam, fiche) for fiche in fiches if fiche.exam_id != exam.pk]
    inside = [fiche for fiche in fiches if fiche.exam_id == exam.pk]
    if rule is not None:
        defects += _count_defects(exam, rule, inside)
        if rule.one_fiche_per_kind:
            defects += _kind_defects(exam, inside)
        defects += _real_lived_defects(exam, rule, inside)
    defects += _attestation_defects(internships)
    return defects


def composition_defects(dossier: Dossier) -> list[Defect]:
    """The defects of a saved dossier (draft or submitted); an unsaved dossier counts as an empty selection."""
    rule = ExamRule.objects.filter(session_id=dossier.session_id, exam_id=dossier.exam_id).first()
    if dossier.pk is None:
        fiches, internships = [], []
    else:
        fiches = [item.fiche for item in dossier.items.select_related("fiche__kind").order_by("order", "pk")]
        internships = [
            a.internship for a in dossier.attestations.select_related("internship__official_attestation").order_by("pk")
        ]
    return selection_defects(exam=dossier.exam, rule=rule, fiches=fiches, internships=internships)


def _outside(exam: Exam, fiche: Fiche) -> Defect:
    return Defect(
        FICHE_OUTSIDE_EXAM,
        f"La fiche « {fiche.title} » relève d'une autre épreuve que l'épreuve {exam.code} : "
        "elle est hors du champ du dossier.",
    )


def _count_defects(exam: Exam, rule: ExamRule, fiches: Sequence[Fiche]) -> list[Defect]:
    count, required = len(fiches), rule.fiches_required
    if count < required:
        return [
            Defect(
                MISSING_FICHE,
                f"{exam.code} : {_plural(count, 'fiche')} dans le dossier pour {required} attendues "
                f"(il manque {_plural(required - count, 'fiche')}).",
            )
        ]
    if count > required:
        return [
            Defect(
                TOO_MANY_FICHES,
                f"{exam.code} : {count} fiches dans le dossier, pour {required} attendues.",
            )
        ]
    return []


def _kind_defects(exam: Exam, fiches: Sequence[Fiche]) -> list[Defect]:
    kinds: list[FicheKind] = list(exam.fiche_kinds.all())
    counts = Counter(fiche.kind_id for fiche in fiches)
    defects = []
    for kind in kinds:
        if counts[kind.pk] > 1:
            defects.append(
                Defect(
                    DUPLICATE_KIND,
                    f"{exam.code} : {counts[kind.pk]} fiches de même nature « {kind.label} » ; "
                    "les fiches doivent être de nature différente.",
                )
            )
        elif counts[kind.pk] == 0:
            defects.append(Defect(MISSING_KIND, f"{exam.code} : aucune fiche de nature « {kind.label} »."))
    return defects


def _real_lived_defects(exam: Exam, rule: ExamRule, fiches: Sequence[Fiche]) -> list[Defect]:
    real_lived = sum(1 for fiche in fiches if fiche.real_lived)
    if real_lived >= rule.real_lived_minimum:
        return []
    if real_lived == 0:
        message = f"{exam.code} : aucune fiche ne décrit une activité « réelle vécue »"
    else:
        message = f"{exam.code} : {_plural(real_lived, 'fiche')} « réelle(s) vécue(s) »"
    return [Defect(REAL_LIVED_MISSING, f"{message} ({rule.real_lived_minimum} au minimum).")]


def _attestation_defects(internships: Sequence[InternshipPeriod]) -> list[Defect]:
    if not internships:
        return [
            Defect(
                NO_ATTESTATION,
                "Aucune période en entreprise n'est jointe au dossier : sans attestation de stage ou certificat "
                "de travail, le dossier risque d'être déclaré non conforme.",
            )
        ]
    return [
        Defect(
            ATTESTATION_FILE_MISSING,
            f"La période chez {period.organisation} (du {period.start_date:%d/%m/%Y} au {period.end_date:%d/%m/%Y}) "
            "n'a pas son attestation (fichier manquant).",
        )
        for period in internships
        if not period.has_attestation
    ]
