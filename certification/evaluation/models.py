"""Models of evaluation: grids, results and mark ranges, evaluation sheets and signatures, deliberation,
absences and reopenings, evaluation packs.

App label ``certification``: re-exported by ``certification.models`` (migrations, ``apps.get_model``).
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models

from accounts.models import Student
from certification.commissions.models import Commission, CommissionMember, Situation
from lib.french import de
from passeport.models import Fiche
from referentiel.models import Competency, Criterion, Level


class Grid(models.Model):
    """The « grille d'aide à l'évaluation » (recto) of one candidate: a member's own, or the agreed one.

    ``member`` is null for the commission's agreed grid. Jury only: never shown to the candidate, in any form.
    ``version`` grows with every save; a save based on an older version is refused as a conflict.
    """

    commission = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="grids")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(CommissionMember, on_delete=models.PROTECT, null=True, blank=True, related_name="grids")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "grille d'aide à l'évaluation"
        constraints = [
            models.UniqueConstraint(fields=["commission", "student", "member"], name="grid_unique_member"),
            models.UniqueConstraint(
                fields=["commission", "student"], condition=models.Q(member__isnull=True), name="grid_unique_agreed"
            ),
        ]

    def __str__(self) -> str:
        who = self.member.user if self.member_id and self.member else "commission"
        return f"Grille {self.commission.exam.code} {de(self.student)} ({who})"

    @property
    def is_agreed(self) -> bool:
        return self.member_id is None

    @property
    def audit_establishment_id(self) -> int:
        return self.commission.audit_establishment_id


class GridLine(models.Model):
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="lines")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "ligne de grille"
        constraints = [models.UniqueConstraint(fields=["grid", "criterion"], name="gridline_unique")]

    def __str__(self) -> str:
        return f"{self.criterion} : {self.level.code if self.level_id and self.level else '—'}"


class GridComment(models.Model):
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="comments")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "commentaire de grille"
        constraints = [models.UniqueConstraint(fields=["grid", "competency"], name="gridcomment_unique")]

    def __str__(self) -> str:
        return f"{self.grid} – {self.competency}"


class ResultStatus(models.TextChoices):
    PENDING = "pending", "À noter"
    MARK = "mark", "Note sur 20"
    RESERVED = "reserved", "Réservée"
    NOT_VALID = "nv", "NV (non valide)"
    ABSENT = "absent", "Absent"


class CandidateResult(models.Model):
    """The commission's result for one candidate: global profile, then a mark (or a status).

    ``profile`` maps competency ids (as strings) to a level code: proposed from the agreed grid, editable.
    No formula decides the mark: the commission sets it, inside the range it chose for the profile.
    """

    commission = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="results")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    profile = models.JSONField("profil", default=dict, blank=True)
    status = models.CharField("statut", max_length=20, choices=ResultStatus.choices, default=ResultStatus.PENDING)
    mark = models.DecimalField("note sur 20", max_digits=3, decimal_places=1, null=True, blank=True)
    absent_reason = models.CharField("motif d'absence", max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    locked_at = models.DateTimeField("verrouillé le", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "résultat du candidat"
        ordering = ["commission", "student"]
        constraints = [
            models.UniqueConstraint(fields=["commission", "student"], name="candidateresult_unique"),
            models.CheckConstraint(
                condition=models.Q(mark__isnull=True) | (models.Q(mark__gte=0) & models.Q(mark__lte=20)),
                name="candidateresult_mark_0_20",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="mark") | models.Q(mark__isnull=False),
                name="candidateresult_mark_status_has_mark",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="absent") | ~models.Q(absent_reason=""),
                name="candidateresult_absent_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} – {self.commission}"

    @property
    def audit_establishment_id(self) -> int:
        return self.commission.audit_establishment_id


class MarkRange(models.Model):
    """The range of marks the commission gives to one profile of its group (``profile_key`` as in the page)."""

    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="mark_ranges")
    profile_key = models.CharField("profil", max_length=200)
    low = models.DecimalField("de", max_digits=3, decimal_places=1)
    high = models.DecimalField("à", max_digits=3, decimal_places=1)

    class Meta:
        verbose_name = "plage de notation"
        constraints = [
            models.UniqueConstraint(fields=["commission", "profile_key"], name="markrange_unique"),
            models.CheckConstraint(
                condition=models.Q(low__gte=0) & models.Q(high__lte=20) & models.Q(low__lte=models.F("high")),
                name="markrange_bounds",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile_key} : {self.low}–{self.high}"

    @property
    def audit_establishment_id(self) -> int:
        return self.commission.audit_establishment_id


class EvaluationSheet(models.Model):
    """The « fiche d'évaluation » (verso) of one candidate: communicable after the jury's deliberation."""

    commission = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="evaluation_sheets")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "fiche d'évaluation"
        constraints = [
            models.UniqueConstraint(fields=["commission", "student"], name="evaluationsheet_unique"),
        ]

    def __str__(self) -> str:
        return f"Fiche d'évaluation {de(self.student)} – {self.commission}"

    @property
    def audit_establishment_id(self) -> int:
        return self.commission.audit_establishment_id


class SituationAppraisal(models.Model):
    sheet = models.ForeignKey(EvaluationSheet, on_delete=models.CASCADE, related_name="appraisals")
    situation = models.ForeignKey(Situation, on_delete=models.PROTECT, related_name="+")
    date = models.DateField("date", null=True, blank=True)
    fiche = models.ForeignKey(Fiche, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    text = models.TextField("appréciation de la commission", blank=True)

    class Meta:
        verbose_name = "appréciation d'une situation"
        constraints = [
            models.UniqueConstraint(fields=["sheet", "situation"], name="situationappraisal_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.sheet} – {self.situation.code}"

    @property
    def audit_establishment_id(self) -> int:
        return self.situation.audit_establishment_id


class Signature(models.Model):
    """A member's electronic signature of the evaluation sheet, given after re-entering their password."""

    sheet = models.ForeignKey(EvaluationSheet, on_delete=models.PROTECT, related_name="signatures")
    member = models.ForeignKey(CommissionMember, on_delete=models.PROTECT, related_name="signatures")
    signed_at = models.DateTimeField(auto_now_add=True)
    sheet_version = models.PositiveIntegerField()
    mark_repr = models.CharField("note signée", max_length=20)

    class Meta:
        verbose_name = "signature"
        constraints = [models.UniqueConstraint(fields=["sheet", "member"], name="signature_unique")]

    def __str__(self) -> str:
        return f"{self.member.user} a signé {self.sheet}"


class Deliberation(models.Model):
    """The jury's deliberation recorded by an administrator: from then on the candidates see verso and mark."""

    commission = models.OneToOneField(Commission, on_delete=models.PROTECT, related_name="deliberation")
    deliberated_on = models.DateField("date de la délibération")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "délibération du jury"

    def __str__(self) -> str:
        return f"Délibération {self.commission} du {self.deliberated_on:%d/%m/%Y}"

    @property
    def audit_establishment_id(self) -> int:
        return self.commission.audit_establishment_id


def absence_document_path(instance, filename: str) -> str:
    # Private like evidence: a random name on disk, the original one kept in a field.
    suffix = Path(filename).suffix.lower()[:10]
    return f"absences/{instance.student_id}/{uuid.uuid4().hex}{suffix}"


class AbsenceKind(models.TextChoices):
    JUSTIFIED = "justified", "Justifiée"
    UNJUSTIFIED = "unjustified", "Non justifiée"


class Absence(models.Model):
    """A candidate absent on the day of a situation: justified (a document, then a new date) or not.

    The consequence of an unjustified absence is read from the session's rules (``data/sessions``), never decided
    here. The document is private like evidence: served only by a view that checks access.
    """

    situation = models.ForeignKey(Situation, on_delete=models.PROTECT, related_name="absences")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    absent_on = models.DateField("date de l'absence")
    kind = models.CharField("absence", max_length=20, choices=AbsenceKind.choices)
    reason = models.TextField("motif", blank=True)
    document = models.FileField("justificatif", upload_to=absence_document_path, max_length=300, blank=True)
    document_name = models.CharField("nom du justificatif", max_length=255, blank=True)
    document_type = models.CharField("type du justificatif", max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    # Set by the candidate's lifecycle page (views.lifecycle), never stored: a justified absence still waiting for
    # its new date.
    waits_new_date: bool

    class Meta:
        verbose_name = "absence"
        ordering = ["situation", "absent_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["situation", "student", "absent_on"], name="absence_unique_day"),
            # A justified absence carries its document.
            models.CheckConstraint(
                condition=~models.Q(kind="justified") | ~models.Q(document=""), name="absence_justified_has_document"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} absent·e le {self.absent_on:%d/%m/%Y} ({self.get_kind_display()})"

    @property
    def audit_establishment_id(self) -> int:
        return self.situation.audit_establishment_id


class Reopening(models.Model):
    """A formal reopening of one candidate's result after the deliberation, by the responsible teacher.

    While it is open the candidate's marks, sheet and grids may change again and the candidate no longer sees a
    result; a new deliberation closes it (``closed_on``) and releases the result again.
    """

    commission = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="reopenings")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("motif")
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reopened_at = models.DateTimeField(auto_now_add=True)
    closed_on = models.DateField("nouvelle délibération du", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "réouverture après délibération"
        ordering = ["commission", "reopened_at", "pk"]
        constraints = [
            # At most one open reopening per candidate.
            models.UniqueConstraint(
                fields=["commission", "student"], condition=models.Q(closed_on__isnull=True), name="reopening_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"Réouverture – {self.student}"

    @property
    def audit_establishment_id(self) -> int:
        return self.commission.audit_establishment_id


class PackState(models.TextChoices):
    QUEUED = "queued", "En attente"
    BUILDING = "building", "En cours"
    READY = "ready", "Prêt"
    FAILED = "failed", "Échec"


class EvaluationPack(models.Model):
    """The build state of one candidate's « dossier d'évaluation » PDF (the file itself lives in storage).

    « Prêt » only once the file was written whole and checked (it parses, has ``pages`` pages, ``size`` bytes).
    A build whose ``heartbeat_at`` stops moving was interrupted (its worker died): see
    ``certification.evaluation.services.packs``.
    """

    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="packs")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=PackState.choices, default=PackState.QUEUED)
    requested_at = models.DateTimeField()
    heartbeat_at = models.DateTimeField(help_text="Dernier signe de vie de la construction (ou la demande).")
    finished_at = models.DateTimeField(null=True, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = "dossier d'évaluation (PDF)"
        constraints = [
            models.UniqueConstraint(fields=["commission", "student"], name="evaluation_pack_unique"),
            models.CheckConstraint(
                condition=~models.Q(state="ready") | (models.Q(size__gt=0) & models.Q(pages__gt=0)),
                name="evaluation_pack_ready_is_verified",
            ),
        ]

    def __str__(self) -> str:
        return f"Dossier d'évaluation {self.student_id} – commission {self.commission_id}"

    @property
    def audit_establishment_id(self) -> int:
        return self.commission.audit_establishment_id
