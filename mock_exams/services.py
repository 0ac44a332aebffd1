"""Every change of a CCF blanc: one function per action, in a transaction, with its audit entry.

Guards: nothing changes once the blanc is published (it is then the student's training record); a grid or fiche
sujet sent from an older version is refused (``Conflict``), so a stale tab or a double click never overwrites a
newer save. Publishing is a conditional UPDATE: two clicks publish once and create the passeport rows once.

Nothing here writes a certifying row: the only row written outside this app is the passeport's formative
assessment (labelled « CCF blanc »), through the passeport's own service.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Cohort, User
from audit.services import log_action
from certification.commissions.services.subject_definition import subject_definition
from certification.commissions.services.subjects import _prefill
from lib.refusals import Conflict, Refused
from mock_exams.models import BLANC_LABEL, MockCandidate, MockExam, MockExamState, MockGridLine
from mock_exams.situations import SituationChoice, has_subject_sheet
from passeport.models import Fiche
from passeport.rubrics import fiche_definition
from passeport.services.followup import create_formative_assessment
from referentiel.models import Criterion, Level

PUBLISHED = "Cette épreuve blanche est publiée : elle ne se modifie plus."
STALE = (
    "Cette page a été modifiée entre-temps (autre onglet ou double envoi) : rien n'a été enregistré. "
    "Rechargez la page pour repartir de la dernière version."
)
ALREADY_EXISTS = "Cette classe a déjà une épreuve blanche de cette situation à cette date : rien n'a été créé."
NO_LEVEL = "Positionnez le ou la candidat·e sur au moins un critère avant d'enregistrer la grille blanche."


class MockExamRefused(Refused):
    pass


class StaleMockForm(MockExamRefused, Conflict):
    def __init__(self, message: str = STALE) -> None:
        super().__init__(message)


def _establishment(mock_exam: MockExam) -> int:
    return mock_exam.cohort.establishment_id


def _editable(candidate: MockCandidate, expected_version: int) -> MockCandidate:
    """The candidate row locked for update, refused when published or changed since ``expected_version``."""
    locked = MockCandidate.objects.select_for_update().get(pk=candidate.pk)
    if MockExam.objects.filter(pk=candidate.mock_exam_id, state=MockExamState.PUBLISHED).exists():
        raise MockExamRefused(PUBLISHED)
    if locked.version != expected_version:
        raise StaleMockForm()
    return locked


def create_mock_exam(*, cohort: Cohort, situation: SituationChoice, held_on: datetime.date, actor: User) -> MockExam:
    """A blanc for every student of ``cohort`` on ``situation`` (refused when the same one exists that day)."""
    same = {"cohort": cohort, "exam": situation.exam, "situation_code": situation.code, "held_on": held_on}
    with transaction.atomic():
        if MockExam.objects.filter(**same).exists():
            raise MockExamRefused(ALREADY_EXISTS)
        try:
            with transaction.atomic():
                mock_exam = MockExam.objects.create(**same, title=situation.title, created_by=actor)
        except IntegrityError:  # the same form sent twice at once: the other request created it
            raise MockExamRefused(ALREADY_EXISTS) from None
        MockCandidate.objects.bulk_create(
            MockCandidate(mock_exam=mock_exam, student=student) for student in cohort.students.all()
        )
        log_action(
            "mock_exam.created",
            actor=actor,
            obj=mock_exam,
            establishment_id=cohort.establishment_id,
            changes={
                "cohort": cohort.pk,
                "exam": situation.exam.pk,
                "situation": situation.code,
                "held_on": str(held_on),
            },
        )
    return mock_exam


def fiche_texts(fiche: Fiche) -> dict[str, str]:
    """The fiche's current text by rubric code: the recto and its first verso."""
    verso = fiche.versos.order_by("order").first()
    return {**((verso.content if verso else {}) or {}), **(fiche.recto or {})}


def prefilled_subject(fiche: Fiche, forms_session: int) -> dict[str, str]:
    """The candidate part of the fiche sujet pre-filled from ``fiche`` (the certifying fiche sujet's own rule)."""
    labels = {rubric.code: rubric.label for rubric in fiche_definition(fiche.forms_session, fiche.exam.code).rubrics}
    return _prefill(subject_definition(forms_session).candidate, fiche_texts(fiche), labels)


def save_subject(
    *,
    candidate: MockCandidate,
    fiche: Fiche,
    texts: dict[str, str],
    expected_version: int,
    actor: User,
) -> bool:
    """Save the fiche used and, for a situation with a fiche sujet, its texts. Returns True when the fiche changed:
    the texts are then pre-filled from the new fiche (the submitted texts were written for another fiche) for the
    teacher to change the parameters."""
    mock_exam = candidate.mock_exam
    with transaction.atomic():
        locked = _editable(candidate, expected_version)
        refilled = locked.fiche_id != fiche.pk
        if refilled:
            with_subject = has_subject_sheet(mock_exam.exam, mock_exam.situation_code)
            forms_session = mock_exam.cohort.exam_session.forms_session
            locked.originals = prefilled_subject(fiche, forms_session) if with_subject else {}
            locked.subject = dict(locked.originals)
            # The grid was positioned for the previous fiche (its kind may set other compétences): start again.
            MockGridLine.objects.filter(candidate=locked).delete()
            locked.graded_at = locked.graded_by = None
        else:
            locked.subject = {code: text for code, text in texts.items() if code in locked.originals or text}
        locked.fiche = fiche
        locked.version += 1
        locked.save(update_fields=["fiche", "originals", "subject", "version", "graded_at", "graded_by"])
        changed = sorted(code for code, text in locked.subject.items() if text != locked.originals.get(code, ""))
        log_action(
            "mock_exam.subject_saved",
            actor=actor,
            obj=mock_exam,
            establishment_id=_establishment(mock_exam),
            changes={"candidate": locked.pk, "fiche": fiche.pk, "changed_rubrics": changed, "refilled": refilled},
        )
    candidate.fiche, candidate.subject, candidate.originals = fiche, locked.subject, locked.originals
    candidate.version = locked.version
    return refilled


def plan_passages(*, mock_exam: MockExam, times: dict[int, datetime.datetime | None], actor: User) -> int:
    """Set the passage time of the candidates ``times`` names (by candidate id). Returns how many changed."""
    with transaction.atomic():
        if MockExam.objects.filter(pk=mock_exam.pk, state=MockExamState.PUBLISHED).exists():
            raise MockExamRefused(PUBLISHED)
        changed = {}
        for candidate in MockCandidate.objects.select_for_update().filter(mock_exam=mock_exam, pk__in=times):
            if candidate.starts_at != times[candidate.pk]:
                candidate.starts_at = times[candidate.pk]
                candidate.save(update_fields=["starts_at"])
                changed[str(candidate.pk)] = candidate.starts_at.isoformat() if candidate.starts_at else None
        if changed:
            log_action(
                "mock_exam.planned",
                actor=actor,
                obj=mock_exam,
                establishment_id=_establishment(mock_exam),
                changes={"starts_at": changed},
            )
    return len(changed)


def save_grid(
    *,
    candidate: MockCandidate,
    levels: dict[Criterion, Level | None],
    comment: str,
    expected_version: int,
    actor: User,
) -> MockCandidate:
    """Replace the blanc grid's positions and the jury's comment."""
    positions = {criterion: level for criterion, level in levels.items() if level is not None}
    if not positions:
        raise MockExamRefused(NO_LEVEL)
    mock_exam = candidate.mock_exam
    with transaction.atomic():
        locked = _editable(candidate, expected_version)
        MockGridLine.objects.filter(candidate=locked).delete()
        MockGridLine.objects.bulk_create(
            MockGridLine(candidate=locked, criterion=criterion, level=level) for criterion, level in positions.items()
        )
        locked.comment, locked.graded_at, locked.graded_by = comment, timezone.now(), actor
        locked.version += 1
        locked.save(update_fields=["comment", "graded_at", "graded_by", "version"])
        log_action(
            "mock_exam.graded",
            actor=actor,
            obj=mock_exam,
            establishment_id=_establishment(mock_exam),
            changes={"candidate": locked.pk, "positions": {str(c.pk): lv.code for c, lv in positions.items()}},
        )
    candidate.version, candidate.comment = locked.version, comment
    return candidate


def _passeport_date(mock_exam: MockExam, candidate: MockCandidate) -> datetime.date:
    if candidate.starts_at is not None:
        return timezone.localdate(candidate.starts_at)
    return mock_exam.held_on


def publish_mock_exam(*, mock_exam: MockExam, actor: User) -> int | None:
    """Open the graded blancs to their students and copy their levels into the passeport as formative
    assessments labelled « CCF blanc ». Returns how many were copied; ``None`` when already published."""
    with transaction.atomic():
        now = timezone.now()
        updated = MockExam.objects.filter(pk=mock_exam.pk, state=MockExamState.DRAFT).update(
            state=MockExamState.PUBLISHED, published_at=now, published_by=actor
        )
        if not updated:
            return None
        mock_exam.state, mock_exam.published_at, mock_exam.published_by = MockExamState.PUBLISHED, now, actor
        graded = (
            MockCandidate.objects.filter(mock_exam=mock_exam, graded_at__isnull=False, fiche__isnull=False)
            .select_related("student__cohort", "fiche")
            .prefetch_related("lines__criterion", "lines__level")
        )
        copied = []
        for candidate in graded:
            assessment = create_formative_assessment(
                student=candidate.student,
                assessor=candidate.graded_by or actor,
                assessed_on=_passeport_date(mock_exam, candidate),
                positions={line.criterion: line.level for line in candidate.lines.all()},
                fiche=candidate.fiche,
                comment=candidate.comment,
                label=BLANC_LABEL,
            )
            candidate.formative = assessment
            candidate.save(update_fields=["formative"])
            copied.append(candidate.pk)
        log_action(
            "mock_exam.published",
            actor=actor,
            obj=mock_exam,
            establishment_id=_establishment(mock_exam),
            changes={"state": [MockExamState.DRAFT, MockExamState.PUBLISHED], "copied_to_passeport": copied},
        )
    return len(copied)
