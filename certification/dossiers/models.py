"""Models of dossiers: what a candidate deposits for an exam, its conformity checks, the deposit reminders.

App label ``certification``: re-exported by ``certification.models`` (migrations, ``apps.get_model``).
"""

from django.conf import settings
from django.db import models

from accounts.models import Student
from lib.french import de
from passeport.models import Fiche, FicheVersion, FicheVerso, InternshipPeriod
from referentiel.models import Exam, ExamSession


class DossierState(models.TextChoices):
    DRAFT = "draft", "En préparation"
    SUBMITTED = "submitted", "Déposé"


class Dossier(models.Model):
    """The « dossier support d'épreuve » of one student for one exam of one session."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="dossiers")
    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(ExamSession, on_delete=models.PROTECT, related_name="dossiers")
    state = models.CharField("état", max_length=20, choices=DossierState.choices, default=DossierState.DRAFT)
    submitted_at = models.DateTimeField("déposé le", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A deposit after the deadline exists only as recorded by an administrator, with its date and reason.
    late_deposit_recorded_at = models.DateTimeField("dépôt tardif enregistré le", null=True, blank=True)
    late_deposit_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    late_deposit_date = models.DateField("date du dépôt tardif", null=True, blank=True)
    late_deposit_reason = models.TextField("motif du dépôt tardif", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "dossier"
        ordering = ["session", "exam", "student"]
        constraints = [
            models.UniqueConstraint(fields=["student", "exam", "session"], name="dossier_unique"),
            models.CheckConstraint(
                condition=models.Q(state="draft") | models.Q(submitted_at__isnull=False),
                name="dossier_submitted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Dossier {self.exam.code} {de(self.student)} ({self.session})"

    @property
    def audit_establishment_id(self) -> int:
        return self.student.audit_establishment_id


class DossierFiche(models.Model):
    """A fiche chosen for the dossier; once submitted, ``version`` freezes the exact text deposited."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="items")
    fiche = models.ForeignKey(Fiche, on_delete=models.PROTECT, related_name="+")
    verso = models.ForeignKey(FicheVerso, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    version = models.ForeignKey(FicheVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    order = models.PositiveSmallIntegerField("ordre", default=1)

    class Meta:
        verbose_name = "fiche du dossier"
        ordering = ["dossier", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["dossier", "fiche", "verso"], name="dossierfiche_unique")]

    def __str__(self) -> str:
        return f"{self.dossier} – {self.fiche}"

    @property
    def audit_establishment_id(self) -> int:
        return self.dossier.audit_establishment_id


class DossierAttestation(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attestations")
    internship = models.ForeignKey(InternshipPeriod, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "attestation du dossier"
        constraints = [
            models.UniqueConstraint(fields=["dossier", "internship"], name="dossierattestation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier} – {self.internship}"

    @property
    def audit_establishment_id(self) -> int:
        return self.dossier.audit_establishment_id


class ConformityDecision(models.TextChoices):
    CONFORME = "conforme", "Dossier conforme"
    NOT_VALID = "nv", "Non conforme : mention NV"
    RESERVED = "reserve", "Doute en cours de vérification : note réservée"


class NvReason(models.TextChoices):
    """The five official cases (ANNEXE V–8 / VII–6); the exact wording per exam is data (data/forms)."""

    NO_DEPOSIT = "no_deposit", "Absence de dépôt de dossier à la date fixée"
    LATE_DEPOSIT = "late_deposit", "Dépôt du dossier au-delà de la date fixée"
    SHORT_INTERNSHIP = "short_internship", "Durée de stage ou d'expérience professionnelle insuffisante"
    NO_ATTESTATION = "no_attestation", "Absence d'attestation de stage ou de certificat de travail"
    UNSIGNED = "unsigned", "Documents non visés ou non signés par les personnes habilitées"


class ConformityCheck(models.Model):
    """One recorded check of a dossier (the latest one counts; earlier ones stay as history)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="conformity_checks")
    decision = models.CharField("décision", max_length=20, choices=ConformityDecision.choices)
    nv_reasons = models.JSONField("motifs de non-conformité", default=list, blank=True)
    comment = models.TextField("observations", blank=True)
    checked_on = models.DateField("date du contrôle")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "contrôle de conformité"
        ordering = ["dossier", "-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.dossier} – {self.get_decision_display()}"

    @property
    def audit_establishment_id(self) -> int:
        return self.dossier.audit_establishment_id


class DossierReminder(models.Model):
    """A reminder sent to a student whose dossier was not submitted N days before the deposit deadline."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(ExamSession, on_delete=models.PROTECT, related_name="+")
    days_before = models.PositiveSmallIntegerField("jours avant la date limite")
    sent_at = models.DateTimeField("envoyée le", auto_now_add=True)
    outbox_message_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "relance de dépôt"
        constraints = [
            models.UniqueConstraint(
                fields=["student", "exam", "session", "days_before"], name="dossierreminder_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Relance {self.exam.code} J-{self.days_before} – {self.student}"

    @property
    def audit_establishment_id(self) -> int:
        return self.student.audit_establishment_id
