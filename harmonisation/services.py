"""Writes of the harmonisation: each in a transaction, each audited. None of them writes a mark: the inspector asks,
the commission answers (a justification, or a reopening through ``certification.evaluation.services.lifecycle``)."""

from django.db import transaction
from django.utils import timezone

from accounts.models import Academie, Establishment, Student, User
from audit.services import log_action
from certification.evaluation.services import freezing, lifecycle
from certification.models import CandidateResult, Commission
from harmonisation import dispatches
from harmonisation.models import AnswerKind, HarmonisationRequest, MarksDispatch
from lib.refusals import Refused
from referentiel.models import Exam, ExamSession


class HarmonisationRefused(Refused):
    """Bad input or a step out of order: the French message says why; nothing was changed."""


def log_candidate_access(*, actor: User, result: CandidateResult) -> None:
    """The inspector opened a candidate's file: recorded in the establishment's log."""
    with transaction.atomic():
        log_action(
            "harmonisation.candidate_opened",
            actor=actor,
            obj=result,
            changes={"student_id": result.student_id, "commission_id": result.commission_id},
        )


def log_export(*, actor: User, academie: Academie, filename: str) -> None:
    with transaction.atomic():
        log_action("harmonisation.marks_exported", actor=actor, obj=academie, changes={"filename": filename})


def ask_review(
    *, actor: User, commission: Commission, reason: str, student: Student | None = None, profile_key: str = ""
) -> HarmonisationRequest:
    reason = reason.strip()
    if not reason:
        raise HarmonisationRefused("Indiquez le motif de la demande.")
    if student is None and not profile_key:
        raise HarmonisationRefused("Précisez le candidat ou le profil à revoir.")
    academie_id = commission.cohort.establishment.academie_id
    if academie_id is None:
        raise HarmonisationRefused("L'établissement n'est rattaché à aucune académie.")
    with transaction.atomic():
        request = HarmonisationRequest.objects.create(
            academie_id=academie_id,
            commission=commission,
            student=student,
            profile_key=profile_key if student is None else "",
            reason=reason,
            asked_by=actor,
        )
        log_action(
            "harmonisation.review_requested",
            actor=actor,
            obj=request,
            establishment_id=commission.cohort.establishment_id,
            changes={"student_id": student.pk if student else None, "profile": profile_key, "reason": reason},
        )
    return request


def answer_request(*, actor: User, request: HarmonisationRequest, kind: str, text: str) -> HarmonisationRequest:
    """The responsible's answer. A reopening goes through the lifecycle's own service (its checks, its audit)."""
    text = text.strip()
    if not text:
        raise HarmonisationRefused("Rédigez la justification ou le motif de la réouverture.")
    if kind not in AnswerKind.values:
        raise HarmonisationRefused("Choisissez une réponse.")
    with transaction.atomic():
        request = HarmonisationRequest.objects.select_for_update().get(pk=request.pk)
        if kind == AnswerKind.REOPENED and request.student is None:
            raise HarmonisationRefused(
                "Une demande sur un profil se justifie ; rouvrez chaque candidat depuis ses notes."
            )
        if not request.is_open:
            raise HarmonisationRefused("Cette demande a déjà reçu une réponse.")
        if kind == AnswerKind.REOPENED and request.student is not None:
            try:
                lifecycle.reopen_after_deliberation(
                    commission=request.commission, student=request.student, actor=actor, reason=text
                )
            except (freezing.LifecycleRefused, PermissionError) as exc:
                raise HarmonisationRefused(getattr(exc, "message", str(exc))) from None
        request.answer_kind = kind
        request.answer = text
        request.answered_by = actor
        request.answered_at = timezone.now()
        request.save(update_fields=["answer_kind", "answer", "answered_by", "answered_at"])
        log_action(
            "harmonisation.review_answered",
            actor=actor,
            obj=request,
            changes={"answer_kind": kind, "answer": text},
        )
    return request


def send_marks(*, actor: User, establishment: Establishment, session: ExamSession, exam: Exam) -> MarksDispatch:
    """The establishment's marks of ``exam`` at ``session``, frozen and sent to its académie. Refused before every
    commission has deliberated, while a reopened result awaits its new deliberation, or when nothing changed since
    the latest send."""
    if establishment.academie_id is None:
        raise HarmonisationRefused("Cet établissement n'est rattaché à aucune académie.")
    with transaction.atomic():
        # One send at a time per establishment: the row lock serialises two clicks on both databases.
        Establishment.objects.select_for_update().filter(pk=establishment.pk).first()
        state = dispatches.send_state(establishment, session, exam)
        if state.blockers:
            raise HarmonisationRefused("Les notes ne peuvent pas encore être transmises.", messages=state.blockers)
        marks = dispatches.snapshot(state.results)
        if state.latest is not None and state.latest.marks == marks:
            sent_on = timezone.localtime(state.latest.sent_at)
            raise HarmonisationRefused(
                f"Ces notes ont déjà été transmises le {sent_on:%d/%m/%Y à %H:%M}, sans changement depuis."
            )
        dispatch = MarksDispatch.objects.create(
            academie_id=establishment.academie_id,
            establishment=establishment,
            session=session,
            exam=exam,
            marks=marks,
            sent_by=actor,
        )
        log_action(
            "harmonisation.marks_sent",
            actor=actor,
            obj=dispatch,
            establishment_id=establishment.pk,
            changes={
                "exam": exam.code,
                "session": session.year,
                "candidates": len(marks),
                "replaces": state.latest.pk if state.latest else None,
                "changes": [change.label for change in state.changes],
            },
        )
    return dispatch
