"""The « CCF blanc »: a mock run of a CCF situation for a class, for training only.

Structurally apart from certification: its own rows, never read by profiles, marks, exports, packs or
harmonisation. Its grid uses the same critères and levels as the certifying grid (référentiel data), but it is
training data: once published, the student sees it with the jury's comment, and its levels enter the passeport as a
formative assessment labelled « CCF blanc ».
"""

from django.conf import settings
from django.db import models

from accounts.models import Cohort, Student
from passeport.models import Fiche, FormativeAssessment
from referentiel.models import Criterion, Exam, Level

BLANC_LABEL = "CCF blanc"


class MockExamState(models.TextChoices):
    DRAFT = "draft", "En préparation"
    PUBLISHED = "published", "Publiée aux étudiant·es"


class MockExam(models.Model):
    """An « épreuve blanche » of one class on one situation of a CCF exam."""

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="mock_exams")
    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="+")
    situation_code = models.CharField("situation", max_length=2)
    title = models.CharField("intitulé de la situation", max_length=300)
    held_on = models.DateField("date de l'épreuve blanche")
    state = models.CharField("état", max_length=20, choices=MockExamState.choices, default=MockExamState.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField("publiée le", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "épreuve blanche"
        ordering = ["-held_on", "-pk"]
        constraints = [
            # A double-submitted creation form makes one blanc, not two.
            models.UniqueConstraint(fields=["cohort", "exam", "situation_code", "held_on"], name="mockexam_unique_day"),
        ]

    def __str__(self) -> str:
        return f"{BLANC_LABEL} {self.exam.code} situation {self.situation_code} – {self.cohort.name}"

    @property
    def is_published(self) -> bool:
        return self.state == MockExamState.PUBLISHED


class MockCandidate(models.Model):
    """One student of the épreuve blanche: the fiche used, the fiche sujet, the time, the jury's grid and comment.

    ``version`` grows with every save of the grid or the fiche sujet: a form sent from an older version is refused.
    """

    mock_exam = models.ForeignKey(MockExam, on_delete=models.CASCADE, related_name="candidates")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="mock_candidacies")
    fiche = models.ForeignKey(Fiche, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    subject = models.JSONField("fiche sujet (paramètres)", default=dict, blank=True)
    originals = models.JSONField("textes d'origine", default=dict, blank=True)
    starts_at = models.DateTimeField("passage", null=True, blank=True)
    comment = models.TextField("appréciation du jury", blank=True)
    graded_at = models.DateTimeField("grille remplie le", null=True, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)
    formative = models.ForeignKey(
        FormativeAssessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "candidat·e d'une épreuve blanche"
        ordering = ["mock_exam", "starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["mock_exam", "student"], name="mockcandidate_unique_student"),
        ]

    def __str__(self) -> str:
        return f"{self.mock_exam} – {self.student}"


class MockGridLine(models.Model):
    candidate = models.ForeignKey(MockCandidate, on_delete=models.CASCADE, related_name="lines")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "ligne de grille blanche"
        ordering = ["candidate", "criterion"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "criterion"], name="mockgridline_unique_criterion"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion} : {self.level.code}"
