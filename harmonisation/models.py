"""Harmonisation requests (issue 16): the académie's inspection asks a commission to review a candidate or a
profile; the commission's responsible answers with a justification or a reopening. The inspector never edits a mark."""

from django.conf import settings
from django.db import models

from accounts.models import Academie, Establishment, Student
from certification.models import Commission
from referentiel.models import Exam, ExamSession


class AnswerKind(models.TextChoices):
    JUSTIFIED = "justified", "Note maintenue, justifiée"
    REOPENED = "reopened", "Résultat rouvert pour une nouvelle délibération"


class HarmonisationRequest(models.Model):
    academie = models.ForeignKey(Academie, on_delete=models.PROTECT, related_name="harmonisation_requests")
    commission = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="harmonisation_requests")
    # A candidate, or a profile of the commission (then ``student`` is empty and ``profile_key`` names it).
    student = models.ForeignKey(Student, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    profile_key = models.CharField("profil", max_length=200, blank=True)
    reason = models.TextField("motif de la demande")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField("demandée le", auto_now_add=True)
    answer_kind = models.CharField("réponse", max_length=20, choices=AnswerKind.choices, blank=True)
    answer = models.TextField("justification", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField("répondue le", null=True, blank=True)

    class Meta:
        verbose_name = "demande d'harmonisation"
        ordering = ["-asked_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(student__isnull=False) | ~models.Q(profile_key=""),
                name="harmonisationrequest_names_candidate_or_profile",
            ),
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True) | ~models.Q(answer_kind=""),
                name="harmonisationrequest_answer_has_kind",
            ),
        ]

    def __str__(self) -> str:
        about = f"profil {self.profile_key}" if self.student_id is None else "un candidat"
        return f"Demande d'harmonisation ({about}) – {self.commission}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None

    @property
    def audit_establishment_id(self) -> int:
        return self.commission.audit_establishment_id


class MarksDispatch(models.Model):
    """An establishment's marks of one exam and session, sent to its académie after the deliberation (issue 16).

    ``marks`` is the frozen snapshot the jury reads (export, PV): ``[{"result": id, "student": id, "number": "…",
    "status": "mark", "mark": "12.5" | null}, …]``. A later send adds a new row; the latest one is what the académie
    holds. A change of a result after the latest send is computed by comparing the snapshot with the current results
    (``harmonisation.dispatches``), never written here.
    """

    academie = models.ForeignKey(Academie, on_delete=models.PROTECT, related_name="marks_dispatches")
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="marks_dispatches")
    session = models.ForeignKey(ExamSession, on_delete=models.PROTECT, related_name="+")
    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="+")
    marks = models.JSONField("notes transmises", default=list)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField("transmises le", auto_now_add=True)

    class Meta:
        verbose_name = "transmission des notes à l'académie"
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["academie", "session", "exam"], name="dispatch_academie_session_exam")]

    def __str__(self) -> str:
        return f"Notes {self.exam} {self.session} – {self.establishment} ({self.sent_at:%d/%m/%Y})"

    @property
    def audit_establishment_id(self) -> int:
        return self.establishment_id
